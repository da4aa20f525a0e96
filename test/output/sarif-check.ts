/**
 * SARIF 2.1.0 structure check used by the output and CLI tests: the REQUIRED properties of every
 * object kind the tool emits, written from the OASIS schema's `required` lists
 * (sarifLog: version, runs; run: tool; tool: driver; toolComponent: name; reportingDescriptor: id;
 * multiformatMessageString: text; result: message; message: text or id (anyOf); physicalLocation:
 * artifactLocation or address (anyOf); fix: artifactChanges; artifactChange: artifactLocation,
 * replacements; replacement: deletedRegion; invocation: executionSuccessful; notification: message), plus the value
 * constraints we rely on (1-based regions, ruleIndex pointing at its rule). No network.
 */
import assert from 'node:assert/strict';

// ---- SARIF 2.1.0: the REQUIRED properties of every object kind we emit, from the OASIS schema
// (sarif-schema-2.1.0.json "required" lists; message and physicalLocation use anyOf).
export type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
function requireProps(kind: string, o: unknown, props: string[]): Obj {
  assert.ok(isObj(o), `${kind} must be an object`);
  for (const p of props) assert.ok(p in o, `${kind}.${p} is required`);
  return o;
}
function checkMessage(kind: string, m: unknown) {
  const o = requireProps(kind, m, []);
  assert.ok(typeof o.text === 'string' || typeof o.id === 'string', `${kind}: message needs text or id`);
}
function checkMultiformat(kind: string, m: unknown) {
  const o = requireProps(kind, m, ['text']);
  assert.equal(typeof o.text, 'string');
}
function checkArtifactLocation(kind: string, a: unknown) {
  const o = requireProps(kind, a, []);
  assert.equal(typeof o.uri, 'string', `${kind}.uri`);
  assert.ok(!String(o.uri).includes('\\'), 'uri uses forward slashes');
}
function checkRegion(kind: string, r: unknown) {
  const o = requireProps(kind, r, []);
  for (const k of ['startLine', 'startColumn', 'endLine', 'endColumn']) {
    assert.ok(Number.isInteger(o[k]) && (o[k] as number) >= 1, `${kind}.${k} is a 1-based integer`);
  }
  if ('charOffset' in o) assert.ok((o.charOffset as number) >= 0);
}
function checkPhysicalLocation(kind: string, p: unknown) {
  const o = requireProps(kind, p, []);
  assert.ok('artifactLocation' in o || 'address' in o, `${kind}: artifactLocation or address`);
  checkArtifactLocation(`${kind}.artifactLocation`, o.artifactLocation);
  checkRegion(`${kind}.region`, o.region);
}
function checkLocation(kind: string, l: unknown) {
  const o = requireProps(kind, l, []);
  checkPhysicalLocation(`${kind}.physicalLocation`, o.physicalLocation);
  if ('message' in o) checkMessage(`${kind}.message`, o.message);
  if ('id' in o) assert.ok(Number.isInteger(o.id) && (o.id as number) >= -1);
}
function checkFix(kind: string, f: unknown) {
  const o = requireProps(kind, f, ['artifactChanges']);
  if ('description' in o) checkMessage(`${kind}.description`, o.description);
  assert.ok(Array.isArray(o.artifactChanges) && o.artifactChanges.length >= 1);
  for (const c of o.artifactChanges as unknown[]) {
    const ch = requireProps(`${kind}.artifactChange`, c, ['artifactLocation', 'replacements']);
    checkArtifactLocation(`${kind}.artifactChange.artifactLocation`, ch.artifactLocation);
    assert.ok(Array.isArray(ch.replacements) && ch.replacements.length >= 1);
    for (const r of ch.replacements as unknown[]) {
      const rep = requireProps(`${kind}.replacement`, r, ['deletedRegion']);
      const dr = requireProps(`${kind}.replacement.deletedRegion`, rep.deletedRegion, []);
      assert.ok(Number.isInteger(dr.charOffset) && (dr.charOffset as number) >= 0);
      assert.ok(Number.isInteger(dr.charLength) && (dr.charLength as number) >= 0);
      if ('insertedContent' in rep) assert.equal(typeof (rep.insertedContent as Obj).text, 'string');
    }
  }
}

/** Checks a SARIF log against the schema's required properties at every level we emit. */
export function checkSarif(log: unknown): Obj {
  const root = requireProps('sarifLog', log, ['version', 'runs']);
  assert.equal(root.version, '2.1.0');
  assert.equal(typeof root.$schema, 'string');
  assert.ok(Array.isArray(root.runs) && root.runs.length === 1);
  const run = requireProps('run', root.runs[0], ['tool']);
  const tool = requireProps('tool', run.tool, ['driver']);
  const driver = requireProps('toolComponent', tool.driver, ['name']);
  for (const k of ['name', 'version', 'informationUri', 'semanticVersion']) assert.equal(typeof driver[k], 'string', `driver.${k}`);
  assert.ok(Array.isArray(driver.rules));
  const rules = driver.rules as unknown[];
  for (const r of rules) {
    const rd = requireProps('reportingDescriptor', r, ['id']);
    assert.equal(typeof rd.name, 'string');
    checkMultiformat('reportingDescriptor.shortDescription', rd.shortDescription);
    assert.match(String(rd.helpUri), /^https:\/\//);
    const dc = requireProps('reportingConfiguration', rd.defaultConfiguration, []);
    assert.ok(['error', 'warning', 'note', 'none'].includes(String(dc.level)));
  }
  for (const inv of (run.invocations as unknown[]) ?? []) {
    const i = requireProps('invocation', inv, ['executionSuccessful']);
    assert.equal(typeof i.executionSuccessful, 'boolean');
    for (const n of (i.toolExecutionNotifications as unknown[]) ?? []) checkMessage('notification.message', requireProps('notification', n, ['message']).message);
  }
  assert.ok(Array.isArray(run.results));
  for (const res of run.results as unknown[]) {
    const r = requireProps('result', res, ['message']);
    checkMessage('result.message', r.message);
    assert.equal(typeof r.ruleId, 'string');
    assert.ok(['error', 'warning', 'note', 'none'].includes(String(r.level)));
    if ('ruleIndex' in r) assert.equal((rules[r.ruleIndex as number] as Obj).id, r.ruleId, 'ruleIndex points at the rule');
    assert.ok(Array.isArray(r.locations) && r.locations.length === 1);
    checkLocation('result.locations[0]', r.locations[0]);
    assert.ok(Array.isArray(r.relatedLocations));
    for (const rl of r.relatedLocations as unknown[]) {
      checkLocation('result.relatedLocations[]', rl);
      assert.ok('id' in (rl as Obj) && 'message' in (rl as Obj));
    }
    for (const f of (r.fixes as unknown[]) ?? []) checkFix('result.fixes[]', f);
    if ('partialFingerprints' in r) for (const v of Object.values(r.partialFingerprints as Obj)) assert.equal(typeof v, 'string');
  }
  return run;
}

