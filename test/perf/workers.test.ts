/**
 * The CLI's worker-thread pool gives exactly the in-process results (no timing here).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { analyze } from '../../server/src/analyzer';
import { analyzeInWorkers, workerCount, workerEligible, type WorkerJob } from '../../server/src/cli/workers';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures');

function walk(dir: string, acc: string[] = []): string[] {
  if (!fs.existsSync(dir)) return acc;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, acc);
    else if (/\.json$/i.test(e.name)) acc.push(p);
  }
  return acc;
}

test('analyzeInWorkers returns the in-process kind and findings of every job, in order', () => {
  const jobs: WorkerJob[] = walk(FIXTURES)
    .map((f) => ({ file: f, text: fs.readFileSync(f, 'utf8'), config: {} }))
    .filter((j) => workerEligible(j.text))
    .slice(0, 60);
  assert.ok(jobs.length >= 10);
  const res = analyzeInWorkers(jobs, 2);
  assert.equal(res.length, jobs.length);
  for (const [i, j] of jobs.entries()) {
    const r = analyze({ file: j.file, text: j.text, config: {}, readFile: () => undefined });
    assert.ok(res[i], `${j.file}: no result from the worker`);
    assert.equal(res[i]!.kind, r.kind, j.file);
    assert.deepEqual(res[i]!.findings, r.findings, j.file);
  }
});

test('a parameter file travels with its job', () => {
  const template = JSON.stringify({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    parameters: { sku: { type: 'string', defaultValue: 'Developer' } },
    resources: [
      {
        type: 'Microsoft.ApiManagement/service',
        apiVersion: '2022-08-01',
        name: 'apim',
        location: 'westeurope',
        sku: { name: "[parameters('sku')]", capacity: 1 },
        properties: { publisherEmail: 'a@b.c', publisherName: 'x', virtualNetworkType: 'External' },
      },
    ],
  });
  const params = JSON.stringify({ parameters: { sku: { value: 'Basic' } } });
  const file = '/virtual/main.json';
  const pf = '/virtual/main.parameters.json';
  const job: WorkerJob = { file, text: template, config: {}, parametersFile: pf, parametersText: params };
  const [w] = analyzeInWorkers([job], 1);
  const r = analyze({ file, text: template, config: {}, parametersFile: pf, readFile: (p) => (p === pf ? params : undefined) });
  assert.ok(w);
  assert.deepEqual(w.findings, r.findings);
  assert.ok(r.findings.some((f) => f.ruleId === 'unsupported-sku'), 'the parameter value (Basic) was applied');
});

test('workerCount: none for few or small files, the environment variable decides when set', () => {
  const saved = process.env.APIM_VNET_LINT_THREADS;
  try {
    delete process.env.APIM_VNET_LINT_THREADS;
    assert.equal(workerCount(3, 1e9), 0);
    assert.equal(workerCount(1000, 1000), 0);
    process.env.APIM_VNET_LINT_THREADS = '0';
    assert.equal(workerCount(1000, 1e9), 0);
    process.env.APIM_VNET_LINT_THREADS = '3';
    assert.equal(workerCount(1000, 10), 3);
    assert.equal(workerCount(2, 10), 2);
  } finally {
    if (saved === undefined) delete process.env.APIM_VNET_LINT_THREADS;
    else process.env.APIM_VNET_LINT_THREADS = saved;
  }
  assert.equal(workerEligible('{"properties":{"templateLink":{"relativePath":"x.json"}}}'), false);
  assert.equal(workerEligible('{"resources":[]}'), true);
});

test('the CLI gives the same JSON report with and without worker threads', () => {
  const bin = path.join(REPO_ROOT, 'bin', 'apim-vnet-lint.js');
  const run = (threads: string) => {
    const r = spawnSync(process.execPath, [bin, '--format', 'json', FIXTURES], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: { ...process.env, APIM_VNET_LINT_THREADS: threads },
      maxBuffer: 1 << 28,
    });
    return { status: r.status, stdout: r.stdout };
  };
  const a = run('0');
  const b = run('2');
  assert.equal(b.status, a.status);
  assert.ok(a.stdout.length > 100);
  assert.equal(b.stdout, a.stdout);
});
