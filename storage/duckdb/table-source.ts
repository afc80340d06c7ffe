/**
 * A gyre table as a DuckDB source: its schema and batches on this thread (materialize), and the
 * plain-data description a scan worker reopens it from (lazy views).
 */
import type { RecordBatch, Schema } from 'apache-arrow';

import type { Literal, Predicate } from '../vortex/predicate.js';
import type { AsOf } from '../tables/table-core.js';
import { Table } from '../tables/table.js';
import type { WorkerSource } from './scan-worker.js';
import type { ReopenSpec } from './scan-host.js';
import { describeStore, openStore, type StoreSpec } from './store-spec.js';
import type { DuckDBSource } from './source.js';

/** Which rows of the table DuckDB sees (the columns are DuckDB's to choose). */
export interface TableViewScan {
  readonly where?: Predicate;
  /** Only keys starting with these values of the first key columns. */
  readonly prefix?: readonly Literal[];
  readonly limit?: number;
  /** A fixed version (number) or time; default: the newest version at each query. */
  readonly asof?: AsOf;
}

interface TableArgs {
  readonly store: StoreSpec;
  readonly dir: string;
  readonly id: string;
  readonly identifier: string;
  readonly path: string;
  readonly scan: TableViewScan;
}

/** The source DuckDB reads for `table.toDuckDB(...)`. */
export function tableSource(table: Table, scan: TableViewScan = {}): DuckDBSource {
  const opts = (columns?: readonly string[]) => ({
    ...(columns ? { columns } : {}),
    ...(scan.where ? { where: scan.where } : {}),
    ...(scan.prefix ? { prefix: table.key(...scan.prefix) } : {}),
    ...(scan.limit === undefined ? {} : { limit: scan.limit }),
    ...(scan.asof === undefined ? {} : { asof: scan.asof }),
  });
  return {
    defaultName: table.identifier.split('.').pop()!,
    schema: (): Promise<Schema> => table.schema(scan.asof),
    batches: (columns?: readonly string[]): AsyncIterable<RecordBatch> => table.scan(opts(columns)),
    reopen: async (): Promise<ReopenSpec | string> => {
      const spec = await describeStore(table.storage.store);
      if (!spec) return 'the table lives in a custom object store a worker thread cannot reopen';
      const args: TableArgs = { store: spec, dir: table.storage.dir, id: table.id, identifier: table.identifier, path: table.collectionPath, scan };
      return { module: import.meta.url, name: 'openTableScan', args };
    },
  };
}

const tables = new Map<string, Promise<Table>>();

/** Worker side: scans the table described by `args` (newest version unless `asof`). */
export async function openTableScan(a: TableArgs, columns: readonly string[]): Promise<WorkerSource> {
  const key = JSON.stringify([a.store, a.dir, a.path]);
  let t = tables.get(key);
  if (!t) {
    t = Table.open(openStore(a.store), a.dir, a.id, a.identifier, undefined, a.path);
    t.catch(() => tables.delete(key));
    tables.set(key, t);
  }
  const table = await t;
  const snap = await table.snapshot(a.scan.asof);
  const batches = snap.scan({
    columns,
    ...(a.scan.where ? { where: a.scan.where } : {}),
    ...(a.scan.prefix ? { prefix: table.key(...a.scan.prefix) } : {}),
    ...(a.scan.limit === undefined ? {} : { limit: a.scan.limit }),
  });
  return { batches, metrics: () => ({ ...snap.metrics }) };
}
