/**
 * Document kind detection and parameter files.
 */
import { visit, type JSONVisitor, type Node, type ParseError } from 'jsonc-parser';
import { Unknown, type Value } from '../expressions/value';
import { entries, JSONC_OPTIONS, MAX_NESTING, nestingDepth, parseSource, prop, str } from './parse';
import { elementKeep, fastKindTree, Keep, keepsMembers, lastScanSawTemplateLink, valueKeep } from './fast-parse';
import { literalValue } from './literal';

export type DocumentKind = 'template' | 'parameters' | 'other';

/**
 * 'template' by `$schema` (…DeploymentTemplate.json) or by shape (a root object with
 * `resources`); 'parameters' by `$schema` (…DeploymentParameters.json) or by shape (`parameters`
 * whose entries have `value` / `reference`, and no `resources`); otherwise 'other'.
 */
export function detectDocumentKind(text: string, file = '<detect>'): DocumentKind {
  const src = parseSource(file, text);
  return detectKindOfRoot(src.root);
}

export function detectKindOfRoot(root: Node | undefined): DocumentKind {
  if (!root || root.type !== 'object') return 'other';
  const schema = str(prop(root, '$schema'))?.toLowerCase() ?? '';
  if (schema.includes('deploymenttemplate')) return 'template';
  if (schema.includes('deploymentparameters')) return 'parameters';
  if (prop(root, 'resources')) return 'template';
  const params = prop(root, 'parameters');
  const es = entries(params);
  if (es.length > 0 && es.every(([, v]) => v.type === 'object' && (prop(v, 'value') || prop(v, 'reference')))) {
    return 'parameters';
  }
  return 'other';
}

/** The kind and syntax of a document as `parseSource` + `detectKindOfRoot` see them. */
export interface KindScan {
  kind: DocumentKind;
  /** The first syntax error (parseSource's `parseErrors[0]`). */
  error?: ParseError;
  /** False when the document has no value at all (parseSource's `root` undefined). */
  hasRoot: boolean;
  /**
   * Well-formed text only (undefined otherwise): whether a property is named `templateLink` (any
   * case), that is whether a deployment links a template (the scan sees every key anyway).
   */
  templateLinkKey?: boolean;
}

/**
 * The kind and the first syntax error of a document exactly as `parseSource` (jsonc-parser's
 * tree and errors) and `detectKindOfRoot` give them, without building the tree: well-formed
 * text is only validated by the fast scanner (`fastKindTree`, which allocates nothing but the
 * few nodes the kind reads), other text goes through jsonc-parser's `visit` (the visitor
 * `parseTree` builds its tree from, so the same recovery) keeping only those nodes, up to the
 * first error and the point where no later property can change the kind (`visitKind`).
 * Undefined for a document nested deeper than MAX_NESTING (which `parseSource` refuses).
 */
export function scanKind(text: string): KindScan | undefined {
  const tree = fastKindTree(text, MAX_NESTING);
  if (tree) return { kind: detectKindOfRoot(tree), hasRoot: true, templateLinkKey: lastScanSawTemplateLink() };
  // the same guard as parseSource's before jsonc-parser (whose parser recurses per level)
  if (nestingDepth(text).exceededAt !== undefined) return undefined;
  return visitKind(text);
}

interface KeptNode {
  type: Node['type'];
  offset: number;
  length: number;
  parent?: KeptNode;
  children?: KeptNode[];
  value?: unknown;
}

const HOLDER = 0;
const OBJECT = 1;
const ARRAY = 2;
const PROPERTY = 3;
/** Thrown from a visitor to end the walk early; never escapes `visitKind`. */
const STOP = { stop: true };

/**
 * jsonc-parser's `parseTree` (same options as parseSource), mirrored on a stack of frames (the
 * chain of `currentParent` there) that keeps a node only where `Keep` says the kind reads it.
 *
 * It stops as soon as no later property can change the kind (`settled`): a root that is not an
 * object; or the first `$schema` property matched exactly (the first one wins over any later,
 * `prop`'s rule) naming the kind, or not naming it with a `resources` property present (any
 * case: `prop` falls back to it). When the first syntax error is not known by then, a second
 * walk with no other callback finds it (the same events, so the same first error), cheaper than
 * carrying the tree callbacks to the end.
 */
function visitKind(text: string): KindScan {
  const holder: KeptNode = { type: 'array', offset: -1, length: -1, children: [] };
  // frame i: its type, its node (when kept), and its keep mode (for a property: its value's;
  // for the holder: the root's; for an object or array: its own)
  const types: number[] = [HOLDER];
  const nodes: (KeptNode | undefined)[] = [holder];
  const keeps: number[] = [Keep.ROOT];
  let sp = 0;
  let error: ParseError | undefined;
  let settled: DocumentKind | undefined;
  // what decides the kind early: the value of the first complete `$schema` (exact name), a
  // complete `resources` (any case)
  let schema: string | undefined;
  let resources = false;

  const push = (type: number, node: KeptNode | undefined, keep: number) => {
    sp++;
    types[sp] = type;
    nodes[sp] = node;
    keeps[sp] = keep;
  };
  const ensurePropertyComplete = () => {
    if (types[sp] === PROPERTY) sp--;
  };
  /** parseTree's onValue for a kept node: it becomes a child of the current parent. */
  const add = (node: KeptNode): void => {
    nodes[sp]!.children!.push(node);
    if (sp === 0) {
      // the root
      if (node.type !== 'object') settled = 'other';
    } else if (sp === 2 && types[1] === OBJECT && types[2] === PROPERTY) {
      // the value of a property of the root object (kept: the root keeps its properties)
      const name = nodes[2]!.children![0].value as string;
      if (name === '$schema' && schema === undefined) {
        schema = node.type === 'string' ? String(node.value).toLowerCase() : '';
      } else if (name.length === 9 && name.toLowerCase() === 'resources') {
        resources = true;
      }
      // detectKindOfRoot's order: $schema, then resources; a decision by shape stays open
      if (schema !== undefined) {
        if (schema.includes('deploymenttemplate')) settled = 'template';
        else if (schema.includes('deploymentparameters')) settled = 'parameters';
        else if (resources) settled = 'template';
      }
    }
    if (settled) throw STOP;
  };
  /** The keep mode of a value added to the current parent. */
  const keepHere = (): number => {
    const t = types[sp];
    return t === PROPERTY || t === HOLDER ? keeps[sp] : t === ARRAY ? elementKeep(keeps[sp]) : Keep.SKIP;
  };
  const begin = (type: number, nodeType: 'object' | 'array', offset: number): boolean | void => {
    const keep = keepHere();
    let node: KeptNode | undefined;
    if (keep !== Keep.SKIP) add((node = { type: nodeType, offset, length: -1, parent: nodes[sp], children: [] }));
    push(type, node, keep);
    // once the first error is known, nothing inside a container whose content is not kept
    // matters: jsonc-parser then skips the callbacks up to its end
    if (error && (type === ARRAY || !keepsMembers(keep))) return false;
  };
  const end = (offset: number, length: number) => {
    const node = nodes[sp];
    if (node) node.length = offset + length - node.offset;
    sp--;
    ensurePropertyComplete();
  };
  const visitor: JSONVisitor = {
    onObjectBegin: (offset) => begin(OBJECT, 'object', offset),
    onObjectProperty: (name, offset, length) => {
      const objectKeep = types[sp] === OBJECT ? keeps[sp] : Keep.SKIP;
      let node: KeptNode | undefined;
      if (keepsMembers(objectKeep)) {
        node = { type: 'property', offset, length: -1, parent: nodes[sp], children: [] };
        node.children!.push({ type: 'string', value: name, offset, length, parent: node });
        nodes[sp]!.children!.push(node);
      }
      push(PROPERTY, node, node ? valueKeep(objectKeep, name) : Keep.SKIP);
    },
    onObjectEnd: (offset, length) => {
      ensurePropertyComplete(); // a property without a value
      end(offset, length);
    },
    onArrayBegin: (offset) => begin(ARRAY, 'array', offset),
    onArrayEnd: end,
    onLiteralValue: (value, offset, length) => {
      const keep = keepHere();
      if (keep !== Keep.SKIP) {
        const type = value === null ? 'null' : (typeof value as 'string' | 'number' | 'boolean');
        add({ type, offset, length, parent: nodes[sp], value });
      }
      ensurePropertyComplete();
    },
    onSeparator: (sep) => {
      if (sep === ',') ensurePropertyComplete();
    },
    onError: (code, offset, length) => {
      if (!error) error = { error: code, offset, length };
    },
  };
  try {
    visit(text, visitor, JSONC_OPTIONS);
  } catch (e) {
    if (e !== STOP) throw e;
  }
  if (settled && !error) {
    // settled before any error: the first error (if any) from a walk with nothing else to do
    try {
      visit(
        text,
        {
          onError: (code, offset, length) => {
            error = { error: code, offset, length };
            throw STOP;
          },
        },
        JSONC_OPTIONS,
      );
    } catch (e) {
      if (e !== STOP) throw e;
    }
  }
  const root = holder.children![0] as Node | undefined;
  return { kind: settled ?? detectKindOfRoot(root), error, hasRoot: root !== undefined };
}

export interface ParameterFileEntry {
  /** The literal value, or an Unknown for a Key Vault `reference`. */
  value: Value;
  /** The entry's `value` (or `reference`) node. */
  node?: Node;
}

/**
 * Reads a parameter file: lower-cased name → value (Unknown for a Key Vault reference).
 * Accepts the standard `{ parameters: { x: { value } } }` form and a bare `{ x: { value } }` map.
 */
export function readParameterFile(text: string, file = '<parameters>'): Map<string, ParameterFileEntry> {
  return parameterEntries(parseSource(file, text).root);
}

export function parameterEntries(root: Node | undefined): Map<string, ParameterFileEntry> {
  const out = new Map<string, ParameterFileEntry>();
  if (!root || root.type !== 'object') return out;
  let params = prop(root, 'parameters');
  if (!params || params.type !== 'object') params = root;
  for (const [name, entry] of entries(params)) {
    if (entry.type !== 'object') continue;
    const v = prop(entry, 'value');
    const ref = prop(entry, 'reference');
    if (v) {
      out.set(name.toLowerCase(), { value: literalValue(v), node: v });
    } else if (ref) {
      const secret = str(prop(ref, 'secretName'));
      out.set(name.toLowerCase(), {
        value: new Unknown(
          `parameters('${name}')`,
          `parameter '${name}' is a Key Vault reference${secret ? ` (secret '${secret}')` : ''}`,
        ),
        node: ref,
      });
    }
  }
  return out;
}
