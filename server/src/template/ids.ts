/**
 * Resource-id helpers over possibly symbolic strings: splitting on '/', parsing the parts of an
 * id (subscription, resource group, provider type, names), composing ids the way resourceId()
 * does so that both produce the same symbolic keys.
 */
import { Unknown, isUnknown, stringParts, symbolicConcat, type StringPart, type Value } from '../expressions/value';

/** Splits a string-ish value on '/'; opaque unknown parts are assumed not to contain '/'. */
export function splitPath(v: string | Unknown): StringPart[][] {
  const segs: StringPart[][] = [[]];
  for (const p of stringParts(v)) {
    if (typeof p === 'string') {
      const pieces = p.split('/');
      for (let i = 0; i < pieces.length; i++) {
        if (i > 0) segs.push([]);
        if (pieces[i] !== '') segs[segs.length - 1].push(pieces[i]);
      }
    } else {
      segs[segs.length - 1].push(p);
    }
  }
  return segs;
}

export function segValue(seg: StringPart[]): string | Unknown {
  return symbolicConcat(seg);
}

function lit(seg: StringPart[] | undefined): string | undefined {
  if (!seg) return undefined;
  if (seg.length === 0) return '';
  return seg.length === 1 && typeof seg[0] === 'string' ? seg[0] : undefined;
}

export interface ParsedId {
  /** Present when the id has a /subscriptions/{sub} segment. */
  subscriptionId?: Value;
  hasSubscription: boolean;
  resourceGroup?: Value;
  hasResourceGroup: boolean;
  /** Full resource type ("Microsoft.Network/virtualNetworks/subnets"); undefined when a type segment is not literal. */
  type?: string;
  /** Name segments, one per type segment after the namespace. */
  names: Value[];
  /** The id starts with an opaque unknown (e.g. a parameter holding a VNet id) followed by child segments. */
  prefixUnknown?: Unknown;
  /** Child type segments after an unknown prefix ("subnets"). */
  childTypes?: string[];
  /** The text did not look like a resource id at all. */
  malformed?: boolean;
}

/**
 * Parses `/subscriptions/{s}/resourceGroups/{rg}/providers/{ns}/{t1}/{n1}/...`, the subscription
 * and tenant forms, extension ids (`{scope}/providers/...`: the last provider part wins), and the
 * relative `{ns}/{t1}/{n1}` form. Never throws.
 */
export function parseId(v: string | Unknown): ParsedId {
  const segs = splitPath(v);
  const out: ParsedId = { hasSubscription: false, hasResourceGroup: false, names: [] };
  let i = 0;
  const leadingSlash = segs.length > 1 && segs[0].length === 0;
  if (leadingSlash) i = 1;
  // drop a trailing empty segment ("/.../name/")
  let end = segs.length;
  while (end > i && segs[end - 1].length === 0) end--;
  const eq = (s: StringPart[] | undefined, w: string) => lit(s)?.toLowerCase() === w;

  if (!leadingSlash && segs[0].length === 1 && isUnknown(segs[0][0]) && !(segs[0][0] as Unknown).parts) {
    // {opaque}/child/name/...
    const prefix = segs[0][0] as Unknown;
    let j = 1;
    // the prefix may itself be followed by /providers/... (extension resource on an unknown scope)
    let provAt = -1;
    for (let k = j; k < end; k++) if (eq(segs[k], 'providers')) provAt = k;
    if (provAt >= 0) return parseProviders(segs, provAt, end, out);
    out.prefixUnknown = prefix;
    out.childTypes = [];
    for (; j + 1 < end; j += 2) {
      const t = lit(segs[j]);
      if (t === undefined) return out;
      out.childTypes.push(t);
      out.names.push(segValue(segs[j + 1]));
    }
    return out;
  }

  if (eq(segs[i], 'subscriptions')) {
    out.hasSubscription = true;
    out.subscriptionId = segs[i + 1] ? segValue(segs[i + 1]) : undefined;
    i += 2;
    if (eq(segs[i], 'resourcegroups')) {
      out.hasResourceGroup = true;
      out.resourceGroup = segs[i + 1] ? segValue(segs[i + 1]) : undefined;
      i += 2;
    }
  }
  let provAt = -1;
  for (let k = i; k < end; k++) if (eq(segs[k], 'providers')) provAt = k;
  if (provAt >= 0) return parseProviders(segs, provAt, end, out);
  if (!leadingSlash && i === 0) {
    // relative "{ns}/{t1}/{n1}..." form (languageVersion 2.0 scope strings, dependsOn)
    const ns = lit(segs[0]);
    if (ns !== undefined && ns.includes('.') && end >= 3 && (end - 1) % 2 === 0) {
      return parseProviders(segs, -1, end, out);
    }
  }
  if (out.hasSubscription && i >= end) return out; // a subscription or resource-group id
  out.malformed = true;
  return out;
}

function parseProviders(segs: StringPart[][], provAt: number, end: number, out: ParsedId): ParsedId {
  const nsSeg = segs[provAt + 1];
  const ns = nsSeg ? segsLit(nsSeg) : undefined;
  const typeParts: string[] = [];
  let typeKnown = ns !== undefined;
  if (ns !== undefined) typeParts.push(ns);
  for (let k = provAt + 2; k < end; k += 2) {
    const t = segsLit(segs[k]);
    if (t === undefined) typeKnown = false;
    else typeParts.push(t);
    out.names.push(k + 1 < end ? segValue(segs[k + 1]) : new Unknown(`missing-name`, 'the id has no name for its last type'));
  }
  if (typeKnown && typeParts.length >= 2) out.type = typeParts.join('/');
  if (out.names.length === 0) out.malformed = true;
  return out;
}

function segsLit(seg: StringPart[]): string | undefined {
  return seg.length === 1 && typeof seg[0] === 'string' ? seg[0] : undefined;
}

/**
 * Composes `{prefix}/providers/{ns}/{t1}/{n1}/{t2}/{n2}` like resourceId(). `names` are the name
 * segments; when their count does not match the type, the names are appended as they are.
 */
export function composeId(prefix: StringPart[], type: string, names: Value[]): Value {
  const typeSegs = type.split('/');
  const parts: StringPart[] = [...prefix, '/providers/', typeSegs[0]];
  const tail = typeSegs.slice(1);
  if (tail.length === names.length) {
    for (let i = 0; i < tail.length; i++) {
      parts.push('/', tail[i], '/');
      const n = names[i];
      if (typeof n === 'string' || isUnknown(n)) parts.push(n);
      else return new Unknown(`resourceId(${type})`, 'a resource name is not a string');
    }
  } else {
    parts.push('/', tail.join('/'));
    for (const n of names) {
      parts.push('/');
      if (typeof n === 'string' || isUnknown(n)) parts.push(n);
      else return new Unknown(`resourceId(${type})`, 'a resource name is not a string');
    }
  }
  return symbolicConcat(parts);
}

/** Name segments of a (possibly symbolic) resource name. */
export function nameSegments(name: Value): Value[] {
  if (typeof name === 'string' || isUnknown(name)) {
    if (isUnknown(name) && !name.parts) return [name];
    return splitPath(name).map(segValue);
  }
  return [new Unknown('invalid-name', 'the resource name is not a string')];
}

/** Display key of a value for building canonical unknown keys. */
export function keyOf(v: Value): string {
  if (isUnknown(v)) return `{${v.key}}`;
  try {
    return JSON.stringify(v, (_k, x) => (x instanceof Unknown ? `{${x.key}}` : x)) ?? 'null';
  } catch {
    return '?';
  }
}
