/**
 * DuckDB → gyre: `fromDuckDB(connection, sql)` runs a query as a streaming DuckDB result and
 * yields its chunks as Arrow RecordBatches, a source `table.write(...)` takes directly (a write
 * is one transaction, so a failing query leaves the table as it was).
 */
import duckdb from '@duckdb/node-bindings';
import type { DuckDBConnection, DuckDBResult, DuckDBType } from '@duckdb/node-api';
import { type DataType, Field, makeData, RecordBatch, Schema, Struct, Table as ArrowTable } from 'apache-arrow';

import { ExecutionError, PlanError } from '../../errors.js';
import { conformData } from './conform.js';
import { duckdbError } from './errors.js';
import { readVector } from './read-vector.js';
import { arrowTypeOf, typesEqual } from './types.js';

export interface FromDuckDBOptions {
  /**
   * Arrow types for result columns, by name: the result is converted to them exactly (time
   * units and zones, integer and decimal widths, large offsets, struct fields, …) or the read
   * fails with `schema-mismatch`. Pass a gyre table's schema to write into it.
   */
  readonly schema?: Schema | Readonly<Record<string, DataType>>;
  /** Cancels the query (`cancelled`). */
  readonly signal?: AbortSignal;
}

/** A running DuckDB query as Arrow RecordBatches (read once). */
export class DuckDBBatches implements AsyncIterable<RecordBatch> {
  private started = false;

  /** @internal */
  constructor(
    private readonly connection: DuckDBConnection,
    private readonly result: DuckDBResult,
    /** The batches' schema (every field nullable). */
    readonly schema: Schema,
    private readonly types: readonly DuckDBType[],
    private readonly targets: readonly (DataType | null)[],
    private readonly signal: AbortSignal | undefined,
  ) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<RecordBatch> {
    if (this.started) throw new PlanError('invalid-argument', 'a DuckDB result can be read once');
    this.started = true;
    const signal = this.signal;
    const onAbort = (): void => this.connection.interrupt();
    signal?.addEventListener('abort', onAbort);
    const names = this.schema.fields.map((f) => f.name);
    const struct = new Struct(this.schema.fields);
    try {
      for (;;) {
        if (signal?.aborted) throw new ExecutionError('cancelled', 'the DuckDB query was cancelled');
        let chunk;
        try {
          chunk = await this.result.fetchChunk();
        } catch (e) {
          throw duckdbError(e, 'reading the DuckDB result', signal);
        }
        if (!chunk || chunk.rowCount === 0) {
          // A streaming result that fails ends like one that is exhausted; only its result type
          // (INVALID once DuckDB holds an error) tells them apart. The message is not exposed.
          if (signal?.aborted) throw new ExecutionError('cancelled', 'the DuckDB query was cancelled');
          if (this.result.returnType === duckdb.ResultType.INVALID) {
            throw new ExecutionError('duckdb-error', 'the DuckDB query failed while its result streamed (@duckdb/node-api does not pass on the message of a streaming error; run the query on its own to see it)');
          }
          return;
        }
        const n = chunk.rowCount;
        const children = this.types.map((t, k) => {
          const d = readVector(duckdb.data_chunk_get_vector(chunk.chunk, k), t, n, names[k]!);
          const to = this.targets[k];
          return to ? conformData(d, to, names[k]!) : d;
        });
        yield new RecordBatch(this.schema, makeData({ type: struct, length: n, nullCount: 0, children }));
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Every batch as one Arrow table. */
  async toArrow(): Promise<ArrowTable> {
    const batches: RecordBatch[] = [];
    for await (const b of this) batches.push(b);
    return batches.length ? new ArrowTable(batches) : new ArrowTable(this.schema);
  }
}

/** Runs `sql` on `connection` (streaming); see FromDuckDBOptions. */
export async function fromDuckDB(connection: DuckDBConnection, sql: string, opts: FromDuckDBOptions = {}): Promise<DuckDBBatches> {
  const signal = opts.signal;
  if (signal?.aborted) throw new ExecutionError('cancelled', 'the DuckDB query was cancelled before it started');
  const onAbort = (): void => connection.interrupt();
  signal?.addEventListener('abort', onAbort);
  let result: DuckDBResult;
  try {
    result = await connection.stream(sql);
  } catch (e) {
    throw duckdbError(e, 'running the DuckDB query', signal);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  const names = result.columnNames();
  const types = result.columnTypes();
  const wanted = opts.schema instanceof Schema ? Object.fromEntries(opts.schema.fields.map((f) => [f.name, f.type as DataType])) : (opts.schema ?? {});
  const targets = names.map((n, i) => {
    const t = wanted[n];
    return t && !typesEqual(t, arrowTypeOf(types[i]!, n)) ? t : null;
  });
  const fields = names.map((n, i) => new Field(n, targets[i] ?? arrowTypeOf(types[i]!, n), true));
  return new DuckDBBatches(connection, result, new Schema(fields), types, targets, signal);
}
