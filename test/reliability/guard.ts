/**
 * Child processes under the guard preload (test/fixtures/reliability/guard-preload.js), which
 * records file reads/opens and refuses (and records) network use; and a small APIM template.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT } from './common';
import { SCHEMA } from './generators';

export const BIN = path.join(REPO_ROOT, 'bin', 'apim-vnet-lint.js');
export const GUARD = path.join(REPO_ROOT, 'test', 'fixtures', 'reliability', 'guard-preload.js');

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Files read whole. */
  reads: string[];
  /** Files opened (e.g. to read a head). */
  opens: string[];
  net: string[];
}

/** Runs the CLI with the guard preload; killed (and failed) after `timeoutMs`. */
export function runGuarded(script: string, args: string[], cwd: string, timeoutMs = 60_000): Promise<Run> {
  const logFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'apim-guard-')), 'log');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', GUARD, script, ...args], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, RELIABILITY_GUARD_LOG: logFile },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${path.basename(script)} ${args.join(' ')} did not finish within ${timeoutMs} ms (hang)`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      const lines = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').filter(Boolean) : [];
      if (!lines.includes('guard installed')) {
        reject(new Error(`the guard preload did not run; stderr: ${stderr.slice(-2000)}`));
        return;
      }
      resolve({
        status,
        stdout,
        stderr,
        reads: lines.filter((l) => l.startsWith('read ')).map((l) => l.slice(5)),
        opens: lines.filter((l) => l.startsWith('open ')).map((l) => l.slice(5)),
        net: lines.filter((l) => l.startsWith('net ')),
      });
    });
  });
}

export function tempDir(): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'apim-rel-')));
}

export function write(dir: string, rel: string, text: string): string {
  const p = path.join(dir, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
  return p;
}

export function apim(extraResources: unknown[] = [], pad?: string): string {
  return JSON.stringify(
    {
      $schema: SCHEMA,
      contentVersion: '1.0.0.0',
      resources: [
        ...extraResources,
        {
          type: 'Microsoft.ApiManagement/service',
          apiVersion: '2022-08-01',
          name: 'apim',
          location: 'westeurope',
          sku: { name: 'Basic', capacity: 1 },
          properties: {
            publisherEmail: 'a@contoso.com',
            publisherName: 'Contoso',
            virtualNetworkType: 'External',
            virtualNetworkConfiguration: { subnetResourceId: "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'apim')]" },
          },
          ...(pad ? { tags: { pad } } : {}),
        },
      ],
    },
    null,
    2,
  );
}

