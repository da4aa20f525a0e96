// node:test entry for the VS Code integration tests (run by scripts/run-tests.js as part of
// `npm test`): packages the extension when the .vsix is missing or older than its sources, then
// runs test/vscode/suite in a real extension host (code-server + headless Chromium, see
// scripts/code-server/run-tests.js) and reports each suite test as a subtest here. A harness
// self-test first proves, on a trivial extension, that a failing test fails the run.
// Skips, saying why, when code-server / chromium / playwright-core are not installed
// (scripts/code-server/install.sh installs them; .ci/run calls it).
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn, spawnSync } = require('child_process');
const { skipReason, ROOT } = require('../../scripts/code-server/env');

const RUNNER = path.join(ROOT, 'scripts', 'code-server', 'run-tests.js');
const VSIX = path.join(ROOT, 'apim-vnet-lint.vsix');
const reason = skipReason();

/** Runs the harness; resolves to { status, output, results }. */
function runHarness(args, env) {
  const resultsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'apim-vnet-it-results-')), 'results.json');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [RUNNER, ...args, '--results', resultsFile], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (status) => {
      let results;
      try { results = JSON.parse(fs.readFileSync(resultsFile, 'utf8')); } catch { results = undefined; }
      fs.rmSync(path.dirname(resultsFile), { recursive: true, force: true });
      resolve({ status, output, results });
    });
  });
}

const tail = (s, n = 80) => s.split('\n').slice(-n).join('\n');

function newestSourceMtime() {
  let newest = 0;
  const visit = (p) => {
    if (!fs.existsSync(p)) return;
    const st = fs.statSync(p);
    if (st.isDirectory()) for (const e of fs.readdirSync(p)) visit(path.join(p, e));
    else newest = Math.max(newest, st.mtimeMs);
  };
  for (const p of ['package.json', '.vscodeignore', 'client/src', 'server/src', 'syntaxes', 'schemas', 'docs/rules', 'scripts/bundle.js']) visit(path.join(ROOT, p));
  return newest;
}

/**
 * Builds apim-vnet-lint.vsix with `npm run package` when it is missing or stale, and copies it to
 * `dest`, under a lock (several test runs may share a working tree). Returns a skip reason or undefined.
 */
function ensureVsix(dest) {
  const scripts = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts || {};
  if (!scripts.package) return 'package.json has no "package" script';
  const stale = !fs.existsSync(VSIX) || fs.statSync(VSIX).mtimeMs < newestSourceMtime();
  const script = `${stale ? 'npm run package && ' : ''}cp apim-vnet-lint.vsix "${dest}"`;
  const hasFlock = spawnSync('flock', ['--version']).status === 0;
  const cmd = hasFlock ? ['flock', [path.join(os.tmpdir(), 'apim-vnet-lint-vsix.lock'), 'sh', '-c', script]] : ['sh', ['-c', script]];
  const r = spawnSync(cmd[0], cmd[1], { cwd: ROOT, encoding: 'utf8', timeout: 300000 });
  assert.equal(r.status, 0, `${stale ? 'npm run package' : 'copying the vsix'} failed:\n${tail((r.stdout || '') + (r.stderr || ''), 40)}`);
  assert.ok(fs.existsSync(dest), `${dest} exists`);
  return undefined;
}

test('VS Code harness self-test: a passing and a failing test inside the extension host propagate', { skip: reason || (process.env.APIM_VNET_HARNESS_SELFTEST === '0' && 'APIM_VNET_HARNESS_SELFTEST=0') }, async () => {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'apim-vnet-selftest-ws-'));
  try {
    const r = await runHarness([
      '--extension', path.join(__dirname, 'selftest', 'extension'),
      '--tests', path.join(__dirname, 'selftest', 'index.js'),
      '--workspace', ws,
    ], { APIM_VNET_SELFTEST_FAIL: '1' });
    assert.ok(r.results && Array.isArray(r.results.tests), `the harness wrote results:\n${tail(r.output)}`);
    const byName = Object.fromEntries(r.results.tests.map((t) => [t.name, t]));
    assert.equal(r.results.tests.length, 3, `three self-tests ran:\n${tail(r.output)}`);
    assert.equal(r.results.tests.filter((t) => t.ok).length, 2, `two passed:\n${tail(r.output)}`);
    const failing = byName['deliberately failing test (APIM_VNET_SELFTEST_FAIL=1)'];
    assert.ok(failing && !failing.ok && /this failure must reach the runner/.test(failing.error), 'the failing test is reported with its message');
    assert.equal(r.results.exitCode, 1, 'the workbench exited with code 1');
    assert.equal(r.status, 1, 'the runner exits 1 when a test failed');
  } finally {
    fs.rmSync(ws, { recursive: true, force: true });
  }
});

test('VS Code integration tests (packaged .vsix in code-server)', { skip: reason }, async (t) => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'apim-vnet-it-vsix-'));
  t.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const vsix = path.join(tmp, 'apim-vnet-lint.vsix');
  const noPackage = ensureVsix(vsix);
  if (noPackage) {
    t.skip(noPackage);
    return;
  }
  const r = await runHarness(['--vsix', vsix], {});
  assert.ok(r.results, `the harness wrote results:\n${tail(r.output)}`);
  if (r.results.skipped) {
    t.skip(r.results.skipped);
    return;
  }
  for (const res of r.results.tests) {
    await t.test(res.name, { skip: res.skip || false }, (st) => {
      st.diagnostic(`${res.ms} ms in the extension host`);
      if (!res.ok) throw new Error(res.error || 'failed');
    });
  }
  assert.ok(!r.results.error, `harness error: ${r.results.error}\n${tail(r.output)}`);
  assert.ok(r.results.tests.length > 0, `the suite ran tests:\n${tail(r.output)}`);
  assert.equal(r.status, 0, `the harness exit code:\n${tail(r.output)}`);
});
