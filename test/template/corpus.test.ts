import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { buildTemplate, detectDocumentKind, readParameterFile } from '../../server/src/template/builder';
import { corpusDir, readFile } from './helpers';

function jsonFiles(dir: string, out: string[] = []): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) jsonFiles(p, out);
    else if (/\.jsonc?$/i.test(e.name)) out.push(p);
  }
  return out;
}

const filesDir = path.join(corpusDir, 'files');
const skip = !fs.existsSync(filesDir) && 'shared corpus absent (../shared/corpus)';

test('every corpus template and parameter file builds without an exception', { skip }, () => {
  const files = jsonFiles(filesDir);
  assert.ok(files.length > 0);
  let templates = 0;
  let params = 0;
  let resources = 0;
  for (const f of files) {
    const text = fs.readFileSync(f, 'utf8');
    const kind = detectDocumentKind(text, f);
    if (kind === 'parameters') {
      readParameterFile(text, f);
      params++;
      continue;
    }
    const t = buildTemplate({ file: f, text, readFile });
    templates++;
    resources += t.resources.length;
    // touch what the network layer reads: names, ids, APIM properties and their subnet references
    for (const r of t.resources) {
      void r.name;
      void r.id;
      void r.condition;
    }
    for (const apim of t.resourcesOfType('Microsoft.ApiManagement/service')) {
      const vnc = apim.properties().virtualNetworkConfiguration;
      if (vnc && typeof vnc === 'object' && !Array.isArray(vnc)) t.resolveId((vnc as Record<string, never>).subnetResourceId ?? null);
      apim.dependsOn();
    }
    for (const s of t.resourcesOfType('Microsoft.Network/virtualNetworks/subnets')) s.properties();
  }
  console.log(`corpus: ${templates} templates (${resources} resources), ${params} parameter files`);
  assert.ok(templates > 0);
});

test('a 3 MB AVM template builds lazily (resources and names) in bounded time', { skip }, () => {
  const f = path.join(filesDir, 'Azure__bicep-registry-modules/avm/ptn/aca-lza/hosting-environment/main.json');
  if (!fs.existsSync(f)) return;
  const text = fs.readFileSync(f, 'utf8');
  const t0 = Date.now();
  const t = buildTemplate({ file: f + '#perf', text, readFile });
  const n = t.resources.length;
  for (const r of t.resources) void r.id;
  const ms = Date.now() - t0;
  console.log(`AVM ${Math.round(text.length / 1024)} KB: ${n} resources, ids in ${ms} ms`);
  assert.ok(n > 100);
  assert.ok(ms < 20000, `took ${ms} ms`);
});
