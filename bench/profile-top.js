#!/usr/bin/env node
'use strict';
// Summarizes a .cpuprofile: top functions by self time and by total (inclusive) time.
const fs = require('fs');
const p = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of p.nodes) for (const c of n.children || []) parent.set(c, n.id);
const cnt = new Map();
for (let i = 0; i < p.samples.length; i++) cnt.set(p.samples[i], (cnt.get(p.samples[i]) || 0) + (p.timeDeltas[i] || 0));
const key = (n) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber + 1}`;
const self = new Map();
const tot = new Map();
for (const [id, t] of cnt) {
  const k = key(byId.get(id));
  self.set(k, (self.get(k) || 0) + t);
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const kk = key(byId.get(cur));
    if (!seen.has(kk)) {
      seen.add(kk);
      tot.set(kk, (tot.get(kk) || 0) + t);
    }
  }
}
const all = [...cnt.values()].reduce((a, b) => a + b, 0);
const show = (m, n) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).forEach(([k, v]) => console.log(`${((v / all) * 100).toFixed(1).padStart(5)}%  ${k}`));
console.log('SELF');
show(self, 25);
console.log('TOTAL');
show(tot, 40);
