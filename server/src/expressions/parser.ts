/**
 * Recursive-descent parser for ARM template expressions ("[...]" strings). Never throws; nesting
 * depth (calls, property and index access) is capped at MAX_DEPTH so hostile input yields a parse
 * error instead of a stack overflow. Linear in the length of the text.
 */
import type { CallNode, ExprNode, ParseError, ParseResult } from './ast';
import { tokenize, type Token } from './tokenizer';

export const MAX_DEPTH = 256;

/** True for "[...]" strings that are expressions (not "[[" escaped literals). */
export function isExpression(text: string): boolean {
  return typeof text === 'string' && text.length >= 2 && text.charCodeAt(0) === 91 && text.charCodeAt(text.length - 1) === 93 && text.charCodeAt(1) !== 91;
}

class ParseAbort {
  constructor(readonly error: ParseError) {}
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(k = 0): Token {
    const i = Math.min(this.pos + k, this.tokens.length - 1);
    return this.tokens[i];
  }

  private next(): Token {
    const t = this.tokens[this.pos];
    if (this.pos < this.tokens.length - 1) this.pos++;
    return t;
  }

  private fail(message: string, offset: number): never {
    throw new ParseAbort({ message, offset });
  }

  private describe(t: Token): string {
    switch (t.type) {
      case 'eof':
        return 'end of expression';
      case 'ident':
        return `'${t.value}'`;
      case 'string':
        return 'string literal';
      case 'number':
        return `number ${t.value}`;
      case 'error':
        return t.message ?? 'invalid character';
      default:
        return `'${t.type}'`;
    }
  }

  private expect(type: Token['type'], what: string): Token {
    const t = this.peek();
    if (t.type !== type) {
      if (t.type === 'error') this.fail(t.message ?? 'invalid character', t.start);
      this.fail(`expected ${what} but found ${this.describe(t)}`, t.start);
    }
    return this.next();
  }

  parseTop(): ExprNode {
    const e = this.parseExpr(0);
    const t = this.peek();
    if (t.type !== 'eof') {
      if (t.type === 'error') this.fail(t.message ?? 'invalid character', t.start);
      this.fail(`unexpected ${this.describe(t)} after the expression`, t.start);
    }
    return e;
  }

  private parseExpr(depth: number): ExprNode {
    if (depth >= MAX_DEPTH) this.fail(`expression nested deeper than ${MAX_DEPTH} levels`, this.peek().start);
    let node = this.parsePrimary(depth);
    let d = depth;
    for (;;) {
      const t = this.peek();
      if (t.type === '.') {
        if (++d >= MAX_DEPTH) this.fail(`expression nested deeper than ${MAX_DEPTH} levels`, t.start);
        this.next();
        const p = this.peek();
        let name: string;
        if (p.type === 'ident') name = String(p.value);
        else if (p.type === 'number' && typeof p.value === 'number' && p.value >= 0) name = String(p.value);
        else this.fail(`expected a property name after '.' but found ${this.describe(p)}`, p.start);
        this.next();
        node = { kind: 'property', object: node, property: name, propertyStart: p.start, start: node.start, end: p.end };
      } else if (t.type === '[') {
        if (++d >= MAX_DEPTH) this.fail(`expression nested deeper than ${MAX_DEPTH} levels`, t.start);
        this.next();
        const index = this.parseExpr(d + 1);
        const close = this.expect(']', "']'");
        node = { kind: 'index', object: node, index, start: node.start, end: close.end };
      } else {
        return node;
      }
    }
  }

  private parsePrimary(depth: number): ExprNode {
    const t = this.peek();
    switch (t.type) {
      case 'string':
        if (t.message) this.fail(t.message, t.start);
        this.next();
        return { kind: 'string', value: String(t.value), start: t.start, end: t.end };
      case 'number':
        this.next();
        return { kind: 'number', value: Number(t.value), start: t.start, end: t.end };
      case 'ident': {
        const name = String(t.value);
        const n1 = this.peek(1);
        if (n1.type === '(') {
          this.next();
          return this.parseCall(name, undefined, t, t, depth);
        }
        if (n1.type === '.' && this.peek(2).type === 'ident' && this.peek(3).type === '(') {
          this.next();
          this.next();
          const fn = this.next();
          return this.parseCall(String(fn.value), name, t, fn, depth);
        }
        const lower = name.toLowerCase();
        if (lower === 'true' || lower === 'false' || lower === 'null') {
          this.next();
          return { kind: 'keyword', value: lower === 'null' ? null : lower === 'true', start: t.start, end: t.end };
        }
        this.fail(`unexpected identifier '${name}' (expected a function call)`, t.start);
      }
      // falls through (unreachable: fail throws)
      case 'error':
        this.fail(t.message ?? 'invalid character', t.start);
      // falls through
      case 'eof':
        this.fail('expected an expression but found end of expression', t.start);
      // falls through
      default:
        this.fail(`expected an expression but found ${this.describe(t)}`, t.start);
    }
  }

  private parseCall(name: string, namespace: string | undefined, startTok: Token, nameTok: Token, depth: number): CallNode {
    this.expect('(', "'('");
    const args: ExprNode[] = [];
    if (this.peek().type !== ')') {
      for (;;) {
        args.push(this.parseExpr(depth + 1));
        const t = this.peek();
        if (t.type === ',') {
          this.next();
          continue;
        }
        if (t.type === ')') break;
        if (t.type === 'error') this.fail(t.message ?? 'invalid character', t.start);
        this.fail(`expected ',' or ')' but found ${this.describe(t)}`, t.start);
      }
    }
    const close = this.next();
    const node: CallNode = { kind: 'call', name, nameStart: nameTok.start, nameEnd: nameTok.end, args, start: startTok.start, end: close.end };
    if (namespace !== undefined) node.namespace = namespace;
    return node;
  }
}

/**
 * Parses a whole "[...]" string (brackets included). Offsets in the AST and errors are indices
 * into `text`. `ast` is present only when there are no errors.
 */
export function parseExpression(text: string): ParseResult {
  try {
    if (typeof text !== 'string' || !isExpression(text)) {
      return { errors: [{ message: 'not an expression: it must start with "[" and end with "]" (a leading "[[" is an escaped literal)', offset: 0 }] };
    }
    const tokens = tokenize(text, 1, text.length - 1);
    const parser = new Parser(tokens);
    const ast = parser.parseTop();
    return { ast, errors: [] };
  } catch (e) {
    if (e instanceof ParseAbort) return { errors: [e.error] };
    return { errors: [{ message: `internal parser error: ${e instanceof Error ? e.message : String(e)}`, offset: 0 }] };
  }
}
