#!/usr/bin/env node
// CLI entry point: node bin/apim-vnet-lint.js [options] <file|dir>...  (see --help)
'use strict';
// A closed pipe (`... | head`) is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e && e.code === 'EPIPE') process.exit(process.exitCode === undefined ? 0 : process.exitCode);
    throw e;
  });
}
const { main } = require('../out/server/src/cli.js');
process.exitCode = main(process.argv.slice(2));
