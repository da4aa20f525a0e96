// A tiny mocha-like runner for code inside the VS Code extension host (no mocha needed):
// test(name, fn, {timeout}) registers; runAll() runs them in order and rejects when one failed,
// which makes the workbench exit with code 1 (code-server harness) or the Electron test run fail
// (@vscode/test-electron). Results go to console and, under the code-server harness, to its
// loopback endpoint (APIM_VNET_HARNESS_URL) so the runner can list them and take screenshots.
'use strict';
const http = require('http');

const HARNESS = process.env.APIM_VNET_HARNESS_URL;
const tests = [];

function test(name, fn, opts) {
  tests.push({ name, fn, timeout: (opts && opts.timeout) || 90000, skip: opts && opts.skip });
}

function post(pathname, body) {
  if (!HARNESS) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    // resolves to the response text (HTTP 200), { error } otherwise, undefined without a harness
    const data = typeof body === 'string' ? body : JSON.stringify(body);
    const req = http.request(HARNESS + pathname, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      let out = '';
      res.on('data', (c) => (out += c));
      res.on('end', () => resolve(res.statusCode === 200 ? out : { error: `HTTP ${res.statusCode}: ${out}` }));
    });
    req.on('error', () => resolve(undefined));
    req.end(data);
  });
}

/**
 * Asks the harness for a screenshot of the workbench page, once `opts.waitFor` (a CSS selector) is
 * visible (up to `opts.timeout` ms); resolves to the file path, or { error } when it could not.
 */
async function screenshot(name, opts) {
  const q = new URLSearchParams({ name });
  if (opts && opts.waitFor) q.set('waitFor', opts.waitFor);
  if (opts && opts.timeout) q.set('timeout', String(opts.timeout));
  const r = await post('/screenshot?' + q.toString(), '');
  return r === undefined ? { error: 'no harness' } : r;
}

/** textContent of the workbench element matching `selector` once `state` (default visible; or attached) (code-server harness only), or { error }. */
async function domText(selector, timeout, state) {
  const q = new URLSearchParams({ selector });
  if (timeout) q.set('timeout', String(timeout));
  if (state) q.set('state', state);
  const r = await post('/text?' + q.toString(), '');
  return r === undefined ? { error: 'no harness' } : r;
}

function withTimeout(p, ms, name) {
  let timer;
  return Promise.race([
    p,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`test "${name}" timed out after ${ms} ms`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

/** Polls fn() until it returns a truthy value (returned) or the deadline passes (throws, with describe()). */
async function until(what, fn, ms = 15000, everyMs = 50, describe) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${ms} ms waiting for ${what}${describe ? ': ' + (await describe()) : ''}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

async function runAll() {
  let failed = 0;
  let passed = 0;
  // APIM_VNET_VSCODE_GREP=<regex>: run only the tests whose name matches (while developing a test)
  const grep = process.env.APIM_VNET_VSCODE_GREP ? new RegExp(process.env.APIM_VNET_VSCODE_GREP, 'i') : undefined;
  for (const t of tests.filter((x) => !grep || grep.test(x.name))) {
    const t0 = Date.now();
    if (t.skip) {
      console.log(`  - skip ${t.name} # ${t.skip}`);
      await post('/result', { name: t.name, ok: false, skip: String(t.skip), ms: 0 });
      continue;
    }
    try {
      await withTimeout(Promise.resolve().then(() => t.fn()), t.timeout, t.name);
      passed++;
      console.log(`  ✔ ${t.name} (${Date.now() - t0} ms)`);
      await post('/result', { name: t.name, ok: true, ms: Date.now() - t0 });
    } catch (e) {
      failed++;
      const error = String((e && e.stack) || e);
      console.error(`  ✖ ${t.name}\n${error}`);
      await post('/result', { name: t.name, ok: false, ms: Date.now() - t0, error });
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  if (failed > 0) throw new Error(`${failed} of ${tests.length} VS Code integration tests failed`);
}

module.exports = { test, runAll, until, screenshot, domText, post, inHarness: !!HARNESS };
