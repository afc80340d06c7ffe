/**
 * The SQL lexer: one Chevrotain Lexer over {@link allTokens}. {@link tokenize} never throws;
 * characters that start no token and unterminated strings, quoted names and comments become
 * `sql-lex` diagnostics, and lexing goes on after them.
 */
import { type IToken, Lexer } from 'chevrotain';

import type { SourceSpan } from './ast.js';
import type { Diagnostic } from './diagnostics.js';
import { allTokens, UnterminatedComment, UnterminatedQuotedIdentifier, UnterminatedString } from './tokens.js';

// Lines end at '\n' only (a '\r' before it is the line's last character), as in positionAt()
// and the visitor's line index, so token and node positions agree.
const sqlLexer = new Lexer(allTokens, {
  positionTracking: 'full',
  ensureOptimizations: true,
  lineTerminatorsPattern: /\n/g,
  lineTerminatorCharacters: ['\n'],
});

export interface LexResult {
  /** Tokens without whitespace, comments and the unterminated forms. */
  readonly tokens: IToken[];
  readonly diagnostics: Diagnostic[];
}

/** The span of a token (end just past its last character). */
export function tokenSpan(token: IToken): SourceSpan {
  const endOffset = (token.endOffset ?? token.startOffset) + 1;
  return {
    start: { line: token.startLine ?? 1, column: token.startColumn ?? 1, offset: token.startOffset },
    end: {
      line: token.endLine ?? token.startLine ?? 1,
      column: (token.endColumn ?? token.startColumn ?? 1) + 1,
      offset: endOffset,
    },
  };
}

const UNTERMINATED = new Map([
  [UnterminatedString, "unterminated string: the ' here is never closed"],
  [UnterminatedQuotedIdentifier, 'unterminated quoted name: the " here is never closed'],
  [UnterminatedComment, 'unterminated comment: the /* here is never closed by */'],
]);

export function tokenize(text: string): LexResult {
  const result = sqlLexer.tokenize(text);
  const diagnostics: Diagnostic[] = result.errors.map((e) => {
    const chars = text.slice(e.offset, e.offset + e.length);
    const what = e.length === 1 ? `unexpected character ${describeChar(chars)}` : `unexpected characters '${chars}'`;
    return {
      code: 'sql-lex',
      message: what,
      span: {
        start: { line: e.line ?? 1, column: e.column ?? 1, offset: e.offset },
        end: { line: e.line ?? 1, column: (e.column ?? 1) + e.length, offset: e.offset + e.length },
      },
    };
  });
  for (const token of result.groups['invalid'] ?? []) {
    const span = tokenSpan(token);
    diagnostics.push({
      code: 'sql-lex',
      message: UNTERMINATED.get(token.tokenType) ?? 'invalid token',
      span: { start: span.start, end: { ...span.start, column: span.start.column + 1, offset: span.start.offset + 1 } },
    });
  }
  diagnostics.sort((a, b) => a.span.start.offset - b.span.start.offset);
  return { tokens: result.tokens, diagnostics };
}

function describeChar(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  if (code < 0x20 || code === 0x7f) return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return `'${c}'`;
}
