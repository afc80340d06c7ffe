/**
 * The result of a SQL statement: its schema (output names as written, so they may repeat),
 * and its rows as Arrow RecordBatches (streamed; a query runs when they are pulled, again at
 * every pull), one Arrow Table, or plain objects.
 */
import { Field, Float64, makeData, RecordBatch, Schema, Struct, Table, Type } from 'apache-arrow';

import { plainValue } from './result-values.js';

export type StatementKind = 'query' | 'explain' | 'create' | 'insert' | 'delete' | 'drop' | 'show' | 'describe';

export interface RunOptions {
  /** Cancels the query (`cancelled`). */
  readonly signal?: AbortSignal;
}

export class SqlResult {
  constructor(
    /** Output columns (DECIMAL results are DOUBLE: decimals execute as Float64). */
    readonly schema: Schema,
    private readonly open: (opts: RunOptions) => AsyncIterable<RecordBatch>,
    /** What kind of statement produced it. */
    readonly kind: StatementKind,
  ) {}

  /** A result of rows already in memory. */
  static of(schema: Schema, batches: readonly RecordBatch[], kind: StatementKind): SqlResult {
    return new SqlResult(schema, () => (async function* () {
      yield* batches;
    })(), kind);
  }

  /** The rows as Arrow RecordBatches with this result's column names. */
  async *toRecordBatches(opts: RunOptions = {}): AsyncGenerator<RecordBatch> {
    for await (const b of this.open(opts)) yield renamed(b, this.schema);
  }

  [Symbol.asyncIterator](): AsyncGenerator<RecordBatch> {
    return this.toRecordBatches();
  }

  async toArrow(opts: RunOptions = {}): Promise<Table> {
    const batches: RecordBatch[] = [];
    for await (const b of this.toRecordBatches(opts)) if (b.numRows > 0) batches.push(b);
    return batches.length === 0 ? new Table(this.schema) : new Table(batches);
  }

  /**
   * The rows as plain objects keyed by column name (BIGINT as bigint, DATE and TIMESTAMP as
   * Date, lists as arrays, structs as objects; a repeated name keeps its last column).
   */
  async rows(opts: RunOptions = {}): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    for await (const b of this.toRecordBatches(opts)) {
      const cols = b.data.children;
      for (let i = 0; i < b.numRows; i++) {
        const row: Record<string, unknown> = {};
        this.schema.fields.forEach((f, j) => (row[f.name] = plainValue(cols[j]!, i)));
        out.push(row);
      }
    }
    return out;
  }
}

/** The schema of a result from a plan's: DECIMAL columns become DOUBLE (how they execute). */
export function resultSchema(plan: Schema, names: readonly string[]): Schema {
  return new Schema(plan.fields.map((f, i) => new Field(names[i] ?? f.name, f.type.typeId === Type.Decimal ? new Float64() : f.type, f.nullable)));
}

/** `b` with the columns of `schema` (same data, the schema's names). */
export function renamed(b: RecordBatch, schema: Schema): RecordBatch {
  if (b.schema.fields.length === schema.fields.length && b.schema.fields.every((f, i) => f.name === schema.fields[i]!.name)) return b;
  const fields = schema.fields.map((f, i) => new Field(f.name, b.schema.fields[i]?.type ?? f.type, f.nullable));
  return new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: b.numRows, nullCount: 0, children: b.data.children }));
}
