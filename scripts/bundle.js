#!/usr/bin/env node
// Bundles the extension with esbuild: the VS Code client (dist/client.js, `vscode` external) and
// the language server (dist/server.js, self-contained: the packaged extension ships no node_modules).
// Usage: node scripts/bundle.js [--minify] [--sourcemap] [--outdir DIR]   (default DIR: dist)
'use strict';
const path = require('path');
const esbuild = require('esbuild');

const root = path.join(__dirname, '..');
const args = process.argv.slice(2);
const outIdx = args.indexOf('--outdir');
const outdir = outIdx >= 0 && args[outIdx + 1] ? path.resolve(args[outIdx + 1]) : path.join(root, 'dist');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: args.includes('--minify'),
  sourcemap: args.includes('--sourcemap'),
  logLevel: 'warning',
  // prefer ESM builds: jsonc-parser's UMD build uses dynamic requires esbuild cannot follow
  mainFields: ['module', 'main'],
  legalComments: 'none',
};

async function main() {
  const results = await Promise.all([
    esbuild.build({
      ...common,
      entryPoints: [path.join(root, 'client', 'src', 'extension.ts')],
      outfile: path.join(outdir, 'client.js'),
      external: ['vscode'],
      metafile: true,
    }),
    esbuild.build({
      ...common,
      entryPoints: [path.join(root, 'server', 'src', 'lsp', 'main.ts')],
      outfile: path.join(outdir, 'server.js'),
      external: ['vscode'],
      metafile: true,
    }),
  ]);
  for (const r of results) {
    for (const [file, info] of Object.entries(r.metafile.outputs)) {
      if (file.endsWith('.js')) console.log(`bundle: ${path.resolve(root, file)} ${(info.bytes / 1024).toFixed(0)} KiB`);
    }
  }
  // The server bundle must never pull in `vscode` (the core and the server are editor-independent).
  const serverInputs = Object.keys(results[1].metafile.inputs);
  if (serverInputs.some((i) => /node_modules[\\/]vscode[\\/]/.test(i) || i === 'vscode')) {
    throw new Error('dist/server.js depends on the vscode module');
  }
}

main().catch((e) => {
  console.error(e && e.message ? e.message : e);
  process.exit(1);
});
