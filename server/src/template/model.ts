/**
 * The Template model. CONTRACT between template/ (which builds it), network/ and rules/ (which
 * read it). Built by `buildTemplate()` in template/builder.ts from a document's text.
 *
 * - Every model object keeps the jsonc-parser node it came from (offsets into its file's text).
 * - Values are evaluated lazily through the owning scope (a template or a nested deployment's
 *   inline template), with Unknown for anything that cannot be known statically.
 * - Resources of nested deployments (inline templates) and linked templates
 *   (templateLink.relativePath) are part of the same flat `resources` list, each pointing at the
 *   scope and file it lives in, so the resource index resolves ids across all of them.
 */
import type { Node, ParseError } from 'jsonc-parser';
import type { Value, ValueObject, Tri } from '../expressions/value';

export interface SourceFile {
  /** Absolute path or URI string as given by the caller. */
  file: string;
  text: string;
  /** jsonc-parser tree of the text (undefined only when nothing could be recovered). */
  root: Node | undefined;
  parseErrors: ParseError[];
}

/** Where a value came from in the text. */
export interface Origin {
  file: string;
  /** The node the value was read or computed from. */
  node: Node;
  /**
   * True when the value is written literally in the text at `node` (so a fix may edit it);
   * false when it was produced by an expression, a parameter, a variable or a copy loop.
   */
  literal: boolean;
  /** Why it is not literal, for "no fix offered" messages (e.g. "built by a copy loop over parameter 'rules'"). */
  via?: string;
}

export interface ParameterDecl {
  name: string;
  type?: string;
  node: Node;
  defaultValueNode?: Node;
  allowedValues?: Value[];
  allowedValuesNode?: Node;
  /** Value supplied by a parameter file or by the parent deployment, when any. */
  supplied?: { value: Value; origin?: Origin };
}

export interface Scope {
  /** The file whose text this scope's expressions live in. */
  file: SourceFile;
  /** The template object node of this scope (root template, inline nested template, linked file root). */
  templateNode: Node;
  /** Parent scope for nested deployments; undefined for the root. */
  parent?: Scope;
  /** The deployment resource that created this scope (nested / linked), if any. */
  deployment?: Resource;
  parameters: Map<string, ParameterDecl>; // keys lower-cased
  /** Evaluates any JSON node of this scope (expressions in strings, property copy loops). */
  evaluate(node: Node): Value;
  /** Evaluates a template-language string ("[...]" expression or literal) in this scope. */
  evaluateString(text: string): Value;
  /** The effective value of a parameter (supplied, else default, else Unknown with candidates). */
  parameterValue(name: string): Value;
  variableValue(name: string): Value;
}

export interface Resource {
  scope: Scope;
  /** The resource object node. */
  node: Node;
  /** languageVersion 2.0 symbolic name, when any. */
  symbolicName?: string;
  /** Full type, parent types composed for nested child resources, e.g. "Microsoft.Network/virtualNetworks/subnets". */
  type: string;
  /** `type` lower-cased (computed once). */
  readonly typeLower: string;
  apiVersion?: string;
  /** Full name with parent names composed ("vnet/subnet"); may be an Unknown. */
  name: Value;
  /** The resource id ("/subscriptions/.../providers/<type>/<name...>"); may be symbolic. */
  id: Value;
  parent?: Resource;
  /** `condition`: true when absent. */
  condition: Value;
  existing: boolean;
  /** Copy-loop instance index when the resource is one instance of a resource copy loop. */
  copyIndex?: number;
  /** True when the resource is a copy loop whose count could not be known (one representative instance). */
  copyCountUnknown?: boolean;
  /** True for pseudo-resources synthesized from inline definitions (a VNet's inline subnets). */
  inline?: boolean;
  /** Evaluated `location`, `sku`, `properties` (lazily, memoized). */
  location(): Value;
  sku(): Value;
  properties(): ValueObject;
  /**
   * `properties` evaluated only where the caller looks: `choose(key)` is asked for every member
   * of a literal object ('skip': left out, 'whole': evaluated as in `properties()`, 'filter':
   * descended into). Under 'filter', only values that may contain a string or an object key
   * mentioning `needle` (case-insensitive) are evaluated; other values, and objects and arrays
   * with nothing kept inside, are `undefined`. Kept objects and arrays have the same keys (in
   * the same order), indices and origins as in `properties()`. Returns `properties()` itself
   * when it is already evaluated. For searches such as the users of a subnet (network/usage.ts).
   */
  partialProperties?(needle: string, choose: (key: string) => 'skip' | 'whole' | 'filter'): ValueObject;
  /** Evaluated top-level member of the resource object (e.g. "zones", "dependsOn", "kind"). */
  member(name: string): Value;
  /** Resolved `dependsOn` targets (in-template resources only). */
  dependsOn(): Resource[];
}

export type ResolveResult =
  | { kind: 'resource'; resource: Resource; certain: boolean }
  | {
      kind: 'external';
      /** Known parts of the id (undefined = unknown part). */
      subscriptionId?: Value;
      resourceGroup?: Value;
      type?: string;
      name?: Value;
      reason: string;
    }
  | { kind: 'unknown'; reason: string };

export interface Template {
  /** The document analyzed. */
  main: SourceFile;
  /** Every file read (main, linked templates, parameter file). */
  files: Map<string, SourceFile>;
  root: Scope;
  /** Every resource of every scope, children and inline subnets included, in document order. */
  resources: Resource[];
  /** Resources of a type (case-insensitive full type). */
  resourcesOfType(type: string): Resource[];
  /** Resolves a resource id / reference value to the in-template resource it names. */
  resolveId(id: Value, expectedType?: string): ResolveResult;
  /** Where an evaluated object or array came from (undefined for primitives and unknowns). */
  originOf(value: Value): Origin | undefined;
  /** The node of `key` inside an evaluated object, when the object is literal in the text. */
  propertyOrigin(obj: ValueObject, key: string): Origin | undefined;
  /** Compare two evaluated values (three-valued, never guessed). */
  equal(a: Value, b: Value, ignoreCase?: boolean): Tri;
  /** Non-fatal problems met while building (unresolved linked template, cycle, ...). */
  diagnostics: { message: string; origin?: Origin }[];
}

export interface BuildOptions {
  /** Path/URI of the document. */
  file: string;
  text: string;
  /** Parameter file to apply (path), if any; its text is read through readFile. */
  parametersFile?: string;
  /** Reads another file (linked templates, parameter files); returns undefined when unreadable or not allowed. */
  readFile?: (path: string) => string | undefined;
  /** Maximum number of copy-loop instances to expand (default 800, ARM's limit). */
  copyLimit?: number;
}
