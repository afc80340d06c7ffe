/**
 * The SQL front end's entry points: text → statements (AST). Lexing, parsing and AST building
 * each collect diagnostics; {@link parseSql} throws one ParseError carrying up to five of them.
 */
import { EOF } from 'chevrotain';

import type { Statement } from './ast.js';
import { type Diagnostic, MAX_DIAGNOSTICS, parseErrorOf } from './diagnostics.js';
import { tokenize } from './lexer.js';
import { sqlParser } from './sql-grammar.js';
import { sqlToAst } from './sql-to-ast.js';
import { syntaxDiagnostics } from './syntax-errors.js';

export interface SqlAnalysis {
  /** The statements; empty when there are diagnostics. */
  readonly statements: readonly Statement[];
  /** In text order, at most {@link MAX_DIAGNOSTICS}. */
  readonly diagnostics: readonly Diagnostic[];
}

/** Parses `text` (statements separated by `;`) without throwing. */
export function analyzeSql(text: string): SqlAnalysis {
  try {
    return analyze(text);
  } catch (e) {
    // Parsing and AST building recurse once per nesting level (parentheses, subqueries).
    if (!(e instanceof RangeError)) throw e;
    const start = { line: 1, column: 1, offset: 0 };
    const message = 'the SQL nests too deeply (parentheses, subqueries or expressions): simplify it';
    return { statements: [], diagnostics: [{ code: 'sql-syntax', message, span: { start, end: start } }] };
  }
}

function analyze(text: string): SqlAnalysis {
  const lexed = tokenize(text);
  sqlParser.input = lexed.tokens;
  const cst = sqlParser.statements();
  let syntax = syntaxDiagnostics(lexed.tokens, sqlParser.errors);
  // An unterminated string or comment swallows the rest of the text: "found the end" is its echo.
  if (lexed.diagnostics.length > 0) syntax = syntax.filter((d, i) => sqlParser.errors[i]?.token.tokenType !== EOF);
  let diagnostics: Diagnostic[] = [...lexed.diagnostics, ...syntax];
  let statements: readonly Statement[] = [];
  if (diagnostics.length === 0) {
    const built = sqlToAst.build(cst as Parameters<typeof sqlToAst.build>[0], text);
    statements = built.statements;
    diagnostics = built.diagnostics;
  }
  diagnostics.sort((a, b) => a.span.start.offset - b.span.start.offset);
  return { statements: diagnostics.length === 0 ? statements : [], diagnostics: diagnostics.slice(0, MAX_DIAGNOSTICS) };
}

/**
 * The statements of `text`, or a ParseError (`sql-lex` / `sql-syntax`) listing what is wrong,
 * each with line:column and a caret excerpt.
 */
export function parseSql(text: string): Statement[] {
  const { statements, diagnostics } = analyzeSql(text);
  if (diagnostics.length > 0) throw parseErrorOf(text, diagnostics);
  return [...statements];
}
