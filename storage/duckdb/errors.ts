/**
 * DuckDB's errors as coded gyre errors. Errors gyre raises inside DuckDB callbacks travel
 * through DuckDB as text tagged `[gyre:<code>]`, and get their code back here.
 */
import { EngineError, ERROR_CODES, type ErrorCode, ExecutionError } from '../../errors.js';

const TAG = /\[gyre:([a-z0-9-]+)\] ?/;

/** DuckDB's message for an error gyre raised in a callback. */
export function tagged(e: unknown): string {
  const code = e instanceof EngineError ? e.code : 'internal';
  return `[gyre:${code}] ${e instanceof Error ? e.message : String(e)}`;
}

/** `e` (thrown by @duckdb/node-api while doing `what`) as an EngineError. */
export function duckdbError(e: unknown, what: string, signal?: AbortSignal): EngineError {
  if (e instanceof EngineError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  if (signal?.aborted || /INTERRUPT Error|Interrupted!/.test(msg)) return new ExecutionError('cancelled', `${what} was cancelled`, { cause: e });
  if (/connection disconnected|closed connection|connection (is |was )?closed/i.test(msg)) {
    return new ExecutionError('duckdb-connection-closed', `${what}: the DuckDB connection is closed`, { cause: e });
  }
  const m = TAG.exec(msg);
  if (m && m[1]! in ERROR_CODES) return new ExecutionError(m[1] as ErrorCode, `${what}: ${msg.replace(TAG, '')}`, { cause: e });
  return new ExecutionError('duckdb-error', `${what}: ${msg}`, { cause: e });
}
