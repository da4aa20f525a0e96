/**
 * Unit tests of the server glue and the core hover, in-process (no server process).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { selectNonOverlapping, disableLineAction, codeActionsFor, contextDiagnostics, FIX_ALL_KIND } from '../../server/src/lsp/code-actions';
import type { SerializedFix, DiagnosticData } from '../../server/src/lsp/diagnostics';
import { RangeConverter, findingsToDiagnostics } from '../../server/src/lsp/diagnostics';
import { normalizeSettings, settingsOverrides } from '../../server/src/lsp/settings';
import { DebouncedRunner } from '../../server/src/lsp/scheduler';
import { fileKeyForUri, uriForFileKey } from '../../server/src/lsp/uri';
import { listJsonFiles } from '../../server/src/lsp/workspace-scan';
import { minimalEdit } from '../../server/src/lsp/fix-all';
import { hoverAt, resolveProfile } from '../../server/src/hover';
import { analyze } from '../../server/src/analyzer';
import type { Finding } from '../../server/src/findings';
import { REPO_ROOT } from './harness';

const BASIC = fs.readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'lsp', 'basic-external.json'), 'utf8');

const edit = (uri: string, sl: number, sc: number, el: number, ec: number, newText = 'x') => ({ uri, range: { start: { line: sl, character: sc }, end: { line: el, character: ec } }, newText });

test('fix-all keeps preferred, non-overlapping fixes in document order and drops duplicates', () => {
  const fixes: SerializedFix[] = [
    { id: 'b', title: 'B', isPreferred: true, edits: [edit('u', 5, 0, 5, 4)] },
    { id: 'a', title: 'A', isPreferred: true, edits: [edit('u', 1, 0, 1, 4)] },
    { id: 'a2', title: 'A overlapping', isPreferred: true, edits: [edit('u', 1, 2, 1, 6)] },
    { id: 'np', title: 'not preferred', isPreferred: false, edits: [edit('u', 9, 0, 9, 1)] },
    { id: 'b', title: 'B again', isPreferred: true, edits: [edit('u', 5, 0, 5, 4)] },
    { id: 'other', title: 'other file', isPreferred: true, edits: [edit('v', 1, 0, 1, 4)] },
  ];
  assert.deepEqual(selectNonOverlapping(fixes).map((f) => f.title), ['A', 'other file', 'B']);
});

test('disable-line action extends an existing suppression comment instead of stacking a second one', () => {
  const text = '{\n  "a": {\n    // apim-vnet-disable-next-line missing-nsg\n    "name": "Basic"\n  }\n}\n';
  const doc = TextDocument.create('file:///t.json', 'jsonc', 1, text);
  const d = { range: { start: { line: 3, character: 12 }, end: { line: 3, character: 19 } }, message: 'm', source: 'apim-vnet' };
  const a = disableLineAction(doc, d, 'unsupported-sku');
  const e = a.edit!.changes!['file:///t.json'][0];
  const after = TextDocument.applyEdits(doc, [e]);
  assert.equal(after.split('\n')[2], '    // apim-vnet-disable-next-line missing-nsg unsupported-sku');
  const fresh = disableLineAction(TextDocument.create('file:///t.json', 'jsonc', 1, '{\r\n\t"x": 1\r\n}'), { ...d, range: { start: { line: 1, character: 1 }, end: { line: 1, character: 4 } } }, 'shared-subnet');
  assert.equal(fresh.edit!.changes!['file:///t.json'][0].newText, '\t// apim-vnet-disable-next-line shared-subnet\r\n', 'tab indentation and CRLF kept');
});

test('code actions: none for foreign or stale diagnostics; fix-all only when asked for by kind', () => {
  const doc = TextDocument.create('file:///t.json', 'json', 3, BASIC);
  const fix: SerializedFix = { id: 'f', title: 'Fix it', isPreferred: true, edits: [edit('file:///t.json', 0, 0, 0, 1, '{')] };
  const data = (version: number): DiagnosticData => ({ ruleId: 'unsupported-sku', uri: doc.uri, version, fixes: [fix] });
  const diag = (version: number, source = 'apim-vnet') => ({ range: { start: { line: 2, character: 0 }, end: { line: 2, character: 3 } }, message: 'm', source, data: data(version) });
  const params = (diagnostics: unknown[], only?: string[]) => ({ textDocument: { uri: doc.uri }, range: diag(3).range, context: { diagnostics: diagnostics as never[], only } });
  const version = () => 3;
  const none = () => undefined;
  const edit1 = { changes: { [doc.uri]: [{ range: fix.edits[0].range, newText: '{' }] } };
  assert.deepEqual(codeActionsFor(doc, params([diag(3, 'json')]), version, none), []);
  assert.deepEqual(codeActionsFor(doc, params([diag(2)]), version, none), [], 'stale version');
  const current = codeActionsFor(doc, params([diag(3)]), version, () => edit1, 1);
  assert.deepEqual(current.map((a) => a.title), ['Fix it', 'Disable unsupported-sku for this line']);
  const bulb = codeActionsFor(doc, params([diag(3)]), version, () => assert.fail('computed lazily'), 2);
  assert.deepEqual(bulb.at(-1), { title: 'Fix all APIM VNet problems in this file', kind: FIX_ALL_KIND, data: { fixAll: doc.uri, version: 3 } });
  const fixAll = codeActionsFor(doc, params([diag(3)], [FIX_ALL_KIND]), version, () => edit1);
  assert.deepEqual(fixAll.map((a) => a.kind), [FIX_ALL_KIND]);
  assert.deepEqual(fixAll[0].edit, edit1);
  assert.deepEqual(codeActionsFor(doc, params([], ['source.organizeImports']), version, () => edit1), []);
});

test('contextDiagnostics: ours with data kept; ours without data matched by range, code and message; none of ours: the current ones under the range', () => {
  const r = (l: number, c0: number, c1: number) => ({ start: { line: l, character: c0 }, end: { line: l, character: c1 } });
  const data = (ruleId: string): DiagnosticData => ({ ruleId, uri: 'file:///t.json', version: 1, fixes: [] });
  const a1 = { range: r(2, 4, 9), message: 'first', code: 'nsg-blocks-required-port', source: 'apim-vnet', data: data('nsg-blocks-required-port') };
  const a2 = { ...a1, message: 'second', data: data('nsg-blocks-required-port') };
  const b = { range: r(5, 0, 3), message: 'sku', code: 'unsupported-sku', source: 'apim-vnet', data: data('unsupported-sku') };
  const current = [a1, a2, b];
  const foreign = { range: r(2, 0, 1), message: 'schema', source: 'json' };
  assert.deepEqual(contextDiagnostics([a2], current, r(2, 5, 5)), [a2], 'ours with data: as sent');
  const { data: _d, ...bare } = a2;
  assert.deepEqual(contextDiagnostics([bare], current, r(2, 5, 5)), [a2], 'same range and code: the one with the same message');
  assert.deepEqual(contextDiagnostics([{ ...bare, message: 'edited' }], current, r(2, 5, 5)), [a1], 'same range and code, other message: the first');
  assert.deepEqual(contextDiagnostics([foreign], current, r(2, 9, 9)), [foreign, a1, a2], 'range end touches ours');
  assert.deepEqual(contextDiagnostics([], current, r(3, 0, 4)), [], 'nothing of ours under the range');
  assert.deepEqual(contextDiagnostics([], current, { start: { line: 1, character: 0 }, end: { line: 6, character: 0 } }), current, 'a selection over several lines');
  assert.deepEqual(contextDiagnostics([bare], undefined, r(2, 5, 5)), [bare], 'no current analysis: as sent (no fixes without data)');
});

test('code actions: the same fix offered by several diagnostics is one action listing them all', () => {
  const doc = TextDocument.create('file:///t.json', 'json', 3, BASIC);
  const all: SerializedFix = { id: 'add-all-apim-rules', title: 'Add all 2 missing API Management rules', isPreferred: false, edits: [edit('file:///t.json', 1, 0, 1, 0, 'x')] };
  const own = (n: number): SerializedFix => ({ id: `insert-nsg-rule:stv2-${n}`, title: `Add rule ${n}`, isPreferred: true, edits: [edit('file:///t.json', 1, 0, 1, 0, `r${n}`)] });
  const diag = (line: number, n: number) => ({
    range: { start: { line, character: 0 }, end: { line, character: 3 } },
    message: `row ${n}`,
    source: 'apim-vnet',
    data: { ruleId: 'nsg-blocks-required-port', uri: doc.uri, version: 3, fixes: [own(n), all] } as DiagnosticData,
  });
  const actions = codeActionsFor(doc, { textDocument: { uri: doc.uri }, range: diag(2, 5).range, context: { diagnostics: [diag(2, 5), diag(2, 6)] } }, () => 3, () => undefined);
  const titles = actions.map((a) => a.title);
  assert.deepEqual(titles.filter((t) => t.startsWith('Add all')), ['Add all 2 missing API Management rules'], 'listed once');
  assert.equal(actions.find((a) => a.title.startsWith('Add all'))!.diagnostics!.length, 2);
  assert.deepEqual(titles.filter((t) => /^Add rule/.test(t)), ['Add rule 5', 'Add rule 6']);
});

test('findings become diagnostics with ranges, related information in other files, docs link and serializable fixes', () => {
  const doc = TextDocument.create('file:///w/t.json', 'json', 7, 'ab\ncdef\n');
  const other = 'line0\nline1\n';
  const finding: Finding = {
    ruleId: 'missing-nsg',
    severity: 'warning',
    message: 'msg',
    location: { file: '/w/t.json', range: { offset: 3, length: 2 } },
    related: [{ location: { file: '/w/linked.json', range: { offset: 6, length: 5 } }, message: 'there' }],
    fixes: [{ id: 'x', title: 'X', isPreferred: true, edits: [{ file: '/w/t.json', offset: 0, length: 1, content: 'A' }] }],
  };
  const conv = new RangeConverter(doc, '/w/t.json', (k) => (k === '/w/linked.json' ? other : undefined));
  const byUri = findingsToDiagnostics([finding], doc, conv);
  const [d] = byUri.get(doc.uri)!;
  assert.deepEqual(d.range, { start: { line: 1, character: 0 }, end: { line: 1, character: 2 } });
  assert.equal(d.severity, 2);
  assert.equal(d.code, 'missing-nsg');
  assert.match(d.codeDescription!.href, /missing-nsg\.md$/);
  assert.equal(d.relatedInformation![0].location.uri, 'file:///w/linked.json');
  assert.deepEqual(d.relatedInformation![0].location.range.start, { line: 1, character: 0 });
  const data = d.data as DiagnosticData;
  assert.equal(data.version, 7);
  assert.deepEqual(JSON.parse(JSON.stringify(data.fixes)), [{ id: 'x', title: 'X', isPreferred: true, edits: [{ uri: 'file:///w/t.json', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, newText: 'A' }] }]);
});

test('settings: ill-typed values are dropped; only explicit values override the file', () => {
  const s = normalizeSettings({ platform: 'stv3', rules: { 'missing-nsg': 'off', 'x-y': 'loud' }, debounceMs: -1, maxFileSize: 1000, parameterFiles: { a: 1, b: 'b.json' } });
  assert.deepEqual(s, { rules: { 'missing-nsg': 'off' }, maxFileSize: 1000, parameterFiles: { b: 'b.json' } });
  assert.deepEqual(settingsOverrides(normalizeSettings({ platform: 'stv1' })), { platform: 'stv1' });
  assert.deepEqual(normalizeSettings(null), {});
});

test('debounced runner: a burst of schedules runs once', async () => {
  let runs = 0;
  let resolveRun!: () => void;
  const ran = new Promise<void>((r) => (resolveRun = r));
  const runner = new DebouncedRunner(async () => {
    runs++;
    resolveRun();
  }, () => undefined);
  for (let i = 0; i < 10; i++) runner.schedule('k', 5);
  assert.ok(runner.pending('k'));
  await ran;
  assert.equal(runs, 1);
  assert.ok(!runner.pending('k'));
  runner.schedule('k', 10_000);
  runner.dispose();
  assert.ok(!runner.pending('k'));
});

test('uri helpers round-trip file paths and keep other schemes', () => {
  const p = path.resolve('/tmp/a b/t.json');
  assert.equal(fileKeyForUri(uriForFileKey(p)), p);
  assert.equal(fileKeyForUri('untitled:Untitled-1'), 'untitled:Untitled-1');
  assert.equal(uriForFileKey('untitled:Untitled-1'), 'untitled:Untitled-1');
});

test('hover (core): seed notes and profile from the text alone, forced platform, non-APIM properties', () => {
  const stv1 = BASIC.replace('"apiVersion": "2022-08-01"', '"apiVersion": "2019-12-01"');
  const at = (text: string, needle: string) => text.indexOf(needle) + 2;
  const h = hoverAt({ text: stv1, offset: at(stv1, '"virtualNetworkType"') })!;
  assert.ok(h);
  assert.match(h.markdown, /\*\*stv1\*\*/);
  assert.match(h.markdown, /2019-12-01/);
  assert.match(h.markdown, /locked for up to 4 hours/);
  assert.match(h.markdown, /must be \*\*dedicated\*\*/);
  assert.equal(stv1.slice(h.range.offset, h.range.offset + 20), '"virtualNetworkType"');
  const forced = hoverAt({ text: stv1, offset: at(stv1, '"subnetResourceId"'), platform: 'stv2' })!;
  assert.match(forced.markdown, /\*\*stv2\*\* \(forced/);
  // addressPrefix of the subnet is not an APIM property
  assert.equal(hoverAt({ text: stv1, offset: at(stv1, '"addressPrefix"') }), undefined);
  assert.equal(hoverAt({ text: '{ not json', offset: 3 }), undefined);
});

test('hover (core) with the analysis: evaluated values and the finding under the cursor', () => {
  const r = analyze({ file: '/t.json', text: BASIC });
  const off = BASIC.indexOf('"Basic"') + 1;
  const h = hoverAt({ text: BASIC, offset: off, template: r.template, findings: r.findings, file: '/t.json' });
  assert.ok(r.findings.some((f) => f.ruleId === 'unsupported-sku'));
  assert.match(h!.markdown, /\*\*unsupported-sku\*\*/);
  const v = hoverAt({ text: BASIC, offset: BASIC.indexOf('"virtualNetworkType"') + 2, template: r.template, findings: r.findings, file: '/t.json' })!;
  assert.match(v.markdown, /evaluates to `External` on sku `Basic`/);
  assert.deepEqual(resolveProfile('auto', '2021-08-01', false).profile, 'stv2');
  assert.deepEqual(resolveProfile('auto', '2021-01-01-preview', true).profile, 'stv2');
  assert.deepEqual(resolveProfile('auto', '2021-01-01-preview', false).profile, 'stv1');
});

test('workspace listing skips node_modules and .git, sorted', () => {
  const files = listJsonFiles([path.join(REPO_ROOT, 'test', 'fixtures', 'lsp')], () => false);
  assert.ok(files.length >= 2);
  assert.deepEqual([...files].sort(), files);
  assert.ok(files.every((f) => !/node_modules|\.git[\\/]/.test(f)));
});

test('fix-all result is one minimal edit', () => {
  const before = '{\n  "a": 1,\n  "b": 2\n}\n';
  const after = '{\n  "a": 1,\n  "c": 3,\n  "b": 2\n}\n';
  const doc = TextDocument.create('file:///m.json', 'json', 1, before);
  const e = minimalEdit(doc, before, after);
  assert.equal(TextDocument.applyEdits(doc, [e]), after);
  assert.ok(e.newText.length <= 12, e.newText);
});
