import * as fs from 'fs';
import * as path from 'path';
import { buildTemplate } from '../../server/src/template/builder';
import type { Resource, Template } from '../../server/src/template/model';
import { displayValue, type Value } from '../../server/src/expressions/value';

/** Repository root (tests run from out/test/template). */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const fixtureDir = path.join(repoRoot, 'test', 'fixtures', 'template');
export const corpusDir = path.join(repoRoot, '..', 'shared', 'corpus');

export function readFile(p: string): string | undefined {
  try {
    return fs.readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
}

export function fixture(name: string, parametersFile?: string): Template {
  const file = path.join(fixtureDir, name);
  return buildTemplate({
    file,
    text: fs.readFileSync(file, 'utf8'),
    parametersFile: parametersFile ? path.join(fixtureDir, parametersFile) : undefined,
    readFile,
  });
}

export function inline(json: unknown, extra: { parametersText?: string; copyLimit?: number } = {}): Template {
  const text = typeof json === 'string' ? json : JSON.stringify(json, null, 2);
  const files: Record<string, string> = { '/virtual/params.json': extra.parametersText ?? '' };
  return buildTemplate({
    file: '/virtual/main.json',
    text,
    parametersFile: extra.parametersText !== undefined ? '/virtual/params.json' : undefined,
    readFile: (p) => files[p],
    copyLimit: extra.copyLimit,
  });
}

/** Display form of a value (unknowns as {key}). */
export function show(v: Value): string {
  return displayValue(v, 100000);
}

export function byName(t: Template, name: string, type?: string): Resource {
  const r = t.resources.find((x) => show(x.name) === name && (!type || x.type.toLowerCase() === type.toLowerCase()));
  if (!r) throw new Error(`no resource named ${name}; have ${t.resources.map((x) => `${x.type} ${show(x.name)}`).join(', ')}`);
  return r;
}

/** Path access into an evaluated value. */
export function at(v: Value, ...keys: (string | number)[]): Value {
  let cur: Value = v;
  for (const k of keys) {
    if (cur === null || typeof cur !== 'object') return undefined as unknown as Value;
    cur = (cur as Record<string, Value>)[k as string];
  }
  return cur;
}
