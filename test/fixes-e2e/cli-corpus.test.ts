/**
 * Issue 4 acceptance on real templates: every JSON file of the shared corpus (templates and their
 * parameter files, never copied into the project) is copied to a temp folder with its relative
 * layout, and one `apim-vnet-lint --fix` process fixes the whole folder. Every template must stay
 * strict JSON (a file that was not valid JSON is left untouched), the report must hold no
 * preferred fix, no NSG may have two rules with one priority and direction, and a second `--fix`
 * must change no byte.
 */
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { corpusDir, duplicatePriorities, duplicateResources, jsoncErrors, parseReport, runCli, snapshot, strictJsonErrors, tempDir } from './helpers';

const manifest = path.join(corpusDir, 'MANIFEST.tsv');
const skip = !fs.existsSync(manifest) && 'shared corpus absent (../shared/corpus)';

function jsonFiles(): { rel: string; kind: string }[] {
  return fs
    .readFileSync(manifest, 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => l.split('\t'))
    .filter((c) => c.length > 6 && /json/.test(c[6]))
    .map((c) => ({ rel: c[0], kind: c[6] }));
}

async function corpusRun(t: TestContext, platform: 'auto' | 'stv1'): Promise<void> {
  const dir = tempDir(`apim-fixes-e2e-corpus-${platform}-`);
  try {
    const files = jsonFiles();
    const inputs = new Map<string, string>();
    for (const f of files) {
      const dest = path.join(dir, f.rel);
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.copyFileSync(path.join(corpusDir, f.rel), dest);
      inputs.set(f.rel, fs.readFileSync(dest, 'utf8'));
    }
    const templates = files.filter((f) => f.kind !== 'parameters-json');
    assert.ok(templates.length >= 20, `${templates.length} corpus templates`);

    const first = await runCli(['--fix', '--format', 'json', '--platform', platform, 'files'], dir);
    assert.notEqual(first.stdout, '', first.stderr);
    assert.doesNotMatch(first.stderr, /not converging|stopped after|a fix produced invalid JSON|cannot write/, first.stderr);
    const report = new Map(parseReport(first.stdout).map((f) => [f.path, f] as const));

    let changed = 0;
    let untouchedInvalid = 0;
    for (const f of files) {
      const input = inputs.get(f.rel)!;
      const out = fs.readFileSync(path.join(dir, f.rel), 'utf8');
      if (f.kind === 'parameters-json') {
        assert.equal(out, input, `${f.rel}: parameter files are never edited`);
        continue;
      }
      if (jsoncErrors(input).length > 0) {
        assert.equal(out, input, `${f.rel}: a file that is not valid JSON is not edited`);
        untouchedInvalid++;
        continue;
      }
      if (out !== input) changed++;
      if (strictJsonErrors(input).length === 0) assert.deepEqual(strictJsonErrors(out), [], `${f.rel}: strict JSON stays strict JSON`);
      else assert.deepEqual(jsoncErrors(out), [], `${f.rel}: JSONC stays valid JSONC`);
      assert.deepEqual(duplicatePriorities(out), [], `${f.rel}: NSG priorities unique per direction`);
      assert.deepEqual(duplicateResources(out), duplicateResources(input), `${f.rel}: no resource declared twice by a fix`);
      const r = report.get(f.rel);
      if (!r) continue; // not a deployment template (e.g. a module wrapper the scan skips)
      const fixable = r.findings.filter((x) => x.fixes.some((fix) => fix.isPreferred));
      assert.deepEqual(fixable.map((x) => `${x.ruleId}: ${x.message}`), [], `${f.rel}: no fixable finding left`);
    }
    assert.ok(changed >= 3, `--fix changed ${changed} corpus templates (the test is not vacuous)`);
    const fixedLines = first.stderr.split('\n').filter((l) => l.startsWith('fixed '));
    assert.equal(fixedLines.length, changed, `one "fixed" line per changed file:\n${first.stderr}`);
    t.diagnostic(`corpus --platform ${platform}: ${templates.length} templates, ${changed} fixed, ${untouchedInvalid} invalid JSON left untouched`);

    const before = snapshot(dir);
    const second = await runCli(['--fix', '--format', 'json', '--platform', platform, 'files'], dir);
    assert.match(second.stderr, /^no fixes applied$/m, second.stderr);
    const after = snapshot(dir);
    assert.deepEqual([...after.keys()], [...before.keys()]);
    for (const [rel, buf] of before) assert.ok(buf.equals(after.get(rel)!), `${rel}: byte-identical after a second --fix`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('corpus: --fix on copies of every JSON template converges, stays valid, and is idempotent', { concurrency: true }, () => {
  for (const platform of ['auto', 'stv1'] as const) test(`--platform ${platform}`, { skip }, (t) => corpusRun(t, platform));
});
