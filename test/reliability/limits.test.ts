/**
 * Limits (issue 7), in process on the analyzer: each pathological input ends with a clear
 * message (a finding or a template diagnostic) within a bounded time, never a hang, a stack
 * overflow or an internal error. The CLI / language-server sides of the limits are in
 * cli-limits.test.ts and lsp-stress.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { analyze, type AnalysisResult } from '../../server/src/analyzer';
import { DEFAULT_MAX_FILE_SIZE } from '../../server/src/config/types';
import { FIXTURES_DIR, applyEdits, jsonFlavor, resultProblems } from './common';
import { SCHEMA } from './generators';

/** Generous: a hang detector, not a performance test (the machine may be loaded). */
const BOUND_MS = 10_000;

function timed(file: string, text: string, extra: Partial<Parameters<typeof analyze>[0]> = {}): AnalysisResult {
  const t0 = performance.now();
  const r = analyze({ file, text, ...extra });
  const ms = performance.now() - t0;
  assert.ok(ms < BOUND_MS, `${file}: analysis took ${ms.toFixed(0)} ms (bound ${BOUND_MS} ms)`);
  assert.deepEqual(resultProblems(file, text, r), [], `${file}: no internal error, ranges inside`);
  return r;
}

function apimTemplate(opts: { sku?: unknown; subnet?: unknown; variables?: unknown; resources?: unknown[]; extraProps?: Record<string, unknown> } = {}): string {
  return JSON.stringify({
    $schema: SCHEMA,
    contentVersion: '1.0.0.0',
    variables: opts.variables ?? {},
    resources: [
      ...(opts.resources ?? []),
      {
        type: 'Microsoft.ApiManagement/service',
        apiVersion: '2022-08-01',
        name: 'apim',
        location: 'westeurope',
        sku: { name: opts.sku ?? 'Developer', capacity: 1 },
        properties: {
          publisherEmail: 'a@contoso.com',
          publisherName: 'Contoso',
          virtualNetworkType: 'External',
          virtualNetworkConfiguration: { subnetResourceId: opts.subnet ?? "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'apim')]" },
          ...opts.extraProps,
        },
      },
    ],
  });
}

const N = 100_000;

test(`nesting ${N.toLocaleString('en')} levels deep: no stack overflow; a template says it was not analyzed and why`, () => {
  const cases: [string, string][] = [
    ['unclosed-arrays.json', '['.repeat(N)],
    ['closed-arrays.json', '['.repeat(N) + ']'.repeat(N)],
    ['objects.json', '{"a":'.repeat(N) + '1' + '}'.repeat(N)],
    ['mixed-unclosed.json', '{"a":['.repeat(N / 2)],
    ['in-template.json', apimTemplate({ extraProps: { deep: '__DEEP__' } }).replace('"__DEEP__"', '{"a":'.repeat(N) + '1' + '}'.repeat(N))],
    ['in-template-broken.json', apimTemplate({ extraProps: { deep: '__DEEP__' } }).replace('"__DEEP__"', '[{'.repeat(N / 2))],
  ];
  for (const [name, text] of cases) {
    const r = timed(`/limits/${name}`, text);
    if (name.startsWith('in-template')) {
      const skipped = r.findings.find((f) => f.ruleId === 'file-skipped');
      assert.ok(skipped, `${name}: a file-skipped finding`);
      assert.match(skipped.message, /nested deeper than \d+ levels/);
      assert.equal(r.kind, 'template');
    }
  }
});

test(`expressions nested ${N.toLocaleString('en')} levels deep (calls, indexes, parentheses) evaluate to Unknown or a value, without overflow`, () => {
  const exprs = [
    `[${'concat('.repeat(N)}'Developer'${')'.repeat(N)}]`,
    `[createArray('Developer')${'[0]'.repeat(N)}]`,
    `[${'('.repeat(N)}'Developer'${')'.repeat(N)}]`,
    `[${'if(true, '.repeat(N)}'Developer'${", 'x')".repeat(N)}]`,
    `[${'concat('.repeat(N)}`, // unclosed
  ];
  for (const [i, e] of exprs.entries()) timed(`/limits/deep-expression-${i}.json`, apimTemplate({ sku: e }));
});

test('expressions 1 MB long (a literal, a million-character argument list, unbalanced brackets and quotes) are analyzed in bounded time', () => {
  const MB = 1 << 20;
  const exprs = [
    `[concat('${'D'.repeat(MB)}')]`,
    `[concat(${"'a',".repeat(MB / 4)}'b')]`,
    `[concat(${"((('[".repeat(MB / 5)}]`,
    `[${"'".repeat(MB)}]`,
    `[parameters('${'é😀'.repeat(MB / 3)}')]`,
  ];
  for (const [i, e] of exprs.entries()) {
    assert.ok(e.length >= MB - 8, 'at least 1 MB');
    timed(`/limits/long-expression-${i}.json`, apimTemplate({ sku: e, subnet: e }));
  }
});

test('variables that reference each other in a cycle (and themselves) end as Unknown: the subnet is reported unverifiable', () => {
  const r = timed(
    '/limits/variable-cycle.json',
    apimTemplate({
      variables: { a: "[variables('b')]", b: "[concat(variables('c'), '/x')]", c: "[variables('a')]", self: "[variables('self')]" },
      sku: "[variables('self')]",
      subnet: "[variables('a')]",
    }),
  );
  assert.ok(r.findings.some((f) => f.ruleId === 'unverifiable-network'), `an unverifiable-network finding: ${JSON.stringify(r.findings.map((f) => f.ruleId))}`);
});

test('copy loops of count 1e9 (resource, property and variable copies, range()) are capped with a message', () => {
  const nsg = {
    type: 'Microsoft.Network/networkSecurityGroups',
    apiVersion: '2023-04-01',
    name: 'nsg',
    location: 'westeurope',
    properties: {
      copy: [
        {
          name: 'securityRules',
          count: 1e9,
          input: {
            name: "[concat('deny', copyIndex('securityRules'))]",
            properties: { priority: "[add(100, copyIndex('securityRules'))]", direction: 'Inbound', access: 'Deny', protocol: '*', sourceAddressPrefix: '*', sourcePortRange: '*', destinationAddressPrefix: '*', destinationPortRange: '*' },
          },
        },
      ],
    },
  };
  const vnet = {
    type: 'Microsoft.Network/virtualNetworks',
    apiVersion: '2023-04-01',
    name: "[concat('vnet', if(equals(copyIndex(), 0), '', string(copyIndex())))]",
    location: 'westeurope',
    copy: { name: 'vnets', count: 1e9 },
    properties: {
      addressSpace: { addressPrefixes: ['10.0.0.0/16'] },
      subnets: [{ name: 'apim', properties: { addressPrefix: '10.0.0.0/24', networkSecurityGroup: { id: "[resourceId('Microsoft.Network/networkSecurityGroups', 'nsg')]" } } }],
    },
  };
  const r = timed(
    '/limits/copy-1e9.json',
    apimTemplate({
      resources: [nsg, vnet],
      variables: { copy: [{ name: 'many', count: 1e9, input: "[copyIndex('many')]" }], big: '[range(0, 1000000000)]' },
      extraProps: { tags: { n: "[length(variables('many'))]", m: "[length(variables('big'))]" } },
    }),
  );
  const messages = (r.template?.diagnostics ?? []).map((d) => d.message).join('\n');
  assert.match(messages, /1000000000 instances; only the first \d+ are analyzed/, `a cap message among the template diagnostics:\n${messages}`);
  // the capped rules are still evaluated: deny-all at priority 100 blocks the required ports
  assert.ok(r.findings.some((f) => f.ruleId === 'nsg-blocks-required-port'), 'the capped NSG rules are still checked');
});

function fixtureReader(root: string, reads: string[]): (p: string) => string | undefined {
  return (p: string) => {
    reads.push(p);
    const abs = path.resolve(p);
    if (!abs.startsWith(root + path.sep)) return undefined;
    try {
      return fs.readFileSync(abs, 'utf8');
    } catch {
      return undefined;
    }
  };
}

test('linked templates that link back to themselves (directly, and a → b → a) stop at the cycle with an unverifiable-network note', () => {
  const root = path.join(FIXTURES_DIR, 'reliability');
  for (const rel of ['linked-self/main.json', 'linked-cycle/a.json']) {
    const file = path.join(root, rel);
    const reads: string[] = [];
    const r = timed(file, fs.readFileSync(file, 'utf8'), { readFile: fixtureReader(root, reads) });
    assert.ok(reads.length <= 5, `${rel}: the cycle is not followed (${reads.length} reads: ${reads.join(', ')})`);
    const notes = r.findings.filter((f) => f.ruleId === 'unverifiable-network').map((f) => f.message);
    assert.ok(notes.some((m) => /cycle/i.test(m)), `${rel}: a note names the cycle: ${notes.join(' | ')}`);
  }
});

test('a file over maxFileSize is not parsed: a file-skipped finding gives its size and the limit (configurable; default 20 MB)', () => {
  assert.equal(DEFAULT_MAX_FILE_SIZE, 20 * 1024 * 1024);
  const small = apimTemplate();
  const r1 = timed('/limits/small-cap.json', small, { config: { maxFileSize: 100 } });
  assert.deepEqual(r1.findings.map((f) => f.ruleId), ['file-skipped']);
  assert.match(r1.findings[0].message, new RegExp(`${Buffer.byteLength(small)} bytes.*100 bytes`));
  const big = apimTemplate({ extraProps: { pad: 'x'.repeat(50 * 1024 * 1024) } });
  const r2 = timed('/limits/50mb.json', big);
  assert.deepEqual(r2.findings.map((f) => f.ruleId), ['file-skipped']);
  assert.match(r2.findings[0].message, new RegExp(`${Buffer.byteLength(big)} bytes.*${DEFAULT_MAX_FILE_SIZE} bytes`));
});

test('breadth: a minified NSG with 4,000 rules, 2,000 subnets with 100 services, a chain of 8,000 variables, 2,000 resources with 20 dependsOn each — each in bounded time', () => {
  const rules = Array.from({ length: 4000 }, (_, i) => ({
    name: `r${i}`,
    properties: { priority: 100 + (i % 3900), direction: i % 2 ? 'Inbound' : 'Outbound', access: i % 3 ? 'Allow' : 'Deny', protocol: 'Tcp', sourceAddressPrefix: `10.${i % 250}.0.0/16`, sourcePortRange: '*', destinationAddressPrefix: '*', destinationPortRange: String(1000 + (i % 60000)) },
  }));
  const nsg = { type: 'Microsoft.Network/networkSecurityGroups', apiVersion: '2023-04-01', name: 'nsg', location: 'westeurope', properties: { securityRules: rules } };
  const vnet = (subnets: unknown[]) => ({ type: 'Microsoft.Network/virtualNetworks', apiVersion: '2023-04-01', name: 'vnet', location: 'westeurope', properties: { addressSpace: { addressPrefixes: ['10.0.0.0/8'] }, subnets } });
  const nsgSubnet = { name: 'apim', properties: { addressPrefix: '10.0.0.0/24', networkSecurityGroup: { id: "[resourceId('Microsoft.Network/networkSecurityGroups', 'nsg')]" } } };
  // minified: one line (fix layout used to scan the whole line per member: quadratic)
  const r1 = timed('/limits/nsg-4000-rules.json', JSON.stringify(JSON.parse(apimTemplate({ resources: [nsg, vnet([nsgSubnet])] }))));
  assert.ok(r1.findings.some((f) => f.ruleId.startsWith('nsg-blocks')), 'the rules are evaluated');

  const subnets = Array.from({ length: 2000 }, (_, i) => ({ name: `s${i}`, properties: { addressPrefix: `10.${i >> 8}.${i & 255}.0/24` } }));
  const services = Array.from({ length: 100 }, (_, i) => ({
    type: 'Microsoft.ApiManagement/service',
    apiVersion: '2022-08-01',
    name: `apim${i}`,
    location: 'westeurope',
    sku: { name: 'Developer', capacity: 1 },
    properties: { virtualNetworkType: 'External', virtualNetworkConfiguration: { subnetResourceId: `[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 's${i}')]` } },
  }));
  timed('/limits/subnets-2000.json', JSON.stringify({ $schema: SCHEMA, contentVersion: '1.0.0.0', resources: [vnet(subnets), ...services] }, null, 2));

  const variables: Record<string, string> = { v0: 'a' };
  for (let i = 1; i < 8000; i++) variables[`v${i}`] = `[concat(variables('v${i - 1}'), 'x')]`;
  timed('/limits/variable-chain-8000.json', apimTemplate({ variables, subnet: "[variables('v7999')]" }));

  const resources = Array.from({ length: 2000 }, (_, i) => ({
    type: 'Microsoft.Network/virtualNetworks/subnets',
    apiVersion: '2023-04-01',
    name: `vnet/s${i}`,
    properties: { addressPrefix: '10.0.0.0/24' },
    dependsOn: Array.from({ length: 20 }, (_, j) => `[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 's${(i + j) % 2000}')]`),
  }));
  timed('/limits/resources-2000.json', apimTemplate({ resources, subnet: "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 's1')]" }));
});

test('odd encodings: BOM, CRLF, CR-only, NUL bytes, lone surrogates, a 1 MB single line — no internal error, ranges inside, fixes keep JSON valid', () => {
  const base = JSON.stringify(JSON.parse(fs.readFileSync(path.join(FIXTURES_DIR, 'cli', 'no-nsg.json'), 'utf8')), null, 2);
  const variants: [string, string][] = [
    ['bom', '\uFEFF' + base],
    ['crlf', base.replace(/\n/g, '\r\n')],
    ['cr', base.replace(/\n/g, '\r')],
    ['nul-in-string', base.replace('"Microsoft.Network/virtualNetworks"', '"Microsoft.Network/virtual\\u0000Networks"')],
    ['raw-nul', base.replace('"resources"', '"reso\u0000urces"')],
    ['lone-surrogate', base.replace('"apim-basic"', '"apim-\uD800basic"')],
    ['surrogate-key', base.replace('"properties"', '"\uDC00properties"')],
    ['tabs', base.replace(/ {2}/g, '\t')],
    ['one-line-1mb', JSON.stringify({ ...JSON.parse(base), padding: 'p'.repeat(1 << 20) })],
  ];
  for (const [name, text] of variants) {
    const file = `/limits/encoding-${name}.json`;
    const r = timed(file, text);
    // every fix applied to the text (with its BOM, if any) keeps it what it was: JSON or JSONC
    const flavor = jsonFlavor(text.replace(/^\uFEFF/, ''));
    let fixes = 0;
    for (const f of r.findings) {
      for (const fix of f.fixes) {
        const edits = fix.edits.filter((e) => e.file === file);
        if (!edits.length || !flavor) continue;
        fixes++;
        const out = applyEdits(text, edits);
        assert.equal(out.charCodeAt(0) === 0xfeff, text.charCodeAt(0) === 0xfeff, `${name}: ${fix.id} keeps the BOM as it was`);
        const after = jsonFlavor(out.replace(/^\uFEFF/, ''));
        assert.ok(after === flavor || (flavor === 'jsonc' && after === 'json'), `${name}: ${fix.id} yields ${after ?? 'invalid JSON'} from ${flavor}`);
      }
    }
    if (['bom', 'crlf', 'tabs'].includes(name)) assert.ok(fixes > 0, `${name}: fixes were checked`);
  }
});
