/**
 * Builds the Template model (model.ts) from a document's text: scopes (root, inline nested
 * deployments, linked templates by relativePath), resources (array and languageVersion 2.0
 * symbolic forms, nested children, copy loops, inline subnets), lazy memoized evaluation with
 * Unknown values, resource-id resolution and value origins. Never throws on any text.
 */
import * as path from 'path';
import type { Node } from 'jsonc-parser';
import {
  Unknown,
  isObject,
  isUnknown,
  symbolicConcat,
  valuesEqual,
  type StringPart,
  type Tri,
  type Value,
  type ValueObject,
} from '../expressions/value';
import type { EvalContext, UserFunction } from '../expressions/context';
import type { CallNode, ExprNode } from '../expressions/ast';
import { evaluateAst, parseCached } from '../expressions/evaluator';
import { evaluateString as evalStr, isExpression } from './expr';
import type {
  BuildOptions,
  Origin,
  ParameterDecl,
  ResolveResult,
  Resource,
  Scope,
  SourceFile,
  Template,
} from './model';
import { entries, items, parseSource, prop, str } from './parse';
import { literalValue, setProp } from './literal';
import { parameterEntries, detectKindOfRoot } from './params';
import { composeId, keyOf, nameSegments, parseId, type ParsedId } from './ids';

export { detectDocumentKind, readParameterFile } from './params';

const DEFAULT_COPY_LIMIT = 800;
/** Nested memoized evaluations (variable → variable → ...) deeper than this yield Unknown. */
const MAX_EVAL_DEPTH = 120;
const MAX_NODE_DEPTH = 450;
const MAX_RESOURCES = 20000;
const MAX_SCOPE_DEPTH = 24;

type Level = 'resourceGroup' | 'subscription' | 'managementGroup' | 'tenant';

const DEPLOYMENTS = 'microsoft.resources/deployments';
const VNETS = 'microsoft.network/virtualnetworks';
const SUBNETS = 'Microsoft.Network/virtualNetworks/subnets';

// ---------------------------------------------------------------------------------------------
// copy-loop bindings and evaluation environments

class CopyEnv {
  constructor(
    readonly parent: CopyEnv | undefined,
    /** lower-cased loop name */
    readonly name: string | undefined,
    readonly index: Value,
    readonly resourceLoop: boolean,
  ) {}
  lookup(name?: string): Value | undefined {
    if (name !== undefined) {
      const l = name.toLowerCase();
      for (let e: CopyEnv | undefined = this; e; e = e.parent) if (e.name === l) return e.index;
      return undefined;
    }
    for (let e: CopyEnv | undefined = this; e; e = e.parent) if (e.resourceLoop) return e.index;
    return this.index;
  }
}

interface Env {
  copy?: CopyEnv;
  /** Set when values are not literal text (copy loop input, user function). */
  via?: string;
  /** User-function mode: the function's own arguments. */
  fnArgs?: Map<string, Value>;
}

// ---------------------------------------------------------------------------------------------

/**
 * Memoization that does not depend on the order of evaluation. A value computed while a cycle
 * was being cut (or while the resource list was still being built and a lookup failed) is only
 * provisional: it stays valid while the computation that closed the cycle (the "frame" of the
 * cycle's root, or the build) is still running, and is recomputed once that frame ends. Values
 * computed without such a dependency are final.
 */
class Frame {
  alive = true;
  constructor(readonly depth: number) {}
}

interface Tracker {
  /** Frames that cycles (or failed lookups while building) depended on, most recent last. */
  log: Frame[];
  /** Nesting depth of cell computations. */
  depth: number;
}

/** A lazily computed, cycle-safe memo cell. */
class Cell<T> {
  private state: 0 | 1 | 2 = 0; // empty, computing, done
  private value?: T;
  private frame?: Frame;
  private provisional?: Frame;
  get(t: Tracker, compute: () => T, onCycle: () => T): T {
    if (this.state === 2) {
      if (!this.provisional) return this.value as T;
      if (this.provisional.alive) {
        // a value computed while a cycle was cut: whoever reads it is provisional on the same frame
        t.log.push(this.provisional);
        return this.value as T;
      }
      this.state = 0;
      this.value = undefined;
      this.provisional = undefined;
    }
    if (this.state === 1) {
      t.log.push(this.frame!);
      return onCycle();
    }
    const frame = new Frame(t.depth);
    this.frame = frame;
    this.state = 1;
    const l0 = t.log.length;
    t.depth++;
    let v: T;
    try {
      v = compute();
    } catch (e) {
      this.state = 0;
      throw e;
    } finally {
      t.depth--;
      frame.alive = false;
      this.frame = undefined;
    }
    let deepest: Frame | undefined;
    if (t.log.length > l0) {
      // (most computations meet no cycle: nothing logged, nothing to keep)
      const keep: Frame[] = [];
      for (let i = l0; i < t.log.length; i++) {
        const f = t.log[i];
        if (!f.alive || keep.includes(f)) continue;
        keep.push(f);
        if (!deepest || f.depth > deepest.depth) deepest = f;
      }
      t.log.length = l0;
      for (const f of keep) t.log.push(f);
    }
    this.state = 2;
    this.value = v;
    this.provisional = deepest;
    return v;
  }
  get done(): boolean {
    return this.state === 2 && !this.provisional;
  }
  /**
   * The value when it is computed and final (what `get` returns at once, without computing),
   * else NOT_READY: lets hot readers skip building the closures `get` takes.
   */
  peek(): T | typeof NOT_READY {
    return this.state === 2 && !this.provisional ? (this.value as T) : NOT_READY;
  }
}

/** What Cell.peek / Memo.peek return for a value that `get` would still have to compute. */
const NOT_READY: unique symbol = Symbol('not ready');

class Memo<T> {
  // created on first use: most scopes memoize few or no parameters, variables or outputs
  private cells?: Map<string, Cell<T>>;
  private busy?: string[];
  constructor(private readonly tpl: () => Tracker) {}
  /** Cell.peek of the value under `key`. */
  peek(key: string): T | typeof NOT_READY {
    const c = this.cells?.get(key);
    return c ? c.peek() : NOT_READY;
  }
  get(key: string, compute: () => T, onCycle: () => T): T {
    const cells = (this.cells ??= new Map());
    let c = cells.get(key);
    if (!c) cells.set(key, (c = new Cell<T>()));
    else {
      const v = c.peek();
      if (v !== NOT_READY) return v;
    }
    const busy = (this.busy ??= []);
    return c.get(
      this.tpl(),
      () => {
        busy.push(key);
        try {
          return compute();
        } finally {
          busy.pop();
        }
      },
      onCycle,
    );
  }
  busyKeys(): string[] {
    return this.busy ? this.busy.slice() : [];
  }
}

function shortText(s: string, max = 80): string {
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

function lower(s: string): string {
  return s.toLowerCase();
}

function asNameValue(v: Value, what: string): string | Unknown {
  if (typeof v === 'string' || isUnknown(v)) return v;
  if (typeof v === 'number') return String(v);
  return new Unknown(`invalid(${what})`, `${what} is not a string`);
}

// ---------------------------------------------------------------------------------------------

class ParamDeclImpl implements ParameterDecl {
  name: string;
  node: Node;
  // read from the declaration on first use: a nested template declares many parameters, and
  // most are only ever asked for their value
  private _type?: string | null;
  private _defaultValueNode?: Node | null;
  private _nullable?: boolean;
  private _allowed?: { node?: Node; values?: Value[] };
  private suppliedCell?: Cell<{ value: Value; origin?: Origin } | undefined>;
  constructor(
    name: string,
    node: Node,
    private readonly tracker: Tracker,
    /** What the parent deployment passes (inner scopes), by parameter name. */
    private readonly supply: ((name: string) => { value: Value; origin?: Origin } | undefined) | undefined,
  ) {
    this.name = name;
    this.node = node;
  }
  get type(): string | undefined {
    if (this._type === undefined) this._type = str(prop(this.node, 'type')) ?? null;
    return this._type ?? undefined;
  }
  get defaultValueNode(): Node | undefined {
    if (this._defaultValueNode === undefined) this._defaultValueNode = prop(this.node, 'defaultValue') ?? null;
    return this._defaultValueNode ?? undefined;
  }
  /** languageVersion 2.0 `nullable: true`. */
  get nullable(): boolean {
    if (this._nullable === undefined) {
      const nl = prop(this.node, 'nullable');
      this._nullable = !!nl && nl.type === 'boolean' && nl.value === true;
    }
    return this._nullable;
  }
  private get allowed(): { node?: Node; values?: Value[] } {
    if (!this._allowed) {
      const av = prop(this.node, 'allowedValues');
      this._allowed = av && av.type === 'array' ? { node: av, values: items(av).map((n) => literalValue(n)) } : {};
    }
    return this._allowed;
  }
  get allowedValues(): Value[] | undefined {
    return this.allowed.values;
  }
  get allowedValuesNode(): Node | undefined {
    return this.allowed.node;
  }
  get supplied(): { value: Value; origin?: Origin } | undefined {
    return (this.suppliedCell ??= new Cell()).get(this.tracker, () => this.supply?.(this.name), () => ({
      value: new Unknown(`cycle(parameters('${this.name}'))`, `the value of parameter '${this.name}' depends on itself`),
    }));
  }
}

// ---------------------------------------------------------------------------------------------

class ScopeImpl implements Scope {
  file: SourceFile;
  templateNode: Node;
  parent?: ScopeImpl;
  deployment?: ResourceImpl;
  readonly t: TemplateImpl;
  readonly level: Level;
  /** 'outer' nested templates see the parent's parameters, variables and functions. */
  readonly outer: boolean;
  readonly depth: number;
  readonly id: number;
  readonly languageVersion2: boolean;
  /** Unknown-key prefix for values local to this scope ('' for the root). */
  readonly keyPrefix: string;
  /** What the parent deployment passes for a parameter (inner scopes). */
  private readonly supply?: (name: string) => { value: Value; origin?: Origin } | undefined;
  // declarations, read from the template on first use (many scopes of a large template are
  // never evaluated: their resources are declared, their parameters never read)
  private _parameters?: Map<string, ParameterDecl>;
  private _variableNodes?: Map<string, { name: string; node: Node; copy?: Node }>;
  private _functionNodes?: Map<string, { name: string; node: Node }>;
  private readonly paramMemo = new Memo<Value>(() => this.t);
  private readonly varMemo = new Memo<Value>(() => this.t);
  private readonly outputMemo = new Memo<Value>(() => this.t);
  private readonly subObjCell = new Cell<Value>();
  private readonly rgObjCell = new Cell<Value>();
  private readonly subIdCell = new Cell<Value>();
  private readonly rgNameCell = new Cell<Value>();
  /** Resources declared directly in this scope. */
  resources: ResourceImpl[] = [];
  /** Resource declarations not yet expanded (see TemplateImpl.drainPending). */
  pending: { node: Node; sym?: string }[] = [];
  pendingPos = 0;
  /** Symbolic names exactly as written, and lower-cased (a fallback when no exact match). */
  bySymbol = new Map<string, ResourceImpl[]>();
  bySymbolLower = new Map<string, ResourceImpl[]>();
  byLoop = new Map<string, ResourceImpl[]>();
  /** TemplateImpl.target answers for this scope. */
  targetCells?: Map<string, Cell<ResourceImpl | undefined>>;

  constructor(
    t: TemplateImpl,
    file: SourceFile,
    templateNode: Node,
    opts: {
      parent?: ScopeImpl;
      deployment?: ResourceImpl;
      outer?: boolean;
      level: Level;
      supply?: (name: string) => { value: Value; origin?: Origin } | undefined;
    },
  ) {
    this.t = t;
    this.file = file;
    this.templateNode = templateNode;
    this.parent = opts.parent;
    this.deployment = opts.deployment;
    this.outer = !!opts.outer;
    this.level = opts.level;
    this.depth = opts.parent ? opts.parent.depth + 1 : 0;
    this.id = t.scopeCounter++;
    this.keyPrefix = opts.parent ? `scope${this.id}:` : '';
    this.languageVersion2 = (str(prop(templateNode, 'languageVersion')) ?? '').startsWith('2');
    this.supply = opts.supply;
  }

  /** The template's parameter declarations, by lower-cased name. */
  get parameters(): Map<string, ParameterDecl> {
    if (this._parameters) return this._parameters;
    const out = new Map<string, ParameterDecl>();
    for (const [name, node] of entries(prop(this.templateNode, 'parameters'))) {
      if (node.type !== 'object') continue;
      out.set(lower(name), new ParamDeclImpl(name, node, this.t, this.supply));
    }
    return (this._parameters = out);
  }

  private get variableNodes(): Map<string, { name: string; node: Node; copy?: Node }> {
    if (this._variableNodes) return this._variableNodes;
    const out = new Map<string, { name: string; node: Node; copy?: Node }>();
    for (const [name, node] of entries(prop(this.templateNode, 'variables'))) {
      if (lower(name) === 'copy' && node.type === 'array') {
        for (const spec of items(node)) {
          const n = str(prop(spec, 'name'));
          if (n !== undefined) out.set(lower(n), { name: n, node: spec, copy: spec });
        }
      } else {
        out.set(lower(name), { name, node });
      }
    }
    return (this._variableNodes = out);
  }

  private get functionNodes(): Map<string, { name: string; node: Node }> {
    if (this._functionNodes) return this._functionNodes;
    const out = new Map<string, { name: string; node: Node }>();
    for (const nsNode of items(prop(this.templateNode, 'functions'))) {
      const ns = str(prop(nsNode, 'namespace'));
      if (ns === undefined) continue;
      for (const [mname, mnode] of entries(prop(nsNode, 'members'))) {
        out.set(lower(`${ns}.${mname}`), { name: `${ns}.${mname}`, node: mnode });
      }
    }
    return (this._functionNodes = out);
  }

  // -- Scope interface ---------------------------------------------------------------------

  evaluate(node: Node): Value {
    return this.evalNode(node, {}, 0);
  }

  evaluateString(text: string): Value {
    return this.safeEval(text, this.ctx({}));
  }

  parameterValue(name: string): Value {
    return this.param(name);
  }

  variableValue(name: string): Value {
    return this.variable(name, {});
  }

  // -- evaluation ---------------------------------------------------------------------------

  ctx(env: Env): EvalContext {
    return new Ctx(this, env);
  }

  safeEval(text: string, ctx: EvalContext): Value {
    try {
      const v = evalStr(text, ctx);
      return v === undefined ? new Unknown(`undefined(${shortText(text)})`, 'the expression has no value') : v;
    } catch (e) {
      return new Unknown(`error(${shortText(text, 200)})`, `the expression could not be evaluated: ${(e as Error)?.message ?? e}`);
    }
  }

  /** Evaluates a JSON node: expressions in strings, property copy loops; records origins. */
  evalNode(node: Node, env: Env, depth: number): Value {
    if (depth > MAX_NODE_DEPTH) return new Unknown('too-deep', 'the value nests too deeply to evaluate');
    const t = this.t;
    switch (node.type) {
      case 'string': {
        const s = typeof node.value === 'string' ? node.value : '';
        if (s.length === 0 || s.charCodeAt(0) !== 91 /* [ */) return s;
        const expr = isExpression(s);
        const v = this.safeEval(s, this.ctx(env));
        if (expr && typeof v === 'object' && v !== null && !isUnknown(v)) {
          return t.markClone(v, {
            file: this.file.file,
            node,
            literal: false,
            via: env.via ?? describeExpression(s),
          });
        }
        return v;
      }
      case 'number':
        return typeof node.value === 'number' ? node.value : 0;
      case 'boolean':
        return node.value === true;
      case 'null':
        return null;
      case 'array': {
        const arr: Value[] = [];
        for (const c of node.children ?? []) arr.push(this.evalNode(c, env, depth + 1));
        t.setOrigin(arr, { file: this.file.file, node, literal: !env.via, via: env.via });
        return arr;
      }
      case 'object': {
        const obj: ValueObject = {};
        t.setOrigin(obj, { file: this.file.file, node, literal: !env.via, via: env.via });
        for (const p of node.children ?? []) {
          const k = p.children?.[0];
          const vn = p.children?.[1];
          if (!k || !vn || typeof k.value !== 'string') continue;
          if (lower(k.value) === 'copy' && vn.type === 'array' && isPropertyCopy(vn)) {
            for (const spec of items(vn)) this.propertyCopy(obj, spec, env, depth);
            continue;
          }
          setProp(obj, k.value, this.evalNode(vn, env, depth + 1));
        }
        return obj;
      }
      default:
        return null;
    }
  }

  /**
   * A VNet's `properties`: what evalNode gives, except that the `properties` of each subnet of a
   * literal `subnets` array are evaluated when first read (a getter, the same value every read).
   * The analysis reads the names of every subnet (to resolve ids) but the properties of only the
   * few it follows (the APIM subnet's); a VNet may declare dozens. Anything unusual (a property
   * copy loop, duplicate keys) takes evalNode.
   */
  evalVnetProperties(node: Node, env: Env): Value {
    if (!isPlainObjectNode(node)) return this.evalNode(node, env, 0);
    return this.plainObject(node, env, (obj, key, vn) =>
      setProp(obj, key, vn.type === 'array' && lower(key) === 'subnets' ? this.lazySubnets(vn, env) : this.evalNode(vn, env, 1)),
    );
  }

  /** The `subnets` array of evalVnetProperties (depth 1), each plain subnet object with lazy `properties`. */
  private lazySubnets(node: Node, env: Env): Value[] {
    const arr: Value[] = [];
    for (const c of node.children ?? []) {
      if (!isPlainObjectNode(c)) {
        arr.push(this.evalNode(c, env, 2));
        continue;
      }
      arr.push(
        this.plainObject(c, env, (obj, key, vn) => {
          if (lower(key) !== 'properties') return setProp(obj, key, this.evalNode(vn, env, 3));
          const cell = new Cell<Value>();
          const compute = () => this.guarded('the properties of a subnet', () => this.evalNode(vn, env, 3));
          const cycle = () => new Unknown(`${this.keyPrefix}cycle(subnet properties@${vn.offset})`, 'the properties of the subnet depend on themselves');
          Object.defineProperty(obj, key, { enumerable: true, configurable: true, get: () => cell.get(this.t, compute, cycle) });
        }),
      );
    }
    this.t.setOrigin(arr, { file: this.file.file, node, literal: !env.via, via: env.via });
    return arr;
  }

  /** evalNode's object, with its origin, for a plain object node (isPlainObjectNode): `member` sets each member. */
  private plainObject(node: Node, env: Env, member: (obj: ValueObject, key: string, valueNode: Node) => void): ValueObject {
    const obj: ValueObject = {};
    this.t.setOrigin(obj, { file: this.file.file, node, literal: !env.via, via: env.via });
    for (const p of node.children ?? []) {
      const k = p.children?.[0];
      const vn = p.children?.[1];
      if (k && vn && typeof k.value === 'string') member(obj, k.value, vn);
    }
    return obj;
  }

  /**
   * evalNode, but only where `choose` and the mention analysis say (see Resource.partialProperties):
   * the same objects, arrays, keys, indices and origins, with `undefined` for what is left out.
   */
  evalFiltered(node: Node, env: Env, depth: number, needle: string, choose: (key: string) => 'skip' | 'whole' | 'filter'): Value {
    if (depth > MAX_NODE_DEPTH) return this.evalNode(node, env, depth);
    switch (node.type) {
      case 'string': {
        // left out unless it may mention the needle (literal text: its own)
        const s = typeof node.value === 'string' ? node.value : '';
        const may = s.length === 0 || s.charCodeAt(0) !== 91 /* [ */ || !isExpression(s) ? mentionsText(s, needle) : this.mentionsExpr(s, env, false, needle);
        return may ? this.evalNode(node, env, depth) : (undefined as unknown as Value);
      }
      case 'array': {
        // nothing evaluated inside: left out whole (the same for the caller as only undefined elements)
        let arr: Value[] | undefined;
        const children = node.children ?? [];
        for (let i = 0; i < children.length; i++) {
          const v = this.evalFiltered(children[i], env, depth + 1, needle, choose);
          if (v === undefined) continue;
          if (!arr) arr = new Array<Value>(children.length).fill(undefined as unknown as Value);
          arr[i] = v;
        }
        if (!arr) return undefined as unknown as Value;
        this.t.setOrigin(arr, { file: this.file.file, node, literal: !env.via, via: env.via });
        return arr;
      }
      case 'object': {
        const children = node.children ?? [];
        // a property copy loop builds its member by evaluation: the whole object is evaluated
        for (const p of children) {
          const k = p.children?.[0];
          const vn = p.children?.[1];
          if (k && vn && typeof k.value === 'string' && vn.type === 'array' && lower(k.value) === 'copy' && isPropertyCopy(vn)) return this.evalNode(node, env, depth);
        }
        // members in order, left-out ones undefined; nothing evaluated inside: left out whole
        let vals: (Value | undefined)[] | undefined;
        for (let i = 0; i < children.length; i++) {
          const p = children[i];
          const k = p.children?.[0];
          const vn = p.children?.[1];
          if (!k || !vn || typeof k.value !== 'string') continue;
          const c = choose(k.value);
          if (c === 'skip') continue;
          const v = c === 'whole' ? this.evalNode(vn, env, depth + 1) : this.evalFiltered(vn, env, depth + 1, needle, choose);
          if (v === undefined) continue;
          if (!vals) vals = new Array(children.length);
          vals[i] = v;
        }
        if (!vals) return undefined as unknown as Value;
        const obj: ValueObject = {};
        this.t.setOrigin(obj, { file: this.file.file, node, literal: !env.via, via: env.via });
        for (let i = 0; i < children.length; i++) {
          const k = children[i].children?.[0];
          const vn = children[i].children?.[1];
          if (!k || !vn || typeof k.value !== 'string') continue;
          setProp(obj, k.value, vals[i] as Value);
        }
        return obj;
      }
      default:
        // numbers, booleans, null: no text
        return undefined as unknown as Value;
    }
  }

  // -- mention analysis -----------------------------------------------------------------------
  //
  // "May the value of this node contain a string, or an object key, that mentions `needle`?"
  // Decided from the text of the template (parameters, variables and outputs are followed through
  // their definitions, nested deployment parameters through the parent's values, reference()
  // through the target's outputs or properties) plus cheap evaluations (reference targets,
  // resource ids and names, sub-expressions that read no parameter, variable or reference).
  // Conservative: true whenever unsure. Its one blind spot is text glued from fragments none of
  // which mentions the needle (concat(parameters('a'), 'nets') with a = '/sub'); a single-char
  // needle has none.

  /** Per needle: memoized answers for parameters, variables, outputs (lower-cased names). */
  private mentionMemo?: Map<string, MentionMemo>;

  private memoFor(needle: string): MentionMemo {
    const all = (this.mentionMemo ??= new Map());
    let m = all.get(needle);
    if (!m) all.set(needle, (m = { p: new Map(), v: new Map(), o: new Map() }));
    return m;
  }

  private memoMention(map: Map<string, boolean | number>, key: string, f: () => boolean): boolean {
    return this.t.memoMention(map, key, f);
  }

  /** Parameter `l` (lower-cased) as `param()` finds it. */
  mentionsParam(l: string, needle: string): boolean {
    if (this.outer && this.parent && (this.parent.parameters.has(l) || !this.parameters.has(l))) return this.parent.mentionsParam(l, needle);
    return this.memoMention(this.memoFor(needle).p, l, () => {
      const decl = this.parameters.get(l) as ParamDeclImpl | undefined;
      if (!decl) return false; // an opaque Unknown
      if (!this.parent) {
        // the root's supplied values come from the parameter file, already read
        const sup = decl.supplied;
        if (sup) return valueMentions(sup.value, needle);
      } else if (this.deployment && !this.outer) {
        const r = this.mentionsSupplied(decl.name, needle);
        if (r !== undefined) return r;
      }
      if (decl.defaultValueNode) return this.mentionsNode(decl.defaultValueNode, {}, false, needle, 0);
      // no value: an Unknown whose candidates are the allowed values
      return !!decl.allowedValuesNode && this.mentionsNode(decl.allowedValuesNode, {}, true, needle, 0);
    });
  }

  /** The value the parent deployment passes (innerSupply); undefined when it passes none. */
  private mentionsSupplied(name: string, needle: string): boolean | undefined {
    const dep = this.deployment!;
    const pscope = dep.scope;
    const pn = prop(prop(dep.node, 'properties'), 'parameters');
    if (!pn) return undefined;
    if (pn.type === 'object') {
      const entry = prop(pn, name);
      if (!entry) return undefined;
      const vn = prop(entry, 'value');
      if (vn) return pscope.mentionsNode(vn, dep.env, false, needle, 0);
      if (prop(entry, 'reference')) return false; // Key Vault reference: an opaque Unknown
      return undefined;
    }
    if (pn.type === 'string') return pscope.mentionsNode(pn, dep.env, false, needle, 0) ? true : undefined;
    return undefined;
  }

  /** Variable `l` (lower-cased) as `variable()` finds it. */
  mentionsVar(l: string, needle: string): boolean {
    if (this.outer && this.parent && (this.parent.variableNodes.has(l) || !this.variableNodes.has(l))) return this.parent.mentionsVar(l, needle);
    return this.memoMention(this.memoFor(needle).v, l, () => {
      const v = this.variableNodes.get(l);
      if (!v) return false;
      if (v.copy) {
        const input = prop(v.copy, 'input');
        return !!input && this.mentionsNode(input, {}, true, needle, 0);
      }
      return this.mentionsNode(v.node, {}, false, needle, 0);
    });
  }

  /** Output `name` (any output when undefined). */
  mentionsOutput(name: string | undefined, needle: string): boolean {
    const l = name === undefined ? undefined : lower(name);
    const index = this.outputIndex();
    if (l !== undefined && !index.has(l)) return false;
    return this.memoMention(this.memoFor(needle).o, l === undefined ? '*' : `=${l}`, () => {
      for (const node of l === undefined ? [...index.values()].flat() : index.get(l)!) {
        const copy = prop(node, 'copy');
        if (copy && copy.type === 'object') {
          const input = prop(copy, 'input');
          if (input && this.mentionsNode(input, {}, true, needle, 0)) return true;
          continue;
        }
        const vn = prop(node, 'value');
        if (vn && this.mentionsNode(vn, {}, false, needle, 0)) return true;
      }
      return false;
    });
  }

  private outputsByName?: Map<string, Node[]>;

  /** The output nodes of this scope by lower-cased name. */
  outputIndex(): Map<string, Node[]> {
    if (!this.outputsByName) {
      this.outputsByName = new Map();
      const outputs = prop(this.templateNode, 'outputs');
      for (const p of outputs?.type === 'object' ? (outputs.children ?? []) : []) {
        const k = p.children?.[0];
        const node = p.children?.[1];
        if (!k || !node || typeof k.value !== 'string') continue;
        const l = lower(k.value);
        const list = this.outputsByName.get(l);
        if (list) list.push(node);
        else this.outputsByName.set(l, [node]);
      }
    }
    return this.outputsByName;
  }

  /** subscription() / resourceGroup() (read by resourceId and friends). */
  mentionsEnv(needle: string): boolean {
    const m = this.memoFor(needle);
    if (m.e === undefined) {
      m.e = true;
      // their text: fixed words, the subscription id and the resource group name
      const fs = this.functionScope();
      m.e =
        needle.includes('/') || // may span the parts of an id
        ENV_WORDS.some((w) => w.includes(needle)) ||
        valueMentions(this.subscriptionId(), needle) ||
        valueMentions(this.resourceGroupName(), needle) ||
        (fs !== this && fs.mentionsEnv(needle));
    }
    return m.e;
  }

  /**
   * `approx`: the node is the input of a copy loop evaluated here without its index (a copy
   * variable, a copied output, a property copy): reference targets are not evaluated then.
   */
  mentionsNode(node: Node, env: Env, approx: boolean, needle: string, depth: number): boolean {
    if (depth > MAX_NODE_DEPTH) return true;
    switch (node.type) {
      case 'string': {
        const s = typeof node.value === 'string' ? node.value : '';
        if (s.length === 0 || s.charCodeAt(0) !== 91 /* [ */ || !isExpression(s)) return mentionsText(s, needle);
        return this.mentionsExpr(s, env, approx, needle);
      }
      case 'array':
        for (const c of node.children ?? []) if (this.mentionsNode(c, env, approx, needle, depth + 1)) return true;
        return false;
      case 'object':
        for (const p of node.children ?? []) {
          const k = p.children?.[0];
          const vn = p.children?.[1];
          if (!k || !vn || typeof k.value !== 'string') continue;
          if (mentionsText(k.value, needle)) return true;
          if (vn.type === 'array' && lower(k.value) === 'copy' && isPropertyCopy(vn)) {
            if (this.mentionsNode(vn, env, true, needle, depth + 1)) return true;
            continue;
          }
          if (this.mentionsNode(vn, env, approx, needle, depth + 1)) return true;
        }
        return false;
      default:
        return false;
    }
  }

  /** An expression string ("[...]"), through its plan (mentionPlan). */
  mentionsExpr(text: string, env: Env, approx: boolean, needle: string): boolean {
    const parsed = parseCached(text);
    if (!parsed.ast) return false; // an opaque 'invalid(...)' Unknown
    return this.mentionsPlan(mentionPlan(parsed.ast), env, approx, needle);
  }

  private mentionsPlan(plan: MentionPlan, env: Env, approx: boolean, needle: string): boolean {
    if (plan.always) return true;
    if (plan.literals.length > 0) {
      const lit = (plan.literalHits ??= new Map());
      let h = lit.get(needle);
      if (h === undefined) lit.set(needle, (h = plan.literals.some((s) => mentionsText(s, needle))));
      if (h) return true;
    }
    for (const l of plan.params) if (this.mentionsParam(l, needle)) return true;
    for (const l of plan.vars) if (this.mentionsVar(l, needle)) return true;
    if (plan.idFunctions && this.mentionsEnv(needle)) return true;
    let ctx: EvalContext | undefined; // one for the evaluations below
    for (const d of plan.dynamic) {
      const name = evaluateAst(d.arg, (ctx ??= this.ctx(env)));
      if (typeof name !== 'string') return true;
      if (d.param ? this.mentionsParam(lower(name), needle) : this.mentionsVar(lower(name), needle)) return true;
    }
    for (const r of plan.refs) if (this.mentionsReference(r.call, env, approx, needle, r.path)) return true;
    // literals combined by functions (and deployment-level functions): evaluated, it is cheap
    for (const e of plan.evals) if (valueMentions(evaluateAst(e, (ctx ??= this.ctx(env))), needle)) return true;
    return false;
  }

  /** reference(target, ...) followed by the property names `path` (possibly empty). */
  private mentionsReference(call: CallNode, env: Env, approx: boolean, needle: string, path: string[]): boolean {
    if (approx) return true;
    if (call.args.length < 1 || call.args.length > 3) return false; // arity error: an opaque Unknown
    // `.outputs.<name>` of whatever the target is: nothing to follow when no candidate may
    // (the 'Full' form has no `outputs`), without evaluating the target
    if (path.length >= 2 && lower(path[0]) === 'outputs' && !this.t.outputsMayMention(path[1], needle)) return false;
    // resourceId('ns/type', ...) names a resource whose type starts with 'ns/type': when none of
    // those may hold such text (judged without evaluating), nothing to follow
    // (names holding '/' would shift the type's later segments, never its first two; the id
    // starts with '/', so only a symbolic or loop name starting with '/' could take it otherwise)
    const st = staticIdType(call.args[0]);
    if (st !== undefined && !this.hasSlashLocalNames()) {
      const pool = this.t.resourcesWithTypePrefix(st);
      if (!pool.some((r) => r.referenceMentions(call.args.length >= 3, path, needle, true))) return false;
    }
    const target = evaluateAst(call.args[0], this.ctx(env));
    if (target === null || (typeof target !== 'string' && !isUnknown(target))) return false;
    const r = this.t.target(this, target);
    if (!r) return false; // outside the template: an opaque Unknown
    return r.referenceMentions(call.args.length >= 3, path, needle);
  }

  /** A symbolic or copy-loop name of this scope starts with '/' (findLocal could take an id for it). */
  private hasSlashLocalNames(): boolean {
    for (const k of this.bySymbol.keys()) if (k.startsWith('/')) return true;
    for (const k of this.byLoop.keys()) if (k.startsWith('/')) return true;
    return false;
  }

  /** `copy: [{ name, count, input }]` inside an object → obj[name] = array. */
  private propertyCopy(obj: ValueObject, spec: Node, env: Env, depth: number): void {
    const nameV = spec.type === 'object' ? this.evalNode(prop(spec, 'name') ?? spec, env, depth + 1) : null;
    if (typeof nameV !== 'string') return;
    const inputNode = prop(spec, 'input');
    const countNode = prop(spec, 'count');
    const via = `built by the copy loop '${nameV}'${countNode ? ` over ${describeCount(countNode)}` : ''}`;
    const origin: Origin = { file: this.file.file, node: spec, literal: false, via };
    const count = countNode ? this.evalNode(countNode, env, depth + 1) : 0;
    const n = this.t.copyCount(count, nameV, spec, this.file.file);
    let arr: Value;
    if (n === undefined || !inputNode) {
      arr = new Unknown(
        `${this.keyPrefix}copy(${nameV},${keyOf(count)})`,
        `the number of '${nameV}' entries is not known (${isUnknown(count) ? count.reason : 'count is not a number'})`,
      );
    } else {
      const out: Value[] = [];
      for (let i = 0; i < n; i++) {
        out.push(this.evalNode(inputNode, { ...env, copy: new CopyEnv(env.copy, lower(nameV), i, false), via }, depth + 1));
      }
      this.t.setOrigin(out, origin);
      arr = out;
    }
    setProp(obj, nameV, arr);
    this.t.setKeyOrigin(obj, nameV, origin);
  }

  /** Runs a memoized computation with the global depth guard. */
  guarded(what: string, f: () => Value): Value {
    const t = this.t;
    if (t.evalDepth >= MAX_EVAL_DEPTH) {
      return new Unknown(`${this.keyPrefix}too-deep(${what})`, `evaluation of ${what} nests too deeply`);
    }
    t.evalDepth++;
    try {
      return f();
    } catch (e) {
      return new Unknown(`${this.keyPrefix}error(${what})`, `${what} could not be evaluated: ${(e as Error)?.message ?? e}`);
    } finally {
      t.evalDepth--;
    }
  }

  hasParameter(name: string): boolean {
    return this.parameters.has(lower(name));
  }

  param(name: string): Value {
    if (typeof name !== 'string') return new Unknown('parameters(?)', 'invalid parameter name');
    if (this.outer && this.parent && (this.parent.hasParameter(name) || !this.hasParameter(name))) {
      return this.parent.param(name);
    }
    const l = lower(name);
    const ready = this.paramMemo.peek(l);
    if (ready !== NOT_READY) return ready;
    return this.paramMemo.get(
      l,
      () =>
        this.guarded(`parameter '${name}'`, () => {
          const decl = this.parameters.get(l);
          if (!decl) return new Unknown(`${this.keyPrefix}parameters('${name}')`, `parameter '${name}' is not declared`);
          const sup = decl.supplied;
          if (sup) return sup.value;
          if (decl.defaultValueNode) return this.evalNode(decl.defaultValueNode, {}, 0);
          // languageVersion 2.0: a nullable parameter that the parent deployment does not pass is null
          if (this.parent && !this.outer && (decl as ParamDeclImpl).nullable) return null;
          return new Unknown(
            `${this.keyPrefix}parameters('${decl.name}')`,
            `parameter '${decl.name}' has no value`,
            decl.allowedValues && decl.allowedValues.length > 0 ? decl.allowedValues : undefined,
          );
        }),
      () => new Unknown(`${this.keyPrefix}parameters('${name}')`, `parameter '${name}' depends on itself`),
    );
  }

  hasVariable(name: string): boolean {
    return this.variableNodes.has(lower(name));
  }

  variable(name: string, _env: Env): Value {
    if (typeof name !== 'string') return new Unknown('variables(?)', 'invalid variable name');
    if (this.outer && this.parent && (this.parent.hasVariable(name) || !this.hasVariable(name))) {
      return this.parent.variable(name, _env);
    }
    const l = lower(name);
    const ready = this.varMemo.peek(l);
    if (ready !== NOT_READY) return ready;
    return this.varMemo.get(
      l,
      () =>
        this.guarded(`variable '${name}'`, () => {
          const v = this.variableNodes.get(l);
          if (!v) return new Unknown(`${this.keyPrefix}variables('${name}')`, `variable '${name}' is not declared`);
          if (v.copy) return this.copyVariable(v.name, v.copy);
          return this.evalNode(v.node, {}, 0);
        }),
      () => {
        const chain = this.varMemo.busyKeys();
        return new Unknown(
          `${this.keyPrefix}cycle(variables('${name}'))`,
          `variable '${name}' depends on itself (${[...chain, l].join(' → ')})`,
        );
      },
    );
  }

  private copyVariable(name: string, spec: Node): Value {
    const countNode = prop(spec, 'count');
    const inputNode = prop(spec, 'input');
    const count = countNode ? this.evalNode(countNode, {}, 0) : 0;
    const n = this.t.copyCount(count, name, spec, this.file.file);
    if (n === undefined || !inputNode) {
      return new Unknown(`${this.keyPrefix}variables('${name}')`, `the number of '${name}' entries is not known`);
    }
    const via = `built by the copy variable '${name}'`;
    const out: Value[] = [];
    for (let i = 0; i < n; i++) {
      out.push(this.evalNode(inputNode, { copy: new CopyEnv(undefined, lower(name), i, false), via }, 0));
    }
    this.t.setOrigin(out, { file: this.file.file, node: spec, literal: false, via });
    return out;
  }

  userFunction(namespace: string, name: string): UserFunction | undefined {
    const f = this.functionNodes.get(lower(`${namespace}.${name}`));
    if (!f) return this.outer && this.parent ? this.parent.userFunction(namespace, name) : undefined;
    const paramNames = items(prop(f.node, 'parameters')).map((p) => str(prop(p, 'name')) ?? '');
    const outputNode = prop(prop(f.node, 'output'), 'value');
    return {
      parameters: paramNames,
      invoke: (args: Value[]): Value =>
        this.guarded(`function '${f.name}'`, () => {
          if (!outputNode) return new Unknown(`${this.keyPrefix}${f.name}()`, `function '${f.name}' has no output`);
          const fnArgs = new Map<string, Value>();
          paramNames.forEach((p, i) => fnArgs.set(lower(p), i < args.length ? args[i] : null));
          return this.evalNode(outputNode, { fnArgs, via: `computed by the function '${f.name}'` }, 0);
        }),
    };
  }

  output(name: string): Value {
    const l = lower(name);
    return this.outputMemo.get(
      l,
      () =>
        this.guarded(`output '${name}'`, () => {
          let node: Node | undefined;
          for (const [k, v] of entries(prop(this.templateNode, 'outputs'))) if (lower(k) === l) node = v;
          if (!node) return new Unknown(`${this.keyPrefix}outputs('${name}')`, `output '${name}' is not declared`);
          const copy = prop(node, 'copy');
          if (copy && copy.type === 'object') {
            const count = this.evalNode(prop(copy, 'count') ?? copy, {}, 0);
            const n = this.t.copyCount(count, name, copy, this.file.file);
            const input = prop(copy, 'input');
            if (n === undefined || !input) return new Unknown(`${this.keyPrefix}outputs('${name}')`, `output '${name}' has an unknown count`);
            const out: Value[] = [];
            for (let i = 0; i < n; i++) out.push(this.evalNode(input, { copy: new CopyEnv(undefined, undefined, i, true) }, 0));
            return out;
          }
          const vn = prop(node, 'value');
          return vn ? this.evalNode(vn, {}, 0) : null;
        }),
      () => new Unknown(`${this.keyPrefix}cycle(outputs('${name}'))`, `output '${name}' depends on itself`),
    );
  }

  outputNames(): string[] {
    return entries(prop(this.templateNode, 'outputs')).map(([k]) => k);
  }

  /** `outputs` of this scope as an object whose members evaluate lazily. */
  private outputsObj?: ValueObject;
  outputsObject(): ValueObject {
    // one object per scope (its members evaluate lazily and are memoized; values are never mutated)
    if (this.outputsObj) return this.outputsObj;
    const out: ValueObject = {};
    this.outputsObj = out;
    for (const [k, node] of entries(prop(this.templateNode, 'outputs'))) {
      const type = str(prop(node, 'type')) ?? 'object';
      let entry: ValueObject | undefined;
      Object.defineProperty(out, k, {
        enumerable: true,
        configurable: true,
        get: () => {
          if (!entry) {
            entry = { type };
            const o = entry;
            Object.defineProperty(o, 'value', { enumerable: true, configurable: true, get: () => this.output(k) });
          }
          return entry;
        },
      });
    }
    return out;
  }

  // -- deployment-scope functions -----------------------------------------------------------

  subscriptionId(): Value {
    return this.subIdCell.get(
      this.t,
      () => {
        const dep = this.deployment;
        if (dep && dep.rawMember('subscriptionId') !== undefined) return dep.member('subscriptionId');
        if (this.parent) return this.parent.subscriptionId();
        return new Unknown('subscription().subscriptionId', 'the deployment subscription is not known statically');
      },
      () => new Unknown(`${this.keyPrefix}cycle(subscription())`, 'the subscription of the deployment depends on itself'),
    );
  }

  resourceGroupName(): Value {
    return this.rgNameCell.get(
      this.t,
      () => {
        const dep = this.deployment;
        if (dep && dep.rawMember('resourceGroup') !== undefined) return dep.member('resourceGroup');
        if (this.parent) return this.parent.resourceGroupName();
        return new Unknown('resourceGroup().name', 'the deployment resource group is not known statically');
      },
      () => new Unknown(`${this.keyPrefix}cycle(resourceGroup())`, 'the resource group of the deployment depends on itself'),
    );
  }

  /**
   * The scope whose deployment subscription(), resourceGroup() and resourceId() answer for: a
   * nested template with 'outer' evaluation resolves them to the parent deployment's (ARM:
   * "Set the property to `outer` to resolve to the scope of the parent template",
   * cross-scope-deployment#how-functions-resolve-in-scopes), although its own resources are
   * deployed to its target; inner and linked templates answer for themselves.
   */
  functionScope(): ScopeImpl {
    let s: ScopeImpl = this;
    while (s.outer && s.parent) s = s.parent;
    return s;
  }

  subscription(): Value {
    if (this.outer && this.parent) return this.functionScope().subscription();
    return this.subObjCell.get(
      this.t,
      () => {
        if (this.parent && this.deployment?.rawMember('subscriptionId') === undefined) return this.parent.subscription();
        const sid = asNameValue(this.subscriptionId(), 'the subscription id');
        const k = this.parent ? `subscription(${keyOf(sid)})` : 'subscription()';
        return {
          id: symbolicConcat(['/subscriptions/', sid]),
          subscriptionId: sid,
          tenantId: new Unknown(`${k}.tenantId`, 'the tenant is not known statically'),
          displayName: new Unknown(`${k}.displayName`, 'the subscription name is not known statically'),
        };
      },
      () => new Unknown(`${this.keyPrefix}cycle(subscription())`, 'the subscription of the deployment depends on itself'),
    );
  }

  resourceGroup(): Value {
    if (this.outer && this.parent) return this.functionScope().resourceGroup();
    return this.rgObjCell.get(
      this.t,
      () => {
        const dep = this.deployment;
        const inherited = this.parent && dep?.rawMember('resourceGroup') === undefined && dep?.rawMember('subscriptionId') === undefined;
        if (inherited && this.parent) return this.parent.resourceGroup();
        const sid = asNameValue(this.subscriptionId(), 'the subscription id');
        const rg = asNameValue(this.resourceGroupName(), 'the resource group name');
        const k = this.parent ? `resourceGroup(${keyOf(rg)})` : 'resourceGroup()';
        return {
          id: symbolicConcat(['/subscriptions/', sid, '/resourceGroups/', rg]),
          name: rg,
          type: 'Microsoft.Resources/resourceGroups',
          location: new Unknown(`${k}.location`, 'the resource group location is not known statically'),
          managedBy: new Unknown(`${k}.managedBy`, 'not known statically'),
          tags: new Unknown(`${k}.tags`, 'the resource group tags are not known statically'),
          properties: { provisioningState: 'Succeeded' },
        };
      },
      () => new Unknown(`${this.keyPrefix}cycle(resourceGroup())`, 'the resource group of the deployment depends on itself'),
    );
  }

  /** Prefix of resource ids in this scope ("/subscriptions/{s}/resourceGroups/{rg}"). */
  idPrefix(sub?: Value, rg?: Value): StringPart[] {
    if (this.level === 'resourceGroup' || rg !== undefined) {
      return [
        '/subscriptions/',
        asNameValue(sub ?? this.subscriptionId(), 'the subscription id'),
        '/resourceGroups/',
        asNameValue(rg ?? this.resourceGroupName(), 'the resource group name'),
      ];
    }
    if (this.level === 'subscription' || sub !== undefined) {
      return ['/subscriptions/', asNameValue(sub ?? this.subscriptionId(), 'the subscription id')];
    }
    return [];
  }

  deploymentObject(): Value {
    const dep = this.deployment;
    if (!dep) {
      return {
        name: new Unknown('deployment().name', 'the deployment name is not known statically'),
        properties: { templateLink: new Unknown('deployment().properties.templateLink', 'not known statically') },
        location: new Unknown('deployment().location', 'not known statically'),
      };
    }
    return { name: dep.name, properties: { templateLink: dep.templateLinkValue() } };
  }

  /** Symbolic-name or name lookup local to this scope (for reference(), dependsOn). */
  findLocal(v: Value): ResourceImpl[] | undefined {
    if (typeof v !== 'string') return undefined;
    const bySym = this.bySymbol.get(v) ?? this.bySymbolLower.get(lower(v));
    if (bySym) return bySym;
    const m = /^(.*)\[(\d+)\]$/.exec(v);
    if (m) {
      const all = this.bySymbol.get(m[1]) ?? this.bySymbolLower.get(lower(m[1]));
      const r = all?.[Number(m[2])];
      if (r) return [r];
    }
    const loop = this.byLoop.get(lower(v));
    if (loop) return loop;
    return undefined;
  }
}

/** "from parameter 'x'" for `[parameters('x')]`, else "produced by the expression …". */
function describeExpression(s: string): string {
  const m = /^\[\s*(parameters|variables)\s*\(\s*'([^']*)'\s*\)\s*\]$/i.exec(s);
  if (m) return `from ${lower(m[1]) === 'parameters' ? 'parameter' : 'variable'} '${m[2]}'`;
  return `produced by the expression ${shortText(s)}`;
}

function describeCount(node: Node): string {
  const s = str(node);
  if (s !== undefined) {
    const m = /parameters\('([^']+)'\)/i.exec(s) ?? /variables\('([^']+)'\)/i.exec(s);
    if (m) return `${/^\[?\s*length/i.test(s) || s.includes('length(') ? '' : ''}${/parameters/i.test(m[0]) ? 'parameter' : 'variable'} '${m[1]}'`;
    return shortText(s, 60);
  }
  return String(node.value);
}

/**
 * An object node with no `copy` member (any case) and no key written twice (exactly or in
 * another case): its value is one member per key, so members may be evaluated one by one.
 */
function isPlainObjectNode(node: Node): boolean {
  if (node.type !== 'object') return false;
  const seen = new Set<string>();
  for (const p of node.children ?? []) {
    const k = p.children?.[0]?.value;
    if (typeof k !== 'string') continue;
    const l = lower(k);
    if (l === 'copy' || seen.has(l)) return false;
    seen.add(l);
  }
  return true;
}

function isPropertyCopy(node: Node): boolean {
  const els = items(node);
  return els.length > 0 && els.every((e) => e.type === 'object' && prop(e, 'name') !== undefined && prop(e, 'input') !== undefined);
}

// ---------------------------------------------------------------------------------------------
// helpers of the mention analysis

/** Functions that read the deployment's subscription / resource group / management group. */
const ID_FUNCTIONS = new Set(['resourceid', 'subscriptionresourceid', 'managementgroupresourceid']);
/** Functions whose value comes from elsewhere in the template (followed, never evaluated whole). */
const OPEN_FUNCTIONS = new Set(['parameters', 'variables', 'reference', 'lambda', 'lambdavariables']);
/** Functions whose value has text its argument does not show (decoders): not followed. */
const DECODING_FUNCTIONS = new Set(['base64tostring', 'base64tojson', 'datauritostring', 'uricomponenttostring']);

function mentionsText(s: string, needle: string): boolean {
  return s.length >= needle.length && s.toLowerCase().includes(needle);
}

/** Strings and object keys of a value (parts and candidates of unknowns included). */
function valueMentions(v: Value, needle: string, depth = 0): boolean {
  if (typeof v === 'string') return mentionsText(v, needle);
  if (v === null || typeof v !== 'object') return false;
  if (depth > 64) return true;
  if (v instanceof Unknown) {
    if (v.parts) for (const p of v.parts) if (valueMentions(p, needle, depth + 1)) return true;
    if (v.candidates) for (const c of v.candidates) if (valueMentions(c, needle, depth + 1)) return true;
    return false;
  }
  if (Array.isArray(v)) {
    for (const x of v) if (valueMentions(x, needle, depth + 1)) return true;
    return false;
  }
  for (const k of Object.keys(v)) if (mentionsText(k, needle) || valueMentions(v[k], needle, depth + 1)) return true;
  return false;
}

const closedCache = new WeakMap<ExprNode, 0 | 1 | 2>();

/**
 * 0: the expression reads parameters, variables, reference() or user functions; 1: literals
 * only; 2: literals and other functions (cheap to evaluate).
 */
function closedKind(n: ExprNode): 0 | 1 | 2 {
  const c = closedCache.get(n);
  if (c !== undefined) return c;
  let r: 0 | 1 | 2;
  switch (n.kind) {
    case 'string':
    case 'number':
    case 'keyword':
      r = 1;
      break;
    case 'property':
      r = closedKind(n.object);
      break;
    case 'index': {
      const a = closedKind(n.object);
      const b = closedKind(n.index);
      r = a === 0 || b === 0 ? 0 : a === 2 || b === 2 ? 2 : 1;
      break;
    }
    case 'call': {
      if (n.namespace !== undefined || OPEN_FUNCTIONS.has(lower(n.name))) {
        r = 0;
        break;
      }
      r = 2;
      for (const a of n.args) {
        if (closedKind(a) === 0) {
          r = 0;
          break;
        }
      }
      break;
    }
    default:
      r = 0;
  }
  closedCache.set(n, r);
  return r;
}

/** Answers (true/false), or the depth of a computation still running (see TemplateImpl.memoMention). */
type MentionMap = Map<string, boolean | number>;

interface MentionMemo {
  p: MentionMap;
  v: MentionMap;
  o: MentionMap;
  e?: boolean;
}

/**
 * What an expression's value may take text from, independent of scope and needle (cached on the
 * parsed expression, which the evaluator's parse cache keeps across analyses).
 */
interface MentionPlan {
  /** A user function, a decoder over a value from elsewhere, a parameter or variable name that is not a cheap expression. */
  always: boolean;
  /** String literals of the parts evaluated by builtin functions only. */
  literals: string[];
  literalHits?: Map<string, boolean>;
  params: string[];
  vars: string[];
  /** parameters(x) / variables(x) with a computed name. */
  dynamic: { param: boolean; arg: ExprNode }[];
  refs: { call: CallNode; path: string[] }[];
  /** A resourceId-like function reads the deployment's subscription / resource group. */
  idFunctions: boolean;
  /** Parts made of literals and builtin functions, evaluated. */
  evals: ExprNode[];
}

const planCache = new WeakMap<ExprNode, MentionPlan>();

function mentionPlan(root: ExprNode): MentionPlan {
  let plan = planCache.get(root);
  if (plan) return plan;
  const pl: MentionPlan = { always: false, literals: [], params: [], vars: [], dynamic: [], refs: [], idFunctions: false, evals: [] };
  const lits = (n: ExprNode): void => {
    switch (n.kind) {
      case 'string':
        pl.literals.push(n.value);
        return;
      case 'property':
        lits(n.object);
        return;
      case 'index':
        lits(n.object);
        lits(n.index);
        return;
      case 'call':
        for (const a of n.args) lits(a);
        return;
      default:
        return;
    }
  };
  const visit = (n: ExprNode): void => {
    if (pl.always) return;
    const closed = closedKind(n);
    if (closed !== 0) {
      lits(n);
      if (closed === 2) pl.evals.push(n);
      return;
    }
    switch (n.kind) {
      case 'property': {
        const o = n.object;
        if (isReferenceCall(o)) pl.refs.push({ call: o, path: [n.property] });
        else if (o.kind === 'property' && isReferenceCall(o.object)) pl.refs.push({ call: o.object, path: [o.property, n.property] });
        else visit(o);
        return;
      }
      case 'index':
        // the element of a value: its text comes from the value
        visit(n.object);
        return;
      case 'call': {
        if (n.namespace !== undefined) {
          pl.always = true; // user functions: not followed
          return;
        }
        const l = lower(n.name);
        if (l === 'parameters' || l === 'variables') {
          const a = n.args[0];
          if (n.args.length !== 1) pl.always = true;
          else if (a.kind === 'string') (l === 'parameters' ? pl.params : pl.vars).push(lower(a.value));
          else if (closedKind(a) !== 0) pl.dynamic.push({ param: l === 'parameters', arg: a });
          else pl.always = true;
          return;
        }
        if (l === 'reference') {
          pl.refs.push({ call: n, path: [] });
          return;
        }
        if (l === 'lambdavariables') return; // bound to elements of the enclosing call's arguments
        if (DECODING_FUNCTIONS.has(l)) {
          pl.always = true;
          return;
        }
        if (ID_FUNCTIONS.has(l)) pl.idFunctions = true;
        for (const a of n.args) visit(a);
        return;
      }
      default:
        return;
    }
  };
  visit(root);
  plan = pl;
  planCache.set(root, plan);
  return plan;
}

/** Fixed text of subscription() and resourceGroup() (keys and literal values), lower-cased. */
const ENV_WORDS = [
  'id', 'subscriptionid', 'tenantid', 'displayname', 'name', 'type', 'location', 'managedby', 'tags', 'properties', 'provisioningstate',
  '/subscriptions/', '/resourcegroups/', 'microsoft.resources/resourcegroups', 'succeeded',
];

/** Arguments that may come before the type, per id function (functions.ts splitIdArgs). */
const ID_TYPE_POSITION = new Map([
  ['resourceid', 2],
  ['subscriptionresourceid', 1],
  ['tenantresourceid', 0],
]);

/**
 * The resource type of `resourceId(...)`, `subscriptionResourceId(...)`, `tenantResourceId(...)`
 * when it is written literally (the first argument with a '/' among the leading literals, as
 * splitIdArgs picks it); undefined otherwise.
 */
function staticIdType(n: ExprNode): string | undefined {
  if (n.kind !== 'call' || n.namespace !== undefined) return undefined;
  const maxPrefix = ID_TYPE_POSITION.get(lower(n.name));
  if (maxPrefix === undefined) return undefined;
  for (let i = 0; i <= Math.min(maxPrefix, n.args.length - 1); i++) {
    const a = n.args[i];
    if (a.kind !== 'string') return undefined; // may evaluate to a string with '/'
    if (a.value.includes('/')) {
      const segs = a.value.split('/').filter((s) => s !== '');
      return segs.length >= 2 ? segs.join('/') : undefined;
    }
  }
  return undefined;
}

function isReferenceCall(n: ExprNode): n is CallNode {
  return n.kind === 'call' && n.namespace === undefined && lower(n.name) === 'reference';
}

// ---------------------------------------------------------------------------------------------

class Ctx implements EvalContext {
  constructor(
    private readonly scope: ScopeImpl,
    private readonly env: Env,
  ) {}
  parameter(name: string): Value {
    if (this.env.fnArgs) {
      const v = this.env.fnArgs.get(lower(String(name)));
      return v !== undefined ? v : new Unknown(`fnparam(${name})`, `'${name}' is not a parameter of the function`);
    }
    return this.scope.param(name);
  }
  variable(name: string): Value {
    if (this.env.fnArgs) return new Unknown(`variables('${name}')`, 'user functions cannot use variables');
    return this.scope.variable(name, this.env);
  }
  userFunction(namespace: string, name: string): UserFunction | undefined {
    return this.scope.userFunction(namespace, name);
  }
  copyIndex(loopName?: string): Value {
    const e = this.env.copy;
    const v = e?.lookup(loopName);
    if (v !== undefined) return v;
    return new Unknown(
      `${this.scope.keyPrefix}copyIndex(${loopName ? `'${loopName}'` : ''})`,
      loopName ? `copyIndex('${loopName}') is used outside that loop` : 'copyIndex() is used outside a copy loop',
    );
  }
  reference(target: Value, full: boolean): Value {
    if (this.env.fnArgs) return new Unknown(`reference(${keyOf(target)})`, 'user functions cannot use reference()');
    return this.scope.t.reference(this.scope, target, full);
  }
  resourceInfo(symbolicName: string): Value {
    return this.scope.t.resourceInfo(this.scope, symbolicName);
  }
  subscription(): Value {
    return this.scope.subscription();
  }
  resourceGroup(): Value {
    return this.scope.resourceGroup();
  }
  deploymentLevel(): Level {
    return this.scope.functionScope().level;
  }
  deployment(): Value {
    return this.scope.deploymentObject();
  }
  managementGroup(): Value {
    return {
      id: new Unknown('managementGroup().id', 'the management group is not known statically'),
      name: new Unknown('managementGroup().name', 'the management group is not known statically'),
      type: 'Microsoft.Management/managementGroups',
      properties: new Unknown('managementGroup().properties', 'not known statically'),
    };
  }
  tenant(): Value {
    return {
      tenantId: new Unknown('tenant().tenantId', 'the tenant is not known statically'),
      displayName: new Unknown('tenant().displayName', 'not known statically'),
      countryCode: new Unknown('tenant().countryCode', 'not known statically'),
    };
  }
  environment(): Value {
    return new Unknown('environment()', 'the Azure cloud environment is not known statically');
  }
}

// ---------------------------------------------------------------------------------------------

class ResourceImpl implements Resource {
  scope: ScopeImpl;
  node: Node;
  symbolicName?: string;
  type: string;
  /** `type` lower-cased (types compare case-insensitively). */
  readonly typeLower: string;
  apiVersion?: string;
  existing: boolean;
  copyIndex?: number;
  copyCountUnknown?: boolean;
  inline?: boolean;
  /** The explicit parent of a nested child resource or an inline subnet. */
  explicitParent?: ResourceImpl;
  readonly env: Env;
  /** Scope of a nested / linked deployment's template. */
  innerScope?: ScopeImpl;
  /** Why a deployment has no inner scope (templateLink.uri, unreadable file, cycle). */
  innerUnavailable?: string;
  /** Inline subnet pseudo-resource: its name segment, properties and element. */
  inlineData?: { name: Value; element: ValueObject };
  order = 0;
  /** Document-order key: the deploying resource's key, then offset and copy index. */
  orderKey: number[] = [];
  private readonly nameCell = new Cell<Value>();
  private readonly idCell = new Cell<Value>();
  private readonly conditionCell = new Cell<Value>();
  private readonly propsCell = new Cell<Value>();
  private readonly parentCell = new Cell<ResourceImpl | undefined>();
  private _deps?: ResourceImpl[];
  private _segments?: Value[];
  /** Memo of member(name) by lower-cased name, created on first use. */
  private members?: Map<string, Cell<Value>>;

  constructor(
    readonly t: TemplateImpl,
    scope: ScopeImpl,
    node: Node,
    type: string,
    env: Env,
    extra: Partial<Pick<ResourceImpl, 'symbolicName' | 'copyIndex' | 'copyCountUnknown' | 'inline' | 'explicitParent' | 'inlineData'>> = {},
  ) {
    this.scope = scope;
    this.node = node;
    this.type = type;
    this.typeLower = lower(type);
    this.env = env;
    // field by field (Object.assign is a generic copy, a tenth of building the resource list)
    if (extra.symbolicName !== undefined) this.symbolicName = extra.symbolicName;
    if (extra.copyIndex !== undefined) this.copyIndex = extra.copyIndex;
    if (extra.copyCountUnknown !== undefined) this.copyCountUnknown = extra.copyCountUnknown;
    if (extra.inline !== undefined) this.inline = extra.inline;
    if (extra.explicitParent !== undefined) this.explicitParent = extra.explicitParent;
    if (extra.inlineData !== undefined) this.inlineData = extra.inlineData;
    this.apiVersion = extra.inlineData ? extra.explicitParent?.apiVersion : str(prop(node, 'apiVersion'));
    const ex = extra.inlineData ? undefined : prop(node, 'existing');
    this.existing = !!ex && ex.type === 'boolean' && ex.value === true;
  }

  private cycle(what: string): Unknown {
    return new Unknown(`${this.scope.keyPrefix}cycle(${what} of ${this.type})`, `the ${what} of this ${this.type} resource depends on itself`);
  }

  get name(): Value {
    const ready = this.nameCell.peek();
    if (ready !== NOT_READY) return ready;
    return this.nameCell.get(
      this.t,
      () => {
        if (this.inlineData) {
          const p = this.explicitParent!;
          return symbolicConcat([asNameValue(p.name, 'the VNet name'), '/', asNameValue(this.inlineData.name, 'the subnet name')]);
        }
        const nn = prop(this.node, 'name');
        const own = nn ? this.evalMember(nn) : new Unknown(`${this.scope.keyPrefix}noname`, 'the resource has no name');
        const p = this.explicitParent;
        if (p && this.composedFromParent) {
          return symbolicConcat([asNameValue(p.name, 'the parent name'), '/', asNameValue(own, 'the resource name')]);
        }
        return asNameValue(own, 'the resource name');
      },
      () => this.cycle('name'),
    );
  }
  set name(_v: Value) {
    /* computed */
  }

  /** True when type and name of this nested child were composed from the parent's. */
  composedFromParent = false;

  private _namePrefix?: string;

  /**
   * Lower-cased text that every value this resource's name can take starts with, read from the
   * name as written, without evaluating it: a literal name whole, the literal head of `format()`
   * (up to its first placeholder) or of `concat()`; '' when nothing is known. A name evaluated
   * to a string or a symbolic string starts with it; so an id whose name starts otherwise cannot
   * name this resource (see `resolveParsed`).
   */
  namePrefix(): string {
    if (this._namePrefix !== undefined) return this._namePrefix;
    let p = '';
    if (!this.inlineData && !(this.explicitParent && this.composedFromParent)) {
      const nn = prop(this.node, 'name');
      if (nn && nn.type === 'string' && typeof nn.value === 'string') p = literalHead(nn.value).toLowerCase();
    }
    return (this._namePrefix = p);
  }

  nameSegments(): Value[] {
    if (this._segments) return this._segments;
    const segs = nameSegments(this.name);
    if (this.nameCell.done) this._segments = segs;
    return segs;
  }

  subscriptionIdValue(): Value {
    return this.rawMember('subscriptionId') !== undefined ? this.member('subscriptionId') : this.scope.subscriptionId();
  }
  resourceGroupValue(): Value | undefined {
    if (this.rawMember('resourceGroup') !== undefined) {
      const v = this.member('resourceGroup');
      return v === null ? new Unknown('invalid-rg', 'the resource group is null') : v;
    }
    if (this.scope.level !== 'resourceGroup') return undefined;
    return this.scope.resourceGroupName();
  }

  private _isDeployment?: boolean;
  isDeployment(): boolean {
    return (this._isDeployment ??= this.typeLower === DEPLOYMENTS);
  }

  get id(): Value {
    const ready = this.idCell.peek();
    if (ready !== NOT_READY) return ready;
    return this.idCell.get(this.t, () => this.computeId(), () => this.cycle('id'));
  }
  set id(_v: Value) {
    /* computed */
  }

  private computeId(): Value {
    const scopeNode = this.inlineData ? undefined : prop(this.node, 'scope');
    if (scopeNode) {
      let sv = this.evalMember(scopeNode);
      if (typeof sv === 'string' && !sv.startsWith('/')) {
        const r = this.t.resolveIn(sv, this.scope);
        if (r.kind === 'resource') sv = r.resource.id;
      }
      if (typeof sv === 'string' || isUnknown(sv)) {
        const prefix: StringPart[] = typeof sv === 'string' && !sv.startsWith('/') ? [...this.scope.idPrefix(), '/providers/', sv] : [sv];
        return composeId(prefix, this.type, this.nameSegments());
      }
    }
    const subOwn = this.rawMember('subscriptionId') !== undefined ? this.member('subscriptionId') : undefined;
    const rgOwn = this.rawMember('resourceGroup') !== undefined ? this.member('resourceGroup') : undefined;
    return composeId(this.scope.idPrefix(subOwn, rgOwn), this.type, this.nameSegments());
  }

  get parent(): Resource | undefined {
    if (this.explicitParent) return this.explicitParent;
    const ready = this.parentCell.peek();
    if (ready !== NOT_READY) return ready;
    return this.parentCell.get(this.t, () => this.t.findParent(this), () => undefined);
  }
  set parent(_v: Resource | undefined) {
    /* read-only in practice */
  }

  get condition(): Value {
    const ready = this.conditionCell.peek();
    if (ready !== NOT_READY) return ready;
    return this.conditionCell.get(
      this.t,
      () => {
        let v: Value = true;
        const cn = this.inlineData ? undefined : prop(this.node, 'condition');
        if (cn) v = this.evalMember(cn);
        const p = this.explicitParent;
        if (v === true && p) v = p.condition;
        return v;
      },
      () => this.cycle('condition'),
    );
  }
  set condition(_v: Value) {
    /* computed */
  }

  private evalMember(node: Node): Value {
    return this.scope.guarded('a resource member', () => this.scope.evalNode(node, this.env, 0));
  }

  private readonly raw = new Map<string, Node | undefined>();
  rawMember(name: string): Node | undefined {
    if (this.inlineData) return undefined;
    const l = lower(name);
    if (this.raw.has(l)) return this.raw.get(l);
    const n = prop(this.node, name);
    this.raw.set(l, n);
    return n;
  }

  member(name: string): Value {
    const l = lower(name);
    if (l === 'properties') return this.propsValue();
    const members = (this.members ??= new Map());
    let c = members.get(l);
    if (!c) members.set(l, (c = new Cell<Value>()));
    else {
      const ready = c.peek();
      if (ready !== NOT_READY) return ready;
    }
    return c.get(
      this.t,
      () => {
        if (this.inlineData) {
          if (l === 'name') return this.inlineData.name;
          const el = this.inlineData.element;
          const key = Object.keys(el).find((k) => lower(k) === l);
          return key !== undefined ? el[key] : null;
        }
        const n = this.rawMember(name);
        return n ? this.evalMember(n) : null;
      },
      () => this.cycle(`member '${name}'`),
    );
  }

  location(): Value {
    if (this.inlineData) return this.explicitParent!.location();
    return this.member('location');
  }

  sku(): Value {
    return this.member('sku');
  }

  propsValue(): Value {
    const ready = this.propsCell.peek();
    if (ready !== NOT_READY) return ready;
    return this.propsCell.get(this.t, () => this.computeProps(), () => this.cycle('properties'));
  }

  private computeProps(): Value {
    if (this.inlineData) {
      const p = Object.keys(this.inlineData.element).find((k) => lower(k) === 'properties');
      return p !== undefined ? this.inlineData.element[p] : {};
    }
    const pn = prop(this.node, 'properties');
    if (pn && pn.type === 'object' && this.isDeployment()) {
      // The inline template is not evaluated in this scope (its expressions belong to the
      // inner scope): it is exposed lazily as literal JSON.
      const o: ValueObject = {};
      this.t.setOrigin(o, { file: this.scope.file.file, node: pn, literal: true });
      for (const [k, n] of entries(pn)) {
        if (lower(k) === 'template') {
          let cached: Value | undefined;
          Object.defineProperty(o, k, {
            enumerable: true,
            configurable: true,
            get: () => (cached === undefined ? (cached = literalValue(n)) : cached),
          });
        } else {
          setProp(o, k, this.evalMember(n));
        }
      }
      return o;
    }
    if (pn && this.typeLower === VNETS) return this.scope.guarded('a resource member', () => this.scope.evalVnetProperties(pn, this.env));
    return pn ? this.evalMember(pn) : {};
  }

  partialProperties(needle: string, choose: (key: string) => 'skip' | 'whole' | 'filter'): ValueObject {
    if (this.inlineData || this.propsCell.done) return this.properties();
    const pn = prop(this.node, 'properties');
    if (!pn || (pn.type === 'object' && this.isDeployment())) return this.properties();
    if (pn.type !== 'object') {
      // a whole-`properties` expression: evaluated only when its value may matter
      if (pn.type === 'string' && !this.scope.mentionsNode(pn, this.env, false, lower(needle), 0)) return {};
      return this.properties();
    }
    const v = this.scope.guarded('a resource member', () => this.scope.evalFiltered(pn, this.env, 0, lower(needle), choose));
    return isObject(v) ? v : {};
  }

  /**
   * Where `reference(this).outputs` of a resource that is no deployment comes from: nothing, the
   * whole `properties` (inline data, a computed `properties`, a property copy loop), or literal
   * `outputs` members (any case).
   */
  private outputsSource(): 'none' | 'inline' | 'properties' | Node[] {
    if (this.inlineData) return 'inline';
    const pn = prop(this.node, 'properties');
    if (!pn) return 'none';
    if (pn.type !== 'object') return 'properties';
    const outputs: Node[] = [];
    for (const p of pn.children ?? []) {
      const k = p.children?.[0];
      const vn = p.children?.[1];
      if (!k || !vn || typeof k.value !== 'string' || (k.value.length !== 4 && k.value.length !== 7)) continue; // 'copy', 'outputs'
      const lk = lower(k.value);
      if (lk === 'copy' && vn.type === 'array' && isPropertyCopy(vn)) return 'properties';
      if (lk === 'outputs') outputs.push(vn);
    }
    return outputs.length ? outputs : 'none';
  }

  /** `reference(this).outputs` may be something (not a deployment): inline, computed or literal `outputs`. */
  mayHaveOutputsMember(): boolean {
    return this.outputsSource() !== 'none';
  }

  /** Upper bound of `reference(this).outputs` (outputsMayMention) for a resource that is no deployment. */
  outputsMemberMayMention(needle: string): boolean {
    const src = this.outputsSource();
    if (src === 'none') return false;
    if (src === 'inline') return true;
    if (src === 'properties') return this.propsMention(needle);
    return src.some((vn) => this.scope.mentionsNode(vn, this.env, false, needle, 0));
  }

  private propsMentionMemo?: Map<string, boolean>;

  /** Mention analysis of `properties` (ScopeImpl.mentionsNode), memoized. */
  private propsMention(needle: string): boolean {
    const memo = (this.propsMentionMemo ??= new Map());
    let m = memo.get(needle);
    if (m === undefined) {
      memo.set(needle, true); // a cycle: assume it may
      const pn = prop(this.node, 'properties');
      m = !!pn && this.scope.mentionsNode(pn, this.env, false, needle, 0);
      memo.set(needle, m);
    }
    return m;
  }

  /**
   * May `reference(this)` (followed by the property names `path`) hold text mentioning the
   * needle? Mirrors referenceValue. `maybeFull`: the 'Full' form may have been asked for.
   */
  referenceMentions(maybeFull: boolean, path: string[], needle: string, textOnly = false): boolean {
    if (this.inlineData) return true;
    const idText = (which?: string): boolean => {
      if (which === undefined || which === 'id') if (textOnly ? this.idMayMention(needle) : valueMentions(this.id, needle)) return true;
      if (which === undefined || which === 'name') if (textOnly ? this.nameMayMention(needle) : valueMentions(this.name, needle)) return true;
      if (which === undefined || which === 'type') if (mentionsText(this.type, needle)) return true;
      return false;
    };
    if (maybeFull) {
      // { id, name, type, apiVersion, location, sku, properties: state, kind, zones, tags, identity, plan }
      if (idText() || mentionsText(this.apiVersion ?? '', needle)) return true;
      for (const m of ['location', 'sku', 'kind', 'zones', 'tags', 'identity', 'plan']) {
        const n = this.rawMember(m);
        if (n && this.scope.mentionsNode(n, this.env, false, needle, 0)) return true;
      }
      if (this.existing) return false;
      if (this.isDeployment()) return !!this.innerScope && this.innerScope.mentionsOutput(undefined, needle);
      if (this.propsMention(needle)) return true;
      // fall through: the non-full form too
    }
    if (this.existing) return false; // an opaque Unknown
    const first = path.length > 0 ? lower(path[0]) : undefined;
    if (this.isDeployment()) {
      // { outputs, provisioningState } plus id, name, type
      const outputs = (name?: string) => !!this.innerScope && this.innerScope.mentionsOutput(name, needle);
      if (first === undefined) return outputs() || idText();
      if (first === 'outputs') return outputs(path.length > 1 ? path[1] : undefined);
      if (first === 'id' || first === 'name' || first === 'type') return idText(first);
      return false; // provisioningState, or a member that does not exist
    }
    // the evaluated properties, plus id, name, type when not among them
    const pn = prop(this.node, 'properties');
    if (first === undefined || !pn || pn.type !== 'object') return this.propsMention(needle) || idText();
    let found = false;
    for (const p of pn.children ?? []) {
      const k = p.children?.[0];
      const vn = p.children?.[1];
      if (!k || !vn || typeof k.value !== 'string') continue;
      const lk = lower(k.value);
      if (lk === 'copy' && vn.type === 'array' && isPropertyCopy(vn)) return this.propsMention(needle) || idText();
      if (lk !== first) continue;
      found = true;
      if (this.scope.mentionsNode(vn, this.env, false, needle, 0)) return true;
    }
    if (found) return false;
    if (first === 'id' || first === 'name' || first === 'type') return idText(first);
    return false; // a member that does not exist: an opaque Unknown
  }

  private nameMentionMemo?: Map<string, boolean>;

  /** May the name hold text mentioning the needle (the value when known, else the mention analysis)? */
  nameMayMention(needle: string): boolean {
    if (this.nameCell.done || this.inlineData) return valueMentions(this.name, needle);
    const memo = (this.nameMentionMemo ??= new Map());
    let m = memo.get(needle);
    if (m === undefined) {
      memo.set(needle, true); // a cycle: assume it may
      const nn = prop(this.node, 'name');
      m = !!nn && (nn.type === 'number' ? mentionsText(String(nn.value), needle) : this.scope.mentionsNode(nn, this.env, false, needle, 0));
      const p = this.explicitParent;
      if (!m && p && this.composedFromParent) m = p.nameMayMention(needle);
      memo.set(needle, m);
    }
    return m;
  }

  /**
   * May the id hold text mentioning the needle, judged without evaluating it: its pieces are the
   * fixed words, the subscription and resource group, the type segments and the names.
   */
  private idMayMention(needle: string): boolean {
    if (this.inlineData || needle.includes('/') || ['subscriptions', 'resourcegroups', 'providers'].some((w) => w.includes(needle))) return true;
    if (mentionsText(this.type, needle) || this.nameMayMention(needle)) return true;
    if (this.rawMember('scope') !== undefined) return true; // an extension resource: the id of another one
    for (const m of ['subscriptionId', 'resourceGroup']) {
      const n = this.rawMember(m);
      if (n && this.scope.mentionsNode(n, this.env, false, needle, 0)) return true;
    }
    let p: ResourceImpl | undefined = this.explicitParent;
    while (p) {
      if (p.nameMayMention(needle)) return true;
      p = p.explicitParent;
    }
    return this.scope.mentionsEnv(needle);
  }

  private _propsFallback?: ValueObject;
  properties(): ValueObject {
    const v = this.propsValue();
    if (isObject(v)) return v;
    if (this._propsFallback && this.propsCell.done) return this._propsFallback;
    const o: ValueObject = {};
    this._propsFallback = o;
    this.t.setOrigin(o, { file: this.scope.file.file, node: prop(this.node, 'properties') ?? this.node, literal: false, via: 'not an object' });
    return o;
  }

  dependsOn(): Resource[] {
    if (this._deps) return this._deps;
    this._deps = [];
    const out: ResourceImpl[] = [];
    const seen = new Set<ResourceImpl>();
    const dn = this.rawMember('dependsOn');
    if (dn) {
      const v = this.member('dependsOn');
      const list = Array.isArray(v) ? v : [v];
      for (const d of list) {
        for (const r of this.t.resolveDependency(d, this.scope)) {
          if (r !== this && !seen.has(r)) {
            seen.add(r);
            out.push(r);
          }
        }
      }
    }
    this._deps = out;
    return out;
  }

  templateLinkValue(): Value {
    const props = this.rawMember('properties');
    const tl = prop(props, 'templateLink');
    if (!tl) return null;
    return this.scope.guarded('templateLink', () => this.scope.evalNode(tl, this.env, 0));
  }

  /** What `reference(this)` returns. */
  referenceValue(full: boolean): Value {
    let state: Value;
    if (this.existing) {
      const u = new Unknown(
        `reference(${keyOf(this.id)})`,
        `'${typeof this.name === 'string' ? this.name : this.type}' is an existing resource; its state is not in the template`,
      );
      if (!full) return u;
      return {
        id: this.id,
        name: this.name,
        type: this.type,
        apiVersion: this.apiVersion ?? null,
        location: this.rawMember('location') ? this.location() : new Unknown(`${u.key}.location`, u.reason),
        properties: u,
      };
    }
    if (this.isDeployment()) {
      const outputs: Value = this.innerScope
        ? this.innerScope.outputsObject()
        : new Unknown(`reference(${keyOf(this.id)}).outputs`, this.innerUnavailable ?? 'the deployment template is not available');
      state = { outputs, provisioningState: 'Succeeded' };
    } else {
      const p = this.propsValue();
      if (isUnknown(p)) return p;
      state = isObject(p) ? p : {};
    }
    if (full) {
      const o: ValueObject = {
        id: this.id,
        name: this.name,
        type: this.type,
        apiVersion: this.apiVersion ?? null,
        location: this.location(),
        sku: this.sku(),
        properties: state,
      };
      for (const extra of ['kind', 'zones', 'tags', 'identity', 'plan']) {
        if (this.rawMember(extra)) o[extra] = this.member(extra);
      }
      return o;
    }
    if (!isObject(state)) return state;
    const o: ValueObject = {};
    for (const k of Object.keys(state)) setProp(o, k, state[k]);
    if (!('id' in o)) o.id = this.id;
    if (!('name' in o)) o.name = this.name;
    if (!('type' in o)) o.type = this.type;
    const org = this.t.originOf(state);
    if (org) this.t.setOrigin(o, org);
    return o;
  }
}

// ---------------------------------------------------------------------------------------------

class TemplateImpl implements Template {
  main: SourceFile;
  files = new Map<string, SourceFile>();
  root: ScopeImpl;
  diagnostics: { message: string; origin?: Origin }[] = [];
  scopeCounter = 0;
  evalDepth = 0;
  /** Nesting of the mention analysis (memoMention) and the shallowest running one it met. */
  mentionDepth = 0;
  private mentionLow = Infinity;
  /** outputsMayMention answers: needle → output name → answer. */
  private outputsMention?: Map<string, MentionMap>;

  /**
   * Memoized mention analysis (ScopeImpl). The answers form a system of OR equations, possibly
   * cyclic (a value that depends on itself); its least solution is the sound one (evaluation cuts
   * a cycle with an Unknown, which has no text). A computation that meets one still running
   * counts it as false and is kept only when true (final) or when it is the outermost of the
   * cycle; others are recomputed on the next question.
   */
  memoMention(map: MentionMap, key: string, f: () => boolean): boolean {
    const m = map.get(key);
    if (m === true || m === false) return m;
    if (typeof m === 'number') {
      if (m < this.mentionLow) this.mentionLow = m;
      return false;
    }
    if (this.mentionDepth > 200) return true;
    const d = this.mentionDepth;
    map.set(key, d);
    const savedLow = this.mentionLow;
    this.mentionLow = Infinity;
    this.mentionDepth++;
    let r = true;
    try {
      r = f();
    } catch {
      r = true;
    } finally {
      this.mentionDepth--;
    }
    const low = this.mentionLow;
    if (r || low >= d) map.set(key, r);
    else map.delete(key);
    this.mentionLow = Math.min(savedLow, low >= d ? Infinity : low);
    return r;
  }

  private typePrefixCache?: Map<string, ResourceImpl[]>;

  /** Resources whose type is `type`'s first two segments or starts with them (case-insensitive). */
  resourcesWithTypePrefix(type: string): ResourceImpl[] {
    // cached by the type as written (no prefix computed again on each call)
    const cache = (this.typePrefixCache ??= new Map());
    let out = cache.get(type);
    if (!out) {
      const p = lower(type.split('/').slice(0, 2).join('/'));
      out = [];
      for (const [k, list] of this.byType) if (k === p || k.startsWith(p + '/')) out.push(...list);
      cache.set(type, out);
    }
    return out;
  }

  /**
   * Upper bound of `reference(x).outputs.<name>` over every possible x: a deployment's output of
   * that name, or the `outputs` member of another resource's properties.
   */
  outputsMayMention(name: string, needle: string): boolean {
    // inline data (a subnet declared in its VNet, ...) may have any `outputs`: true whatever the
    // name and needle, without the index (the loop over `others` below would end there)
    if (this.hasInlineOthers()) return true;
    const all = (this.outputsMention ??= new Map());
    let map = all.get(needle);
    if (!map) all.set(needle, (map = new Map()));
    const l = lower(name);
    return this.memoMention(map, l, () => {
      const ix = this.outputsIndex();
      for (const s of ix.byName.get(l) ?? []) if (s.mentionsOutput(l, needle)) return true;
      for (const r of ix.others) if (r.outputsMemberMayMention(needle)) return true;
      return false;
    });
  }

  private outputsIx?: { byName: Map<string, ScopeImpl[]>; others: ResourceImpl[] };
  private inlineOthers?: boolean;

  /** Some resource of `outputsIndex().others` is inline data (outputsMemberMayMention: always true). */
  private hasInlineOthers(): boolean {
    // inline data: the subnets declared inside their VNet (inlineSubnets), indexed under their type
    return (this.inlineOthers ??= (this.byType.get(lower(SUBNETS)) ?? []).some((r) => r.inlineData && !r.existing));
  }

  /** Deployment scopes by output name, and the other resources whose `outputs` member may exist. */
  private outputsIndex(): { byName: Map<string, ScopeImpl[]>; others: ResourceImpl[] } {
    if (this.outputsIx) return this.outputsIx;
    const byName = new Map<string, ScopeImpl[]>();
    const others: ResourceImpl[] = [];
    for (const r of this.all) {
      if (r.existing) continue;
      if (r.isDeployment()) {
        if (!r.innerScope) continue;
        for (const k of r.innerScope.outputIndex().keys()) {
          const list = byName.get(k);
          if (list) list.push(r.innerScope);
          else byName.set(k, [r.innerScope]);
        }
        continue;
      }
      if (r.mayHaveOutputsMember()) others.push(r);
    }
    return (this.outputsIx = { byName, others });
  }

  /** Diagnostics already reported (evaluation may run more than once). */
  private readonly reported = new Set<string>();
  readonly copyLimit: number;
  private readonly origins = new WeakMap<object, Origin>();
  private readonly keyOrigins = new WeakMap<object, Map<string, Origin>>();
  private readonly opts: BuildOptions;
  private built = false;
  /** True while the resource list is being built (lookups may miss later resources). */
  building = false;
  /** Alive while building: values that depend on a failed lookup during the build are provisional. */
  private buildFrame?: Frame;
  /** Memoization tracker (see Cell). */
  log: Frame[] = [];
  depth = 0;
  private all: ResourceImpl[] = [];
  private byType = new Map<string, ResourceImpl[]>();
  private resourceCapHit = false;

  constructor(opts: BuildOptions) {
    this.opts = opts;
    const cl = opts.copyLimit;
    this.copyLimit = typeof cl === 'number' && cl >= 0 && Number.isFinite(cl) ? Math.floor(cl) : DEFAULT_COPY_LIMIT;
    const src = parseSource(String(opts.file ?? ''), typeof opts.text === 'string' ? opts.text : '');
    this.main = { file: src.file, text: src.text, root: src.root, parseErrors: src.parseErrors };
    this.files.set(this.main.file, this.main);
    if (src.refused) {
      this.diagnostics.push({ message: src.refused.message });
    }
    const rootNode: Node =
      src.root && src.root.type === 'object' ? src.root : { type: 'object', offset: 0, length: 0, children: [] } as unknown as Node;
    if (src.root && src.root.type !== 'object') this.diagnostics.push({ message: 'the document is not a JSON object' });
    const schema = lower(str(prop(rootNode, '$schema')) ?? '');
    const level: Level = schema.includes('subscriptiondeploymenttemplate')
      ? 'subscription'
      : schema.includes('managementgroupdeploymenttemplate')
        ? 'managementGroup'
        : schema.includes('tenantdeploymenttemplate')
          ? 'tenant'
          : 'resourceGroup';
    const supplied = this.readParameters();
    this.root = new ScopeImpl(this, this.main, rootNode, { level, supply: (n) => supplied.get(lower(n)) });
    if (this.main.root && detectKindOfRoot(this.main.root) === 'parameters') {
      this.diagnostics.push({ message: 'the document is a parameter file, not a template' });
    }
  }

  private readParameters(): Map<string, { value: Value; origin?: Origin }> {
    const out = new Map<string, { value: Value; origin?: Origin }>();
    const pf = this.opts.parametersFile;
    if (!pf) return out;
    const text = this.read(pf);
    if (text === undefined) {
      this.diagnostics.push({ message: `the parameter file '${pf}' could not be read` });
      return out;
    }
    const src = parseSource(pf, text);
    this.files.set(pf, { file: pf, text, root: src.root, parseErrors: src.parseErrors });
    if (src.refused) this.diagnostics.push({ message: `parameter file '${pf}': ${src.refused.message}` });
    for (const [k, e] of parameterEntries(src.root)) {
      out.set(k, { value: e.value, origin: e.node ? { file: pf, node: e.node, literal: !isUnknown(e.value) } : undefined });
      if (e.node && typeof e.value === 'object' && e.value !== null && !isUnknown(e.value)) this.markLiteralTree(e.value, e.node, pf);
    }
    return out;
  }

  /** Origins for a literal value read without evaluation (parameter files). */
  private markLiteralTree(v: Value, node: Node, file: string, depth = 0): void {
    if (depth > 200 || typeof v !== 'object' || v === null || isUnknown(v)) return;
    this.setOrigin(v, { file, node, literal: true });
    if (Array.isArray(v)) {
      items(node).forEach((n, i) => this.markLiteralTree(v[i], n, file, depth + 1));
    } else {
      for (const [k, n] of entries(node)) this.markLiteralTree((v as ValueObject)[k], n, file, depth + 1);
    }
  }

  read(p: string): string | undefined {
    const rf = this.opts.readFile;
    if (!rf) return undefined;
    try {
      const t = rf(p);
      return typeof t === 'string' ? t : undefined;
    } catch {
      return undefined;
    }
  }

  // -- origins --------------------------------------------------------------------------------

  setOrigin(v: object, o: Origin): void {
    this.origins.set(v, o);
  }

  setKeyOrigin(obj: object, key: string, o: Origin): void {
    let m = this.keyOrigins.get(obj);
    if (!m) this.keyOrigins.set(obj, (m = new Map()));
    m.set(key, o);
  }

  originOf(value: Value): Origin | undefined {
    if (typeof value !== 'object' || value === null || isUnknown(value)) return undefined;
    return this.origins.get(value);
  }

  propertyOrigin(obj: ValueObject, key: string): Origin | undefined {
    if (!isObject(obj)) return undefined;
    const ko = this.keyOrigins.get(obj);
    if (ko) {
      const k = ko.get(key) ?? [...ko.entries()].find(([kk]) => lower(kk) === lower(key))?.[1];
      if (k) return k;
    }
    const o = this.origins.get(obj);
    if (!o) return undefined;
    if (o.node.type !== 'object') return { ...o };
    const vn = prop(o.node, key);
    if (!vn) return undefined;
    const s = str(vn);
    const expr = s !== undefined && isExpression(s);
    return {
      file: o.file,
      node: vn,
      literal: o.literal && !expr,
      via: o.via ?? (expr ? describeExpression(s!) : undefined),
    };
  }

  /** Deep copy of an expression's object/array result, each container marked with `origin`. */
  markClone(v: Value, origin: Origin, depth = 0): Value {
    if (typeof v !== 'object' || v === null || isUnknown(v)) return v;
    if (depth > 64) return v;
    if (Array.isArray(v)) {
      const a = v.map((x) => this.markClone(x, origin, depth + 1));
      this.origins.set(a, origin);
      return a;
    }
    const o: ValueObject = {};
    for (const k of Object.keys(v)) setProp(o, k, this.markClone(v[k], origin, depth + 1));
    this.origins.set(o, origin);
    return o;
  }

  equal(a: Value, b: Value, ignoreCase?: boolean): Tri {
    return valuesEqual(a, b, { ignoreCase });
  }

  // -- copy counts ----------------------------------------------------------------------------

  /** Number of instances for a copy count value; undefined when not known. */
  copyCount(count: Value, loop: string, node: Node, file: string): number | undefined {
    let n: number | undefined;
    if (typeof count === 'number' && Number.isFinite(count)) n = Math.max(0, Math.floor(count));
    else if (typeof count === 'string' && /^\s*\d+\s*$/.test(count)) n = Number(count);
    if (n === undefined) return undefined;
    if (n > this.copyLimit) {
      const message = `copy loop '${loop}' has ${n} instances; only the first ${this.copyLimit} are analyzed`;
      const key = `${file}#${node.offset}#${message}`;
      if (!this.reported.has(key)) {
        this.reported.add(key);
        this.diagnostics.push({ message, origin: { file, node, literal: false } });
      }
      n = this.copyLimit;
    }
    return n;
  }

  // -- resources ------------------------------------------------------------------------------

  get resources(): Resource[] {
    this.ensureResources();
    return this.all;
  }
  set resources(_v: Resource[]) {
    /* computed */
  }

  resourcesOfType(type: string): Resource[] {
    this.ensureResources();
    return this.byType.get(lower(String(type))) ?? [];
  }

  private ensureResources(): void {
    if (this.built || this.building) return;
    const sortedScopes = new Set<ScopeImpl>();
    this.building = true;
    this.buildFrame = new Frame(this.depth);
    try {
      this.collectScope(this.root);
      // declarations may have been expanded out of order (drainPending): restore document order
      this.all.sort(compareOrder);
      for (const l of this.byType.values()) l.sort(compareOrder);
      for (const r of this.all) {
        if (r.scope.resources.length > 1 && !sortedScopes.has(r.scope)) {
          sortedScopes.add(r.scope);
          r.scope.resources.sort(compareOrder);
        }
      }
      // phase 2: inline subnets of every VNet, placed right after their VNet
      const withInline: ResourceImpl[] = [];
      const real = this.all.slice();
      for (const r of real) {
        withInline.push(r);
        if (r.typeLower === VNETS && !r.existing) {
          for (const s of this.inlineSubnets(r)) {
            withInline.push(s);
            this.index(s);
          }
        }
      }
      this.all = withInline;
      this.all.forEach((r, i) => (r.order = i));
    } catch (e) {
      this.diagnostics.push({ message: `the template model is incomplete: ${(e as Error)?.message ?? e}` });
    } finally {
      this.building = false;
      this.built = true;
      if (this.buildFrame) this.buildFrame.alive = false;
    }
  }

  private index(r: ResourceImpl): void {
    const k = r.typeLower;
    let l = this.byType.get(k);
    if (!l) this.byType.set(k, (l = []));
    l.push(r);
  }

  private add(r: ResourceImpl): boolean {
    if (this.all.length >= MAX_RESOURCES) {
      if (!this.resourceCapHit) {
        this.resourceCapHit = true;
        this.diagnostics.push({ message: `more than ${MAX_RESOURCES} resources; the rest are not analyzed` });
      }
      return false;
    }
    this.all.push(r);
    r.scope.resources.push(r);
    this.index(r);
    return true;
  }

  /** Scopes whose resources are being declared (outermost first). */
  private readonly collecting: ScopeImpl[] = [];

  private collectScope(scope: ScopeImpl): void {
    const rn = prop(scope.templateNode, 'resources');
    if (!rn) return;
    if (rn.type === 'array') {
      for (const el of items(rn)) scope.pending.push({ node: el });
    } else if (rn.type === 'object') {
      for (const [sym, el] of entries(rn)) scope.pending.push({ node: el, sym });
    }
    this.collecting.push(scope);
    try {
      this.drainScope(scope);
    } finally {
      this.collecting.pop();
    }
  }

  private drainScope(scope: ScopeImpl): boolean {
    let any = false;
    while (scope.pendingPos < scope.pending.length) {
      const p = scope.pending[scope.pendingPos++];
      any = true;
      this.declare(scope, p.node, p.sym, undefined, {});
    }
    return any;
  }

  /**
   * A lookup failed while resources are still being declared (a copy count or a module
   * parameter that refers to a resource declared later): declare the rest of every scope being
   * collected now, so that the lookup can be retried. Returns true when anything was declared.
   */
  private draining = false;
  private drainPending(): boolean {
    // not re-entrant: a miss while draining does not drain again (bounded stack depth)
    if (!this.building || this.draining) return false;
    this.draining = true;
    try {
      let any = false;
      for (const s of this.collecting.slice()) if (this.drainScope(s)) any = true;
      return any;
    } finally {
      this.draining = false;
    }
  }

  private declare(scope: ScopeImpl, node: Node, sym: string | undefined, parent: ResourceImpl | undefined, env: Env): void {
    if (node.type !== 'object' || this.resourceCapHit) return;
    let type = str(prop(node, 'type'));
    if (type === undefined) {
      this.diagnostics.push({ message: 'a resource has no literal type; it is ignored', origin: { file: scope.file.file, node, literal: true } });
      return;
    }
    const at = type.indexOf('@');
    if (at > 0) type = type.slice(0, at);
    let composed = false;
    if (parent) {
      const pt = parent.type;
      if (!type.includes('/')) {
        type = `${pt}/${type}`;
        composed = true;
      } else if (!lower(type).startsWith(lower(pt) + '/')) {
        // a nested resource with an unrelated full type (allowed by ARM for extension-like children)
        composed = false;
      }
    }
    const copyNode = prop(node, 'copy');
    const instances: { env: Env; copyIndex?: number; unknown?: boolean }[] = [];
    if (copyNode && copyNode.type === 'object') {
      const loopName = str(prop(copyNode, 'name')) ?? sym ?? 'copy';
      const countNode = prop(copyNode, 'count');
      const count = countNode ? scope.guarded('a copy count', () => scope.evalNode(countNode, env, 0)) : 0;
      const n = this.copyCount(count, loopName, copyNode, scope.file.file);
      if (n === undefined) {
        const idx = new Unknown(
          `${scope.keyPrefix}copyIndex('${loopName}')`,
          `the number of '${loopName}' instances is not known (${isUnknown(count) ? count.reason : 'count is not a number'})`,
        );
        instances.push({ env: { ...env, copy: new CopyEnv(env.copy, lower(loopName), idx, true) }, unknown: true });
      } else {
        for (let i = 0; i < n; i++) instances.push({ env: { ...env, copy: new CopyEnv(env.copy, lower(loopName), i, true) }, copyIndex: i });
      }
      // remember the loop name for dependsOn
      const ln = lower(loopName);
      if (!scope.byLoop.has(ln)) scope.byLoop.set(ln, []);
      const loopList = scope.byLoop.get(ln)!;
      this.expandInstances(scope, node, sym, parent, type, composed, instances, loopList);
    } else {
      instances.push({ env });
      this.expandInstances(scope, node, sym, parent, type, composed, instances, undefined);
    }
  }

  private expandInstances(
    scope: ScopeImpl,
    node: Node,
    sym: string | undefined,
    parent: ResourceImpl | undefined,
    type: string,
    composed: boolean,
    instances: { env: Env; copyIndex?: number; unknown?: boolean }[],
    loopList: ResourceImpl[] | undefined,
  ): void {
    for (const inst of instances) {
      const r = new ResourceImpl(this, scope, node, type, inst.env, {
        symbolicName: sym,
        copyIndex: inst.copyIndex,
        copyCountUnknown: inst.unknown ? true : undefined,
        explicitParent: parent,
      });
      r.composedFromParent = composed;
      r.orderKey = [...(parent ? parent.orderKey : scope.deployment ? scope.deployment.orderKey : []), node.offset, inst.copyIndex ?? 0];
      if (!this.add(r)) return;
      loopList?.push(r);
      if (sym !== undefined) {
        let l = scope.bySymbol.get(sym);
        if (!l) scope.bySymbol.set(sym, (l = []));
        l.push(r);
        let ll = scope.bySymbolLower.get(lower(sym));
        if (!ll) scope.bySymbolLower.set(lower(sym), (ll = []));
        ll.push(r);
      }
      // nested child resources
      const children = prop(node, 'resources');
      if (children && children.type === 'array') {
        for (const c of items(children)) this.declare(scope, c, undefined, r, inst.env);
      } else if (children && children.type === 'object') {
        for (const [csym, c] of entries(children)) this.declare(scope, c, csym, r, inst.env);
      }
      if (r.typeLower === DEPLOYMENTS) this.deploymentScope(r);
    }
  }

  private deploymentScope(r: ResourceImpl): void {
    const scope = r.scope;
    const props = prop(r.node, 'properties');
    const tplNode = prop(props, 'template');
    const link = prop(props, 'templateLink');
    if (scope.depth + 1 > MAX_SCOPE_DEPTH) {
      r.innerUnavailable = `nested deployments deeper than ${MAX_SCOPE_DEPTH} levels are not analyzed`;
      this.diagnostics.push({ message: r.innerUnavailable, origin: { file: scope.file.file, node: r.node, literal: true } });
      return;
    }
    const depLevel = (): Level => {
      if (prop(r.node, 'resourceGroup')) return 'resourceGroup';
      if (prop(r.node, 'subscriptionId') && (scope.level === 'managementGroup' || scope.level === 'tenant')) return 'subscription';
      return scope.level;
    };
    const innerSupply = (name: string): { value: Value; origin?: Origin } | undefined => {
      const pn = prop(props, 'parameters');
      if (!pn) return undefined;
      if (pn.type === 'object') {
        const entry = prop(pn, name);
        if (!entry) return undefined;
        const vn = prop(entry, 'value');
        if (vn) {
          const v = scope.guarded(`parameter '${name}' of a deployment`, () => scope.evalNode(vn, r.env, 0));
          const s = str(vn);
          const literal = !(s !== undefined && isExpression(s));
          return { value: v, origin: { file: scope.file.file, node: vn, literal, via: literal ? undefined : 'passed by the parent deployment' } };
        }
        if (prop(entry, 'reference')) {
          return { value: new Unknown(`${keyOf(r.id)}.parameters('${name}')`, `parameter '${name}' is a Key Vault reference`) };
        }
        return undefined;
      }
      if (pn.type === 'string') {
        const all = scope.guarded('deployment parameters', () => scope.evalNode(pn, r.env, 0));
        if (isObject(all)) {
          const key = Object.keys(all).find((k) => lower(k) === lower(name));
          const e = key !== undefined ? all[key] : undefined;
          if (isObject(e) && 'value' in e) return { value: e.value, origin: { file: scope.file.file, node: pn, literal: false, via: 'passed by the parent deployment' } };
          return undefined;
        }
        return { value: new Unknown(`${keyOf(r.id)}.parameters('${name}')`, 'the deployment parameters are not known statically') };
      }
      return undefined;
    };
    if (tplNode && tplNode.type === 'object') {
      const scopeOpt = lower(str(prop(prop(props, 'expressionEvaluationOptions'), 'scope')) ?? 'outer');
      const outer = scopeOpt !== 'inner';
      const inner = new ScopeImpl(this, scope.file, tplNode, {
        parent: scope,
        deployment: r,
        outer,
        level: depLevel(),
        supply: outer ? undefined : innerSupply,
      });
      r.innerScope = inner;
      this.collectScope(inner);
      return;
    }
    if (link) {
      const rel = prop(link, 'relativePath');
      if (rel) {
        const relV = scope.guarded('templateLink.relativePath', () => scope.evalNode(rel, r.env, 0));
        if (typeof relV !== 'string') {
          r.innerUnavailable = 'the linked template path is not known statically';
          this.diagnostics.push({ message: r.innerUnavailable, origin: { file: scope.file.file, node: rel, literal: false } });
          return;
        }
        const target = resolveRelative(scope.file.file, relV);
        for (let s: ScopeImpl | undefined = scope; s; s = s.parent) {
          if (s.file.file === target) {
            r.innerUnavailable = `linked template cycle: '${relV}' is already being deployed by an enclosing template`;
            this.diagnostics.push({ message: r.innerUnavailable, origin: { file: scope.file.file, node: rel, literal: true } });
            return;
          }
        }
        let sf = this.files.get(target);
        if (!sf) {
          const text = this.read(target);
          if (text === undefined) {
            r.innerUnavailable = `the linked template '${relV}' could not be read`;
            this.diagnostics.push({ message: r.innerUnavailable, origin: { file: scope.file.file, node: rel, literal: true } });
            return;
          }
          const src = parseSource(target, text);
          sf = { file: target, text, root: src.root, parseErrors: src.parseErrors };
          this.files.set(target, sf);
          if (src.refused) this.diagnostics.push({ message: `linked template '${relV}': ${src.refused.message}` });
        }
        if (!sf.root || sf.root.type !== 'object') {
          r.innerUnavailable = `the linked template '${relV}' is not a JSON object`;
          this.diagnostics.push({ message: r.innerUnavailable, origin: { file: scope.file.file, node: rel, literal: true } });
          return;
        }
        const inner = new ScopeImpl(this, sf, sf.root, { parent: scope, deployment: r, outer: false, level: depLevel(), supply: innerSupply });
        r.innerScope = inner;
        this.collectScope(inner);
        return;
      }
      if (prop(link, 'uri')) {
        r.innerUnavailable = 'the linked template is referenced by URI, which is never fetched';
      } else if (prop(link, 'id')) {
        r.innerUnavailable = 'the linked template is a template spec, which is not read';
      } else {
        r.innerUnavailable = 'the templateLink has no relativePath';
      }
      this.diagnostics.push({ message: r.innerUnavailable, origin: { file: scope.file.file, node: link, literal: true } });
      return;
    }
    r.innerUnavailable = 'the deployment has no template';
  }

  private inlineSubnets(vnet: ResourceImpl): ResourceImpl[] {
    const out: ResourceImpl[] = [];
    const props = vnet.properties();
    const key = Object.keys(props).find((k) => lower(k) === 'subnets');
    if (key === undefined) return out;
    const subnets = props[key];
    if (!Array.isArray(subnets)) return out;
    for (const el of subnets) {
      if (!isObject(el)) continue;
      const nk = Object.keys(el).find((k) => lower(k) === 'name');
      const name: Value = nk !== undefined ? el[nk] : new Unknown(`${keyOf(vnet.id)}.subnets[?].name`, 'the subnet has no name');
      const node = this.originOf(el)?.node ?? this.originOf(subnets)?.node ?? vnet.node;
      const s = new ResourceImpl(this, vnet.scope, node, SUBNETS, vnet.env, {
        inline: true,
        explicitParent: vnet,
        inlineData: { name, element: el },
      });
      s.composedFromParent = true;
      out.push(s);
    }
    return out;
  }

  /** The parent of a top-level child resource ("vnet/subnet"), by type and name prefix. */
  findParent(r: ResourceImpl): ResourceImpl | undefined {
    const segs = r.type.split('/');
    if (segs.length <= 2) return undefined;
    const ptype = segs.slice(0, -1).join('/');
    const names = r.nameSegments();
    if (names.length < 2) return undefined;
    const res = this.matchByNames(ptype, names.slice(0, -1), r.scope, r.subscriptionIdValue(), r.resourceGroupValue());
    return res?.resource;
  }

  private matchByNames(
    type: string,
    names: Value[],
    scope: ScopeImpl | undefined,
    sub: Value | undefined,
    rg: Value | undefined,
  ): { resource: ResourceImpl; certain: boolean } | undefined {
    this.ensureResources();
    const cands = this.byType.get(lower(type)) ?? [];
    let best: { resource: ResourceImpl; certain: boolean } | undefined;
    for (const c of cands) {
      if (c.inline) continue;
      const tri = this.namesTri(c.nameSegments(), names);
      if (tri === false) continue;
      let t: Tri = tri;
      if (sub !== undefined) t = and(t, valuesEqual(c.subscriptionIdValue(), sub, { ignoreCase: true }));
      if (rg !== undefined) {
        const crg = c.resourceGroupValue();
        t = and(t, crg === undefined ? false : valuesEqual(crg, rg, { ignoreCase: true }));
      }
      if (t === false) continue;
      if (t === true && (!scope || c.scope === scope)) return { resource: c, certain: true };
      if (!best || (t === true && !best.certain)) best = { resource: c, certain: t === true };
    }
    return best;
  }

  private namesTri(a: Value[], b: Value[]): Tri {
    if (a.length !== b.length) {
      const opaque = [...a, ...b].some((x) => isUnknown(x) && !x.parts);
      return opaque ? undefined : false;
    }
    let t: Tri = true;
    for (let i = 0; i < a.length; i++) {
      const e = valuesEqual(a[i], b[i], { ignoreCase: true });
      if (e === false) return false;
      if (e === undefined) t = undefined;
    }
    return t;
  }

  // -- resolution -----------------------------------------------------------------------------

  resolveId(id: Value, expectedType?: string): ResolveResult {
    try {
      return this.resolveIn(id, this.root, expectedType);
    } catch (e) {
      return { kind: 'unknown', reason: `the id could not be resolved: ${(e as Error)?.message ?? e}` };
    }
  }

  /** A lookup failed: while building, it may have missed a resource declared later. */
  private taintBuild(): void {
    if (this.building && this.buildFrame) this.log.push(this.buildFrame);
  }

  resolveIn(id: Value, scope: ScopeImpl, expectedType?: string): ResolveResult {
    let r = this.resolveIn0(id, scope, expectedType);
    if (r.kind !== 'resource' && this.drainPending()) r = this.resolveIn0(id, scope, expectedType);
    if (r.kind !== 'resource') this.taintBuild();
    return r;
  }

  private resolveIn0(id: Value, scope: ScopeImpl, expectedType?: string): ResolveResult {
    this.ensureResources();
    if (isObject(id)) {
      const k = Object.keys(id).find((x) => lower(x) === 'id');
      if (k === undefined) return { kind: 'unknown', reason: 'the value is an object without an id' };
      id = id[k];
    }
    if (typeof id !== 'string' && !isUnknown(id)) return { kind: 'unknown', reason: 'the value is not a resource id' };
    if (typeof id === 'string') {
      const trimmed = id.trim();
      if (trimmed === '') return { kind: 'unknown', reason: 'the resource id is empty' };
      if (!trimmed.startsWith('/')) {
        // symbolic name (languageVersion 2.0), in this scope first, then anywhere
        const local = scope.findLocal(trimmed) ?? this.findSymbolAnywhere(trimmed);
        if (local && local.length > 0) {
          const live = local.filter((r) => r.condition !== false);
          const pick = live[0] ?? local[0];
          return { kind: 'resource', resource: pick, certain: local.length === 1 };
        }
        const parsed = parseId(trimmed);
        if (parsed.type && !parsed.malformed) return this.resolveParsed(parsed, expectedType, id);
        return this.resolveName(trimmed, scope, expectedType);
      }
    }
    const v = id;
    if (isUnknown(v) && !v.parts) {
      if (/parameters\('/i.test(v.key)) {
        const pm = /parameters\('([^']*)'\)/i.exec(v.key);
        return { kind: 'external', type: expectedType, reason: `the id is supplied by parameter '${pm ? pm[1] : '?'}' (${v.reason})` };
      }
      return { kind: 'unknown', reason: v.reason };
    }
    const parsed = parseId(v as string | Unknown);
    if (parsed.prefixUnknown) {
      const p = parsed.prefixUnknown;
      const fromParam = /parameters\('/i.test(p.key);
      const childType = parsed.childTypes && parsed.childTypes.length ? parsed.childTypes.join('/') : undefined;
      const reason = `the id is built from ${p.reason}`;
      if (fromParam) {
        return {
          kind: 'external',
          type: expectedType ?? (childType ? `…/${childType}` : undefined),
          name: parsed.names.length ? parsed.names[parsed.names.length - 1] : undefined,
          reason,
        };
      }
      return { kind: 'unknown', reason };
    }
    if (parsed.malformed || !parsed.type) {
      return { kind: 'unknown', reason: parsed.malformed ? 'the value is not a resource id' : 'the resource type of the id is not known statically' };
    }
    return this.resolveParsed(parsed, expectedType, v);
  }

  private resolveParsed(parsed: ParsedId, expectedType: string | undefined, raw: Value): ResolveResult {
    const type = parsed.type!;
    const cands = this.byType.get(lower(type)) ?? [];
    const certain: ResourceImpl[] = [];
    const possible: ResourceImpl[] = [];
    const head = namesHead(parsed.names);
    for (const c of cands) {
      // A name that starts with other literal text cannot be the id's name, whatever its
      // arguments are: ruled out without evaluating it.
      if (head !== '' && !headsAgree(c.namePrefix(), head)) continue;
      // The scope first: it is evaluated once per deployment, a name once per resource, so
      // candidates in another resource group (or subscription) are ruled out before their names
      // are evaluated. (`and` is commutative: the order changes what is evaluated, not the answer.)
      let t: Tri = true;
      const crg = c.resourceGroupValue();
      if (parsed.hasResourceGroup && parsed.resourceGroup !== undefined) {
        t = crg === undefined ? false : valuesEqual(crg, parsed.resourceGroup, { ignoreCase: true });
      } else if (parsed.hasSubscription && crg !== undefined) {
        t = false; // a subscription-level id cannot name a resource-group resource
      }
      if (t === false) continue;
      if (parsed.hasSubscription && parsed.subscriptionId !== undefined) {
        t = and(t, valuesEqual(c.subscriptionIdValue(), parsed.subscriptionId, { ignoreCase: true }));
        if (t === false) continue;
      }
      t = and(t, this.namesTri(c.nameSegments(), parsed.names));
      if (t === false) continue;
      if (t === true) certain.push(c);
      else possible.push(c);
    }
    const rank = (r: ResourceImpl) => (r.existing ? 2 : 0) + (r.inline ? 1 : 0) + (r.condition === false ? 4 : 0);
    const byRank = (a: ResourceImpl, b: ResourceImpl) => rank(a) - rank(b) || a.order - b.order;
    if (certain.length > 0) {
      certain.sort(byRank);
      // several certain matches that are the same declaration viewed twice (real + inline) count as one
      const distinct = certain.filter((r) => rank(r) === rank(certain[0]));
      return { kind: 'resource', resource: certain[0], certain: distinct.length === 1 || certain.every((r) => r.node === certain[0].node) };
    }
    if (possible.length === 1) return { kind: 'resource', resource: possible[0], certain: false };
    if (possible.length > 1) {
      possible.sort(byRank);
      return { kind: 'unknown', reason: `the id may name any of ${possible.length} resources of type ${type} in the template` };
    }
    void expectedType;
    void raw;
    return {
      kind: 'external',
      subscriptionId: parsed.subscriptionId,
      resourceGroup: parsed.resourceGroup,
      type,
      name: parsed.names.length === 1 ? parsed.names[0] : symbolicConcat(parsed.names.map((n) => asNameValue(n, 'a name segment')).flatMap((n, i) => (i ? ['/', n] : [n]))),
      reason: 'the resource is not declared in the template',
    };
  }

  private findSymbolAnywhere(name: string): ResourceImpl[] | undefined {
    const found: ResourceImpl[] = [];
    const visit = (s: ScopeImpl) => {
      const l = s.findLocal(name);
      if (l) found.push(...l);
    };
    const scopes = new Set<ScopeImpl>();
    for (const r of this.all) scopes.add(r.scope);
    for (const s of scopes) visit(s);
    return found.length ? found : undefined;
  }

  /**
   * Resources whose name equals `v` (a literal compared case-insensitively, an unknown by key).
   * Only names of the given resources are evaluated (a deployment's own scope first: ARM
   * resolves plain names within the deployment), never the whole template's.
   */
  private byNameIn(list: ResourceImpl[], v: Value, expectedType?: string): ResourceImpl[] {
    const out: ResourceImpl[] = [];
    const lv = typeof v === 'string' ? lower(v) : undefined;
    const et = expectedType ? lower(expectedType) : undefined;
    for (const r of list) {
      if (et && r.typeLower !== et) continue;
      const n = r.name;
      if (lv !== undefined ? typeof n === 'string' && lower(n) === lv : isUnknown(v) && isUnknown(n) && n.key === v.key) out.push(r);
    }
    return out;
  }

  private byName(scope: ScopeImpl, v: Value, expectedType?: string): ResourceImpl[] {
    const local = this.byNameIn(scope.resources, v, expectedType);
    if (local.length) return local;
    return this.byNameIn(this.all, v, expectedType);
  }

  /** A bare name ("vnet", "vnet/subnet") or "{type}/{name}" string. */
  private resolveName(name: string, scope: ScopeImpl, expectedType?: string): ResolveResult {
    const hits = this.byName(scope, name, expectedType);
    if (hits.length > 0) {
      const pool = hits.slice().sort((a, b) => (a.inline ? 1 : 0) - (b.inline ? 1 : 0) || a.order - b.order);
      return { kind: 'resource', resource: pool[0], certain: pool.filter((r) => !r.inline).length <= 1 };
    }
    // "{ns}/{type}/{name}" without providers
    const segs = name.split('/');
    for (let cut = 2; cut < segs.length; cut++) {
      const type = segs.slice(0, cut).join('/');
      if (!segs[0].includes('.')) break;
      const names = segs.slice(cut);
      const m = this.matchByNames(type, names, scope, undefined, undefined);
      if (m) return { kind: 'resource', resource: m.resource, certain: m.certain };
    }
    return { kind: 'unknown', reason: `'${shortText(name, 80)}' names no resource of the template` };
  }

  /** Resolves a dependsOn entry to resources (copy loops and symbolic loops give all instances). */
  resolveDependency(d: Value, scope: ScopeImpl): ResourceImpl[] {
    if (typeof d === 'string') {
      const local = scope.findLocal(d);
      if (local) return local;
    }
    if (isUnknown(d) && !d.parts) return this.byNameIn(scope.resources, d);
    const r = this.resolveIn(d, scope);
    if (r.kind === 'resource') return [r.resource as ResourceImpl];
    if (isUnknown(d)) return this.byNameIn(scope.resources, d);
    return [];
  }

  /** Target of reference()/resourceInfo(): symbolic name, resource name or id. */
  target(scope: ScopeImpl, target: Value): ResourceImpl | undefined {
    if (isObject(target)) {
      const k = Object.keys(target).find((x) => lower(x) === 'id');
      if (k !== undefined) target = target[k];
    }
    // Memoized per scope and target once the resource list is complete (the same deployment is
    // referenced by many parameter values); a Cell, so that an answer reached through a cycle is
    // recomputed like any other value.
    if (this.building || (typeof target !== 'string' && !isUnknown(target))) return this.target0(scope, target);
    const key = typeof target === 'string' ? `s${target}` : `u${target.key}`;
    const cells = (scope.targetCells ??= new Map());
    let c = cells.get(key);
    if (!c) cells.set(key, (c = new Cell<ResourceImpl | undefined>()));
    const t = target;
    return c.get(this, () => this.target0(scope, t), () => this.target0(scope, t));
  }

  private target0(scope: ScopeImpl, target: Value): ResourceImpl | undefined {
    if (typeof target === 'string') {
      const local = scope.findLocal(target);
      if (local && local.length > 0) return local[0];
      if (!target.startsWith('/')) {
        const named = this.byNameIn(scope.resources, target);
        if (named.length > 0) return named[0];
      }
    }
    if (typeof target !== 'string' && !isUnknown(target)) return undefined;
    // an opaque unknown can only be a name, resolved within the deployment (as ARM does)
    if (isUnknown(target) && !target.parts) return this.byNameIn(scope.resources, target)[0];
    const r = this.resolveIn(target, scope);
    if (r.kind === 'resource') return r.resource as ResourceImpl;
    if (isUnknown(target)) return this.byNameIn(scope.resources, target)[0];
    return undefined;
  }

  reference(scope: ScopeImpl, target: Value, full: boolean): Value {
    let r = this.target(scope, target);
    if (!r && this.drainPending()) r = this.target(scope, target);
    if (!r) this.taintBuild();
    const key = `reference(${keyOf(target)}${full ? ",'Full'" : ''})`;
    if (!r) return new Unknown(key, `reference(${shortText(keyOf(target), 100)}) names a resource outside the template`);
    return scope.guarded(`reference to ${typeof r.name === 'string' ? r.name : r.type}`, () => r.referenceValue(full));
  }

  resourceInfo(scope: ScopeImpl, symbolicName: string): Value {
    let r = this.target(scope, symbolicName);
    if (!r && this.drainPending()) r = this.target(scope, symbolicName);
    if (!r) this.taintBuild();
    if (!r) return new Unknown(`resourceInfo(${keyOf(symbolicName)})`, `'${symbolicName}' is not a resource of the template`);
    const o: ValueObject = { id: r.id, name: r.name, type: r.type, apiVersion: r.apiVersion ?? null };
    if (r.rawMember('location')) o.location = r.location();
    return o;
  }
}

/** The literal text a template-language string's values start with: see `ResourceImpl.namePrefix`. */
function literalHead(text: string): string {
  if (text.startsWith('[[')) return text.slice(1);
  if (!isExpression(text)) return text;
  const ast = parseCached(text).ast;
  return ast ? exprHead(ast) : '';
}

/** The literal text every string value of the expression starts with ('' when none is known). */
function exprHead(e: ExprNode): string {
  if (e.kind === 'string') return e.value;
  if (e.kind !== 'call' || e.namespace !== undefined || e.args.length === 0) return '';
  const fn = lower(e.name);
  const first = e.args[0];
  if (fn === 'format') {
    if (first.kind !== 'string') return '';
    // up to the first brace: `{0}` is an argument, `{{` an escaped brace
    const cut = first.value.search(/[{}]/);
    return cut < 0 ? first.value : first.value.slice(0, cut);
  }
  if (fn === 'concat') return exprHead(first);
  return '';
}

/** The literal text an id's name segments start with (lower-cased), up to the first unknown. */
function namesHead(names: Value[]): string {
  let head = '';
  for (let i = 0; i < names.length; i++) {
    const n = names[i];
    if (i > 0) head += '/';
    if (typeof n === 'string') {
      head += n;
      continue;
    }
    if (isUnknown(n) && n.parts && typeof n.parts[0] === 'string') head += n.parts[0];
    break;
  }
  return head.toLowerCase();
}

/** Whether two literal heads can start the same string (one is a prefix of the other). */
function headsAgree(a: string, b: string): boolean {
  return a.length <= b.length ? b.startsWith(a) : a.startsWith(b);
}

function compareOrder(a: ResourceImpl, b: ResourceImpl): number {
  const x = a.orderKey;
  const y = b.orderKey;
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

function and(a: Tri, b: Tri): Tri {
  if (a === false || b === false) return false;
  if (a === undefined || b === undefined) return undefined;
  return true;
}

/** Resolves a relative path against the file holding the deployment (paths or URIs). */
export function resolveRelative(file: string, rel: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(file)) {
    try {
      return new URL(rel, file).toString();
    } catch {
      /* fall through */
    }
  }
  return path.resolve(path.dirname(file), rel);
}

/** Builds the Template model of a document. Never throws. */
export function buildTemplate(opts: BuildOptions): Template {
  try {
    return new TemplateImpl(opts);
  } catch (e) {
    // last resort: an empty model with the error as a diagnostic
    const t = new TemplateImpl({ file: String(opts?.file ?? ''), text: '' });
    t.diagnostics.push({ message: `the template could not be modelled: ${(e as Error)?.message ?? e}` });
    return t;
  }
}
