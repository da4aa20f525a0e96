/**
 * Generic JSON edit builders on jsonc-parser: insert array elements / object members, set and
 * remove properties and array elements, add resources and dependsOn entries. They keep comments,
 * the document's own indentation (detected locally from the edited object, else globally) and
 * its line endings, and return `TextEdit[]` (offsets into the given text), or `undefined` when no
 * valid edit exists (path missing where it cannot be created, value is an expression, text not
 * parseable). Nothing here throws.
 *
 * Paths are jsonc paths from the document root (`['resources', 2, 'properties']`) or nodes of a
 * jsonc-parser tree of the same text (converted to paths with getNodePath).
 */
import { createScanner, getNodePath, parseTree, SyntaxKind } from 'jsonc-parser';
import type { Node, ParseError } from 'jsonc-parser';
import type { TextEdit } from '../findings';
import { parseSource } from '../template/parse';
import { lazyParseTree } from '../template/fast-parse';
import {
  applyTextEdits,
  detectFormatting,
  diffEdit,
  editsConflict,
  indentUnit,
  lineIndent,
  lineStart,
  serializeCompact,
  serializeValue,
  spansLines,
  startsLine,
  type FormattingOptions,
  type OffsetEdit,
} from './format';

export type JsonPath = (string | number)[];
export type PathOrNode = JsonPath | Node;

// ---------------------------------------------------------------------------------------------
// Parsing (small cache: builders of one fix re-parse the same text several times)

interface Doc {
  text: string;
  root: Node;
  fmt: FormattingOptions;
}

const cache: Doc[] = [];

const PARSE_OPTIONS = { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false };

/** A byte-order mark is parsed as a blank of the same length, so offsets stay those of the text. */
function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? ' ' + text.substring(1) : text;
}

/** Parses a text for editing; undefined when it is not (tolerably) valid JSON/JSONC. */
export function parseForEdit(text: string): Doc | undefined {
  if (typeof text !== 'string') return undefined;
  for (const d of cache) if (d.text === text) return d;
  const errors: ParseError[] = [];
  let root: Node | undefined;
  // The analyzer parsed this very text already: reuse its (read-only) tree when it is clean.
  const src = text.charCodeAt(0) === 0xfeff ? undefined : parseSource('<edit>', text);
  if (src && src.root && !src.refused && src.parseErrors.length === 0) root = src.root;
  else {
    try {
      root = parseTree(withoutBom(text), errors, PARSE_OPTIONS);
    } catch {
      return undefined;
    }
  }
  if (!root || errors.length > 0) return undefined;
  const doc: Doc = { text, root, fmt: detectFormatting(text) };
  cache.unshift(doc);
  if (cache.length > 4) cache.pop();
  return doc;
}

/** True when the text parses as JSON with comments/trailing commas tolerated. */
export function parsesCleanly(text: string): boolean {
  const errors: ParseError[] = [];
  if (lazyParseTree(withoutBom(text))) return true; // well-formed (validated; no node built): no need for the slower parser
  try {
    const root = parseTree(withoutBom(text), errors, PARSE_OPTIONS);
    return root !== undefined && errors.length === 0;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Paths

/** A path from a path or a node (a property node stands for its value). */
export function toPath(p: PathOrNode | undefined): JsonPath | undefined {
  if (!p) return undefined;
  if (Array.isArray(p)) return p.slice();
  try {
    let node = p as Node;
    if (node.type === 'property' && node.children && node.children[1]) node = node.children[1];
    return getNodePath(node);
  } catch {
    return undefined;
  }
}

/** The property node of `key` in an object node: exact match first, then case-insensitive (ARM names are). */
export function findProperty(obj: Node, key: string): Node | undefined {
  if (obj.type !== 'object' || !obj.children) return undefined;
  let ci: Node | undefined;
  const lower = key.toLowerCase();
  for (const p of obj.children) {
    const k = p.children?.[0]?.value;
    if (typeof k !== 'string') continue;
    if (k === key) return p;
    if (!ci && k.toLowerCase() === lower) ci = p;
  }
  return ci;
}

/** True for an ARM template-language expression string ("[...]", not the "[[" escape). */
export function isExpressionString(v: unknown): boolean {
  return typeof v === 'string' && v.startsWith('[') && !v.startsWith('[[') && v.endsWith(']');
}

function isExpressionNode(n: Node | undefined): boolean {
  return !!n && n.type === 'string' && isExpressionString(n.value);
}

type Resolved =
  | { kind: 'found'; node: Node; path: JsonPath }
  | { kind: 'missing'; parent: Node; tail: string[]; path: JsonPath }
  | { kind: 'blocked' };

/**
 * Walks a path. `missing` when an object on the way lacks the key (the existing object and the
 * missing string keys); `blocked` when the way goes through a non-container (an expression
 * string), an array index out of range, or a key produced by a property copy loop.
 */
function resolve(root: Node, path: JsonPath): Resolved {
  let cur = root;
  const actual: JsonPath = [];
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (cur.type === 'object' && typeof seg === 'string') {
      const prop = findProperty(cur, seg);
      if (!prop) {
        const tail = path.slice(i);
        if (!tail.every((s): s is string => typeof s === 'string')) return { kind: 'blocked' };
        if (isCopyLoopKey(cur, seg)) return { kind: 'blocked' };
        return { kind: 'missing', parent: cur, tail, path: actual };
      }
      const value = prop.children?.[1];
      if (!value) return { kind: 'blocked' };
      actual.push(prop.children![0].value as string);
      cur = value;
    } else if (cur.type === 'array' && typeof seg === 'number') {
      const kids = cur.children ?? [];
      if (!Number.isInteger(seg) || seg < 0 || seg >= kids.length) return { kind: 'blocked' };
      actual.push(seg);
      cur = kids[seg];
    } else {
      return { kind: 'blocked' };
    }
  }
  return { kind: 'found', node: cur, path: actual };
}

/** A property copy loop (`"copy": [{"name": key, ...}]`) produces `key`: never write it literally. */
function isCopyLoopKey(obj: Node, key: string): boolean {
  const copy = findProperty(obj, 'copy')?.children?.[1];
  if (!copy) return false;
  if (copy.type !== 'array') return true; // an expression: cannot tell, be safe
  for (const el of copy.children ?? []) {
    const name = el.type === 'object' ? findProperty(el, 'name')?.children?.[1] : undefined;
    if (!name || name.type !== 'string') return true;
    if (String(name.value).toLowerCase() === key.toLowerCase()) return true;
  }
  return false;
}

/** The node at a path (undefined when absent or not reachable). */
export function nodeAt(text: string, p: PathOrNode): Node | undefined {
  const doc = parseForEdit(text);
  const path = toPath(p);
  if (!doc || !path) return undefined;
  const r = resolve(doc.root, path);
  return r.kind === 'found' ? r.node : undefined;
}

// ---------------------------------------------------------------------------------------------
// Layout

function unitFor(doc: Doc, node: Node): string {
  const text = doc.text;
  for (let c: Node | undefined = node; c; c = c.parent) {
    if (c.type !== 'object' && c.type !== 'array') continue;
    const ci = lineIndent(text, c.offset);
    for (const ch of c.children ?? []) {
      if (!startsLine(text, ch.offset)) continue;
      const chi = lineIndent(text, ch.offset);
      if (chi.length > ci.length && chi.startsWith(ci)) {
        const u = chi.substring(ci.length);
        if (/^\t+$/.test(u)) return '\t';
        if (/^ {1,8}$/.test(u)) return u;
      }
      break;
    }
  }
  return indentUnit(doc.fmt);
}

function childIndentFor(doc: Doc, container: Node, unit: string): string {
  const kids = container.children ?? [];
  for (let i = kids.length - 1; i >= 0; i--) {
    if (startsLine(doc.text, kids[i].offset)) return lineIndent(doc.text, kids[i].offset);
  }
  return lineIndent(doc.text, container.offset) + unit;
}

interface Member {
  key?: string;
  value: unknown;
}

function isTrivia(k: SyntaxKind): boolean {
  return k === SyntaxKind.Trivia || k === SyntaxKind.LineCommentTrivia || k === SyntaxKind.BlockCommentTrivia;
}

/** Offset of the comma following `end` (skipping whitespace, comments, line breaks), or -1. */
function commaAfter(text: string, end: number): number {
  const sc = createScanner(text, false);
  sc.setPosition(end);
  for (;;) {
    const k = sc.scan();
    if (isTrivia(k) || k === SyntaxKind.LineBreakTrivia) continue;
    return k === SyntaxKind.CommaToken ? sc.getTokenOffset() : -1;
  }
}

/**
 * From `from`, skips spaces and comments on the same line; returns the offset of the line break
 * (or end of text) when only trivia follows, or -1 when another token comes first on that line.
 * Also reports where that trivia ends for use as an insertion point.
 */
function restOfLineIsTrivia(text: string, from: number): number {
  const sc = createScanner(text, false);
  sc.setPosition(from);
  for (;;) {
    const k = sc.scan();
    if (k === SyntaxKind.LineBreakTrivia) return sc.getTokenOffset();
    if (k === SyntaxKind.EOF) return text.length;
    if (k === SyntaxKind.BlockCommentTrivia && spansLines(text, sc.getTokenOffset(), sc.getTokenOffset() + sc.getTokenLength())) {
      return -1;
    }
    if (isTrivia(k)) continue;
    return -1;
  }
}

function hasComment(text: string, from: number, to: number): boolean {
  const sc = createScanner(text, false);
  sc.setPosition(from);
  for (;;) {
    const k = sc.scan();
    if (k === SyntaxKind.EOF || sc.getTokenOffset() >= to) return false;
    if (k === SyntaxKind.LineCommentTrivia || k === SyntaxKind.BlockCommentTrivia) return true;
  }
}

/**
 * An empty container whose enclosing object/array is written on one line (a minified document,
 * `"dependsOn": []` inside `{ ... }` on one line) gets its new members on that line too. Empty
 * containers with comments inside are never in that case.
 */
function inSingleLineContext(doc: Doc, container: Node): boolean {
  const close = container.offset + container.length - 1;
  if (hasComment(doc.text, container.offset + 1, close)) return false;
  for (let p: Node | undefined = container.parent; p; p = p.parent) {
    if (p.type === 'object' || p.type === 'array') return !spansLines(doc.text, p.offset, p.offset + p.length);
  }
  return false;
}

/** Edits appending members at the end of an object or array node. */
function appendMembers(doc: Doc, container: Node, members: Member[]): OffsetEdit[] | undefined {
  const text = doc.text;
  const close = container.offset + container.length - 1;
  const closeCh = container.type === 'array' ? ']' : '}';
  if (text[close] !== closeCh || text[container.offset] !== (container.type === 'array' ? '[' : '{')) return undefined;
  if (members.length === 0) return [];
  const kids = container.children ?? [];
  const unit = unitFor(doc, container);
  const eol = doc.fmt.eol;
  const multiLine = kids.length === 0 ? !inSingleLineContext(doc, container) : spansLines(text, container.offset, close);

  if (!multiLine && kids.length === 0) {
    const rendered = members.map((m) => (m.key !== undefined ? JSON.stringify(m.key) + ': ' : '') + serializeCompact(m.value));
    const inner = container.type === 'object' ? ' ' + rendered.join(', ') + ' ' : rendered.join(', ');
    return [{ offset: container.offset + 1, length: close - container.offset - 1, content: inner }];
  }

  if (!multiLine) {
    const last = kids[kids.length - 1];
    const lastEnd = last.offset + last.length;
    const comma = commaAfter(text, lastEnd);
    const rendered = members.map((m) => (m.key !== undefined ? JSON.stringify(m.key) + ': ' : '') + serializeCompact(m.value));
    if (comma >= 0 && comma < close) {
      return [{ offset: comma + 1, length: 0, content: ' ' + rendered.join(', ') }];
    }
    return [{ offset: lastEnd, length: 0, content: ', ' + rendered.join(', ') }];
  }

  const childIndent = childIndentFor(doc, container, unit);
  const render = (m: Member): string =>
    childIndent + (m.key !== undefined ? JSON.stringify(m.key) + ': ' : '') + serializeValue(m.value, childIndent, unit, eol);
  const block = members.map(render).join(',' + eol);

  if (kids.length === 0) {
    let p = close;
    while (p - 1 > container.offset && ' \t\r\n'.includes(text[p - 1])) p--;
    const closeIndent = lineIndent(text, container.offset);
    return [{ offset: p, length: close - p, content: eol + block + eol + closeIndent }];
  }

  const last = kids[kids.length - 1];
  const lastEnd = last.offset + last.length;
  const comma = commaAfter(text, lastEnd);
  const hasComma = comma >= 0 && comma < close;
  const anchor = hasComma ? comma + 1 : lastEnd;
  const eolAt = restOfLineIsTrivia(text, anchor);
  const insertAt = eolAt >= 0 && eolAt <= close ? eolAt : anchor;
  const edits: OffsetEdit[] = [];
  if (!hasComma) {
    if (insertAt === lastEnd) {
      return [{ offset: lastEnd, length: 0, content: ',' + eol + block }];
    }
    edits.push({ offset: lastEnd, length: 0, content: ',' });
  }
  edits.push({ offset: insertAt, length: 0, content: eol + block });
  return edits;
}

/** Edits removing child `index` of an object (property) or array (element) node. */
function removeMember(doc: Doc, container: Node, index: number): OffsetEdit[] | undefined {
  const text = doc.text;
  const kids = container.children ?? [];
  if (!Number.isInteger(index) || index < 0 || index >= kids.length) return undefined;
  const node = kids[index];
  const start = node.offset;
  const end = node.offset + node.length;
  const close = container.offset + container.length - 1;

  if (kids.length === 1 && !hasComment(text, container.offset + 1, close)) {
    return [{ offset: container.offset + 1, length: close - container.offset - 1, content: '' }];
  }

  const comma = commaAfter(text, end);
  const hasComma = comma >= 0 && comma < close;
  const prev = index > 0 ? kids[index - 1] : undefined;
  const next = index + 1 < kids.length ? kids[index + 1] : undefined;

  if (startsLine(text, start)) {
    const afterNode = hasComma ? comma + 1 : end;
    const eolAt = restOfLineIsTrivia(text, afterNode);
    if (eolAt >= 0) {
      let removeEnd = eolAt;
      if (text.startsWith('\r\n', eolAt)) removeEnd += 2;
      else if (eolAt < text.length) removeEnd += 1;
      const edits: OffsetEdit[] = [];
      if (!next && !hasComma && prev) {
        const pc = commaAfter(text, prev.offset + prev.length);
        if (pc >= 0 && pc < start) edits.push({ offset: pc, length: 1, content: '' });
      }
      const ls = lineStart(text, start);
      edits.push({ offset: ls, length: removeEnd - ls, content: '' });
      return edits;
    }
  }
  if (next) return [{ offset: start, length: next.offset - start, content: '' }];
  if (prev) {
    const prevEnd = prev.offset + prev.length;
    return [{ offset: prevEnd, length: end - prevEnd, content: '' }];
  }
  // only member with comments around: remove the member and its comma
  return [{ offset: start, length: (hasComma ? comma + 1 : end) - start, content: '' }];
}

/** Builds the nested value for a missing tail: tail ['a','b'] and v → {key:'a', value:{b: v}}. */
function memberForTail(tail: string[], value: unknown): Member {
  let v = value;
  for (let i = tail.length - 1; i >= 1; i--) v = { [tail[i]]: v };
  return { key: tail[0], value: v };
}

/**
 * Texts up to this size are re-parsed after editing as a safety net (the result must parse);
 * larger ones rely on the construction (a re-parse of a megabyte costs more than the edit).
 */
export const VERIFY_LIMIT = 256 * 1024;

function resultIsValid(text: string, edits: readonly OffsetEdit[]): boolean {
  return edits.length === 0 || text.length > VERIFY_LIMIT || parsesCleanly(applyTextEdits(text, edits));
}

function toTextEdits(file: string, edits: OffsetEdit[] | undefined, text: string): TextEdit[] | undefined {
  if (!edits) return undefined;
  if (editsConflict(edits)) return undefined;
  if (!resultIsValid(text, edits)) return undefined;
  return edits
    .slice()
    .sort((a, b) => a.offset - b.offset)
    .map((e) => ({ file, offset: e.offset, length: e.length, content: e.content }));
}

function guard<T>(f: () => T | undefined): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Public builders

/**
 * Appends values to an inline array (created, with its missing parent objects, when absent).
 * Undefined when the array is an expression or the path goes through one.
 */
export function insertArrayElements(text: string, file: string, array: PathOrNode, values: unknown[]): TextEdit[] | undefined {
  return guard(() => {
    const doc = parseForEdit(text);
    const path = toPath(array);
    if (!doc || !path) return undefined;
    const r = resolve(doc.root, path);
    if (r.kind === 'blocked') return undefined;
    if (r.kind === 'found') {
      if (r.node.type !== 'array') return undefined;
      return toTextEdits(file, appendMembers(doc, r.node, values.map((value) => ({ value }))), text);
    }
    return toTextEdits(file, appendMembers(doc, r.parent, [memberForTail(r.tail, values)]), text);
  });
}

/** Appends one value to an inline array (see insertArrayElements). */
export function insertArrayElement(text: string, file: string, array: PathOrNode, value: unknown): TextEdit[] | undefined {
  return insertArrayElements(text, file, array, [value]);
}

export interface SetPropertyOptions {
  /** Allow replacing a value that is an expression string (default false). */
  replaceExpression?: boolean;
}

/**
 * Sets the value at a path: replaces an existing value, or adds the property (and any missing
 * parent objects) at the end of the deepest existing object. Undefined when the way is blocked or
 * the existing value is an expression (unless `replaceExpression`).
 */
export function setProperty(text: string, file: string, path: PathOrNode, value: unknown, options: SetPropertyOptions = {}): TextEdit[] | undefined {
  return guard(() => {
    const doc = parseForEdit(text);
    const p = toPath(path);
    if (!doc || !p || p.length === 0) return undefined;
    const r = resolve(doc.root, p);
    if (r.kind === 'blocked') return undefined;
    if (r.kind === 'missing') return toTextEdits(file, appendMembers(doc, r.parent, [memberForTail(r.tail, value)]), text);
    const node = r.node;
    if (isExpressionNode(node) && !options.replaceExpression) return undefined;
    const unit = unitFor(doc, node.parent ?? node);
    const container = node.parent?.type === 'property' ? node.parent.parent : node.parent;
    const multiLine = !container || spansLines(text, container.offset, container.offset + container.length);
    const content = multiLine
      ? serializeValue(value, lineIndent(text, node.offset), unit, doc.fmt.eol)
      : serializeCompact(value);
    if (content === text.substr(node.offset, node.length)) return [];
    return toTextEdits(file, [{ offset: node.offset, length: node.length, content }], text);
  });
}

/** Removes the property at a path (last segment a key). `[]` when it is already absent. */
export function removeProperty(text: string, file: string, path: PathOrNode): TextEdit[] | undefined {
  return guard(() => {
    const doc = parseForEdit(text);
    const p = toPath(path);
    if (!doc || !p || p.length === 0) return undefined;
    const key = p[p.length - 1];
    if (typeof key !== 'string') return removeArrayElement(text, file, p.slice(0, -1), key);
    const r = resolve(doc.root, p.slice(0, -1));
    if (r.kind === 'missing') return [];
    if (r.kind === 'blocked' || r.node.type !== 'object') return undefined;
    const prop = findProperty(r.node, key);
    if (!prop) return [];
    return toTextEdits(file, removeMember(doc, r.node, r.node.children!.indexOf(prop)), text);
  });
}

/** Removes element `index` of an inline array. */
export function removeArrayElement(text: string, file: string, array: PathOrNode, index: number): TextEdit[] | undefined {
  return guard(() => {
    const doc = parseForEdit(text);
    const p = toPath(array);
    if (!doc || !p) return undefined;
    const r = resolve(doc.root, p);
    if (r.kind !== 'found' || r.node.type !== 'array') return undefined;
    return toTextEdits(file, removeMember(doc, r.node, index), text);
  });
}

/** Removes several elements of one array (applied from the last index down). */
export function removeArrayElements(text: string, file: string, array: PathOrNode, indices: number[]): TextEdit[] | undefined {
  const p = toPath(array);
  if (!p) return undefined;
  const sorted = [...new Set(indices)].sort((a, b) => b - a);
  return composeSteps(text, file, sorted.map((i) => (t: string) => removeArrayElement(t, file, p, i)));
}

/**
 * Adds a resource: appended to a `resources` array, or added as member `symbolicName` of a
 * languageVersion 2.0 symbolic-name object (undefined when the name is taken or missing). When the
 * container is absent it is created (an object when a symbolic name is given, else an array).
 */
export function addResource(
  text: string,
  file: string,
  resourcesContainerPath: PathOrNode,
  resourceObject: Record<string, unknown>,
  symbolicName?: string,
): TextEdit[] | undefined {
  return guard(() => {
    const doc = parseForEdit(text);
    const p = toPath(resourcesContainerPath);
    if (!doc || !p) return undefined;
    const r = resolve(doc.root, p);
    if (r.kind === 'blocked') return undefined;
    if (r.kind === 'missing') {
      const value = symbolicName ? { [symbolicName]: resourceObject } : [resourceObject];
      return toTextEdits(file, appendMembers(doc, r.parent, [memberForTail(r.tail, value)]), text);
    }
    const c = r.node;
    if (c.type === 'array') return toTextEdits(file, appendMembers(doc, c, [{ value: resourceObject }]), text);
    if (c.type === 'object') {
      if (!symbolicName || findProperty(c, symbolicName)) return undefined;
      return toTextEdits(file, appendMembers(doc, c, [{ key: symbolicName, value: resourceObject }]), text);
    }
    return undefined;
  });
}

/** True when the resources container at the path is a languageVersion 2.0 symbolic-name object. */
export function isSymbolicContainer(text: string, resourcesContainerPath: PathOrNode): boolean {
  return nodeAt(text, resourcesContainerPath)?.type === 'object';
}

/** A member name not used in the object at `containerPath` (case-insensitive): base, base2, base3, ... */
export function uniqueMemberName(text: string, containerPath: PathOrNode, base: string): string {
  const c = nodeAt(text, containerPath);
  const taken = new Set<string>();
  if (c?.type === 'object') for (const ch of c.children ?? []) taken.add(String(ch.children?.[0]?.value).toLowerCase());
  const clean = base.replace(/[^A-Za-z0-9_]/g, '') || 'resource';
  const b = /^[0-9]/.test(clean) ? '_' + clean : clean;
  if (!taken.has(b.toLowerCase())) return b;
  for (let i = 2; ; i++) if (!taken.has((b + i).toLowerCase())) return b + i;
}

function normalizeDep(s: string): string {
  return s.replace(/\s+/g, '').toLowerCase();
}

/**
 * Adds `dependency` to the `dependsOn` of the resource object at `resourcePath` (creating
 * `dependsOn` when absent). `[]` when an equal entry (ignoring case and blanks) is already there;
 * undefined when `dependsOn` is an expression.
 */
export function addDependsOn(text: string, file: string, resourcePath: PathOrNode, dependency: string): TextEdit[] | undefined {
  return guard(() => {
    const doc = parseForEdit(text);
    const p = toPath(resourcePath);
    if (!doc || !p) return undefined;
    const r = resolve(doc.root, p);
    if (r.kind !== 'found' || r.node.type !== 'object') return undefined;
    const dep = findProperty(r.node, 'dependsOn')?.children?.[1];
    if (dep) {
      if (dep.type !== 'array') return undefined;
      const want = normalizeDep(dependency);
      for (const el of dep.children ?? []) {
        if (el.type === 'string' && normalizeDep(String(el.value)) === want) return [];
      }
      return toTextEdits(file, appendMembers(doc, dep, [{ value: dependency }]), text);
    }
    return toTextEdits(file, appendMembers(doc, r.node, [{ key: 'dependsOn', value: [dependency] }]), text);
  });
}

/**
 * Combines the edits of several builder steps. Each step is first computed on the original text;
 * when their edits are independent they are returned as they are; when they touch the same place
 * the steps are applied one after the other and one minimal edit is returned. Undefined when a
 * step is undefined.
 */
export function composeSteps(
  text: string,
  file: string,
  steps: Array<(text: string) => TextEdit[] | undefined>,
): TextEdit[] | undefined {
  return guard(() => {
    const lists: TextEdit[][] = [];
    for (const s of steps) {
      const e = s(text);
      if (!e) return undefined;
      lists.push(e);
    }
    const flat = lists.flat();
    if (!editsConflict(flat)) {
      if (!resultIsValid(text, flat)) return undefined;
      return flat.sort((a, b) => a.offset - b.offset);
    }
    let t = text;
    for (const s of steps) {
      const e = s(t);
      if (!e) return undefined;
      t = applyTextEdits(t, e);
    }
    const d = diffEdit(text, t);
    return d ? [{ file, ...d }] : [];
  });
}

export interface NewResource {
  resource: Record<string, unknown>;
  /** Symbolic name in a languageVersion 2.0 container (undefined when taken). */
  symbolicName?: string;
  /** Base for a derived unique symbolic name when `symbolicName` is not given. */
  symbolicBase?: string;
}

/**
 * Adds several resources to a resources container in one edit: appended to an array, or as
 * members of a symbolic-name object (explicit names must be free; others are derived from
 * `symbolicBase`, unique). An absent container is created as an array.
 */
export function addResources(text: string, file: string, resourcesContainerPath: PathOrNode, items: NewResource[]): TextEdit[] | undefined {
  return guard(() => {
    const doc = parseForEdit(text);
    const p = toPath(resourcesContainerPath);
    if (!doc || !p) return undefined;
    const r = resolve(doc.root, p);
    if (r.kind === 'blocked') return undefined;
    if (r.kind === 'missing') {
      return toTextEdits(file, appendMembers(doc, r.parent, [memberForTail(r.tail, items.map((i) => i.resource))]), text);
    }
    const c = r.node;
    if (c.type === 'array') return toTextEdits(file, appendMembers(doc, c, items.map((i) => ({ value: i.resource }))), text);
    if (c.type !== 'object') return undefined;
    const taken = new Set<string>();
    for (const ch of c.children ?? []) taken.add(String(ch.children?.[0]?.value).toLowerCase());
    const members: Member[] = [];
    for (const it of items) {
      let name = it.symbolicName;
      if (name !== undefined) {
        if (taken.has(name.toLowerCase())) return undefined;
      } else {
        const clean = (it.symbolicBase ?? 'resource').replace(/[^A-Za-z0-9_]/g, '') || 'resource';
        const b = /^[0-9]/.test(clean) ? '_' + clean : clean;
        name = b;
        for (let i = 2; taken.has(name.toLowerCase()); i++) name = b + i;
      }
      taken.add(name.toLowerCase());
      members.push({ key: name, value: it.resource });
    }
    return toTextEdits(file, appendMembers(doc, c, members), text);
  });
}
