/**
 * Worker of the typing simulation (typing.test.ts): analyzes the prefixes / single-character
 * deletions it is given and reports each start (for the hang watchdog in the main thread) and
 * the problems found. Runs in a worker thread so that a hang can be detected and terminated.
 */
import { parentPort, workerData } from 'worker_threads';
import * as fs from 'fs';
import { analyze } from '../../server/src/analyzer';
import { fixProblems, resultProblems } from './common';

export interface TypingJob {
  file: string;
  mode: 'prefix' | 'delete';
  /** Prefix lengths, or offsets of the deleted character. */
  positions: number[];
}

export interface TypingReport {
  type: 'done';
  analyses: number;
  maxMs: number;
  maxLabel: string;
  /** Fixes applied and re-parsed (variants that are still valid JSON / JSONC). */
  fixes: number;
  problems: string[];
}

if (parentPort) {
  const jobs = (workerData as { jobs: TypingJob[] }).jobs;
  const port = parentPort;
  let analyses = 0;
  let maxMs = 0;
  let maxLabel = '';
  let fixes = 0;
  const problems: string[] = [];
  const texts = new Map<string, string>();
  for (const job of jobs) {
    let full = texts.get(job.file);
    if (full === undefined) {
      full = fs.readFileSync(job.file, 'utf8');
      texts.clear();
      texts.set(job.file, full);
    }
    for (const pos of job.positions) {
      const text = job.mode === 'prefix' ? full.slice(0, pos) : full.slice(0, pos) + full.slice(pos + 1);
      const label = `${job.file} ${job.mode}@${pos}`;
      port.postMessage({ type: 'start', label });
      const t0 = performance.now();
      let found: string[];
      try {
        const result = analyze({ file: job.file, text });
        found = resultProblems(job.file, text, result);
        const fp = fixProblems(job.file, text, result.findings);
        fixes += fp.fixes;
        found.push(...fp.problems);
      } catch (e) {
        found = [`threw: ${e instanceof Error ? e.stack ?? e.message : String(e)}`];
      }
      const ms = performance.now() - t0;
      analyses++;
      if (ms > maxMs) {
        maxMs = ms;
        maxLabel = label;
      }
      for (const p of found) if (problems.length < 50) problems.push(`${label}: ${p}`);
    }
  }
  const report: TypingReport = { type: 'done', analyses, maxMs, maxLabel, fixes, problems };
  port.postMessage(report);
}
