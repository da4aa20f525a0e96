import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import {
  STV1_ROWS,
  STV2_ROWS,
  TIERS,
  V2_SUBNET_RULES,
  rowsFor,
  selectProfile,
  tierInfo,
  tiersSupporting,
  v2SubnetRule,
} from '../../server/src/requirements';

const repoRoot = path.join(__dirname, '..', '..', '..');
const seedDir = path.join(repoRoot, '..', 'shared', 'seed');

test('row counts and numbering', () => {
  assert.equal(STV1_ROWS.length, 11);
  assert.equal(STV2_ROWS.length, 16);
  assert.deepEqual(STV1_ROWS.map((r) => r.row), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  assert.deepEqual(STV2_ROWS.map((r) => r.row), Array.from({ length: 16 }, (_, i) => i + 1));
  assert.ok(STV1_ROWS.every((r) => r.profile === 'stv1' && r.id === `stv1-${r.row}`));
  assert.ok(STV2_ROWS.every((r) => r.profile === 'stv2'));
});

// requirements.md stv1 table: # | src/dst ports | dir | proto | seed src/dst | traffic class | mode | purpose | class
const STV1_EXPECTED = `
1|*/80,443|In|Tcp|INTERNET/VIRTUAL_NETWORK|Internet → APIM subnet|External|Client communication to API Management|required
2|*/3443|In|Tcp|INTERNET/VIRTUAL_NETWORK|ApiManagement → APIM subnet|both|Management endpoint for Azure portal and Powershell|required
3|*/80,443|Out|Tcp|VIRTUAL_NETWORK/INTERNET|APIM subnet → Internet|both|Dependency on Azure Storage and Azure Service Bus (and OCSP/CRL for SSL)|required
4|*/1433|Out|Tcp|VIRTUAL_NETWORK/INTERNET|APIM subnet → Sql|both|Dependency on Azure SQL|required
5|*/11000-11999|Out|Tcp|VIRTUAL_NETWORK/INTERNET|APIM subnet → Sql|both|Dependency on Azure SQL V12|required
6|*/14000-14999|Out|Tcp|VIRTUAL_NETWORK/INTERNET|APIM subnet → Sql|both|Dependency on Azure SQL V12|required
7|*/9350-9354|Out|Tcp|VIRTUAL_NETWORK/INTERNET|APIM subnet → ServiceBus|both|Dependency on Service Bus|required
8|*/5671|Out|Tcp|VIRTUAL_NETWORK/INTERNET|APIM subnet → EventHub|both|Dependency for Log to event Hub policy|optional
9|6381-6383/6381-6383|In,Out|Udp|VIRTUAL_NETWORK/VIRTUAL_NETWORK|APIM subnet → APIM subnet|both|Dependency on Redis Cache|required
10|*/445|Out|Tcp|VIRTUAL_NETWORK/INTERNET|APIM subnet → Storage|both|Dependency on Azure File Share for GIT|optional
11|*/*|In|Tcp|AZURE_LOAD_BALANCER/VIRTUAL_NETWORK|AzureLoadBalancer → APIM subnet|both|Azure Infrastructure Load Balancer|required`;

test('stv1 table matches requirements.md row by row', () => {
  const got = STV1_ROWS.map((r) =>
    [
      r.row,
      `${r.sourcePorts.join(',')}/${r.destinationPorts.join(',')}`,
      r.directions.map((d) => (d === 'Inbound' ? 'In' : 'Out')).join(','),
      r.protocol,
      `${r.seedSource}/${r.seedDestination}`,
      r.trafficText,
      r.modes,
      r.purpose,
      r.class,
    ].join('|'),
  );
  assert.deepEqual(got, STV1_EXPECTED.trim().split('\n'));
  assert.equal(STV1_ROWS[7].protocolText, 'TCP (AMQP)');
});

const STV2_EXPECTED = `
1|80,443|In|Tcp|Internet → APIM subnet|External|Client communication to API Management|required
2|3443|In|Tcp|ApiManagement → APIM subnet|both|Management endpoint for Azure portal and PowerShell|required
3|6390|In|Tcp|AzureLoadBalancer → APIM subnet|both|Azure Infrastructure Load Balancer|required
4|443|In|Tcp|AzureTrafficManager → APIM subnet|External-multi-region|Azure Traffic Manager routing|required
5|80|Out|Tcp|APIM subnet → Internet|both|Validation and management of certificates|required
6|443|Out|Tcp|APIM subnet → Storage|both|Dependency on Azure Storage|required
7|1433|Out|Tcp|APIM subnet → Sql|both|Access to Azure SQL endpoints|required
8|443|Out|Tcp|APIM subnet → AzureKeyVault|both|Access to Azure Key Vault|required
9|1886,443|Out|Tcp|APIM subnet → AzureMonitor|both|Diagnostics logs and metrics, Resource Health, Application Insights|required
10|443|Out|Tcp|APIM subnet → AzureActiveDirectory|both|Microsoft Entra ID / Graph|optional
11|443|Out|Tcp|APIM subnet → AzureConnectors|both|Managed connections|optional
12|5671,5672,443|Out|Tcp|APIM subnet → EventHub|both|Log to Event Hubs policy|optional
13|6380|In,Out|Tcp|APIM subnet → APIM subnet|both|External Azure Cache for Redis|optional
14|6381-6383|In,Out|Tcp|APIM subnet → APIM subnet|both|Internal cache sync between units|optional
15|4290|In,Out|Udp|APIM subnet → APIM subnet|both|Rate-limit counter sync|optional
16|6391|In|Tcp|AzureLoadBalancer → APIM subnet|both|Machine health monitoring|optional`;

test('stv2 table matches requirements.md row by row', () => {
  const got = STV2_ROWS.map((r) =>
    [r.row, r.destinationPorts.join(','), r.directions.map((d) => (d === 'Inbound' ? 'In' : 'Out')).join(','), r.protocol, r.trafficText, r.modes, r.purpose, r.class].join('|'),
  );
  assert.deepEqual(got, STV2_EXPECTED.trim().split('\n'));
  assert.ok(STV2_ROWS.every((r) => r.sourcePorts.join() === '*'));
});

test('stv1 rows match the seed document verbatim', { skip: !fs.existsSync(seedDir) && 'shared seed absent (../shared/seed)' }, () => {
  const text = fs.readdirSync(seedDir).filter((f) => f.endsWith('.txt')).map((f) => fs.readFileSync(path.join(seedDir, f), 'utf8')).join('\n');
  const header = '| Source / Destination Port(s) | Direction | Transport protocol | Purpose | Source / Destination | Access type |';
  const start = text.indexOf(header);
  assert.ok(start >= 0, 'ports table header found in the seed');
  const lines = text.slice(start).split('\n').slice(2);
  const seedRows: string[][] = [];
  for (const line of lines) {
    if (!line.startsWith('|')) break;
    seedRows.push(line.split('|').slice(1, 7).map((c) => c.trim()));
  }
  assert.equal(seedRows.length, STV1_ROWS.length, 'the seed has 11 rows');
  STV1_ROWS.forEach((r, i) => {
    const [ports, direction, protocol, purpose, sd, access] = seedRows[i];
    assert.deepEqual(r.seed, { ports, direction, protocol, purpose, sourceDestination: sd, accessType: access }, `row ${r.row}`);
    assert.equal(`${r.seedSource} / ${r.seedDestination}`, sd, `row ${r.row} source/destination`);
    // The structured fields say the same as the seed text.
    const [sp, dp] = ports.split('/').map((s) => s.trim().replace(/\s*-\s*/g, '-'));
    assert.equal(r.sourcePorts.join(', '), sp, `row ${r.row} source ports`);
    assert.equal(r.destinationPorts.join(', '), dp, `row ${r.row} destination ports`);
    assert.equal(r.directions.join(' & '), direction, `row ${r.row} direction`);
    assert.equal(r.protocol, protocol === 'UDP' ? 'Udp' : 'Tcp', `row ${r.row} protocol (AMQP is TCP)`);
    assert.ok(r.purpose.startsWith(purpose), `row ${r.row} purpose`);
    assert.equal(r.modes === 'External' ? 'External' : 'External & Internal', access, `row ${r.row} access type`);
  });
});

test('fix rules: ARM shape, one per direction, seed tags for stv1 (ApiManagement for row 2), table tags for stv2', () => {
  for (const r of [...STV1_ROWS, ...STV2_ROWS]) {
    assert.equal(r.fixRules.length, r.directions.length, r.id);
    r.fixRules.forEach((f, i) => {
      assert.equal(f.direction, r.directions[i]);
      assert.equal(f.access, 'Allow');
      assert.equal(f.protocol, r.protocol);
      if (r.destinationPorts.length > 1) {
        assert.deepEqual(f.destinationPortRanges, r.destinationPorts, r.id);
        assert.equal(f.destinationPortRange, undefined);
      } else {
        assert.equal(f.destinationPortRange, r.destinationPorts[0], r.id);
        assert.equal(f.destinationPortRanges, undefined);
      }
      assert.match(f.name, /^[A-Za-z0-9_]+$/);
    });
  }
  const tags = (id: string) => {
    const r = [...STV1_ROWS, ...STV2_ROWS].find((x) => x.id === id)!;
    return r.fixRules.map((f) => `${f.sourceAddressPrefix}→${f.destinationAddressPrefix}`).join(' ');
  };
  assert.equal(tags('stv1-1'), 'Internet→VirtualNetwork');
  assert.equal(tags('stv1-2'), 'ApiManagement→VirtualNetwork');
  assert.equal(tags('stv1-4'), 'VirtualNetwork→Internet');
  assert.equal(tags('stv1-9'), 'VirtualNetwork→VirtualNetwork VirtualNetwork→VirtualNetwork');
  assert.equal(tags('stv1-11'), 'AzureLoadBalancer→VirtualNetwork');
  assert.equal(tags('stv2-7'), 'VirtualNetwork→Sql');
  assert.equal(tags('stv2-4'), 'AzureTrafficManager→VirtualNetwork');
  assert.equal(STV1_ROWS[8].fixRules[0].sourcePortRange, '6381-6383');
  const names = [...STV1_ROWS, ...STV2_ROWS].map((r) => r.fixRules.map((f) => f.name));
  for (const list of [STV1_ROWS, STV2_ROWS]) {
    const all = list.flatMap((r) => r.fixRules.map((f) => f.name));
    assert.equal(new Set(all).size, all.length, 'fix rule names unique within a profile');
  }
  assert.ok(names.length > 0);
});

test('client rows are flagged', () => {
  assert.deepEqual([...STV1_ROWS, ...STV2_ROWS].filter((r) => r.clientRow).map((r) => r.id), ['stv1-1', 'stv2-1']);
});

test('selectProfile table', () => {
  const table: ['auto' | 'stv1' | 'stv2', string | undefined, boolean, string][] = [
    ['auto', '2019-12-01', false, 'stv1'],
    ['auto', '2021-01-01-preview', false, 'stv1'],
    ['auto', '2021-04-01-preview', false, 'stv1'],
    ['auto', '2021-08-01', false, 'stv2'],
    ['auto', '2022-08-01', false, 'stv2'],
    ['auto', '2023-05-01-preview', false, 'stv2'],
    ['auto', '2019-12-01', true, 'stv2'],
    ['auto', undefined, false, 'stv2'],
    ['auto', 'garbage', false, 'stv2'],
    ['stv1', '2023-05-01-preview', true, 'stv1'],
    ['stv2', '2018-01-01', false, 'stv2'],
  ];
  for (const [platform, v, pip, want] of table) assert.equal(selectProfile(platform, v, pip), want, `${platform} ${v} ${pip}`);
});

test('rowsFor table: modes, multi-region, tiers', () => {
  const ids = (rs: { row: number }[]) => rs.map((r) => r.row).join(',');
  assert.equal(ids(rowsFor('stv1', 'External', false, 'Premium')), '1,2,3,4,5,6,7,8,9,10,11');
  assert.equal(ids(rowsFor('stv1', 'Internal', false, 'Developer')), '2,3,4,5,6,7,8,9,10,11');
  assert.equal(ids(rowsFor('stv2', 'External', false, 'Premium')), '1,2,3,5,6,7,8,9,10,11,12,13,14,15,16');
  assert.equal(ids(rowsFor('stv2', 'External', true, 'Premium')), '1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16');
  assert.equal(ids(rowsFor('stv2', 'Internal', true, 'Premium')), '2,3,5,6,7,8,9,10,11,12,13,14,15,16');
  assert.equal(ids(rowsFor('stv2', 'Internal', false, undefined)), '2,3,5,6,7,8,9,10,11,12,13,14,15,16');
  // v2 tiers: only their own rows
  assert.equal(rowsFor('stv2', 'External', false, 'StandardV2').length, 0);
  assert.equal(rowsFor('stv2', 'External', false, 'PremiumV2').length, 0);
  const inj = rowsFor('stv2', 'Internal', false, 'premiumv2');
  assert.equal(inj.length, 1);
  assert.equal(inj[0].profile, 'v2');
  assert.equal(`${inj[0].trafficText} ${inj[0].destinationPorts} ${inj[0].directions}`, 'APIM subnet → Storage 443 Outbound');
  assert.equal(rowsFor('stv1', 'Internal', false, 'PremiumV2').length, 1);
});

test('tier table', () => {
  const show = (n: string) => {
    const t = tierInfo(n)!;
    return `${t.name} ${t.external}/${t.internal} ${t.maxUnits ?? '-'}`;
  };
  assert.equal(show('developer'), 'Developer injection/injection 1');
  assert.equal(show('Premium'), 'Premium injection/injection -');
  assert.equal(show('Basic'), 'Basic unsupported/unsupported -');
  assert.equal(show('Standard'), 'Standard unsupported/unsupported -');
  assert.equal(show('Consumption'), 'Consumption unsupported/unsupported -');
  assert.equal(show('BasicV2'), 'BasicV2 unsupported/unsupported -');
  assert.equal(show('StandardV2'), 'StandardV2 integration/unsupported -');
  assert.equal(show('PremiumV2'), 'PremiumV2 integration/injection -');
  assert.equal(tierInfo('Gold'), undefined);
  assert.equal(TIERS.length, 8);
  assert.deepEqual(tiersSupporting('Internal').map((t) => t.name), ['Developer', 'Premium', 'PremiumV2']);
  assert.equal(tierInfo('Developer')!.addressesPerUnit, 1);
  assert.equal(tierInfo('Premium')!.addressesPerUnit, 2);
});

test('v2 subnet rules', () => {
  assert.equal(V2_SUBNET_RULES.length, 3);
  const s = v2SubnetRule('StandardV2', 'External')!;
  assert.equal(`${s.kind} ${s.delegation} /${s.minPrefixLength}`, 'integration Microsoft.Web/serverFarms /27');
  const p = v2SubnetRule('PremiumV2', 'Internal')!;
  assert.equal(`${p.kind} ${p.delegation} /${p.minPrefixLength}`, 'injection Microsoft.Web/hostingEnvironments /27');
  assert.equal(v2SubnetRule('StandardV2', 'Internal'), undefined);
  assert.equal(v2SubnetRule('Premium', 'External'), undefined);
});
