import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { discover, TextStore, isInside, writeAtomic, readText } from '../../server/src/cli/files';
import { tempDir, write } from './helpers';

test('discover: sorted, recursive, skips node_modules/.git, loops and links outside the root; explicit files', () => {
  const dir = tempDir();
  const outside = tempDir('apim-out-');
  write(outside, 'x.json', '{}');
  write(dir, 'b/t.json', '{}');
  write(dir, 'a/t.jsonc', '{}');
  write(dir, 'a/t.txt', '');
  write(dir, 'node_modules/p/t.json', '{}');
  write(dir, '.git/t.json', '{}');
  write(dir, '.apim-vnet.json', '{}');
  write(dir, 'gen/t.json', '{}');
  fs.symlinkSync('..', path.join(dir, 'a', 'up'));
  fs.symlinkSync(path.join(dir, 'b'), path.join(dir, 'b-again'));
  fs.symlinkSync(outside, path.join(dir, 'out-link'));
  fs.symlinkSync(path.join(dir, 'nowhere'), path.join(dir, 'dangling.json'));
  const found = discover(['.', 'missing.json'], dir, (abs) => path.basename(abs) === 'gen');
  assert.deepEqual(found.candidates.map((c) => path.relative(dir, c.path)), ['a/t.jsonc', 'b/t.json']);
  assert.deepEqual(found.roots, [dir]);
  assert.equal(found.problems.length, 1);
  assert.match(found.problems[0].message, /no such file/);
  const explicit = discover([path.join(outside, 'x.json')], dir, () => false);
  assert.equal(explicit.candidates[0].explicit, true);
  assert.deepEqual(explicit.roots, [outside]);
});

test('TextStore: the analyzer may read inside the roots and the template folder, never outside or URLs', () => {
  const root = tempDir();
  const outside = tempDir('apim-out-');
  write(root, 'infra/main.json', '{"a":1}');
  write(root, 'shared/net.json', '\ufeff{"b":2}');
  write(outside, 'secret.json', '{"s":1}');
  fs.symlinkSync(path.join(outside, 'secret.json'), path.join(root, 'infra', 'link.json'));
  const store = new TextStore([root], 1000);
  const read = store.reader(path.join(root, 'infra'));
  assert.equal(read('../shared/net.json'), '{"b":2}', 'relative to the template, BOM removed');
  assert.equal(read(path.join(outside, 'secret.json')), undefined);
  assert.equal(read('link.json'), undefined, 'a symlink leading outside is not followed');
  assert.equal(read('https://example.com/t.json'), undefined);
  assert.equal(read('missing.json'), undefined);
  store.allowedFiles.add(path.join(outside, 'secret.json'));
  assert.equal(read(path.join(outside, 'secret.json')), '{"s":1}', 'explicitly allowed (--parameters)');
  const small = new TextStore([root], 3);
  assert.equal(small.reader(root)('infra/main.json'), undefined, 'over the size cap');
  assert.equal(isInside('/a/b', '/a'), true);
  assert.equal(isInside('/ab', '/a'), false);
});

test('writeAtomic keeps the mode, leaves no temp file; readText strips the BOM', () => {
  const dir = tempDir();
  const f = write(dir, 'x.json', '\ufeff{}');
  fs.chmodSync(f, 0o640);
  assert.deepEqual(readText(f), { text: '{}', bom: true });
  writeAtomic(f, '{"a":1}');
  assert.equal(fs.readFileSync(f, 'utf8'), '{"a":1}');
  assert.equal(fs.statSync(f).mode & 0o777, 0o640);
  assert.deepEqual(fs.readdirSync(dir), ['x.json']);
});
