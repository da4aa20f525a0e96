/**
 * rules.md "Quick-fix quality bar", points found by the fix audit (session 3):
 * - "if no such priority exists (a deny at priority 100) the fix is not offered and the message
 *   says why": the finding's message itself (text output, LSP diagnostic), not only noFixReason;
 * - a fix title says all the fix does: restricting a parameter's allowedValues that removes its
 *   default also replaces the default; removing delegations names them; setting the v2 delegation
 *   says which delegation it replaces.
 * Each fix case applies the fix through the real analyzer and compares the result byte for byte.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/analyzer';
import { applyTextEdits } from '../../server/src/fixes';
import type { Finding } from '../../server/src/findings';

const FILE = '/virtual/quality-bar/azuredeploy.json';
const PARAMS = '/virtual/quality-bar/azuredeploy.parameters.json';
const crlf = (lines: string[]) => lines.join('\r\n') + '\r\n';
const lf = (lines: string[]) => lines.join('\n') + '\n';

function findings(text: string, ruleId: string, params?: string): Finding[] {
  return analyze({
    file: FILE,
    text,
    ...(params !== undefined ? { parametersFile: PARAMS, readFile: (p: string) => (p === PARAMS ? params : undefined) } : {}),
  }).findings.filter((f) => f.ruleId === ruleId);
}

/** Applies fix `fixId` of `ruleId`, checks its title, and that the fix is not offered again. */
function applyFix(text: string, ruleId: string, fixId: string, title: string, params?: string): string {
  const fix = findings(text, ruleId, params).flatMap((f) => f.fixes).find((x) => x.id === fixId);
  assert.ok(fix, `${ruleId} offers ${fixId}`);
  assert.equal(fix.title, title);
  const out = applyTextEdits(text, fix.edits);
  assert.equal(findings(out, ruleId, params).filter((f) => f.fixes.some((x) => x.id === fixId)).length, 0, `${fixId} is not offered again`);
  return out;
}

// ---- NSG: no free priority below the deny -> no fix, and the message says why ---------------------

function nsgTemplate(rules: string[]): string {
  return lf([
    '{',
    '  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",',
    '  "contentVersion": "1.0.0.0",',
    '  "resources": [',
    '    {',
    '      "type": "Microsoft.Network/networkSecurityGroups",',
    '      "apiVersion": "2023-11-01",',
    '      "name": "apim-nsg",',
    '      "location": "westeurope",',
    '      "properties": {',
    '        "securityRules": [',
    rules.map((r) => '          ' + r).join(',\n'),
    '        ]',
    '      }',
    '    },',
    '    {',
    '      "type": "Microsoft.Network/virtualNetworks",',
    '      "apiVersion": "2023-11-01",',
    '      "name": "apim-vnet",',
    '      "location": "westeurope",',
    '      "properties": {',
    '        "addressSpace": { "addressPrefixes": [ "10.0.0.0/16" ] },',
    '        "subnets": [ { "name": "apim", "properties": { "addressPrefix": "10.0.1.0/24", "networkSecurityGroup": { "id": "[resourceId(\'Microsoft.Network/networkSecurityGroups\', \'apim-nsg\')]" } } } ]',
    '      }',
    '    },',
    '    {',
    '      "type": "Microsoft.ApiManagement/service",',
    '      "apiVersion": "2023-05-01-preview",',
    '      "name": "contoso-apim",',
    '      "location": "westeurope",',
    '      "sku": { "name": "Developer", "capacity": 1 },',
    '      "properties": {',
    '        "publisherEmail": "a@contoso.com",',
    '        "publisherName": "Contoso",',
    '        "virtualNetworkType": "Internal",',
    '        "virtualNetworkConfiguration": { "subnetResourceId": "[resourceId(\'Microsoft.Network/virtualNetworks/subnets\', \'apim-vnet\', \'apim\')]" }',
    '      }',
    '    }',
    '  ]',
    '}',
  ]);
}

const rule = (name: string, access: string, priority: number, direction: string, protocol = '*', port = '*') =>
  `{ "name": "${name}", "properties": { "protocol": "${protocol}", "sourcePortRange": "*", "destinationPortRange": "${port}", "sourceAddressPrefix": "*", "destinationAddressPrefix": "*", "access": "${access}", "priority": ${priority}, "direction": "${direction}" } }`;

test('deny at priority 100: no fix offered, and the message itself says why (rules.md quality bar)', () => {
  const text = nsgTemplate([
    rule('DenyAllIn', 'Deny', 100, 'Inbound'),
    rule('AllowOut', 'Allow', 100, 'Outbound'),
  ]);
  const fs = findings(text, 'nsg-blocks-required-port');
  assert.ok(fs.length > 0, 'the inbound rows are blocked');
  for (const f of fs) {
    assert.equal(f.fixes.length, 0, `${f.message}: no fix`);
    assert.match(f.noFixReason ?? '', /no free priority exists below 100 in the inbound direction/);
    assert.ok(
      f.message.endsWith(' No quick fix is offered: no free priority exists below 100 in the inbound direction, so an Allow rule cannot be placed before the deny.'),
      `the message says why no fix is offered: ${f.message}`,
    );
  }
});

test('a row whose one direction has no free priority: the message says the fix does only part of it', () => {
  // stv2 row 13 (6380, In & Out, VirtualNetwork -> VirtualNetwork): inbound denied at 100, outbound at 4000.
  const text = nsgTemplate([
    rule('DenyRedisIn', 'Deny', 100, 'Inbound', 'Tcp', '6380'),
    rule('DenyRedisOut', 'Deny', 4000, 'Outbound', 'Tcp', '6380'),
  ]);
  const f = findings(text, 'nsg-blocks-optional-port').find((x) => x.message.includes('(stv2 row 13, optional)'));
  assert.ok(f, 'row 13 is blocked');
  assert.ok(f.fixes.some((x) => x.isPreferred), 'the outbound half is still fixable');
  assert.ok(
    f.message.endsWith(' The quick fix does only part of it: no free priority exists below 100 in the inbound direction, so an Allow rule cannot be placed before the deny.'),
    f.message,
  );
});

test('the NSG message has no "no fix" sentence when the fix is offered', () => {
  const text = nsgTemplate([rule('DenyAllIn', 'Deny', 200, 'Inbound')]);
  const fs = findings(text, 'nsg-blocks-required-port');
  assert.ok(fs.length > 0);
  for (const f of fs) {
    assert.ok(f.fixes.some((x) => x.isPreferred));
    assert.doesNotMatch(f.message, /No quick fix|only part of it/);
  }
});

// ---- unsupported-sku: restricting allowedValues that removes the default says so -------------------

function skuTemplate(param: string[]): string {
  return crlf([
    '{',
    '  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",',
    '  "contentVersion": "1.0.0.0",',
    '  "parameters": {',
    ...param,
    '  },',
    '  "resources": [',
    '    {',
    '      "type": "Microsoft.ApiManagement/service",',
    '      "apiVersion": "2023-05-01-preview",',
    '      "name": "contoso-apim",',
    '      "location": "westeurope",',
    '      "sku": { "name": "[parameters(\'sku\')]", "capacity": 1 },',
    '      "properties": {',
    '        "publisherEmail": "a@contoso.com",',
    '        "publisherName": "Contoso",',
    '        "virtualNetworkType": "External",',
    '        "virtualNetworkConfiguration": { "subnetResourceId": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s" }',
    '      }',
    '    }',
    '  ]',
    '}',
  ]);
}

const PREMIUM_PARAMS = '{ "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#", "contentVersion": "1.0.0.0", "parameters": { "sku": { "value": "Premium" } } }';

test('restrict-allowed-values that removes the default: the title says the default changes too; byte for byte', () => {
  const input = skuTemplate([
    '    "sku": {',
    '      "type": "string",',
    '      "defaultValue": "Standard", /* the old tier */',
    '      "allowedValues": [',
    '        "Developer",',
    '        "Standard", // cheap',
    '        "Premium"',
    '      ]',
    '    }',
  ]);
  const expected = skuTemplate([
    '    "sku": {',
    '      "type": "string",',
    '      "defaultValue": "Developer", /* the old tier */',
    '      "allowedValues": [',
    '        "Developer",',
    '        "Premium"',
    '      ]',
    '    }',
  ]);
  const out = applyFix(
    input,
    'unsupported-sku',
    'restrict-allowed-values',
    "Restrict the allowed values of parameter 'sku' to Developer, Premium and change its default from Standard to Developer",
    PREMIUM_PARAMS,
  );
  assert.equal(out, expected);
});

test('restrict-allowed-values that keeps the default: the title names only the restriction', () => {
  const input = skuTemplate([
    '    "sku": {',
    '      "type": "string",',
    '      "defaultValue": "Premium",',
    '      "allowedValues": [ "Basic", "Premium" ]',
    '    }',
  ]);
  const expected = skuTemplate([
    '    "sku": {',
    '      "type": "string",',
    '      "defaultValue": "Premium",',
    '      "allowedValues": [ "Premium" ]',
    '    }',
  ]);
  assert.equal(applyFix(input, 'unsupported-sku', 'restrict-allowed-values', "Restrict the allowed values of parameter 'sku' to Premium"), expected);
});

// ---- subnet-delegated: the titles name the delegations removed or replaced ------------------------

function delegatedTemplate(sku: string, apiVersion: string, delegations: string[]): string {
  return lf([
    '{',
    '\t"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",',
    '\t"contentVersion": "1.0.0.0",',
    '\t"resources": [',
    '\t\t{',
    '\t\t\t"type": "Microsoft.Network/networkSecurityGroups",',
    '\t\t\t"apiVersion": "2023-11-01",',
    '\t\t\t"name": "apim-nsg",',
    '\t\t\t"location": "westeurope"',
    '\t\t},',
    '\t\t{',
    '\t\t\t"type": "Microsoft.Network/virtualNetworks",',
    '\t\t\t"apiVersion": "2023-11-01",',
    '\t\t\t"name": "apim-vnet",',
    '\t\t\t"location": "westeurope",',
    '\t\t\t"properties": {',
    '\t\t\t\t"addressSpace": { "addressPrefixes": [ "10.0.0.0/16" ] },',
    '\t\t\t\t"subnets": [',
    '\t\t\t\t\t{',
    '\t\t\t\t\t\t"name": "apim",',
    '\t\t\t\t\t\t"properties": {',
    '\t\t\t\t\t\t\t"addressPrefix": "10.0.1.0/24",',
    ...delegations,
    '\t\t\t\t\t\t\t"networkSecurityGroup": { "id": "[resourceId(\'Microsoft.Network/networkSecurityGroups\', \'apim-nsg\')]" }',
    '\t\t\t\t\t\t}',
    '\t\t\t\t\t}',
    '\t\t\t\t]',
    '\t\t\t}',
    '\t\t},',
    '\t\t{',
    '\t\t\t"type": "Microsoft.ApiManagement/service",',
    `\t\t\t"apiVersion": "${apiVersion}",`,
    '\t\t\t"name": "contoso-apim",',
    '\t\t\t"location": "westeurope",',
    `\t\t\t"sku": { "name": "${sku}", "capacity": 1 },`,
    '\t\t\t"properties": {',
    '\t\t\t\t"publisherEmail": "a@contoso.com",',
    '\t\t\t\t"publisherName": "Contoso",',
    '\t\t\t\t"virtualNetworkType": "External",',
    '\t\t\t\t"virtualNetworkConfiguration": { "subnetResourceId": "[resourceId(\'Microsoft.Network/virtualNetworks/subnets\', \'apim-vnet\', \'apim\')]" }',
    '\t\t\t}',
    '\t\t}',
    '\t]',
    '}',
  ]);
}

const deleg = (name: string, service: string) => `{ "name": "${name}", "properties": { "serviceName": "${service}" } }`;

test('remove-delegation with two delegations: the title names both; byte for byte', () => {
  const input = delegatedTemplate('Developer', '2020-12-01', [
    `\t\t\t\t\t\t\t"delegations": [ ${deleg('web', 'Microsoft.Web/serverFarms')}, ${deleg('aci', 'Microsoft.ContainerInstance/containerGroups')} ], // to be removed`,
  ]);
  const expected = delegatedTemplate('Developer', '2020-12-01', ['\t\t\t\t\t\t\t"delegations": [], // to be removed']);
  const out = applyFix(
    input,
    'subnet-delegated',
    'remove-delegation',
    'Remove the 2 delegations (Microsoft.Web/serverFarms, Microsoft.ContainerInstance/containerGroups) from the APIM subnet',
  );
  assert.equal(out, expected);
});

test('remove-delegation with one delegation: the title names it', () => {
  const input = delegatedTemplate('Premium', '2020-12-01', [`\t\t\t\t\t\t\t"delegations": [ ${deleg('web', 'Microsoft.Web/serverFarms')} ],`]);
  const expected = delegatedTemplate('Premium', '2020-12-01', ['\t\t\t\t\t\t\t"delegations": [],']);
  assert.equal(applyFix(input, 'subnet-delegated', 'remove-delegation', 'Remove the delegation to Microsoft.Web/serverFarms from the APIM subnet'), expected);
});

test('set-delegation replacing another delegation (StandardV2 integration): the title says what it replaces; byte for byte', () => {
  const input = delegatedTemplate('StandardV2', '2024-05-01', [`\t\t\t\t\t\t\t"delegations": [ ${deleg('ase', 'Microsoft.Web/hostingEnvironments')} ],`]);
  const expected = delegatedTemplate('StandardV2', '2024-05-01', [
    '\t\t\t\t\t\t\t"delegations": [',
    '\t\t\t\t\t\t\t\t{',
    '\t\t\t\t\t\t\t\t\t"name": "Microsoft.Web.serverFarms",',
    '\t\t\t\t\t\t\t\t\t"properties": {',
    '\t\t\t\t\t\t\t\t\t\t"serviceName": "Microsoft.Web/serverFarms"',
    '\t\t\t\t\t\t\t\t\t}',
    '\t\t\t\t\t\t\t\t}',
    '\t\t\t\t\t\t\t],',
  ]);
  const out = applyFix(
    input,
    'subnet-delegated',
    'set-delegation',
    'Delegate the subnet to Microsoft.Web/serverFarms (replacing the delegation to Microsoft.Web/hostingEnvironments)',
  );
  assert.equal(out, expected);
});
