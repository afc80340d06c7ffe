/**
 * A dataset scan as a DuckDB source (`scan.toDuckDB(connection)`): its schema and batches on
 * this thread for `materialize`, and the plain-data recipe a scan worker rebuilds it from for a
 * lazy view. The worker computes only the top-level columns a DuckDB query uses, as long as one
 * of them lies at the scan's row level (otherwise dropping the others would change the rows, and
 * every column is computed).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { RecordBatch, Schema } from 'apache-arrow';

import { type Expr, levelOf } from '../logical/expr.js';
import { ExprRef } from '../logical/fluent.js';
import { Database } from '../storage/tables/catalog.js';
import type { DuckDBExport, DuckDBSource, ReopenSpec, StoreSpec, ToDuckDBOptions } from '../storage/duckdb/index.js';
import type { WorkerSource } from '../storage/duckdb/scan-worker.js';
import { describeStore, openStore } from '../storage/duckdb/store-spec.js';
import type { AsOf } from '../storage/tables/table-core.js';
import { collectionPaths, Dataset, DatasetScan, type DatasetScanOptions } from './dataset.js';
import type { ScanOutput } from './planner.js';

/** A top-level output column, or a struct of them (DatasetScan's output shape). */
export type Shape = { readonly name: string; readonly column: string } | { readonly name: string; readonly fields: readonly Shape[] };

interface ScanArgs {
  readonly store: StoreSpec;
  readonly project: string;
  readonly dataset: string;
  readonly outputs: readonly ScanOutput[];
  readonly shape: readonly Shape[];
  readonly where?: Expr;
  readonly asof?: AsOf;
  readonly limit?: number;
}

const columnsOf = (s: Shape): string[] => ('column' in s ? [s.column] : s.fields.flatMap(columnsOf));

/** Depth of an expression's row level (0 for literals). */
const depth = (e: Expr): number => levelOf(e)?.path.length ?? 0;

/** The outputs and shape for the top-level columns `columns`, keeping the scan's row level. */
export function projectScan(outputs: readonly ScanOutput[], shape: readonly Shape[], columns: readonly string[]): { outputs: ScanOutput[]; shape: Shape[] } {
  const keep = shape.filter((s) => columns.includes(s.name));
  const names = new Set(keep.flatMap(columnsOf));
  const chosen = outputs.filter((o) => names.has(o.name));
  const rowLevel = Math.max(...outputs.map((o) => depth(o.expr)));
  if (chosen.length === 0 || Math.max(...chosen.map((o) => depth(o.expr))) < rowLevel) return { outputs: [...outputs], shape: [...shape] };
  return { outputs: chosen, shape: keep };
}

/** The DuckDB source of a dataset scan. */
export function datasetScanSource(scan: DatasetScan, ds: Dataset, opts: DatasetScanOptions, shape: readonly Shape[]): DuckDBSource {
  return {
    defaultName: '',
    schema: (): Promise<Schema> => scan.schema(),
    batches: (): AsyncIterable<RecordBatch> => scan.toRecordBatches(),
    reopen: async (): Promise<ReopenSpec | string> => {
      const store = await describeStore(ds.db.store);
      if (!store) return 'the dataset lives in a custom object store a worker thread cannot reopen';
      const identifier = ds.table(collectionPaths(ds.schema)[0]!.join('.')).storage.identifier;
      const dot = identifier.indexOf('.');
      const args: ScanArgs = {
        store,
        project: identifier.slice(0, dot),
        dataset: identifier.slice(dot + 1),
        outputs: scan.outputs,
        shape,
        ...(opts.where ? { where: opts.where.expr } : {}),
        ...(opts.asof === undefined ? {} : { asof: opts.asof }),
        ...(opts.limit === undefined ? {} : { limit: opts.limit }),
      };
      try {
        structuredClone(args);
      } catch {
        return 'its expressions hold JavaScript functions (custom aggregates, windows or resample methods)';
      }
      return { module: import.meta.url, name: 'reopenDatasetScan', args };
    },
  };
}

/** `scan.toDuckDB(...)`. */
export async function scanToDuckDB(connection: DuckDBConnection, source: DuckDBSource, opts: ToDuckDBOptions): Promise<DuckDBExport> {
  return (await import('../storage/duckdb/index.js')).toDuckDB(connection, source, opts);
}

const datasets = new Map<string, Promise<Dataset>>();

/** Worker side: rebuilds the scan for the columns DuckDB asked for. */
export async function reopenDatasetScan(a: ScanArgs, columns: readonly string[]): Promise<WorkerSource> {
  // The worker plans the scan anew: the root module installs the collection optimizer.
  await import('../index.js');
  const key = JSON.stringify([a.store, a.project, a.dataset]);
  let open = datasets.get(key);
  if (!open) {
    open = Dataset.open(new Database(openStore(a.store)), a.dataset, { project: a.project });
    open.catch(() => datasets.delete(key));
    datasets.set(key, open);
  }
  const ds = await open;
  const p = projectScan(a.outputs, a.shape, columns);
  const opts: DatasetScanOptions = {
    ...(a.where ? { where: new ExprRef(a.where) } : {}),
    ...(a.asof === undefined ? {} : { asof: a.asof }),
    ...(a.limit === undefined ? {} : { limit: a.limit }),
  };
  return { batches: new DatasetScan(ds, p.outputs, opts, p.shape).toRecordBatches() };
}
