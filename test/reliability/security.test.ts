/**
 * Security (issue 7): the analyzer reads only the files it is given and the linked / parameter
 * files they name; it never executes template content or opens a network connection. Checked
 * in child processes under a --require preload that records file reads and refuses (and
 * records) sockets, http(s) requests and DNS lookups. The extension declares untrusted-workspace
 * support.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT } from './common';
import { SCHEMA } from './generators';
import { pathToFileURL } from 'url';
import { GUARD, apim, runGuarded } from './guard';
import { LspClient } from '../lsp/harness';

const RUNNER = path.join(__dirname, 'security-runner.js');

function deployment(name: string, link: Record<string, unknown>, params?: Record<string, unknown>) {
  return { type: 'Microsoft.Resources/deployments', apiVersion: '2022-09-01', name, properties: { mode: 'Incremental', templateLink: link, ...(params ? { parametersLink: params } : {}) } };
}

const URLS = ['https://example.com/templates/network.json', 'http://169.254.169.254/metadata/instance?api-version=2021-02-01', 'file:///etc/passwd', '//attacker.example/x.json'];

function hostileTemplate(): string {
  const t = JSON.parse(apim([
    deployment('remote', { uri: URLS[0] }, { uri: 'https://example.com/params.json' }),
    deployment('imds', { uri: URLS[1] }),
    deployment('file-uri', { uri: URLS[2] }),
    deployment('protocol-relative', { uri: URLS[3] }),
    deployment('by-expression', { uri: "[concat('https://', 'example.com/', 'x.json')]" }),
    deployment('local', { relativePath: 'modules/local.json' }),
  ])) as { resources: { properties: Record<string, unknown> }[]; variables?: unknown };
  // content that would do something if it were ever executed
  t.variables = {
    code: "[json('{\"a\": \"require(\\'child_process\\').execSync(\\'touch /tmp/pwned\\')\"}')]",
    fn: 'function () { process.exit(3) }',
    proto: { __proto__: { polluted: true }, constructor: { prototype: { polluted: true } } },
  };
  return JSON.stringify(t, null, 2);
}

test('a templateLink.uri pointing at a URL is reported as unverifiable and no socket, HTTP request or DNS lookup is made', async () => {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'apim-sec-')));
  const main = path.join(dir, 'main.json');
  fs.writeFileSync(main, hostileTemplate());
  fs.mkdirSync(path.join(dir, 'modules'));
  fs.writeFileSync(path.join(dir, 'modules', 'local.json'), JSON.stringify({ $schema: SCHEMA, contentVersion: '1.0.0.0', resources: [] }));
  const r = await runGuarded(RUNNER, [main], dir, 30_000);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.net, [], 'no network use');
  const out = JSON.parse(r.stdout) as { findings: { ruleId: string; message: string }[]; readRequests: string[]; diagnostics: string[] };
  assert.ok(!out.findings.some((f) => f.ruleId === 'internal-error'), 'no internal error');
  // only the local link was requested from readFile; no URL was handed to it
  assert.deepEqual(out.readRequests.map((p) => path.relative(dir, path.resolve(dir, p))), ['modules/local.json'].map((p) => p.split('/').join(path.sep)));
  // the remote links are reported (a finding or a template diagnostic surfaced as a finding)
  const notes = out.findings.filter((f) => f.ruleId === 'unverifiable-network').map((f) => f.message).join('\n');
  assert.match(notes, /example\.com|URI|uri|not read|cannot be read|linked/i, `unverifiable-network notes for the URL links:\n${notes}\nfindings: ${JSON.stringify(out.findings.map((f) => f.ruleId))}`);
  // the process read only its own code, the template and the local linked file: nothing else in the folder, nothing under /etc
  const dataReads = r.reads.filter((p) => !p.startsWith(REPO_ROOT) && !p.startsWith('fd:') && !p.startsWith('node:'));
  assert.deepEqual([...new Set(dataReads)].sort(), [main, path.join(dir, 'modules', 'local.json')].sort(), 'reads outside the code');
  assert.ok(!fs.existsSync('/tmp/pwned'), 'template content never executed');
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the CLI on a template with URL links makes no network call and names the unverifiable links', async () => {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'apim-sec-')));
  fs.writeFileSync(path.join(dir, 'main.json'), hostileTemplate());
  const r = await runGuarded(path.join(REPO_ROOT, 'bin', 'apim-vnet-lint.js'), ['--format', 'json', 'main.json'], dir, 60_000);
  assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}: ${r.stderr}`);
  assert.deepEqual(r.net, [], 'no network use');
  const report = JSON.parse(r.stdout) as { files: { findings: { ruleId: string }[] }[] };
  const ids = report.files.flatMap((f) => f.findings.map((x) => x.ruleId));
  assert.ok(ids.includes('unverifiable-network'), `unverifiable-network reported: ${ids.join(', ')}`);
  assert.ok(!r.reads.some((p) => p.startsWith('/etc')), 'file:///etc/passwd never read');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the extension declares untrusted-workspace support (it only reads files) and no virtual-workspace support', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
    capabilities?: { untrustedWorkspaces?: { supported?: unknown; description?: unknown }; virtualWorkspaces?: unknown };
  };
  assert.equal(pkg.capabilities?.untrustedWorkspaces?.supported, true);
  assert.match(String(pkg.capabilities?.untrustedWorkspaces?.description), /read|never run|execute/i);
  assert.equal(pkg.capabilities?.virtualWorkspaces, false);
});

test('language server: a linked template outside the workspace folder (relative ../, absolute, symlink) is never read; its network use is none', { timeout: 60_000 }, async () => {
  const top = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'apim-lsp-sec-')));
  const ws = path.join(top, 'ws');
  const outside = path.join(top, 'outside');
  fs.mkdirSync(ws);
  fs.mkdirSync(outside);
  const secret = path.join(outside, 'secret.json');
  fs.writeFileSync(secret, apim());
  fs.symlinkSync(secret, path.join(ws, 'inside-link.json'));
  fs.mkdirSync(path.join(ws, 'modules'));
  fs.writeFileSync(path.join(ws, 'modules', 'ok.json'), JSON.stringify({ $schema: SCHEMA, contentVersion: '1.0.0.0', resources: [] }));
  const logFile = path.join(top, 'guard.log');
  const saved = { opts: process.env.NODE_OPTIONS, log: process.env.RELIABILITY_GUARD_LOG };
  process.env.NODE_OPTIONS = `${saved.opts ?? ''} --require ${GUARD}`.trim();
  process.env.RELIABILITY_GUARD_LOG = logFile;
  let client: LspClient;
  try {
    client = LspClient.start();
  } finally {
    if (saved.opts === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = saved.opts;
    if (saved.log === undefined) delete process.env.RELIABILITY_GUARD_LOG;
    else process.env.RELIABILITY_GUARD_LOG = saved.log;
  }
  try {
    client.settings = { debounceMs: 10 };
    const wsUri = pathToFileURL(ws).href;
    await client.initialize({ rootUri: wsUri, workspaceFolders: [{ uri: wsUri, name: 'ws' }] });
    const t = JSON.parse(apim([deployment('up', { relativePath: '../outside/secret.json' }), deployment('abs', { relativePath: secret }), deployment('link', { relativePath: 'inside-link.json' }), deployment('ok', { relativePath: 'modules/ok.json' })]));
    const uri = pathToFileURL(path.join(ws, 'main.json')).href;
    await client.open(uri, JSON.stringify(t, null, 2));
    const diags = await client.waitForDiagnostics(uri, (d) => d.length > 0, 'diagnostics of main.json', undefined, 30_000);
    await client.conn.sendRequest('apimVnet/rules', null); // a round trip: everything published
    assert.ok(diags.some((d) => d.code === 'unverifiable-network'), 'the unread links are reported as unverifiable');
    assert.ok(![...client.diagnostics.keys()].some((u) => u.includes('outside') || u.includes('inside-link')), `no diagnostics published on outside files: ${[...client.diagnostics.keys()].join(', ')}`);
    assert.equal(await client.shutdown(), 0);
    const log = fs.readFileSync(logFile, 'utf8').split('\n');
    assert.ok(log.includes('guard installed'));
    assert.deepEqual(log.filter((l) => l.includes(outside)), [], 'nothing outside the workspace folder read or opened');
    assert.ok(log.some((l) => l === `read ${path.join(ws, 'modules', 'ok.json')}`), 'the linked template inside the workspace is read');
    assert.deepEqual(log.filter((l) => l.startsWith('net ')), [], 'no network use');
  } finally {
    client.kill();
    fs.rmSync(top, { recursive: true, force: true });
  }
});
