/**
 * In-memory Arrow data as a DuckDB source (`toDuckDB(connection, arrowSource(table))`). A lazy
 * view hands the worker a copy of the data as Arrow IPC bytes per query; materialize copies
 * straight from the batches.
 */
import { makeData, RecordBatch, Schema, Struct, Table as ArrowTable, tableFromIPC, tableToIPC } from 'apache-arrow';

import { EngineError } from '../../errors.js';
import type { WorkerSource } from './scan-worker.js';
import type { ReopenSpec } from './scan-host.js';
import type { DuckDBSource } from './source.js';

/** Only the columns `columns` of `b` (all when omitted). */
function select(b: RecordBatch, columns?: readonly string[]): RecordBatch {
  if (!columns) return b;
  const idx = columns.map((c) => {
    const i = b.schema.fields.findIndex((f) => f.name === c);
    if (i < 0) throw new EngineError('unknown-column', `no column "${c}"`);
    return i;
  });
  const schema = new Schema(idx.map((i) => b.schema.fields[i]!));
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: b.numRows, nullCount: 0, children: idx.map((i) => b.data.children[i]!) }));
}

/** A source over an Arrow table, a batch or batches (one schema). */
export function arrowSource(data: ArrowTable | RecordBatch | readonly RecordBatch[], name = ''): DuckDBSource {
  const table = data instanceof ArrowTable ? data : data instanceof RecordBatch ? new ArrowTable([data]) : new ArrowTable(data as RecordBatch[]);
  return {
    defaultName: name,
    schema: (): Promise<Schema> => Promise.resolve(table.schema),
    async *batches(columns?: readonly string[]): AsyncGenerator<RecordBatch> {
      for (const b of table.batches) yield select(b, columns);
    },
    reopen: (): Promise<ReopenSpec> => Promise.resolve({ module: import.meta.url, name: 'openArrowScan', args: { ipc: tableToIPC(table, 'stream') } }),
  };
}

/** Worker side. */
export function openArrowScan(a: { ipc: Uint8Array }, columns: readonly string[]): Promise<WorkerSource> {
  const t = tableFromIPC(a.ipc);
  async function* batches(): AsyncGenerator<RecordBatch> {
    for (const b of t.batches) yield select(b, columns);
  }
  return Promise.resolve({ batches: batches() });
}
