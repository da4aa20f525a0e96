/**
 * The language server under stress over a real stdio connection (issue 7): 10,000 seeded
 * random incremental edits across 20 open documents, sent in batches without awaiting
 * diagnostics, interleaved hover and code-action requests, a cancelled request, malformed
 * requests (bad params, unknown method, a message that is not JSON), a document closed
 * mid-analysis. The server stays up, answers every request, ends with diagnostics equal to a
 * fresh analyze() of the final texts, and its memory (VmRSS of the child) returns near its start
 * once the documents are closed. Also: a 50 MB document gets a file-skipped diagnostic.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CancellationTokenSource, CodeActionRequest, HoverRequest, ResponseError, type Diagnostic, type TextEdit } from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LspClient } from '../lsp/harness';
import { analyze } from '../../server/src/analyzer';
import { fixtureFiles, rng } from './common';
import { SCHEMA } from './generators';

const SCALE = Number(process.env.RELIABILITY_SCALE) > 0 ? Number(process.env.RELIABILITY_SCALE) : 1;
const EDITS = Math.round(10_000 * SCALE);
const DOCS = 20;
const BATCH = 200;
const SEED = 0x15e7;
const TOTAL_BOUND_MS = 180_000;

const GC_PRELOAD = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'reliability', 'gc-on-signal.js');

/** Starts the server with the GC-on-SIGUSR2 preload (NODE_OPTIONS of the child only). */
function startWithGcHook(memoryFile: string): LspClient {
  const saved = { opts: process.env.NODE_OPTIONS, file: process.env.RELIABILITY_MEMORY_FILE };
  process.env.NODE_OPTIONS = `${saved.opts ?? ''} --require ${GC_PRELOAD}`.trim();
  process.env.RELIABILITY_MEMORY_FILE = memoryFile;
  try {
    return LspClient.start();
  } finally {
    if (saved.opts === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = saved.opts;
    if (saved.file === undefined) delete process.env.RELIABILITY_MEMORY_FILE;
    else process.env.RELIABILITY_MEMORY_FILE = saved.file;
  }
}

interface Memory {
  seq: number;
  rss: number;
  heapUsed: number;
  external: number;
}

/** Forces a full GC in the server and reads its memory; polls with server round trips (no sleep), bounded. */
async function memoryAfterGc(client: LspClient, file: string, last: number): Promise<Memory | undefined> {
  if (process.platform === 'win32') return undefined;
  client.child.kill('SIGUSR2');
  const deadline = performance.now() + 10_000;
  while (performance.now() < deadline) {
    try {
      const m = JSON.parse(fs.readFileSync(file, 'utf8')) as Memory;
      if (m.seq > last) return m;
    } catch {
      /* not written yet */
    }
    await client.conn.sendRequest('apimVnet/rules', null).catch(() => null); // a round trip
  }
  return undefined;
}

const mb = (n: number | undefined) => (n === undefined ? '?' : (n / 1048576).toFixed(1) + ' MB');

function rssKb(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

const SNIPPETS = ['{', '}', '[', ']', '"', ',', ':', ' ', '\n', 'a', '0', '"3443"', '"Deny"', '"[concat(', "')]", '[[', 'é', '😀', '// c\n', '/*', 'null', 'true', '"Microsoft.ApiManagement/service"'];

type Shape = { code: unknown; severity: unknown; message: string; range: unknown };
const shape = (d: Diagnostic): Shape => ({ code: d.code, severity: d.severity, message: d.message, range: d.range });
const order = (a: Shape, b: Shape) => JSON.stringify(a) < JSON.stringify(b) ? -1 : 1;

function expectedDiagnostics(uri: string, file: string, text: string): Shape[] {
  const doc = TextDocument.create(uri, 'json', 0, text);
  const r = analyze({ file, text });
  return r.findings
    .filter((f) => f.location.file === file)
    .map((f) => ({
      code: f.ruleId,
      severity: f.severity === 'error' ? 1 : f.severity === 'warning' ? 2 : 3,
      message: f.message,
      range: { start: doc.positionAt(f.location.range.offset), end: doc.positionAt(f.location.range.offset + f.location.range.length) },
    }))
    .sort(order);
}

test(`language server stress: ${EDITS} random edits across ${DOCS} documents with hover/code-action, cancelled and malformed requests, a close mid-analysis; final diagnostics equal a fresh analysis; memory returns near its start`, { timeout: TOTAL_BOUND_MS }, async (t) => {
  const t0 = performance.now();
  const ws = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'apim-stress-')));
  const memoryFile = path.join(ws, '..', path.basename(ws) + '-memory.json');
  const client = startWithGcHook(memoryFile);
  try {
    client.settings = { debounceMs: 10 };
    await client.initialize({ rootUri: 'file://' + ws, workspaceFolders: [{ uri: 'file://' + ws, name: 'ws' }] });
    const pid = client.child.pid!;
    const rssStart = rssKb(pid);
    const memStart = await memoryAfterGc(client, memoryFile, 0);

    // 20 templates from the fixtures (APIM ones first), edited only after their "resources" key so that they stay templates
    const sources = fixtureFiles()
      .map((f) => fs.readFileSync(f, 'utf8'))
      .filter((s) => s.includes('deploymentTemplate.json') && s.indexOf('"resources"') > 0 && s.length < 6000)
      .sort((a, b) => Number(/apimanagement\/service/i.test(b)) - Number(/apimanagement\/service/i.test(a)));
    assert.ok(sources.length >= DOCS, `${sources.length} fixture templates`);
    const protectedUntil = new Map<string, number>();
    const openDocs = async (tag: string): Promise<string[]> => {
    const uris: string[] = [];
    for (let i = 0; i < DOCS; i++) {
      const uri = `file://${ws}/${tag}${i}.json`;
      uris.push(uri);
      protectedUntil.set(uri, sources[i].indexOf('"resources"') + 12);
      await client.open(uri, sources[i]);
    }
    return uris;
    };

    const r = rng(SEED);
    const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
    const requests: Promise<unknown>[] = [];
    let hovers = 0;
    let codeActions = 0;
    let errorsAnswered = 0;
    const track = (p: Promise<unknown>) =>
      requests.push(
        p.then(
          (v) => v,
          (e: unknown) => {
            // an error response is an answer; a dropped connection is not
            if (!(e instanceof ResponseError)) throw e;
            errorsAnswered++;
          },
        ),
      );

    let closedMidAnalysis = '';
    const runEdits = async (uris: string[], edits: number, specials: boolean): Promise<number> => {
    let sent = 0;
    while (sent < edits) {
      const notes: Promise<void>[] = [];
      for (let k = 0; k < BATCH && sent < edits; k++, sent++) {
        const uri = pick(uris);
        const doc = client.doc(uri);
        const text = doc.getText();
        const lo = protectedUntil.get(uri)!;
        const start = lo + Math.floor(r() * (text.length - lo + 1));
        const roll = r();
        let edit: TextEdit;
        if (roll < 0.02) {
          // restore the original tail now and then, so that documents do not decay into noise
          const src = sources[uris.indexOf(uri)];
          edit = { range: { start: doc.positionAt(lo), end: doc.positionAt(text.length) }, newText: src.slice(lo) };
        } else if (roll < 0.5) {
          edit = { range: { start: doc.positionAt(start), end: doc.positionAt(start) }, newText: pick(SNIPPETS) };
        } else {
          const end = Math.min(text.length, start + 1 + Math.floor(r() * 5));
          edit = { range: { start: doc.positionAt(start), end: doc.positionAt(end) }, newText: roll < 0.75 ? '' : pick(SNIPPETS) };
        }
        notes.push(client.edit(uri, [edit]).then(() => undefined));
      }
      await Promise.all(notes); // written to the pipe; diagnostics are not awaited
      // interleaved requests on the current versions
      for (let q = 0; q < 2; q++) {
        const uri = pick(uris);
        const doc = client.doc(uri);
        const pos = doc.positionAt(Math.floor(r() * doc.getText().length));
        hovers++;
        track(client.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: pos }));
        const diags = client.diagnostics.get(uri)?.diagnostics ?? [];
        const d = diags.length ? pick(diags) : undefined;
        codeActions++;
        track(
          client.conn.sendRequest(CodeActionRequest.type, {
            textDocument: { uri },
            range: d?.range ?? { start: pos, end: pos },
            context: { diagnostics: d ? [d] : [] },
          }),
        );
      }
      if (specials && sent === BATCH * 5) {
        // a cancelled request: answered with a result or a RequestCancelled error
        const cts = new CancellationTokenSource();
        const uri = uris[0];
        const p = client.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 999, character: 0 } }, context: { diagnostics: [], only: ['source.fixAll'] } }, cts.token);
        cts.cancel();
        track(p);
        // malformed requests: bad params, unknown method, wrong types
        track(client.conn.sendRequest('textDocument/hover', { bogus: true }));
        track(client.conn.sendRequest('textDocument/codeAction', null));
        track(client.conn.sendRequest('textDocument/hover', { textDocument: { uri: 42 }, position: { line: -1, character: 'x' } }));
        track(client.conn.sendRequest('apimVnet/noSuchMethod', {}));
        track(client.conn.sendRequest('apimVnet/fixAll', 42));
        // handlers that throw inside (params of the right shape at the top, wrong inside)
        track(client.conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: null, context: null }));
        // a message that is not JSON at all, straight onto the pipe
        const junk = '{"jsonrpc":"2.0","id":"junk","method":';
        client.child.stdin!.write(`Content-Length: ${Buffer.byteLength(junk)}\r\n\r\n${junk}`);
      }
      if (specials && sent === BATCH * 10) {
        // a large document closed while it is being analyzed
        closedMidAnalysis = `file://${ws}/big-closed.json`;
        const big = bigTemplate(400);
        await client.open(closedMidAnalysis, big);
        await client.replace(closedMidAnalysis, big + ' ');
        // a hover makes the server analyze the new version now; the close arrives behind it
        track(client.conn.sendRequest(HoverRequest.type, { textDocument: { uri: closedMidAnalysis }, position: { line: 40, character: 10 } }));
        track(client.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri: closedMidAnalysis }, range: { start: { line: 0, character: 0 }, end: { line: 50, character: 0 } }, context: { diagnostics: [] } }));
        await client.close(closedMidAnalysis);
        track(client.conn.sendRequest(HoverRequest.type, { textDocument: { uri: closedMidAnalysis }, position: { line: 40, character: 10 } }));
      }
    }
    return sent;
    };

    // warm-up phase (JIT, caches): 20 documents, 2,000 edits, closed again; its memory is the reference
    const warmUris = await openDocs('warm');
    const warmEdits = await runEdits(warmUris, Math.round(EDITS / 5), false);
    await Promise.all(requests);
    for (const uri of warmUris) await client.close(uri);
    for (const uri of warmUris) await client.waitForDiagnostics(uri, (d) => d.length === 0, `cleared ${uri}`, undefined, 30_000);
    const rssWarm = rssKb(pid);
    const memWarm = await memoryAfterGc(client, memoryFile, memStart?.seq ?? 0);

    const uris = await openDocs('doc');
    let sent = await runEdits(uris, EDITS - 2 * DOCS, true);
    // the last edits: every document's tail restored, then a few random edits, so that the final
    // texts are near real templates and the final comparison covers many findings
    for (const uri of uris) {
      const doc = client.doc(uri);
      const lo = protectedUntil.get(uri)!;
      await client.edit(uri, [{ range: { start: doc.positionAt(lo), end: doc.positionAt(doc.getText().length) }, newText: sources[uris.indexOf(uri)].slice(lo) }]);
      sent++;
    }
    sent += await runEdits(uris, DOCS, false);
    await Promise.all(requests);
    assert.equal(client.exitCode, undefined, `the server is still running; stderr: ${client.stderr.slice(-2000)}`);
    const rssPeak = rssKb(pid);

    // final diagnostics: published for the final version of every document, equal to a fresh analysis
    let compared = 0;
    let findingsCompared = 0;
    for (const uri of uris) {
      const doc = client.doc(uri);
      const got = await client.waitForDiagnostics(uri, () => true, `final diagnostics of ${uri} v${doc.version}`, doc.version, 60_000);
      const pub = client.diagnostics.get(uri)!;
      assert.equal(pub.version, doc.version, `${uri}: diagnostics for the final version`);
      const expected = expectedDiagnostics(uri, path.join(ws, path.basename(new URL(uri).pathname)), doc.getText());
      assert.deepEqual(got.map(shape).sort(order), expected, `${uri}: published diagnostics equal a fresh analysis of the final text`);
      compared++;
      findingsCompared += expected.length;
    }
    // the document closed mid-analysis ends with no diagnostics
    await client.waitFor(() => (client.diagnostics.get(closedMidAnalysis)?.diagnostics.length === 0 ? true : undefined), 'cleared diagnostics of the closed document', 30_000);
    // still answering after everything
    const after = await client.conn.sendRequest(HoverRequest.type, { textDocument: { uri: uris[0] }, position: { line: 0, character: 0 } });
    assert.ok(after === null || typeof after === 'object');

    // close everything: diagnostics cleared, memory back near the start
    for (const uri of uris) await client.close(uri);
    for (const uri of uris) await client.waitForDiagnostics(uri, (d) => d.length === 0, `cleared ${uri}`, undefined, 30_000);
    // a round trip after the closes, so that the server has processed them
    await client.conn.sendRequest(HoverRequest.type, { textDocument: { uri: uris[0] }, position: { line: 0, character: 0 } }).catch(() => null);
    const rssEnd = rssKb(pid);
    const memEnd = await memoryAfterGc(client, memoryFile, memWarm?.seq ?? 0);
    const secs = ((performance.now() - t0) / 1000).toFixed(1);
    t.diagnostic(
      `lsp stress: ${sent} edits across ${DOCS} documents, ${hovers} hovers + ${codeActions} code actions + 1 cancelled + 6 malformed requests + 1 non-JSON message (${errorsAnswered} answered with an error response), ` +
        `${compared} documents / ${findingsCompared} diagnostics compared with a fresh analysis, in ${secs} s (after a warm-up of ${warmEdits} edits); VmRSS at start ${rssStart} kB, after the warm-up ${rssWarm} kB, peak ${rssPeak} kB, after closing ${rssEnd} kB; ` +
        `after a forced GC: heap used ${mb(memStart?.heapUsed)} at start, ${mb(memWarm?.heapUsed)} after the warm-up, ${mb(memEnd?.heapUsed)} after closing (RSS ${mb(memStart?.rss)} / ${mb(memWarm?.rss)} / ${mb(memEnd?.rss)})`,
    );
    assert.equal(errorsAnswered >= 3, true, 'the malformed requests got error responses');
    // a handler that threw was logged (window/logMessage) and answered, and the process stayed up
    assert.ok(client.logs.some((l) => /hover failed/.test(l)), `hover failure logged: ${client.logs.slice(-3).join(' | ')}`);
    assert.ok(client.logs.some((l) => /codeAction failed/.test(l)), `codeAction failure logged: ${client.logs.slice(-3).join(' | ')}`);
    if (memStart && memEnd) {
      // after a full GC the heap is back near where it started: nothing of the 20 documents and their analyses is retained
      assert.ok(memEnd.heapUsed < memStart.heapUsed + 16 * 1048576, `heap used after closing ${mb(memEnd.heapUsed)} vs ${mb(memStart.heapUsed)} at start`);
    }
    if (rssWarm !== undefined && rssEnd !== undefined) {
      // without a forced GC, V8 keeps the heap it grew to until a major GC: a loose bound against
      // the memory after a warm-up cycle (five times the work); the heap check above is the strict one
      assert.ok(rssEnd < rssWarm + 96 * 1024, `VmRSS after closing ${rssEnd} kB vs ${rssWarm} kB after the warm-up (start ${rssStart} kB)`);
    } else t.diagnostic('VmRSS not measurable here (/proc absent): memory check skipped');
    assert.equal(await client.shutdown(), 0);
  } finally {
    client.kill();
    fs.rmSync(ws, { recursive: true, force: true });
    fs.rmSync(memoryFile, { force: true });
  }
});

function bigTemplate(rules: number): string {
  const securityRules = Array.from({ length: rules }, (_, i) => ({
    name: `r${i}`,
    properties: { priority: 100 + i, direction: i % 2 ? 'Inbound' : 'Outbound', access: i % 3 ? 'Allow' : 'Deny', protocol: 'Tcp', sourceAddressPrefix: `10.${i % 250}.0.0/16`, sourcePortRange: '*', destinationAddressPrefix: 'VirtualNetwork', destinationPortRange: String(1000 + i) },
  }));
  return JSON.stringify(
    {
      $schema: SCHEMA,
      contentVersion: '1.0.0.0',
      resources: [
        { type: 'Microsoft.Network/networkSecurityGroups', apiVersion: '2023-04-01', name: 'nsg', location: 'westeurope', properties: { securityRules } },
        { type: 'Microsoft.Network/virtualNetworks', apiVersion: '2023-04-01', name: 'vnet', location: 'westeurope', properties: { addressSpace: { addressPrefixes: ['10.0.0.0/16'] }, subnets: [{ name: 'apim', properties: { addressPrefix: '10.0.0.0/27', networkSecurityGroup: { id: "[resourceId('Microsoft.Network/networkSecurityGroups', 'nsg')]" } } }] } },
        { type: 'Microsoft.ApiManagement/service', apiVersion: '2022-08-01', name: 'apim', location: 'westeurope', sku: { name: 'Developer', capacity: 1 }, properties: { virtualNetworkType: 'Internal', virtualNetworkConfiguration: { subnetResourceId: "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'apim')]" } } },
      ],
    },
    null,
    2,
  );
}

test('language server: a 50 MB document gets a file-skipped diagnostic that says why; the server keeps answering', { timeout: 120_000 }, async () => {
  const ws = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'apim-big-')));
  const client = LspClient.start();
  try {
    client.settings = { debounceMs: 10 };
    await client.initialize({ rootUri: 'file://' + ws });
    const uri = `file://${ws}/big.json`;
    const text = bigTemplate(3).replace('"contentVersion"', `"pad": "${'x'.repeat(50 * 1024 * 1024)}", "contentVersion"`);
    await client.open(uri, text);
    const diags = await client.waitForDiagnostics(uri, (d) => d.length > 0, 'file-skipped diagnostic', undefined, 60_000);
    assert.deepEqual(diags.map((d) => d.code), ['file-skipped']);
    assert.match(diags[0].message, new RegExp(`${Buffer.byteLength(text)} bytes.*20971520 bytes`));
    // configurable: a lower apimVnet.maxFileSize skips a small template too
    const small = `file://${ws}/small.json`;
    await client.changeSettings({ debounceMs: 10, maxFileSize: 1000 });
    await client.open(small, bigTemplate(3));
    const d2 = await client.waitForDiagnostics(small, (d) => d.some((x) => x.code === 'file-skipped'), 'file-skipped with maxFileSize 1000', undefined, 30_000);
    assert.match(d2.find((x) => x.code === 'file-skipped')!.message, /1000 bytes/);
    assert.equal(await client.shutdown(), 0);
  } finally {
    client.kill();
    fs.rmSync(ws, { recursive: true, force: true });
  }
});

test('language server: Analyze Workspace over symlink loops and a symlink leading outside ends, each template once, nothing outside read', { timeout: 60_000 }, async () => {
  const top = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'apim-wsloop-')));
  const ws = path.join(top, 'ws');
  const outside = path.join(top, 'outside');
  fs.mkdirSync(path.join(ws, 'a'), { recursive: true });
  fs.mkdirSync(path.join(ws, 'b'), { recursive: true });
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(ws, 'a', 't.json'), bigTemplate(2));
  fs.writeFileSync(path.join(ws, 'b', 'u.json'), bigTemplate(3));
  fs.writeFileSync(path.join(outside, 'secret.json'), bigTemplate(1));
  fs.symlinkSync(ws, path.join(ws, 'a', 'to-root'));
  fs.symlinkSync(path.join(ws, 'b'), path.join(ws, 'b', 'self'));
  fs.symlinkSync(path.join(ws, 'y'), path.join(ws, 'x'));
  fs.symlinkSync(path.join(ws, 'x'), path.join(ws, 'y'));
  fs.symlinkSync(outside, path.join(ws, 'out'));
  const client = LspClient.start();
  try {
    client.settings = { debounceMs: 10 };
    const uri = 'file://' + ws;
    await client.initialize({ rootUri: uri, workspaceFolders: [{ uri, name: 'ws' }] });
    const r = (await client.conn.sendRequest('apimVnet/analyzeWorkspace', {})) as { files: number; scanned: number };
    assert.equal(r.files, 2, `two templates: ${JSON.stringify(r)}`);
    await client.conn.sendRequest('apimVnet/rules', null);
    const published = [...client.diagnostics.keys()];
    assert.ok(!published.some((u) => u.includes('/outside/') || u.includes('/out/') || u.includes('to-root') || u.includes('/self/')), `each template once, nothing outside: ${published.join(', ')}`);
    assert.equal(await client.shutdown(), 0);
  } finally {
    client.kill();
    fs.rmSync(top, { recursive: true, force: true });
  }
});

test('language server: a template nested 100,000 levels deep gets a file-skipped diagnostic; hover, code actions, fix-all and the report still answer', { timeout: 60_000 }, async () => {
  const client = LspClient.start();
  try {
    client.settings = { debounceMs: 10 };
    await client.initialize({});
    const N = 100_000;
    const text = `{"$schema":"${SCHEMA}","resources":[{"type":"Microsoft.ApiManagement/service","properties":${'{"a":'.repeat(N)}1${'}'.repeat(N)}}]}`;
    const uri = 'untitled:deep.json';
    await client.open(uri, text);
    const diags = await client.waitForDiagnostics(uri, (d) => d.length > 0, 'file-skipped for the deep document', undefined, 30_000);
    assert.deepEqual(diags.map((d) => d.code), ['file-skipped']);
    assert.match(diags[0].message, /nested deeper than \d+ levels/);
    const hover = await client.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: 300 } });
    assert.equal(hover, null);
    const actions = await client.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 5000 } }, context: { diagnostics: diags } });
    assert.ok(Array.isArray(actions));
    await client.conn.sendRequest('apimVnet/fixAll', { uri });
    const report = await client.conn.sendRequest('apimVnet/networkReport', { uri });
    assert.match(String(report), /file-skipped/);
    assert.equal(client.exitCode, undefined, 'still running');
    assert.equal(await client.shutdown(), 0);
  } finally {
    client.kill();
  }
});
