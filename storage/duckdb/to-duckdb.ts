/**
 * gyre → DuckDB: `toDuckDB(connection, source, opts)` makes a lazy view (default) or a DuckDB
 * table loaded through the data-chunk Appender (`materialize: true`).
 *
 * Nothing is left half-made: types are checked before any statement runs; a view that fails to
 * be created is unregistered; a table load runs in its own transaction (rolled back on failure,
 * cancellation or a closed connection), or, inside the caller's transaction, drops its table.
 */
import duckdb from '@duckdb/node-bindings';
import { type DuckDBAppender, type DuckDBConnection, DuckDBDataChunk, type DuckDBType } from '@duckdb/node-api';
import type { Data, DataType, Field, RecordBatch } from 'apache-arrow';

import { EngineError, ExecutionError, PlanError } from '../../errors.js';
import { plainData } from '../arrow/concat.js';
import { plainType } from './arrow-types.js';
import { conformData } from './conform.js';
import { duckdbError } from './errors.js';
import { warmUp } from './scan-host.js';
import type { DuckDBSource } from './source.js';
import { duckdbTypeOf, quoteIdent, quoteString, typesEqual } from './types.js';
import { ensureScanFunction, registerView, SCAN_FUNCTION, unregisterView, type ViewScan } from './view.js';
import { writeVector } from './write-vector.js';

export interface ToDuckDBOptions {
  /** The DuckDB view or table name (default: the table's name, or `gyre_scan_<n>`). */
  readonly name?: string;
  /** Copy the rows into a DuckDB table instead of making a lazy view. */
  readonly materialize?: boolean;
  /** Replace an existing view or table of that name (default: fail with `table-exists`). */
  readonly replace?: boolean;
  /**
   * A temporary object, seen only by this connection. Default: true for views (they read
   * through this process, so they must not outlive it in a database file), false for tables.
   */
  readonly temporary?: boolean;
  /** Cancels a materialization (`cancelled`; nothing is left behind). */
  readonly signal?: AbortSignal;
}

/** What `toDuckDB` made. */
export class DuckDBExport {
  /** @internal */
  constructor(
    private readonly connection: DuckDBConnection,
    /** The view or table name in DuckDB. */
    readonly name: string,
    readonly kind: 'view' | 'table',
    /** Rows loaded (tables only). */
    readonly rows: number | null,
    /** Each query's read of the view (views only), oldest first. */
    readonly scans: readonly ViewScan[],
    private readonly id: string | null,
    private readonly temporary: boolean,
  ) {}

  /** The latest query's read of the view. */
  get lastScan(): ViewScan | null {
    return this.scans[this.scans.length - 1] ?? null;
  }

  /** Drops the view or table from DuckDB. */
  async drop(): Promise<void> {
    try {
      await this.connection.run(`DROP ${this.kind === 'view' ? 'VIEW' : 'TABLE'} IF EXISTS ${this.temporary ? 'temp.' : ''}${quoteIdent(this.name)}`);
    } catch (e) {
      throw duckdbError(e, `dropping ${this.kind} ${this.name}`);
    } finally {
      if (this.id) unregisterView(this.id);
    }
  }
}

let unnamed = 0;

/** Exposes `source` to DuckDB on `connection` (see ToDuckDBOptions). */
export async function toDuckDB(connection: DuckDBConnection, source: DuckDBSource, opts: ToDuckDBOptions = {}): Promise<DuckDBExport> {
  if (opts.signal?.aborted) throw new ExecutionError('cancelled', 'toDuckDB was cancelled before it started');
  const schema = await source.schema();
  // Dictionaries travel decoded (DuckDB gets their value type).
  const fields = schema.fields.map((f) => (plainType(f.type as DataType) === f.type ? f : f.clone({ type: plainType(f.type as DataType) })));
  const lower = new Set<string>();
  for (const f of fields) {
    if (lower.has(f.name.toLowerCase())) throw new PlanError('invalid-argument', `DuckDB column names ignore case: "${f.name}" appears twice`);
    lower.add(f.name.toLowerCase());
  }
  if (fields.length === 0) throw new PlanError('invalid-argument', 'the source has no columns');
  const types = fields.map((f) => duckdbTypeOf(f.type, f.name));
  await run(connection, 'SELECT 1', 'toDuckDB'); // a closed connection fails here, before anything is made
  const name = opts.name ?? (source.defaultName || `gyre_scan_${++unnamed}`);
  if (opts.materialize) {
    const temporary = opts.temporary ?? false;
    const rows = await materialize(connection, name, fields, types, source.batches(), { ...opts, temporary });
    return new DuckDBExport(connection, name, 'table', rows, [], null, temporary);
  }
  const temporary = opts.temporary ?? true;
  const spec = await source.reopen();
  if (typeof spec === 'string') {
    throw new PlanError('duckdb-unsupported-source', `a lazy DuckDB view cannot read this source (${spec}); use { materialize: true } to copy it`);
  }
  warmUp();
  const { id, scans } = registerView(fields, types, spec);
  try {
    ensureScanFunction(connection);
    await run(connection, `CREATE ${opts.replace ? 'OR REPLACE ' : ''}${temporary ? 'TEMP ' : ''}VIEW ${quoteIdent(name)} AS SELECT * FROM ${SCAN_FUNCTION}(${quoteString(id)})`, `creating view ${name}`);
  } catch (e) {
    unregisterView(id);
    throw e;
  }
  return new DuckDBExport(connection, name, 'view', null, scans, id, temporary);
}

/** True inside an explicit transaction: two statements then see the same transaction id. */
async function inTransaction(connection: DuckDBConnection, what: string): Promise<boolean> {
  try {
    const id = async (): Promise<unknown> => (await connection.runAndReadAll('SELECT txid_current()')).getRows()[0]![0];
    return (await id()) === (await id());
  } catch (e) {
    throw duckdbError(e, what);
  }
}

async function run(connection: DuckDBConnection, sql: string, what: string, signal?: AbortSignal): Promise<void> {
  try {
    await connection.run(sql);
  } catch (e) {
    const err = duckdbError(e, what, signal);
    if (err.code === 'duckdb-error' && /already exists/i.test(err.message)) {
      throw new ExecutionError('table-exists', `${what}: DuckDB already has an object of that name (pass replace: true)`, { cause: e });
    }
    throw err;
  }
}

/** The batch's columns in the order and types of `fields` (matched by name). */
export function columnsOf(b: RecordBatch, fields: readonly Field[]): Data[] {
  return fields.map((f) => {
    const j = b.schema.fields.findIndex((x) => x.name === f.name);
    if (j < 0) throw new EngineError('unknown-column', `a batch has no column "${f.name}"`);
    const d = plainData(b.data.children[j]!);
    return typesEqual(d.type as DataType, f.type as DataType) ? d : conformData(d, f.type as DataType, f.name);
  });
}

/** CREATE TABLE, then the batches through the Appender, 2048 rows per data chunk. */
async function materialize(
  connection: DuckDBConnection,
  name: string,
  fields: readonly Field[],
  types: readonly DuckDBType[],
  batches: AsyncIterable<RecordBatch>,
  opts: ToDuckDBOptions & { temporary: boolean },
): Promise<number> {
  const what = `loading DuckDB table ${name}`;
  const signal = opts.signal;
  const ddl = `CREATE ${opts.replace ? 'OR REPLACE ' : ''}${opts.temporary ? 'TEMP ' : ''}TABLE ${quoteIdent(name)} (${fields.map((f, i) => `${quoteIdent(f.name)} ${types[i]!.toString()}`).join(', ')})`;
  // Our own transaction unless the caller has one open (a failing BEGIN would abort theirs).
  const ownTxn = !(await inTransaction(connection, what));
  if (ownTxn) await run(connection, 'BEGIN TRANSACTION', what);
  let created = false;
  let appender: DuckDBAppender | null = null;
  const onAbort = (): void => connection.interrupt();
  signal?.addEventListener('abort', onAbort);
  let rows = 0;
  try {
    await run(connection, ddl, `creating DuckDB table ${name}`, signal);
    created = true;
    appender = await connection.createAppender(name, opts.temporary ? 'main' : null, opts.temporary ? 'temp' : null);
    const chunk = DuckDBDataChunk.create(types);
    const CHUNK = duckdb.vector_size();
    for await (const b of batches) {
      const cols = columnsOf(b, fields);
      for (let pos = 0; pos < b.numRows; pos += CHUNK) {
        if (signal?.aborted) throw new ExecutionError('cancelled', `${what} was cancelled`);
        const n = Math.min(CHUNK, b.numRows - pos);
        duckdb.data_chunk_reset(chunk.chunk);
        cols.forEach((d, k) => writeVector(duckdb.data_chunk_get_vector(chunk.chunk, k), pos === 0 && n === d.length ? d : d.slice(pos, n), n));
        duckdb.data_chunk_set_size(chunk.chunk, n);
        appender.appendDataChunk(chunk);
        rows += n;
      }
    }
    if (signal?.aborted) throw new ExecutionError('cancelled', `${what} was cancelled`);
    appender.closeSync();
    appender = null;
    if (ownTxn) await connection.run('COMMIT');
    return rows;
  } catch (e) {
    if (appender) {
      try {
        appender.clear();
        appender.closeSync();
      } catch {
        // The connection may be gone; nothing more to release.
      }
    }
    if (ownTxn) await connection.run('ROLLBACK').catch(() => undefined);
    else if (created) await connection.run(`DROP TABLE IF EXISTS ${opts.temporary ? 'temp.' : ''}${quoteIdent(name)}`).catch(() => undefined);
    throw duckdbError(e, what, signal);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
