import type { Node } from 'jsonc-parser';
import type { Value, ValueObject } from '../expressions/value';

/** Assigns a property safely (a "__proto__" key must not change the prototype). */
export function setProp(obj: ValueObject, key: string, v: Value): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
  else obj[key] = v;
}

/** The literal JSON value of a node (no expression evaluation), depth-capped. */
export function literalValue(node: Node | undefined, depth = 0): Value {
  if (!node || depth > 512) return null;
  switch (node.type) {
    case 'string':
      return typeof node.value === 'string' ? node.value : '';
    case 'number':
      return typeof node.value === 'number' ? node.value : 0;
    case 'boolean':
      return node.value === true;
    case 'null':
      return null;
    case 'array':
      return (node.children ?? []).map((c) => literalValue(c, depth + 1));
    case 'object': {
      const o: ValueObject = {};
      for (const p of node.children ?? []) {
        const k = p.children?.[0];
        const v = p.children?.[1];
        if (k && v && typeof k.value === 'string') setProp(o, k.value, literalValue(v, depth + 1));
      }
      return o;
    }
    default:
      return null;
  }
}
