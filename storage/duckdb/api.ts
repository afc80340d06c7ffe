/**
 * The public DuckDB entry points. They load DuckDB's Node client on first call, so importing
 * gyre stays light for programs that never touch DuckDB.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { RecordBatch, Table as ArrowTable } from 'apache-arrow';

import { arrowSource } from './arrow-source.js';
import type { DuckDBBatches, FromDuckDBOptions } from './from-duckdb.js';
import type { DuckDBSource } from './source.js';
import type { DuckDBExport, ToDuckDBOptions } from './to-duckdb.js';

/**
 * Exposes a source to DuckDB: an Arrow table or batch, or any DuckDBSource (tables and dataset
 * scans have their own `toDuckDB`). A lazy view by default; a table with `materialize: true`.
 */
export async function toDuckDB(connection: DuckDBConnection, source: DuckDBSource | ArrowTable | RecordBatch, opts: ToDuckDBOptions = {}): Promise<DuckDBExport> {
  const src = source instanceof ArrowTable || source instanceof RecordBatch ? arrowSource(source) : source;
  return (await import('./to-duckdb.js')).toDuckDB(connection, src, opts);
}

/**
 * Runs a DuckDB query and streams its result as Arrow RecordBatches (what `db.fromDuckDB` does;
 * also the function behind a SQL `duckdb('…')` source).
 */
export async function fromDuckDB(connection: DuckDBConnection, sql: string, opts: FromDuckDBOptions = {}): Promise<DuckDBBatches> {
  return (await import('./from-duckdb.js')).fromDuckDB(connection, sql, opts);
}

export { arrowSource };
