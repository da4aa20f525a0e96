/**
 * A small glob matcher for `.apim-vnet.json` `ignore` and `parameterFiles` keys.
 * Written here on purpose (no dependency): the syntax needed is tiny and fixed.
 *
 * Syntax, matched against a path relative to the config file's folder, with `/` separators:
 *   `**`      any number of path segments (including none) when it is a whole segment
 *             (`**\/x`, `a/**`, `a/**\/b`); elsewhere it behaves like `*`
 *   `*`       any characters except `/`
 *   `?`       one character except `/`
 *   `{a,b}`   alternatives (may nest, may contain other wildcards)
 *   `[...]`   not special: matched literally (ARM file names never need classes)
 *   `\x`      the character x literally
 * A pattern without `/` matches the base name at any depth (gitignore-like: `*.parameters.json`
 * matches `a/b/x.parameters.json`). A pattern ending in `/` matches a folder and everything
 * under it. Matching is case-sensitive except on Windows/macOS callers that pass `nocase`.
 */

const cache = new Map<string, RegExp>();

function escapeRe(c: string): string {
  return /[.+^$()|[\]\\{}*?]/.test(c) ? '\\' + c : c;
}

/** Splits `a,b` at top-level commas inside braces; returns undefined when unbalanced. */
function braceBody(glob: string, start: number): { alts: string[]; end: number } | undefined {
  let depth = 0;
  let cur = '';
  const alts: string[] = [];
  for (let i = start + 1; i < glob.length; i++) {
    const c = glob[i];
    if (c === '\\' && i + 1 < glob.length) {
      cur += c + glob[i + 1];
      i++;
      continue;
    }
    if (c === '{') depth++;
    if (c === '}') {
      if (depth === 0) {
        alts.push(cur);
        return { alts, end: i };
      }
      depth--;
    }
    if (c === ',' && depth === 0) {
      alts.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  return undefined;
}

function translate(glob: string): string {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '\\' && i + 1 < glob.length) {
      re += escapeRe(glob[i + 1]);
      i++;
    } else if (c === '*') {
      if (glob[i + 1] === '*') {
        const atSegStart = i === 0 || glob[i - 1] === '/';
        const after = glob[i + 2];
        if (atSegStart && after === '/') {
          re += '(?:[^/]*/)*'; // "**/" : zero or more whole segments
          i += 2;
          continue;
        }
        if (atSegStart && after === undefined) {
          re += '.*'; // trailing "**": everything below
          i += 1;
          continue;
        }
        re += '[^/]*';
        i += 1;
        continue;
      }
      re += '[^/]*';
    } else if (c === '?') {
      re += '[^/]';
    } else if (c === '{') {
      const body = braceBody(glob, i);
      if (!body) {
        re += '\\{';
        continue;
      }
      re += '(?:' + body.alts.map(translate).join('|') + ')';
      i = body.end;
    } else {
      re += escapeRe(c);
    }
  }
  return re;
}

/** Compiles a glob to an anchored RegExp (see the syntax above). */
export function globToRegExp(glob: string, nocase = false): RegExp {
  const key = (nocase ? 'i:' : 's:') + glob;
  const hit = cache.get(key);
  if (hit) return hit;
  let g = glob; // globs always use '/' (a backslash escapes)
  if (g.startsWith('./')) g = g.slice(2);
  let dirOnly = false;
  if (g.endsWith('/')) {
    dirOnly = true;
    g = g.slice(0, -1);
  }
  let body = translate(g);
  if (!g.includes('/')) body = '(?:[^/]*/)*' + body; // base-name pattern: any depth
  else if (g.startsWith('/')) body = body.slice(1); // "/x" anchored at the config folder
  const re = new RegExp('^' + body + (dirOnly ? '/.*' : '(?:/.*)?') + '$', nocase ? 'i' : '');
  cache.set(key, re);
  return re;
}

/** Normalizes a relative path to `/` separators without a leading `./`. */
export function normalizeRelPath(p: string): string {
  let s = p.replace(/\\/g, '/');
  while (s.startsWith('./')) s = s.slice(2);
  return s;
}

/**
 * True when `relPath` (relative to the glob's base folder) matches `glob`. A match of a folder
 * also matches everything below it (`ignore: ["generated"]` ignores `generated/x.json`).
 */
export function matchGlob(glob: string, relPath: string, nocase = false): boolean {
  const p = normalizeRelPath(relPath);
  if (p === '' || p.startsWith('../') || p === '..') return false;
  return globToRegExp(glob, nocase).test(p);
}

/** True when any of the globs matches. */
export function matchAny(globs: readonly string[] | undefined, relPath: string, nocase = false): boolean {
  if (!globs) return false;
  return globs.some((g) => matchGlob(g, relPath, nocase));
}
