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
import { apim, runGuarded } from './guard';

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
