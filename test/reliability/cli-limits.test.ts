/**
 * Limits through the real CLI process (issue 7): the size cap (default 20 MB, configurable with
 * maxFileSize) reported as a file-skipped finding without reading the file, paths outside the
 * scanned roots never read (fs reads recorded by a --require preload), symlink loops in scans.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { BIN, apim, runGuarded, tempDir, write } from './guard';

interface JsonReport {
  files: { path: string; kind?: string; findings: { ruleId: string; message: string; path: string }[] }[];
}

function findingsOf(stdout: string): JsonReport['files'][number]['findings'] {
  const report = JSON.parse(stdout) as JsonReport;
  return report.files.flatMap((f) => f.findings);
}

test('CLI: a 50 MB template is skipped with a file-skipped finding (default cap 20 MB), never read whole', async () => {
  const dir = tempDir();
  const text = apim([], 'x'.repeat(50 * 1024 * 1024));
  const big = write(dir, 'big.json', text);
  const r = await runGuarded(BIN, ['--format', 'json', dir], dir);
  assert.ok(r.status === 0 || r.status === 1, `exit status ${r.status}; stderr: ${r.stderr}`);
  const skipped = findingsOf(r.stdout).filter((f) => f.ruleId === 'file-skipped');
  assert.equal(skipped.length, 1, r.stdout.slice(0, 2000));
  assert.match(skipped[0].message, new RegExp(`${Buffer.byteLength(text)} bytes.*20971520 bytes`));
  assert.ok(!r.reads.includes(big), `the oversized file was not read whole (only its head, to tell a template): ${r.reads.filter((p) => p.startsWith(dir)).join(', ')}`);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('CLI: maxFileSize in .apim-vnet.json lowers the cap; the finding names the limit', async () => {
  const dir = tempDir();
  write(dir, '.apim-vnet.json', JSON.stringify({ maxFileSize: 500 }));
  write(dir, 'main.json', apim());
  const r = await runGuarded(BIN, ['--format', 'json', dir], dir);
  const skipped = findingsOf(r.stdout).filter((f) => f.ruleId === 'file-skipped');
  assert.equal(skipped.length, 1, r.stdout.slice(0, 2000));
  assert.match(skipped[0].message, /over the .*500[- ]byte|500 bytes/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('CLI: linked templates, parameter files and symlinks leading outside the scanned folder are never read', async () => {
  const top = tempDir();
  const ws = path.join(top, 'ws');
  const outside = path.join(top, 'outside');
  const secretTemplate = write(outside, 'secret.json', apim());
  const secretParams = write(outside, 'secret.parameters.json', JSON.stringify({ $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#', parameters: {} }));
  const link = (name: string, relativePath: string) => ({
    type: 'Microsoft.Resources/deployments',
    apiVersion: '2022-09-01',
    name,
    properties: { mode: 'Incremental', templateLink: { relativePath } },
  });
  write(ws, 'main.json', apim([link('up', '../outside/secret.json'), link('abs', secretTemplate), link('deep', 'a/../../outside/secret.json')]));
  write(ws, 'inner/other.json', apim([link('up2', '../../outside/secret.json')]));
  fs.symlinkSync(secretTemplate, path.join(ws, 'linked-secret.json'));
  fs.symlinkSync(outside, path.join(ws, 'outside-dir'));
  fs.symlinkSync(secretParams, path.join(ws, 'main.parameters.json'));
  const r = await runGuarded(BIN, ['--format', 'json', 'ws'], top);
  assert.ok(r.status === 0 || r.status === 1, `exit status ${r.status}; stderr: ${r.stderr}`);
  assert.ok(r.reads.some((p) => path.resolve(top, p) === path.join(ws, 'main.json')), `the reads are recorded (main.json): ${r.reads.join(', ')}`);
  const leaked = [...r.reads, ...r.opens].filter((p) => path.resolve(top, p).startsWith(outside) || p.includes('secret'));
  assert.deepEqual(leaked, [], 'no read outside the scanned folder');
  const files = (JSON.parse(r.stdout) as JsonReport).files.map((f) => f.path);
  assert.ok(files.some((f) => f.endsWith('main.json')), `main.json analyzed: ${files.join(', ')}`);
  assert.ok(!files.some((f) => f.includes('secret') || f.includes('outside-dir')), `nothing outside analyzed: ${files.join(', ')}`);
  fs.rmSync(top, { recursive: true, force: true });
});

test('CLI: symlink loops in a scanned folder (to an ancestor, to itself, two links to each other) end, each template once', async () => {
  const dir = tempDir();
  write(dir, 'a/t.json', apim());
  write(dir, 'b/u.json', apim());
  fs.symlinkSync(dir, path.join(dir, 'a', 'to-root'));
  fs.symlinkSync(path.join(dir, 'b'), path.join(dir, 'b', 'self'));
  fs.symlinkSync(path.join(dir, 'y'), path.join(dir, 'x'));
  fs.symlinkSync(path.join(dir, 'x'), path.join(dir, 'y'));
  fs.symlinkSync('loop.json', path.join(dir, 'loop.json'));
  const r = await runGuarded(BIN, ['--format', 'json', '.'], dir, 30_000);
  assert.ok(r.status === 0 || r.status === 1 || r.status === 2, `exit status ${r.status}; stderr: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  const paths = (JSON.parse(r.stdout) as JsonReport).files.map((f) => f.path).filter((p) => /[tu]\.json$/.test(p));
  assert.equal(paths.length, 2, `t.json and u.json once each: ${paths.join(', ')}`);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('CLI --fix over hostile files (100,000-deep, 1 MB expression, copy count 1e9, BOM + CRLF, truncated, a symlink loop) ends without a stack trace; files stay valid JSON', async () => {
  const dir = tempDir();
  const N = 100_000;
  const deep = apim().replace('"publisherName"', `"deep": ${'['.repeat(N)}${']'.repeat(N)}, "publisherName"`);
  const files: Record<string, string> = {
    'deep.json': deep,
    'long-expression.json': apim().replace('"Basic"', `"[concat('${'B'.repeat(1 << 20)}')]"`),
    'copy.json': apim([
      {
        type: 'Microsoft.Network/networkSecurityGroups',
        apiVersion: '2023-04-01',
        name: "[concat('nsg', copyIndex())]",
        location: 'westeurope',
        copy: { name: 'many', count: 1e9 },
        properties: { securityRules: [] },
      },
    ]),
    'bom-crlf.json': '\uFEFF' + apim().replace(/\n/g, '\r\n'),
    'truncated.json': apim().slice(0, 400),
  };
  for (const [name, text] of Object.entries(files)) write(dir, name, text);
  fs.symlinkSync(dir, path.join(dir, 'loop'));
  const r = await runGuarded(BIN, ['--fix', '--format', 'json', '.'], dir, 120_000);
  assert.ok(r.status === 0 || r.status === 1 || r.status === 2, `exit status ${r.status}; stderr: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.deepEqual(r.net, [], 'no network use');
  const report = JSON.parse(r.stdout) as JsonReport;
  assert.ok(!report.files.some((f) => f.findings.some((x) => x.ruleId === 'internal-error')), 'no internal error');
  for (const name of Object.keys(files)) {
    const after = fs.readFileSync(path.join(dir, name), 'utf8').replace(/^\uFEFF/, '');
    if (name === 'truncated.json') assert.equal(after, files[name], 'an invalid file is not rewritten');
    else assert.doesNotThrow(() => JSON.parse(after), `${name} is still valid JSON after --fix`);
  }
  const fixed = fs.readFileSync(path.join(dir, 'bom-crlf.json'), 'utf8');
  assert.ok(fixed.startsWith('\uFEFF'), 'BOM kept');
  assert.doesNotMatch(fixed, /"Basic"/, 'the unsupported-sku fix was applied');
  assert.doesNotMatch(fixed, /[^\r]\n/, 'CRLF line endings kept');
  fs.rmSync(dir, { recursive: true, force: true });
});
