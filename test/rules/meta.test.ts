/** The rule catalog agrees everywhere: registry, rule files, docs pages, config schema, settings, README, rules.md. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { RULES, ALL_RULE_META } from '../../server/src/rules/registry';

const ROOT = path.join(__dirname, '..', '..', '..');
const read = (p: string) => fs.readFileSync(path.join(ROOT, p), 'utf8');
const ids = ALL_RULE_META.map((r) => r.id);

test('rule ids are unique and kebab-case', () => {
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.match(id, /^[a-z]+(-[a-z0-9]+)*$/);
});

test('one file per rule under server/src/rules, named after its id', () => {
  for (const r of RULES) {
    const src = read(`server/src/rules/${r.id}.ts`);
    assert.ok(src.includes(`id: '${r.id}'`), `${r.id}.ts declares id '${r.id}'`);
    assert.ok(r.description.length > 10 && r.description.endsWith('.'), `${r.id} has a one-line description`);
    assert.ok(['error', 'warning', 'info'].includes(r.defaultSeverity));
  }
});

test('a docs page per rule id with the five sections', () => {
  for (const id of ids) {
    const md = read(`docs/rules/${id}.md`);
    assert.ok(md.startsWith(`# \`${id}\``), `docs/rules/${id}.md title`);
    for (const h of ['## What it does', '## Why', '## How to fix', '## Configuration']) assert.ok(md.includes(h), `${id}.md has "${h}"`);
  }
  for (const r of RULES) assert.ok(read(`docs/rules/${r.id}.md`).includes('## Example'), `${r.id}.md has an example`);
  const pages = fs.readdirSync(path.join(ROOT, 'docs', 'rules')).filter((f) => f.endsWith('.md')).map((f) => f.replace(/\.md$/, ''));
  assert.deepEqual(pages.sort(), [...ids].sort(), 'no docs page without a rule');
});

test('the config schema and the VS Code setting list every rule id', () => {
  const schema = JSON.parse(read('schemas/apim-vnet.schema.json'));
  assert.deepEqual(Object.keys(schema.properties.rules.properties).sort(), [...ids].sort());
  const pkg = JSON.parse(read('package.json'));
  const setting = pkg.contributes.configuration.properties['apimVnet.rules'];
  assert.deepEqual(Object.keys(setting.properties).sort(), [...ids].sort());
});

test('the README rule table lists every rule with its default severity', () => {
  const readme = read('README.md');
  for (const r of ALL_RULE_META) {
    const line = readme.split('\n').find((l) => l.startsWith('|') && l.includes(`\`${r.id}\``));
    assert.ok(line, `README has a row for ${r.id}`);
    assert.ok(line.includes(`| ${r.defaultSeverity}`), `README row of ${r.id} shows ${r.defaultSeverity}`);
  }
});

const SPEC = path.join(ROOT, '..', 'shared', 'spec', 'rules.md');
const specSkip = fs.existsSync(SPEC) ? false : `spec absent (${SPEC})`;
test(`the registry has exactly the rule ids of rules.md, with its default severities ${specSkip ? `[skipped: ${specSkip}]` : ''}`, { skip: specSkip }, () => {
  const spec = fs.readFileSync(SPEC, 'utf8');
  const rows = spec.split('\n').filter((l) => /^\| `[a-z-]+` \|/.test(l));
  const specIds = rows.map((l) => /^\| `([a-z-]+)`/.exec(l)![1]);
  assert.deepEqual(RULES.map((r) => r.id), specIds);
  for (const l of rows) {
    const id = /^\| `([a-z-]+)`/.exec(l)![1];
    const sev = l.split('|')[2].trim();
    assert.ok(sev.startsWith(RULES.find((r) => r.id === id)!.defaultSeverity), `${id}: ${sev}`);
  }
});
