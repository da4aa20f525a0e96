/**
 * A fast path for jsonc-parser's `parseTree` on well-formed documents.
 *
 * It builds exactly the tree `parseTree(text, errors, { allowTrailingComma: true })` builds
 * (same node types, offsets, lengths, values, `colonOffset`, parent links, property order) but
 * with a hand-written single-pass scanner instead of jsonc-parser's visitor/scanner pipeline,
 * several times faster on large templates. Comments (line and block) and trailing commas are
 * accepted, as ARM does. On anything unusual (a syntax error, an exotic whitespace character,
 * a keyword glued to other text, nesting deeper than `maxDepth` or 4,000) it gives up and returns
 * undefined: the caller then runs jsonc-parser, which produces the errors and the tolerant
 * recovery. Never throws.
 *
 * The same scanner also runs in a "kind" mode (`fastKindTree`): it accepts and rejects exactly
 * the same texts, but keeps only the few nodes the document-kind decision reads and allocates
 * nothing for the rest (no nodes, no strings, no numbers). And in a lazy mode (`lazyParseTree`,
 * what the analysis uses): the same texts again, validated in one pass that records every token
 * on a tape, from which each object and array builds its children (or one member asked for by
 * `prop()`) when they are first read.
 *
 * Speed notes (the scanner runs over every char of multi-MB templates, and V8's JSON.parse, native,
 * is the yardstick): one loop with an explicit stack and locals (no call per token); the text is
 * read from a UTF-16 copy in a reused typed array (`units`: one native copy, then element reads
 * 2-3× cheaper than charCodeAt) and never past its end but for one sentinel unit; strings are
 * read four units a round; runs of spaces (indentation, half of a pretty-printed template) are
 * compared four at a time through a Float64Array view; containers whose content the kind mode
 * keeps nothing of are validated by a lighter loop (`skipContainer`).
 */
import type { Node } from 'jsonc-parser';

/** Thrown internally to abandon the fast path; never escapes `fastParseTree`. */
const BAIL = { bail: true };

/**
 * Nesting the scanner takes at most, whatever `maxDepth` says: jsonc-parser's parseTree, whose
 * tree this must equal, overflows the stack near 5,000 levels.
 */
const DEPTH_CAP = 4000;

/**
 * The UTF-16 code units of texts up to this length are copied into one buffer kept for the next
 * scan (it grows to 2.5 bytes a char of the longest such text seen, and holds on to the last
 * text scanned: scanning it again, as parseSource's depth check does after the fast parser gave
 * up, copies nothing); longer texts get their own.
 */
const REUSED_UNITS = 8 * 1024 * 1024;
let reused: ArrayBuffer | undefined;
/** The text whose code units `reused` holds (scans of the same text in a row copy it once). */
let reusedText: string | undefined;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Four spaces (U+0020) as one Float64Array element. */
const FOUR_SPACES = new Float64Array(new Uint16Array([32, 32, 32, 32]).buffer)[0];

/**
 * The UTF-16 code units of `text` (`units`, one per char), the same memory as Float64Array
 * elements of four units each (`quads`, for runs of spaces: see `spacesEnd`), and `units` with
 * one unit more, a 0 after the text (`sentinel`: string scans stop there without a bounds test,
 * see `closingQuote`), for scanners that read every char. Texts up to 8 Mi chars share one
 * buffer: the arrays are valid until the next call (the scanners are synchronous and keep no
 * reference).
 */
export function codeUnits(text: string): { units: Uint16Array; quads: Float64Array; sentinel: Uint16Array } {
  const buffer = units(text);
  const n = text.length;
  // one unit more, a 0 (a control character, which ends every string scan) after the text
  const sentinel = new Uint16Array(buffer, 0, n + 1);
  sentinel[n] = 0;
  return { units: new Uint16Array(buffer, 0, n), quads: new Float64Array(buffer, 0, n >> 2), sentinel };
}

/** The end of the run of spaces (U+0020) starting at or before `p` in `u` (`quads`: see `codeUnits`). */
export function spacesEnd(u: Uint16Array, quads: Float64Array, p: number): number {
  const n = u.length;
  while ((p & 3) !== 0 && p < n && u[p] === 32) p++;
  if ((p & 3) === 0) {
    let q = p >> 2;
    const qn = quads.length;
    while (q < qn && quads[q] === FOUR_SPACES) q++;
    p = q << 2;
    while (p < n && u[p] === 32) p++;
  }
  return p;
}

/** The UTF-16 code units of `text` in an ArrayBuffer of at least 2 × (length + 1) bytes and 8 (room for the sentinel). */
function units(text: string): ArrayBuffer {
  const n = text.length;
  const bytes = Math.max(2 * n + 2, 8);
  let buffer: ArrayBuffer;
  if (n <= REUSED_UNITS) {
    if (text === reusedText && reused) return reused;
    // with room to grow: a document typed into grows a char at a time
    if (!reused || reused.byteLength < bytes) reused = new ArrayBuffer(Math.max(bytes + (bytes >> 2), 64 * 1024));
    buffer = reused;
    reusedText = text;
  } else {
    buffer = new ArrayBuffer(bytes);
  }
  if (LITTLE_ENDIAN) {
    Buffer.from(buffer, 0, 2 * n).write(text, 0, 'utf16le');
  } else {
    const u = new Uint16Array(buffer, 0, n);
    for (let i = 0; i < n; i++) u[i] = text.charCodeAt(i);
  }
  return buffer;
}

// scanner states: what the next significant character may be
/** A value. */
const VALUE = 0;
/** After a value: `,` or the closing bracket of the container (or the end of the text). */
const AFTER = 1;
/** In an object, after `{` or `,`: a property name or `}`. */
const MEMBER = 2;
/** After a property name: `:`. */
const COLON = 3;
/** In an array, after `[` or `,`: a value or `]`. */
const ELEMENT = 4;

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
 * What a scan keeps of a value, from the whole tree (ALL) down to nothing (SKIP). The modes
 * between keep what `detectKindOfRoot` reads: the root object's properties (ROOT) with their
 * values as LEAF nodes (literals with their value, containers as empty placeholders), except a
 * property named `parameters` in any case, whose object keeps its entries (PARAMS), each entry
 * object its properties (ENTRY) with LEAF values. Arrays below ALL keep no elements (the kind
 * decision never looks into one).
 */
export const Keep = { ALL: 0, ROOT: 1, PARAMS: 2, ENTRY: 3, LEAF: 4, SKIP: 5 } as const;
const { ALL, ROOT, PARAMS, ENTRY, LEAF, SKIP } = Keep;

/** True when an object scanned with `keep` keeps its properties. */
export function keepsMembers(keep: number): boolean {
  return keep <= ENTRY;
}

/** The keep mode of the value of property `name` of an object that keeps its properties. */
export function valueKeep(keep: number, name: string): number {
  if (keep === ALL) return ALL;
  // the same name test as `prop` (case-insensitive, same length)
  if (keep === ROOT) return name.length === 10 && name.toLowerCase() === 'parameters' ? PARAMS : LEAF;
  if (keep === PARAMS) return ENTRY;
  return keep === ENTRY ? LEAF : SKIP;
}

/** The keep mode of the elements of an array scanned with `keep`. */
export function elementKeep(keep: number): number {
  return keep === ALL ? ALL : SKIP;
}

/**
 * The jsonc-parser tree of `text` when it is well-formed JSON (comments and trailing commas
 * allowed); undefined when it is not (or when the fast path cannot vouch for identical output).
 */
export function fastParseTree(text: string, maxDepth = 400): Node | undefined {
  return scan(text, maxDepth, ALL);
}

/**
 * For exactly the texts `fastParseTree` accepts, the part of their tree the document-kind
 * decision reads (see `Keep`), so that `detectKindOfRoot` gives the same answer on it as on the
 * whole tree; undefined for every other text. Offsets and lengths of the kept nodes are right;
 * placeholders have no children.
 */
export function fastKindTree(text: string, maxDepth = 400): Node | undefined {
  return scan(text, maxDepth, ROOT);
}

/**
 * Whether the last scan that returned a tree met a property named `templateLink` (any case, as
 * ARM and the builder's `prop` read property names; at any depth; written without escapes): a
 * deployment whose template is linked (relativePath, URI or template spec), which the full
 * analysis reads or reports as unverifiable. Only meaningful right after `fastKindTree` /
 * `fastParseTree` returned a tree.
 */
export function lastScanSawTemplateLink(): boolean {
  return sawTemplateLink;
}
let sawTemplateLink = false;

/** `"templateLink"` (with its quotes, ASCII letters in any case) at `i`. */
const TEMPLATE_LINK = '"templatelink"';
function isTemplateLinkKey(u: Uint16Array, i: number): boolean {
  for (let k = 0; k < 14; k++) {
    let c = u[i + k];
    if (c >= 65 && c <= 90) c += 32;
    if (c !== TEMPLATE_LINK.charCodeAt(k)) return false;
  }
  return true;
}

/** The code unit at `i`, or -1 past the end. */
function at(u: Uint16Array, i: number): number {
  return i < u.length ? u[i] : -1;
}

/** True when the char ends a keyword/number token for jsonc-parser's scanner. */
function isDelimiter(c: number): boolean {
  return c === -1 || c === 32 || c === 10 || c === 13 || c === 9 || c === 44 || c === 58 || c === 93 || c === 125 || c === 123 || c === 91 || c === 34 || c === 47;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** The escape at `i` (on the backslash), as JSON (jsonc-parser, JSON.parse) has them: the position after it. */
function escapeEnd(u: Uint16Array, i: number): number {
  const e = at(u, i + 1);
  if (e === 117 /* u */) {
    if (!isHex(at(u, i + 2)) || !isHex(at(u, i + 3)) || !isHex(at(u, i + 4)) || !isHex(at(u, i + 5))) throw BAIL;
    return i + 6;
  }
  if (e === 34 || e === 92 || e === 47 || e === 98 || e === 102 || e === 110 || e === 114 || e === 116) return i + 2;
  throw BAIL;
}

/** The value of the string token [start, end) of `t` (end after the closing quote). */
function stringValue(t: string, start: number, end: number, escaped: boolean): string {
  if (!escaped) return t.slice(start + 1, end - 1);
  // JSON.parse decodes the same escapes jsonc-parser accepts (checked by `escapeEnd`)
  let v: unknown;
  try {
    v = JSON.parse(t.slice(start, end));
  } catch {
    throw BAIL;
  }
  if (typeof v !== 'string') throw BAIL;
  return v;
}

/** The number starting at `start`: the position after it. */
function numberEnd(u: Uint16Array, start: number): number {
  let i = start;
  if (at(u, i) === 45) i++;
  let c = at(u, i);
  if (c === 48) {
    i++;
  } else if (c >= 49 && c <= 57) {
    i++;
    while ((c = at(u, i)) >= 48 && c <= 57) i++;
  } else {
    throw BAIL;
  }
  if (at(u, i) === 46) {
    i++;
    c = at(u, i);
    if (!(c >= 48 && c <= 57)) throw BAIL;
    while ((c = at(u, i)) >= 48 && c <= 57) i++;
  }
  c = at(u, i);
  if (c === 69 || c === 101) {
    i++;
    c = at(u, i);
    if (c === 43 || c === 45) i++;
    c = at(u, i);
    if (!(c >= 48 && c <= 57)) throw BAIL;
    while ((c = at(u, i)) >= 48 && c <= 57) i++;
  }
  if (!isDelimiter(at(u, i))) throw BAIL;
  return i;
}

/** The position after the keyword (`true`, `false` or `null`, told by its first char `c`) at `p`; BAIL when it is none. */
function keywordEnd(u: Uint16Array, t: string, p: number, c: number): number {
  const word = c === 116 ? 'true' : c === 102 ? 'false' : 'null';
  if (!t.startsWith(word, p) || !isDelimiter(at(u, p + word.length))) throw BAIL;
  return p + word.length;
}

/** Set by `closingQuote`: whether the string it scanned holds an escape. */
let stringEscaped = false;

/**
 * The position of the closing quote of the string whose content starts at `i` (after its opening
 * quote); BAIL on a control character, an escape JSON does not have, or the end of the text.
 * `s` is `u` with one more unit, a 0 at index n (see `codeUnits`): every scan stops there, so the
 * loop needs no bounds test, and it reads four units a round (most of a template's text is
 * plain characters inside strings).
 */
function closingQuote(u: Uint16Array, s: Uint16Array, n: number, i: number): number {
  let escaped = false;
  for (;;) {
    let e: number;
    for (;;) {
      e = s[i];
      if (e === 34 || e === 92 || e < 0x20) break;
      e = s[i + 1];
      if (e === 34 || e === 92 || e < 0x20) {
        i += 1;
        break;
      }
      e = s[i + 2];
      if (e === 34 || e === 92 || e < 0x20) {
        i += 2;
        break;
      }
      e = s[i + 3];
      if (e === 34 || e === 92 || e < 0x20) {
        i += 3;
        break;
      }
      i += 4;
    }
    if (e === 34) {
      stringEscaped = escaped;
      return i;
    }
    if (e !== 92 || i >= n) throw BAIL; // a control character, or the end of the text
    escaped = true;
    i = escapeEnd(u, i);
  }
}

/**
 * The tokens of a well-formed text in document order, written by `skipContainer` as it validates
 * (see `lazyParseTree`): for each string, object, array, number and keyword three int32 at
 * `3 × index`: its start offset; its end offset (after it; negated for a string that holds an
 * escape); and for a container the tape position (3 × index) of the first token after its
 * content, for a property name the offset of its colon, else 0. A container is then read one
 * level at a time, each nested container skipped in one step, without reading the text again
 * but for the tokens it keeps.
 */
interface Tape {
  readonly t: string;
  a: Int32Array;
  /** The number of int32 written (3 × tokens). */
  len: number;
}

/** Appends a token; returns the index of its first int32. */
function tapePush(tape: Tape, start: number, end: number): number {
  const at = tape.len;
  if (at + 3 > tape.a.length) {
    const grown = new Int32Array(tape.a.length * 2 + 48);
    grown.set(tape.a);
    tape.a = grown;
  }
  tape.a[at] = start;
  tape.a[at + 1] = end;
  tape.a[at + 2] = 0;
  tape.len = at + 3;
  return at;
}

/** The tape entries of the containers `skipContainer` has open (when it writes a tape). */
const tapeOpen = new Int32Array(DEPTH_CAP + 1);

/**
 * An object or array node of a lazy tree: its `children` (jsonc-parser's nodes, nested
 * containers lazy again) are built from the tape on first read. A member looked up by name
 * (`member`, what `prop()` uses) is built alone until `children` is read; `children` then holds
 * the same node.
 */
export class LazyContainer {
  readonly type: 'object' | 'array';
  readonly offset: number;
  readonly length: number;
  readonly parent: Node | undefined;
  private kids: Node[] | undefined = undefined;
  /** Property nodes built by `member` before `children` was read (a few: a short list is lighter than a map). */
  private built: Node[] | undefined = undefined;

  constructor(
    private readonly tape: Tape,
    /** This container's entry in the tape. */
    private readonly entry: number,
    type: 'object' | 'array',
    parent: Node | undefined,
  ) {
    const a = tape.a;
    this.type = type;
    this.offset = a[entry];
    this.length = a[entry + 1] - a[entry];
    this.parent = parent;
  }

  get children(): Node[] {
    return this.kids ?? (this.kids = this.expand());
  }

  /** Whether `children` has been built. */
  get expanded(): boolean {
    return this.kids !== undefined;
  }

  /**
   * What `prop()` gives for this object before its children are built: the value node of the
   * first member named `name`, else of the first whose name equals it ignoring case (`fold`:
   * `sameIgnoringCase`, passed in by `prop`); only that member's nodes are built.
   */
  member(name: string, fold: (a: string, b: string) => boolean): Node | undefined {
    if (this.type !== 'object') return undefined;
    const tape = this.tape;
    const a = tape.a;
    const t = tape.t;
    const last = a[this.entry + 2];
    const n = name.length;
    let folded = -1;
    for (let e = this.entry + 3; e < last; e = nextEntry(tape, e + 3)) {
      const start = a[e];
      const end = a[e + 1];
      if (end > 0) {
        // a name without escapes: its text is its value
        if (end - start - 2 !== n) continue;
        if (t.startsWith(name, start + 1)) return this.memberAt(e);
        if (folded < 0 && fold(t.slice(start + 1, end - 1), name)) folded = e;
      } else {
        const key = stringValue(t, start, -end, true);
        if (key === name) return this.memberAt(e);
        if (folded < 0 && key.length === n && fold(key, name)) folded = e;
      }
    }
    return folded >= 0 ? this.memberAt(folded) : undefined;
  }

  /** The value node of the member whose name is at tape position `e`, built once. */
  private memberAt(e: number): Node {
    const offset = this.tape.a[e];
    const built = this.built;
    if (built) for (let i = 0; i < built.length; i++) if (built[i].offset === offset) return built[i].children![1];
    const p = tapeProperty(this.tape, e, this as unknown as Node);
    if (built) built.push(p);
    else this.built = [p];
    return p.children![1];
  }

  private expand(): Node[] {
    const tape = this.tape;
    const self = this as unknown as Node;
    const last = tape.a[this.entry + 2];
    const out: Node[] = [];
    let e = this.entry + 3;
    if (this.type === 'array') {
      while (e < last) {
        out.push(tapeValue(tape, e, self));
        e = nextEntry(tape, e);
      }
      return out;
    }
    // the members built already, in document order, taken in turn where they belong
    const built = this.built;
    this.built = undefined;
    if (built && built.length > 1) built.sort((x, y) => x.offset - y.offset);
    let next = 0;
    while (e < last) {
      out.push(built && next < built.length && built[next].offset === tape.a[e] ? built[next++] : tapeProperty(tape, e, self));
      e = nextEntry(tape, e + 3);
    }
    return out;
  }
}

/** The property node whose name is the token at tape position `e` (its value follows it). */
function tapeProperty(tape: Tape, e: number, parent: Node): Node {
  const a = tape.a;
  const start = a[e];
  const end = a[e + 1];
  // the same field order as the eager scan's nodes (one shape for both)
  const prop: MutableNode = { type: 'property', offset: start, length: -1, parent: parent as unknown as MutableNode, children: undefined, colonOffset: a[e + 2] };
  const key: MutableNode = { type: 'string', value: stringValue(tape.t, start, end < 0 ? -end : end, end < 0), offset: start, length: (end < 0 ? -end : end) - start, parent: prop };
  const value = tapeValue(tape, e + 3, prop as unknown as Node);
  prop.children = [key, value as unknown as MutableNode];
  prop.length = value.offset + value.length - start;
  return prop as unknown as Node;
}

/** The entry after the value token at `e` and its content (a container's third int32 is that entry; a value's other than a container is 0). */
function nextEntry(tape: Tape, e: number): number {
  const after = tape.a[e + 2];
  return after > 0 ? after : e + 3;
}

/** A string, number, boolean or null node: one object shape for every leaf, of every scan (jsonc-parser's key order). */
function leafNode(type: Node['type'], offset: number, length: number, parent: MutableNode | undefined, value: unknown): MutableNode {
  return { type, offset, length, parent, value };
}

/** The value of the keyword `true`, `false` or `null` told by its first char `c`. */
function keywordValue(c: number): boolean | null {
  return c === 116 ? true : c === 102 ? false : null;
}

/** The node of the value token at entry `e`. */
function tapeValue(tape: Tape, e: number, parent: Node): Node {
  const a = tape.a;
  const t = tape.t;
  const offset = a[e];
  const c = t.charCodeAt(offset);
  if (c === 123 || c === 91) return new LazyContainer(tape, e, c === 123 ? 'object' : 'array', parent) as unknown as Node;
  let end = a[e + 1];
  if (c === 34) {
    const escaped = end < 0;
    if (escaped) end = -end;
    return leafNode('string', offset, end - offset, parent as MutableNode, stringValue(t, offset, end, escaped)) as Node;
  }
  if (c === 116 || c === 102 || c === 110) {
    const value = keywordValue(c);
    return leafNode(value === null ? 'null' : 'boolean', offset, end - offset, parent as MutableNode, value) as Node;
  }
  // the grammar checked by the scan admits no text that Number() turns into NaN
  return leafNode('number', offset, end - offset, parent as MutableNode, Number(t.slice(offset, end))) as Node;
}

/**
 * The same tree as `fastParseTree` (accepting and rejecting the same texts), built lazily: one
 * pass validates the whole text and writes its tokens to a tape (about half the work of building
 * every node: no node, no string); each object and array builds its children from the tape when
 * `children` is first read. An analysis reads a third of a large template's nodes (the resources'
 * top members, the properties it evaluates), so most are never built.
 */
export function lazyParseTree(text: string, maxDepth = 400): Node | undefined {
  if (typeof text !== 'string') return undefined;
  const t = text;
  const n = t.length;
  const depthLimit = Math.min(maxDepth, DEPTH_CAP);
  const { units: u, quads, sentinel } = codeUnits(t);
  skipSawLink = false;
  try {
    const p = significantFrom(u, quads, t, 0);
    const c = p < n ? u[p] : -1;
    // a document that is not an object or an array (nothing to defer): the eager scan
    if (c !== 123 && c !== 91) return scan(text, maxDepth, ALL);
    if (depthLimit < 1) return undefined;
    const tape: Tape = { t, a: new Int32Array(3 * ((n >> 4) + 16)), len: 0 };
    const end = skipContainer(u, quads, sentinel, t, p, depthLimit, tape);
    if (significantFrom(u, quads, t, end) < n) return undefined; // text after the root value
    sawTemplateLink = skipSawLink;
    return new LazyContainer(tape, 0, c === 123 ? 'object' : 'array', undefined) as unknown as Node;
  } catch {
    return undefined;
  }
}

/** The containers `skipContainer` has open, innermost last (1: object, 2: array). */
const skipStack = new Uint8Array(DEPTH_CAP + 1);
/** Whether the last `skipContainer` met a `templateLink` key (see `lastScanSawTemplateLink`). */
let skipSawLink = false;

/**
 * The position after the container (object or array) that starts at `p`, whose content the
 * scan does not keep: the same grammar and the same give-ups (BAIL) as `scan`, without its node
 * bookkeeping (a scan for the document kind spends most of its time here: the `resources`
 * array). `room`: how many containers may be open here, this one included (the nesting limit).
 */
function skipContainer(u: Uint16Array, quads: Float64Array, sentinel: Uint16Array, t: string, p: number, room: number, tape: Tape | null): number {
  const n = u.length;
  const stack = skipStack;
  let d = 1;
  stack[0] = u[p] === 123 ? 1 : 2;
  if (tape) tapeOpen[0] = tapePush(tape, p, 0);
  let state = stack[0] === 1 ? MEMBER : ELEMENT;
  /** The tape entry of the property name before the colon. */
  let keyEntry = 0;
  p++;
  for (;;) {
    p = significantFrom(u, quads, t, p);
    if (p >= n) throw BAIL; // the container is not closed
    const c = u[p];

    if (c === 34 /* " */ && state !== AFTER && state !== COLON) {
      const start = p;
      const i = closingQuote(u, sentinel, n, p + 1);
      const escaped = stringEscaped;
      p = i + 1;
      if (tape) keyEntry = tapePush(tape, start, escaped ? -p : p);
      if (state === MEMBER) {
        if (p - start === 14 && !escaped && !skipSawLink && isTemplateLinkKey(u, start)) skipSawLink = true;
        state = COLON;
      } else {
        state = AFTER;
      }
      continue;
    }
    if (state === COLON) {
      if (c !== 58) throw BAIL;
      if (tape) tape.a[keyEntry + 2] = p;
      p++;
      state = VALUE;
      continue;
    }
    if (state === AFTER) {
      const object = stack[d - 1] === 1;
      if (c === 44) {
        p++;
        state = object ? MEMBER : ELEMENT;
        continue;
      }
      if (c !== (object ? 125 : 93)) throw BAIL;
    } else if (state === MEMBER) {
      if (c !== 125) throw BAIL;
    } else if (!(state === ELEMENT && c === 93)) {
      // a value other than a string (VALUE, or ELEMENT not closed by `]`)
      if (c === 123 || c === 91) {
        if (d >= room) throw BAIL;
        if (tape) tapeOpen[d] = tapePush(tape, p, 0);
        stack[d++] = c === 123 ? 1 : 2;
        p++;
        state = c === 123 ? MEMBER : ELEMENT;
        continue;
      }
      const start = p;
      if (c === 116 /* t */ || c === 102 /* f */ || c === 110 /* n */) {
        p = keywordEnd(u, t, p, c);
      } else if (c === 45 || (c >= 48 && c <= 57)) {
        p = numberEnd(u, p);
      } else {
        throw BAIL; // `,` where a value belongs, or no value
      }
      if (tape) tapePush(tape, start, p);
      state = AFTER;
      continue;
    }
    // the closing bracket of the innermost container
    p++;
    --d;
    if (tape) {
      const e = tapeOpen[d];
      tape.a[e + 1] = p;
      tape.a[e + 2] = tape.len;
    }
    if (d === 0) return p;
    state = AFTER;
  }
}

/** The position of the first character at or after `p` that is neither blank nor in a comment (the length at the end). */
function significantFrom(u: Uint16Array, quads: Float64Array, t: string, p: number): number {
  const n = u.length;
  while (p < n) {
    const c = u[p];
    if (c === 32) {
      p = spacesEnd(u, quads, p + 1);
    } else if (c === 10 || c === 13 || c === 9) {
      p++;
    } else if (c === 47 /* / */) {
      p = commentEnd(u, t, p);
    } else {
      break;
    }
  }
  return p;
}

/** The position after the comment starting at `p` (on its `/`); BAIL when it is not one or not closed. */
function commentEnd(u: Uint16Array, t: string, p: number): number {
  const d = at(u, p + 1);
  const n = u.length;
  if (d === 47) {
    p += 2;
    while (p < n) {
      const e = u[p];
      if (e === 10 || e === 13) break;
      p++;
    }
    return p;
  }
  if (d === 42) {
    const end = t.indexOf('*/', p + 2);
    if (end < 0) throw BAIL;
    return end + 2;
  }
  throw BAIL;
}

function scan(text: string, maxDepth: number, rootKeep: number): Node | undefined {
  if (typeof text !== 'string') return undefined;
  const t = text;
  const n = t.length;
  const { units: u, quads, sentinel } = codeUnits(t);
  const depthLimit = Math.min(maxDepth, DEPTH_CAP);
  // the open containers, innermost last: object or array, node (when kept), keep mode, and for
  // an object the property whose value is being scanned (when kept) with its key node
  const isObject: boolean[] = [];
  const nodes: (MutableNode | undefined)[] = [];
  const keeps: number[] = [];
  const props: (MutableNode | undefined)[] = [];
  const keys: (MutableNode | undefined)[] = [];
  // the children of the open containers, innermost last, from kidsStart[sp] on: a container
  // gets an array of exactly its children when it closes (a `[]` grown by push would keep room
  // for 17 and more: a third of the tree's memory)
  const kids: MutableNode[] = [];
  const kidsStart: number[] = [];
  let kidsLen = 0;
  let sp = 0;
  let p = 0;
  let state = VALUE;
  /** Keep mode and parent of the value expected in state VALUE. */
  let keep = rootKeep;
  const holder: MutableNode = { type: 'array', offset: -1, length: -1, children: [] };
  let parent: MutableNode | undefined = holder;
  let root: MutableNode | undefined;
  /** The value just completed (state AFTER), undefined when not kept. */
  let done: MutableNode | undefined;
  // property name between MEMBER and COLON
  let keyOffset = 0;
  let keyLength = 0;
  let keyName: string | undefined;
  let linkKey = false;
  skipSawLink = false;
  // (no closure reads or writes these locals, so that V8 keeps them in registers: the helpers
  // above take what they need as arguments)

  try {
    for (;;) {
      // whitespace and comments
      p = significantFrom(u, quads, t, p);
      const c = p < n ? u[p] : -1;

      if (c === 34 /* " */ && state !== AFTER && state !== COLON) {
        // a string: a property name (MEMBER) or a value (VALUE, ELEMENT)
        const start = p;
        const i = closingQuote(u, sentinel, n, p + 1);
        const escaped = stringEscaped;
        p = i + 1;
        if (state === MEMBER) {
          keyOffset = start;
          keyLength = p - start;
          if (keyLength === 14 && !escaped && !linkKey && isTemplateLinkKey(u, start)) linkKey = true;
          keyName = stringValue(t, start, p, escaped);
          state = COLON;
          continue;
        }
        if (state === ELEMENT) {
          keep = elementKeep(keeps[sp - 1]);
          parent = keep === SKIP ? undefined : nodes[sp - 1];
        }
        done = keep !== SKIP ? leafNode('string', start, p - start, parent, stringValue(t, start, p, escaped)) : undefined;
        state = AFTER;
        continue;
      }

      if (state === AFTER) {
        if (sp === 0) {
          if (c !== -1) return undefined;
          root = done;
          break;
        }
        const top = sp - 1;
        if (isObject[top]) {
          const prop = props[top];
          if (prop) {
            const v = done!;
            prop.children = [keys[top]!, v];
            prop.length = v.offset + v.length - prop.offset;
            kids[kidsLen++] = prop;
            props[top] = undefined;
          }
          if (c === 44) {
            p++;
            state = MEMBER;
            continue;
          }
          if (c !== 125) throw BAIL;
        } else {
          if (done && keeps[top] === ALL) kids[kidsLen++] = done;
          if (c === 44) {
            p++;
            state = ELEMENT;
            continue;
          }
          if (c !== 93) throw BAIL;
        }
      } else if (state === MEMBER) {
        // not a property name (strings are above): `{}`, a trailing comma, or an error
        if (c !== 125) throw BAIL;
      }
      if (state === AFTER || state === MEMBER || (state === ELEMENT && c === 93 /* `[]`, a trailing comma */)) {
        // the closing bracket of the innermost container: it is the value just completed
        p++;
        sp--;
        done = nodes[sp];
        const first = kidsStart[sp];
        if (done) {
          done.length = p - done.offset;
          done.children = kidsLen > first ? kids.slice(first, kidsLen) : [];
        }
        kidsLen = first;
        state = AFTER;
        continue;
      }

      if (state === COLON) {
        if (c !== 58) throw BAIL;
        const top = sp - 1;
        const objectKeep = keeps[top];
        // all fields at once (one object shape); jsonc-parser's key order except colonOffset last
        const prop: MutableNode = { type: 'property', offset: keyOffset, length: -1, parent: nodes[top], children: undefined, colonOffset: p };
        keys[top] = { type: 'string', value: keyName, offset: keyOffset, length: keyLength, parent: prop };
        props[top] = prop;
        parent = prop;
        keep = objectKeep === ALL ? ALL : valueKeep(objectKeep, keyName!);
        p++;
        state = VALUE;
        continue;
      }

      if (state === ELEMENT) {
        if (c === 44 || c === -1) throw BAIL;
        keep = elementKeep(keeps[sp - 1]);
        parent = keep === SKIP ? undefined : nodes[sp - 1];
      }

      // state VALUE (or ELEMENT): a value other than a string starts at p, with `keep` / `parent`
      if (c === 123 /* { */ || c === 91 /* [ */) {
        if (sp >= depthLimit) throw BAIL;
        if (keep >= LEAF) {
          // content not kept: validated and skipped (a LEAF keeps an empty placeholder)
          const end = skipContainer(u, quads, sentinel, t, p, depthLimit - sp, null);
          done = keep === LEAF ? { type: c === 123 ? 'object' : 'array', offset: p, length: end - p, parent, children: [] } : undefined;
          p = end;
          state = AFTER;
          continue;
        }
        // opened here: a container that keeps its node, and an object its members (keep ≤ ENTRY:
        // the others went to skipContainer above)
        const object = c === 123;
        isObject[sp] = object;
        nodes[sp] = { type: object ? 'object' : 'array', offset: p, length: -1, parent, children: undefined };
        keeps[sp] = keep;
        kidsStart[sp] = kidsLen;
        props[sp] = undefined;
        sp++;
        p++;
        state = object ? MEMBER : ELEMENT;
        continue;
      }
      const offset = p;
      if (c === 116 /* t */ || c === 102 /* f */ || c === 110 /* n */) {
        p = keywordEnd(u, t, p, c);
        const value = keywordValue(c);
        done = keep !== SKIP ? leafNode(value === null ? 'null' : 'boolean', offset, p - offset, parent, value) : undefined;
      } else if (c === 45 || (c >= 48 && c <= 57)) {
        p = numberEnd(u, p);
        if (keep !== SKIP) {
          const value = Number(t.slice(offset, p));
          if (isNaN(value)) throw BAIL;
          done = leafNode('number', offset, p - offset, parent, value);
        } else {
          done = undefined; // the grammar above admits no text that Number() turns into NaN
        }
      } else {
        throw BAIL;
      }
      state = AFTER;
    }
  } catch {
    // BAIL (or anything unexpected): jsonc-parser decides
    return undefined;
  }
  if (!root) return undefined;
  delete root.parent;
  sawTemplateLink = linkKey || skipSawLink;
  return root as unknown as Node;
}
