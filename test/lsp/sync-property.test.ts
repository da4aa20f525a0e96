/**
 * Property test (seeded fast-check) of document synchronization and stale-analysis dropping:
 * random bursts of incremental edits (JSON punctuation, deletions, pasted fragments) are sent to
 * the real server; the diagnostics it publishes for the newest version must be exactly those of
 * an in-process analysis of the client's text, and the server must stay alive.
 */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze } from '../../server/src/analyzer';
import { LspClient, REPO_ROOT } from './harness';

const BASIC = fs.readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'lsp', 'basic-external.json'), 'utf8');

let client: LspClient;
before(async () => {
  client = LspClient.start();
  client.settings = { debounceMs: 5 };
  await client.initialize();
});
after(() => client?.kill());

const editArb = fc.record({
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  del: fc.nat({ max: 12 }),
  text: fc.oneof(fc.constantFrom('', '{', '}', '[', ']', ',', ':', '"', ' ', '\n', '"Basic"', '"Internal"', '// c\n', '/* x */'), fc.string({ maxLength: 4 })),
});

function key(code: unknown, r: { start: { line: number; character: number }; end: { line: number; character: number } }): string {
  return `${String(code)}@${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
}

test('published diagnostics of the newest version equal an in-process analysis of the same text', async () => {
  let run = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(editArb, { minLength: 1, maxLength: 6 }), async (edits) => {
      const uri = `file:///sync-property/t${run++}.json`;
      await client.open(uri, BASIC);
      for (const e of edits) {
        const doc = client.doc(uri);
        const text = doc.getText();
        const start = Math.floor(e.at * text.length);
        const end = Math.min(text.length, start + e.del);
        await client.edit(uri, [{ range: { start: doc.positionAt(start), end: doc.positionAt(end) }, newText: e.text }]);
      }
      const final = client.doc(uri);
      const published = await client.waitForDiagnostics(uri, () => true, `diagnostics of version ${final.version}`, final.version);
      const expectedDoc = TextDocument.create(uri, 'json', final.version, final.getText());
      const result = analyze({ file: '/sync-property/' + uri.split('/').pop(), text: final.getText() });
      const treatedAsTemplate = published.length > 0 || result.kind === 'template';
      const expected = treatedAsTemplate
        ? result.findings.map((f) => key(f.ruleId, { start: expectedDoc.positionAt(f.location.range.offset), end: expectedDoc.positionAt(f.location.range.offset + f.location.range.length) }))
        : [];
      assert.deepEqual(published.map((d) => key(d.code, d.range)).sort(), expected.sort());
      const versions = client.history.filter((p) => p.uri === uri).map((p) => p.version!);
      assert.deepEqual([...versions].sort((a, b) => a - b), versions, 'versions never go backwards');
      await client.close(uri);
    }),
    { numRuns: 25, seed: 20261126 },
  );
  assert.equal(client.exitCode, undefined, 'server alive');
});
