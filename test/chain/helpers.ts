/** Shared helpers for the chain / usage / report tests. */
import * as fs from 'fs';
import * as path from 'path';
import { buildTemplate } from '../../server/src/template/builder';
import { buildChain } from '../../server/src/network/chain';
import type { Template, Resource } from '../../server/src/template/model';
import type { ApimService, Link } from '../../server/src/network/chain-model';
import { displayValue, type Value } from '../../server/src/expressions/value';

/** Repository root (out/test/chain → ../../..). */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const fixtureDir = path.join(repoRoot, 'test', 'fixtures', 'chain');
export const corpusDir = path.join(repoRoot, '..', 'shared', 'corpus');

const readFile = (p: string): string | undefined => {
  try {
    return fs.readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
};

export function load(file: string, parametersFile?: string): { template: Template; services: ApimService[] } {
  const text = fs.readFileSync(file, 'utf8');
  const template = buildTemplate({ file, text, readFile, parametersFile });
  return { template, services: buildChain(template) };
}

export function fixture(name: string): { template: Template; services: ApimService[]; file: string } {
  const file = path.join(fixtureDir, name);
  return { ...load(file), file };
}

export function service(services: ApimService[], name: string): ApimService {
  const s = services.find((x) => displayValue(x.resource.name) === name);
  if (!s) throw new Error(`no APIM service named ${name}; have ${services.map((x) => displayValue(x.resource.name)).join(', ')}`);
  return s;
}

/** Name of a resolved link's target (string form), or `<status>` otherwise. */
export function targetName(link: Link<Resource> | Link<{ resource: Resource }>): string {
  if (link.status !== 'resolved') return `<${link.status}>`;
  const t = link.target as Resource | { resource: Resource };
  const r: Resource = 'scope' in t ? (t as Resource) : (t as { resource: Resource }).resource;
  return displayValue(r.name);
}

export function str(v: Value | undefined): string {
  return v === undefined ? '<undefined>' : displayValue(v, 400);
}

/** 1-based line of an offset in a text. */
export function lineOf(text: string, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}
