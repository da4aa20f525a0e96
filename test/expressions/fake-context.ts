/** A small fake EvalContext for expression tests: some known values, some Unknowns. */
import * as assert from 'node:assert/strict';
import type { EvalContext, UserFunction } from '../../server/src/expressions/context';
import { Unknown, isUnknown, type Value } from '../../server/src/expressions/value';
import { evaluateString, keyOf } from '../../server/src/expressions/evaluator';
import { markOpenObject } from '../../server/src/expressions/util';

export interface FakeOptions {
  /** copyIndex() value (default: Unknown outside a loop). */
  copyIndex?: Value;
}

export function fakeContext(opts: FakeOptions = {}): EvalContext & { calls: string[] } {
  const calls: string[] = [];
  const params: Record<string, Value> = {
    vnetname: 'apim-vnet',
    subnetname: 'apim-subnet',
    count: 3,
    enabled: true,
    tags: { env: 'prod', Owner: 'net' },
    list: ['a', 'b', 'c'],
    rules: [{ name: 'r1', port: 443 }, { name: 'r2', port: 3443 }],
    nums: [5, 1, 4],
    empty: '',
    nothing: null,
    sku: new Unknown("parameters('sku')", "parameter 'sku' has no value", ['Premium', 'Developer']),
    prefix: '10.0.0.0/16',
  };
  const vars: Record<string, Value> = {
    subnetid: "computed",
    obj: { a: { b: [10, 20, 30] }, 'Mixed-Case': 1 },
  };
  const fns: Record<string, UserFunction> = {
    'ns.double': { parameters: ['x'], invoke: (args) => (typeof args[0] === 'number' ? args[0] * 2 : new Unknown(`ns.double(${keyOf(args[0])})`, 'unknown arg')) },
    'ns.throws': {
      parameters: [],
      invoke: () => {
        throw new Error('boom');
      },
    },
  };
  return {
    calls,
    parameter(name) {
      calls.push(`parameter:${name}`);
      const k = name.toLowerCase();
      if (k in params) return params[k];
      return new Unknown(`parameters('${name}')`, `parameter '${name}' has no value`);
    },
    variable(name) {
      const k = name.toLowerCase();
      if (k in vars) return vars[k];
      return new Unknown(`variables('${name}')`, `variable '${name}' is not defined`);
    },
    userFunction(ns, name) {
      return fns[`${ns}.${name}`.toLowerCase()];
    },
    copyIndex(loop) {
      calls.push(`copyIndex:${loop ?? ''}`);
      if (opts.copyIndex !== undefined) return opts.copyIndex;
      return new Unknown(loop ? `copyIndex('${loop}')` : 'copyIndex()', 'copyIndex() used outside of a copy loop');
    },
    reference(target, full): Value {
      calls.push(`reference:${keyOf(target)}:${full}`);
      if (target === 'openres') return markOpenObject({ provisioningState: 'Succeeded' }, "reference('openres')", 'runtime property known only after deployment');
      if (target === 'vnet1') return full ? { properties: { addressSpace: { addressPrefixes: ['10.1.0.0/16'] } }, location: 'westeurope' } : { addressSpace: { addressPrefixes: ['10.1.0.0/16'] }, outputs: { subnetId: { value: '/x/y' } } };
      return new Unknown(`reference(${keyOf(target)})`, 'resource outside the template');
    },
    resourceInfo(name) {
      if (name === 'apim') return { id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ApiManagement/service/apim', name: 'apim', type: 'Microsoft.ApiManagement/service' };
      return new Unknown(`resourceInfo('${name}')`, `no resource '${name}'`);
    },
    subscription() {
      return {
        id: new Unknown('subscription().id', 'deployment subscription'),
        subscriptionId: new Unknown('subscription().subscriptionId', 'deployment subscription'),
        tenantId: new Unknown('subscription().tenantId', 'deployment tenant'),
      };
    },
    resourceGroup() {
      return {
        id: new Unknown('resourceGroup().id', 'deployment resource group'),
        name: new Unknown('resourceGroup().name', 'deployment resource group'),
        location: new Unknown('resourceGroup().location', 'deployment resource group location'),
      };
    },
    deployment() {
      return { name: 'deploy1', properties: { templateLink: { uri: 'https://example.com/templates/main.json' } } };
    },
    managementGroup() {
      return { name: 'mg1', id: '/providers/Microsoft.Management/managementGroups/mg1' };
    },
    tenant() {
      return { tenantId: new Unknown('tenant().tenantId', 'deployment tenant') };
    },
    environment() {
      return { name: 'AzureCloud', suffixes: { storage: 'core.windows.net' } };
    },
  };
}

/** Expected result: a plain value, or a description of an Unknown. */
export type Expect = { value: Value } | { unknown: true; key?: string; reason?: RegExp | string; candidates?: Value[] };

/** Strips Unknowns for deepEqual of plain values. */
export function check(expr: string, expected: Expect, ctx: EvalContext = fakeContext()): Value {
  const v = evaluateString(expr, ctx);
  if ('value' in expected) {
    assert.ok(!isUnknown(v), `${expr}: expected ${JSON.stringify(expected.value)} but got Unknown ${isUnknown(v) ? `${v.key} (${v.reason})` : ''}`);
    assert.deepEqual(v, expected.value, expr);
  } else {
    assert.ok(isUnknown(v), `${expr}: expected an Unknown but got ${JSON.stringify(v)}`);
    if (expected.key !== undefined) assert.equal(v.key, expected.key, `${expr}: key`);
    if (expected.reason !== undefined) {
      if (typeof expected.reason === 'string') assert.ok(v.reason.includes(expected.reason), `${expr}: reason '${v.reason}' should include '${expected.reason}'`);
      else assert.match(v.reason, expected.reason, `${expr}: reason`);
    }
    if (expected.candidates !== undefined) assert.deepEqual(v.candidates, expected.candidates, `${expr}: candidates`);
  }
  return v;
}

export const val = (value: Value): Expect => ({ value });
export const unk = (o: { key?: string; reason?: RegExp | string; candidates?: Value[] } = {}): Expect => ({ unknown: true, ...o });
