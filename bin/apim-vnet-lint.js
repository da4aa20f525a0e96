#!/usr/bin/env node
// CLI entry point: node bin/apim-vnet-lint.js [options] <file|dir>...  (see --help)
'use strict';
const { main } = require('../out/server/src/cli.js');
process.exitCode = main(process.argv.slice(2));
