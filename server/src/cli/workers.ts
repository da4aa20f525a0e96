/**
 * Worker threads for the CLI scan of many files. `main()` of the CLI is synchronous, so the pool
 * is too, for its caller: jobs are handed out one at a time per worker (large and small files
 * balance themselves), and the main thread blocks on a shared counter (Atomics.wait) and takes
 * the results with receiveMessageOnPort, no event loop needed.
 *
 * Only self-contained analyses go to workers: the text, the configuration and the text of the
 * parameter file travel with the job; templates that link others (`relativePath`) stay on the
 * main thread, whose file reader enforces what may be read. A worker returns kind and findings
 * (plain data); a job whose worker fails or stalls comes back undefined and the caller analyzes
 * it in-process. Threads: APIM_VNET_LINT_THREADS (0 or 1 = none), else, on 4 cores or more, one
 * per core but one (at most 8) when there are at least 16 files and 4 MB to analyze.
 */
import * as os from 'os';
import * as path from 'path';
import { Worker, MessageChannel, receiveMessageOnPort, isMainThread, workerData, type MessagePort } from 'worker_threads';
import { analyze, type DocumentKind } from '../analyzer';
import type { ApimVnetConfig } from '../config/types';
import type { Finding } from '../findings';

export interface WorkerJob {
  file: string;
  text: string;
  config: ApimVnetConfig;
  parametersFile?: string;
  /** Text of the parameter file (read on the main thread), when there is one. */
  parametersText?: string;
}

export interface WorkerResult {
  kind: DocumentKind;
  findings: Finding[];
}

/** Templates that read other files (linked templates) are analyzed on the main thread. */
export function workerEligible(text: string): boolean {
  return !/"relativePath"\s*:/.test(text);
}

/** Number of worker threads for this many jobs / bytes (0 = analyze in-process). */
export function workerCount(jobs: number, bytes: number): number {
  // Only from the compiled module file itself (a bundle would start the whole bundle as a worker).
  if (!/workers\.js$/.test(__filename)) return 0;
  const env = process.env.APIM_VNET_LINT_THREADS;
  if (env !== undefined && env.trim() !== '') {
    const n = Math.floor(Number(env));
    return Number.isFinite(n) && n >= 2 ? Math.min(n, 16, jobs) : 0;
  }
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  // On 2 cores the main thread (reading, configuration, report) competes with the workers: the
  // 10,000-file bench took 42 s with 2 workers against 36 s without. Workers from 4 cores on, one
  // core left to the main thread.
  if (cores < 4 || jobs < 16 || bytes < 4e6) return 0;
  return Math.min(cores - 1, 8, jobs);
}

/** No result from any worker for this long: the outstanding jobs are given back (undefined). */
const STALL_MS = 120_000;

/**
 * Analyzes the jobs on `threads` workers; blocks until all are done. Results in job order,
 * undefined where a worker failed. Never throws.
 */
export function analyzeInWorkers(jobs: WorkerJob[], threads: number): (WorkerResult | undefined)[] {
  const results: (WorkerResult | undefined)[] = new Array(jobs.length).fill(undefined);
  if (jobs.length === 0 || threads < 1) return results;
  const sab = new SharedArrayBuffer(4);
  const counter = new Int32Array(sab);
  const pool: { worker: Worker; port: MessagePort; busy: number | undefined }[] = [];
  try {
    for (let i = 0; i < threads; i++) {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(__filename, { workerData: { apimVnetWorker: true, sab, port: port2 }, transferList: [port2] });
      worker.unref();
      worker.on('error', () => undefined);
      pool.push({ worker, port: port1, busy: undefined });
    }
  } catch {
    for (const p of pool) void p.worker.terminate();
    return results;
  }
  let next = 0;
  let done = 0;
  const dispatch = (p: (typeof pool)[number]): void => {
    if (next < jobs.length) {
      p.busy = next;
      p.port.postMessage({ i: next, job: jobs[next] });
      next++;
    } else p.busy = undefined;
  };
  for (const p of pool) dispatch(p);
  let lastProgress = Date.now();
  while (done < jobs.length) {
    const seen = Atomics.load(counter, 0);
    let got = false;
    for (const p of pool) {
      for (let m = receiveMessageOnPort(p.port); m; m = receiveMessageOnPort(p.port)) {
        const msg = m.message as { i: number; result?: WorkerResult };
        if (msg.result) results[msg.i] = msg.result;
        done++;
        got = true;
        dispatch(p);
      }
    }
    if (got) {
      lastProgress = Date.now();
      continue;
    }
    if (Date.now() - lastProgress > STALL_MS) break; // a worker died: give the rest back
    Atomics.wait(counter, 0, seen, 1000);
  }
  for (const p of pool) {
    p.port.close();
    void p.worker.terminate();
  }
  return results;
}

// ---- the worker side ---------------------------------------------------------------------------
if (!isMainThread && workerData && (workerData as { apimVnetWorker?: boolean }).apimVnetWorker) {
  const data = workerData as { sab: SharedArrayBuffer; port: MessagePort };
  const counter = new Int32Array(data.sab);
  data.port.on('message', (msg: { i: number; job: WorkerJob }) => {
    let result: WorkerResult | undefined;
    try {
      const job = msg.job;
      const pf = job.parametersFile ? path.resolve(job.parametersFile) : undefined;
      const r = analyze({
        file: job.file,
        text: job.text,
        config: job.config,
        parametersFile: job.parametersFile,
        readFile: (p) => (pf !== undefined && path.resolve(p) === pf ? job.parametersText : undefined),
      });
      result = { kind: r.kind, findings: r.findings };
    } catch {
      result = undefined;
    }
    try {
      data.port.postMessage({ i: msg.i, result });
    } catch {
      data.port.postMessage({ i: msg.i });
    }
    Atomics.add(counter, 0, 1);
    Atomics.notify(counter, 0);
  });
}
