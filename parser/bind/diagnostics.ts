/**
 * Bind errors: each one a code, a message in plain words and the AST span it is about. The
 * binder collects several (one per select item, clause, …) before failing; the error thrown
 * then shows each with line:column and a caret excerpt, formatted like the parser's.
 */
import { EngineError, type ErrorCode, PlanError } from '../../errors.js';
import type { SourceSpan } from '../ast.js';
import { type Diagnostic, formatDiagnostic, MAX_DIAGNOSTICS } from '../diagnostics.js';
import { didYouMean } from '../suggest.js';

/** A bind diagnostic: the parser's Diagnostic, with a bind code. */
export type BindDiagnostic = Diagnostic;

/** A bind error not yet placed in text (thrown inside the binder, caught by the collector). */
export class BindError extends PlanError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly where: SourceSpan | null,
    readonly suggestion?: string,
  ) {
    super(code, message);
  }
}

/** Codes of logical/ errors (plan-build, the function registry) → the SQL front end's. */
const CODE_MAP: Partial<Record<ErrorCode, ErrorCode>> = {
  'unknown-column': 'sql-unknown-column',
  'unknown-function': 'sql-unknown-function',
  'type-mismatch': 'sql-type-mismatch',
};

/** `e` as a BindError at `span` (errors that already have a span keep it). */
export function atSpan(e: unknown, span: SourceSpan): unknown {
  if (e instanceof EngineError && Array.isArray(e.details['diagnostics'])) return e;
  if (e instanceof BindError) return e.where ? e : new BindError(e.code, e.message, span, e.suggestion);
  if (e instanceof EngineError && !(e.code === 'internal')) {
    const code = CODE_MAP[e.code] ?? e.code;
    return new BindError(code, stripSuggestion(e.message), span, suggestionIn(e.message));
  }
  return e;
}

// plan-build's messages end in `; did you mean "x"?` or ` (did you mean x?)`: keep the name as a suggestion.
const SUGGEST = /(?:; did you mean "([^"]+)"\?| \(did you mean ([^?)]+)\?\))$/;
const stripSuggestion = (m: string): string => m.replace(SUGGEST, '');
function suggestionIn(m: string): string | undefined {
  const x = SUGGEST.exec(m);
  return x ? (x[1] ?? x[2]) : undefined;
}

/** A BindError naming `what` (misspelled), with the closest candidate as a suggestion. */
export function unknownName(code: ErrorCode, message: string, word: string, candidates: Iterable<string>, span: SourceSpan | null): BindError {
  return new BindError(code, message, span, didYouMean(word, candidates));
}

/** Collects diagnostics; `fail` throws one error with all of them. */
export class Diagnostics {
  readonly list: BindDiagnostic[] = [];

  constructor(readonly text: string) {}

  /** Runs `f`; a BindError is recorded (and `fallback` returned) instead of thrown. */
  guard<T>(span: SourceSpan, f: () => T, fallback: () => T): T {
    try {
      return f();
    } catch (e) {
      const b = atSpan(e, span);
      if (!(b instanceof BindError) || this.list.length >= MAX_DIAGNOSTICS) throw b;
      this.add(b, span);
      return fallback();
    }
  }

  add(e: BindError, span: SourceSpan): void {
    this.list.push({ code: e.code, message: e.message, span: e.where ?? span, ...(e.suggestion ? { suggestion: e.suggestion } : {}) });
  }

  /** Throws when anything was collected. */
  check(): void {
    if (this.list.length > 0) throw bindErrorOf(this.text, this.list);
  }
}

/** One PlanError for several diagnostics: code and span of the first, all formatted with carets. */
export function bindErrorOf(text: string, diags: readonly BindDiagnostic[]): PlanError {
  const sorted = [...diags].sort((a, b) => a.span.start.offset - b.span.start.offset).slice(0, MAX_DIAGNOSTICS);
  const first = sorted[0]!;
  const header = sorted.length > 1 ? `${sorted.length} errors in SQL:\n` : '';
  const message = header + sorted.map((d) => formatDiagnostic(text, d)).join('\n');
  const { start, end } = first.span;
  return new PlanError(first.code, message, {
    span: { line: start.line, column: start.column, offset: start.offset, length: end.offset - start.offset },
    details: { diagnostics: sorted },
  });
}

/** An error thrown while binding, placed in `text` (a BindError without span gets `span`). */
export function placeError(text: string, e: unknown, span: SourceSpan): unknown {
  const b = atSpan(e, span);
  return b instanceof BindError ? bindErrorOf(text, [{ code: b.code, message: b.message, span: b.where ?? span, ...(b.suggestion ? { suggestion: b.suggestion } : {}) }]) : b;
}
