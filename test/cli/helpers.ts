/** Helpers for the CLI tests: run the real bin as a process, build temp trees from fixtures. */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const repoRoot = path.join(__dirname, '..', '..', '..');
export const bin = path.join(repoRoot, 'bin', 'apim-vnet-lint.js');
export const fixtures = path.join(repoRoot, 'test', 'fixtures', 'cli');

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the bin as a real process (async, so tests can run concurrently); killed after `deadlineMs`. */
export function runCli(args: string[], cwd: string = repoRoot, deadlineMs = 60_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill(), deadlineMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** A fresh temp folder (real path, so displayed paths are predictable). */
export function tempDir(prefix = 'apim-cli-'): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
}

/** Copies fixture `name` to `dir/rel` (creating folders). */
export function copyFixture(name: string, dir: string, rel: string = name): string {
  const dest = path.join(dir, rel);
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.copyFileSync(path.join(fixtures, name), dest);
  return dest;
}

export function write(dir: string, rel: string, text: string): string {
  const dest = path.join(dir, rel);
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.writeFileSync(dest, text);
  return dest;
}

/** Rule ids per line of text output (`path:line:col severity message [rule-id]`). */
export function findingLines(stdout: string): { path: string; line: number; column: number; severity: string; ruleId: string }[] {
  const out = [];
  for (const l of stdout.split('\n')) {
    const m = /^(.+?):(\d+):(\d+) (error|warning|info) .* \[([a-z0-9-]+)\]$/.exec(l);
    if (m) out.push({ path: m[1], line: Number(m[2]), column: Number(m[3]), severity: m[4], ruleId: m[5] });
  }
  return out;
}

export function noStackTrace(s: string): boolean {
  return !/\n\s+at .+:\d+:\d+\)?\n/.test(s) && !/Error: .*\n\s+at /.test(s);
}
