/**
 * Reality check on the shared corpus of real public templates (never copied into the project):
 * the CLI walks it, never prints a stack trace, never reports a parameter file as a template,
 * finds the two forks with a missing comma (invalid-json at 99:5, exit 2) and emits valid SARIF.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { runCli, repoRoot, tempDir, noStackTrace } from './helpers';
import { checkSarif, type Obj } from '../output/sarif-check';

const corpus = path.join(repoRoot, '..', 'shared', 'corpus');
const files = path.join(corpus, 'files');
const skip = !fs.existsSync(files) && 'shared corpus absent (../shared/corpus)';

test('CLI over the corpus: JSON and SARIF, invalid JSON found, parameter files never reported', { skip }, async () => {
  const out = path.join(tempDir(), 'corpus.sarif');
  const [json, sarif] = await Promise.all([runCli(['--format', 'json', 'files'], corpus), runCli(['--format', 'sarif', '--output', out, 'files'], corpus)]);
  for (const r of [json, sarif]) {
    assert.equal(r.status, 2, 'two corpus files are not valid JSON');
    assert.ok(noStackTrace(r.stdout + r.stderr), r.stderr);
    assert.ok(!/internal error|analyzer failure/.test(r.stderr), r.stderr);
  }
  const j = JSON.parse(json.stdout) as { files: { path: string; kind: string; findings: { ruleId: string; line: number; column: number }[] }[]; summary: Obj };
  assert.ok(j.files.length >= 10, `templates found: ${j.files.length}`);
  for (const f of j.files) {
    assert.ok(!/\.parameters\.jsonc?$/i.test(f.path), `parameter file reported: ${f.path}`);
    assert.ok(f.kind === 'template' || f.kind === 'skipped', `${f.path}: ${f.kind}`);
    assert.ok(!f.findings.some((x) => x.ruleId === 'internal-error'), `${f.path}: internal error`);
  }
  const invalid = j.files.filter((f) => f.findings.some((x) => x.ruleId === 'invalid-json'));
  assert.deepEqual(
    invalid.map((f) => path.basename(f.path)).sort(),
    ['azuredeploy.json', 'zippysdeploy.json'],
  );
  for (const f of invalid) {
    const x = f.findings.find((y) => y.ruleId === 'invalid-json');
    assert.deepEqual([x?.line, x?.column], [99, 5], f.path);
  }
  const log = JSON.parse(fs.readFileSync(out, 'utf8'));
  const run = checkSarif(log);
  assert.equal((run.results as unknown[]).length, (j.summary.errors as number) + (j.summary.warnings as number) + (j.summary.infos as number));
});
