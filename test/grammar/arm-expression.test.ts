// Grammar tests for syntaxes/arm-expression.tmLanguage.json: tokenizes JSON / JSONC documents with
// VS Code's TextMate engine and VS Code's JSON grammars, with our grammar injected as package.json
// declares it, and asserts the scope of every character of the interesting pieces. A wrong or
// missing scope fails the test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { tokenize, scopesOf, dump, grammarContributions, repoRoot, Token } from './tokenize';

const EXPR = 'meta.embedded.expression.arm-expression';

interface Doc {
  text: string;
  tokens: Token[];
}

async function doc(text: string, base = 'source.json'): Promise<Doc> {
  return { text, tokens: await tokenize(text, base) };
}

/** Every character of the nth occurrence of `needle` carries `scope` (as the innermost or an outer scope). */
function has(d: Doc, needle: string, scope: string, nth = 0): void {
  const per = scopesOf(d.text, d.tokens, needle, nth);
  per.forEach((scopes, i) => {
    assert.ok(
      scopes.includes(scope),
      `"${needle}"[${i}] ('${needle[i]}') should have scope ${scope}; has: ${scopes.slice(1).join(' ')}\n--- tokens ---\n${dump(d.tokens)}`,
    );
  });
}

/** No character of the nth occurrence of `needle` carries a scope that starts with `prefix`/ends with `suffix`. */
function lacks(d: Doc, needle: string, pred: (s: string) => boolean, what: string, nth = 0): void {
  const per = scopesOf(d.text, d.tokens, needle, nth);
  per.forEach((scopes, i) => {
    const bad = scopes.filter(pred);
    assert.equal(bad.length, 0, `"${needle}"[${i}] should have no ${what} scope; has: ${bad.join(' ')}\n--- tokens ---\n${dump(d.tokens)}`);
  });
}
const armScope = (s: string) => s.endsWith('.arm-expression');

test('package.json contributes the injection grammar into JSON and JSONC', () => {
  const c = grammarContributions().find((g) => g.scopeName === 'source.json.arm-expression');
  assert.ok(c, 'contributes.grammars has source.json.arm-expression');
  assert.deepEqual([...(c.injectTo || [])].sort(), ['source.json', 'source.json.comments']);
  const file = path.join(repoRoot(), c.path);
  assert.ok(fs.existsSync(file), `${c.path} exists`);
  const g = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.equal(g.scopeName, c.scopeName);
  assert.match(g.injectionSelector, /L:source\.json meta\.structure\.dictionary\.value\.json string\.quoted\.double\.json/);
  assert.match(g.injectionSelector, /source\.json\.comments/);
});

test('delimiters of an expression string and the JSON quotes around them', async () => {
  const d = await doc('{ "location": "[resourceGroup().location]" }');
  has(d, '[', 'punctuation.definition.expression.begin.arm-expression');
  has(d, ']', 'punctuation.definition.expression.end.arm-expression');
  has(d, 'resourceGroup().location', EXPR);
  has(d, 'resourceGroup', 'entity.name.function.arm-expression');
  has(d, '(', 'punctuation.definition.arguments.begin.arm-expression');
  has(d, ')', 'punctuation.definition.arguments.end.arm-expression');
  has(d, '.', 'punctuation.accessor.arm-expression');
  has(d, 'location', 'variable.other.property.arm-expression', 1);
  // the JSON string quotes stay JSON's, outside the embedded expression
  has(d, '"', 'punctuation.definition.string.begin.json', 2);
  has(d, '"', 'punctuation.definition.string.end.json', 3);
  lacks(d, '"', armScope, 'ARM', 2);
  lacks(d, '"', armScope, 'ARM', 3);
  // the key is not an expression even though the value is
  lacks(d, 'location', armScope, 'ARM', 0);
});

test('parameters() and variables() names are scoped distinctly from plain strings', async () => {
  const d = await doc(`{ "a": "[concat(parameters('vnetName'), variables('subnet''s'), 'literal')]" }`);
  has(d, 'parameters', 'support.function.parameters.arm-expression');
  has(d, 'vnetName', 'variable.parameter.arm-expression');
  has(d, 'vnetName', 'string.quoted.single.arm-expression');
  has(d, 'variables', 'support.function.variables.arm-expression');
  has(d, "subnet''s", 'variable.other.constant.arm-expression');
  has(d, 'literal', 'string.quoted.single.arm-expression');
  lacks(d, 'literal', (s) => s.startsWith('variable.'), 'variable');
  has(d, 'concat', 'entity.name.function.arm-expression');
  has(d, ',', 'punctuation.separator.arguments.arm-expression', 0);
});

test('function names are case-insensitive and may be namespaced (user-defined functions)', async () => {
  const d = await doc(`{ "a": "[Parameters('p')]", "b": "[contoso.uniqueName(parameters('prefix'))]", "c": "[myparameters(1)]" }`);
  has(d, 'Parameters', 'support.function.parameters.arm-expression');
  has(d, "Parameters('«p»')", 'variable.parameter.arm-expression');
  has(d, 'contoso', 'entity.name.namespace.arm-expression');
  has(d, '.', 'punctuation.accessor.arm-expression', 0);
  has(d, 'uniqueName', 'entity.name.function.arm-expression');
  has(d, 'prefix', 'variable.parameter.arm-expression');
  // a function whose name only ends in "parameters" is a plain function call
  has(d, 'myparameters', 'entity.name.function.arm-expression');
  lacks(d, 'myparameters', (s) => s.startsWith('support.function.parameters'), 'parameters()');
});

test('string literals: quotes, doubled-quote escape, brackets inside literals', async () => {
  const d = await doc(`{ "a": "[concat('it''s', ']', '[x]')]" }`);
  has(d, "'it''s'", 'string.quoted.single.arm-expression');
  has(d, "''", 'constant.character.escape.arm-expression', 0);
  has(d, "']'", 'string.quoted.single.arm-expression');
  has(d, "'[x]'", 'string.quoted.single.arm-expression');
  // the ] inside the literal does not end the expression: the last ] does
  const last = d.text.lastIndexOf(']');
  const per = scopesOf(d.text, d.tokens, ')]"');
  assert.ok(per[1].includes('punctuation.definition.expression.end.arm-expression'), `last ] at ${last} ends the expression\n${dump(d.tokens)}`);
  lacks(d, "']'", (s) => s.startsWith('punctuation.definition.expression'), 'expression delimiter');
});

test('index access, numbers, true/false/null', async () => {
  const d = await doc(`{ "a": "[if(equals(length(variables('subnets')[0].addressPrefix), -1), true, null)]", "b": "[false]" }`);
  has(d, '[0]', 'meta.index.arm-expression');
  has(d, "variables('subnets')«[»0]", 'punctuation.definition.index.begin.arm-expression');
  has(d, '0', 'constant.numeric.arm-expression');
  has(d, '[0«]».address', 'punctuation.definition.index.end.arm-expression');
  has(d, 'addressPrefix', 'variable.other.property.arm-expression');
  has(d, '-1', 'constant.numeric.arm-expression');
  has(d, 'true', 'constant.language.arm-expression');
  has(d, 'null', 'constant.language.arm-expression');
  has(d, 'false', 'constant.language.arm-expression');
  has(d, 'equals', 'entity.name.function.arm-expression');
});

test('index access with a string (reference(...)[\'prop\']) and nested calls', async () => {
  const d = await doc(`{ "a": "[reference(resourceId('Microsoft.Network/virtualNetworks', parameters('vnet')), '2023-04-01')['addressSpace']]" }`);
  has(d, 'reference', 'entity.name.function.arm-expression');
  has(d, 'resourceId', 'entity.name.function.arm-expression');
  has(d, "'Microsoft.Network/virtualNetworks'", 'string.quoted.single.arm-expression');
  has(d, "['addressSpace']", 'meta.index.arm-expression');
  has(d, "'addressSpace'", 'string.quoted.single.arm-expression');
  has(d, "'addressSpace']«]»\"", 'punctuation.definition.expression.end.arm-expression');
  has(d, "'addressSpace'«]»]", 'punctuation.definition.index.end.arm-expression');
});

test('a string that starts with [[ is a literal, not an expression', async () => {
  const d = await doc(`{ "a": "[[parameters('x')]", "b": "[[not an expression]" }`);
  has(d, '[[', 'constant.character.escape.arm-expression', 0);
  lacks(d, "parameters('x')]", (s) => s === EXPR || s.startsWith('support.function'), 'expression');
  lacks(d, 'not an expression]', (s) => s === EXPR, 'expression');
  has(d, "parameters('x')]", 'string.quoted.double.json');
});

test('strings that are not expressions are plain JSON strings', async () => {
  const d = await doc(`{ "a": "[starts but does not end", "b": "ends] but does not start", "c": "mid [concat('a')] text", "d": "[x] " }`);
  for (const needle of ['[starts but does not end', 'ends] but does not start', "mid [concat('a')] text", '[x] ']) {
    lacks(d, needle, armScope, 'ARM');
    has(d, needle, 'string.quoted.double.json');
  }
});

test('property names (keys) are never highlighted as expressions', async () => {
  const d = await doc(`{ "[concat('k')]": "v", "o": { "[x]": "[y]" } }`);
  lacks(d, "[concat('k')]", armScope, 'ARM');
  lacks(d, '[x]', armScope, 'ARM');
  has(d, '[y]', EXPR);
});

test('expressions inside arrays of a property value (dependsOn) are highlighted', async () => {
  const text = [
    '{',
    '  "resources": [',
    '    {',
    '      "dependsOn": [',
    `        "[resourceId('Microsoft.Network/networkSecurityGroups', variables('nsgName'))]",`,
    `        "[symbolicName]"`,
    '      ]',
    '    }',
    '  ]',
    '}',
  ].join('\n');
  const d = await doc(text);
  has(d, 'resourceId', 'entity.name.function.arm-expression');
  has(d, 'nsgName', 'variable.other.constant.arm-expression');
  has(d, 'symbolicName', EXPR);
  // JSON structure after the expressions is intact
  has(d, '      «]»', 'punctuation.definition.array.end.json');
  has(d, '    «}»', 'punctuation.definition.dictionary.end.json');
});

test('JSON escapes inside an expression stay JSON escapes and do not end the string', async () => {
  const d = await doc(`{ "a": "[concat('say \\"hi\\"', '\\\\')]", "b": "[x]" }`);
  has(d, '\\"', 'constant.character.escape.json', 0);
  has(d, 'concat', 'entity.name.function.arm-expression');
  has(d, '"[«x»]"', EXPR);
  has(d, '"b"', 'support.type.property-name.json');
});

test('an unterminated literal or call never leaks past the end of its JSON string', async () => {
  // "[concat('a]" : ends with ] but the literal never closes -> highlighted up to the quote, no further
  const d = await doc(`{ "a": "[concat('a]", "b": "[f(]", "c": 1 }`);
  has(d, '"b"', 'support.type.property-name.json');
  lacks(d, '"b"', armScope, 'ARM');
  has(d, '"c"', 'support.type.property-name.json');
  has(d, '1', 'constant.numeric.json');
  lacks(d, '1', armScope, 'ARM');
});

test('JSONC (template with comments) gets the same highlighting', async () => {
  const text = [
    '{',
    '  // APIM in a VNet',
    '  "properties": {',
    `    "virtualNetworkType": "[parameters('vnetType')]", /* External or Internal */`,
    `    "subnetResourceId": "[resourceId('Microsoft.Network/virtualNetworks/subnets', parameters('vnet'), 'apim')]"`,
    '  }',
    '}',
  ].join('\n');
  const d = await doc(text, 'source.json.comments');
  has(d, '// APIM in a VNet', 'comment.line.double-slash.js');
  has(d, 'vnetType', 'variable.parameter.arm-expression');
  has(d, '[', 'punctuation.definition.expression.begin.arm-expression', 0);
  has(d, 'resourceId', 'entity.name.function.arm-expression');
  has(d, "'apim'", 'string.quoted.single.arm-expression');
  has(d, '/* External or Internal */', 'comment.block.json.comments');
});

test('Bicep-compiled JSON (languageVersion 2.0): symbolic references and lambdas', async () => {
  const text = `{ "languageVersion": "2.0", "resources": { "apim": { "properties": { "virtualNetworkConfiguration": { "subnetResourceId": "[reference('vnet').subnets[0].id]" }, "x": "[map(range(0, 3), lambda('i', add(lambdaVariables('i'), 1)))]" } } } }`;
  const d = await doc(text);
  has(d, 'reference', 'entity.name.function.arm-expression');
  has(d, 'subnets', 'variable.other.property.arm-expression');
  has(d, '[0]', 'meta.index.arm-expression');
  has(d, '[0].«id»', 'variable.other.property.arm-expression');
  has(d, 'lambda', 'entity.name.function.arm-expression');
  has(d, 'lambdaVariables', 'support.function.lambdavariables.arm-expression');
    has(d, "lambdaVariables('«i»')", 'variable.parameter.lambda.arm-expression');
});

test('tokenizing stays linear: many expression lines, and long pathological strings', async () => {
  const lines = ['{', '  "variables": {'];
  for (let i = 0; i < 200; i++) {
    lines.push(`    "v${i}": "[concat(parameters('p${i}'), '-', string(add(${i}, 1)), variables('x')[0].y, '${'a'.repeat(50)}')]",`);
  }
  // expression-looking strings that never close, full of quotes, escapes and brackets
  lines.push(`    "long1": "[${"f('" + "x''\\\"[".repeat(1000) + "')"}",`);
  lines.push(`    "long2": "[${'('.repeat(500)}]",`);
  lines.push(`    "last": 1`, '  }', '}');
  const t0 = Date.now();
  const d = await doc(lines.join('\n'));
  const ms = Date.now() - t0;
  // ~2 ms a line on an idle machine; the bound is loose for loaded CI machines, catastrophic
  // backtracking in a lookahead would take minutes
  assert.ok(ms < 20000, `tokenizing took ${ms} ms`);
  has(d, 'p199', 'variable.parameter.arm-expression');
  has(d, '"long2"', 'support.type.property-name.json');
  lacks(d, '"long2"', armScope, 'ARM');
  has(d, '"last"', 'support.type.property-name.json');
  has(d, '"last": «1»', 'constant.numeric.json');
});
