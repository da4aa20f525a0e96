#!/usr/bin/env node
// APIM VNet Lint language server, standalone: `apim-vnet-language-server --stdio`
// (also --node-ipc or --socket=<port>). Uses the esbuild bundle when present (packaged
// extension), else the TypeScript build output (`npm run build`).
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const candidates = [path.join(root, 'out', 'server', 'src', 'lsp', 'main.js'), path.join(root, 'dist', 'server.js')];
if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write('Usage: apim-vnet-language-server --stdio | --node-ipc | --socket=<port>\n');
  process.exit(0);
}
if (!process.argv.some((a) => a === '--stdio' || a === '--node-ipc' || a.startsWith('--socket=') || a.startsWith('--pipe='))) {
  process.argv.push('--stdio');
}
const main = candidates.find((p) => fs.existsSync(p));
if (!main) {
  process.stderr.write('apim-vnet-language-server: not built; run `npm run build` (or `npm run bundle`) first.\n');
  process.exit(2);
}
require(main);
