#!/usr/bin/env node
// Runs the VS Code integration suite (test/vscode/suite/index.js) inside a real VS Code extension
// host: code-server (VS Code 1.100 server) + headless Debian Chromium driven by playwright-core.
//
//   node scripts/code-server/run-tests.js [--vsix FILE | --extension DIR] [--tests FILE]
//        [--workspace DIR] [--results FILE] [--screenshots DIR] [--timeout SECONDS]
//   APIM_VNET_UPDATE_SCREENSHOTS=1  save screenshots into images/ (README) instead of a temp dir
//   APIM_VNET_VSCODE_GREP=<regex>  run only matching suite tests; APIM_VNET_VSCODE_VERBOSE=1 workbench logs
//
// The extension under test is the packaged .vsix (default ./apim-vnet-lint.vsix), installed with
// `code-server --install-extension`, and the installed folder is the development extension, so
// bundling and .vscodeignore are what is tested. The workspace folder is copied to a temp dir
// (tests edit files). The workbench calls window.codeAutomationExit(code) when the suite's run()
// settles: that code is this script's exit code (0 pass, 1 fail). When code-server, chromium or
// playwright-core is missing it prints `SKIP: <reason>` and exits 0 (results file: {skipped}).
//
// The suite talks back over a loopback HTTP endpoint (env APIM_VNET_HARNESS_URL, inherited by the
// extension host): POST /result {name, ok, ms, error} per test, POST /screenshot?name=x.png to get a
// screenshot of the page (saved into --screenshots), POST /log for free text.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const http = require('http');
const net = require('net');
const { spawn, spawnSync } = require('child_process');

const ROOT = path.join(__dirname, '..', '..');
const { CODE_SERVER_VERSION, findCodeServer, findChromium } = require('./env');
const NO_TEST_RUNNER = 'No extension host found that can launch the test runner';

function parseArgs(argv) {
  const o = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) continue;
    const key = a.slice(2);
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) o[key] = true;
    else { o[key] = next; i++; }
  }
  return o;
}

const args = parseArgs(process.argv.slice(2));
const timeoutMs = Number(args.timeout || process.env.APIM_VNET_VSCODE_TIMEOUT || 420) * 1000;
const resultsFile = args.results ? path.resolve(String(args.results)) : undefined;
const log = (...m) => console.log('[vscode-it]', ...m);

function writeResults(obj) {
  if (resultsFile) fs.writeFileSync(resultsFile, JSON.stringify(obj, null, 2));
}

function skip(reason) {
  console.log(`SKIP: VS Code integration tests: ${reason}`);
  writeResults({ skipped: reason, tests: [] });
  process.exit(0);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

function copyDir(src, dst) {
  fs.mkdirSync(dst, { recursive: true });
  for (const e of fs.readdirSync(src, { withFileTypes: true })) {
    const s = path.join(src, e.name), d = path.join(dst, e.name);
    if (e.isDirectory()) copyDir(s, d); else fs.copyFileSync(s, d);
  }
}

/** Polls fn() until it returns a truthy value or the deadline passes (no fixed sleeps). */
async function until(what, fn, ms, everyMs = 100) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

function httpOk(url) {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => { res.resume(); resolve(res.statusCode !== undefined && res.statusCode < 500); });
    req.on('error', () => resolve(false));
    req.setTimeout(2000, () => { req.destroy(); resolve(false); });
  });
}

async function main() {
  const entry = findCodeServer();
  if (!entry) skip(`code-server ${CODE_SERVER_VERSION} is not installed (run scripts/code-server/install.sh, or set CODE_SERVER_HOME)`);
  const chromium = findChromium();
  if (!chromium) skip('Debian chromium is not installed (apt-get install chromium, or set CHROMIUM_PATH)');
  let playwright;
  try { playwright = require('playwright-core'); } catch { skip('playwright-core is not installed (npm ci)'); }

  const testsIndex = path.resolve(String(args.tests || path.join(ROOT, 'test', 'vscode', 'suite', 'index.js')));
  const workspaceSrc = path.resolve(String(args.workspace || path.join(ROOT, 'test', 'vscode', 'workspace')));
  // screenshots go to images/ (the README's) only when asked: --screenshots DIR or APIM_VNET_UPDATE_SCREENSHOTS=1
  const screenshotDir = path.resolve(String(args.screenshots || (process.env.APIM_VNET_UPDATE_SCREENSHOTS === '1' ? path.join(ROOT, 'images') : path.join(os.tmpdir(), 'apim-vnet-screenshots'))));

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'apim-vnet-it-'));
  const dirs = {};
  for (const d of ['user-data', 'extensions', 'home', 'config', 'data', 'cache', 'workspace']) {
    dirs[d] = path.join(tmp, d);
    fs.mkdirSync(dirs[d], { recursive: true });
  }
  const env = {
    ...process.env,
    HOME: dirs.home,
    XDG_CONFIG_HOME: dirs.config,
    XDG_DATA_HOME: dirs.data,
    XDG_CACHE_HOME: dirs.cache,
    VSCODE_AGENT_FOLDER: path.join(dirs.data, 'vscode-agent'),
  };
  delete env.ELECTRON_RUN_AS_NODE;
  delete env.VSCODE_IPC_HOOK_CLI;
  // user settings: nothing that reaches out (JSON $schema downloads, gallery, telemetry), no welcome
  const userDir = path.join(dirs['user-data'], 'User');
  fs.mkdirSync(userDir, { recursive: true });
  fs.writeFileSync(path.join(userDir, 'settings.json'), JSON.stringify({
    'json.schemaDownload.enable': false,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'workbench.startupEditor': 'none',
    'workbench.enableExperiments': false,
    'workbench.tips.enabled': false,
    'git.enabled': false,
    'security.workspace.trust.enabled': false,
    'window.commandCenter': false,
    'chat.commandCenter.enabled': false,
    'workbench.colorTheme': 'Default Dark Modern',
    'editor.minimap.enabled': false,
    'editor.fontSize': 13,
    'editor.stickyScroll.enabled': false,
    'workbench.layoutControl.enabled': false,
  }, null, 2));
  const configFile = path.join(tmp, 'config.yaml');
  fs.writeFileSync(configFile, 'auth: none\ncert: false\n');
  const csBase = [entry, '--config', configFile, '--user-data-dir', dirs['user-data'], '--extensions-dir', dirs.extensions];

  // 1. the extension: install the vsix, or use an unpacked folder (harness self-test)
  let extensionDir;
  if (args.extension) {
    extensionDir = path.resolve(String(args.extension));
  } else {
    const vsix = path.resolve(String(args.vsix || path.join(ROOT, 'apim-vnet-lint.vsix')));
    if (!fs.existsSync(vsix)) skip(`no packaged extension at ${vsix} (run npm run package)`);
    const t0 = Date.now();
    const r = spawnSync(process.execPath, [...csBase, '--force', '--install-extension', vsix], { env, encoding: 'utf8', timeout: 120000 });
    if (r.status !== 0) {
      console.error(r.stdout, r.stderr);
      throw new Error(`code-server --install-extension ${vsix} failed (status ${r.status})`);
    }
    const installed = fs.readdirSync(dirs.extensions, { withFileTypes: true }).filter((e) => e.isDirectory());
    if (installed.length !== 1) throw new Error(`expected one installed extension in ${dirs.extensions}, found: ${installed.map((e) => e.name).join(', ')}`);
    extensionDir = path.join(dirs.extensions, installed[0].name);
    log(`installed ${path.basename(vsix)} as ${installed[0].name} in ${Date.now() - t0} ms`);
  }
  if (fs.existsSync(workspaceSrc)) copyDir(workspaceSrc, dirs.workspace);

  // 2. loopback endpoint the suite reports to
  const results = [];
  let page;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', async () => {
      try {
        const url = new URL(req.url, 'http://127.0.0.1');
        if (url.pathname === '/result') {
          const r = JSON.parse(body);
          results.push(r);
          console.log(`${r.skip ? '  - skip' : r.ok ? '  ✔' : '  ✖'} ${r.name} (${r.ms} ms)${r.skip ? ' # ' + r.skip : ''}${r.ok || r.skip ? '' : '\n      ' + String(r.error).split('\n').join('\n      ')}`);
          res.end('ok');
        } else if (url.pathname === '/screenshot' && page) {
          const name = path.basename(url.searchParams.get('name') || 'screenshot.png');
          fs.mkdirSync(screenshotDir, { recursive: true });
          const file = path.join(screenshotDir, name);
          const waitFor = url.searchParams.get('waitFor');
          if (waitFor) await page.waitForSelector(waitFor, { state: 'visible', timeout: Number(url.searchParams.get('timeout') || 10000) });
          await page.screenshot({ path: file });
          log(`screenshot saved: ${file}`);
          res.end(file);
        } else if (url.pathname === '/text' && page) {
          // innerText of the first element matching ?selector= once visible (DOM checks from the suite)
          const sel = url.searchParams.get('selector');
          const el = await page.waitForSelector(sel, { state: url.searchParams.get('state') || 'visible', timeout: Number(url.searchParams.get('timeout') || 10000) });
          res.end((await el.textContent()) || '');
        } else if (url.pathname === '/log') {
          console.log('  [suite]', body);
          res.end('ok');
        } else {
          res.statusCode = 404;
          res.end();
        }
      } catch (e) {
        res.statusCode = 500;
        res.end(String(e && e.stack || e));
      }
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  env.APIM_VNET_HARNESS_URL = `http://127.0.0.1:${server.address().port}`;
  // code-server's extension gallery (open-vsx) is out of reach here: point it at the loopback endpoint (404s)
  env.EXTENSIONS_GALLERY = JSON.stringify({ serviceUrl: `${env.APIM_VNET_HARNESS_URL}/gallery`, itemUrl: `${env.APIM_VNET_HARNESS_URL}/gallery/item`, resourceUrlTemplate: `${env.APIM_VNET_HARNESS_URL}/gallery/resource/{publisher}/{name}/{version}/{path}` });

  // 3. code-server on a free loopback port
  const port = await freePort();
  const csLog = [];
  const cs = spawn(process.execPath, [
    ...csBase,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--disable-getting-started-override', '--disable-file-downloads',
    '--ignore-last-opened',
  ], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: false });
  cs.stdout.on('data', (d) => csLog.push(String(d)));
  cs.stderr.on('data', (d) => csLog.push(String(d)));
  let browser;
  const cleanup = async () => {
    try { if (browser) await browser.close(); } catch { /* already gone */ }
    try { cs.kill('SIGTERM'); } catch { /* already gone */ }
    server.close();
    if (!process.env.APIM_VNET_KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true });
  };

  // a runner stopped from outside (Ctrl-C, timeout, closed pipe) still stops code-server and Chromium
  process.stdout.on('error', () => {});
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(sig, () => { cleanup().finally(() => process.exit(130)); });
  }
  const started = Date.now();
  try {
    await until('code-server to listen', async () => {
      if (cs.exitCode !== null) throw new Error(`code-server exited with ${cs.exitCode}:\n${csLog.join('')}`);
      return httpOk(`http://127.0.0.1:${port}/healthz`);
    }, 60000);
    log(`code-server ${CODE_SERVER_VERSION} listening on 127.0.0.1:${port} after ${Date.now() - started} ms`);

    // 4. headless chromium on the workbench, with the test runner payload
    browser = await playwright.chromium.launch({
      executablePath: chromium,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
        '--disable-dev-shm-usage'],
    });
    const context = await browser.newContext({ viewport: { width: 1360, height: 960 } });
    page = await context.newPage();
    let settle;
    const exitCode = new Promise((resolve, reject) => { settle = { resolve, reject }; });
    await page.exposeFunction('codeAutomationExit', (code) => settle.resolve(Number(code)));
    await page.exposeFunction('codeAutomationLog', (type, m) => { if (process.env.APIM_VNET_VSCODE_VERBOSE) console.log('  [workbench]', type, m); });
    page.on('console', (msg) => {
      const text = msg.text();
      if (text.includes(NO_TEST_RUNNER)) settle.reject(new Error(`workbench: ${text}`));
      if (process.env.APIM_VNET_VSCODE_VERBOSE || msg.type() === 'error') {
        if (!/Failed to load resource|ERR_CONNECTION|ERR_NAME_NOT_RESOLVED|vsda|marketplace|open-vsx/i.test(text)) console.log(`  [browser ${msg.type()}]`, text.slice(0, 2000));
      }
    });
    page.on('pageerror', (e) => console.log('  [browser pageerror]', String(e).slice(0, 500)));
    const remote = (p) => `vscode-remote://127.0.0.1:${port}${p.split(path.sep).join('/')}`;
    const payload = [
      ['extensionDevelopmentPath', remote(extensionDir)],
      ['extensionTestsPath', remote(testsIndex)],
      ['skipWelcome', 'true'],
    ];
    const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(dirs.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    const timer = setTimeout(() => settle.reject(new Error(`suite did not finish within ${timeoutMs / 1000} s`)), timeoutMs);
    let code;
    try {
      code = await exitCode;
    } finally {
      clearTimeout(timer);
    }
    const failed = results.filter((r) => !r.ok && !r.skip).length;
    const passed = results.filter((r) => r.ok).length;
    log(`suite finished with exit code ${code} in ${Date.now() - started} ms: ${passed} passed, ${failed} failed`);
    writeResults({ exitCode: code, tests: results });
    await cleanup();
    process.exit(code === 0 ? 0 : 1);
  } catch (e) {
    console.error('[vscode-it] FAILED:', e && e.message || e);
    if (process.env.APIM_VNET_VSCODE_VERBOSE) console.error(csLog.join(''));
    if (page) {
      try {
        fs.mkdirSync(path.join(tmp, '..'), { recursive: true });
        const shot = path.join(os.tmpdir(), `apim-vnet-it-failure-${Date.now()}.png`);
        await page.screenshot({ path: shot });
        console.error('[vscode-it] page at failure:', shot);
      } catch { /* no page */ }
    }
    writeResults({ error: String(e && e.message || e), tests: results });
    await cleanup();
    process.exit(1);
  }
}

main().catch((e) => {
  console.error('[vscode-it] FAILED:', e && e.stack || e);
  writeResults({ error: String(e && e.message || e), tests: [] });
  process.exit(1);
});
