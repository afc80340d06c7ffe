/**
 * Shared pieces of the DuckDB interop tests: an in-memory DuckDB per test file, exact column
 * comparison (values through the raw buffers, and types with nested names and nullability).
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { Data, DataType, RecordBatch, Schema, Table } from 'apache-arrow';
import { afterAll, beforeAll, expect } from 'vitest';

import { typesEqual } from '../../storage/duckdb/types.js';
import { dataValue } from '../helpers/arrow-values.js';

/** A fresh in-memory DuckDB connection for the test file (closed after it). */
export function duckdbConnection(): () => DuckDBConnection {
  let instance: DuckDBInstance | undefined;
  let connection: DuckDBConnection | undefined;
  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
    connection = await instance.connect();
  });
  afterAll(() => {
    connection?.closeSync();
    instance?.closeSync();
  });
  return () => connection!;
}

export function values(d: Data): unknown[] {
  return Array.from({ length: d.length }, (_, i) => dataValue(d, i));
}

/** Columns of a table or batches, each as plain values (all chunks). */
export function columns(t: Table | readonly RecordBatch[], schema?: Schema): Map<string, unknown[]> {
  const batches = Array.isArray(t) ? (t as readonly RecordBatch[]) : (t as Table).batches;
  const out = new Map<string, unknown[]>();
  for (const f of (schema ?? (t as Table).schema)?.fields ?? []) out.set(f.name, []);
  for (const b of batches) {
    b.schema.fields.forEach((f, i) => {
      let col = out.get(f.name);
      if (!col) out.set(f.name, (col = []));
      col.push(...values(b.data.children[i]!));
    });
  }
  return out;
}

/** Same column names, exactly the same types and the same values. */
export function expectSameTable(actual: Table, expected: Table | RecordBatch): void {
  const exp = 'batches' in expected ? expected : { schema: expected.schema, batches: [expected] };
  expect(actual.schema.fields.map((f) => f.name)).toEqual(exp.schema.fields.map((f) => f.name));
  actual.schema.fields.forEach((f, i) => {
    const want = exp.schema.fields[i]!.type as DataType;
    expect(typesEqual(f.type as DataType, want), `${f.name}: ${String(f.type)} vs ${String(want)}`).toBe(true);
  });
  expect(columns(actual)).toEqual(columns(exp.batches, exp.schema));
}
