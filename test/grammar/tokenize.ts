// Test helper: tokenizes JSON / JSONC text with VS Code's own TextMate engine (vscode-textmate +
// vscode-oniguruma), VS Code's JSON grammars (shipped by the tm-grammars package, MIT, from
// microsoft/vscode extensions/json) and our injection grammar from syntaxes/, wired the way
// package.json `contributes.grammars` declares it (injectTo).
import * as fs from 'fs';
import * as path from 'path';
import * as vsctm from 'vscode-textmate';
import * as oniguruma from 'vscode-oniguruma';

export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj) && JSON.parse(fs.readFileSync(pj, 'utf8')).name === 'apim-vnet-lint') return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('repository root (package.json "apim-vnet-lint") not found above ' + __dirname);
    dir = up;
  }
}

export interface GrammarContribution {
  scopeName: string;
  path: string;
  injectTo?: string[];
  language?: string;
}

/** The `contributes.grammars` entries of package.json (the extension manifest). */
export function grammarContributions(): GrammarContribution[] {
  const pj = JSON.parse(fs.readFileSync(path.join(repoRoot(), 'package.json'), 'utf8'));
  return (pj.contributes && pj.contributes.grammars) || [];
}

const BASE_GRAMMARS: Record<string, string> = {
  'source.json': 'json.json',
  'source.json.comments': 'jsonc.json',
};

export interface Token {
  line: number;
  start: number; // column, 0-based
  end: number;
  text: string;
  scopes: string[];
}

let registryPromise: Promise<vsctm.Registry> | undefined;

function registry(): Promise<vsctm.Registry> {
  if (registryPromise) return registryPromise;
  registryPromise = (async () => {
    const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
    const root = repoRoot();
    const contributions = grammarContributions();
    const tmGrammarsDir = path.dirname(require.resolve('tm-grammars/grammars/json.json'));
    return new vsctm.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
        createOnigString: (s: string) => new oniguruma.OnigString(s),
      }),
      loadGrammar: async (scopeName: string) => {
        const contributed = contributions.find((c) => c.scopeName === scopeName);
        let file: string | undefined;
        if (contributed) file = path.join(root, contributed.path);
        else if (BASE_GRAMMARS[scopeName]) file = path.join(tmGrammarsDir, BASE_GRAMMARS[scopeName]);
        if (!file) return null;
        return vsctm.parseRawGrammar(fs.readFileSync(file, 'utf8'), file);
      },
      getInjections: (scopeName: string) =>
        contributions.filter((c) => (c.injectTo || []).includes(scopeName)).map((c) => c.scopeName),
    });
  })();
  return registryPromise;
}

/** Tokenizes `text` as a whole document of the given base grammar (source.json or source.json.comments). */
export async function tokenize(text: string, scopeName = 'source.json'): Promise<Token[]> {
  const grammar = await (await registry()).loadGrammar(scopeName);
  if (!grammar) throw new Error('grammar not found: ' + scopeName);
  const out: Token[] = [];
  let state = vsctm.INITIAL;
  const lines = text.split(/\r?\n/);
  lines.forEach((lineText, line) => {
    const r = grammar.tokenizeLine(lineText, state);
    for (const t of r.tokens) {
      out.push({ line, start: t.startIndex, end: Math.min(t.endIndex, lineText.length), text: lineText.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    }
    state = r.ruleStack;
  });
  return out;
}

/**
 * The scopes of every character of the `nth` occurrence of `needle` in `text` (throws when absent).
 * A needle may mark the part to check with « »: `"concat(«'a'»)"` finds `concat('a')` and returns
 * the scopes of `'a'` only.
 */
export function scopesOf(text: string, tokens: Token[], needle: string, nth = 0): string[][] {
  const open = needle.indexOf('\u00ab');
  const close = needle.indexOf('\u00bb');
  const plain = needle.replace(/[\u00ab\u00bb]/g, '');
  const from = open >= 0 ? open : 0;
  const to = open >= 0 && close > open ? close - 1 : plain.length;
  let idx = -1;
  for (let i = 0; i <= nth; i++) {
    idx = text.indexOf(plain, idx + 1);
    if (idx < 0) throw new Error(`"${plain}" (occurrence ${nth}) not in the test text`);
  }
  const before = text.slice(0, idx);
  const line = before.split(/\r?\n/).length - 1;
  const col = idx - (before.lastIndexOf('\n') + 1);
  const onLine = tokens.filter((k) => k.line === line);
  const res: string[][] = [];
  for (let c = col + from; c < col + to; c++) {
    const t = onLine.find((k) => k.start <= c && c < k.end);
    res.push(t ? t.scopes : []);
  }
  return res;
}

/** Human-readable dump, for failure messages. */
export function dump(tokens: Token[]): string {
  return tokens.map((t) => `${t.line}:${t.start} ${JSON.stringify(t.text)} ${t.scopes.slice(1).join(' ')}`).join('\n');
}
