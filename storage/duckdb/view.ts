/**
 * Lazy DuckDB views over gyre sources: one generic table function, `gyre_scan(id)`, serves every
 * view. Its bind step declares the source's columns; DuckDB pushes the query's projection into
 * its init step, which starts a worker scan of just those columns (scan-host.ts); each call of
 * its main step fills one DuckDB chunk (≤ 2048 rows) from the scan's current batch.
 *
 * A view is `CREATE VIEW name AS SELECT * FROM gyre_scan('<id>')`; `id` names an entry of this
 * process's registry, so a view found in a database file after a restart fails with a clear
 * error instead of reading anything stale.
 */
import { randomUUID } from 'node:crypto';

import duckdb from '@duckdb/node-bindings';
import { type DuckDBConnection, DuckDBTableFunction, type DuckDBType, VARCHAR } from '@duckdb/node-api';
import type { Data, Field } from 'apache-arrow';

import { EngineError } from '../../errors.js';
import { duckdbError, tagged } from './errors.js';
import { type ReopenSpec, type ScanMetrics, WorkerScan } from './scan-host.js';
import { writeVector } from './write-vector.js';

export const SCAN_FUNCTION = 'gyre_scan';

/** One query's read of a view: the columns DuckDB asked for and what the scan did. */
export interface ViewScan {
  readonly columns: readonly string[];
  rows: number;
  batches: number;
  /** The storage scan's counters (fragments read, …), once it has ended. */
  metrics: ScanMetrics | null;
}

interface ViewEntry {
  readonly fields: readonly Field[];
  readonly types: readonly DuckDBType[];
  readonly spec: ReopenSpec;
  readonly scans: ViewScan[];
}

const views = new Map<string, ViewEntry>();

/** Registers a source for `gyre_scan`; returns its id. */
export function registerView(fields: readonly Field[], types: readonly DuckDBType[], spec: ReopenSpec): { id: string; scans: ViewScan[] } {
  const id = randomUUID();
  const scans: ViewScan[] = [];
  views.set(id, { fields, types, spec, scans });
  return { id, scans };
}

export function unregisterView(id: string): void {
  views.delete(id);
}

const CHUNK = duckdb.vector_size();

class ScanState {
  cols: Data[] = [];
  rows = 0;
  pos = 0;

  constructor(
    readonly stream: WorkerScan,
    readonly record: ViewScan,
  ) {}

  /** The next batch's projected columns (already in the declared types); false at the end. */
  advance(): boolean {
    const b = this.stream.next();
    if (!b) {
      this.record.metrics = this.stream.metrics;
      return false;
    }
    this.cols = b.columns;
    this.rows = b.length;
    this.pos = 0;
    this.record.batches++;
    return true;
  }
}

/** Closes scans DuckDB abandoned (LIMIT, errors, interrupts) once their state is collected. */
const abandoned = new FinalizationRegistry<WorkerScan>((s) => s.close());

function createFunction(): DuckDBTableFunction {
  return DuckDBTableFunction.create({
    name: SCAN_FUNCTION,
    parameterTypes: [VARCHAR],
    supportsProjectionPushdown: true,
    bindFunction(info) {
      const id = String(info.getParameter(0));
      const entry = views.get(id);
      if (!entry) {
        info.setError(`[gyre:duckdb-unsupported-source] no gyre source ${id} in this process (views over gyre data live as long as the process that made them; call toDuckDB again)`);
        return;
      }
      entry.fields.forEach((f, i) => info.addResultColumn(f.name, entry.types[i]!));
      info.setBindData({ id });
      info.setCardinality(0, false);
    },
    initFunction(info) {
      try {
        const { id } = info.bindData as { id: string };
        const entry = views.get(id);
        if (!entry) throw new EngineError('duckdb-unsupported-source', `the gyre source ${id} was dropped`);
        const indexes = info.getColumnIndexes();
        for (const i of indexes) if (i >= entry.fields.length) throw new EngineError('internal', `DuckDB asked for column ${i} of ${entry.fields.length}`);
        const columns = indexes.map((i) => entry.fields[i]!.name);
        const record: ViewScan = { columns, rows: 0, batches: 0, metrics: null };
        entry.scans.push(record);
        const stream = new WorkerScan(entry.spec, indexes.map((i) => entry.fields[i]!));
        const state = new ScanState(stream, record);
        abandoned.register(state, stream);
        info.setInitData(state);
      } catch (e) {
        info.setError(tagged(e));
      }
    },
    mainFunction(info, out) {
      const st = info.initData as ScanState;
      try {
        while (st.pos >= st.rows) {
          if (!st.advance()) {
            duckdb.data_chunk_set_size(out.chunk, 0);
            return;
          }
        }
        const n = Math.min(CHUNK, st.rows - st.pos);
        st.cols.forEach((d, k) => writeVector(duckdb.data_chunk_get_vector(out.chunk, k), st.pos === 0 && n === d.length ? d : d.slice(st.pos, n), n));
        duckdb.data_chunk_set_size(out.chunk, n);
        st.pos += n;
        st.record.rows += n;
      } catch (e) {
        st.stream.close();
        info.setError(tagged(e));
      }
    },
  });
}

const registered = new WeakSet<DuckDBConnection>();
let fn: DuckDBTableFunction | null = null;

/** Registers `gyre_scan` with the connection's database (once per connection). */
export function ensureScanFunction(connection: DuckDBConnection): void {
  if (registered.has(connection)) return;
  fn ??= createFunction();
  try {
    connection.registerTableFunction(fn);
  } catch (e) {
    throw duckdbError(e, `registering ${SCAN_FUNCTION}`);
  }
  registered.add(connection);
}
