#!/usr/bin/env node
'use strict';
// Profiling helper: analyze one file N times (a fresh text each time: no parse cache).
//   node --cpu-prof --cpu-prof-dir=/tmp/prof bench/profile.js <file> [N]
//   node bench/profile-top.js /tmp/prof/*.cpuprofile
const fs = require('fs');
const { analyze } = require('../out/server/src/analyzer.js');
const f = process.argv[2];
const text = fs.readFileSync(f, 'utf8');
const n = Number(process.argv[3]) || 5;
for (let i = 0; i < n; i++) analyze({ file: f, text: text + ' '.repeat(i + 1) });
