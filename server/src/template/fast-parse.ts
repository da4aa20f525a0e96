/**
 * A fast path for jsonc-parser's `parseTree` on well-formed documents.
 *
 * It builds exactly the tree `parseTree(text, errors, { allowTrailingComma: true })` builds
 * (same node types, offsets, lengths, values, `colonOffset`, parent links, property order) but
 * with a hand-written single-pass scanner instead of jsonc-parser's visitor/scanner pipeline,
 * about 2-4× faster on large templates. Comments (line and block) and trailing commas are
 * accepted, as ARM does. On anything unusual (a syntax error, an exotic whitespace character,
 * a keyword glued to other text, nesting deeper than `maxDepth`) it gives up and returns
 * undefined: the caller then runs jsonc-parser, which produces the errors and the tolerant
 * recovery. Never throws.
 */
import type { Node } from 'jsonc-parser';

/** Thrown internally to abandon the fast path; never escapes `fastParseTree`. */
const BAIL = { bail: true };

interface MutableNode {
  type: Node['type'];
  offset: number;
  length: number;
  parent?: MutableNode;
  children?: MutableNode[];
  value?: unknown;
  colonOffset?: number;
}

/**
 * The jsonc-parser tree of `text` when it is well-formed JSON (comments and trailing commas
 * allowed); undefined when it is not (or when the fast path cannot vouch for identical output).
 */
export function fastParseTree(text: string, maxDepth = 400): Node | undefined {
  if (typeof text !== 'string') return undefined;
  const n = text.length;
  let pos = 0;
  let depth = 0;

  /** Skips whitespace and comments; returns the next significant char code (or -1 at the end). */
  function skip(): number {
    while (pos < n) {
      const c = text.charCodeAt(pos);
      if (c === 32 || c === 10 || c === 13 || c === 9) {
        pos++;
      } else if (c === 47 /* / */) {
        const d = text.charCodeAt(pos + 1);
        if (d === 47) {
          pos += 2;
          while (pos < n) {
            const e = text.charCodeAt(pos);
            if (e === 10 || e === 13) break;
            pos++;
          }
        } else if (d === 42) {
          const end = text.indexOf('*/', pos + 2);
          if (end < 0) throw BAIL;
          pos = end + 2;
        } else {
          throw BAIL;
        }
      } else {
        return c;
      }
    }
    return -1;
  }

  /** Scans the string starting at `pos` (on the quote); returns its value and moves past it. */
  function scanString(): string {
    const start = pos;
    let i = pos + 1;
    let escaped = false;
    for (;;) {
      if (i >= n) throw BAIL;
      const c = text.charCodeAt(i);
      if (c === 34) break;
      if (c === 92) {
        escaped = true;
        i += 2;
        continue;
      }
      if (c < 0x20) throw BAIL;
      i++;
    }
    pos = i + 1;
    if (!escaped) return text.slice(start + 1, i);
    // JSON.parse decodes the same escapes jsonc-parser accepts and rejects the others
    try {
      const v = JSON.parse(text.slice(start, i + 1));
      if (typeof v !== 'string') throw BAIL;
      return v;
    } catch {
      throw BAIL;
    }
  }

  /** True when the char ends a keyword/number token for jsonc-parser's scanner. */
  function isDelimiter(c: number): boolean {
    return (
      c !== c /* NaN: end of text */ ||
      c === 32 || c === 10 || c === 13 || c === 9 ||
      c === 44 || c === 58 || c === 93 || c === 125 || c === 123 || c === 91 || c === 34 || c === 47
    );
  }

  function scanNumber(): number {
    const start = pos;
    let i = pos;
    if (text.charCodeAt(i) === 45) i++;
    let c = text.charCodeAt(i);
    if (c === 48) {
      i++;
    } else if (c >= 49 && c <= 57) {
      i++;
      while (i < n && (c = text.charCodeAt(i)) >= 48 && c <= 57) i++;
    } else {
      throw BAIL;
    }
    if (text.charCodeAt(i) === 46) {
      i++;
      c = text.charCodeAt(i);
      if (!(c >= 48 && c <= 57)) throw BAIL;
      while (i < n && (c = text.charCodeAt(i)) >= 48 && c <= 57) i++;
    }
    c = text.charCodeAt(i);
    if (c === 69 || c === 101) {
      i++;
      c = text.charCodeAt(i);
      if (c === 43 || c === 45) i++;
      c = text.charCodeAt(i);
      if (!(c >= 48 && c <= 57)) throw BAIL;
      while (i < n && (c = text.charCodeAt(i)) >= 48 && c <= 57) i++;
    }
    if (!isDelimiter(text.charCodeAt(i))) throw BAIL;
    pos = i;
    const v = Number(text.slice(start, i));
    if (isNaN(v)) throw BAIL;
    return v;
  }

  function keyword(word: string, value: boolean | null, parent: MutableNode): MutableNode {
    if (!text.startsWith(word, pos) || !isDelimiter(text.charCodeAt(pos + word.length))) throw BAIL;
    const node: MutableNode = { type: value === null ? 'null' : 'boolean', offset: pos, length: word.length, parent, value };
    pos += word.length;
    return node;
  }

  /** Parses the value at `pos` (already on its first char `c`) into a child of `parent`. */
  function value(c: number, parent: MutableNode): MutableNode {
    switch (c) {
      case 123 /* { */: {
        if (++depth > maxDepth) throw BAIL;
        const node: MutableNode = { type: 'object', offset: pos, length: -1, parent, children: [] };
        const children = node.children!;
        pos++;
        let d = skip();
        while (d !== 125) {
          if (d !== 34) throw BAIL;
          const keyOffset = pos;
          const name = scanString();
          const keyLength = pos - keyOffset;
          if (skip() !== 58) throw BAIL;
          // all fields at once (one object shape); jsonc-parser's key order except colonOffset last
          const prop: MutableNode = { type: 'property', offset: keyOffset, length: -1, parent: node, children: undefined, colonOffset: pos };
          pos++;
          const key: MutableNode = { type: 'string', value: name, offset: keyOffset, length: keyLength, parent: prop };
          const v = value(skip(), prop);
          prop.children = [key, v];
          prop.length = v.offset + v.length - keyOffset;
          children.push(prop);
          d = skip();
          if (d === 44) {
            pos++;
            d = skip();
            if (d === 125) break; // trailing comma
            if (d !== 34) throw BAIL;
          } else if (d !== 125) {
            throw BAIL;
          }
        }
        pos++;
        node.length = pos - node.offset;
        depth--;
        return node;
      }
      case 91 /* [ */: {
        if (++depth > maxDepth) throw BAIL;
        const node: MutableNode = { type: 'array', offset: pos, length: -1, parent, children: [] };
        const children = node.children!;
        pos++;
        let d = skip();
        while (d !== 93) {
          if (d === 44 || d === -1) throw BAIL;
          children.push(value(d, node));
          d = skip();
          if (d === 44) {
            pos++;
            d = skip();
            if (d === 93) break; // trailing comma
          } else if (d !== 93) {
            throw BAIL;
          }
        }
        pos++;
        node.length = pos - node.offset;
        depth--;
        return node;
      }
      case 34 /* " */: {
        const offset = pos;
        const v = scanString();
        return { type: 'string', offset, length: pos - offset, parent, value: v };
      }
      case 116 /* t */:
        return keyword('true', true, parent);
      case 102 /* f */:
        return keyword('false', false, parent);
      case 110 /* n */:
        return keyword('null', null, parent);
      default: {
        if (c === 45 || (c >= 48 && c <= 57)) {
          const offset = pos;
          const v = scanNumber();
          return { type: 'number', offset, length: pos - offset, parent, value: v };
        }
        throw BAIL;
      }
    }
  }

  try {
    const first = skip();
    if (first === -1) return undefined;
    const holder: MutableNode = { type: 'array', offset: -1, length: -1, children: [] };
    const root = value(first, holder);
    if (skip() !== -1) return undefined;
    delete root.parent;
    return root as unknown as Node;
  } catch (e) {
    // BAIL, or a RangeError from recursion on an unexpectedly deep document: jsonc-parser decides
    return undefined;
  }
}
