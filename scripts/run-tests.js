#!/usr/bin/env node
// Runs every compiled test file (out/test/**/*.test.js) with Node's built-in test runner.
// Usage: node scripts/run-tests.js [--unit] [filter...]
//   --unit     skip the slow suites (lsp protocol, VS Code integration)
//   filter     only files whose path contains one of the given substrings
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.join(__dirname, '..');
const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const filters = args.filter((a) => !a.startsWith('--'));

function walk(dir, out) {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

let files = walk(path.join(root, 'out', 'test'), []).sort();
// VS Code integration tests are plain JS (not compiled): test/vscode/*.test.js
const vscodeDir = path.join(root, 'test', 'vscode');
if (fs.existsSync(vscodeDir)) files.push(...fs.readdirSync(vscodeDir).filter((f) => f.endsWith('.test.js')).map((f) => path.join(vscodeDir, f)));
if (unitOnly) files = files.filter((f) => !/[\\/](lsp|vscode)[\\/]/.test(f));
if (filters.length) files = files.filter((f) => filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('run-tests: no test files found under out/test (did the build run?)');
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...files], { stdio: 'inherit', cwd: root });
process.exit(r.status === null ? 1 : r.status);
