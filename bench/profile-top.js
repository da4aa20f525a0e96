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

// --tree[=pct]: the call tree, siblings with the same function merged, branches under pct % cut.
const treeArg = process.argv.find((a) => a.startsWith('--tree'));
if (treeArg) {
  const min = Number(treeArg.split('=')[1] || 1.5);
  const incl = new Map();
  const inclOf = (id) => {
    if (incl.has(id)) return incl.get(id);
    const n = byId.get(id);
    let s = cnt.get(id) || 0;
    for (const c of n.children || []) s += inclOf(c);
    incl.set(id, s);
    return s;
  };
  const print = (ids, depth) => {
    const groups = new Map();
    for (const id of ids) {
      const k = key(byId.get(id));
      const g = groups.get(k) || { t: 0, kids: [] };
      g.t += inclOf(id);
      g.kids.push(...(byId.get(id).children || []));
      groups.set(k, g);
    }
    for (const [k, g] of [...groups].sort((a, b) => b[1].t - a[1].t)) {
      const pct = (g.t / all) * 100;
      if (pct < min) continue;
      console.log(`${'  '.repeat(depth)}${pct.toFixed(1)}% ${k}`);
      print(g.kids, depth + 1);
    }
  };
  console.log('TREE');
  print([p.nodes[0].id], 0);
}
