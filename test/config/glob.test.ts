import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchGlob, globToRegExp, matchAny } from '../../server/src/config/glob';

test('* matches within one segment, base-name patterns match at any depth', () => {
  assert.equal(matchGlob('*.json', 'main.json'), true);
  assert.equal(matchGlob('*.json', 'a/b/main.json'), true);
  assert.equal(matchGlob('*.json', 'main.jsonc'), false);
  assert.equal(matchGlob('a/*.json', 'a/main.json'), true);
  assert.equal(matchGlob('a/*.json', 'a/b/main.json'), false);
});

test('** spans zero or more segments', () => {
  assert.equal(matchGlob('**/main.json', 'main.json'), true);
  assert.equal(matchGlob('**/main.json', 'x/y/main.json'), true);
  assert.equal(matchGlob('a/**/b.json', 'a/b.json'), true);
  assert.equal(matchGlob('a/**/b.json', 'a/x/y/b.json'), true);
  assert.equal(matchGlob('a/**', 'a/x/y/b.json'), true);
  assert.equal(matchGlob('a/**', 'b/a/x.json'), false);
});

test('? and {a,b} (nested, with wildcards)', () => {
  assert.equal(matchGlob('t?.json', 't1.json'), true);
  assert.equal(matchGlob('t?.json', 't12.json'), false);
  assert.equal(matchGlob('t?.json', 't/.json'), false);
  assert.equal(matchGlob('*.{json,jsonc}', 'x/a.jsonc'), true);
  assert.equal(matchGlob('{gen,out/{a,b}}/*.json', 'out/b/x.json'), true);
  assert.equal(matchGlob('{gen,out/{a,b}}/*.json', 'out/c/x.json'), false);
  assert.equal(matchGlob('{gen*,tmp}/x.json', 'generated/x.json'), true);
});

test('a folder match covers everything below it; trailing slash means folder only', () => {
  assert.equal(matchGlob('generated', 'generated/deep/t.json'), true);
  assert.equal(matchGlob('build/', 'build/t.json'), true);
  assert.equal(matchGlob('build/', 'build'), false);
});

test('special characters are literal; escapes; paths outside the base never match', () => {
  assert.equal(matchGlob('a.b(1)+[x].json', 'a.b(1)+[x].json'), true);
  assert.equal(matchGlob('a.b.json', 'aXb.json'), false);
  assert.equal(matchGlob('\\*.json', '*.json'), true);
  assert.equal(matchGlob('\\*.json', 'x.json'), false);
  assert.equal(matchGlob('**', '../x.json'), false);
  assert.equal(matchGlob('./sub/*.json', 'sub/x.json'), true);
  assert.equal(matchGlob('/sub/*.json', 'sub/x.json'), true);
  assert.equal(matchGlob('*.json', 'sub\\x.json'), true, 'backslash paths are normalized');
  assert.equal(matchAny(['a', 'b/*.json'], 'b/c.json'), true);
  assert.equal(matchAny(undefined, 'b/c.json'), false);
  assert.ok(globToRegExp('*.json') instanceof RegExp);
  assert.equal(matchGlob('{unclosed', '{unclosed'), true);
  assert.equal(matchGlob('Main.json', 'main.json', true), true);
  assert.equal(matchGlob('Main.json', 'main.json'), false);
});
