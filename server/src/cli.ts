/**
 * The command-line front: `node bin/apim-vnet-lint.js [options] <file|dir>...`
 * (interfaces.md "Command line"). `main(argv, io)` runs in-process (tests) and from the bin.
 *
 * Flow: parse args → discover candidate files (recursive, skipping node_modules/.git/ignore
 * globs/symlink loops/paths outside the roots) → per file: nearest `.apim-vnet.json` merged
 * with CLI overrides, size cap, parameter file → analyze() → severity overrides, suppression
 * comments, --quiet → (--fix rounds) → text/JSON/SARIF → exit status.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { analyze, fileSkippedFinding, type AnalysisResult } from './analyzer';
import { analyzeInWorkers, workerCount, workerEligible, type WorkerJob } from './cli/workers';
import type { Finding } from './findings';
import type { ApimVnetConfig } from './config/types';
import { DEFAULT_MAX_FILE_SIZE } from './config/types';
import { findConfigFile, loadConfigFile, mergeConfig, findParametersFile, isIgnored, type LoadedConfig } from './config/load';
import { applySuppressions } from './config/suppression';
import { parseArgs, USAGE, type CliOptions } from './cli/args';
import { discover, errText, readText, writeAtomic, isInside, TextStore, type Candidate } from './cli/files';
import { planFixRound, applyTextEdits } from './cli/fix';
import type { FileReport, OutputContext, RunReport } from './output/common';
import { displayPath, sortFindings, summarize } from './output/common';
import { formatText } from './output/text';
import { formatJson } from './output/json';
import { formatSarif } from './output/sarif';
import { explainResult } from './cli/explain';

export interface CliIo {
  /** Working directory (relative paths, display paths, SARIF uris). */
  cwd: string;
  stdout(text: string): void;
  stderr(text: string): void;
}

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

/**
 * --fix re-analyzes after every round; fixes whose edits touch the same place (e.g. several NSG
 * rules appended to one securityRules array) go one per round, so the bound is generous; a round
 * that brings the files back to a state already seen ends the loop (no oscillation).
 */
const MAX_FIX_ROUNDS = 50;

/** package.json version of this tool (searched upward from this file, works bundled or not). */
export function toolVersion(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const p = path.join(dir, 'package.json');
    try {
      const pkg = JSON.parse(fs.readFileSync(p, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'apim-vnet-lint' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      /* keep looking */
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return '0.0.0';
}

const PARAMS_NAME_RE = /\.parameters\.jsonc?$/i;
const PARAMS_SCHEMA_RE = /"\$schema"\s*:\s*"[^"]*deploymentParameters\.json/i;

/** Cheap look at a text: is this a parameter file (by name or `$schema`)? */
function looksLikeParameters(file: string, text: string): boolean {
  return PARAMS_NAME_RE.test(file) || PARAMS_SCHEMA_RE.test(text.slice(0, 4096));
}

/** Does a non-template JSON still look enough like a template to report its syntax error? */
function looksLikeTemplate(text: string): boolean {
  const head = text.slice(0, 65536);
  return /deploymentTemplate\.json/i.test(head) || /"resources"\s*:/.test(head);
}

/** Applies configured severities (idempotent: the analyzer may have applied them already). */
export function applySeverityOverrides(findings: Finding[], rules: ApimVnetConfig['rules']): Finding[] {
  if (!rules || Object.keys(rules).length === 0) return findings;
  const out: Finding[] = [];
  for (const f of findings) {
    const s = rules[f.ruleId];
    if (s === undefined) out.push(f);
    else if (s !== 'off') out.push(s === f.severity ? f : { ...f, severity: s });
  }
  return out;
}

interface FileJob {
  cand: Candidate;
  config: ApimVnetConfig;
  configDir?: string;
  parametersFile?: string;
}

interface Analyzed {
  job: FileJob;
  kind: FileReport['kind'];
  result?: AnalysisResult;
  findings: Finding[];
  invalidJson: boolean;
}

export function main(argv: readonly string[], ioIn?: Partial<CliIo>): number {
  const io: CliIo = {
    cwd: ioIn?.cwd ?? process.cwd(),
    stdout: ioIn?.stdout ?? ((s) => process.stdout.write(s)),
    stderr: ioIn?.stderr ?? ((s) => process.stderr.write(s)),
  };
  try {
    return run(argv, io);
  } catch (e) {
    // Never a stack trace for the user; this is a bug in the tool, not in their template.
    io.stderr(`apim-vnet-lint: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT_USAGE;
  }
}

function run(argv: readonly string[], io: CliIo): number {
  const parsed = parseArgs(argv);
  if (!parsed.ok) {
    io.stderr(`apim-vnet-lint: ${parsed.error}\nRun 'apim-vnet-lint --help' for usage.\n`);
    return EXIT_USAGE;
  }
  const opts = parsed.options;
  if (opts.help) {
    io.stdout(USAGE);
    return EXIT_OK;
  }
  if (opts.version) {
    io.stdout(`apim-vnet-lint ${toolVersion()}\n`);
    return EXIT_OK;
  }
  const problems: string[] = [];
  const err = (msg: string) => {
    problems.push(msg);
    io.stderr(`apim-vnet-lint: ${msg}\n`);
  };
  /** A note on stderr that is not a failure of the run. */
  const note = (msg: string) => io.stderr(`apim-vnet-lint: ${msg}\n`);
  let exitTwo = false;

  // --- configuration -------------------------------------------------------------------
  const overrides: ApimVnetConfig = {};
  if (opts.platform) overrides.platform = opts.platform;
  if (Object.keys(opts.rules).length > 0) overrides.rules = opts.rules;

  let forced: LoadedConfig | undefined;
  if (opts.config) {
    const r = loadConfigFile(path.resolve(io.cwd, opts.config));
    if (!r.ok) {
      err(`invalid configuration: ${r.error.message}`);
      return EXIT_USAGE;
    }
    forced = r.loaded;
  }
  const configCache = new Map<string, LoadedConfig | null>(); // by config file path
  const dirCache = new Map<string, string | null>(); // dir → config file
  let configError: string | undefined;
  const configForDir = (dir: string): LoadedConfig | undefined => {
    if (forced) return forced;
    let file = dirCache.get(dir);
    if (file === undefined) {
      file = findConfigFile(dir) ?? null;
      dirCache.set(dir, file);
    }
    if (file === null) return undefined;
    let loaded = configCache.get(file);
    if (loaded === undefined) {
      const r = loadConfigFile(file);
      if (!r.ok) {
        configError ??= r.error.message;
        loaded = null;
      } else loaded = r.loaded;
      configCache.set(file, loaded);
    }
    return loaded ?? undefined;
  };

  // --- discovery -----------------------------------------------------------------------
  const ignored = (abs: string) => {
    const c = configForDir(path.dirname(abs));
    return c ? isIgnored(abs, c.config, c.dir) : false;
  };
  const found = discover(opts.paths, io.cwd, ignored);
  if (configError) {
    err(`invalid configuration: ${configError}`);
    return EXIT_USAGE;
  }
  for (const p of found.problems) {
    err(`${displayPath(p.path, io.cwd)}: ${p.message}`);
    exitTwo = true;
  }

  let parametersOverride: string | undefined;
  if (opts.parameters) {
    parametersOverride = path.resolve(io.cwd, opts.parameters);
    try {
      if (!fs.statSync(parametersOverride).isFile()) throw new Error('not a file');
    } catch (e) {
      err(`--parameters ${displayPath(parametersOverride, io.cwd)}: cannot read: ${errText(e)}`);
      return EXIT_USAGE;
    }
  }

  const baseMax = forced?.config.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  // A template named on the command line may link `../modules/x.json`: when it lies inside the
  // working directory (the user's project), that directory is a root too; a file outside it
  // only reads its own folder tree.
  const roots = [...found.roots];
  const cwdReal = safeReal(io.cwd);
  if (cwdReal && found.candidates.some((c) => c.explicit && isInside(c.real, cwdReal))) roots.push(cwdReal);
  const store = new TextStore(roots, baseMax);
  if (parametersOverride) store.allowedFiles.add(fs.realpathSync.native(parametersOverride));

  // --- jobs: config, size cap, parameter files -------------------------------------------
  let filesScanned = 0;
  const jobs: FileJob[] = [];
  const skipped: Analyzed[] = [];
  const usedParameterFiles = new Set<string>();
  for (const cand of found.candidates) {
    filesScanned++;
    const loaded = configForDir(path.dirname(cand.path));
    const config = mergeConfig(loaded?.config, overrides);
    const max = config.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
    let size = 0;
    try {
      size = fs.statSync(cand.path).size;
    } catch (e) {
      err(`${displayPath(cand.path, io.cwd)}: cannot read: ${errText(e)}`);
      exitTwo = true;
      continue;
    }
    const job: FileJob = { cand, config, configDir: loaded?.dir };
    if (size > max) {
      let head = '';
      try {
        const fd = fs.openSync(cand.path, 'r');
        const buf = Buffer.alloc(65536);
        const n = fs.readSync(fd, buf, 0, buf.length, 0);
        fs.closeSync(fd);
        head = buf.subarray(0, n).toString('utf8');
      } catch {
        head = '';
      }
      if (looksLikeParameters(cand.path, head)) continue;
      if (cand.explicit || looksLikeTemplate(head)) {
        skipped.push({
          job,
          kind: 'skipped',
          invalidJson: false,
          findings: applySeverityOverrides(
            [fileSkippedFinding(cand.path, size, max)],
            config.rules,
          ).filter((f) => !opts.quiet || f.severity === 'error'),
        });
      }
      continue;
    }
    let text: string;
    try {
      const r = readText(cand.path);
      text = r.text;
      store.set(cand.path, r.text, r.bom);
    } catch (e) {
      err(`${displayPath(cand.path, io.cwd)}: cannot read: ${errText(e)}`);
      exitTwo = true;
      continue;
    }
    if (looksLikeParameters(cand.path, text)) {
      if (cand.explicit) note(`${displayPath(cand.path, io.cwd)}: a parameter file, not a template: it is applied to its template, not analyzed on its own`);
      continue;
    }
    let pf = parametersOverride;
    if (!pf) {
      pf = findParametersFile(cand.path, config, loaded?.dir);
      if (pf && loaded && config.parameterFiles) {
        const real = safeReal(pf);
        if (!real) {
          err(`${displayPath(cand.path, io.cwd)}: parameter file ${displayPath(pf, io.cwd)} (from ${displayPath(loaded.file, io.cwd)}) cannot be read`);
          exitTwo = true;
          pf = undefined;
        } else store.allowedFiles.add(real);
      }
    }
    if (pf) {
      job.parametersFile = pf;
      const real = safeReal(pf);
      if (real) usedParameterFiles.add(real);
    }
    jobs.push(job);
  }
  if (configError) {
    err(`invalid configuration: ${configError}`);
    return EXIT_USAGE;
  }
  // A parameter file that feeds a template is never analyzed as a template itself.
  const analyzeJobs = jobs.filter((j) => !usedParameterFiles.has(j.cand.real));

  // --fix bookkeeping: a sequence number per write, the last write of each file, and the write
  // sequence each analysis saw.
  let writeSeq = 0;
  const lastWrite = new Map<string, number>();
  const analyzedAt = new WeakMap<Analyzed, number>();
  const precompute = (list: FileJob[]): (AnalysisResult | undefined)[] | undefined => {
    const texts = list.map((j) => store.get(j.cand.path) ?? '');
    const eligible = list.map((_, i) => workerEligible(texts[i]));
    const threads = workerCount(eligible.filter(Boolean).length, texts.reduce((n, t, i) => n + (eligible[i] ? t.length : 0), 0));
    if (threads < 2) return undefined;
    const idx: number[] = [];
    const wjobs: WorkerJob[] = [];
    for (const [i, j] of list.entries()) {
      if (!eligible[i]) continue;
      idx.push(i);
      // the parameter file is read here, through the same reader the in-process analysis uses
      const parametersText = j.parametersFile ? store.reader(path.dirname(j.cand.path))(j.parametersFile) : undefined;
      wjobs.push({ file: j.cand.path, text: texts[i], config: j.config, parametersFile: j.parametersFile, parametersText });
    }
    const res = analyzeInWorkers(wjobs, threads);
    const out: (AnalysisResult | undefined)[] = new Array(list.length).fill(undefined);
    for (const [k, i] of idx.entries()) out[i] = res[k];
    return out;
  };
  const analyzeJob = (job: FileJob, pre?: AnalysisResult): Analyzed => {
    const text = store.get(job.cand.path) ?? '';
    let result: AnalysisResult;
    try {
      result = pre ?? analyze({
        file: job.cand.path,
        text,
        config: job.config,
        parametersFile: job.parametersFile,
        readFile: store.reader(path.dirname(job.cand.path)),
      });
    } catch (e) {
      // The analyzer must never throw; if it does, say so per file and go on.
      err(`${displayPath(job.cand.path, io.cwd)}: analyzer failure: ${e instanceof Error ? e.message : String(e)}`);
      exitTwo = true;
      return { job, kind: 'other', findings: [], invalidJson: false };
    }
    const invalidJson = result.findings.some((f) => f.ruleId === 'invalid-json');
    let findings = applySeverityOverrides(result.findings, job.config.rules);
    const byFile = new Set(findings.map((f) => f.location.file));
    for (const file of byFile) {
      const t = store.textOf(file);
      if (t !== undefined) findings = applySuppressions(t, findings, file);
    }
    if (opts.quiet) findings = findings.filter((f) => f.severity === 'error');
    // The model (template, parse tree, network chain) is only needed by --explain and --fix; a
    // plain scan drops it here, or a workspace of thousands of templates runs out of memory.
    const out: Analyzed = { job, kind: result.kind, result: opts.explain || opts.fix ? result : undefined, findings: sortFindings(findings), invalidJson };
    analyzedAt.set(out, writeSeq);
    return out;
  };

  // --- analysis (and --fix rounds) --------------------------------------------------------
  const fixLog: string[] = [];
  let analyzed: Analyzed[] = [];
  // Many files, several cores, a plain scan: self-contained analyses run on worker threads.
  const pre = !opts.explain && !opts.fix ? precompute(analyzeJobs) : undefined;
  for (const [i, job] of analyzeJobs.entries()) analyzed.push(analyzeJob(job, pre?.[i]));
  if (parametersOverride) {
    const templates = analyzed.filter((a) => a.kind === 'template');
    if (templates.length > 1) {
      err(`--parameters applies to a single template, but ${templates.length} templates were found`);
      return EXIT_USAGE;
    }
  }
  // A template's analysis is stale once a file it read was written by the fixes of another
  // template (a parent and its linked template both scanned): it is analyzed again before its own
  // fixes are planned (they would be applied twice otherwise), and before it is reported.
  const stale = (a: Analyzed): boolean => {
    const at = analyzedAt.get(a) ?? 0;
    return [...(a.result?.template?.files.keys() ?? [a.job.cand.path])].some((f) => (lastWrite.get(f) ?? 0) > at);
  };
  if (opts.fix) {
    analyzed = analyzed.map((a) => (a.kind === 'template' && !a.invalidJson ? fixFile(stale(a) ? analyzeJob(a.job) : a) : a));
    analyzed = analyzed.map((a) => (a.kind === 'template' && stale(a) ? analyzeJob(a.job) : a));
  }

  /** A digest of the current text of every file an analysis read (the state --fix rounds move through). */
  function filesState(a: Analyzed): string {
    const h = createHash('sha256');
    for (const f of [...(a.result?.template?.files.keys() ?? [a.job.cand.path])].sort()) h.update(f).update('\0').update(store.get(f) ?? '').update('\0');
    return h.digest('hex');
  }

  function fixFile(first: Analyzed): Analyzed {
    let a = first;
    const tplDir = path.dirname(a.job.cand.path);
    const applied = new Map<string, number>(); // file → fixes applied
    const appliedRules = new Map<string, Set<string>>();
    const seenStates = new Set<string>([filesState(a)]);
    for (let round = 0; round < MAX_FIX_ROUNDS; round++) {
      const plan = planFixRound(a.findings, (file) => store.allowed(file, tplDir) && store.get(file) !== undefined);
      if (plan.editsByFile.size === 0) break;
      let wrote = false;
      for (const [file, edits] of plan.editsByFile) {
        const before = store.get(file);
        if (before === undefined) continue;
        const after = applyTextEdits(before, edits);
        if (after === before) continue;
        try {
          writeAtomic(file, (store.bom(file) ? '\ufeff' : '') + after);
        } catch (e) {
          err(`${displayPath(file, io.cwd)}: cannot write fix: ${errText(e)}`);
          exitTwo = true;
          continue;
        }
        store.set(file, after, store.bom(file));
        lastWrite.set(file, ++writeSeq);
        wrote = true;
      }
      if (!wrote) break;
      for (const c of plan.chosen) {
        const file = c.fix.edits[0].file;
        applied.set(file, (applied.get(file) ?? 0) + 1);
        const set = appliedRules.get(file) ?? new Set<string>();
        set.add(c.finding.ruleId);
        appliedRules.set(file, set);
      }
      a = analyzeJob(a.job);
      if (a.invalidJson) {
        note(`${displayPath(a.job.cand.path, io.cwd)}: a fix produced invalid JSON; stopping fixes for this file`);
        break;
      }
      const fixableAfter = a.findings.filter((f) => f.fixes.some((x) => x.isPreferred)).length;
      // Progress is not a falling count of fixable findings: a fix can bring new ones into force
      // (a Consumption sku changed to Developer makes the NSG rows apply). The loop ends when the
      // files come back to a state already seen (fixes undoing each other), or at the bound.
      const state = filesState(a);
      if (seenStates.has(state)) {
        if (fixableAfter > 0) note(`${displayPath(a.job.cand.path, io.cwd)}: fixes are not converging; ${fixableAfter} fixable findings left`);
        break;
      }
      seenStates.add(state);
      if (round === MAX_FIX_ROUNDS - 1 && fixableAfter > 0) {
        note(`${displayPath(a.job.cand.path, io.cwd)}: stopped after ${MAX_FIX_ROUNDS} fix rounds; ${fixableAfter} fixable findings left`);
      }
    }
    for (const [file, n] of applied) {
      fixLog.push(`fixed ${displayPath(file, io.cwd)}: ${n} ${n === 1 ? 'fix' : 'fixes'} applied (${[...(appliedRules.get(file) ?? [])].sort().join(', ')})`);
    }
    return a;
  }

  // --- report --------------------------------------------------------------------------
  analyzed = [...analyzed, ...skipped];
  const order = new Map(found.candidates.map((c, i) => [c.real, i] as const));
  analyzed.sort((x, y) => (order.get(x.job.cand.real) ?? 0) - (order.get(y.job.cand.real) ?? 0));

  const reported = analyzed.filter((a) => {
    if (a.kind === 'template' || a.kind === 'skipped') return true;
    if (a.kind === 'parameters') return false;
    if (a.job.cand.explicit) return true;
    return a.invalidJson && looksLikeTemplate(store.get(a.job.cand.path) ?? '');
  });
  // The same finding reached through two templates (a linked template also scanned) is shown once.
  const seen = new Set<string>();
  const files: FileReport[] = reported.map((a) => {
    const findings = a.findings.filter((f) => {
      const key = `${f.ruleId}\0${f.location.file}\0${f.location.range.offset}\0${f.location.range.length}\0${f.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    return { path: a.job.cand.path, kind: a.kind, findings, ...(a.job.parametersFile ? { parametersFile: a.job.parametersFile } : {}) };
  });
  for (const a of reported) if (a.invalidJson) exitTwo = true;

  const report: RunReport = { files, filesScanned, problems };
  const ctx: OutputContext = { cwd: io.cwd, toolVersion: toolVersion(), textOf: store.textOf };
  const body = opts.format === 'json' ? formatJson(report, ctx) : opts.format === 'sarif' ? formatSarif(report, ctx) : formatText(report, ctx);
  const toStdoutText = opts.format === 'text' && !opts.output;
  const side = (s: string) => (toStdoutText ? io.stdout(s) : io.stderr(s));

  if (opts.explain) {
    for (const a of reported) {
      if (a.kind !== 'template' || !a.result?.template) continue;
      side(explainFor(a.result, displayPath(a.job.cand.path, io.cwd), io.cwd));
    }
  }
  if (fixLog.length > 0) side(fixLog.join('\n') + '\n');
  else if (opts.fix) side('no fixes applied\n');

  if (opts.output) {
    const out = path.resolve(io.cwd, opts.output);
    try {
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, body);
    } catch (e) {
      err(`--output ${displayPath(out, io.cwd)}: cannot write: ${errText(e)}`);
      return EXIT_USAGE;
    }
  } else {
    io.stdout(body);
  }

  const s = summarize(report);
  if (exitTwo) return EXIT_USAGE;
  if (s.errors > 0) return EXIT_FINDINGS;
  if (opts.maxWarnings !== undefined && s.warnings > opts.maxWarnings) {
    note(`too many warnings: ${s.warnings} (--max-warnings ${opts.maxWarnings})`);
    return EXIT_FINDINGS;
  }
  return EXIT_OK;
}

function safeReal(p: string): string | undefined {
  try {
    return fs.realpathSync.native(p);
  } catch {
    return undefined;
  }
}

/** `--explain` block of one template (never throws: a failure is shown in the block). */
function explainFor(result: AnalysisResult, shownPath: string, cwd: string): string {
  const head = `== ${shownPath} ==\n`;
  try {
    return head + explainResult(result, cwd).replace(/\s*$/, '') + '\n\n';
  } catch (e) {
    return head + `(network report failed: ${e instanceof Error ? e.message : String(e)})\n\n`;
  }
}

export type { CliOptions };
