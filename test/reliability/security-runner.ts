/**
 * Child-process runner for security.test.ts (run under the guard preload): analyzes the
 * template named on the command line with a readFile that records each request, and prints
 * { findings, readRequests } as JSON.
 */
import * as fs from 'fs';
import * as path from 'path';
import { analyze } from '../../server/src/analyzer';

const file = path.resolve(process.argv[2]);
const root = path.dirname(file);
const readRequests: string[] = [];
const result = analyze({
  file,
  text: fs.readFileSync(file, 'utf8'),
  readFile: (p: string) => {
    readRequests.push(p);
    const abs = path.resolve(root, p);
    if (!abs.startsWith(root + path.sep)) return undefined;
    try {
      return fs.readFileSync(abs, 'utf8');
    } catch {
      return undefined;
    }
  },
});
process.stdout.write(JSON.stringify({ findings: result.findings, readRequests, diagnostics: result.template?.diagnostics.map((d) => d.message) ?? [] }));
