import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs } from '../../server/src/cli/args';

test('defaults and every option, both --opt value and --opt=value', () => {
  const r = parseArgs([
    '--format=sarif', '--output', 'o.sarif', '--platform', 'stv1', '--parameters=p.json', '--rule', 'missing-nsg=off',
    '--rule=custom-dns=error', '--config', 'c.json', '--fix', '--explain', '--max-warnings', '3', '--quiet', 'a', 'b',
  ]);
  assert.ok(r.ok);
  assert.deepEqual(r.options, {
    format: 'sarif', output: 'o.sarif', platform: 'stv1', parameters: 'p.json', rules: { 'missing-nsg': 'off', 'custom-dns': 'error' },
    config: 'c.json', fix: true, explain: true, maxWarnings: 3, quiet: true, version: false, help: false, paths: ['a', 'b'],
  });
  const d = parseArgs(['x']);
  assert.ok(d.ok);
  assert.equal(d.options.format, 'text');
  assert.equal(d.options.maxWarnings, undefined);
});

test('-- ends options; --help/--version need no paths; pseudo-rule ids are accepted', () => {
  const r = parseArgs(['--', '--weird-name.json']);
  assert.ok(r.ok);
  assert.deepEqual(r.options.paths, ['--weird-name.json']);
  assert.ok(parseArgs(['--help']).ok);
  assert.ok(parseArgs(['--version']).ok);
  assert.ok(parseArgs(['--rule', 'invalid-json=warning', 'x']).ok);
  assert.ok(parseArgs(['--max-warnings', '0', 'x']).ok);
});

test('usage errors', () => {
  const bad: [string[], RegExp][] = [
    [[], /no file or directory given/],
    [['--nope', 'x'], /unknown option --nope/],
    [['-z', 'x'], /unknown option -z/],
    [['--format', 'xml', 'x'], /--format must be one of/],
    [['--format', 'json', '--format', 'text', 'x'], /given more than once/],
    [['--platform', 'v3', 'x'], /--platform must be one of/],
    [['--rule', 'x=error', 'y'], /unknown rule id "x"/],
    [['--rule', 'missing-nsg=loud', 'y'], /severity must be/],
    [['--rule', 'missing-nsg', 'y'], /--rule needs <id>=/],
    [['--max-warnings', '-1', 'x'], /non-negative integer/],
    [['--max-warnings', '1.5', 'x'], /non-negative integer/],
    [['--output'], /needs a value/],
    [['--output=', 'x'], /needs a file name/],
    [['--fix=1', 'x'], /takes no value/],
  ];
  for (const [args, re] of bad) {
    const r = parseArgs(args);
    assert.ok(!r.ok, args.join(' '));
    assert.match(r.error, re, args.join(' '));
  }
});
