/**
 * Helpers for the end-to-end quick-fix tests: run the real CLI as a process, render fixtures in
 * several text styles, and check fixed files (strict JSON, NSG priority uniqueness).
 */
import { runCli as runCliProcess, tempDir as tempDirIn } from '../cli/helpers';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseTree, parse, type ParseError } from 'jsonc-parser';

export const repoRoot = path.join(__dirname, '..', '..', '..');
export const fixturesDir = path.join(repoRoot, 'test', 'fixtures', 'fixes-e2e');
export const corpusDir = path.join(repoRoot, '..', 'shared', 'corpus');

export type { RunResult } from '../cli/helpers';

/** Runs the bin as a real process. The deadline is generous: the suite runs on a shared 2-core box. */
export function runCli(args: string[], cwd: string = repoRoot, deadlineMs = 240_000) {
  return runCliProcess(args, cwd, deadlineMs);
}

export function tempDir(prefix: string): string {
  return tempDirIn(prefix);
}

export type Variant = '2-spaces' | '4-spaces' | 'tabs' | 'crlf-comments';
export const VARIANTS: Variant[] = ['2-spaces', '4-spaces', 'tabs', 'crlf-comments'];

/**
 * Renders a JSON value in a style. `crlf-comments`: 2 spaces, CRLF, a block comment after the
 * opening brace, a line comment before every `"type"` member and one at the end of every
 * `"name"` line of a resource. Returns the text and the comments it holds.
 */
export function render(value: unknown, variant: Variant): { text: string; comments: string[] } {
  if (variant === '2-spaces') return { text: JSON.stringify(value, null, 2) + '\n', comments: [] };
  if (variant === '4-spaces') return { text: JSON.stringify(value, null, 4) + '\n', comments: [] };
  if (variant === 'tabs') return { text: JSON.stringify(value, null, '\t') + '\n', comments: [] };
  const comments: string[] = [];
  const lines = JSON.stringify(value, null, 2).split('\n');
  const out: string[] = [];
  lines.forEach((l, i) => {
    const ws = /^[ ]*/.exec(l)![0];
    const type = /^\s*"type": "([^"]+)"/.exec(l);
    if (type) {
      const c = `// resource ${i}: ${type[1]}`;
      comments.push(c);
      out.push(ws + c);
    }
    if (/^\s*"name": "[^"]*",$/.test(l) && i % 3 === 0) {
      const c = `/* name ${i} */`;
      comments.push(c);
      out.push(`${l} ${c}`);
    } else out.push(l);
    if (i === 0) {
      const c = '/* fixes-e2e fixture: CRLF and comments */';
      comments.push(c);
      out.push('  ' + c);
    }
  });
  return { text: out.join('\r\n') + '\r\n', comments };
}

export function strictJsonErrors(text: string): ParseError[] {
  const errors: ParseError[] = [];
  parseTree(text.replace(/^\ufeff/, ''), errors, { allowTrailingComma: false, disallowComments: true });
  return errors;
}

export function jsoncErrors(text: string): ParseError[] {
  const errors: ParseError[] = [];
  parseTree(text.replace(/^\ufeff/, ''), errors, { allowTrailingComma: true, disallowComments: false });
  return errors;
}

/**
 * Every (NSG, direction, priority) and (NSG, rule name) that occurs more than once among literal
 * rules (Azure rejects both): inline
 * `securityRules` of NSG resources and `networkSecurityGroups/securityRules` child resources
 * (grouped by their parent name), at any nesting depth (nested deployments' inline templates,
 * symbolic-name resource objects).
 */
export function duplicatePriorities(text: string): string[] {
  const value = parse(text.replace(/^\ufeff/, ''), [], { allowTrailingComma: true });
  const seen = new Map<string, number>();
  const dups: string[] = [];
  const names = new Set<string>();
  const noteName = (nsg: string, name: unknown) => {
    if (typeof name !== 'string' || name.startsWith('[')) return;
    const key = `${nsg}\0${name.toLowerCase()}`;
    if (names.has(key)) dups.push(`${nsg} rule name ${name}`);
    names.add(key);
  };
  const note = (nsg: string, direction: unknown, priority: unknown) => {
    if (typeof priority !== 'number' || typeof direction !== 'string') return;
    const key = `${nsg}\0${direction.toLowerCase()}\0${priority}`;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    if (n === 2) dups.push(`${nsg} ${direction} ${priority}`);
  };
  let anon = 0;
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) {
      for (const x of v) visit(x);
      return;
    }
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    const type = typeof o.type === 'string' ? o.type.toLowerCase() : '';
    const props = (o.properties && typeof o.properties === 'object' ? o.properties : {}) as Record<string, unknown>;
    if (type === 'microsoft.network/networksecuritygroups') {
      const name = typeof o.name === 'string' ? o.name.toLowerCase() : `#anon${anon++}`;
      if (Array.isArray(props.securityRules)) {
        for (const r of props.securityRules) {
          const p = r && typeof r === 'object' ? (r as Record<string, any>).properties : undefined;
          if (p && typeof p === 'object') note(name, p.direction, p.priority);
          if (r && typeof r === 'object') noteName(name, (r as Record<string, unknown>).name);
        }
      }
    } else if (type === 'microsoft.network/networksecuritygroups/securityrules' && typeof o.name === 'string' && !o.name.startsWith('[')) {
      note(o.name.split('/')[0].toLowerCase(), props.direction, props.priority);
      noteName(o.name.split('/')[0].toLowerCase(), o.name.split('/').slice(1).join('/'));
    }
    for (const k of Object.keys(o)) visit(o[k]);
  };
  visit(value);
  return dups;
}

/** All files under a directory (recursive), relative paths with `/`. */
export function listFiles(dir: string, base = dir, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) listFiles(p, base, out);
    else out.push(path.relative(base, p).split(path.sep).join('/'));
  }
  return out.sort();
}

export function snapshot(dir: string): Map<string, Buffer> {
  return new Map(listFiles(dir).map((f) => [f, fs.readFileSync(path.join(dir, f))] as const));
}

export interface JsonReportFile {
  path: string;
  kind: string;
  findings: { ruleId: string; message: string; fixes: { id: string; isPreferred: boolean }[]; noFixReason?: string }[];
}

export function parseReport(stdout: string): JsonReportFile[] {
  return (JSON.parse(stdout) as { files: JsonReportFile[] }).files;
}

/**
 * Resources declared twice (same type and literal name, case-insensitive) in one template scope
 * (the root, or a nested deployment's inline template): ARM rejects such a template.
 */
export function duplicateResources(text: string): string[] {
  const value = parse(text.replace(/^\ufeff/, ''), [], { allowTrailingComma: true });
  const dups: string[] = [];
  const scope = (tpl: unknown): void => {
    if (!tpl || typeof tpl !== 'object') return;
    const res = (tpl as Record<string, unknown>).resources;
    const list: unknown[] = Array.isArray(res) ? res : res && typeof res === 'object' ? Object.values(res) : [];
    const seen = new Set<string>();
    const visit = (r: unknown, parent?: string): void => {
      if (!r || typeof r !== 'object') return;
      const o = r as Record<string, any>;
      if (typeof o.type === 'string' && typeof o.name === 'string' && !o.name.startsWith('[') && o.copy === undefined) {
        // extension resources (diagnostic settings, locks, ...) are per `scope`
        const key = `${parent ? parent + '/' : ''}${typeof o.scope === 'string' ? o.scope + '::' : ''}${o.type}/${o.name}`.toLowerCase();
        if (seen.has(key)) dups.push(key);
        seen.add(key);
        for (const child of Array.isArray(o.resources) ? o.resources : []) visit(child, key);
      }
      if (typeof o.type === 'string' && o.type.toLowerCase() === 'microsoft.resources/deployments') scope(o.properties?.template);
    };
    for (const r of list) visit(r);
  };
  scope(value);
  return dups;
}
