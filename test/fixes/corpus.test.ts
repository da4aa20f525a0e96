/**
 * Reality check on the shared corpus of public templates (never copied into the project): every
 * literal NSG `securityRules` array gets a rule inserted, every inline VNet subnet gets a new NSG
 * associated. The results must parse, keep every original byte (insert-only edits), change the
 * JSON value exactly as intended, and indent new lines in the file's own style.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, parseTree, findNodeAtLocation, type Node, type ParseError } from 'jsonc-parser';
import { applyTextEdits, createNsgWithRulesAndAssociate, insertNsgRule, buildNsgRule, detectFormatting, type JsonPath, type NsgRuleSpec } from '../../server/src/fixes';
import type { TextEdit } from '../../server/src/findings';
import { jsoncErrors } from './style';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const corpus = path.join(repoRoot, '..', 'shared', 'corpus');
const manifest = path.join(corpus, 'MANIFEST.tsv');

const RULE: NsgRuleSpec = {
  name: 'Allow_APIM_Management_Endpoint_Inbound',
  priority: 4001,
  direction: 'Inbound',
  protocol: 'Tcp',
  destinationPortRange: '3443',
  sourceAddressPrefix: 'ApiManagement',
  destinationAddressPrefix: 'VirtualNetwork',
};

function templates(): string[] {
  if (!fs.existsSync(manifest)) return [];
  return fs
    .readFileSync(manifest, 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => l.split('\t'))
    // The multi-megabyte AVM modules hold no literal NSG or inline subnet (only module parameters):
    // parsing them costs seconds and exercises nothing here.
    .filter((c) => c.length > 6 && /^(arm-json|bicep-json|bicep-json-symbolic)$/.test(c[6]) && Number(c[5]) < 400_000)
    .map((c) => path.join(corpus, c[0]));
}

interface Target {
  kind: 'nsg-rules' | 'subnet';
  path: JsonPath;
}

function prop(obj: Node | undefined, key: string): Node | undefined {
  if (!obj || obj.type !== 'object') return undefined;
  const p = obj.children?.find((c) => String(c.children?.[0]?.value).toLowerCase() === key.toLowerCase());
  return p?.children?.[1];
}

function targets(root: Node, base: JsonPath, out: Target[]): void {
  const container = prop(findNodeAtLocation(root, base), 'resources');
  if (!container) return;
  const entries: [string | number, Node][] =
    container.type === 'array'
      ? (container.children ?? []).map((c, i) => [i, c])
      : container.type === 'object'
        ? (container.children ?? []).map((c) => [String(c.children![0].value), c.children![1]])
        : [];
  for (const [key, res] of entries) {
    const rpath = [...base, 'resources', key];
    const type = prop(res, 'type')?.value;
    if (typeof type !== 'string') continue;
    const props = prop(res, 'properties');
    if (/^microsoft\.network\/networksecuritygroups$/i.test(type)) {
      const rules = prop(props, 'securityRules');
      if (rules?.type === 'array') out.push({ kind: 'nsg-rules', path: [...rpath, 'properties', 'securityRules'] });
    } else if (/^microsoft\.network\/virtualnetworks$/i.test(type)) {
      const subnets = prop(props, 'subnets');
      (subnets?.type === 'array' ? subnets.children ?? [] : []).forEach((s, i) => {
        if (s.type === 'object' && !prop(prop(s, 'properties'), 'networkSecurityGroup')) {
          out.push({ kind: 'subnet', path: [...rpath, 'properties', 'subnets', i] });
        }
      });
    } else if (/^microsoft\.resources\/deployments$/i.test(type) && prop(props, 'template')?.type === 'object') {
      targets(root, [...rpath, 'properties', 'template'], out);
    }
  }
}

function get(value: unknown, p: JsonPath): any {
  let v: any = value;
  for (const s of p) {
    if (v === undefined || v === null) return undefined;
    if (typeof s === 'number') v = v[s];
    else v = v[Object.keys(v).find((k) => k.toLowerCase() === s.toLowerCase()) ?? s];
  }
  return v;
}

function checkInsertOnly(text: string, edits: TextEdit[], out: string): void {
  assert.ok(edits.every((e) => e.length === 0), 'insert-only edits keep every original byte');
  const fmt = detectFormatting(text);
  for (const e of edits) {
    for (const line of e.content.split(fmt.eol).slice(1)) {
      const ws = /^[ \t]*/.exec(line)![0];
      assert.ok(fmt.insertSpaces ? !ws.includes('\t') : !ws.includes(' '), `indentation in the file's style: ${JSON.stringify(line)}`);
      assert.ok(!line.includes('\r') && !(fmt.eol === '\r\n' && line.includes('\n')), 'line endings in the file’s style');
    }
  }
  assert.deepEqual(jsoncErrors(out), [], 'result parses');
}

const files = templates();

test('corpus: insert an NSG rule into every literal securityRules array', { skip: !fs.existsSync(corpus) && 'shared corpus absent (../shared/corpus)' }, () => {
  let count = 0;
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    const errors: ParseError[] = [];
    const root = parseTree(text, errors, { allowTrailingComma: true });
    if (!root) continue;
    if (errors.length > 0) {
      // a broken file: builders decline rather than guess
      assert.equal(insertNsgRule(text, file, ['resources', 0, 'properties', 'securityRules'], RULE), undefined);
      continue;
    }
    const list: Target[] = [];
    targets(root, [], list);
    for (const t of list.filter((x) => x.kind === 'nsg-rules')) {
      const edits = insertNsgRule(text, file, t.path, RULE);
      assert.ok(edits, `${file} ${JSON.stringify(t.path)}: edit offered`);
      const out = applyTextEdits(text, edits);
      checkInsertOnly(text, edits, out);
      const before = parse(text, [], { allowTrailingComma: true });
      const after = parse(out, [], { allowTrailingComma: true });
      get(before, t.path).push(JSON.parse(JSON.stringify(buildNsgRule(RULE))));
      assert.deepEqual(after, before, `${file}: only the rule was added`);
      count++;
    }
  }
  assert.ok(count >= 5, `exercised ${count} NSG rule arrays`);
});

test('corpus: create and associate an NSG for every inline subnet without one', { skip: !fs.existsSync(corpus) && 'shared corpus absent (../shared/corpus)' }, () => {
  let count = 0;
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    const errors: ParseError[] = [];
    const root = parseTree(text, errors, { allowTrailingComma: true });
    if (!root) continue;
    if (errors.length > 0) {
      // a broken file: builders decline rather than guess
      assert.equal(insertNsgRule(text, file, ['resources', 0, 'properties', 'securityRules'], RULE), undefined);
      continue;
    }
    const list: Target[] = [];
    targets(root, [], list);
    for (const t of list.filter((x) => x.kind === 'subnet')) {
      const edits = createNsgWithRulesAndAssociate(text, file, { name: 'apim-fix-nsg', subnetPath: t.path, rules: [RULE] });
      if (!edits) {
        // only acceptable when the subnet's properties are not a literal object
        const props = get(parse(text, [], { allowTrailingComma: true }), [...t.path, 'properties']);
        assert.ok(typeof props !== 'object', `${file} ${JSON.stringify(t.path)}: declined although the subnet is literal`);
        continue;
      }
      const out = applyTextEdits(text, edits);
      checkInsertOnly(text, edits, out);
      const after = parse(out, [], { allowTrailingComma: true });
      assert.equal(
        get(after, [...t.path, 'properties', 'networkSecurityGroup', 'id']),
        "[resourceId('Microsoft.Network/networkSecurityGroups', 'apim-fix-nsg')]",
      );
      count++;
    }
  }
  assert.ok(count >= 3, `exercised ${count} subnets`);
});
