import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import type { Finding } from '../../server/src/findings';
import type { OutputContext, RunReport } from '../../server/src/output/common';
import { summaryLine, summarize, displayPath } from '../../server/src/output/common';
import { formatText } from '../../server/src/output/text';
import { formatJson, toJsonReport } from '../../server/src/output/json';
import { toSarif } from '../../server/src/output/sarif';
import { ALL_RULE_META } from '../../server/src/rules/registry';
import { checkSarif, type Obj } from './sarif-check';

const cwd = path.resolve('/work/project');
const main = path.join(cwd, 'infra', 'main.json');
const linked = path.join(cwd, 'infra', 'nested', 'net.json');
const TEXT = '{\n  "sku": { "name": "Basic" },\n  "x": 1\n}\n';
const LINKED = '{\n\n  "deny": "Deny"\n}';
const texts: Record<string, string> = { [main]: TEXT, [linked]: LINKED };
const ctx: OutputContext = { cwd, toolVersion: '9.8.7', textOf: (f) => texts[f] };

const at = (file: string, text: string, needle: string) => ({ file, range: { offset: text.indexOf(needle), length: needle.length } });

const findings: Finding[] = [
  {
    ruleId: 'unsupported-sku',
    severity: 'error',
    message: 'Basic cannot be injected\ninto a VNet.',
    location: at(main, TEXT, '"Basic"'),
    related: [{ location: at(main, TEXT, '"x"'), message: 'the APIM service' }],
    fixes: [
      { id: 'set-sku:Premium', title: 'Set the sku to Premium', isPreferred: false, edits: [{ file: main, offset: TEXT.indexOf('Basic'), length: 5, content: 'Premium' }] },
      { id: 'set-sku:Developer', title: 'Set the sku to Developer', isPreferred: true, edits: [{ file: main, offset: TEXT.indexOf('Basic'), length: 5, content: 'Developer' }] },
    ],
    profile: 'stv2',
  },
  {
    ruleId: 'nsg-blocks-required-port',
    severity: 'warning',
    message: 'Port 3443 blocked.',
    location: at(linked, LINKED, '"Deny"'),
    related: [],
    fixes: [],
    noFixReason: 'rules come from an expression',
  },
  { ruleId: 'internal-multi-region', severity: 'info', message: 'You own DNS.', location: at(main, TEXT, '"x"'), related: [], fixes: [] },
];
const report: RunReport = {
  files: [
    { path: main, kind: 'template', findings },
    { path: path.join(cwd, 'clean.json'), kind: 'template', findings: [] },
  ],
  filesScanned: 5,
};

test('summary line and counts (singular/plural)', () => {
  const s = summarize(report);
  assert.deepEqual(s, { errors: 1, warnings: 1, infos: 1, filesWithFindings: 1, filesScanned: 5, fixable: 1 });
  assert.equal(summaryLine(s), '1 error, 1 warning, 1 info in 1 file (5 files scanned)');
  assert.equal(summaryLine({ ...s, errors: 3, warnings: 2, filesWithFindings: 5, filesScanned: 12 }), '3 errors, 2 warnings, 1 info in 5 files (12 files scanned)');
  assert.equal(displayPath(main, cwd), 'infra/main.json');
  assert.equal(displayPath('/elsewhere/a.json', cwd), '/elsewhere/a.json');
});

test('text: path:line:col severity message [rule-id], one line each, then the summary', () => {
  const out = formatText(report, ctx).split('\n');
  assert.deepEqual(out, [
    'infra/main.json:2:20 error Basic cannot be injected into a VNet. [unsupported-sku]',
    'infra/nested/net.json:3:11 warning Port 3443 blocked. [nsg-blocks-required-port]',
    'infra/main.json:3:3 info You own DNS. [internal-multi-region]',
    '1 error, 1 warning, 1 info in 1 file (5 files scanned)',
    '',
  ]);
});

test('json: documented stable shape', () => {
  const j = JSON.parse(formatJson(report, ctx));
  assert.deepEqual(Object.keys(j), ['version', 'formatVersion', 'files', 'summary']);
  assert.equal(j.version, '9.8.7');
  assert.equal(j.files.length, 2);
  assert.deepEqual(j.files[1], { path: 'clean.json', kind: 'template', findings: [] });
  const f = j.files[0].findings[0];
  for (const k of ['ruleId', 'severity', 'message', 'line', 'column', 'endLine', 'endColumn', 'related', 'fixes']) assert.ok(k in f, k);
  assert.deepEqual([f.line, f.column, f.endLine, f.endColumn], [2, 20, 2, 27]);
  assert.equal(f.path, 'infra/main.json');
  assert.equal(f.profile, 'stv2');
  assert.match(f.docsUrl, /docs\/rules\/unsupported-sku\.md$/);
  assert.deepEqual(f.related, [{ path: 'infra/main.json', line: 3, column: 3, endLine: 3, endColumn: 6, message: 'the APIM service' }]);
  assert.equal(f.fixes[1].isPreferred, true);
  assert.deepEqual(f.fixes[1].edits[0], { path: 'infra/main.json', offset: TEXT.indexOf('Basic'), length: 5, content: 'Developer', line: 2, column: 21, endLine: 2, endColumn: 26 });
  const g = j.files[0].findings[1];
  assert.equal(g.path, 'infra/nested/net.json');
  assert.equal(g.noFixReason, 'rules come from an expression');
  assert.deepEqual(j.summary, summarize(report));
  assert.deepEqual(toJsonReport(report, ctx), j);
});

test('sarif: valid 2.1.0 structure (required properties at every level), rules, results, fixes', () => {
  const log = toSarif(report, ctx);
  const run = checkSarif(log);
  const driver = (run.tool as Obj).driver as Obj;
  assert.equal(driver.name, 'apim-vnet-lint');
  assert.equal(driver.version, '9.8.7');
  assert.deepEqual((driver.rules as Obj[]).map((r) => r.id), ALL_RULE_META.map((r) => r.id));
  const sku = (driver.rules as Obj[]).find((r) => r.id === 'unsupported-sku') as Obj;
  assert.equal(sku.name, 'UnsupportedSku');
  const results = run.results as Obj[];
  assert.equal(results.length, 3);
  assert.deepEqual(results.map((r) => r.level), ['error', 'warning', 'note']);
  const loc0 = ((results[0].locations as Obj[])[0].physicalLocation as Obj);
  assert.deepEqual(loc0.artifactLocation, { uri: 'infra/main.json', uriBaseId: '%SRCROOT%' });
  const region = loc0.region as Obj;
  assert.deepEqual([region.startLine, region.startColumn, region.endLine, region.endColumn], [2, 20, 2, 27]);
  const fixes = results[0].fixes as Obj[];
  assert.equal((fixes[0].description as Obj).text, 'Set the sku to Developer', 'preferred fix first');
  const change = (fixes[0].artifactChanges as Obj[])[0];
  assert.deepEqual((change.replacements as Obj[])[0], { deletedRegion: { charOffset: TEXT.indexOf('Basic'), charLength: 5 }, insertedContent: { text: 'Developer' } });
  assert.equal(((results[1].locations as Obj[])[0].physicalLocation as Obj).artifactLocation && (((results[1].locations as Obj[])[0].physicalLocation as Obj).artifactLocation as Obj).uri, 'infra/nested/net.json');
  assert.equal('fixes' in results[1], false, 'no fixes key without fixes');
  const rel = (results[0].relatedLocations as Obj[])[0];
  assert.equal(rel.id, 1);
  assert.equal((rel.message as Obj).text, 'the APIM service');
  // Fingerprints are stable and distinct.
  const fp = results.map((r) => (r.partialFingerprints as Obj)['apimVnetLint/v1']);
  assert.equal(new Set(fp).size, 3);
  assert.deepEqual(fp, (toSarif(report, ctx).runs as Obj[])[0] && ((toSarif(report, ctx).runs as Obj[])[0].results as Obj[]).map((r) => (r.partialFingerprints as Obj)['apimVnetLint/v1']));
});

test('sarif: files outside the working directory get uris relative to it (interfaces.md); unknown rule ids have no ruleIndex', () => {
  const outside = '/elsewhere/dir with space/t.json';
  const log = toSarif(
    {
      files: [{ path: outside, kind: 'template', findings: [{ ruleId: 'internal-error', severity: 'error', message: 'boom', location: { file: outside, range: { offset: 0, length: 0 } }, related: [], fixes: [] }] }],
      filesScanned: 1,
    },
    ctx,
  );
  const run = checkSarif(log);
  const r = (run.results as Obj[])[0];
  assert.equal('ruleIndex' in r, false);
  const al = ((r.locations as Obj[])[0].physicalLocation as Obj).artifactLocation as Obj;
  assert.equal(al.uri, '../../elsewhere/dir%20with%20space/t.json');
  assert.equal(al.uriBaseId, '%SRCROOT%');
  // resolved against %SRCROOT% (the working directory), the uri names the file
  const base = ((run.originalUriBaseIds as Obj)['%SRCROOT%'] as Obj).uri as string;
  assert.equal(decodeURIComponent(new URL(al.uri as string, base).pathname), outside);
});

test('run problems: SARIF executionSuccessful false with notifications; JSON problems list', () => {
  const withProblems: RunReport = { files: [], filesScanned: 0, problems: ['missing.json: cannot read: no such file or directory'] };
  const run = checkSarif(toSarif(withProblems, ctx));
  const inv = (run.invocations as Obj[])[0];
  assert.equal(inv.executionSuccessful, false);
  assert.deepEqual(inv.toolExecutionNotifications, [{ level: 'error', message: { text: 'missing.json: cannot read: no such file or directory' } }]);
  assert.deepEqual(toJsonReport(withProblems, ctx).problems, ['missing.json: cannot read: no such file or directory']);
  assert.equal('problems' in toJsonReport(report, ctx), false);
  assert.equal(((checkSarif(toSarif(report, ctx)).invocations as Obj[])[0]).executionSuccessful, true);
});
