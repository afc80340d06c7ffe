/**
 * Every error gyre raises is an {@link EngineError} with a stable kebab-case `code`, so callers
 * can branch on it and tests can assert it. Categories are subclasses; user mistakes and broken
 * invariants ({@link InternalError}) are kept apart.
 */

/** A position in source text (SQL), 1-based. */
export interface Span {
  readonly line: number;
  readonly column: number;
  readonly offset?: number;
  readonly length?: number;
}

/** Codes and what each one means. Codes are part of the public API: never rename one. */
export const ERROR_CODES = {
  'vortex-corrupt': 'The bytes do not follow the Vortex format (truncated, corrupted or hostile file).',
  'vortex-unsupported': 'A valid Vortex feature (encoding, layout, dtype) that gyre cannot read yet.',
  'vortex-limit': 'Decoding would exceed a resource limit (memory budget).',
  'vortex-invalid-argument': 'A native call received an argument it cannot use.',
  'vortex-unsupported-type': 'An Arrow type that Vortex files cannot store (the message names the column and the type).',
  'native-unavailable': 'The native addon could not be loaded.',
  'io-error': 'Reading or writing bytes failed.',
  'object-not-found': 'An object store has no object under the key.',
  'object-exists': 'A create-if-absent write found an object already stored under the key.',
  'invalid-object-key': 'An object key is empty, absolute, has `.`/`..`/empty segments or control characters.',
  'invalid-argument': 'An API was called with an argument it cannot accept.',
  'invalid-identifier': 'A project, dataset or table name is empty, too long, or has characters other than letters, digits, `_` and `-`.',
  'invalid-key-schema': 'A key schema is empty, repeats a column, or has a column type keys cannot have.',
  'null-key': 'A key column of written or looked-up rows holds nulls.',
  'schema-mismatch': 'Written data does not fit the table: a missing key column, or a column whose type differs from the stored one.',
  'table-not-found': 'No table with this identifier in the catalog.',
  'table-exists': 'A table with this identifier already exists.',
  'table-corrupt': 'A table document (version, manifest) is missing or malformed.',
  'snapshot-not-found': 'No table version matches the requested `asof` (before the first commit, or vacuumed).',
  'commit-conflict': 'A concurrent commit changed what this transaction depends on; retrying it would not be safe.',
  'transaction-closed': 'The transaction was already committed or aborted.',
  'cancelled': 'The query was cancelled through its AbortSignal.',
  'level-error': 'Expressions at incompatible levels: siblings or unrelated collections without alignment, or child fields without a reduction.',
  'unsorted-input': 'An operator that needs key-sorted input received rows out of order (a planner bug or a bad source).',
  'misaligned-input': 'Zipped streams do not have identical keys (a planner bug or a bad source).',
  'unknown-column': 'A column name does not exist in the schema.',
  'duckdb-unsupported-type': 'An Arrow type DuckDB cannot hold, or a DuckDB type gyre cannot read (the message names the column and the type).',
  'duckdb-unsupported-source': 'A source a lazy DuckDB view cannot read from a worker thread (a custom object store, expressions holding JS functions): copy it with `materialize: true`.',
  'duckdb-connection-closed': 'The DuckDB connection was closed.',
  'duckdb-error': "DuckDB rejected a statement or failed while running it (the message carries DuckDB's).",
  'internal': 'A broken invariant inside gyre (a bug).',
  'unknown-function': 'A function name that the registry (logical/functions.ts) does not know.',
  'type-mismatch': 'A function, operator or plan node received arguments of types it cannot take (no signature, no implicit cast).',
  'duplicate-column': 'A plan node would output two columns with the same name.',
  'conversion-error': 'A CAST failed on a value (TRY_CAST gives NULL instead).',
  'numeric-overflow': 'Integer arithmetic or a cast overflowed its type.',
  'cardinality-violation': 'A scalar subquery (single join) returned more than one row for a row.',
  'sql-lex': 'SQL text has characters that form no token: a stray character, or a string, quoted name or comment that is never closed.',
  'sql-syntax': 'SQL text does not follow the grammar; the message says what was expected where (line:column, caret excerpt, "did you mean").',
  'sql-unknown-table': 'A SQL statement names a table, dataset, collection or CTE that does not exist (with "did you mean" when a name is close).',
  'sql-unknown-column': 'A SQL expression names a column that no table in scope has (with "did you mean" when a name is close).',
  'sql-unknown-function': 'A SQL expression calls a function that does not exist (with "did you mean" when a name is close).',
  'sql-ambiguous': 'A SQL column name matches columns of several tables in scope: qualify it.',
  'sql-type-mismatch': 'A SQL expression combines types that have no common type, or passes a function arguments it cannot take.',
  'sql-group-by': 'A column is used outside an aggregate in a grouped query without appearing in GROUP BY (or an aggregate is used where none is allowed).',
  'sql-invalid': 'A SQL statement is well-formed but meaningless: a wrong number of columns or values, a misplaced clause, a bad ordinal, a missing parameter.',
  'sql-unsupported': 'Valid SQL that gyre does not run yet (e.g. a correlated subquery shape the binder cannot decorrelate); the message names the construct.',
  'sql-constraint': 'Written rows break a declared constraint (a NULL in a NOT NULL column).',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface EngineErrorOptions {
  readonly cause?: unknown;
  readonly span?: Span;
  readonly details?: Readonly<Record<string, unknown>>;
}

export class EngineError extends Error {
  readonly code: ErrorCode;
  readonly span: Span | undefined;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, options: EngineErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.span = options.span;
    this.details = options.details ?? {};
  }
}

export class ParseError extends EngineError {}
export class PlanError extends EngineError {}
export class ExecutionError extends EngineError {}
export class StorageError extends EngineError {}
/** A conditional write lost ('object-exists') or a concurrent commit made a transaction unsafe to retry ('commit-conflict'). */
export class ConflictError extends StorageError {}
/** Raised by the native Vortex reader/writer (bad bytes, unsupported encodings, limits). */
export class NativeError extends EngineError {}
export class InternalError extends EngineError {
  constructor(message: string, options: EngineErrorOptions = {}) {
    super('internal', message, options);
  }
}

/** Throws an {@link InternalError} when an invariant does not hold. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InternalError(message);
}

/** Exhaustiveness check for switches over discriminated unions. */
export function assertNever(value: never, what = 'value'): never {
  throw new InternalError(`unexpected ${what}: ${JSON.stringify(value)}`);
}

/** True when `e` is an EngineError with the given code. */
export function isErrorCode(e: unknown, code: ErrorCode): e is EngineError {
  return e instanceof EngineError && e.code === code;
}
