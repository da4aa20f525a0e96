/**
 * The real CLI process: exit codes, options, formats, directory walking, --fix.
 * Findings assertions use rules with clear-cut verdicts (unsupported-sku for Basic + External,
 * custom-dns, missing-nsg), so they check the CLI plumbing, not rule details.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { runCli, tempDir, copyFixture, write, findingLines, noStackTrace, repoRoot, fixtures } from './helpers';
import { checkSarif, type Obj } from '../output/sarif-check';

const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };

// Each test works in its own temp folder, so they run concurrently (process start-up dominates).
describe('apim-vnet-lint CLI (real process)', { concurrency: 4 }, () => {
  test('--help and --version', async () => {
    const h = await runCli(['--help']);
    assert.equal(h.status, 0);
    assert.match(h.stdout, /^Usage: apim-vnet-lint \[options\] <file\|dir>\.\.\./);
    for (const opt of ['--format', '--output', '--platform', '--parameters', '--rule', '--config', '--fix', '--explain', '--max-warnings', '--quiet', '--version']) {
      assert.ok(h.stdout.includes(opt), opt);
    }
    const v = await runCli(['--version']);
    assert.equal(v.status, 0);
    assert.equal(v.stdout, `apim-vnet-lint ${pkg.version}\n`);
  });

  test('usage errors exit 2 with a message and no stack trace (all cases: args.test.ts)', async () => {
    const cases: [string[], RegExp][] = [
      [[], /no file or directory given/],
      [['--bogus', 'x'], /unknown option --bogus/],
      [['--rule', 'no-such-rule=error', 'x'], /unknown rule id "no-such-rule"/],
      [['--max-warnings', 'many', 'x'], /--max-warnings needs a non-negative integer/],
    ];
    const runs = await Promise.all(cases.map(([args]) => runCli(args)));
    for (const [i, [args, re]] of cases.entries()) {
      const r = runs[i];
      assert.equal(r.status, 2, args.join(' '));
      assert.match(r.stderr, re, args.join(' '));
      assert.ok(noStackTrace(r.stderr));
    }
  });

  test('unreadable path exits 2 and still reports the other paths', async () => {
    const dir = tempDir();
    copyFixture('clean.json', dir);
    const r = await runCli(['does-not-exist.json', 'clean.json'], dir);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /does-not-exist\.json: cannot read: no such file or directory/);
    assert.match(r.stdout, /\(1 file scanned\)/);
  });

  test('clean template: exit 0; Basic + External: exit 1 with an unsupported-sku error line', async () => {
    const dir = tempDir();
    copyFixture('clean.json', dir);
    copyFixture('basic-external.json', dir);
    const ok = await runCli(['clean.json'], dir);
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    assert.equal(ok.stdout, '0 errors, 0 warnings, 0 info in 0 files (1 file scanned)\n');
    const bad = await runCli(['basic-external.json'], dir);
    assert.equal(bad.status, 1, bad.stdout + bad.stderr);
    const lines = findingLines(bad.stdout);
    const sku = lines.find((l) => l.ruleId === 'unsupported-sku');
    assert.ok(sku, bad.stdout);
    assert.equal(sku.path, 'basic-external.json');
    assert.equal(sku.severity, 'error');
    const text = fs.readFileSync(path.join(dir, 'basic-external.json'), 'utf8');
    const skuLine = text.split('\n').findIndex((l) => l.includes('"Basic"')) + 1;
    assert.equal(sku.line, skuLine);
    assert.match(bad.stdout.trim().split('\n').pop() ?? '', /^1 error, 0 warnings, 0 info in 1 file \(1 file scanned\)$/);
  });

  test('invalid JSON: invalid-json finding at the first syntax error, exit 2, no stack trace', async () => {
    const r = await runCli([path.join(fixtures, 'broken.json')], fixtures);
    assert.equal(r.status, 2);
    const text = fs.readFileSync(path.join(fixtures, 'broken.json'), 'utf8');
    const off = text.indexOf('"name": "vnet"');
    const before = text.slice(0, off).split('\n');
    const f = findingLines(r.stdout).find((l) => l.ruleId === 'invalid-json');
    assert.ok(f, r.stdout);
    assert.equal(f.path, 'broken.json');
    assert.deepEqual([f.line, f.column], [before.length, before[before.length - 1].length + 1]);
    assert.ok(noStackTrace(r.stdout + r.stderr));
  });

  test('directory recursion: skips node_modules, .git, parameter files, non-templates, symlink loops and links leaving the root', async () => {
    const dir = tempDir();
    const outside = tempDir('apim-outside-');
    copyFixture('basic-external.json', outside, 'outside.json');
    copyFixture('clean.json', dir, 'infra/a/main.json');
    copyFixture('basic-external.json', dir, 'infra/b/basic.json');
    copyFixture('basic-external.parameters.json', dir, 'infra/b/basic.parameters.json');
    copyFixture('basic-external.json', dir, 'infra/node_modules/pkg/t.json');
    copyFixture('basic-external.json', dir, 'infra/.git/t.json');
    copyFixture('not-a-template.json', dir, 'infra/package.json');
    copyFixture('custom-dns.json', dir, 'infra/c/dns.jsonc');
    write(dir, 'infra/readme.txt', 'not json');
    fs.symlinkSync('..', path.join(dir, 'infra', 'a', 'loop'));
    fs.symlinkSync(outside, path.join(dir, 'infra', 'escape'));
    fs.symlinkSync(path.join(outside, 'outside.json'), path.join(dir, 'infra', 'escape.json'));
    const r = await runCli(['--format', 'json', 'infra'], dir);
    assert.equal(r.status, 1, r.stderr);
    const j = JSON.parse(r.stdout) as { files: { path: string; kind: string; parametersFile?: string; findings: { ruleId: string }[] }[]; summary: Obj };
    assert.deepEqual(j.files.map((f) => f.path), ['infra/a/main.json', 'infra/b/basic.json', 'infra/c/dns.jsonc']);
    assert.equal(j.files[1].parametersFile, 'infra/b/basic.parameters.json');
    assert.ok(j.files[1].findings.some((f) => f.ruleId === 'unsupported-sku'));
    assert.ok(j.files[2].findings.some((f) => f.ruleId === 'custom-dns'));
    // main.json, basic.json, basic.parameters.json, package.json, dns.jsonc
    assert.equal(j.summary.filesScanned, 5);
  });

  test('--quiet reports errors only; --max-warnings turns warnings into exit 1', async () => {
    const dir = tempDir();
    copyFixture('custom-dns.json', dir);
    copyFixture('basic-external.json', dir);
    const all = await runCli(['.'], dir);
    assert.equal(all.status, 1);
    const kinds = new Set(findingLines(all.stdout).map((l) => l.severity));
    assert.ok(kinds.has('warning') && kinds.has('error'), all.stdout);
    const quiet = await runCli(['--quiet', '.'], dir);
    assert.equal(quiet.status, 1);
    assert.ok(findingLines(quiet.stdout).length > 0);
    assert.ok(findingLines(quiet.stdout).every((l) => l.severity === 'error'), quiet.stdout);
    assert.match(quiet.stdout, /0 warnings, 0 info/);

    const warnOnly = await runCli(['custom-dns.json'], dir);
    assert.equal(warnOnly.status, 0, warnOnly.stdout);
    assert.ok(findingLines(warnOnly.stdout).some((l) => l.ruleId === 'custom-dns' && l.severity === 'warning'));
    assert.equal((await runCli(['--max-warnings', '1', 'custom-dns.json'], dir)).status, 0);
    const over = await runCli(['--max-warnings', '0', 'custom-dns.json'], dir);
    assert.equal(over.status, 1);
    assert.match(over.stderr, /too many warnings: 1 \(--max-warnings 0\)/);
  });

  test('--rule overrides severities (and turns rules off)', async () => {
    const dir = tempDir();
    copyFixture('basic-external.json', dir);
    const warn = await runCli(['--rule', 'unsupported-sku=warning', 'basic-external.json'], dir);
    assert.equal(warn.status, 0, warn.stdout);
    assert.ok(findingLines(warn.stdout).some((l) => l.ruleId === 'unsupported-sku' && l.severity === 'warning'));
    const off = await runCli(['--rule=unsupported-sku=off', 'basic-external.json'], dir);
    assert.equal(off.status, 0);
    assert.equal(findingLines(off.stdout).filter((l) => l.ruleId === 'unsupported-sku').length, 0);
    copyFixture('custom-dns.json', dir);
    const up = await runCli(['--rule', 'custom-dns=error', 'custom-dns.json'], dir);
    assert.equal(up.status, 1);
  });

  test('.apim-vnet.json (nearest ancestor) and --config; invalid config exits 2 naming the file', async () => {
    const dir = tempDir();
    copyFixture('basic-external.json', dir, 'sub/basic-external.json');
    write(dir, '.apim-vnet.json', '{ "rules": { "unsupported-sku": "info" } }');
    const viaAncestor = await runCli(['sub'], dir);
    assert.equal(viaAncestor.status, 0, viaAncestor.stdout + viaAncestor.stderr);
    assert.ok(findingLines(viaAncestor.stdout).some((l) => l.ruleId === 'unsupported-sku' && l.severity === 'info'));
    // A nearer config wins.
    write(dir, 'sub/.apim-vnet.json', '{ "rules": { "unsupported-sku": "error" } }');
    assert.equal((await runCli(['sub'], dir)).status, 1);
    // --config replaces the nearest one; CLI --rule still wins over it.
    write(dir, 'other.json', '{ "rules": { "unsupported-sku": "off" } }');
    const viaFlag = await runCli(['--config', 'other.json', 'sub'], dir);
    assert.equal(viaFlag.status, 0);
    assert.equal(findingLines(viaFlag.stdout).length, 0);
    assert.equal((await runCli(['--config', 'other.json', '--rule', 'unsupported-sku=error', 'sub'], dir)).status, 1);
    // ignore globs
    write(dir, 'sub/.apim-vnet.json', '{ "ignore": ["basic-*.json"] }');
    const ign = await runCli(['sub'], dir);
    assert.equal(ign.status, 0);
    assert.match(ign.stdout, /\(0 files scanned\)/);
    // invalid config
    write(dir, 'sub/.apim-vnet.json', '{ "platform": "stv3" }');
    const bad = await runCli(['sub'], dir);
    assert.equal(bad.status, 2);
    assert.ok(bad.stderr.includes(path.join(dir, 'sub', '.apim-vnet.json') + ':1:15'), bad.stderr);
    assert.match(bad.stderr, /"platform" must be one of/);
    assert.equal((await runCli(['sub/basic-external.json'], dir)).status, 2, 'also for a file named on the command line');
    assert.equal((await runCli(['--config', 'missing.json', 'sub'], dir)).status, 2);
  });

  test('--platform: missing-nsg is an stv2 rule, off under stv1', async () => {
    const dir = tempDir();
    copyFixture('no-nsg.json', dir);
    const v2 = await runCli(['--platform', 'stv2', 'no-nsg.json'], dir);
    assert.ok(findingLines(v2.stdout).some((l) => l.ruleId === 'missing-nsg'), v2.stdout);
    assert.equal(v2.status, 1);
    const v1 = await runCli(['--platform', 'stv1', 'no-nsg.json'], dir);
    assert.equal(findingLines(v1.stdout).filter((l) => l.ruleId === 'missing-nsg').length, 0, v1.stdout);
  });

  test('--format sarif (valid SARIF 2.1.0) and --output FILE', async () => {
    const dir = tempDir();
    copyFixture('basic-external.json', dir, 'infra/basic-external.json');
    const r = await runCli(['--format', 'sarif', '--output', 'out/report.sarif', 'infra'], dir);
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stdout, '');
    const log = JSON.parse(fs.readFileSync(path.join(dir, 'out', 'report.sarif'), 'utf8'));
    const run = checkSarif(log);
    assert.equal(((run.tool as Obj).driver as Obj).version, pkg.version);
    const res = (run.results as Obj[]).find((x) => x.ruleId === 'unsupported-sku');
    assert.ok(res);
    const al = ((res.locations as Obj[])[0].physicalLocation as Obj).artifactLocation as Obj;
    assert.deepEqual(al, { uri: 'infra/basic-external.json', uriBaseId: '%SRCROOT%' });
    assert.ok(Array.isArray(res.fixes) && res.fixes.length >= 1, 'the sku finding carries SARIF fixes');
  });

  test('--format sarif: a template outside the working directory still gets a uri relative to it', async () => {
    const dir = tempDir();
    copyFixture('basic-external.json', dir, 'infra/basic-external.json');
    fs.mkdirSync(path.join(dir, 'work'));
    const r = await runCli(['--format', 'sarif', '../infra/basic-external.json'], path.join(dir, 'work'));
    assert.equal(r.status, 1, r.stderr);
    const run = checkSarif(JSON.parse(r.stdout));
    const res = (run.results as Obj[]).find((x) => x.ruleId === 'unsupported-sku');
    assert.ok(res);
    const al = ((res.locations as Obj[])[0].physicalLocation as Obj).artifactLocation as Obj;
    assert.deepEqual(al, { uri: '../infra/basic-external.json', uriBaseId: '%SRCROOT%' });
    const base = ((run.originalUriBaseIds as Obj)['%SRCROOT%'] as Obj).uri as string;
    assert.equal(new URL(al.uri as string, base).href, pathToFileURL(path.join(dir, 'infra', 'basic-external.json')).href);
  });

  test('--format json to stdout: documented shape, paths relative to the cwd', async () => {
    const dir = tempDir();
    copyFixture('basic-external.json', dir);
    const r = await runCli(['--format', 'json', 'basic-external.json'], dir);
    assert.equal(r.status, 1);
    const j = JSON.parse(r.stdout);
    assert.equal(j.version, pkg.version);
    assert.equal(j.files[0].path, 'basic-external.json');
    assert.equal(j.files[0].kind, 'template');
    const f = j.files[0].findings.find((x: Obj) => x.ruleId === 'unsupported-sku');
    for (const k of ['severity', 'message', 'line', 'column', 'endLine', 'endColumn', 'related', 'fixes']) assert.ok(k in f, k);
    assert.equal(j.summary.errors >= 1, true);
  });

  test('--parameters: applies to a single template, usage error for several, exit 2 when unreadable', async () => {
    const dir = tempDir();
    copyFixture('basic-external.json', dir, 'one/t.json');
    copyFixture('basic-external.parameters.json', dir, 'p.json');
    const ok = await runCli(['--format', 'json', '--parameters', 'p.json', 'one'], dir);
    assert.equal(JSON.parse(ok.stdout).files[0].parametersFile, 'p.json');
    assert.equal((await runCli(['--parameters', 'nope.json', 'one'], dir)).status, 2);
    copyFixture('clean.json', dir, 'one/u.json');
    const many = await runCli(['--parameters', 'p.json', 'one'], dir);
    assert.equal(many.status, 2);
    assert.match(many.stderr, /--parameters applies to a single template/);
  });

  test('files over maxFileSize get a file-skipped finding and are not parsed', async () => {
    const dir = tempDir();
    copyFixture('broken.json', dir);
    write(dir, '.apim-vnet.json', '{ "maxFileSize": 10 }');
    const r = await runCli(['broken.json'], dir);
    const f = findingLines(r.stdout);
    assert.deepEqual(f.map((x) => x.ruleId), ['file-skipped'], r.stdout);
    assert.equal(r.status, 0, 'not parsed, so no invalid-json');
  });

  test('--fix applies preferred fixes in place (atomically), a second run changes nothing', async () => {
    const dir = tempDir();
    const file = copyFixture('basic-external.json', dir);
    const dns = copyFixture('custom-dns.json', dir);
    const r = await runCli(['--fix', '.'], dir);
    assert.match(r.stdout, /fixed basic-external\.json: 1 fix applied \(unsupported-sku\)/);
    assert.match(r.stdout, /fixed custom-dns\.json: 1 fix applied \(custom-dns\)/);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const after = fs.readFileSync(file, 'utf8');
    assert.match(after, /"name": "Developer"/);
    assert.doesNotThrow(() => JSON.parse(after));
    assert.doesNotThrow(() => JSON.parse(fs.readFileSync(dns, 'utf8')));
    assert.deepEqual(fs.readdirSync(dir).filter((n) => n.endsWith('.tmp')), [], 'no temp files left');
    const snapshot = [fs.readFileSync(file, 'utf8'), fs.readFileSync(dns, 'utf8')];
    const again = await runCli(['--fix', '.'], dir);
    assert.equal(again.status, 0);
    assert.match(again.stdout, /no fixes applied/);
    assert.deepEqual([fs.readFileSync(file, 'utf8'), fs.readFileSync(dns, 'utf8')], snapshot);
  });

  test('suppression comments in a template are honoured', async () => {
    const dir = tempDir();
    const text = fs.readFileSync(path.join(fixtures, 'basic-external.json'), 'utf8').replace('"sku": {', '// apim-vnet-disable-next-line unsupported-sku\n      "sku": {');
    write(dir, 't.jsonc', text);
    const r = await runCli(['t.jsonc'], dir);
    assert.equal(r.status, 0, r.stdout);
    assert.equal(findingLines(r.stdout).filter((l) => l.ruleId === 'unsupported-sku').length, 0);
  });

  test('--explain prints the resolved chain and the requirement verdicts per template', async () => {
    const dir = tempDir();
    fs.copyFileSync(path.join(repoRoot, 'examples', 'external-premium-misconfigured.json'), path.join(dir, 'bad.json'));
    const r = await runCli(['--explain', 'bad.json'], dir);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /^== bad\.json ==\n/);
    assert.match(r.stdout, /APIM service /);
    assert.match(r.stdout, /NSG\s+nsg-apim {2}bad\.json:\d+:\d+/);
    assert.match(r.stdout, /blocked inbound\s+3443/i);
    assert.match(r.stdout, /by 'DenyInternetOutbound' \(priority 999\)/);
    // The findings and the summary still follow.
    assert.ok(findingLines(r.stdout).some((l) => l.ruleId === 'nsg-blocks-required-port'));
    // With a machine format the report goes to stderr, stdout stays parseable.
    const j = await runCli(['--explain', '--format', 'json', 'bad.json'], dir);
    assert.doesNotThrow(() => JSON.parse(j.stdout));
    assert.match(j.stderr, /== bad\.json ==/);
  });

  test('--fix converges over several rounds on the misconfigured example (rules appended to one array)', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'bad.json');
    fs.copyFileSync(path.join(repoRoot, 'examples', 'external-premium-misconfigured.json'), file);
    const r = await runCli(['--fix', 'bad.json'], dir);
    assert.match(r.stdout, /fixed bad\.json: \d+ fixes applied \(.*nsg-blocks-required-port.*\)/);
    assert.equal(findingLines(r.stdout).filter((l) => l.ruleId.startsWith('nsg-blocks')).length, 0, r.stdout);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const after = fs.readFileSync(file, 'utf8');
    assert.doesNotThrow(() => JSON.parse(after));
    const again = await runCli(['--fix', 'bad.json'], dir);
    assert.match(again.stdout, /no fixes applied/);
    assert.equal(fs.readFileSync(file, 'utf8'), after);
  });

  test('linked templates: findings go to the linked file; files outside the working directory / roots are never read', async () => {
    const dir = tempDir();
    copyFixture('basic-external.json', dir, 'shared/apim.json');
    write(dir, 'infra/main.json', JSON.stringify({
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      contentVersion: '1.0.0.0',
      resources: [{ type: 'Microsoft.Resources/deployments', apiVersion: '2022-09-01', name: 'apim', properties: { mode: 'Incremental', templateLink: { relativePath: '../shared/apim.json' } } }],
    }, null, 2));
    const r = await runCli(['infra/main.json'], dir);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    const f = findingLines(r.stdout).find((l) => l.ruleId === 'unsupported-sku');
    assert.equal(f?.path, 'shared/apim.json');
    // Run from infra/: ../shared is outside the working directory and the template's folder.
    const inner = await runCli(['main.json'], path.join(dir, 'infra'));
    assert.equal(findingLines(inner.stdout).filter((l) => l.ruleId === 'unsupported-sku').length, 0, inner.stdout);
  });

  test('bundled examples (npm run demo): each shows what it was written to show', async () => {
    const r = await runCli(['--format', 'json', 'examples'], repoRoot);
    assert.equal(r.status, 1);
    const j = JSON.parse(r.stdout) as { files: { path: string; findings: { ruleId: string; severity: string; message: string }[] }[] };
    const by = new Map(j.files.map((f) => [f.path, f.findings]));
    assert.deepEqual([...by.keys()], ['examples/basic-tier-vnet.json', 'examples/external-developer-correct.json', 'examples/external-premium-misconfigured.json']);
    assert.deepEqual(by.get('examples/external-developer-correct.json'), []);
    assert.deepEqual(by.get('examples/basic-tier-vnet.json')?.map((f) => `${f.ruleId}:${f.severity}`), ['unsupported-sku:error']);
    const bad = by.get('examples/external-premium-misconfigured.json') ?? [];
    const required = bad.filter((f) => f.ruleId === 'nsg-blocks-required-port');
    assert.ok(required.some((f) => /3443/.test(f.message)), 'management endpoint 3443 not allowed inbound');
    assert.ok(required.some((f) => /Storage/.test(f.message) && /999/.test(f.message)), 'Storage 443 blocked by the priority 999 deny');
    assert.ok(required.every((f) => f.severity === 'error'));
  });

  test('--fix keeps a UTF-8 BOM and CRLF line endings', async () => {
    const dir = tempDir();
    const file = path.join(dir, 't.json');
    const crlf = fs.readFileSync(path.join(fixtures, 'basic-external.json'), 'utf8').replace(/\n/g, '\r\n');
    fs.writeFileSync(file, '\ufeff' + crlf);
    const r = await runCli(['--fix', 't.json'], dir);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const after = fs.readFileSync(file, 'utf8');
    assert.equal(after.charCodeAt(0), 0xfeff);
    assert.equal(after.replace(/\r\n/g, '').includes('\n'), false, 'no bare LF introduced');
    assert.equal(after, '\ufeff' + crlf.replace('"name": "Basic"', '"name": "Developer"'));
  });
});

test('main() runs in-process with injected io (no process exit, no global state)', async () => {
  const { main } = await import('../../server/src/cli');
  const dir = tempDir();
  copyFixture('basic-external.json', dir);
  let out = '';
  let errOut = '';
  const status = main(['--format', 'json', 'basic-external.json'], { cwd: dir, stdout: (s) => (out += s), stderr: (s) => (errOut += s) });
  assert.equal(status, 1, errOut);
  const j = JSON.parse(out);
  assert.equal(j.files[0].path, 'basic-external.json');
  assert.equal(main(['--bogus'], { cwd: dir, stdout: () => undefined, stderr: (s) => (errOut += s) }), 2);
  assert.match(errOut, /unknown option --bogus/);
});
