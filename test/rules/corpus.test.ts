/**
 * The reality check: the findings of real public templates (../shared/corpus, MIT), pinned, each
 * decision argued from the spec. Skipped, with the reason in the test name, when the corpus is
 * absent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { analyze } from '../../server/src/analyzer';

const CORPUS = path.join(__dirname, '..', '..', '..', '..', 'shared', 'corpus', 'files');
const present = fs.existsSync(CORPUS);
const skip = present ? false : `shared corpus absent (${CORPUS})`;
const Q = 'Azure__azure-quickstart-templates/quickstarts/microsoft.apimanagement';

/** "ruleId severity row line" for every finding (row only for NSG rows). */
function pinned(rel: string, platform?: 'stv1' | 'stv2'): string[] {
  const file = path.join(CORPUS, rel);
  const text = fs.readFileSync(file, 'utf8');
  const r = analyze({
    file,
    text,
    config: platform ? { platform } : {},
    readFile: (p) => {
      try {
        return fs.readFileSync(p, 'utf8');
      } catch {
        return undefined;
      }
    },
  });
  return r.findings.map((f) => {
    const line = text.slice(0, f.location.range.offset).split('\n').length;
    const row = f.data && typeof f.data.row === 'number' ? ` row ${f.data.row}` : '';
    return `${f.ruleId} ${f.severity}${row} @${line}`;
  });
}

test(`corpus: quickstart external-vnet (apiVersion 2019-12-01 → stv1) ${skip ? `[skipped: ${skip}]` : ''}`, { skip }, () => {
  // stv1 (requirements.md: apiVersion < 2021-08-01 and no publicIpAddressId). Its NSG ends with
  // Deny_All_Internet_Outbound (priority 999, line 345..352). The seed requires outbound to INTERNET:
  // row 3 (80, 443: only Storage/AzureCloud/AAD 443 are allowed, none covers Internet, and 80 is
  // needed for OCSP/CRL), rows 5 and 6 (Azure SQL V12 11000-11999, 14000-14999: only 1433 is allowed
  // to Sql) and row 7 (Service Bus 9350-9354): all decided by the deny at 999. Row 4 (1433 → Sql),
  // rows 8 and 10 (EventHub 5671 with protocol *, Storage 445) are explicitly allowed; row 9 (UDP
  // 6381-6383 VNet→VNet) passes by AllowVnetIn/OutBound since the deny covers only Internet; row 11
  // is allowed by Azure_Infrastructure_Load_Balancer. Each finding sits on the deny's "access".
  assert.deepEqual(pinned(`${Q}/api-management-create-with-external-vnet/azuredeploy.json`), [
    'nsg-blocks-required-port error row 3 @352',
    'nsg-blocks-required-port error row 5 @352',
    'nsg-blocks-required-port error row 6 @352',
    'nsg-blocks-required-port error row 7 @352',
  ]);
});

test(`corpus: quickstart internal-vnet (stv1, same NSG, Internal mode) ${skip ? `[skipped: ${skip}]` : ''}`, { skip }, () => {
  // Same NSG as the external template; Internal mode drops the client row (row 1, External only)
  // but the outbound rows are the same: 3, 5, 6, 7 blocked by the deny at 999.
  assert.deepEqual(pinned(`${Q}/api-management-create-with-internal-vnet/azuredeploy.json`), [
    'nsg-blocks-required-port error row 3 @350',
    'nsg-blocks-required-port error row 5 @350',
    'nsg-blocks-required-port error row 6 @350',
    'nsg-blocks-required-port error row 7 @350',
  ]);
});

test(`corpus: quickstart external-vnet-publicip (stv2) ${skip ? `[skipped: ${skip}]` : ''}`, { skip }, () => {
  // stv2 (publicIpAddressId given). The stv2 table's required row 5 (outbound 80 → Internet,
  // certificate validation) is blocked by Deny_All_Internet_Outbound (999): only SMTP ports go to
  // Internet. Optional row 12 (Event Hubs 5671, 5672, 443): 5671 is allowed to EventHub, 443 by the
  // AzureCloud 443 rule (AzureCloud covers EventHub), 5672 is denied → a warning. Inbound 3443 and
  // 6390 are allowed explicitly; the public IP is Standard with a DNS label in the same region.
  assert.deepEqual(pinned(`${Q}/api-management-create-with-external-vnet-publicip/azuredeploy.json`), [
    'nsg-blocks-optional-port warning row 12 @403',
    'nsg-blocks-required-port error row 5 @403',
  ]);
});

test(`corpus: quickstart internal-vnet-publicip (stv2) ${skip ? `[skipped: ${skip}]` : ''}`, { skip }, () => {
  // Same rule set as the external variant (no explicit 80/443 inbound: Internal mode has no client
  // row); the same two rows are blocked.
  assert.deepEqual(pinned(`${Q}/api-management-create-with-internal-vnet-publicip/azuredeploy.json`), [
    'nsg-blocks-optional-port warning row 12 @380',
    'nsg-blocks-required-port error row 5 @380',
  ]);
});

test(`corpus: quickstart internal-vnet-application-gateway (stv2, no NSG) ${skip ? `[skipped: ${skip}]` : ''}`, { skip }, () => {
  // stv2 (apiVersion ≥ 2021-08-01): the APIM subnet has no NSG at all → missing-nsg (an NSG must be
  // associated under stv2), on the subnet's name. The Application Gateway has its own subnet, and
  // sharing is allowed in stv2 anyway.
  assert.deepEqual(pinned(`${Q}/api-management-create-with-internal-vnet-application-gateway/azuredeploy.json`), ['missing-nsg error @447']);
});

test(`corpus: the same quickstart at its 2020 revision (apiVersion 2020-12-01 → stv1) ${skip ? `[skipped: ${skip}]` : ''}`, { skip }, () => {
  // stv1: no NSG means nothing is blocked, and missing-nsg is not checked under stv1 (the seed only
  // says an NSG *can* control the subnet). No route table, no custom DNS, dedicated subnet: silent.
  assert.deepEqual(
    pinned('Azure__azure-quickstart-templates@5eea2e5/quickstarts/microsoft.apimanagement/api-management-create-with-internal-vnet-application-gateway/azuredeploy.json'),
    [],
  );
  // Forced to stv2, the same template needs an NSG.
  assert.deepEqual(
    pinned('Azure__azure-quickstart-templates@5eea2e5/quickstarts/microsoft.apimanagement/api-management-create-with-internal-vnet-application-gateway/azuredeploy.json', 'stv2').map((s) => s.split(' @')[0]),
    ['missing-nsg error'],
  );
});

test(`corpus: apim-landing-zone-accelerator apim-arm.json (stv1, Internal) ${skip ? `[skipped: ${skip}]` : ''}`, { skip }, () => {
  // Developer, Internal, apiVersion 2020-12-01 → stv1. Its NSG allows 3443 from ApiManagement and
  // 1433 to Sql and denies nothing else; every other seed row passes Azure's default rules
  // (AllowInternetOutBound, AllowVnetIn/OutBound, AllowAzureLoadBalancerInBound): silent.
  assert.deepEqual(pinned('Azure__apim-landing-zone-accelerator/reference-implementations/AppGW-IAPIM-Func/azure-resource-manager/apim-arm.json'), []);
});

test(`corpus: private-webapp-with-app-gateway-and-apim (stv2, Internal) ${skip ? `[skipped: ${skip}]` : ''}`, { skip }, () => {
  // stv2 Internal with an NSG that allows 3443; 6390 passes AllowAzureLoadBalancerInBound and the
  // outbound rows pass AllowInternetOutBound (no outbound deny). APIM has its own subnet: silent.
  assert.deepEqual(pinned('Azure__azure-quickstart-templates/quickstarts/microsoft.web/private-webapp-with-app-gateway-and-apim/azuredeploy.json'), []);
});

test(`corpus: front-door-api-management (stv1, External behind Front Door) ${skip ? `[skipped: ${skip}]` : ''}`, { skip }, () => {
  // apiVersion 2019-12-01 → stv1, External. The NSG opens the client ports and 3443, allows 1433
  // to Sql and denies nothing outbound: every seed row is allowed. The VNet is a dependency.
  assert.deepEqual(pinned('Azure__azure-quickstart-templates/quickstarts/microsoft.network/front-door-api-management/azuredeploy.json'), []);
});

test(`corpus: AI-Gateway foundry-e2e-private (languageVersion 2.0, StandardV2 integration) ${skip ? `[skipped: ${skip}]` : ''}`, { skip }, () => {
  // StandardV2 with External = VNet integration: the subnet is delegated to Microsoft.Web/serverFarms,
  // dedicated, /24 (≥ /27), with an NSG: every v2-tier requirement holds → silent.
  assert.deepEqual(pinned('Azure-Samples__AI-Gateway/labs/foundry-e2e-private/main.json'), []);
});

test(`corpus: templates without VNet mode stay silent ${skip ? `[skipped: ${skip}]` : ''}`, { skip }, () => {
  // azure-api-management-create allows Basic/Consumption/... in allowedValues, but has no
  // virtualNetworkType, so unsupported-sku does not apply. The AVM module's virtualNetworkType
  // parameter defaults to 'None'.
  assert.deepEqual(pinned(`${Q}/azure-api-management-create/azuredeploy.json`), []);
  assert.deepEqual(pinned(`${Q}/api-management-create-with-multiregion/azuredeploy.json`), []);
  assert.deepEqual(pinned('Azure__bicep-registry-modules/avm/res/api-management/service/main.json'), []);
});

test(`corpus: a template that is not valid JSON (n8jja fork) ${skip ? `[skipped: ${skip}]` : ''}`, { skip }, () => {
  // This fork's file misses a comma at line 99: invalid-json at the first syntax error; what the
  // tolerant parser recovered is analyzed no further than the chain allows.
  const got = pinned('n8jja__azure-quickstart-templates/quickstarts/microsoft.apimanagement/api-management-create-with-internal-vnet-application-gateway/zippysdeploy.json');
  assert.equal(got[0], 'invalid-json error @99');
});
