/**
 * Tokenizer for ARM template expressions. Linear time; never throws. Offsets are indices into
 * the text given (the whole string content, "[" included).
 */

export type TokenType = '(' | ')' | '[' | ']' | ',' | '.' | 'ident' | 'string' | 'number' | 'error' | 'eof';

export interface Token {
  type: TokenType;
  start: number;
  end: number;
  /** Identifier text, string value (escapes resolved), or number. */
  value?: string | number;
  /** For 'error' tokens: what is wrong. For 'string' tokens: set when unterminated. */
  message?: string;
}

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || c > 127;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 0xa0 || c === 0xfeff;
}

/**
 * Tokenizes `text` from `from` to `to` (exclusive). The result always ends with an 'eof' token
 * at `to`.
 */
export function tokenize(text: string, from = 0, to = text.length): Token[] {
  const tokens: Token[] = [];
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    const start = i;
    switch (c) {
      case 40: // (
      case 41: // )
      case 91: // [
      case 93: // ]
      case 44: // ,
      case 46: // .
        tokens.push({ type: text[i] as TokenType, start, end: i + 1 });
        i++;
        continue;
      case 39: {
        // ' string literal with '' escapes
        i++;
        const chunks: string[] = [];
        let chunkStart = i;
        let closed = false;
        while (i < to) {
          if (text.charCodeAt(i) === 39) {
            if (i + 1 < to && text.charCodeAt(i + 1) === 39) {
              chunks.push(text.slice(chunkStart, i + 1));
              i += 2;
              chunkStart = i;
              continue;
            }
            chunks.push(text.slice(chunkStart, i));
            i++;
            closed = true;
            break;
          }
          i++;
        }
        if (!closed) {
          chunks.push(text.slice(chunkStart, i));
          tokens.push({ type: 'string', start, end: i, value: chunks.join(''), message: 'unterminated string literal' });
        } else {
          tokens.push({ type: 'string', start, end: i, value: chunks.join('') });
        }
        continue;
      }
      default:
        break;
    }
    if (isDigit(c) || ((c === 45 || c === 43) && i + 1 < to && isDigit(text.charCodeAt(i + 1)))) {
      i++;
      while (i < to && isDigit(text.charCodeAt(i))) i++;
      const raw = text.slice(start, i);
      tokens.push({ type: 'number', start, end: i, value: Number(raw) });
      continue;
    }
    if (isIdentStart(c)) {
      i++;
      while (i < to && isIdentPart(text.charCodeAt(i))) i++;
      tokens.push({ type: 'ident', start, end: i, value: text.slice(start, i) });
      continue;
    }
    // Unexpected character: one error token per run of such characters.
    i++;
    tokens.push({ type: 'error', start, end: i, message: `unexpected character '${text[start]}'` });
  }
  tokens.push({ type: 'eof', start: to, end: to });
  return tokens;
}
