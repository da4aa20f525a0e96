#!/usr/bin/env node
'use strict';
/**
 * APIM VNet Lint benchmark (`npm run bench`, after `npm run build`). Never part of `npm test`.
 *
 *   node bench/run.js [--only=static,lsp,rss,cli,jsonls] [--quick] [--cli-files=10000]
 *                     [--match=<regexp>]  (static: only the matching cases; nothing saved)
 *                     [--server-node-args=--cpu-prof,--cpu-prof-dir=/tmp/prof]
 *
 * Sections (see bench/README.md):
 *   static  per corpus template > 100 KB and per generated template (10 KB .. 10 MB):
 *           jsonc-parser parseTree, vscode-json-languageservice parse+validate, analyze(),
 *           interleaved in one loop; median / p95 and the ratio analyze / parseTree
 *   lsp     keystroke → publishDiagnostics through the real server over stdio (debounce 0,
 *           the server's adaptive delay reported separately), 20 KB / 700 KB / 3 MB
 *   jsonls  the same keystroke latency, debounce included, ours (default settings) side by side
 *           with VS Code's JSON language server (npm vscode-json-languageserver)
 *   rss     server RSS with the five largest corpus templates open
 *   cli     CLI scan of the corpus hard-linked to N files (default 10,000) in a temp dir
 *           (deleted afterwards) vs a parseTree-only baseline
 * Results: bench/tmp/results.json (merged across runs of single sections) and bench/RESULTS.md.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn, spawnSync } = require('child_process');
const { parseTree } = require('jsonc-parser');
const { generateTemplate } = require('./generate');

const ROOT = path.join(__dirname, '..');
const CORPUS = path.join(ROOT, '..', 'shared', 'corpus');
const CORPUS_FILES = path.join(CORPUS, 'files');
const TMP = path.join(__dirname, 'tmp');
const RESULTS_JSON = path.join(TMP, 'results.json');

const argv = process.argv.slice(2);
const arg = (name, dflt) => {
  const a = argv.find((x) => x.startsWith(`--${name}=`));
  return a ? a.slice(name.length + 3) : argv.includes(`--${name}`) ? true : dflt;
};
const QUICK = !!arg('quick', false);
const ONLY = String(arg('only', 'static,lsp,jsonls,rss,cli')).split(',');
const CLI_FILES = Number(arg('cli-files', QUICK ? 1000 : 10000));
/** static section: only the cases whose name matches this regular expression (results not saved). */
const MATCH = arg('match', undefined);
/** Extra node arguments for our server, e.g. --server-node-args=--cpu-prof,--cpu-prof-dir=/tmp/prof */
const SERVER_NODE_ARGS = String(arg('server-node-args', '')).split(',').filter(Boolean);

const out = (s) => process.stdout.write(s + '\n');

// ---- helpers -----------------------------------------------------------------------------------
function stats(arr) {
  const s = [...arr].sort((a, b) => a - b);
  if (s.length === 0) return { median: NaN, p95: NaN, n: 0 };
  const median = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  const p95 = s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)];
  return { median, p95, n: s.length };
}
const r1 = (x) => (Number.isFinite(x) ? (Math.round(x * 10) / 10).toString() : '–');
const r2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : '–');
const kb = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} MB` : `${Math.round(n / 1e3)} KB`);

function walk(dir, acc = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, acc);
    else if (e.isFile()) acc.push(p);
  }
  return acc;
}
function corpusFiles() {
  if (!fs.existsSync(CORPUS_FILES)) return undefined;
  return walk(CORPUS_FILES).filter((f) => /\.jsonc?$/i.test(f));
}
function loadAvg() {
  return os.loadavg().map((x) => x.toFixed(2)).join(' ');
}
/** A full garbage collection (V8's gc, exposed at run time), or a no-op where it cannot be had. */
function fullGc() {
  try {
    require('v8').setFlagsFromString('--expose-gc');
    const gc = require('vm').runInNewContext('gc');
    return typeof gc === 'function' ? () => gc() : () => {};
  } catch {
    return () => {};
  }
}
/** Garbage-collection pauses as they happen (perf_hooks), to tell which timed windows had one. */
function gcWindows() {
  const { PerformanceObserver } = require('perf_hooks');
  const spans = [];
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) spans.push([e.startTime, e.startTime + e.duration]);
    if (spans.length > 10000) spans.splice(0, spans.length - 1000);
  });
  obs.observe({ entryTypes: ['gc'] });
  return {
    // (entries arrive asynchronously, once the event loop turns: ask after an await)
    hit: (from, to) => spans.some(([a, b]) => a < to && b > from),
  };
}
/** Flat (non-rope) copies of the text that differ in trailing whitespace: defeat the parse cache. */
function variants(text, k = 4) {
  const v = [];
  for (let i = 1; i <= k; i++) v.push(Buffer.from(text + ' '.repeat(i), 'utf8').toString('utf8'));
  return v;
}
function machine() {
  const cpus = os.cpus();
  return {
    nproc: cpus.length,
    cpu: cpus[0] ? cpus[0].model : 'unknown',
    ramGB: Math.round(os.totalmem() / 1e9),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    date: new Date().toISOString(),
  };
}
function readResults() {
  try {
    return JSON.parse(fs.readFileSync(RESULTS_JSON, 'utf8'));
  } catch {
    return {};
  }
}
function saveResults(r) {
  fs.mkdirSync(TMP, { recursive: true });
  fs.writeFileSync(RESULTS_JSON, JSON.stringify(r, null, 2));
}

// ---- static: parseTree vs JSON service vs analyze ---------------------------------------------
async function benchStatic() {
  const { analyze } = require('../out/server/src/analyzer.js');
  const { getLanguageService } = require('vscode-json-languageservice');
  const { TextDocument } = require('vscode-languageserver-textdocument');
  const ls = getLanguageService({});
  ls.configure({ validate: true, allowComments: true, schemas: [] });
  const cases = [];
  const files = corpusFiles();
  if (!files) out('static: shared corpus absent (../shared/corpus): corpus rows skipped');
  else {
    for (const f of files) {
      const size = fs.statSync(f).size;
      if (size > 100 * 1024) cases.push({ name: path.relative(CORPUS_FILES, f), source: 'corpus', text: fs.readFileSync(f, 'utf8') });
    }
    cases.sort((a, b) => a.text.length - b.text.length);
  }
  const sizes = QUICK ? [10e3, 100e3, 1e6] : [10e3, 100e3, 1e6, 3e6, 10e6];
  for (const s of sizes) cases.push({ name: `generated ${kb(s)} (APIM + NSG + filler)`, source: 'generated', text: generateTemplate(s) });
  for (const s of QUICK ? [1e6] : [1e6, 3e6]) cases.push({ name: `generated ${kb(s)}, no APIM service`, source: 'generated-noapim', text: generateTemplate(s, { apim: false }) });
  if (typeof MATCH === 'string') {
    const re = new RegExp(MATCH, 'i');
    for (let i = cases.length - 1; i >= 0; i--) if (!re.test(cases[i].name)) cases.splice(i, 1);
  }
  const rows = [];
  // Warm-up: a language server analyzes the same documents again and again, so the figures are
  // steady state. Before any measurement, every case is parsed and analyzed for 1.5 s (at most
  // 400 times), so that V8 has optimized the code paths every case takes; the first (cold)
  // analysis of each case in this pass is reported beside the medians. (Thirty rounds, the cap
  // until session 5, were not enough: the analysis of apim-arm.json, a hundred functions each
  // called a few times per run, still took 9-35 ms in the first ten timed runs and about 6 ms
  // after 300, while parseTree was steady.)
  const cold = new Map();
  for (const c of cases) {
    // warm-up texts end in tabs, measured ones in spaces: no warm-up text is in a parse cache later
    const v = c.text + '\t';
    let t = performance.now();
    analyze({ file: '/bench/' + path.basename(c.name), text: v, readFile: () => undefined });
    cold.set(c, performance.now() - t);
    const until = performance.now() + (QUICK ? 300 : 1500);
    for (let k = 0; k < (QUICK ? 3 : 400) && performance.now() < until; k++) {
      const w = c.text + '\t'.repeat(k + 2);
      parseTree(w, [], { allowTrailingComma: true, disallowComments: false });
      analyze({ file: '/bench/' + path.basename(c.name), text: w, readFile: () => undefined });
    }
  }
  const gc = fullGc();
  const gcWatch = gcWindows();
  for (const c of cases) {
    const vs = variants(c.text);
    const reps = QUICK ? 5 : c.text.length > 2e6 ? 9 : c.text.length > 5e5 ? 11 : 61;
    const tP = [], tS = [], tA = [], ratio = [];
    /** The timed windows, to count those a garbage-collection pause fell into. */
    const wP = [], wA = [];
    // The language server keeps the latest analysis of every open document until the next one
    // replaces it, so a collection never finds the document's objects all dead. Held here too:
    // without it, the collection below drops the object shapes (V8 maps) of this document's
    // values, and every optimized function that had seen them is deoptimized ("weak objects":
    // 82 of them on apim-arm.json, 8 with the analysis held), which made the first twenty timed
    // analyses after it up to three times slower (session 5).
    let last = analyze({ file: '/bench/' + path.basename(c.name), text: c.text + '\t', readFile: () => undefined });
    // Each case starts from a collected heap: what earlier cases left behind (the warm-up of a
    // 10 MB template leaves hundreds of MB of dead objects) must not decide how expensive this
    // case's garbage collections are.
    gc();
    // The ratio pair, side by side under the same load: parseTree and analyze() on the same text,
    // in alternating order (each pays for garbage collections the other's garbage triggers about
    // as often). One warm-up round first.
    for (let i = -1; i < reps; i++) {
      const v = vs[(i + 1) % vs.length];
      const timeParse = () => {
        const t = performance.now();
        parseTree(v, [], { allowTrailingComma: true, disallowComments: false });
        const d = performance.now() - t;
        if (i >= 0) wP.push([t, t + d]);
        return d;
      };
      const timeAnalyze = () => {
        const t = performance.now();
        last = analyze({ file: '/bench/' + path.basename(c.name), text: v, readFile: () => undefined });
        const d = performance.now() - t;
        if (i >= 0) wA.push([t, t + d]);
        return d;
      };
      let p, a;
      if (i % 2 === 0) {
        p = timeParse();
        a = timeAnalyze();
      } else {
        a = timeAnalyze();
        p = timeParse();
      }
      if (i >= 0) {
        tP.push(p);
        tA.push(a);
        ratio.push(a / p);
      }
    }
    await new Promise((r) => setTimeout(r, 20)); // let the gc entries of the loop arrive
    const gcP = wP.filter(([a, b]) => gcWatch.hit(a, b)).length;
    const gcA = wA.filter(([a, b]) => gcWatch.hit(a, b)).length;
    // VS Code's JSON service (in VS Code it runs in its own process): its own loop, so that the
    // collection of its garbage is not charged to the pair above.
    gc();
    for (let i = -1; i < Math.min(reps, 31); i++) {
      const v = vs[(i + 1) % vs.length];
      const t = performance.now();
      const doc = TextDocument.create('file:///bench.json', 'json', 1, v);
      const jd = ls.parseJSONDocument(doc);
      await ls.doValidation(doc, jd, { comments: 'ignore', trailingCommas: 'ignore' });
      if (i >= 0) tS.push(performance.now() - t);
    }
    const row = {
      name: c.name,
      source: c.source,
      bytes: Buffer.byteLength(c.text),
      kind: last.kind,
      findings: last.findings.length,
      services: (last.services || []).length,
      parseTree: stats(tP),
      jsonService: stats(tS),
      analyze: stats(tA),
      ratio: stats(ratio).median,
      ratioOfMedians: stats(tA).median / stats(tP).median,
      coldAnalyzeMs: cold.get(c),
      gcRuns: { parseTree: gcP, analyze: gcA, of: reps },
      load: loadAvg(),
    };
    rows.push(row);
    out(
      `static ${row.name.padEnd(70).slice(0, 70)} ${kb(row.bytes).padStart(9)} parseTree ${r1(row.parseTree.median)}/${r1(row.parseTree.p95)} ms  jsonService ${r1(row.jsonService.median)}/${r1(row.jsonService.p95)}  analyze ${r1(row.analyze.median)}/${r1(row.analyze.p95)}  ratio ${r2(row.ratio)}  (${row.kind}, ${row.findings} findings, load ${row.load})`,
    );
  }
  return rows;
}

// ---- LSP client --------------------------------------------------------------------------------
function lspClient(command, args, settingsFor) {
  const P = require('vscode-languageserver-protocol/node');
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], cwd: ROOT });
  const conn = P.createProtocolConnection(new P.StreamMessageReader(child.stdout), new P.StreamMessageWriter(child.stdin));
  const listeners = new Set();
  const published = [];
  const statuses = [];
  let stderr = '';
  child.stderr.on('data', (b) => (stderr += b.toString()));
  conn.onNotification(P.PublishDiagnosticsNotification.type, (p) => {
    published.push({ at: performance.now(), uri: p.uri, version: p.version, n: p.diagnostics.length });
    for (const l of [...listeners]) l();
  });
  conn.onNotification('apimVnet/status', (s) => {
    statuses.push(s);
    for (const l of [...listeners]) l();
  });
  conn.onNotification(() => undefined);
  conn.onRequest(P.ConfigurationRequest.type, (params) => params.items.map((it) => settingsFor(it.section)));
  conn.onRequest(P.RegistrationRequest.type, () => null);
  conn.onRequest(P.WorkDoneProgressCreateRequest.type, () => null);
  conn.onRequest(() => null);
  conn.listen();
  const client = {
    child,
    conn,
    published,
    statuses,
    get stderr() {
      return stderr;
    },
    /** Resolves when pred() holds (checked on every message), rejects after timeoutMs. */
    waitFor(pred, timeoutMs = 60000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          let v;
          try {
            v = pred();
          } catch (e) {
            v = undefined;
          }
          if (v) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(v);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timeout after ${timeoutMs} ms; stderr: ${stderr.slice(-500)}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
    async init(initializationOptions) {
      await conn.sendRequest(P.InitializeRequest.type, {
        processId: process.pid,
        rootUri: null,
        workspaceFolders: null,
        initializationOptions,
        capabilities: {
          workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: false } },
          textDocument: { publishDiagnostics: { versionSupport: true }, synchronization: { dynamicRegistration: false } },
          window: { workDoneProgress: false },
        },
      });
      await conn.sendNotification(P.InitializedNotification.type, {});
    },
    open(uri, text, languageId = 'json') {
      return conn.sendNotification(P.DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: 1, text } });
    },
    change(uri, version, range, text) {
      return conn.sendNotification(P.DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ range, text }] });
    },
    config(settings) {
      return conn.sendNotification(P.DidChangeConfigurationNotification.type, { settings });
    },
    async stop() {
      try {
        await Promise.race([conn.sendRequest(P.ShutdownRequest.type), new Promise((r) => setTimeout(r, 3000))]);
        await conn.sendNotification(P.ExitNotification.type);
      } catch {
        /* already gone */
      }
      const done = new Promise((r) => child.once('exit', r));
      const t = setTimeout(() => child.kill(), 3000);
      await done;
      clearTimeout(t);
      conn.dispose();
    },
  };
  return client;
}

function ourServer(settings) {
  return lspClient(process.execPath, [...SERVER_NODE_ARGS, path.join(ROOT, 'bin', 'apim-vnet-language-server.js'), '--stdio'], (section) =>
    section === 'apimVnet' ? settings : section && section.startsWith('apimVnet.') ? settings[section.slice(9)] : {},
  );
}
function jsonServer() {
  const main = path.join(ROOT, 'node_modules', 'vscode-json-languageserver', 'bin', 'vscode-json-languageserver');
  if (!fs.existsSync(main)) return undefined;
  return lspClient(process.execPath, [main, '--stdio'], (section) => (section === 'json' ? { schemas: [], validate: { enable: true } } : section === 'http' ? {} : {}));
}

/** Offset of a safe place for a one-character edit: after the first newline (indentation). */
function editPosition(text) {
  const nl = text.indexOf('\n');
  return nl >= 0 ? { line: 1, character: 0 } : { line: 0, character: 1 };
}

/**
 * Types `edits` one-character edits (insert a space, delete it, ...) at a whitespace position and
 * measures each didChange → publishDiagnostics of that version (or, for a server that does not
 * echo versions, the next publish).
 */
async function keystrokes(client, uri, text, edits, versioned) {
  await client.open(uri, text);
  await client.waitFor(() => client.published.find((p) => p.uri === uri), 120000);
  const pos = editPosition(text);
  const lat = [];
  let version = 1;
  for (let i = 0; i < edits; i++) {
    version++;
    const insert = i % 2 === 0;
    const range = insert ? { start: pos, end: pos } : { start: pos, end: { line: pos.line, character: pos.character + 1 } };
    const before = client.published.length;
    const t0 = performance.now();
    await client.change(uri, version, range, insert ? ' ' : '');
    const v = version;
    const pub = await client.waitFor(() => client.published.slice(before).find((p) => p.uri === uri && (!versioned || p.version === v)), 120000);
    lat.push({ ms: pub.at - t0, version: v });
  }
  return lat;
}

async function benchLsp() {
  const cases = [];
  cases.push({ name: 'generated 20 KB', text: generateTemplate(20e3) });
  const files = corpusFiles();
  const pick = (re) => files && files.find((f) => re.test(f));
  const f700 = pick(/bicep-registry-modules\/avm\/res\/api-management\/service\/main\.json$/);
  const f3m = pick(/aca-lza\/hosting-environment\/main\.json$/);
  cases.push(f700 ? { name: 'corpus ' + path.relative(CORPUS_FILES, f700), text: fs.readFileSync(f700, 'utf8') } : { name: 'generated 700 KB', text: generateTemplate(700e3) });
  cases.push(f3m ? { name: 'corpus ' + path.relative(CORPUS_FILES, f3m), text: fs.readFileSync(f3m, 'utf8') } : { name: 'generated 3.3 MB', text: generateTemplate(3.3e6) });
  cases.push({ name: 'generated 3 MB (APIM + NSG + filler)', text: generateTemplate(3e6) });
  const rows = [];
  for (const c of cases) {
    const client = ourServer({ debounceMs: 0 });
    try {
      await client.init();
      const uri = 'file:///bench/keystroke-' + rows.length + '.json';
      const edits = QUICK ? 6 : c.text.length > 1e6 ? 12 : 30;
      const lat = await keystrokes(client, uri, c.text, edits, true);
      const elapsedOf = (v) => {
        const s = client.statuses.find((x) => x.uri === uri && x.version === v);
        return s ? s.elapsedMs : NaN;
      };
      // the server waits max(debounceMs, min(previous analysis time, 2 s)) after a change: that
      // adaptive delay is part of its debounce, reported separately
      const delays = lat.map((l) => Math.max(0, Math.min(elapsedOf(l.version - 1), 2000)));
      const excl = lat.map((l, i) => l.ms - delays[i]);
      const analysis = lat.map((l) => elapsedOf(l.version));
      const row = {
        name: c.name,
        bytes: Buffer.byteLength(c.text),
        latency: stats(lat.map((l) => l.ms)),
        adaptiveDelay: stats(delays),
        excludingDelay: stats(excl),
        serverAnalysis: stats(analysis.filter(Number.isFinite)),
        parseTree: stats(variants(c.text, 5).map((v) => {
          const t = performance.now();
          parseTree(v, [], { allowTrailingComma: true });
          return performance.now() - t;
        })),
        load: loadAvg(),
      };
      rows.push(row);
      out(
        `lsp ${row.name.padEnd(70).slice(0, 70)} ${kb(row.bytes).padStart(9)} keystroke→diagnostics ${r1(row.latency.median)}/${r1(row.latency.p95)} ms; adaptive delay ${r1(row.adaptiveDelay.median)}; excl. delay ${r1(row.excludingDelay.median)}/${r1(row.excludingDelay.p95)}; server analysis ${r1(row.serverAnalysis.median)}; parseTree ${r1(row.parseTree.median)} (load ${row.load})`,
      );
    } finally {
      await client.stop();
    }
  }
  return rows;
}

function defaultDebounce() {
  try {
    return require('../out/server/src/lsp/settings.js').DEFAULT_DEBOUNCE_MS;
  } catch {
    return undefined;
  }
}

async function benchJsonLs() {
  const cases = [{ name: 'generated 20 KB', text: generateTemplate(20e3) }];
  const files = corpusFiles();
  const qs = files && files.find((f) => /quickstart/.test(f) && fs.statSync(f).size > 5e3 && fs.statSync(f).size < 60e3);
  if (qs) cases.push({ name: 'corpus ' + path.relative(CORPUS_FILES, qs), text: fs.readFileSync(qs, 'utf8') });
  const f3m = files && files.find((f) => /aca-lza\/hosting-environment\/main\.json$/.test(f));
  cases.push(f3m ? { name: 'corpus ' + path.relative(CORPUS_FILES, f3m), text: fs.readFileSync(f3m, 'utf8') } : { name: 'generated 3.3 MB', text: generateTemplate(3.3e6) });
  const rows = [];
  for (const c of cases) {
    const edits = QUICK ? 4 : c.text.length > 1e6 ? 8 : 16;
    const row = { name: c.name, bytes: Buffer.byteLength(c.text) };
    const ours = ourServer({}); // default settings: the server's own default debounce
    try {
      await ours.init();
      row.ours = stats((await keystrokes(ours, 'file:///bench/ours.json', c.text, edits, true)).map((l) => l.ms));
    } finally {
      await ours.stop();
    }
    const js = jsonServer();
    if (js) {
      try {
        await js.init({ provideFormatter: false });
        await js.config({ json: { schemas: [], validate: { enable: true } }, http: {} });
        row.jsonServer = stats((await keystrokes(js, 'file:///bench/vscode-json.json', c.text, edits, false)).map((l) => l.ms));
      } catch (e) {
        row.jsonServerError = String(e.message || e).slice(0, 200);
      } finally {
        await js.stop();
      }
    } else row.jsonServerError = 'vscode-json-languageserver not installed';
    row.load = loadAvg();
    row.debounceMs = defaultDebounce();
    rows.push(row);
    out(`jsonls ${row.name.padEnd(70).slice(0, 70)} ${kb(row.bytes).padStart(9)} ours (debounce ${row.debounceMs}) ${r1(row.ours.median)}/${r1(row.ours.p95)} ms; VS Code JSON server ${row.jsonServer ? `${r1(row.jsonServer.median)}/${r1(row.jsonServer.p95)} ms` : row.jsonServerError} (load ${row.load})`);
  }
  return rows;
}

// ---- RSS with the five largest corpus templates open ----------------------------------------
function rssOf(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmRSS:\s+(\d+) kB/.exec(s);
    const h = /VmHWM:\s+(\d+) kB/.exec(s);
    return { rssMB: m ? Number(m[1]) / 1024 : NaN, peakMB: h ? Number(h[1]) / 1024 : NaN };
  } catch {
    return { rssMB: NaN, peakMB: NaN };
  }
}
async function benchRss() {
  const files = corpusFiles();
  if (!files) {
    out('rss: shared corpus absent (../shared/corpus): skipped');
    return { skipped: 'shared corpus absent' };
  }
  const largest = files.map((f) => ({ f, size: fs.statSync(f).size })).sort((a, b) => b.size - a.size).slice(0, 5);
  const client = ourServer({ debounceMs: 0 });
  try {
    await client.init();
    const idle = rssOf(client.child.pid);
    for (let i = 0; i < largest.length; i++) {
      const uri = 'file:///bench/rss-' + i + '-' + path.basename(largest[i].f);
      await client.open(uri, fs.readFileSync(largest[i].f, 'utf8'));
      await client.waitFor(() => client.published.find((p) => p.uri === uri), 180000);
    }
    const open = rssOf(client.child.pid);
    const r = {
      files: largest.map((x) => `${path.relative(CORPUS_FILES, x.f)} (${kb(x.size)})`),
      totalBytes: largest.reduce((s, x) => s + x.size, 0),
      idleMB: idle.rssMB,
      openMB: open.rssMB,
      peakMB: open.peakMB,
      load: loadAvg(),
    };
    out(`rss idle ${r1(r.idleMB)} MB; five largest open (${kb(r.totalBytes)}): ${r1(r.openMB)} MB (peak ${r1(r.peakMB)} MB)`);
    return r;
  } finally {
    await client.stop();
  }
}

// ---- CLI throughput ---------------------------------------------------------------------------
async function benchCli() {
  // the whole corpus tree (templates, parameter files, Bicep sources, ...): what a workspace holds
  const files = fs.existsSync(CORPUS_FILES) ? walk(CORPUS_FILES) : undefined;
  if (!files) {
    out('cli: shared corpus absent (../shared/corpus): skipped');
    return { skipped: 'shared corpus absent' };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apim-vnet-bench-cli-'));
  try {
    // the corpus tree, repeated (hard links when possible: no disk cost), N files in all
    let n = 0;
    let bytes = 0;
    let jsonFiles = 0;
    for (let copy = 0; n < CLI_FILES; copy++) {
      for (const f of files) {
        if (n >= CLI_FILES) break;
        const dst = path.join(dir, `copy${copy}`, path.relative(CORPUS_FILES, f));
        fs.mkdirSync(path.dirname(dst), { recursive: true });
        try {
          fs.linkSync(f, dst);
        } catch {
          fs.copyFileSync(f, dst);
        }
        if (/\.jsonc?$/i.test(f)) {
          bytes += fs.statSync(f).size;
          jsonFiles++;
        }
        n++;
      }
    }
    const baselineScript = path.join(__dirname, 'parse-baseline.js');
    const time = (args, env) => {
      const t = performance.now();
      const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, ...env } });
      // the head of stderr names the failure (e.g. heap out of memory); the tail is the stack
      const err = r.stderr || '';
      return { ms: performance.now() - t, status: r.status, stderr: err.length > 600 ? err.slice(0, 300) + ' … ' + err.slice(-300) : err, stdout: (r.stdout || '').slice(-300) };
    };
    const base = time([baselineScript, dir]);
    const cliArgs = [path.join(ROOT, 'bin', 'apim-vnet-lint.js'), '--format', 'json', '--output', path.join(dir, 'report.json'), dir];
    const cli = time(cliArgs);
    // the same scan on the main thread only (no worker threads)
    const single = time(cliArgs, { APIM_VNET_LINT_THREADS: '0' });
    let summary = '';
    try {
      const rep = JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8'));
      summary = JSON.stringify(rep.summary || rep.stats || Object.keys(rep)).slice(0, 200);
    } catch {
      summary = 'no report';
    }
    const r = {
      files: n,
      jsonFiles,
      bytes,
      baselineMs: base.ms,
      cliMs: cli.ms,
      cliStatus: cli.status,
      singleMs: single.ms,
      singleStatus: single.status,
      singleRatio: single.ms / base.ms,
      threads: (() => {
        try {
          return require('../out/server/src/cli/workers.js').workerCount(n, bytes);
        } catch {
          return undefined;
        }
      })(),
      cliStderr: cli.status === 0 || cli.status === 1 || cli.status === 2 ? undefined : cli.stderr,
      cliStdout: cli.stdout,
      baselineMBs: bytes / 1e6 / (base.ms / 1000),
      cliMBs: bytes / 1e6 / (cli.ms / 1000),
      baselineFilesPerS: n / (base.ms / 1000),
      cliFilesPerS: n / (cli.ms / 1000),
      ratio: cli.ms / base.ms,
      summary,
      load: loadAvg(),
    };
    out(`cli ${n} files (${jsonFiles} JSON, ${kb(bytes)}): parseTree baseline ${r1(r.baselineMs / 1000)} s (${r1(r.baselineMBs)} MB/s, ${r1(r.baselineFilesPerS)} files/s); CLI ${r1(r.cliMs / 1000)} s (${r1(r.cliMBs)} MB/s, ${r1(r.cliFilesPerS)} files/s, exit ${cli.status}); ratio ${r2(r.ratio)}; single thread ${r1(r.singleMs / 1000)} s (exit ${single.status}, ratio ${r2(r.singleRatio)}) (load ${r.load})`);
    if (r.cliStderr) out('cli stderr: ' + r.cliStderr);
    return r;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---- report -----------------------------------------------------------------------------------
function renderMarkdown(res) {
  const m = res.machine || machine();
  const L = [];
  L.push('# Benchmark results');
  L.push('');
  L.push(`Machine: ${m.nproc} × ${m.cpu}, ${m.ramGB} GB RAM, ${m.platform}; Node ${m.node}.`);
  L.push(`Generated by \`npm run bench\` (bench/run.js); sections last run: ${Object.entries(res.when || {}).map(([k, v]) => `${k} ${v}`).join(', ')}.`);
  L.push('Times in ms, median / p95 over repeated runs; "load" is the 1/5/15-minute load average when the row was measured (other processes share the 2 cores; ratios are measured side by side in one loop, so they are the robust figures).');
  L.push('');
  if (res.static) {
    L.push('## Analysis vs parseTree (single thread, in process)');
    L.push('');
    L.push('| template | size | kind / findings | parseTree | JSON service parse+validate | analyze() | analyze / parseTree | runs with a GC pause (parseTree / analyze) | first analyze (cold) | load |');
    L.push('|---|---:|---|---:|---:|---:|---:|---|---:|---|');
    for (const r of res.static) {
      L.push(`| ${r.name} | ${kb(r.bytes)} | ${r.kind}, ${r.findings} | ${r1(r.parseTree.median)} / ${r1(r.parseTree.p95)} | ${r1(r.jsonService.median)} / ${r1(r.jsonService.p95)} | ${r1(r.analyze.median)} / ${r1(r.analyze.p95)} | **${r2(r.ratio)}** | ${r.gcRuns ? `${r.gcRuns.parseTree} / ${r.gcRuns.analyze} of ${r.gcRuns.of}` : ''} | ${r.coldAnalyzeMs === undefined ? '' : r1(r.coldAnalyzeMs)} | ${r.load} |`);
    }
    L.push('');
    L.push('Ratio = median over runs of (analyze time / parseTree time of the same run; the two alternate in order), after a warm-up pass (every case parsed and analyzed for 1.5 s, at most 400 times, as a running server has) and a full garbage collection before each case; the JSON service is timed in its own loop after the pair (in VS Code it runs in another process). "Runs with a GC pause": how many timed runs a garbage-collection pause fell into (such a run takes several times longer; the medians are over all runs). "First analyze (cold)" is the first analysis of the case in the warm-up pass (earlier cases have already warmed the shared code).');
    L.push('');
  }
  if (res.lsp) {
    L.push('## Keystroke → diagnostics through the language server (stdio)');
    L.push('');
    L.push('`apimVnet.debounceMs` = 0. The server still waits, after a change, as long as the previous analysis of that document took (capped at 2 s), so that typing never queues work: that *adaptive delay* is part of the debounce and is reported separately; "excl. delay" = latency − adaptive delay.');
    L.push('');
    L.push('| template | size | latency | adaptive delay | latency excl. delay | server analysis (status elapsedMs) | parseTree (in bench process) | load |');
    L.push('|---|---:|---:|---:|---:|---:|---:|---|');
    for (const r of res.lsp) {
      L.push(`| ${r.name} | ${kb(r.bytes)} | ${r1(r.latency.median)} / ${r1(r.latency.p95)} | ${r1(r.adaptiveDelay.median)} | **${r1(r.excludingDelay.median)}** / ${r1(r.excludingDelay.p95)} | ${r1(r.serverAnalysis.median)} | ${r1(r.parseTree.median)} | ${r.load} |`);
    }
    L.push('');
  }
  if (res.jsonls) {
    L.push('## Debounce included, side by side with VS Code\'s JSON language server');
    L.push('');
    L.push(`Ours with default settings (\`debounceMs\` ${res.jsonls[0] && res.jsonls[0].debounceMs !== undefined ? res.jsonls[0].debounceMs : 150}); \`vscode-json-languageserver\` 1.3.4 (npm), no schema, its own validation delay (300 ms).`);
    L.push('');
    L.push('| template | size | APIM VNet Lint server | VS Code JSON server | load |');
    L.push('|---|---:|---:|---:|---|');
    for (const r of res.jsonls) {
      L.push(`| ${r.name} | ${kb(r.bytes)} | ${r1(r.ours.median)} / ${r1(r.ours.p95)} | ${r.jsonServer ? `${r1(r.jsonServer.median)} / ${r1(r.jsonServer.p95)}` : r.jsonServerError} | ${r.load} |`);
    }
    L.push('');
  }
  if (res.rss) {
    L.push('## Server memory');
    L.push('');
    if (res.rss.skipped) L.push(`Skipped: ${res.rss.skipped}.`);
    else {
      L.push(`RSS idle ${r1(res.rss.idleMB)} MB; with the five largest corpus templates open (${kb(res.rss.totalBytes)}) and analyzed: **${r1(res.rss.openMB)} MB** (peak ${r1(res.rss.peakMB)} MB). Files: ${res.rss.files.join('; ')}.`);
    }
    L.push('');
  }
  const cliKeys = Object.keys(res).filter((k) => /^cli\d*$/.test(k)).sort((a, b) => (a === 'cli' ? -1 : b === 'cli' ? 1 : a.localeCompare(b)));
  if (cliKeys.length) {
    L.push('## CLI throughput');
    L.push('');
    for (const k of cliKeys) {
      const c = res[k];
      if (c.skipped) {
        L.push(`Skipped: ${c.skipped}.`);
        continue;
      }
      const crashed = !(c.cliStatus === 0 || c.cliStatus === 1 || c.cliStatus === 2);
      L.push(`### ${c.files.toLocaleString('en')} files`);
      L.push('');
      L.push(`The corpus tree (all files: JSON templates and parameter files, Bicep sources, ...) hard-linked over and over into a temp dir until it holds ${c.files} files, ${c.jsonFiles} of them JSON (${kb(c.bytes)} of JSON); MB/s counts JSON bytes, files/s all files. Wall time of the whole process, Node start-up included.`);
      L.push('');
      L.push('| run | files | JSON data | wall time | MB/s | files/s |');
      L.push('|---|---:|---:|---:|---:|---:|');
      L.push(`| parseTree-only baseline (bench/parse-baseline.js) | ${c.files} | ${kb(c.bytes)} | ${r1(c.baselineMs / 1000)} s | ${r1(c.baselineMBs)} | ${r1(c.baselineFilesPerS)} |`);
      if (crashed) {
        L.push(`| \`apim-vnet-lint --format json\` | ${c.files} | ${kb(c.bytes)} | **crashed** after ${r1(c.cliMs / 1000)} s | – | – |`);
        L.push('');
        L.push(`The CLI process died (exit status ${c.cliStatus}): ${/heap out of memory|Allocation failed|Reached heap limit/i.test(c.cliStderr || '') ? 'JavaScript heap out of memory' : 'see stderr'}. Last stderr: \`${(c.cliStderr || '').replace(/\s+/g, ' ').slice(-160)}\` (load ${c.load}).`);
      } else {
        L.push(`| \`apim-vnet-lint --format json\`${c.threads ? ` (${c.threads} worker threads)` : ''} | ${c.files} | ${kb(c.bytes)} | ${r1(c.cliMs / 1000)} s | ${r1(c.cliMBs)} | ${r1(c.cliFilesPerS)} |`);
        if (c.singleMs !== undefined) {
          L.push(`| same, main thread only (\`APIM_VNET_LINT_THREADS=0\`) | ${c.files} | ${kb(c.bytes)} | ${r1(c.singleMs / 1000)} s | ${r1(c.bytes / 1e6 / (c.singleMs / 1000))} | ${r1(c.files / (c.singleMs / 1000))} |`);
        }
        L.push('');
        L.push(`CLI / baseline: **${r2(c.ratio)}**${c.singleMs !== undefined ? `; main thread only / baseline: ${r2(c.singleRatio)}` : ''} (exit status ${c.cliStatus}: a corpus file is not valid JSON; load ${c.load}).`);
      }
      L.push('');
    }
  }
  if (res.notes) {
    L.push('## Notes');
    L.push('');
    L.push(res.notes);
    L.push('');
  }
  return L.join('\n');
}

async function main() {
  const res = readResults();
  res.machine = machine();
  res.when = res.when || {};
  const sections = { static: benchStatic, lsp: benchLsp, jsonls: benchJsonLs, rss: benchRss, cli: benchCli };
  out(`bench: ${res.machine.nproc} × ${res.machine.cpu}, Node ${res.machine.node}, load ${loadAvg()}${QUICK ? ' (quick)' : ''}`);
  for (const [name, fn] of Object.entries(sections)) {
    if (!ONLY.includes(name)) continue;
    try {
      // CLI runs on other file counts are kept beside the 10,000-file one
      const key = name === 'cli' && CLI_FILES !== 10000 ? `cli${CLI_FILES}` : name;
      const result = await fn();
      if (name === 'static' && MATCH !== undefined) continue; // a subset: printed, not saved
      res[key] = result;
      res.when[key] = `${new Date().toISOString().slice(0, 16)}Z${QUICK ? ' (quick)' : ''}`;
    } catch (e) {
      out(`${name}: failed: ${e && e.stack ? e.stack : e}`);
    }
    saveResults(res);
  }
  const notesFile = path.join(__dirname, 'NOTES.md');
  if (fs.existsSync(notesFile)) res.notes = fs.readFileSync(notesFile, 'utf8').trim();
  fs.writeFileSync(path.join(__dirname, 'RESULTS.md'), renderMarkdown(res) + '\n');
  out('bench: wrote bench/RESULTS.md');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
