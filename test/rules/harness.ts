/**
 * A RuleTester-style harness (ESLint's valid/invalid tables): every case runs the real analyzer on
 * a template text, filters the findings of the rule under test, and checks message, severity,
 * range (by the text it covers) and, for fixes, the text after applying the edits with the real
 * jsonc edit builders.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTree, type ParseError } from 'jsonc-parser';
import { analyze, type AnalyzeOptions } from '../../server/src/analyzer';
import type { Finding } from '../../server/src/findings';
import type { ApimVnetConfig } from '../../server/src/config/types';
import { applyTextEdits } from '../../server/src/fixes';

export const FILE = '/virtual/azuredeploy.json';

export interface ExpectedFinding {
  /** Substrings (or patterns) the message must contain. */
  message: (string | RegExp)[];
  severity: 'error' | 'warning' | 'info';
  /** The exact text the finding's range covers. */
  rangeText: string;
  /** When several places hold the same text: which occurrence (0-based) the range must be on. */
  occurrence?: number;
  profile?: 'stv1' | 'stv2';
  /** Title (pattern) of the preferred fix, and the expected text after applying it (or a check). */
  fix?: { title: RegExp; output?: string; check?: (out: string) => void };
  /** The finding must offer no fix, with a reason matching this. */
  noFix?: RegExp;
}

export interface ValidCase {
  name: string;
  text: string;
  config?: ApimVnetConfig;
  files?: Record<string, string>;
  /** A parameter file among `files` to apply. */
  parametersFile?: string;
}

export interface InvalidCase extends ValidCase {
  findings: ExpectedFinding[];
}

export function run(text: string, config?: ApimVnetConfig, files: Record<string, string> = {}, opts: Partial<AnalyzeOptions> = {}): Finding[] {
  return analyze({
    file: FILE,
    text,
    config,
    readFile: (p) => files[p],
    ...opts,
  }).findings;
}

function nthIndexOf(text: string, needle: string, n: number): number {
  let at = -1;
  for (let i = 0; i <= n; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) return -1;
  }
  return at;
}

export function strictJson(text: string): boolean {
  const errors: ParseError[] = [];
  parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  return errors.length === 0;
}

/** Runs a rule table: valid cases produce no finding of the rule; invalid ones exactly the listed ones. */
export function ruleTable(ruleId: string, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
  for (const c of cases.valid) {
    test(`${ruleId}: silent: ${c.name}`, () => {
      const got = run(c.text, c.config, c.files, c.parametersFile ? { parametersFile: c.parametersFile } : {}).filter((f) => f.ruleId === ruleId);
      assert.deepEqual(
        got.map((f) => f.message),
        [],
        `expected no ${ruleId} finding`,
      );
    });
  }
  for (const c of cases.invalid) {
    test(`${ruleId}: fires: ${c.name}`, () => {
      const got = run(c.text, c.config, c.files, c.parametersFile ? { parametersFile: c.parametersFile } : {}).filter((f) => f.ruleId === ruleId);
      assert.equal(got.length, c.findings.length, `expected ${c.findings.length} ${ruleId} finding(s), got: ${got.map((f) => f.message).join(' || ')}`);
      c.findings.forEach((exp, i) => {
        const f = got[i];
        for (const m of exp.message) {
          if (typeof m === 'string') assert.ok(f.message.includes(m), `message ${JSON.stringify(f.message)} should contain ${JSON.stringify(m)}`);
          else assert.match(f.message, m);
        }
        assert.equal(f.severity, exp.severity);
        if (exp.profile) assert.equal(f.profile, exp.profile);
        const covered = c.text.slice(f.location.range.offset, f.location.range.offset + f.location.range.length);
        assert.equal(covered, exp.rangeText, 'range text');
        if (exp.occurrence !== undefined) assert.equal(f.location.range.offset, nthIndexOf(c.text, exp.rangeText, exp.occurrence), 'range occurrence');
        assert.ok(f.related.length >= 0);
        if (exp.noFix) {
          assert.equal(f.fixes.filter((x) => x.isPreferred).length, 0, 'no preferred fix expected');
          assert.match(f.noFixReason ?? '', exp.noFix);
        }
        if (exp.fix) {
          const preferred = f.fixes.find((x) => x.isPreferred);
          assert.ok(preferred, `a preferred fix is expected (fixes: ${f.fixes.map((x) => x.title).join(', ') || 'none'}; ${f.noFixReason ?? ''})`);
          assert.match(preferred.title, exp.fix.title);
          const out = applyTextEdits(c.text, preferred.edits.filter((e) => e.file === FILE));
          if (exp.fix.output !== undefined) assert.equal(out, exp.fix.output);
          exp.fix.check?.(out);
          // The fix resolves the finding: the same rule no longer fires at that place with that row.
          const after = run(out, c.config, c.files, c.parametersFile ? { parametersFile: c.parametersFile } : {}).filter((x) => x.ruleId === ruleId && x.message === f.message);
          assert.equal(after.length, 0, `after the fix the finding is gone: ${after.map((x) => x.message).join(' || ')}`);
        }
      });
    });
  }
}
