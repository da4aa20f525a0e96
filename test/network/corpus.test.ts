import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { buildTemplate } from '../../server/src/template/builder';
import type { Template } from '../../server/src/template/model';
import { displayValue } from '../../server/src/expressions/value';
import { collectNsgRules, evaluateRows, type RowVerdict } from '../../server/src/network/nsg';
import { evaluateRouteTable } from '../../server/src/network/routes';
import { rowsFor, STV1_ROWS, STV2_ROWS } from '../../server/src/requirements';
import type { AddressEnv } from '../../server/src/network/addresses';

const repoRoot = path.join(__dirname, '..', '..', '..');
const corpus = path.join(repoRoot, '..', 'shared', 'corpus', 'files');
const skip = !fs.existsSync(corpus) && 'shared corpus absent (../shared/corpus)';
const QS = 'Azure__azure-quickstart-templates/quickstarts';

function load(rel: string): Template {
  const file = path.join(corpus, rel);
  return buildTemplate({ file, text: fs.readFileSync(file, 'utf8') });
}
// These NSGs name the APIM subnet by the VirtualNetwork tag only, so any subnet inside the VNet serves.
const env: AddressEnv = { subnetPrefixes: ['10.0.0.0/24'], vnetAddressSpace: ['10.0.0.0/16'], region: 'westeurope' };

function notSatisfied(vs: RowVerdict[]): string[] {
  return vs
    .filter((v) => v.status !== 'satisfied')
    .map((v) => `${v.row.id} ${v.direction} ${v.status}: ${[...v.blocked.map((b) => `${b.portsText} by ${b.rule.name}`), ...v.unknown.map((u) => `${u.portsText} ? ${u.reason}`)].join('; ')}`);
}

function onlyNsg(t: Template) {
  const nsgs = t.resourcesOfType('Microsoft.Network/networkSecurityGroups');
  assert.equal(nsgs.length, 1);
  return nsgs[0];
}

test('corpus: external-vnet quickstart (stv2 External): only certificate port 80 (required) and EventHub 5672 (optional) blocked by its Deny_All_Internet_Outbound', { skip }, () => {
  // The reference's row 5 (VirtualNetwork → Internet 80, certificate validation) has no Allow in this
  // sample before its priority-999 deny of Internet; row 12 allows only 5671 of 5671, 5672, 443
  // (443 to EventHub is covered by its AzureCloud 443 rule).
  const t = load(`${QS}/microsoft.apimanagement/api-management-create-with-external-vnet/azuredeploy.json`);
  const col = collectNsgRules(t, onlyNsg(t));
  assert.equal(col.rules.length, 18);
  assert.ok(col.rules.every((r) => r.literal && r.kind === 'inline'));
  assert.deepEqual(notSatisfied(evaluateRows(col.rules, rowsFor('stv2', 'External', false, 'Premium'), env)), [
    'stv2-5 Outbound blocked: 80 by Deny_All_Internet_Outbound',
    'stv2-12 Outbound blocked: 5672 by Deny_All_Internet_Outbound',
  ]);
  // The same NSG under the seed's table (stv1): Service Bus 9350-9354 and SQL V12 11000-11999 /
  // 14000-14999 are not opened (the sample opens only 1433 to Sql), and row 3's traffic class is the
  // whole Internet on 80, 443: Storage, AzureCloud and AzureActiveDirectory Allows do not cover it.
  const s1 = notSatisfied(evaluateRows(col.rules, rowsFor('stv1', 'External', false, 'Premium'), env));
  assert.deepEqual(s1, [
    'stv1-3 Outbound blocked: 80, 443 by Deny_All_Internet_Outbound',
    'stv1-5 Outbound blocked: 11000-11999 by Deny_All_Internet_Outbound',
    'stv1-6 Outbound blocked: 14000-14999 by Deny_All_Internet_Outbound',
    'stv1-7 Outbound blocked: 9350-9354 by Deny_All_Internet_Outbound',
  ]);
});

test('corpus: Front Door quickstart opens 80/443 only to AzureFrontDoor.Backend: the client row is satisfied by that narrower source', { skip }, () => {
  const t = load(`${QS}/microsoft.cdn/front-door-standard-premium-api-management-external/azuredeploy.json`);
  const col = collectNsgRules(t, onlyNsg(t));
  const verdicts = evaluateRows(col.rules, rowsFor('stv2', 'External', false, 'Premium'), env);
  assert.deepEqual(notSatisfied(verdicts), []);
  const client = verdicts.find((v) => v.row.row === 1)!;
  assert.deepEqual(
    client.allowedBy.map((a) => `${a.ports} ${displayValue(a.viaSource ?? null)}`),
    ['80 AzureFrontDoor.Backend', '443 AzureFrontDoor.Backend'],
  );
});

test('corpus: internal-vnet quickstart (stv2 Internal): the client row does not apply; same two outbound gaps', { skip }, () => {
  const t = load(`${QS}/microsoft.apimanagement/api-management-create-with-internal-vnet/azuredeploy.json`);
  const col = collectNsgRules(t, onlyNsg(t));
  const rows = rowsFor('stv2', 'Internal', false, 'Developer');
  assert.ok(!rows.some((r) => r.clientRow));
  assert.deepEqual(notSatisfied(evaluateRows(col.rules, rows, env)), [
    'stv2-5 Outbound blocked: 80 by Deny_All_Internet_Outbound',
    'stv2-12 Outbound blocked: 5672 by Deny_All_Internet_Outbound',
  ]);
});

test('corpus: every NSG and route table of the smaller corpus templates collects and evaluates without throwing', { skip }, () => {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.json') && fs.statSync(p).size < 400_000) files.push(p);
    }
  };
  walk(corpus);
  let nsgs = 0;
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    if (!/networkSecurityGroups|routeTables/i.test(text)) continue;
    const t = buildTemplate({ file, text });
    for (const nsg of t.resourcesOfType('Microsoft.Network/networkSecurityGroups')) {
      nsgs++;
      const col = collectNsgRules(t, nsg);
      for (const v of evaluateRows(col.rules, [...STV1_ROWS, ...STV2_ROWS], env)) {
        assert.ok(['satisfied', 'blocked', 'unknown'].includes(v.status));
        for (const u of v.unknown) assert.ok(u.reason.length > 0, `${file}: unknown verdicts carry a reason`);
      }
    }
    for (const rt of t.resourcesOfType('Microsoft.Network/routeTables')) evaluateRouteTable(t, rt);
  }
  assert.ok(nsgs >= 10, `found ${nsgs} NSGs`);
});
