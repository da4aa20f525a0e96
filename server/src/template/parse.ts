/**
 * Parsing of template / parameter documents with jsonc-parser (comments and trailing commas
 * allowed, as ARM accepts both), guarded against pathological nesting (jsonc-parser's parseTree
 * recurses), plus small node helpers used by the builder.
 */
import { parseTree, type Node, type ParseError } from 'jsonc-parser';
import type { SourceFile } from './model';
import { codeUnits, LazyContainer, lazyParseTree, spacesEnd } from './fast-parse';

/** Documents nested deeper than this are refused (the parser and evaluator recurse per level). */
export const MAX_NESTING = 400;

/** jsonc-parser's options for templates and parameter files (what `parseSource` parses with). */
export const JSONC_OPTIONS = { allowTrailingComma: true, disallowComments: false, allowEmptyContent: true } as const;

/** Result of the nesting pre-check: the deepest level and where it was first exceeded. */
export function nestingDepth(text: string, limit = MAX_NESTING): { depth: number; exceededAt?: number } {
  let depth = 0;
  let max = 0;
  // code units from a typed array (cheaper than charCodeAt on multi-MB text), runs of spaces at once
  const { units: u, quads } = codeUnits(text);
  const n = u.length;
  for (let i = 0; i < n; i++) {
    const c = u[i];
    if (c === 32) {
      i = spacesEnd(u, quads, i + 1) - 1;
    } else if (c === 34 /* " */) {
      // skip string
      i++;
      while (i < n) {
        const d = u[i];
        if (d === 92 /* \ */) i += 2;
        else if (d === 34 || d === 10 || d === 13) break;
        else i++;
      }
    } else if (c === 47 /* / */ && i + 1 < n) {
      const d = u[i + 1];
      if (d === 47) {
        i += 2;
        while (i < n && u[i] !== 10 && u[i] !== 13) i++;
      } else if (d === 42) {
        const end = text.indexOf('*/', i + 2);
        i = end < 0 ? n : end + 1;
      }
    } else if (c === 123 || c === 91) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > limit) return { depth: max, exceededAt: i };
      }
    } else if (c === 125 || c === 93) {
      if (depth > 0) depth--;
    }
  }
  return { depth: max };
}

export interface ParsedSource extends SourceFile {
  /** Set when the document was refused (too deep); a message for a template diagnostic. */
  refused?: { message: string; offset: number };
}

// A tiny cache (keyed by text) so that detectDocumentKind + buildTemplate, or two builds of the
// same text, parse once. Small, as a tree of a 3 MB template is large (about 12 bytes of tree
// per char of text): at most 3 texts, and beyond the newest one no more than CACHE_CHARS chars
// in all, so that the trees of earlier versions of a large document being typed into are not
// kept (three versions of a 10 MB template held 300 MB).
const cache: { text: string; parsed: ParsedSource }[] = [];
const CACHE_SIZE = 3;
const CACHE_CHARS = 4 * 1024 * 1024;

/** Parses a document once (cached by text); never throws. */
export function parseSource(file: string, text: string): ParsedSource {
  if (typeof text !== 'string') text = '';
  for (let i = 0; i < cache.length; i++) {
    const c = cache[i];
    if (c.text === text) {
      if (i > 0) {
        cache.splice(i, 1);
        cache.unshift(c);
      }
      return c.parsed.file === file ? c.parsed : { ...c.parsed, file };
    }
  }
  const parsed = parseUncached(file, text);
  cache.unshift({ text, parsed });
  let chars = 0;
  for (let i = 0; i < cache.length; i++) {
    chars += cache[i].text.length;
    if (i > 0 && (i >= CACHE_SIZE || chars > CACHE_CHARS)) {
      cache.length = i;
      break;
    }
  }
  return parsed;
}

function parseUncached(file: string, text: string): ParsedSource {
  const parseErrors: ParseError[] = [];
  // well-formed text within MAX_NESTING: the same tree as parseTree, built lazily as it is read
  // (no depth scan needed: the fast parser gives up beyond MAX_NESTING); otherwise the checks and
  // jsonc-parser below
  const fast = lazyParseTree(text, MAX_NESTING);
  if (fast) return { file, text, root: fast, parseErrors };
  const depth = nestingDepth(text);
  if (depth.exceededAt !== undefined) {
    return {
      file,
      text,
      root: undefined,
      parseErrors,
      refused: {
        message: `the document nests objects/arrays deeper than ${MAX_NESTING} levels; it is not analyzed`,
        offset: depth.exceededAt,
      },
    };
  }
  let root: Node | undefined;
  try {
    root = parseTree(text, parseErrors, JSONC_OPTIONS);
  } catch (e) {
    root = undefined;
  }
  return { file, text, root, parseErrors };
}

/** The value node of property `name` of an object node (exact match first, then case-insensitive). */
export function prop(node: Node | undefined, name: string): Node | undefined {
  if (!node || node.type !== 'object') return undefined;
  // an object of a lazy tree whose children are not built yet builds only the member asked for
  if (node instanceof LazyContainer && !node.expanded) return node.member(name, sameIgnoringCase);
  if (!node.children) return undefined;
  let ci: Node | undefined;
  const children = node.children;
  for (let i = 0; i < children.length; i++) {
    const pc = children[i].children;
    if (!pc) continue;
    const k = pc[0];
    const v = pc[1];
    if (!k || !v) continue;
    const kv = k.value;
    if (typeof kv !== 'string') continue;
    if (kv === name) return v;
    if (!ci && kv.length === name.length && sameIgnoringCase(kv, name)) ci = v;
  }
  return ci;
}

/** Case-insensitive equality of two strings of the same length, without allocating (ASCII fast path). */
export function sameIgnoringCase(a: string, b: string): boolean {
  for (let i = 0; i < a.length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x > 127 || y > 127) return a.toLowerCase() === b.toLowerCase();
    if (x >= 65 && x <= 90) x += 32;
    if (y >= 65 && y <= 90) y += 32;
    if (x !== y) return false;
  }
  return true;
}

/** [key, value node] pairs of an object node, skipping incomplete properties. */
export function entries(node: Node | undefined): [string, Node][] {
  const out: [string, Node][] = [];
  if (!node || node.type !== 'object' || !node.children) return out;
  for (const p of node.children) {
    const k = p.children?.[0];
    const v = p.children?.[1];
    if (k && v && typeof k.value === 'string') out.push([k.value, v]);
  }
  return out;
}

/** Literal string value of a node, when it is a string node. */
export function str(node: Node | undefined): string | undefined {
  return node && node.type === 'string' && typeof node.value === 'string' ? node.value : undefined;
}

/** The elements of an array node. */
export function items(node: Node | undefined): Node[] {
  return node && node.type === 'array' && node.children ? node.children : [];
}
