#!/usr/bin/env node
'use strict';
// The CLI baseline: read every .json/.jsonc file under the given directories and parseTree it,
// one after the other, nothing else. `node bench/parse-baseline.js <dir>...`
const fs = require('fs');
const path = require('path');
const { parseTree } = require('jsonc-parser');

let files = 0;
let bytes = 0;
function walk(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.isFile() && /\.jsonc?$/i.test(e.name)) {
      const text = fs.readFileSync(p, 'utf8');
      parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
      files++;
      bytes += text.length;
    }
  }
}
for (const d of process.argv.slice(2)) walk(d);
process.stdout.write(`${files} files, ${bytes} chars parsed\n`);
