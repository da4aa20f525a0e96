/**
 * Typing simulation (issue 7): every prefix of each template at a stride of at most 64
 * characters and single-character deletions in the first 4 KB, analyzed with the real
 * analyzer. Properties: no exception / internal error, each analysis bounded in time (a hang
 * detector: a watchdog terminates a worker stuck on one analysis), findings, related locations
 * and fix edits only at ranges inside the document; on variants that are still valid JSON
 * (JSONC), every fix applied yields valid JSON (JSONC).
 *
 * Caps (the whole reliability suite must stay within ~2 minutes on 2 cores; set
 * RELIABILITY_SCALE=<n> to multiply the budgets):
 *  - prefixes: the full stride-64 sweep for files up to 8 KB; larger files get evenly spaced
 *    prefixes, min(300, max(4, 750 KB / size)) of them (the stride is printed);
 *  - deletions in the first 4 KB: every one when the budget allows, else a seeded sample
 *    (half at structural characters {}[]":, half uniform) of max(1, 60 KB / size) positions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { CORPUS_SKIP, corpusJsonFiles, fixtureFiles, hashString, rng, sample, short } from './common';
import type { TypingJob, TypingReport } from './typing-worker';

const SCALE = Number(process.env.RELIABILITY_SCALE) > 0 ? Number(process.env.RELIABILITY_SCALE) : 1;
const HANG_MS = 10_000;
const FULL_PREFIX_SWEEP_MAX = 8 * 1024;
const PREFIX_BUDGET = 7.5e5 * SCALE;
const DELETE_BUDGET = 6e4 * SCALE;

interface Plan {
  jobs: TypingJob[];
  lines: string[];
  prefixes: number;
  deletions: number;
  capped: number;
}

function planFor(files: string[]): Plan {
  const plan: Plan = { jobs: [], lines: [], prefixes: 0, deletions: 0, capped: 0 };
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    const n = text.length;
    // prefixes
    const full = Math.ceil(n / 64);
    const count = n <= FULL_PREFIX_SWEEP_MAX ? full : Math.min(full, 300, Math.max(4, Math.floor(PREFIX_BUDGET / Math.max(n, 1))));
    const prefixes: number[] = [];
    if (count === full) for (let p = 0; p < n; p += 64) prefixes.push(p);
    else for (let i = 0; i < count; i++) prefixes.push(Math.floor((n * i) / count));
    prefixes.push(n); // the whole text too
    if (count < full) plan.capped++;
    // deletions in the first 4 KB
    const head = Math.min(n, 4096);
    const k = Math.min(head, Math.max(1, Math.floor(DELETE_BUDGET / Math.max(n, 1))));
    let deletions: number[];
    if (k >= head) deletions = Array.from({ length: head }, (_, i) => i);
    else {
      const seed = hashString(short(file));
      const structural: number[] = [];
      for (let i = 0; i < head; i++) if ('{}[]":,'.includes(text[i])) structural.push(i);
      const r = rng(seed);
      const set = new Set<number>();
      const wantStructural = Math.min(structural.length, Math.ceil(k / 2));
      while (set.size < wantStructural) set.add(structural[Math.floor(r() * structural.length)]);
      for (const i of sample(head, k, seed + 1)) {
        if (set.size >= k) break;
        set.add(i);
      }
      deletions = [...set].sort((a, b) => a - b);
    }
    plan.jobs.push({ file, mode: 'prefix', positions: prefixes }, { file, mode: 'delete', positions: deletions });
    plan.prefixes += prefixes.length;
    plan.deletions += deletions.length;
    const stride = count === full ? 64 : Math.ceil(n / count);
    plan.lines.push(`${short(file)}: ${n} chars, ${prefixes.length} prefixes (stride ${stride}${count < full ? ', capped' : ''}), ${deletions.length}/${head} deletions`);
  }
  return plan;
}

/** Runs the jobs on worker threads (one per core, at most 2) with a hang watchdog. */
async function runJobs(jobs: TypingJob[]): Promise<{ analyses: number; maxMs: number; maxLabel: string; fixes: number; problems: string[] }> {
  const workers = Math.max(1, Math.min(2, os.availableParallelism?.() ?? os.cpus().length));
  // balance by estimated cost (characters analyzed)
  const cost = (j: TypingJob) => {
    const n = fs.statSync(j.file).size;
    return j.mode === 'prefix' ? j.positions.reduce((s, p) => s + p + 2000, 0) : j.positions.length * (n + 2000);
  };
  const buckets: TypingJob[][] = Array.from({ length: workers }, () => []);
  const load = new Array(workers).fill(0);
  for (const j of [...jobs].sort((a, b) => cost(b) - cost(a))) {
    const i = load.indexOf(Math.min(...load));
    buckets[i].push(j);
    load[i] += cost(j);
  }
  const script = path.join(__dirname, 'typing-worker.js');
  const results: TypingReport[] = await Promise.all(
    buckets.map(
      (bucket) =>
        new Promise<TypingReport>((resolve, reject) => {
          const w = new Worker(script, { workerData: { jobs: bucket } });
          let current = '(starting)';
          let since = performance.now();
          let done = false;
          const timer = setInterval(() => {
            if (performance.now() - since > HANG_MS) {
              clearInterval(timer);
              done = true;
              void w.terminate();
              reject(new Error(`analysis did not finish within ${HANG_MS} ms (hang): ${current}`));
            }
          }, 250);
          w.on("message", (m: { type: string; label?: string }) => {
            if (m.type === 'start') {
              current = m.label!;
              since = performance.now();
            } else if (m.type === 'done') {
              done = true;
              clearInterval(timer);
              resolve(m as unknown as TypingReport);
            }
          });
          w.on('error', (e) => {
            clearInterval(timer);
            if (!done) reject(new Error(`worker crashed during ${current}: ${e.stack ?? e.message}`));
          });
          w.on('exit', (code) => {
            clearInterval(timer);
            if (!done) reject(new Error(`worker exited with code ${code} during ${current}`));
          });
        }),
    ),
  );
  return {
    analyses: results.reduce((s, r) => s + r.analyses, 0),
    fixes: results.reduce((s, r) => s + r.fixes, 0),
    maxMs: Math.max(...results.map((r) => r.maxMs)),
    maxLabel: results.reduce((a, r) => (r.maxMs > a.maxMs ? r : a)).maxLabel,
    problems: results.flatMap((r) => r.problems),
  };
}

async function sweep(t: { diagnostic(m: string): void }, files: string[]): Promise<void> {
  const plan = planFor(files);
  const t0 = performance.now();
  const r = await runJobs(plan.jobs);
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  const summary = `${files.length} files, ${plan.prefixes} prefixes + ${plan.deletions} deletions = ${r.analyses} analyses (${plan.capped} files with capped prefixes), ${r.fixes} fixes applied and re-parsed, in ${secs} s; slowest ${r.maxMs.toFixed(0)} ms (${short(r.maxLabel.split(' ')[0])} ${r.maxLabel.split(' ')[1] ?? ''})`;
  if (process.env.RELIABILITY_VERBOSE) for (const l of plan.lines) console.log('  ' + l);
  t.diagnostic(`typing simulation: ${summary}`);
  assert.equal(r.analyses, plan.prefixes + plan.deletions);
  assert.deepEqual(r.problems, [], `problems:\n${r.problems.join('\n')}`);
}

test('typing simulation over every test fixture: all stride-64 prefixes and deletions in the first 4 KB (sampled when over budget)', async (t) => {
  const files = fixtureFiles();
  assert.ok(files.length > 10, 'fixtures found');
  await sweep(t, files);
});

test(
  'typing simulation over the shared corpus JSON: stride-64 prefixes up to 8 KB, evenly spaced prefixes capped at min(300, max(4, 750 KB/size)) beyond; sampled deletions in the first 4 KB',
  { skip: CORPUS_SKIP },
  async (t) => {
    const files = corpusJsonFiles();
    assert.ok(files.length > 10, 'corpus JSON files found');
    await sweep(t, files);
  },
);
