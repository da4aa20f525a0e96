/**
 * AST of ARM template expressions. Offsets (`start`, `end`: end exclusive) are indices into the
 * text given to the parser, i.e. the string content including the enclosing brackets, so offset
 * 0 is the opening "[" (relative to the start of the JSON string's content).
 */

export interface NodeBase {
  start: number;
  end: number;
}

export interface StringLiteral extends NodeBase {
  kind: 'string';
  /** The literal value with `''` escapes resolved. */
  value: string;
}

export interface NumberLiteral extends NodeBase {
  kind: 'number';
  value: number;
}

/** `true`, `false`, `null` written as bare keywords. */
export interface KeywordLiteral extends NodeBase {
  kind: 'keyword';
  value: boolean | null;
}

export interface CallNode extends NodeBase {
  kind: 'call';
  /** Function name as written (without namespace). */
  name: string;
  /** User-function namespace (`ns` in `ns.fn(...)`), when any. */
  namespace?: string;
  nameStart: number;
  nameEnd: number;
  args: ExprNode[];
}

/** `object.property` */
export interface PropertyNode extends NodeBase {
  kind: 'property';
  object: ExprNode;
  property: string;
  propertyStart: number;
}

/** `object[index]` */
export interface IndexNode extends NodeBase {
  kind: 'index';
  object: ExprNode;
  index: ExprNode;
}

export type ExprNode = StringLiteral | NumberLiteral | KeywordLiteral | CallNode | PropertyNode | IndexNode;

export interface ParseError {
  message: string;
  offset: number;
}

export interface ParseResult {
  ast?: ExprNode;
  errors: ParseError[];
}

/** Quotes a string as an ARM string literal ('' escapes). */
export function quoteArmString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/**
 * Canonical text of an AST (no whitespace, function names as written, strings re-quoted).
 * Iterative on the spine would be overkill: the parser caps nesting depth.
 */
export function printAst(node: ExprNode): string {
  switch (node.kind) {
    case 'string':
      return quoteArmString(node.value);
    case 'number':
      return String(node.value);
    case 'keyword':
      return String(node.value);
    case 'call':
      return `${node.namespace ? node.namespace + '.' : ''}${node.name}(${node.args.map(printAst).join(', ')})`;
    case 'property':
      return `${printAst(node.object)}.${node.property}`;
    case 'index':
      return `${printAst(node.object)}[${printAst(node.index)}]`;
  }
}

/** Direct children of a node, in source order. */
export function childrenOf(node: ExprNode): ExprNode[] {
  switch (node.kind) {
    case 'call':
      return node.args;
    case 'property':
      return [node.object];
    case 'index':
      return [node.object, node.index];
    default:
      return [];
  }
}

/**
 * The innermost node whose range contains `offset` (start <= offset < end), with its ancestors
 * (outermost first), for hover and diagnostics inside an expression. Undefined when outside.
 */
export function nodeAt(root: ExprNode, offset: number): { node: ExprNode; ancestors: ExprNode[] } | undefined {
  if (offset < root.start || offset >= root.end) return undefined;
  const ancestors: ExprNode[] = [];
  let node = root;
  for (;;) {
    const child = childrenOf(node).find((c) => offset >= c.start && offset < c.end);
    if (!child) return { node, ancestors };
    ancestors.push(node);
    node = child;
  }
}
