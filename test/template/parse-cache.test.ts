/**
 * parseSource's cache: the same text parses once (the analyzer and the builder share the tree),
 * at most three texts are kept, and the trees of large earlier texts are not kept once a newer
 * text is parsed (a document of several MB typed into must not hold three versions' trees).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSource } from '../../server/src/template/parse';

const doc = (n: number) => `{"resources": [], "n": ${n}}`;

test('the same text is parsed once; the three most recent small texts stay cached', () => {
  const a = doc(1), b = doc(2), c = doc(3);
  const pa = parseSource('/a.json', a);
  const pb = parseSource('/b.json', b);
  const pc = parseSource('/c.json', c);
  assert.equal(parseSource('/a.json', a).root, pa.root, 'a is still cached');
  assert.equal(parseSource('/b.json', b).root, pb.root, 'b is still cached');
  assert.equal(parseSource('/c.json', c).root, pc.root, 'c is still cached');
  // a fourth text evicts the least recently used one (a was used before b and c)
  parseSource('/d.json', doc(4));
  assert.notEqual(parseSource('/a.json', a).root, pa.root, 'a was evicted and parsed again');
  // the same text under another file name shares the tree, with its own file name
  const other = parseSource('/elsewhere.json', c);
  assert.equal(other.root, pc.root);
  assert.equal(other.file, '/elsewhere.json');
});

test('a large text keeps no earlier text cached beside it, and is itself dropped once a newer one comes', () => {
  const small = doc(10);
  const ps = parseSource('/s.json', small);
  assert.equal(parseSource('/s.json', small).root, ps.root);
  // 5 Mi chars of valid JSON: over the cache's 4 Mi chars by itself
  const big = '[' + '1,'.repeat(2.5 * 1024 * 1024) + '1]';
  const pbig = parseSource('/big.json', big);
  assert.ok(pbig.root && pbig.root.type === 'array', 'the large text parses');
  assert.equal(parseSource('/big.json', big).root, pbig.root, 'the newest text is always kept, whatever its size');
  assert.notEqual(parseSource('/s.json', small).root, ps.root, 'the small text was not kept beside the large one');
  // the small text is now the newest: the large one is over the bound beside it
  parseSource('/s2.json', doc(11));
  assert.notEqual(parseSource('/big.json', big).root, pbig.root, 'the large text was dropped');
});
