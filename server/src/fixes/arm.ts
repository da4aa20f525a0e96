/**
 * ARM-specific helpers for the fix builders: template-language literals and resourceId
 * expressions, child resource names, where a subnet's owning resource and the scope's
 * `resources` container are, and creating a resource that a subnet then references.
 */
import type { TextEdit } from '../findings';
import {
  addDependsOn,
  addResource,
  composeSteps,
  findProperty,
  isExpressionString,
  isSymbolicContainer,
  nodeAt,
  setProperty,
  toPath,
  uniqueMemberName,
  type JsonPath,
  type PathOrNode,
} from './json-edit';

/** An ARM string literal inside an expression: 'it''s'. */
export function armLiteral(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** The expression text of a template string: "[x]" → x, a literal → 'literal' ("[[" unescaped). */
export function expressionOf(value: string): string {
  if (isExpressionString(value)) return value.substring(1, value.length - 1).trim();
  return armLiteral(value.startsWith('[[') ? value.substring(1) : value);
}

/** `[resourceId('<type>', <name>...)]` where each name is a literal or an "[expression]". */
export function resourceIdExpression(type: string, ...names: string[]): string {
  return `[resourceId(${[armLiteral(type), ...names.map(expressionOf)].join(', ')})]`;
}

/** The full name of a top-level child resource: 'parent/child', or a format() when a part is an expression. */
export function childResourceName(parent: string, child: string): string {
  if (!isExpressionString(parent) && !isExpressionString(child)) return `${parent}/${child}`;
  return `[format('{0}/{1}', ${expressionOf(parent)}, ${expressionOf(child)})]`;
}

/**
 * The resource that owns a subnet object: for an inline subnet
 * (`<vnet>/properties/subnets/<i>`) the VNet resource, otherwise the subnet resource itself.
 */
export function subnetOwnerPath(subnetPath: JsonPath): JsonPath {
  for (let i = subnetPath.length - 3; i >= 0; i--) {
    if (subnetPath[i] === 'properties' && subnetPath[i + 1] === 'subnets' && typeof subnetPath[i + 2] === 'number') {
      return subnetPath.slice(0, i);
    }
  }
  return subnetPath.slice();
}

/**
 * The top-level `resources` container of the template scope holding a resource path: the last
 * `resources` segment at the root or directly under a nested deployment's `template`.
 */
export function scopeResourcesPath(resourcePath: JsonPath): JsonPath {
  for (let i = resourcePath.length - 1; i >= 0; i--) {
    if (resourcePath[i] === 'resources' && (i === 0 || resourcePath[i - 1] === 'template')) {
      return resourcePath.slice(0, i + 1);
    }
  }
  return ['resources'];
}

/** A literal string member of the object at a path (undefined when absent or not a string). */
export function literalMember(text: string, objPath: PathOrNode, key: string): string | undefined {
  const obj = nodeAt(text, objPath);
  const v = obj && obj.type === 'object' ? findProperty(obj, key)?.children?.[1] : undefined;
  return v && v.type === 'string' ? String(v.value) : undefined;
}

export interface CreateAndAssociateOptions {
  /** Name of the new resource: a literal or an "[expression]" valid in the subnet's scope. */
  name: string;
  /** The subnet object: an inline subnet (VNet `properties.subnets[i]`) or a subnet resource. */
  subnetPath: PathOrNode;
  /** Resource that gets the `dependsOn` (default: the VNet for an inline subnet, else the subnet resource). */
  ownerResourcePath?: PathOrNode;
  /** Container to add the resource to (default: the scope's top-level `resources`). */
  resourcesPath?: PathOrNode;
  /** Symbolic name for languageVersion 2.0 templates (default: derived from the name, unique). */
  symbolicName?: string;
  /** Location (default: the owner resource's `location` string, else `[resourceGroup().location]`). */
  location?: string;
  /** Microsoft.Network API version (default: the owner's when it is a literal Microsoft.Network one, else 2023-11-01). */
  apiVersion?: string;
}

export const DEFAULT_NETWORK_API_VERSION = '2023-11-01';

/**
 * Adds a resource of `type` with `properties` and sets the subnet's `properties.<subnetProperty>`
 * to `{ id: resourceId(...) }`, adding the dependency to the owner (resourceId for array-form
 * templates, the symbolic name for languageVersion 2.0 ones).
 */
export function createAndAssociate(
  text: string,
  file: string,
  type: string,
  subnetProperty: string,
  properties: Record<string, unknown>,
  opts: CreateAndAssociateOptions,
  symbolicBase: string,
): TextEdit[] | undefined {
  const subnetPath = toPath(opts.subnetPath);
  if (!subnetPath) return undefined;
  const subnet = nodeAt(text, subnetPath);
  if (!subnet || subnet.type !== 'object') return undefined;
  const ownerPath = toPath(opts.ownerResourcePath) ?? subnetOwnerPath(subnetPath);
  const owner = nodeAt(text, ownerPath);
  if (!owner || owner.type !== 'object') return undefined;
  const resourcesPath = toPath(opts.resourcesPath) ?? scopeResourcesPath(ownerPath);
  const symbolic = isSymbolicContainer(text, resourcesPath);
  const symbolicName = symbolic ? opts.symbolicName ?? uniqueMemberName(text, resourcesPath, symbolicNameFor(opts.name, symbolicBase)) : undefined;
  if (symbolicName && findProperty(nodeAt(text, resourcesPath)!, symbolicName)) return undefined;

  const ownerType = literalMember(text, ownerPath, 'type') ?? '';
  const nestedIn = ownerPath.length >= 2 && ownerPath[ownerPath.length - 2] === 'resources' ? ownerPath.slice(0, -2) : undefined;
  const isNetwork =
    /^microsoft\.network\//i.test(ownerType) ||
    (!ownerType.includes('.') && nestedIn !== undefined && nestedIn.length > 0 && /^microsoft\.network\//i.test(literalMember(text, nestedIn, 'type') ?? ''));
  const ownerApi = literalMember(text, ownerPath, 'apiVersion');
  const apiVersion =
    opts.apiVersion ?? (ownerApi && isNetwork && /^\d{4}-\d{2}-\d{2}(-preview)?$/.test(ownerApi) ? ownerApi : DEFAULT_NETWORK_API_VERSION);
  const location =
    opts.location ?? literalMember(text, ownerPath, 'location') ?? vnetLocation(text, ownerPath, resourcesPath) ?? '[resourceGroup().location]';

  const resource = { type, apiVersion, name: opts.name, location, properties };
  const id = resourceIdExpression(type, opts.name);
  return composeSteps(text, file, [
    (t) => addResource(t, file, resourcesPath, resource, symbolicName),
    (t) => setProperty(t, file, [...subnetPath, 'properties', subnetProperty], { id }),
    (t) => addDependsOn(t, file, ownerPath, symbolicName ?? id),
  ]);
}

/** A camelCase identifier from a literal resource name ("apim-nsg" → "apimNsg"); `fallback` for expressions. */
export function symbolicNameFor(name: string, fallback: string): string {
  if (isExpressionString(name)) return fallback;
  const words = name.split(/[^A-Za-z0-9]+/).filter((w) => w.length > 0);
  if (words.length === 0) return fallback;
  const id = words.map((w, i) => (i === 0 ? w[0].toLowerCase() + w.substring(1) : w[0].toUpperCase() + w.substring(1))).join('');
  return /^[0-9]/.test(id) ? fallback + id : id;
}

function normalizeExpr(s: string): string {
  return s.replace(/\s+/g, '').toLowerCase();
}

/**
 * The literal `location` string of the VNet a subnet resource belongs to (an NSG or route table
 * must be in the VNet's region): the enclosing VNet of a nested child subnet, else a VNet the
 * subnet depends on (by symbolic name or by resourceId over the same name expression), else the
 * only VNet of the container.
 */
function vnetLocation(text: string, ownerPath: JsonPath, resourcesPath: JsonPath): string | undefined {
  const isVnet = (p: JsonPath): boolean => /^microsoft\.network\/virtualnetworks$/i.test(literalMember(text, p, 'type') ?? '');
  // nested child: <vnet>/resources/<i>
  if (ownerPath.length >= 2 && ownerPath[ownerPath.length - 2] === 'resources') {
    const parent = ownerPath.slice(0, -2);
    if (parent.length > 0 && isVnet(parent)) {
      const loc = literalMember(text, parent, 'location');
      if (loc) return loc;
    }
  }
  const container = nodeAt(text, resourcesPath);
  if (!container || (container.type !== 'array' && container.type !== 'object')) return undefined;
  const entries: { path: JsonPath; key?: string }[] = (container.children ?? []).map((c, i) =>
    container.type === 'array' ? { path: [...resourcesPath, i] } : { path: [...resourcesPath, String(c.children?.[0]?.value)], key: String(c.children?.[0]?.value) },
  );
  const vnets = entries.filter((e) => isVnet(e.path));
  const owner = nodeAt(text, ownerPath);
  const deps = owner && owner.type === 'object' ? findProperty(owner, 'dependsOn')?.children?.[1] : undefined;
  for (const d of deps?.type === 'array' ? deps.children ?? [] : []) {
    if (d.type !== 'string') continue;
    const dep = String(d.value);
    for (const v of vnets) {
      const name = literalMember(text, v.path, 'name');
      const matches =
        (v.key !== undefined && v.key.toLowerCase() === dep.toLowerCase()) ||
        (name !== undefined && normalizeExpr(dep) === normalizeExpr(resourceIdExpression('Microsoft.Network/virtualNetworks', name)));
      if (matches) {
        const loc = literalMember(text, v.path, 'location');
        if (loc) return loc;
      }
    }
  }
  if (vnets.length === 1) return literalMember(text, vnets[0].path, 'location');
  return undefined;
}
