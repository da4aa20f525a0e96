/**
 * Property tests: random JSON documents in a random style (indent unit, line endings, comments
 * sprinkled at line ends and line starts); a random container is edited; the result must parse
 * and its value must be exactly the intended one, and the comments must all still be there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parse, type ParseError } from 'jsonc-parser';
import {
  applyTextEdits,
  insertArrayElement,
  removeArrayElement,
  removeProperty,
  setProperty,
  type JsonPath,
} from '../../server/src/fixes';

type J = null | boolean | number | string | J[] | { [k: string]: J };

const key = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd', 'e'), minLength: 1, maxLength: 3 });
const leaf: fc.Arbitrary<J> = fc.oneof(fc.constant(null), fc.boolean(), fc.integer({ min: -1000, max: 1000 }), fc.string({ maxLength: 6 }));
const { tree } = fc.letrec<{ tree: J }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('tree'), { maxLength: 4 }),
    fc.dictionary(key, tie('tree'), { maxKeys: 4 }),
  ),
}));
const doc = fc.dictionary(key, tree, { minKeys: 1, maxKeys: 4 });

const style = fc.record({
  unit: fc.constantFrom('  ', '    ', '\t', '   ', ''),
  eol: fc.constantFrom('\n', '\r\n'),
  comments: fc.boolean(),
  seed: fc.nat(),
});

function render(value: J, s: { unit: string; eol: string; comments: boolean; seed: number }): { text: string; comments: number } {
  const lines = JSON.stringify(value, null, s.unit).split('\n');
  let n = 0;
  const out = lines.map((l, i) => {
    if (!s.comments) return l;
    const r = (s.seed + i * 7919) % 5;
    if (r === 0) {
      n++;
      return `${l} // c${i}`;
    }
    if (r === 1) {
      n++;
      const ws = /^[ \t]*/.exec(l)![0];
      return `${ws}/* b${i} */ ${l.substring(ws.length)}`;
    }
    return l;
  });
  return { text: out.join(s.eol), comments: n };
}

function containers(v: J, p: JsonPath, out: { path: JsonPath; value: J }[]): void {
  if (Array.isArray(v)) {
    out.push({ path: p, value: v });
    v.forEach((x, i) => containers(x, [...p, i], out));
  } else if (v !== null && typeof v === 'object') {
    out.push({ path: p, value: v });
    for (const [k, x] of Object.entries(v)) containers(x, [...p, k], out);
  }
}

function countComments(text: string): number {
  return (text.match(/\/\/ c\d+|\/\* b\d+ \*\//g) ?? []).length;
}

function parsed(text: string): unknown {
  const errors: ParseError[] = [];
  const v = parse(text, errors, { allowTrailingComma: false, disallowComments: false });
  assert.deepEqual(errors, [], 'result parses');
  return v;
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

function at(v: any, p: JsonPath): any {
  return p.reduce((x, s) => x[s], v);
}

test('random documents: insert into / add to / remove from a random container', () => {
  fc.assert(
    fc.property(doc, style, fc.nat(), fc.nat(), tree, key, (value, s, pick, pick2, newValue, newKey) => {
      const { text, comments } = render(value, s);
      const list: { path: JsonPath; value: J }[] = [];
      containers(value, [], list);
      const target = list[pick % list.length];
      const expected = clone(value) as any;
      let edits;
      const mode = pick2 % 2;
      if (Array.isArray(target.value)) {
        if (mode === 0 || target.value.length === 0) {
          edits = insertArrayElement(text, 'f', target.path, newValue);
          at(expected, target.path).push(clone(newValue));
        } else {
          const i = pick2 % target.value.length;
          edits = removeArrayElement(text, 'f', target.path, i);
          at(expected, target.path).splice(i, 1);
        }
      } else {
        const obj = target.value as Record<string, J>;
        const keys = Object.keys(obj);
        if (mode === 0 || keys.length === 0) {
          const k = 'z' + newKey; // never clashes (keys use a..e)
          edits = setProperty(text, 'f', [...target.path, k], newValue);
          at(expected, target.path)[k] = clone(newValue);
        } else {
          const k = keys[pick2 % keys.length];
          edits = removeProperty(text, 'f', [...target.path, k]);
          delete at(expected, target.path)[k];
        }
      }
      assert.ok(edits, 'edit produced');
      const out = applyTextEdits(text, edits);
      assert.deepEqual(parsed(out), expected);
      // inserts keep every comment; removals only lose comments inside or on the line of the removed member
      const kept = countComments(out);
      if (mode === 0 || (Array.isArray(target.value) ? target.value.length === 0 : Object.keys(target.value as object).length === 0)) {
        assert.equal(kept, comments, 'comments kept');
      } else {
        assert.ok(kept <= comments);
      }
      // new lines use the document's line ending only
      if (s.eol === '\r\n') assert.ok(!/[^\r]\n/.test(out), 'CRLF kept');
      else assert.ok(!out.includes('\r'), 'LF kept');
    }),
    { numRuns: 300, seed: 20261126 },
  );
});
