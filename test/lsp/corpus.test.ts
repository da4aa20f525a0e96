/**
 * Reality check on the shared corpus of public templates (never copied into the project):
 * the workspace scan over the quickstart APIM templates through the real server, and the time
 * from a keystroke to fresh diagnostics in the largest corpus template.
 */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL, fileURLToPath } from 'url';
import { LspClient, REPO_ROOT } from './harness';

const CORPUS = path.join(REPO_ROOT, '..', 'shared', 'corpus');
const FILES = path.join(CORPUS, 'files');
const QUICKSTARTS = path.join(FILES, 'Azure__azure-quickstart-templates');
const absent = !fs.existsSync(QUICKSTARTS) && 'shared corpus absent (../shared/corpus)';

let client: LspClient | undefined;

before(async () => {
  if (absent) return;
  client = LspClient.start();
  await client.initialize({ workspaceFolders: [{ uri: pathToFileURL(QUICKSTARTS).href, name: 'quickstarts' }] });
});

after(() => client?.kill());

test('workspace scan of the quickstart APIM templates: templates only, valid ranges, server alive', { skip: absent }, async () => {
  const c = client!;
  const result = (await c.conn.sendRequest('apimVnet/analyzeWorkspace', {})) as { files: number; findings: number; scanned: number };
  const jsonFiles = (function walk(d: string): string[] {
    return fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : /\.json$/.test(e.name) ? [path.join(d, e.name)] : []));
  })(QUICKSTARTS);
  const params = jsonFiles.filter((f) => /parameters/.test(path.basename(f)));
  assert.equal(result.scanned, jsonFiles.length);
  assert.equal(result.files, jsonFiles.length - params.length, 'every non-parameter file is a template');
  for (const [uri, pub] of c.diagnostics) {
    assert.ok(!/parameters[^/]*\.json$/.test(uri), `parameter file never reported: ${uri}`);
    const lines = fs.readFileSync(fileURLToPath(uri), 'utf8').split('\n');
    for (const d of pub.diagnostics) {
      assert.ok(d.range.start.line < lines.length && d.range.end.line < lines.length, `${uri}: range inside the file`);
      assert.equal(d.source, 'apim-vnet');
      assert.ok(!String(d.code).includes('internal-error'), `${uri}: ${d.message}`);
    }
  }
  assert.equal(c.exitCode, undefined);
});

test('keystroke in the largest corpus template: fresh diagnostics, newest version only', { skip: !fs.existsSync(FILES) && 'shared corpus absent (../shared/corpus)' }, async (t) => {
  const c = client!;
  const all = (function walk(d: string): string[] {
    return fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : /\.json$/.test(e.name) ? [path.join(d, e.name)] : []));
  })(FILES);
  const largest = all.map((f) => ({ f, size: fs.statSync(f).size })).sort((a, b) => b.size - a.size)[0];
  const uri = pathToFileURL(largest.f).href;
  const text = fs.readFileSync(largest.f, 'utf8');
  let t0 = performance.now();
  await c.open(uri, text);
  await c.waitFor(() => c.diagnostics.get(uri)?.version === 1, 'first analysis', 60_000);
  const first = performance.now() - t0;
  // type three characters into the contentVersion value
  const at = c.doc(uri).positionAt(text.indexOf('"contentVersion"') + 1);
  t0 = performance.now();
  for (const ch of ['x', 'y', 'z']) await c.edit(uri, [{ range: { start: at, end: at }, newText: ch }]);
  await c.waitFor(() => c.diagnostics.get(uri)?.version === 4, 'analysis of the last keystroke', 60_000);
  const after = performance.now() - t0;
  const versions = c.history.filter((p) => p.uri === uri).map((p) => p.version);
  // Which intermediate versions get analyzed depends on how the keystrokes and the debounce
  // interleave on a loaded machine; what must hold is that diagnostics only move forward and end
  // on the newest version (the burst test in server.test.ts checks supersession deterministically).
  assert.equal(versions[0], 1);
  assert.equal(versions.at(-1), 4, 'the last published diagnostics are for the newest version');
  assert.ok(versions.every((v, i) => i === 0 || (v ?? 0) > (versions[i - 1] ?? 0)), `versions only increase: ${versions.join(', ')}`);
  t.diagnostic(`${path.basename(path.dirname(largest.f))}/${path.basename(largest.f)} (${(largest.size / 1024 / 1024).toFixed(1)} MB): open→diagnostics ${first.toFixed(0)} ms, 3 keystrokes→diagnostics ${after.toFixed(0)} ms`);
  await c.close(uri);
});
