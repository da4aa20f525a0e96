#!/usr/bin/env node
// `npm run demo`: the CLI on the bundled example templates, with the resolved network chain and
// requirement table of each APIM service (--explain). The examples are misconfigured on purpose,
// so the CLI's exit status 1 ("findings") is the expected outcome here; 2 (a usage or input
// error) is passed on.
'use strict';
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.join(__dirname, '..');
const r = spawnSync(process.execPath, [path.join(root, 'bin', 'apim-vnet-lint.js'), '--explain', 'examples', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(r.status === 1 ? 0 : r.status === null ? 1 : r.status);
