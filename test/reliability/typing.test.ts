/**
 * Typing simulation (issue 7): prefixes of each template at a stride of 64 characters and every
 * single-character deletion in the first 4 KB, analyzed with the real analyzer. Properties: no
 * exception / internal error, each analysis bounded in time (a hang detector: a watchdog
 * terminates a worker stuck on one analysis for 10 s), findings, related locations and fix edits
 * only at ranges inside the document; on variants that are still valid JSON (JSONC), every fix
 * applied yields valid JSON (JSONC).
 *
 * Coverage:
 *  - deletions in the first 4 KB: every position with RELIABILITY_FULL=1 (deleting any character
 *    of a run of equal characters, indentation or "}}", gives the same text, analyzed once: the
 *    output gives both counts); in `npm test` a stride by file size (see deletionStride).
 *  - prefixes: every stride-64 prefix (0, 64, 128, ..., and the whole text) of every file up to
 *    PREFIX_FULL_MAX (64 KB; 1 MB with RELIABILITY_FULL=1). Beyond that the sweep is quadratic
 *    (every prefix of a 3.3 MB file at stride 64 is 52,000 analyses of 1.7 MB on average, 87 GB
 *    of text for that file alone), so larger files get every stride-64 prefix of their first
 *    64 KB, plus evenly spaced prefixes over the rest: about 16 MB of text per file, 8 to 300
 *    prefixes (300 with RELIABILITY_FULL=1; RELIABILITY_VERBOSE=1 prints the plan per file).
 * The work is split into chunks pulled by one worker thread per core (at most 2).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { CORPUS_SKIP, corpusJsonFiles, fixtureFiles, short } from './common';
import type { ChunkReport, FromWorker, ToWorker, TypingChunk } from './typing-worker';

const FULL = process.env.RELIABILITY_FULL === '1';
const HANG_MS = 10_000;
const STRIDE = 64;
const HEAD = 4096;
/**
 * Which deletions of the first 4 KB are analyzed: every one with RELIABILITY_FULL=1; in `npm test`
 * every 8th up to 16 KB, every 32nd up to 300 KB, every 128th beyond (the whole sweep is about
 * 250,000 analyses, tens of minutes of both cores, too long for every CI run).
 */
function deletionStride(n: number): number {
  if (FULL) return 1;
  return n <= 16 * 1024 ? 8 : n <= 300 * 1024 ? 32 : 128;
}
/** Files up to this size get every stride-64 prefix. */
const PREFIX_FULL_MAX = (FULL ? 1024 : 64) * 1024;
/** Larger files: every stride-64 prefix within this head, plus evenly spaced ones (about 16 MB of text per file). */
const CAPPED_HEAD = 64 * 1024;
const cappedSpaced = (n: number) => (FULL ? 300 : Math.min(300, Math.max(8, Math.floor(16e6 / n))));
/** Work per chunk, in characters analyzed (a chunk is the unit the workers pull). */
const CHUNK_CHARS = 8e6;

interface Plan {
  chunks: { chunk: TypingChunk; cost: number }[];
  lines: string[];
  prefixes: number;
  fullPrefixFiles: number;
  cappedFiles: number;
  deletionPositions: number;
  strideDeletionFiles: number;
  deletions: number;
}

function planFor(files: string[]): Plan {
  const plan: Plan = { chunks: [], lines: [], prefixes: 0, fullPrefixFiles: 0, cappedFiles: 0, deletionPositions: 0, strideDeletionFiles: 0, deletions: 0 };
  const add = (file: string, mode: 'prefix' | 'delete', positions: number[], charsOf: (p: number) => number) => {
    let cur: number[] = [];
    let cost = 0;
    for (const p of positions) {
      cur.push(p);
      cost += charsOf(p) + 2000;
      if (cost >= CHUNK_CHARS) {
        plan.chunks.push({ chunk: { file, mode, positions: cur }, cost });
        cur = [];
        cost = 0;
      }
    }
    if (cur.length) plan.chunks.push({ chunk: { file, mode, positions: cur }, cost });
  };
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    const n = text.length;
    // prefixes
    const prefixes: number[] = [];
    const full = n <= PREFIX_FULL_MAX;
    const headEnd = full ? n : Math.min(n, CAPPED_HEAD);
    for (let p = 0; p < headEnd; p += STRIDE) prefixes.push(p);
    if (!full) {
      const k = cappedSpaced(n);
      for (let i = 1; i <= k; i++) {
        const p = headEnd + Math.floor(((n - headEnd) * i) / (k + 1));
        if (p > prefixes[prefixes.length - 1]) prefixes.push(p);
      }
    }
    prefixes.push(n); // the whole text too
    if (full) plan.fullPrefixFiles++;
    else plan.cappedFiles++;
    // every deletion in the first 4 KB; equal neighbours give equal texts: analyzed once
    const head = Math.min(n, HEAD);
    const deletions: number[] = [];
    const stride = deletionStride(n);
    for (let i = 0; i < head; i++) {
      if (stride > 1) {
        if (i % stride === 0) deletions.push(i);
      } else if (i === 0 || text.charCodeAt(i) !== text.charCodeAt(i - 1)) deletions.push(i);
    }
    add(file, 'prefix', prefixes, (p) => p);
    add(file, 'delete', deletions, () => n);
    plan.prefixes += prefixes.length;
    plan.deletionPositions += Math.ceil(head / stride);
    if (stride > 1) plan.strideDeletionFiles++;
    plan.deletions += deletions.length;
    plan.lines.push(
      `${short(file)}: ${n} chars, ${prefixes.length} prefixes (${full ? 'every stride-64 prefix' : `stride 64 over the first ${headEnd} chars + ${prefixes.length - 1 - Math.ceil(headEnd / STRIDE)} spaced`}), ${stride === 1 ? `all ${head}` : `every ${stride}th of ${head}`} deletion positions = ${deletions.length} distinct texts`,
    );
  }
  return plan;
}

interface Totals {
  analyses: number;
  maxMs: number;
  maxLabel: string;
  fixes: number;
  problems: string[];
}

/** Runs the chunks on worker threads (one per core, at most 2) that pull work, with a hang watchdog. */
async function runChunks(plan: Plan): Promise<Totals> {
  const workers = Math.max(1, Math.min(2, os.availableParallelism?.() ?? os.cpus().length));
  // largest first, so that the last chunks pulled are small ones (balanced finish)
  const queue = [...plan.chunks].sort((a, b) => b.cost - a.cost).map((c) => c.chunk);
  const totals: Totals = { analyses: 0, maxMs: 0, maxLabel: '', fixes: 0, problems: [] };
  const merge = (r: ChunkReport) => {
    totals.analyses += r.analyses;
    totals.fixes += r.fixes;
    if (r.maxMs > totals.maxMs) {
      totals.maxMs = r.maxMs;
      totals.maxLabel = r.maxLabel;
    }
    for (const p of r.problems) if (totals.problems.length < 50) totals.problems.push(p);
  };
  const script = path.join(__dirname, 'typing-worker.js');
  await Promise.all(
    Array.from(
      { length: workers },
      () =>
        new Promise<void>((resolve, reject) => {
          const w = new Worker(script);
          let current = '(starting)';
          let since = performance.now();
          let done = false;
          const finish = (err?: Error) => {
            if (done) return;
            done = true;
            clearInterval(timer);
            if (err) {
              void w.terminate();
              reject(err);
            } else resolve();
          };
          const timer = setInterval(() => {
            if (performance.now() - since > HANG_MS) finish(new Error(`analysis did not finish within ${HANG_MS} ms (hang): ${current}`));
          }, 250);
          const next = () => {
            const chunk = queue.shift();
            since = performance.now();
            w.postMessage((chunk ? { type: 'chunk', chunk } : { type: 'stop' }) satisfies ToWorker);
            if (!chunk) finish();
          };
          w.on('message', (m: FromWorker) => {
            if (m.type === 'start') {
              current = m.label;
              since = performance.now();
            } else if (m.type === 'chunk-done') {
              merge(m.report);
              next();
            } else if (m.type === 'ready') next();
          });
          w.on('error', (e) => finish(new Error(`worker crashed during ${current}: ${e.stack ?? e.message}`)));
          w.on('exit', (code) => finish(done ? undefined : new Error(`worker exited with code ${code} during ${current}`)));
        }),
    ),
  );
  return totals;
}

async function sweep(t: { diagnostic(m: string): void }, files: string[]): Promise<void> {
  const plan = planFor(files);
  const t0 = performance.now();
  const r = await runChunks(plan);
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  const prefixCoverage = `${plan.fullPrefixFiles} files at every stride-64 prefix${plan.cappedFiles ? `, ${plan.cappedFiles} over ${PREFIX_FULL_MAX / 1024} KB at stride 64 over their first ${CAPPED_HEAD / 1024} KB + evenly spaced ones (8 to 300 by size; 300 with RELIABILITY_FULL=1)` : ''}`;
  const summary =
    `${files.length} files${FULL ? ' (RELIABILITY_FULL)' : ''}: ${plan.prefixes} prefixes (${prefixCoverage}) + ` +
    `${plan.deletionPositions} single-character deletions in the first 4 KB (${FULL ? 'every one' : 'every 8th up to 16 KB, 32nd up to 300 KB, 128th beyond; every one with RELIABILITY_FULL=1'}; ${plan.deletions} distinct texts) = ` +
    `${r.analyses} analyses, 0 exceptions expected, ${r.problems.length} problems, ${r.fixes} fixes applied and re-parsed, in ${secs} s; ` +
    `slowest ${r.maxMs.toFixed(0)} ms (${short(r.maxLabel.split(' ')[0])} ${r.maxLabel.split(' ')[1] ?? ''})`;
  if (process.env.RELIABILITY_VERBOSE) for (const l of plan.lines) console.log('  ' + l);
  t.diagnostic(`typing simulation: ${summary}`);
  assert.equal(r.analyses, plan.prefixes + plan.deletions);
  assert.deepEqual(r.problems, [], `problems:\n${r.problems.join('\n')}`);
}

test('typing simulation over every test fixture: every stride-64 prefix; single-character deletions in the first 4 KB (every 8th; every one with RELIABILITY_FULL=1)', async (t) => {
  const files = fixtureFiles();
  assert.ok(files.length > 10, 'fixtures found');
  await sweep(t, files);
});

test(
  'typing simulation over the shared corpus JSON: deletions in the first 4 KB (every 8th / 32nd / 128th by size; every one with RELIABILITY_FULL=1); every stride-64 prefix up to 64 KB (1 MB with RELIABILITY_FULL=1), the first 64 KB + 8-300 spaced beyond',
  { skip: CORPUS_SKIP },
  async (t) => {
    const files = corpusJsonFiles();
    assert.ok(files.length > 10, 'corpus JSON files found');
    await sweep(t, files);
  },
);
