/**
 * Worker of the typing simulation (typing.test.ts): takes chunks of work from the main thread
 * (a file, a mode and positions), analyzes each prefix / single-character deletion, reports each
 * start (for the hang watchdog in the main thread) and, per chunk, the counts and the problems
 * found. Runs in a worker thread so that a hang can be detected and the worker terminated.
 */
import { parentPort } from 'worker_threads';
import * as fs from 'fs';
import { analyze } from '../../server/src/analyzer';
import { fixProblems, resultProblems } from './common';

export interface TypingChunk {
  file: string;
  mode: 'prefix' | 'delete';
  /** Prefix lengths, or offsets of the deleted character. */
  positions: number[];
}

/** Main thread → worker. */
export type ToWorker = { type: 'chunk'; chunk: TypingChunk } | { type: 'stop' };

/** Worker → main thread. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'start'; label: string }
  | { type: 'chunk-done'; report: ChunkReport };

export interface ChunkReport {
  analyses: number;
  maxMs: number;
  maxLabel: string;
  /** Fixes applied and re-parsed (variants that are still valid JSON / JSONC). */
  fixes: number;
  problems: string[];
}

if (parentPort) {
  const port = parentPort;
  // the last few files read (chunks of one file mostly follow each other)
  const texts = new Map<string, string>();
  const textOf = (file: string): string => {
    let t = texts.get(file);
    if (t === undefined) {
      t = fs.readFileSync(file, 'utf8');
      if (texts.size >= 4) texts.delete(texts.keys().next().value as string);
      texts.set(file, t);
    }
    return t;
  };
  const run = (chunk: TypingChunk): ChunkReport => {
    const full = textOf(chunk.file);
    const report: ChunkReport = { analyses: 0, maxMs: 0, maxLabel: '', fixes: 0, problems: [] };
    for (const pos of chunk.positions) {
      const text = chunk.mode === 'prefix' ? full.slice(0, pos) : full.slice(0, pos) + full.slice(pos + 1);
      const label = `${chunk.file} ${chunk.mode}@${pos}`;
      port.postMessage({ type: 'start', label } satisfies FromWorker);
      const t0 = performance.now();
      let found: string[];
      try {
        const result = analyze({ file: chunk.file, text });
        found = resultProblems(chunk.file, text, result);
        const fp = fixProblems(chunk.file, text, result.findings);
        report.fixes += fp.fixes;
        found.push(...fp.problems);
      } catch (e) {
        found = [`threw: ${e instanceof Error ? e.stack ?? e.message : String(e)}`];
      }
      const ms = performance.now() - t0;
      report.analyses++;
      if (ms > report.maxMs) {
        report.maxMs = ms;
        report.maxLabel = label;
      }
      for (const p of found) if (report.problems.length < 50) report.problems.push(`${label}: ${p}`);
    }
    return report;
  };
  port.on('message', (m: ToWorker) => {
    if (m.type === 'stop') {
      port.close();
      return;
    }
    port.postMessage({ type: 'chunk-done', report: run(m.chunk) } satisfies FromWorker);
  });
  port.postMessage({ type: 'ready' } satisfies FromWorker);
}
