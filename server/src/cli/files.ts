/**
 * File access for the CLI: discovery of candidate files under the given roots and a read policy
 * for the analyzer (linked templates, parameter files) that never leaves the scanned roots or
 * the template's own folder tree, never follows URLs, and caches every text it served (so the
 * output can map offsets to lines in exactly the text that was analyzed).
 */
import * as fs from 'fs';
import * as path from 'path';

export const SKIPPED_DIRS = new Set(['node_modules', '.git']);
export const CANDIDATE_RE = /\.jsonc?$/i;

/** True when `p` is `dir` or inside it (both absolute, real paths). */
export function isInside(p: string, dir: string): boolean {
  const rel = path.relative(dir, p);
  return rel === '' || (!rel.startsWith('..' + path.sep) && rel !== '..' && !path.isAbsolute(rel));
}

export function realpathOrUndefined(p: string): string | undefined {
  try {
    return fs.realpathSync.native(p);
  } catch {
    return undefined;
  }
}

export interface Candidate {
  /** Absolute path as discovered (not symlink-resolved), used for display. */
  path: string;
  /** Real path (dedup key). */
  real: string;
  /** Named on the command line (vs found in a directory). */
  explicit: boolean;
  /** Real path of the root it was found under (its own folder for explicit files). */
  root: string;
}

export interface DiscoveryProblem {
  path: string;
  message: string;
}

export interface Discovery {
  candidates: Candidate[];
  /** Real paths of the roots (directories given, folders of files given). */
  roots: string[];
  problems: DiscoveryProblem[];
}

/**
 * Walks the inputs. `ignored(absPath, isDir)` filters directory-found entries (config globs).
 * Directories: recursive, sorted by name, skipping node_modules/.git, symlink loops (each real
 * directory is walked once) and anything whose real path leaves the root it was found under.
 */
export function discover(inputs: string[], cwd: string, ignored: (abs: string, isDir: boolean) => boolean): Discovery {
  const candidates: Candidate[] = [];
  const roots: string[] = [];
  const problems: DiscoveryProblem[] = [];
  const seenFiles = new Set<string>();
  const visitedDirs = new Set<string>();

  const add = (c: Candidate) => {
    if (seenFiles.has(c.real)) return;
    seenFiles.add(c.real);
    candidates.push(c);
  };

  const walk = (dir: string, root: string) => {
    const real = realpathOrUndefined(dir);
    if (!real || !isInside(real, root) || visitedDirs.has(real)) return;
    visitedDirs.add(real);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      problems.push({ path: dir, message: `cannot read directory: ${errText(e)}` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const full = path.join(dir, e.name);
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        const target = realpathOrUndefined(full);
        if (!target || !isInside(target, root)) continue; // dangling, or leads outside the root
        try {
          const st = fs.statSync(full);
          isDir = st.isDirectory();
          isFile = st.isFile();
        } catch {
          continue;
        }
      }
      if (isDir) {
        if (SKIPPED_DIRS.has(e.name) || ignored(full, true)) continue;
        walk(full, root);
      } else if (isFile && CANDIDATE_RE.test(e.name)) {
        if (e.name === '.apim-vnet.json' || ignored(full, false)) continue;
        const r = realpathOrUndefined(full);
        if (!r || !isInside(r, root)) continue;
        add({ path: full, real: r, explicit: false, root });
      }
    }
  };

  for (const input of inputs) {
    const abs = path.resolve(cwd, input);
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch (e) {
      problems.push({ path: abs, message: `cannot read: ${errText(e)}` });
      continue;
    }
    const real = realpathOrUndefined(abs) ?? abs;
    if (st.isDirectory()) {
      roots.push(real);
      walk(abs, real);
    } else if (st.isFile()) {
      const root = path.dirname(real);
      roots.push(root);
      add({ path: abs, real, explicit: true, root });
    } else {
      problems.push({ path: abs, message: 'not a file or directory' });
    }
  }
  return { candidates, roots, problems };
}

export function errText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err && err.code === 'ENOENT') return 'no such file or directory';
  if (err && (err.code === 'EACCES' || err.code === 'EPERM')) return 'permission denied';
  if (err && err.code === 'EISDIR') return 'is a directory';
  return err && err.message ? err.message : String(e);
}

/** Reads a text file: UTF-8, BOM removed (remembered so a rewrite can restore it). */
export function readText(file: string): { text: string; bom: boolean } {
  const raw = fs.readFileSync(file, 'utf8');
  if (raw.charCodeAt(0) === 0xfeff) return { text: raw.slice(1), bom: true };
  return { text: raw, bom: false };
}

/** Writes through a temp file in the same folder and a rename (atomic on POSIX); keeps the mode. */
export function writeAtomic(file: string, text: string): void {
  const target = realpathOrUndefined(file) ?? file;
  let mode: number | undefined;
  try {
    mode = fs.statSync(target).mode & 0o7777;
  } catch {
    mode = undefined;
  }
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.apim-vnet-${process.pid}-${Date.now().toString(36)}.tmp`);
  try {
    fs.writeFileSync(tmp, text, mode !== undefined ? { mode } : undefined);
    fs.renameSync(tmp, target);
  } catch (e) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw e;
  }
}

/**
 * The texts the CLI has read (analyzed documents, linked templates, parameter files) and the
 * read policy the analyzer's `readFile` goes through.
 */
export class TextStore {
  private readonly texts = new Map<string, { text: string; bom: boolean }>();
  /** Files explicitly allowed wherever they are (--parameters, config-mapped parameter files). */
  readonly allowedFiles = new Set<string>();

  constructor(
    /** Real paths of the scanned roots. */
    readonly roots: string[],
    readonly maxFileSize: number,
  ) {}

  private key(file: string): string {
    return path.resolve(file);
  }

  set(file: string, text: string, bom = false): void {
    this.texts.set(this.key(file), { text, bom });
  }

  get(file: string): string | undefined {
    return this.texts.get(this.key(file))?.text;
  }

  bom(file: string): boolean {
    return this.texts.get(this.key(file))?.bom ?? false;
  }

  /** Forget a file's text (after a fix rewrote it). */
  forget(file: string): void {
    this.texts.delete(this.key(file));
  }

  /** May `file` be read (or written by --fix) for a template in `templateDir`? */
  allowed(file: string, templateDir?: string): boolean {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(file)) return false; // URLs: never
    const abs = path.resolve(templateDir ?? '/', file);
    const real = realpathOrUndefined(abs);
    if (!real) return false;
    if (this.allowedFiles.has(real)) return true;
    const tplReal = templateDir ? realpathOrUndefined(templateDir) : undefined;
    if (tplReal && isInside(real, tplReal)) return true;
    return this.roots.some((r) => isInside(real, r));
  }

  /** The analyzer's readFile for a template in `templateDir`. */
  reader(templateDir: string): (file: string) => string | undefined {
    return (file: string) => {
      if (typeof file !== 'string' || file === '') return undefined;
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(file)) return undefined;
      const abs = path.resolve(templateDir, file);
      const cached = this.get(abs);
      if (cached !== undefined) return cached;
      if (!this.allowed(abs, templateDir)) return undefined;
      try {
        const st = fs.statSync(abs);
        if (!st.isFile() || st.size > this.maxFileSize) return undefined;
        const r = readText(abs);
        this.set(abs, r.text, r.bom);
        if (abs !== file) this.set(file, r.text, r.bom);
        return r.text;
      } catch {
        return undefined;
      }
    };
  }

  /** Text for output (line/column): what was analyzed, else an allowed file read on demand. */
  textOf = (file: string): string | undefined => {
    const t = this.get(file);
    if (t !== undefined) return t;
    const abs = path.resolve(file);
    if (!this.allowed(abs)) return undefined;
    return this.reader(path.dirname(abs))(abs);
  };
}
