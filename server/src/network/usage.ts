/**
 * Which other resources use a subnet (for `shared-subnet`): every in-template resource whose
 * evaluated properties hold an id that resolves to the subnet (NIC / VMSS / App Gateway / firewall
 * / bastion ipConfigurations, private endpoints, AKS `vnetSubnetID`, App Service
 * `virtualNetworkSubnetId`, Container Apps `infrastructureSubnetId`, other services'
 * `subnetResourceId`, ...), plus the delegations on the subnet itself.
 *
 * Cost: one index per template, built once (WeakMap) by walking only resources whose text
 * mentions "subnet"; every subnet-looking id is bucketed by its lower-cased last name segment, so
 * a query resolves only the ids that can name the subnet.
 */
import {
  Unknown,
  isArray,
  isObject,
  isUnknown,
  displayValue,
  type Value,
  type ValueObject,
} from '../expressions/value';
import type { Origin, Resource, Template } from '../template/model';
import { prop, sameIgnoringCase } from '../template/parse';
import { SUBNET_TYPE, VNET_TYPE, conditionTrue, member, safe, sameType, splitName, resourceOrigin } from './chain';

export interface SubnetUser {
  resource: Resource;
  /** Where the reference (or the delegation) is written. */
  origin?: Origin;
  /** 'nic', 'application-gateway', 'private-endpoint', 'vmss', 'aks', 'app-service', 'firewall', 'apim', 'delegation', ... or the resource type. */
  kind: string;
  /** Extra detail: the delegation's serviceName, or the property path of the reference. */
  detail?: string;
  /** False when the reference resolves to the subnet only under an unknown value, or the user's `condition` is not known to be true. */
  certain?: boolean;
}

/** A subnet-looking id found in a resource's evaluated properties. */
interface IdRef {
  resource: Resource;
  value: Value;
  /** The evaluated object holding it and its key, for the origin. */
  holder?: ValueObject;
  key?: string;
  path: string;
}

interface UsageIndex {
  /** Lower-cased last name segment ("apim"), "{key}" for an unknown last segment, "*" when undecidable. */
  byName: Map<string, IdRef[]>;
  /** Document order of resources, built on first need. */
  order?: Map<Resource, number>;
  /** Memoized answers per subnet and excluded resource. */
  results: Map<Resource, Map<Resource, SubnetUser[]>>;
}

const cache = new WeakMap<Template, UsageIndex>();

const SUBNET_RE = /subnet/i;

/** Types that never "use" a subnet although their text may mention subnet ids. */
const SKIP_TYPES = new Set(
  [
    'Microsoft.Resources/deployments',
    VNET_TYPE,
    SUBNET_TYPE,
    'Microsoft.Network/networkSecurityGroups',
    'Microsoft.Network/routeTables',
    'Microsoft.Network/virtualNetworks/virtualNetworkPeerings',
  ].map((t) => t.toLowerCase()),
);

/**
 * Keys whose contents are never a use of a subnet, so the search does not read them: network
 * ACLs (they allow traffic FROM a subnet), and members that by their ARM schema hold scalars or
 * references to other kinds of resources (a private endpoint's connections to its target service,
 * an application gateway's certificates, listeners, rules and probes, public IPs, and a NIC's NSG
 * and security groups). Reading them cost the most where their values come from
 * parameters of nested deployments (each was followed to decide that it names no subnet); a
 * subnet id written there is not a use of the subnet either.
 */
const IGNORED_KEYS = new Set([
  // network ACLs
  'virtualnetworkrules',
  'ipsecurityrestrictions',
  'scmipsecurityrestrictions',
  'iprules',
  // private endpoints: the target service
  'privatelinkserviceconnections',
  'manualprivatelinkserviceconnections',
  'privatelinkserviceid',
  'groupids',
  // application gateways: everything but gatewayIPConfigurations / frontendIPConfigurations
  'sslcertificates',
  'trustedrootcertificates',
  'keyvaultsecretid',
  'sslpolicy',
  'httplisteners',
  'requestroutingrules',
  'probes',
  'backendhttpsettingscollection',
  'frontendports',
  'rewriterulesets',
  'redirectconfigurations',
  'urlpathmaps',
  'webapplicationfirewallconfiguration',
  'firewallpolicy',
  // NICs, bastion hosts, gateways: the other resources an IP configuration points at
  'publicipaddress',
  'publicipprefix',
  'networksecuritygroup',
  'applicationsecuritygroups',
  'loadbalancerinboundnatrules',
  // scalars
  'fqdn',
  'fqdns',
  'hostname',
  'hostnames',
]);

export function findSubnetUsers(template: Template, subnet: Resource, exclude: Resource): SubnetUser[] {
  const index = getIndex(template);
  // Rules and the report ask the same question: answer it once per (subnet, excluded service).
  let bySubnet = index.results.get(subnet);
  if (!bySubnet) index.results.set(subnet, (bySubnet = new Map()));
  let res = bySubnet.get(exclude);
  if (!res) bySubnet.set(exclude, (res = computeUsers(template, index, subnet, exclude)));
  return res.slice();
}

function computeUsers(template: Template, index: UsageIndex, subnet: Resource, exclude: Resource): SubnetUser[] {
  const out: SubnetUser[] = [];
  const keys = new Set<string>(['*']);
  const segs = splitName(subnet.name);
  const last = segs.length ? segs[segs.length - 1] : subnet.name;
  keys.add(nameKey(last));
  const seen = new Set<Resource>();
  for (const k of keys) {
    for (const ref of index.byName.get(k) ?? []) {
      const res = ref.resource;
      if (res === exclude || res === subnet || isSameResource(res, exclude) || seen.has(res)) continue;
      if (subnet.parent && res === subnet.parent) continue;
      // The same id (or the same symbolic id) needs no resolution; anything else is resolved.
      let certain = true;
      if (safe(() => template.equal(ref.value, subnet.id, true), undefined) !== true) {
        const r = safe(() => template.resolveId(ref.value, SUBNET_TYPE), undefined);
        if (!r || r.kind !== 'resource' || !isSameResource(r.resource, subnet)) continue;
        certain = r.certain;
      }
      // A user that may not be deployed (condition not known to be true) is not a certain user.
      if (!conditionTrue(res)) certain = false;
      seen.add(res);
      out.push({
        resource: res,
        origin: refOrigin(template, ref),
        kind: kindOf(res),
        detail: ref.path,
        certain,
      });
    }
  }
  // Delegations on the subnet itself: the subnet is given to another service.
  const props = safe(() => subnet.properties(), {} as ValueObject);
  const dels = member(props, 'delegations');
  if (isArray(dels)) {
    dels.forEach((d, i) => {
      const svc = member(member(d, 'properties'), 'serviceName') ?? member(d, 'serviceName');
      out.push({
        resource: subnet,
        origin: (isObject(d) ? safe(() => template.originOf(d), undefined) : undefined) ?? delegationNodeOrigin(subnet, i),
        kind: 'delegation',
        detail: svc === undefined ? undefined : displayValue(svc),
        certain: !isUnknown(d),
      });
    });
  } else if (isUnknown(dels)) {
    out.push({ resource: subnet, kind: 'delegation', detail: displayValue(dels), certain: false });
  }
  // Document order, for stable output.
  if (out.length > 1) {
    if (!index.order) {
      index.order = new Map();
      template.resources.forEach((r, i) => index.order!.set(r, i));
    }
    const ord = index.order;
    const pos = (r: Resource) => ord.get(r) ?? Number.MAX_SAFE_INTEGER;
    out.sort((a, b) => pos(a.resource) - pos(b.resource));
  }
  return out;
}

/** The kind of a user by its resource type. */
export function kindOf(res: Resource): string {
  const t = res.typeLower;
  const table: [string, string][] = [
    ['microsoft.apimanagement/service', 'apim'],
    ['microsoft.network/networkinterfaces', 'nic'],
    ['microsoft.network/applicationgateways', 'application-gateway'],
    ['microsoft.network/privateendpoints', 'private-endpoint'],
    ['microsoft.compute/virtualmachinescalesets', 'vmss'],
    ['microsoft.containerservice/managedclusters', 'aks'],
    ['microsoft.web/sites', 'app-service'],
    ['microsoft.web/hostingenvironments', 'app-service-environment'],
    ['microsoft.network/azurefirewalls', 'firewall'],
    ['microsoft.network/bastionhosts', 'bastion'],
    ['microsoft.network/virtualnetworkgateways', 'vnet-gateway'],
    ['microsoft.network/loadbalancers', 'load-balancer'],
    ['microsoft.network/privatelinkservices', 'private-link-service'],
    ['microsoft.app/managedenvironments', 'container-apps'],
    ['microsoft.containerinstance/containergroups', 'container-instance'],
    ['microsoft.sql/managedinstances', 'sql-managed-instance'],
    ['microsoft.network/privatednsresolvers', 'dns-resolver'],
    ['microsoft.databricks/workspaces', 'databricks'],
    ['microsoft.network/applicationgatewayforcontainers', 'application-gateway'],
    ['microsoft.resources/deploymentscripts', 'deployment-script'],
    ['microsoft.cache/redis', 'redis'],
    ['microsoft.compute/virtualmachines', 'vm'],
  ];
  for (const [prefix, kind] of table) if (t === prefix || t.startsWith(prefix + '/')) return kind;
  return res.type;
}

function isSameResource(a: Resource, b: Resource): boolean {
  if (a === b) return true;
  if (a.node === b.node && a.copyIndex === b.copyIndex && a.scope === b.scope) return true;
  return false;
}

function nameKey(v: Value): string {
  if (typeof v === 'string') return v.toLowerCase();
  if (isUnknown(v)) {
    const parts = v.parts ?? [v];
    const last = parts[parts.length - 1];
    // A last segment that ends in literal text after an unknown ("{x}-apim") cannot be bucketed by name.
    if (parts.length === 1 && last instanceof Unknown) return `{${last.key}}`;
    return '*';
  }
  return '*';
}

/** The bucket key of an id value: lower-cased text after the last '/', or "{key}" / "*". */
function idKey(v: Value): string | undefined {
  if (typeof v === 'string') {
    if (!/\/subnets\//i.test(v)) return undefined;
    const i = v.replace(/\/+$/, '').lastIndexOf('/');
    return v.slice(i + 1).replace(/\/+$/, '').toLowerCase();
  }
  if (isUnknown(v)) {
    if (!v.parts) return '*'; // opaque: only collected under subnet-like keys
    const parts = v.parts;
    if (!parts.some((p) => typeof p === 'string' && /\/subnets\//i.test(p))) {
      // e.g. "{vnetId}/subnets/x" has '/subnets/' in a literal; otherwise it may still be an id
      return parts.some((p) => typeof p === 'string' && /subnets/i.test(p)) ? '*' : undefined;
    }
    const last = parts[parts.length - 1];
    if (typeof last === 'string') {
      const k = last.lastIndexOf('/');
      if (k >= 0) return last.slice(k + 1).toLowerCase();
      return '*';
    }
    const prev = parts[parts.length - 2];
    if (typeof prev === 'string' && prev.endsWith('/')) return `{${last.key}}`;
    return '*';
  }
  return undefined;
}

function getIndex(template: Template): UsageIndex {
  let idx = cache.get(template);
  if (idx) return idx;
  idx = { byName: new Map(), results: new Map() };
  for (const res of template.resources) {
    if (res.existing || res.inline) continue;
    const t = res.typeLower;
    if (SKIP_TYPES.has(t) || t.endsWith('/virtualnetworkrules') || t.endsWith('/networkrulesets') || t.startsWith('microsoft.authorization/')) continue;
    // Only resources whose text mentions "subnet", or whose whole `properties` is an expression.
    // (a test over the resource's own text: cheaper than one scan of the whole file, which also
    // covers the skipped resources and the rest of the template)
    const text = res.scope.file.text;
    if (!SUBNET_RE.test(text.slice(res.node.offset, res.node.offset + res.node.length)) && !computedProperties(res)) continue;
    // Only what can hold a subnet id is evaluated: members under a key that names a subnet
    // whole, elsewhere the values that may mention "subnet" (model: partialProperties).
    const props = safe(() => (res.partialProperties ? res.partialProperties('subnet', chooseMember) : res.properties()), undefined as ValueObject | undefined);
    if (!props) continue;
    walk({ res, idx, path: ['properties'] }, props, undefined, undefined, false);
  }
  cache.set(template, idx);
  return idx;
}

/** A key the search does not read (IGNORED_KEYS, any case), compared without lower-casing it. */
function isIgnoredKey(key: string): boolean {
  const same = IGNORED_BY_LENGTH.get(key.length);
  if (!same) return false;
  for (const k of same) if (sameIgnoringCase(key, k)) return true;
  return false;
}
const IGNORED_BY_LENGTH = new Map<number, string[]>();
for (const k of IGNORED_KEYS) IGNORED_BY_LENGTH.set(k.length, [...(IGNORED_BY_LENGTH.get(k.length) ?? []), k]);

/** What walk() reads of a member outside a subnet key: nothing (IGNORED_KEYS), everything (a subnet key), or what may mention "subnet". */
function chooseMember(key: string): 'skip' | 'whole' | 'filter' {
  if (isIgnoredKey(key)) return 'skip';
  return SUBNET_RE.test(key) ? 'whole' : 'filter';
}

function computedProperties(res: Resource): boolean {
  // the member the builder evaluates (`prop`: exact name first, then any case; no lower-casing)
  return prop(res.node, 'properties')?.type === 'string';
}

/** The resource walked and the keys and indices down to the value at hand ("properties", ...). */
interface WalkState {
  res: Resource;
  idx: UsageIndex;
  path: (string | number)[];
}

/** The property path of the value at hand, as text: "properties.ipConfigurations[0].properties.subnet.id". */
function pathText(path: (string | number)[]): string {
  let s = '';
  for (const seg of path) s += typeof seg === 'number' ? `[${seg}]` : s ? `.${seg}` : seg;
  return s;
}

function walk(st: WalkState, v: Value, holder: ValueObject | undefined, key: string | undefined, subnetKey: boolean): void {
  const path = st.path;
  if (path.length > 41) return;
  if (typeof v === 'string' || isUnknown(v)) {
    if (isUnknown(v) && !v.parts && !subnetKey) return;
    const k = idKey(v);
    if (k === undefined) return;
    let list = st.idx.byName.get(k);
    if (!list) st.idx.byName.set(k, (list = []));
    list.push({ resource: st.res, value: v, holder, key, path: pathText(path) });
    return;
  }
  if (isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      path.push(i);
      walk(st, v[i], holder, key, subnetKey);
      path.pop();
    }
    return;
  }
  if (isObject(v)) {
    for (const k of Object.keys(v)) {
      if (isIgnoredKey(k)) continue;
      path.push(k);
      walk(st, v[k], v, k, subnetKey || SUBNET_RE.test(k));
      path.pop();
    }
  }
}

function refOrigin(template: Template, ref: IdRef): Origin | undefined {
  if (ref.holder && ref.key !== undefined) {
    const o = safe(() => template.propertyOrigin(ref.holder as ValueObject, ref.key as string), undefined);
    if (o) return o;
    const ho = safe(() => template.originOf(ref.holder as ValueObject), undefined);
    if (ho) return ho;
  }
  return resourceOrigin(ref.resource);
}

function delegationNodeOrigin(subnet: Resource, i: number): Origin | undefined {
  const base = resourceOrigin(subnet);
  // child resource: properties.delegations[i]; inline subnet pseudo-resource: same shape.
  const find = (n: import('jsonc-parser').Node | undefined, k: string | number) => {
    if (!n) return undefined;
    if (typeof k === 'number') return n.type === 'array' ? n.children?.[k] : undefined;
    for (const p of n.children ?? []) {
      const kn = p.children?.[0];
      if (p.type === 'property' && kn && typeof kn.value === 'string' && kn.value.toLowerCase() === k.toLowerCase()) return p.children?.[1];
    }
    return undefined;
  };
  const node = find(find(find(base.node, 'properties'), 'delegations'), i);
  return node ? { file: base.file, node, literal: true } : undefined;
}

/** Exported for tests and rules: resources of APIM type sharing the subnet are kind 'apim'. */
export const APIM_KIND = 'apim';
