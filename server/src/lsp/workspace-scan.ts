/**
 * Workspace scan: every *.json / *.jsonc under the given folders, skipping node_modules, .git
 * and the config file's `ignore` globs. Asynchronous (yields between files) so the server keeps
 * answering while it scans; cancellable.
 */
import * as fs from 'fs';
import * as path from 'path';

export const SKIPPED_DIRS = new Set(['node_modules', '.git', '.hg', '.svn']);

export interface ScanCallbacks {
  isIgnored(file: string): boolean;
  /** Analyzes and publishes one file; returns whether it was a template and its finding count. */
  analyzeFile(file: string): Promise<{ template: boolean; findings: number }> | { template: boolean; findings: number };
  progress?(done: number, total: number, file: string): void;
  cancelled?(): boolean;
}

export interface ScanResult {
  /** Number of templates found and analyzed. */
  files: number;
  /** Total findings over those templates. */
  findings: number;
  /** JSON files looked at. */
  scanned: number;
  cancelled: boolean;
}

/** Lists candidate files (sorted), skipping the usual folders and ignored paths; never throws. */
export function listJsonFiles(folders: string[], isIgnored: (p: string) => boolean, limit = 100_000): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const walk = (dir: string, depth: number) => {
    if (depth > 64 || out.length >= limit) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (SKIPPED_DIRS.has(e.name) || isIgnored(p)) continue;
        walk(p, depth + 1);
      } else if (e.isFile() && /\.jsonc?$/i.test(e.name) && e.name !== '.apim-vnet.json') {
        if (seen.has(p) || isIgnored(p)) continue;
        seen.add(p);
        out.push(p);
      }
    }
  };
  for (const f of folders) walk(f, 0);
  return out;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function scanFolders(folders: string[], cb: ScanCallbacks): Promise<ScanResult> {
  const files = listJsonFiles(folders, (p) => cb.isIgnored(p));
  const result: ScanResult = { files: 0, findings: 0, scanned: 0, cancelled: false };
  for (let i = 0; i < files.length; i++) {
    if (cb.cancelled?.()) {
      result.cancelled = true;
      break;
    }
    cb.progress?.(i, files.length, files[i]);
    const r = await cb.analyzeFile(files[i]);
    result.scanned++;
    if (r.template) {
      result.files++;
      result.findings += r.findings;
    }
    await yieldToEventLoop();
  }
  cb.progress?.(files.length, files.length, '');
  return result;
}
