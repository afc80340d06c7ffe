/**
 * Diagnostics of the SQL front end: a code, a message in plain words and the source span it
 * is about. Several are collected before a {@link ParseError} is thrown; the error's message
 * shows each one with the offending line and a caret under the column.
 */
import { EngineError, type ErrorCode, ParseError } from '../errors.js';
import type { Position, SourceSpan } from './ast.js';

/** The codes the parser gives its own diagnostics. */
export type ParseCode = Extract<ErrorCode, 'sql-lex' | 'sql-syntax'>;

/**
 * Any code a front-end diagnostic carries: the parser's ({@link ParseCode}) and the binder's
 * (`sql-unknown-column`, `sql-unsupported`, `level-error`, …, every one an {@link ErrorCode}).
 */
export type DiagnosticCode = ErrorCode;

export interface Diagnostic {
  readonly code: DiagnosticCode;
  /** One line, e.g. `expected FROM or a comma after the select list, found 'FORM'`. */
  readonly message: string;
  readonly span: SourceSpan;
  /** A replacement for the text at `span` ("did you mean FROM?"). */
  readonly suggestion?: string;
}

/** At most this many diagnostics are reported by one parse. */
export const MAX_DIAGNOSTICS = 5;

/** Width of source shown around the caret on long lines. */
const WINDOW = 100;

/** The position of `offset` in `text` (1-based line and column). */
export function positionAt(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1, offset };
}

/**
 * `line:column: message`, then the offending line with `^` under the span (to the end of the
 * line at most), e.g.
 *
 * ```
 * 1:13: expected FROM or a comma after the select list, found 'FORM' (did you mean FROM?)
 *   SELECT a, b FORM t
 *               ^^^^
 * ```
 */
export function formatDiagnostic(text: string, diag: Diagnostic): string {
  const { start, end } = diag.span;
  const lineStart = start.offset - (start.column - 1);
  let lineEnd = text.slice(lineStart).search(/\r?\n/);
  lineEnd = lineEnd === -1 ? text.length : lineStart + lineEnd;
  let from = lineStart;
  let to = lineEnd;
  if (to - from > WINDOW) {
    from = Math.max(lineStart, start.offset - WINDOW / 2);
    to = Math.min(lineEnd, from + WINDOW);
  }
  const shown = `${from > lineStart ? '…' : ''}${text.slice(from, to)}${to < lineEnd ? '…' : ''}`;
  // Keep tabs under tabs so the caret lines up in a terminal.
  const pad = (from > lineStart ? ' ' : '') + text.slice(from, start.offset).replace(/[^\t]/g, ' ');
  const width = Math.max(1, Math.min(end.offset, to) - start.offset);
  const suggestion = diag.suggestion === undefined ? '' : ` (did you mean ${diag.suggestion}?)`;
  return `${start.line}:${start.column}: ${diag.message}${suggestion}\n  ${shown}\n  ${pad}${'^'.repeat(width)}`;
}

/** The diagnostics carried by an error of the SQL front end (parse or bind; empty for other errors). */
export function diagnosticsOf(error: unknown): readonly Diagnostic[] {
  if (!(error instanceof EngineError)) return [];
  const diags = error.details['diagnostics'];
  return Array.isArray(diags) ? (diags as Diagnostic[]) : [];
}

/** One ParseError for all diagnostics (code, span: the first one's). */
export function parseErrorOf(text: string, diagnostics: readonly Diagnostic[]): ParseError {
  const first = diagnostics[0];
  if (first === undefined) return new ParseError('sql-syntax', 'invalid SQL');
  const shown = diagnostics.slice(0, MAX_DIAGNOSTICS);
  const header = shown.length > 1 ? `${shown.length} errors in SQL:\n` : '';
  const message = header + shown.map((d) => formatDiagnostic(text, d)).join('\n');
  const { start, end } = first.span;
  return new ParseError(first.code, message, {
    span: { line: start.line, column: start.column, offset: start.offset, length: end.offset - start.offset },
    details: { diagnostics: shown },
  });
}
