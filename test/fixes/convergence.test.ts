/**
 * The quick-fix quality bar end to end (analyzer → fixes → analyzer): every offered fix yields a
 * text that parses (strict JSON stays strict JSON) in the file's own style; no fix is offered
 * again once applied; applying preferred fixes until none is left converges; an NSG whose
 * deny sits at priority 100 gets no insert fix but a reason.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze } from '../../server/src/analyzer';
import { applyTextEdits, detectFormatting } from '../../server/src/fixes';
import type { Finding, Fix } from '../../server/src/findings';
import { isStrictJson, jsoncErrors } from './style';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const fixtures = path.join(repoRoot, 'test', 'fixtures', 'fixes', 'convergence');
const corpus = path.join(repoRoot, '..', 'shared', 'corpus');
const PLATFORMS = ['stv1', 'stv2'] as const;

function run(file: string, text: string, platform: 'stv1' | 'stv2'): Finding[] {
  return analyze({ file, text, config: { platform } }).findings;
}

function preferred(findings: Finding[]): { finding: Finding; fix: Fix } | undefined {
  for (const finding of findings) {
    const fix = finding.fixes.find((f) => f.isPreferred);
    if (fix) return { finding, fix };
  }
  return undefined;
}

function checkFixOutput(file: string, text: string, fix: Fix, label: string): string {
  for (const e of fix.edits) assert.equal(e.file, file, `${label}: edit targets the analyzed file`);
  const out = applyTextEdits(text, fix.edits);
  assert.notEqual(out, text, `${label}: the fix changes something`);
  assert.deepEqual(jsoncErrors(out), [], `${label}: result parses`);
  if (isStrictJson(text)) assert.ok(isStrictJson(out), `${label}: strict JSON stays strict JSON`);
  const fmt = detectFormatting(text);
  for (const e of fix.edits) {
    for (const line of e.content.split(fmt.eol).slice(1)) {
      const ws = /^[ \t]*/.exec(line)![0];
      assert.ok(fmt.insertSpaces ? !ws.includes('\t') : !ws.includes(' '), `${label}: indentation in the file's style`);
      assert.ok(!line.includes('\r') && !line.includes('\n'), `${label}: line endings in the file's style`);
    }
  }
  return out;
}

/** Applies every preferred fix, one per analysis, until none is offered; returns the rounds. */
function converge(file: string, text: string, platform: 'stv1' | 'stv2', label: string): { rounds: number; text: string } {
  let t = text;
  for (let round = 0; round < 40; round++) {
    const next = preferred(run(file, t, platform));
    if (!next) return { rounds: round, text: t };
    t = checkFixOutput(file, t, next.fix, `${label} round ${round} ${next.finding.ruleId}/${next.fix.id}`);
  }
  assert.fail(`${label}: no convergence after 40 fixes`);
}

function checkAllFixes(file: string, text: string, platform: 'stv1' | 'stv2', label: string): number {
  const findings = run(file, text, platform);
  let n = 0;
  for (const finding of findings) {
    for (const fix of finding.fixes) {
      const l = `${label} ${finding.ruleId}/${fix.id}`;
      const out = checkFixOutput(file, text, fix, l);
      n++;
      const again = run(file, out, platform);
      const offered = again.some((f) => f.ruleId === finding.ruleId && f.fixes.some((x) => x.id === fix.id));
      assert.ok(!offered, `${l}: offered again after being applied`);
    }
  }
  return n;
}

const fixtureFiles = fs.existsSync(fixtures) ? fs.readdirSync(fixtures).filter((f) => f.endsWith('.json')).sort() : [];

describe('fixes end to end on the fix fixtures', () => {
  for (const name of fixtureFiles) {
    for (const platform of PLATFORMS) {
      test(`${name} [${platform}]`, () => {
        const file = path.join(fixtures, name);
        const text = fs.readFileSync(file, 'utf8');
        checkAllFixes(file, text, platform, `${name} ${platform}`);
        const { text: final } = converge(file, text, platform, `${name} ${platform}`);
        assert.equal(preferred(run(file, final, platform)), undefined);
      });
    }
  }

  test('fixtures offer fixes at all (the table is not vacuous)', () => {
    let total = 0;
    for (const name of fixtureFiles) {
      const file = path.join(fixtures, name);
      for (const platform of PLATFORMS) total += run(file, fs.readFileSync(file, 'utf8'), platform).reduce((n, f) => n + f.fixes.length, 0);
    }
    assert.ok(total >= 20, `${total} fixes offered`);
  });

  test('deny at priority 100: no insert fix, and the finding says why', () => {
    const file = path.join(fixtures, 'nsg-deny-rules.json');
    const text = fs
      .readFileSync(file, 'utf8')
      .replace('"priority": 100,', '"priority": 110,')
      .replace('"priority": 500,', '"priority": 100,');
    const inbound = run(file, text, 'stv2').filter((f) => f.ruleId === 'nsg-blocks-required-port' && /inbound|3443|6390/i.test(f.message));
    assert.ok(inbound.length > 0, 'an inbound row is blocked');
    for (const f of inbound) {
      assert.equal(f.fixes.filter((x) => x.id.startsWith('insert-nsg-rule')).length, 0, 'no insert fix below a deny at 100');
      assert.ok(f.noFixReason && f.noFixReason.length > 0, 'noFixReason given');
    }
  });
});

function corpusTemplates(): string[] {
  const manifest = path.join(corpus, 'MANIFEST.tsv');
  if (!fs.existsSync(manifest)) return [];
  return fs
    .readFileSync(manifest, 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => l.split('\t'))
    .filter((c) => c.length > 6 && /^(arm-json|bicep-json|bicep-json-symbolic)$/.test(c[6]) && Number(c[5]) < 200_000)
    .map((c) => path.join(corpus, c[0]));
}

test('corpus: every offered fix applies cleanly and preferred fixes converge', { skip: !fs.existsSync(corpus) && 'shared corpus absent (../shared/corpus)' }, () => {
  let fixes = 0;
  for (const file of corpusTemplates()) {
    const text = fs.readFileSync(file, 'utf8');
    if (!/microsoft\.apimanagement\/service/i.test(text)) continue;
    for (const platform of PLATFORMS) {
      const label = `${path.relative(corpus, file)} ${platform}`;
      const n = checkAllFixes(file, text, platform, label);
      fixes += n;
      if (n > 0) converge(file, text, platform, label);
    }
  }
  assert.ok(fixes > 0, 'the corpus exercises some fixes');
});
