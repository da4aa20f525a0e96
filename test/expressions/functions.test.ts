/**
 * Table-driven tests of every implemented function: known results, argument errors (Unknown with
 * a reason, never an exception) and Unknown propagation.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { check, fakeContext, unk, val, type Expect } from './fake-context';
import { BUILTINS, SPECIAL_FUNCTIONS } from '../../server/src/expressions/functions';
import { evaluateString } from '../../server/src/expressions/evaluator';
import { Unknown } from '../../server/src/expressions/value';

const SUB = "{subscription().subscriptionId}";
const RG = "{resourceGroup().name}";

/** [function under test, expression, expectation] */
const cases: [string, string, Expect][] = [
  // literals and escapes
  ['(literal)', 'plain text', val('plain text')],
  ['(literal)', '[[escaped]', val('[escaped]')],
  ['(literal)', '[[', val('[')],
  ['(literal)', "['it''s']", val("it's")],
  ['(literal)', '[-5]', val(-5)],
  ['(literal)', '[true]', val(true)],
  ['(literal)', '[null]', val(null)],
  ['(literal)', '[]', unk({ reason: /invalid expression: expected an expression/ })],
  ['true', '[true()]', val(true)],
  ['false', '[false()]', val(false)],
  ['null', '[null()]', val(null)],
  ['true', '[true(1)]', unk({ reason: /expects 0 arguments, got 1/ })],

  // parameters / variables
  ['parameters', "[parameters('vnetName')]", val('apim-vnet')],
  ['parameters', "[PARAMETERS('VNETNAME')]", val('apim-vnet')],
  ['parameters', "[parameters('missing')]", unk({ key: "parameters('missing')", reason: "parameter 'missing' has no value" })],
  ['parameters', '[parameters(1)]', unk({ reason: /parameters: argument 1 must be a string/ })],
  ['parameters', '[parameters()]', unk({ reason: /expects 1 argument, got 0/ })],
  ['parameters', "[parameters(parameters('x'))]", unk({ reason: /parameter name is not known/ })],
  ['variables', "[variables('obj').a.b[1]]", val(20)],
  ['variables', "[variables('obj').MIXED-CASE]", unk({ reason: /invalid expression/ })],
  ['variables', "[variables('obj')['mixed-case']]", val(1)],
  ['variables', "[variables('nope')]", unk({ key: "variables('nope')" })],

  // property & index access
  ['(property)', "[parameters('tags').env]", val('prod')],
  ['(property)', "[parameters('tags').owner]", val('net')],
  ['(property)', "[parameters('tags').missing]", unk({ reason: /property 'missing' does not exist/ })],
  ['(property)', "[parameters('list').x]", unk({ reason: /cannot read property 'x' of a value of type array/ })],
  ['(property)', "[parameters('x').a.b]", unk({ key: "parameters('x').a.b", reason: "parameter 'x' has no value" })],
  ['(index)', "[parameters('list')[1]]", val('b')],
  ['(index)', "[parameters('list')[3]]", unk({ reason: /index 3 is out of range/ })],
  ['(index)', "[parameters('list')['a']]", unk({ reason: /must be an integer/ })],
  ['(index)', "[parameters('x')[0]]", unk({ key: "parameters('x')[0]" })],
  ['(index)', "[parameters('list')[parameters('i')]]", unk({ key: `["a","b","c"][parameters('i')]`, candidates: ['a', 'b', 'c'] })],
  ['(index)', "[parameters('rules')[0].port]", val(443)],

  // reference / resourceInfo / context functions
  ['reference', "[reference('vnet1').addressSpace.addressPrefixes[0]]", val('10.1.0.0/16')],
  ['reference', "[reference('vnet1', '2023-01-01', 'Full').properties.addressSpace.addressPrefixes[0]]", val('10.1.0.0/16')],
  ['reference', "[reference('vnet1', '2023-01-01', 'full').location]", val('westeurope')],
  ['reference', "[reference('vnet1').outputs.subnetId.value]", val('/x/y')],
  ['reference', "[reference('other').outputs.x.value]", unk({ key: "reference('other').outputs.x.value" })],
  ['reference', "[reference('openres').provisioningState]", val('Succeeded')],
  ['reference', "[reference('openres').defaultDomain]", unk({ key: "reference('openres').defaultDomain", reason: /only after deployment/ })],
  ['reference', "[reference('openres')['ipAddress']]", unk({ key: "reference('openres').ipAddress" })],
  ['reference', "[tryGet(reference('openres'), 'ipAddress')]", unk({ key: "reference('openres').ipAddress" })],
  ['reference', "[contains(reference('openres'), 'ipAddress')]", unk({ candidates: [true, false] })],
  ['reference', "[contains(reference('openres'), 'provisioningState')]", val(true)],
  ['reference', "[equals(reference('openres'), createObject('provisioningState', 'Succeeded'))]", val(true)],
  ['reference', '[reference(1)]', unk({ reason: /must be a resource name or id/ })],
  ['resourceInfo', "[resourceInfo('apim').name]", val('apim')],
  ['resourceInfo', "[resourceInfo('zzz')]", unk({ key: "resourceInfo('zzz')" })],
  ['subscription', '[subscription().subscriptionId]', unk({ key: 'subscription().subscriptionId' })],
  ['subscription', '[subscription(1)]', unk({ reason: /expects 0 arguments/ })],
  ['resourceGroup', '[resourceGroup().location]', unk({ key: 'resourceGroup().location' })],
  ['deployment', '[deployment().name]', val('deploy1')],
  ['managementGroup', '[managementGroup().name]', val('mg1')],
  ['tenant', '[tenant().tenantId]', unk({ key: 'tenant().tenantId' })],
  ['environment', '[environment().suffixes.storage]', val('core.windows.net')],

  // resource ids
  ['resourceId', "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'v', 's')]", unk({ key: `"/subscriptions/"+${SUB}+"/resourceGroups/"+${RG}+"/providers/Microsoft.Network/virtualNetworks/v/subnets/s"` })],
  ['resourceId', "[resourceId('sub1', 'rg1', 'Microsoft.Network/virtualNetworks/subnets', 'v', 's')]", val('/subscriptions/sub1/resourceGroups/rg1/providers/Microsoft.Network/virtualNetworks/v/subnets/s')],
  ['resourceId', "[resourceId('rg1', 'Microsoft.Network/networkSecurityGroups', 'nsg')]", unk({ key: `"/subscriptions/"+${SUB}+"/resourceGroups/rg1/providers/Microsoft.Network/networkSecurityGroups/nsg"` })],
  ['resourceId', "[resourceId('s', 'r', 'Microsoft.Network/virtualNetworks/subnets', 'v/s')]", val('/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/v/subnets/s')],
  ['resourceId', "[resourceId('s', 'r', 'Microsoft.Network/virtualNetworks/subnets', 'v')]", unk({ reason: /needs 2 names, got 1/ })],
  ['resourceId', "[resourceId('Microsoft.Network/virtualNetworks/subnets', parameters('full'))]", unk({ key: "resourceId('Microsoft.Network/virtualNetworks/subnets', parameters('full'))" })],
  ['resourceId', "[resourceId('a', 'b')]", unk({ reason: /no resource type/ })],
  ['resourceId', "[resourceId('x')]", unk({ reason: /expects at least 2 arguments/ })],
  ['resourceId', "[resourceId(parameters('t'), 'n')]", unk({ key: "resourceId(parameters('t'), 'n')" })],
  ['resourceId', "[resourceId('s', 'r', 'Microsoft.Network/virtualNetworks', createObject())]", unk({ reason: /name 1 must be a string/ })],
  ['subscriptionResourceId', "[subscriptionResourceId('s1', 'Microsoft.Resources/resourceGroups', 'rg')]", val('/subscriptions/s1/providers/Microsoft.Resources/resourceGroups/rg')],
  ['subscriptionResourceId', "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'abc')]", unk({ key: `"/subscriptions/"+${SUB}+"/providers/Microsoft.Authorization/roleDefinitions/abc"` })],
  ['tenantResourceId', "[tenantResourceId('Microsoft.Management/managementGroups', 'mg')]", val('/providers/Microsoft.Management/managementGroups/mg')],
  ['managementGroupResourceId', "[managementGroupResourceId('Microsoft.Authorization/policyDefinitions', 'p')]", val('/providers/Microsoft.Management/managementGroups/mg1/providers/Microsoft.Authorization/policyDefinitions/p')],
  ['managementGroupResourceId', "[managementGroupResourceId('mgX', 'Microsoft.Authorization/policyDefinitions', 'p')]", val('/providers/Microsoft.Management/managementGroups/mgX/providers/Microsoft.Authorization/policyDefinitions/p')],
  ['extensionResourceId', "[extensionResourceId('/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/v', 'Microsoft.Authorization/locks', 'lk')]", val('/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/v/providers/Microsoft.Authorization/locks/lk')],

  // deployment-time functions: Unknown keyed canonically
  ['uniqueString', '[uniqueString(resourceGroup().id)]', unk({ key: 'uniqueString(resourceGroup().id)', reason: /deployment time/ })],
  ['uniqueString', "[uniqueString('a', 1)]", unk({ key: "uniqueString('a', 1)" })],
  ['guid', "[GUID(subscription().id, 'x')]", unk({ key: "guid(subscription().id, 'x')" })],
  ['newGuid', '[newGuid()]', unk({ key: 'newGuid()' })],
  ['utcNow', "[utcNow('u')]", unk({ key: "utcNow('u')" })],
  ['dateTimeAdd', "[dateTimeAdd('2020-01-01', 'P1D')]", unk({ key: "dateTimeAdd('2020-01-01', 'P1D')" })],
  ['dateTimeFromEpoch', '[dateTimeFromEpoch(0)]', unk({ key: 'dateTimeFromEpoch(0)' })],
  ['dateTimeToEpoch', "[dateTimeToEpoch('2020-01-01')]", unk({ key: "dateTimeToEpoch('2020-01-01')" })],
  ['pickZones', "[pickZones('Microsoft.Compute', 'virtualMachines', 'westus2')]", unk({})],
  ['providers', "[providers('Microsoft.Network')]", unk({})],
  ['deployer', '[deployer().objectId]', unk({ key: 'deployer().objectId' })],
  ['listKeys', "[listKeys('id', '2020-01-01').keys[0].value]", unk({ key: "listKeys('id', '2020-01-01').keys[0].value" })],
  ['listSecrets', "[listSecrets('id', '2020-01-01')]", unk({})],
  ['listAccountSas', "[listAccountSas('id', '2020-01-01', createObject())]", unk({})],
  ['listServiceSas', "[listServiceSas('id', '2020-01-01', createObject())]", unk({})],
  ['listConnectionStrings', "[listConnectionStrings('id', '2020-01-01')]", unk({})],
  ['listCredentials', "[listCredentials('id', '2020-01-01')]", unk({})],
  ['(list*)', "[listWhatever('id', '2020-01-01')]", unk({ reason: /deployment time/ })],
  ['(unsupported)', "[frobnicate('a')]", unk({ key: "frobnicate('a')", reason: "unsupported function 'frobnicate'" })],

  // logic
  ['equals', "[equals('a', 'a')]", val(true)],
  ['equals', "[equals('a', 'A')]", val(false)],
  ['equals', '[equals(createArray(1, 2), createArray(1, 2))]', val(true)],
  ['equals', "[equals(parameters('x'), 'a')]", unk({ key: "equals(parameters('x'), 'a')", candidates: [true, false] })],
  ['equals', "[equals(parameters('x'), parameters('x'))]", val(true)],
  ['equals', "[equals(parameters('sku'), 'Basic')]", val(false)],
  ['equals', "[equals(concat('a', parameters('x')), 'b')]", val(false)],
  ['equals', "[equals(1)]", unk({ reason: /expects 2 arguments/ })],
  ['not', '[not(true)]', val(false)],
  ['not', "[not('x')]", unk({ reason: /must be a boolean/ })],
  ['not', "[not(equals(parameters('x'), 'a'))]", unk({ candidates: [false, true] })],
  ['and', '[and(true, true, true)]', val(true)],
  ['and', "[and(true, false, parameters('x'))]", val(false)],
  ['and', "[and(true, equals(parameters('x'), 'a'))]", unk({ candidates: [true, false] })],
  ['and', "[and(true, 'x')]", unk({ reason: /must be booleans/ })],
  ['and', '[and()]', unk({ reason: /at least 1/ })],
  ['or', "[or(false, true, frobnicate())]", val(true)],
  ['or', '[or(false, false)]', val(false)],
  ['or', "[or(false, parameters('x'))]", unk({})],
  ['if', "[if(true, 'a', frobnicate())]", val('a')],
  ['if', "[if(false, frobnicate(), 'b')]", val('b')],
  ['if', "[if(equals(parameters('sku'), 'Premium'), 'p', 'd')]", unk({ candidates: ['p', 'd'] })],
  ['if', "[if(parameters('x'), 'same', 'same')]", val('same')],
  ['if', "[if(parameters('x'), parameters('y'), 'b')]", unk({ key: "if(parameters('x'), parameters('y'), 'b')" })],
  ['if', "[if('yes', 1, 2)]", unk({ reason: /condition must be a boolean/ })],
  ['if', '[if(true, 1)]', unk({ reason: /expects 3 arguments/ })],
  ['less', '[less(1, 2)]', val(true)],
  ['less', "[less('b', 'a')]", val(false)],
  ['less', "[less(1, 'a')]", unk({ reason: /cannot compare int with string/ })],
  ['less', "[less(parameters('x'), 2)]", unk({ key: "less(parameters('x'), 2)", candidates: [true, false] })],
  ['lessOrEquals', '[lessOrEquals(2, 2)]', val(true)],
  ['greater', '[greater(3, 2)]', val(true)],
  ['greaterOrEquals', '[greaterOrEquals(1, 2)]', val(false)],
  // strings compare culture-aware, not ordinally: lower case sorts before upper case
  // (https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-comparison:
  // greater('A', 'a') and greaterOrEquals('A', 'a') are True, less('A', 'a') and lessOrEquals('A', 'a') False)
  ['greater', "[greater('A', 'a')]", val(true)],
  ['greaterOrEquals', "[greaterOrEquals('A', 'a')]", val(true)],
  ['less', "[less('A', 'a')]", val(false)],
  ['lessOrEquals', "[lessOrEquals('A', 'a')]", val(false)],
  ['less', "[less('a', 'B')]", val(true)],
  ['greater', "[greater('b', 'A')]", val(true)],
  ['lessOrEquals', "[lessOrEquals('abc', 'abc')]", val(true)],
  ['less', "[less('apim-1', 'apim-2')]", val(true)],
  ['coalesce', "[coalesce(null, parameters('nothing'), 'x')]", val('x')],
  ['coalesce', '[coalesce(null, null)]', val(null)],
  ['coalesce', "[coalesce(parameters('x'), 'd')]", unk({ key: "coalesce(parameters('x'), 'd')" })],
  ['coalesce', "[coalesce(null, parameters('sku'))]", unk({ key: "parameters('sku')" })],
  ['empty', "[empty('')]", val(true)],
  ['empty', '[empty(createArray())]', val(true)],
  ['empty', '[empty(createObject())]', val(true)],
  ['empty', '[empty(null)]', val(true)],
  ['empty', "[empty('a')]", val(false)],
  ['empty', "[empty(concat('a', parameters('x')))]", val(false)],
  ['empty', "[empty(parameters('x'))]", unk({ candidates: [true, false] })],
  ['empty', '[empty(1)]', unk({ reason: /cannot test int/ })],
  ['contains', "[contains('OneTwo', 'Two')]", val(true)],
  ['contains', "[contains('OneTwo', 'two')]", val(false)],
  ['contains', "[contains(parameters('tags'), 'ENV')]", val(true)],
  ['contains', "[contains(parameters('list'), 'c')]", val(true)],
  ['contains', "[contains(parameters('list'), 'z')]", val(false)],
  ['contains', "[contains(parameters('list'), parameters('x'))]", unk({ candidates: [true, false] })],
  ['contains', "[contains(createArray(parameters('x'), 'a'), 'a')]", val(true)],
  ['contains', "[contains(parameters('sku'), 'Prem')]", unk({ candidates: [true, false] })],
  ['contains', '[contains(1, 1)]', unk({ reason: /must be an array, an object or a string/ })],

  // strings
  ['concat', "[concat('a', 'b', 1, true)]", val('ab1True')],
  ['concat', '[concat(createArray(1), createArray(2, 3), null)]', val([1, 2, 3])],
  ['concat', "[concat(createArray(1), 'x')]", unk({ reason: /cannot concatenate string with arrays/ })],
  ['concat', "[concat('a', createObject())]", unk({ reason: /cannot concatenate an object/ })],
  ['concat', '[concat()]', val('')],
  ['concat', "[concat('nsg-', parameters('x'))]", unk({ key: `"nsg-"+{parameters('x')}` })],
  ['concat', "[concat(createArray(1), parameters('x'))]", unk({})],
  ['format', "[format('{0}-{1}', 'a', 2)]", val('a-2')],
  ['format', "[format('{0:D2}', 5)]", val('05')],
  ['format', "[format('{0:X}', 255)]", val('FF')],
  ['format', "[format('{0:N0}', 1234567)]", val('1,234,567')],
  ['format', "[format('{{literal}} {0}', 'x')]", val('{literal} x')],
  ['format', "[format('{0,5}|{1,-3}|', 'ab', 'c')]", val('   ab|c  |')],
  ['format', "[format('{1}', 'a')]", unk({ reason: /format item \{1\} has no argument/ })],
  ['format', "[format('{0', 'a')]", unk({ reason: /unterminated format item/ })],
  ['format', "[format('a}b')]", unk({ reason: /unexpected '}'/ })],
  ['format', "[format(parameters('x'), 1)]", unk({ key: "format(parameters('x'), 1)" })],
  ['format', "[format('{0:D3}', parameters('x'))]", unk({ key: "format('{0:D3}', parameters('x'))" })],
  ['toLower', "[toLower('AbC')]", val('abc')],
  ['toLower', '[toLower(1)]', unk({ reason: /must be a string/ })],
  ['toLower', "[toLower(parameters('sku'))]", unk({ key: "toLower(parameters('sku'))", candidates: ['premium', 'developer'] })],
  ['toUpper', "[toUpper('AbC')]", val('ABC')],
  ['toUpper', "[toUpper(concat('ab', parameters('x')))]", unk({ key: `"AB"+{toUpper(parameters('x'))}` })],
  ['trim', "[trim('  a b  ')]", val('a b')],
  ['trim', '[trim(1)]', unk({ reason: /must be a string/ })],
  ['split', "[split('a,b,,c', ',')]", val(['a', 'b', '', 'c'])],
  ['split', "[split('a,b;c', createArray(',', ';'))]", val(['a', 'b', 'c'])],
  ['split', "[split('a.b', '.')]", val(['a', 'b'])],
  ['split', "[split('abc', 1)]", unk({ reason: /string or an array of strings/ })],
  ['split', "[split(parameters('x'), '/')[2]]", unk({ key: "split(parameters('x'), '/')[2]" })],
  ['join', "[join(createArray('a', 'b', 'c'), '-')]", val('a-b-c')],
  ['join', "[join(createArray('a', parameters('x')), '/')]", unk({ key: `"a/"+{parameters('x')}` })],
  ['join', "[join(createArray(createObject()), ',')]", unk({ reason: /array elements must be/ })],
  ['join', "[join('abc', ',')]", unk({ reason: /must be an array/ })],
  ['replace', "[replace('a-b-c', '-', '')]", val('abc')],
  ['replace', "[replace('aaa', '', 'x')]", unk({ reason: /must not be empty/ })],
  ['replace', "[replace(padLeft('a', 16384, 'b'), 'b', padLeft('c', 16384, 'c'))]", unk({ reason: /result longer than/ })],
  ['substring', "[substring('abcdef', 2, 3)]", val('cde')],
  ['substring', "[substring('abcdef', 2)]", val('cdef')],
  ['substring', "[substring('abc', 1, 5)]", unk({ reason: /out of range/ })],
  ['substring', "[substring('abc', -1)]", unk({ reason: /out of range/ })],
  ['startsWith', "[startsWith('AbcDef', 'abc')]", val(true)],
  ['startsWith', "[startsWith(concat('10.0.', parameters('x')), '10.')]", val(true)],
  ['startsWith', "[startsWith(concat('10.0.', parameters('x')), '192.')]", val(false)],
  ['startsWith', "[startsWith(concat('10.', parameters('x')), '10.0.')]", unk({ candidates: [true, false] })],
  ['startsWith', '[startsWith(1, 2)]', unk({ reason: /must be strings/ })],
  ['endsWith', "[endsWith('AbcDef', 'DEF')]", val(true)],
  ['endsWith', "[endsWith(concat(parameters('x'), '/24'), '/24')]", val(true)],
  ['indexOf', "[indexOf('abcABC', 'B')]", val(1)],
  ['indexOf', "[indexOf('abc', 'z')]", val(-1)],
  ['indexOf', "[indexOf(createArray('a', 'b'), 'b')]", val(1)],
  ['lastIndexOf', "[lastIndexOf('abcABC', 'b')]", val(4)],
  ['lastIndexOf', "[lastIndexOf(createArray(1, 2, 1), 1)]", val(2)],
  ['padLeft', "[padLeft('7', 3, '0')]", val('007')],
  ['padLeft', '[padLeft(42, 4)]', val('  42')],
  ['padLeft', "[padLeft('abc', 2, '0')]", val('abc')],
  ['padLeft', "[padLeft('a', 3, 'xy')]", unk({ reason: /single character/ })],
  ['padLeft', "[padLeft('a', 100000000)]", unk({ reason: /exceeds/ })],
  ['string', '[string(1)]', val('1')],
  ['string', '[string(true)]', val('True')],
  ['string', "[string(createObject('a', createArray(1)))]", val('{"a":[1]}')],
  ['string', "[string(concat('a', parameters('x')))]", unk({ key: `"a"+{parameters('x')}` })],
  ['int', "[int('42')]", val(42)],
  ['int', "[int('-7')]", val(-7)],
  ['int', "[int('4.2')]", unk({ reason: /is not an integer/ })],
  ['int', '[int(createArray())]', unk({ reason: /cannot convert array/ })],
  ['float', "[float('1.5')]", val(1.5)],
  ['float', "[float('x')]", unk({ reason: /not a number/ })],
  ['bool', "[bool('TRUE')]", val(true)],
  ['bool', '[bool(0)]', val(false)],
  ['bool', "[bool('maybe')]", unk({ reason: /cannot convert/ })],
  ['json', `[json('{"a": [1, null]}')]`, val({ a: [1, null] })],
  ['json', "[json('null')]", val(null)],
  ['json', "[json('{bad')]", unk({ reason: /invalid JSON/ })],
  ['json', "[json('{\n  // a comment\n  \"a\": [1, 2,],\n}')]", val({ a: [1, 2] })],
  ['json', "[json('')]", unk({ reason: /invalid JSON/ })],
  ['base64', "[base64('one, two')]", val('b25lLCB0d28=')],
  ['base64ToString', "[base64ToString('b25lLCB0d28=')]", val('one, two')],
  ['base64ToString', "[base64ToString('!!!')]", unk({ reason: /not a base64/ })],
  ['base64ToJson', "[base64ToJson('eyJhIjoxfQ==')]", val({ a: 1 })],
  ['dataUri', "[dataUri('Hello')]", val('data:text/plain;charset=utf8;base64,SGVsbG8=')],
  ['dataUriToString', "[dataUriToString('data:;base64,SGVsbG8sIFdvcmxkIQ==')]", val('Hello, World!')],
  ['dataUriToString', "[dataUriToString('nope')]", unk({ reason: /not a data URI/ })],
  ['uri', "[uri('http://contoso.com/resources/', 'nested/a.json')]", val('http://contoso.com/resources/nested/a.json')],
  ['uri', "[uri(deployment().properties.templateLink.uri, 'nested/a.json')]", val('https://example.com/templates/nested/a.json')],
  ['uri', "[uri('not a uri', 'x')]", unk({ reason: /cannot combine/ })],
  ['uriComponent', "[uriComponent('a b/c')]", val('a%20b%2Fc')],
  ['uriComponentToString', "[uriComponentToString('a%20b')]", val('a b')],
  ['uriComponentToString', "[uriComponentToString('%E0%A4%A')]", unk({ reason: /invalid URI encoding/ })],

  // arrays and objects
  ['length', "[length('abc')]", val(3)],
  ['length', "[length(parameters('list'))]", val(3)],
  ['length', "[length(parameters('tags'))]", val(2)],
  ['length', "[length(createArray(parameters('x'), 1))]", val(2)],
  ['length', "[length(parameters('sku'))]", unk({ candidates: [7, 9] })],
  ['length', "[length(parameters('x'))]", unk({ key: "length(parameters('x'))" })],
  ['length', '[length(1)]', unk({ reason: /cannot take the length of int/ })],
  ['first', "[first(parameters('list'))]", val('a')],
  ['first', "[first('xyz')]", val('x')],
  ['first', '[first(createArray())]', val(null)],
  ['first', '[first(1)]', unk({ reason: /must be an array or a string/ })],
  ['last', "[last(parameters('list'))]", val('c')],
  ['last', "[last('xyz')]", val('z')],
  ['take', "[take(parameters('list'), 2)]", val(['a', 'b'])],
  ['take', "[take('abcdef', 3)]", val('abc')],
  ['take', "[take(parameters('list'), 'x')]", unk({ reason: /must be an integer/ })],
  ['skip', "[skip(parameters('list'), 2)]", val(['c'])],
  ['skip', "[skip('abcdef', 4)]", val('ef')],
  ['skip', "[skip(parameters('x'), 1)]", unk({ key: "skip(parameters('x'), 1)" })],
  ['createArray', "[createArray(1, 'a', null)]", val([1, 'a', null])],
  ['array', "[array('a')]", val(['a'])],
  ['array', "[array(createArray(1))]", val([1])],
  ['createObject', "[createObject('a', 1, 'b', createArray())]", val({ a: 1, b: [] })],
  ['createObject', "[createObject('a')]", unk({ reason: /even number/ })],
  ['createObject', '[createObject(1, 2)]', unk({ reason: /must be a string/ })],
  ['createObject', "[createObject('__proto__', 1).__proto__]", val(1)],
  ['union', "[union(createArray(1, 2), createArray(2, 3))]", val([1, 2, 3])],
  ['union', "[union(createObject('a', 1, 'n', createObject('x', 1)), createObject('b', 2, 'n', createObject('y', 2)))]", val({ a: 1, n: { x: 1, y: 2 }, b: 2 })],
  ['union', "[union(createArray(1), createObject())]", unk({ reason: /all arrays or all objects/ })],
  ['union', "[union(createArray(1), parameters('x'))]", unk({ key: "union([1], parameters('x'))" })],
  ['intersection', "[intersection(createArray(1, 2, 3), createArray(3, 2))]", val([2, 3])],
  ['intersection', "[intersection(createObject('a', 1, 'b', 2), createObject('a', 1, 'b', 3))]", val({ a: 1 })],
  ['union', '[length(union(range(0, 10000), range(5000, 10000)))]', val(15000)],
  ['union', "[union(createArray(createArray(1), 'a'), createArray(createArray(1), 'b'))]", val([[1], 'a', 'b'])],
  ['intersection', '[length(intersection(range(0, 10000), range(5000, 10000)))]', val(5000)],
  ['intersection', "[intersection(createArray(1, createArray(2), 'a', 'a'), createArray(createArray(2), 'a', 1))]", val([1, [2], 'a'])],
  ['intersection', "[intersection(createArray(1), 'x')]", unk({ reason: /all arrays or all objects/ })],
  ['tryGet', "[tryGet(parameters('tags'), 'env')]", val('prod')],
  ['tryGet', "[tryGet(parameters('tags'), 'nope')]", val(null)],
  ['tryGet', "[tryGet(variables('obj'), 'a', 'b', 2)]", val(30)],
  ['tryGet', "[tryGet(parameters('x'), 'a')]", unk({ key: "tryGet(parameters('x'), 'a')" })],
  ['shallowMerge', "[shallowMerge(createArray(createObject('a', 1, 'b', 1), createObject('b', 2)))]", val({ a: 1, b: 2 })],
  ['shallowMerge', "[shallowMerge(createArray(1))]", unk({ reason: /must be objects/ })],
  ['flatten', '[flatten(createArray(createArray(1, 2), createArray(3)))]', val([1, 2, 3])],
  ['flatten', '[flatten(createArray(1))]', unk({ reason: /must be arrays/ })],
  ['items', "[items(createObject('b', 2, 'a', 1))]", val([{ key: 'a', value: 1 }, { key: 'b', value: 2 }])],
  ['items', "[items('x')]", unk({ reason: /must be an object/ })],
  ['objectKeys', "[objectKeys(parameters('tags'))]", val(['env', 'Owner'])],
  ['min', '[min(3, 1, 2)]', val(1)],
  ['min', "[min(parameters('nums'))]", val(1)],
  ['min', '[min(createArray())]', unk({ reason: /at least one/ })],
  ['max', "[max(parameters('nums'))]", val(5)],
  ['max', "[max(1, 'a')]", unk({ reason: /must be integers/ })],
  ['range', '[range(5, 3)]', val([5, 6, 7])],
  ['range', '[range(0, 100000)]', unk({ reason: /between 0 and 10000/ })],

  // numbers
  ['add', '[add(2, 3)]', val(5)],
  ['add', "[add('a', 1)]", unk({ reason: /must be a number/ })],
  ['sub', '[sub(2, 3)]', val(-1)],
  ['mul', '[mul(4, 3)]', val(12)],
  ['div', '[div(7, 2)]', val(3)],
  ['div', '[div(-7, 2)]', val(-3)],
  ['div', '[div(1, 0)]', unk({ reason: /division by zero/ })],
  ['mod', '[mod(7, 3)]', val(1)],
  ['mod', '[mod(-7, 3)]', val(-1)],
  ['mod', '[mod(1, 0)]', unk({ reason: /division by zero/ })],
  ['add', "[add(parameters('x'), 1)]", unk({ key: "add(parameters('x'), 1)" })],

  // copyIndex
  ['copyIndex', '[copyIndex()]', unk({ key: 'copyIndex()', reason: /outside of a copy loop/ })],
  ['copyIndex', '[copyIndex(1)]', unk({ key: 'add(copyIndex(), 1)' })],
  ['copyIndex', "[copyIndex('loop', 2)]", unk({ key: "add(copyIndex('loop'), 2)" })],
  ['copyIndex', "[copyIndex('x')]", unk({ key: "copyIndex('x')" })],
  ['copyIndex', "[copyIndex(1, 'x')]", unk({ reason: /loop name must come first/ })],
  ['copyIndex', "[copyIndex(createArray())]", unk({ reason: /offset must be an integer/ })],

  // CIDR
  ['parseCidr', "[parseCidr('10.144.0.0/20')]", val({ network: '10.144.0.0', netmask: '255.255.240.0', broadcast: '10.144.15.255', firstUsable: '10.144.0.1', lastUsable: '10.144.15.254', cidr: 20 })],
  ['parseCidr', "[parseCidr('10.0.0.5/32')]", val({ network: '10.0.0.5', netmask: '255.255.255.255', broadcast: '10.0.0.5', firstUsable: '10.0.0.5', lastUsable: '10.0.0.5', cidr: 32 })],
  ['parseCidr', "[parseCidr('10.0.0.6/31').lastUsable]", val('10.0.0.7')],
  ['parseCidr', "[parseCidr('0.0.0.0/0').broadcast]", val('255.255.255.255')],
  ['parseCidr', "[parseCidr('10.1.2.3/24').network]", val('10.1.2.0')],
  ['parseCidr', "[parseCidr('10.0.0.256/24')]", unk({ reason: /not an IPv4 range/ })],
  ['parseCidr', "[parseCidr('fdad:3236:5555::/48')]", unk({ reason: /IPv6/ })],
  ['parseCidr', "[parseCidr(parameters('x')).cidr]", unk({ key: "parseCidr(parameters('x')).cidr" })],
  ['cidrSubnet', "[cidrSubnet('10.144.0.0/20', 24, 4)]", val('10.144.4.0/24')],
  ['cidrSubnet', "[cidrSubnet(parameters('prefix'), 27, 1)]", val('10.0.0.32/27')],
  ['cidrSubnet', "[cidrSubnet('10.144.0.0/20', 16, 0)]", unk({ reason: /must be between \/20 and \/32/ })],
  ['cidrSubnet', "[cidrSubnet('10.144.0.0/20', 24, 16)]", unk({ reason: /out of range \(0\.\.15\)/ })],
  ['cidrHost', "[cidrHost('10.144.3.0/24', 4)]", val('10.144.3.5')],
  ['cidrHost', "[cidrHost('10.144.3.0/24', 254)]", unk({ reason: /out of range \(0\.\.253\)/ })],
  ['cidrHost', "[cidrHost('10.0.0.0/31', 1)]", val('10.0.0.1')],

  // lambdas
  ['lambda', "[lambda('x', 1)]", unk({ reason: /can only be used as an argument/ })],
  ['lambdaVariables', "[lambdaVariables('x')]", unk({ reason: /not defined here/ })],
  ['map', "[map(parameters('list'), lambda('x', toUpper(lambdaVariables('x'))))]", val(['A', 'B', 'C'])],
  ['map', "[map(parameters('list'), lambda('x', 'i', concat(lambdaVariables('x'), string(lambdaVariables('i')))))]", val(['a0', 'b1', 'c2'])],
  ['map', "[map(parameters('rules'), lambda('r', lambdaVariables('r').port))]", val([443, 3443])],
  ['map', "[map(parameters('x'), lambda('r', 1))]", unk({ key: "map(parameters('x'), lambda('r', 1))" })],
  ['map', "[map(parameters('list'), 1)]", unk({ reason: /expects a lambda/ })],
  ['map', "[map('abc', lambda('x', 1))]", unk({ reason: /must be an array/ })],
  ['map', "[map(parameters('list'), lambda('x', map(createArray(1), lambda('y', concat(lambdaVariables('x'), string(lambdaVariables('y'))))))) ]", val([['a1'], ['b1'], ['c1']])],
  ['filter', "[filter(parameters('nums'), lambda('n', greater(lambdaVariables('n'), 2)))]", val([5, 4])],
  ['filter', "[filter(parameters('nums'), lambda('n', parameters('x')))]", unk({ key: "filter([5,1,4], lambda('n', parameters('x')))" })],
  ['filter', "[filter(parameters('nums'), lambda('n', 1))]", unk({ reason: /must return a boolean/ })],
  ['reduce', "[reduce(parameters('nums'), 0, lambda('cur', 'next', add(lambdaVariables('cur'), lambdaVariables('next'))))]", val(10)],
  ['sort', "[sort(parameters('nums'), lambda('a', 'b', less(lambdaVariables('a'), lambdaVariables('b'))))]", val([1, 4, 5])],
  ['sort', "[sort(parameters('nums'), lambda('a', 'b', 'x'))]", unk({ reason: /must return a boolean/ })],
  ['toObject', "[toObject(parameters('rules'), lambda('r', lambdaVariables('r').name))]", val({ r1: { name: 'r1', port: 443 }, r2: { name: 'r2', port: 3443 } })],
  ['toObject', "[toObject(parameters('rules'), lambda('r', lambdaVariables('r').name), lambda('r', lambdaVariables('r').port))]", val({ r1: 443, r2: 3443 })],
  ['toObject', "[toObject(parameters('nums'), lambda('r', lambdaVariables('r')))]", unk({ reason: /keys must be strings/ })],
  ['toObject', "[toObject(createArray('a', 'A'), lambda('x', lambdaVariables('x')))]", val({ A: 'A' })],
  ['toObject', "[length(toObject(range(0, 10000), lambda('x', string(lambdaVariables('x')))))]", val(10000)],
  ['groupBy', "[groupBy(createArray('a', 'A'), lambda('x', lambdaVariables('x')))]", val({ a: ['a', 'A'] })],
  ['shallowMerge', "[shallowMerge(createArray(createObject('Key', 1), createObject('KEY', 2)))]", val({ KEY: 2 })],
  ['mapValues', "[mapValues(parameters('tags'), lambda('v', toUpper(lambdaVariables('v'))))]", val({ env: 'PROD', Owner: 'NET' })],
  ['groupBy', "[groupBy(createArray('ab', 'ac', 'b'), lambda('s', substring(lambdaVariables('s'), 0, 1)))]", val({ a: ['ab', 'ac'], b: ['b'] })],

  // user-defined functions
  ['(user function)', '[ns.double(21)]', val(42)],
  ['(user function)', '[NS.DOUBLE(21)]', val(42)],
  ['(user function)', '[ns.missing(1)]', unk({ key: 'ns.missing(1)', reason: /is not defined/ })],
  ['(user function)', '[ns.double(1, 2)]', unk({ reason: /expects 1 argument, got 2/ })],
  ['(user function)', '[ns.throws()]', unk({ reason: /failed: boom/ })],
];

for (const [fn, expr, expected] of cases) {
  test(`${fn}: ${expr}`, () => {
    check(expr, expected);
  });
}

test('every built-in and special function has at least one table case', () => {
  const covered = new Set(cases.map((c) => c[0].toLowerCase()));
  const names = [...[...BUILTINS.values()].map((b) => b.name), ...SPECIAL_FUNCTIONS];
  const missing = names.filter((n) => !covered.has(n.toLowerCase()));
  assert.deepEqual(missing, []);
});

test('copyIndex inside a loop, with offset and candidates', () => {
  check('[copyIndex()]', val(2), fakeContext({ copyIndex: 2 }));
  check('[copyIndex(10)]', val(12), fakeContext({ copyIndex: 2 }));
  check("[copyIndex('loop', 1)]", val(3), fakeContext({ copyIndex: 2 }));
  const ctx = fakeContext({ copyIndex: new Unknown('copyIndex()', 'count unknown', [0, 1]) });
  check('[copyIndex(1)]', unk({ candidates: [1, 2] }), ctx);
  check("[parameters('list')[copyIndex()]]", unk({ candidates: ['a', 'b'] }), ctx);
});

test('reference passes the Full flag and the evaluated target', () => {
  const ctx = fakeContext();
  evaluateString("[reference(resourceId('s', 'r', 'Microsoft.Network/virtualNetworks', 'v'), '2023-01-01', 'Full')]", ctx);
  evaluateString("[reference('vnet1')]", ctx);
  assert.deepEqual(
    ctx.calls.filter((c) => c.startsWith('reference:')),
    ["reference:'/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/v':true", "reference:'vnet1':false"],
  );
});

test('the same call always gives the same key', () => {
  const a = evaluateString('[uniqueString(resourceGroup().id)]', fakeContext()) as Unknown;
  const b = evaluateString('[UNIQUESTRING( resourceGroup( ).id )]', fakeContext()) as Unknown;
  assert.ok(a instanceof Unknown && b instanceof Unknown);
  assert.equal(a.key, b.key);
});

// Systematic checks over the whole built-in table: unknown arguments, wrong arity, wrong types.
const CONTAINER_OK = new Set(['createarray', 'array', 'createobject', 'coalesce', 'concat', 'format', 'join', 'union', 'length', 'empty', 'contains', 'equals']);
for (const b of BUILTINS.values()) {
  const lname = b.name.toLowerCase();
  if (b.min >= 1) {
    test(`${b.name}: unknown arguments give an Unknown (or a value that does not depend on them)`, () => {
      const args = Array.from({ length: Math.max(b.min, 1) }, () => "parameters('x')").join(', ');
      const v = evaluateString(`[${b.name}(${args})]`, fakeContext());
      if (!(v instanceof Unknown)) {
        assert.ok(CONTAINER_OK.has(lname) || ['parameters', 'variables', 'resourceinfo', 'reference'].includes(lname), `${b.name} returned ${JSON.stringify(v)}`);
      } else {
        assert.ok(v.key.length > 0 && v.reason.length > 0);
      }
    });
  }
  if (b.max !== Infinity) {
    test(`${b.name}: too many arguments give an Unknown with a reason`, () => {
      const args = Array.from({ length: b.max + 1 }, () => '1').join(', ');
      const v = evaluateString(`[${b.name}(${args})]`, fakeContext());
      assert.ok(v instanceof Unknown, `${b.name} returned ${JSON.stringify(v)}`);
      assert.match(v.reason, /expects/);
    });
  }
  if (b.min >= 2) {
    test(`${b.name}: too few arguments give an Unknown with a reason`, () => {
      const v = evaluateString(`[${b.name}(1)]`, fakeContext());
      assert.ok(v instanceof Unknown);
      assert.match(v.reason, /expects/);
    });
  }
  test(`${b.name}: wrong-typed arguments never throw`, () => {
    for (const arg of ['createObject()', 'createArray()', 'null', 'true', "'s'", '-1', '99999999999999999999']) {
      const n = Math.max(b.min, 1);
      const args = Array.from({ length: Math.min(n, b.max === Infinity ? n : b.max) }, () => arg).join(', ');
      const v = evaluateString(`[${b.name}(${args})]`, fakeContext());
      assert.ok(v === null || ['string', 'number', 'boolean', 'object'].includes(typeof v));
    }
  });
}
