/**
 * Helpers of the relational operator tests: random tables as plain rows (physical values:
 * Int64 as bigint, dates as days), turned into `source` plans whose batches are cut at random
 * boundaries (empty batches included); running a plan through lowering; results back as rows;
 * multiset comparison with a float tolerance; and SQL value semantics for the oracles.
 */
import { type DataType, Field, Float64, Int32, Int64, makeData, RecordBatch, Schema, Struct, Utf8 } from 'apache-arrow';
import fc from 'fast-check';
import { expect } from 'vitest';

import type { Plan } from '../../../logical/plan.js';
import { source } from '../../../logical/plan-build.js';
import { fromData, toData, valueAt } from '../../../physical/expr/col.js';
import { rowWriter } from '../../../physical/expr/kernel.js';
import { catalogContext, collect, lower } from '../../../physical/lower.js';
import { defaultContext, type ExecContext } from '../../../physical/operator.js';

export type Row = Record<string, unknown>;

export const I32 = new Int32();
export const I64 = new Int64();
export const F64 = new Float64();
export const UTF8 = new Utf8();

/** A column of physical values as Arrow Data. */
export function columnOf(type: DataType, values: readonly unknown[]): import('apache-arrow').Data {
  const w = rowWriter(type, values.length);
  values.forEach((v, i) => w.set(i, v ?? null));
  return toData(w.finish());
}

export function batchOf(schema: Schema, rows: readonly Row[]): RecordBatch {
  const cols = schema.fields.map((f) => columnOf(f.type, rows.map((r) => r[f.name] ?? null)));
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: rows.length, nullCount: 0, children: cols }));
}

/** Rows split into batches of the given sizes (cycled; 0 = an empty batch); odd pieces are slices of one batch. */
export function split(schema: Schema, rows: readonly Row[], sizes: readonly number[]): RecordBatch[] {
  const whole = batchOf(schema, rows);
  const out: RecordBatch[] = [];
  let at = 0, k = 0;
  const cuts = sizes.length ? sizes : [Math.max(1, rows.length)];
  while (at < rows.length || k === 0) {
    let n = Math.min(cuts[k % cuts.length]!, rows.length - at);
    if (n === 0 && k > 3 * cuts.length) n = 1;
    out.push(k % 2 ? whole.slice(at, at + n) : batchOf(schema, rows.slice(at, at + n)));
    at += n;
    k++;
    if (k > 10_000) break;
  }
  return out;
}

/** A source plan over rows cut at `sizes`. */
export function table(schema: Schema, rows: readonly Row[], sizes: readonly number[] = [], describe = 't'): Plan {
  const batches = split(schema, rows, sizes);
  return source(describe, schema, async function* () {
    yield* batches;
  });
}

const noCatalog = catalogContext({
  table: () => Promise.reject(new Error('no catalog in this test')),
});

export function rowsOfBatch(b: RecordBatch): Row[] {
  const cols = b.data.children.map(fromData);
  const out: Row[] = [];
  for (let i = 0; i < b.numRows; i++) {
    const r: Row = {};
    b.schema.fields.forEach((f, k) => {
      r[f.name] = valueAt(cols[k]!, i);
    });
    out.push(r);
  }
  return out;
}

/** Runs a plan (through lowering) and returns its rows. */
export async function run(plan: Plan, exec: ExecContext = { ...defaultContext(), batchRows: 7 }): Promise<Row[]> {
  const t = await collect(plan, noCatalog, exec);
  return t.batches.flatMap(rowsOfBatch);
}

/** Runs a plan and also returns the root operator (metrics). */
export async function runOp(plan: Plan, exec: ExecContext = defaultContext()): Promise<{ rows: Row[]; op: ReturnType<typeof lower> }> {
  const op = lower(plan, noCatalog);
  const rows: Row[] = [];
  for await (const b of op.execute(exec)) rows.push(...rowsOfBatch(b));
  return { rows, op };
}

/** A stable text of a value for multiset comparison (floats rounded to 9 significant digits). */
export function norm(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'NaN';
    if (Object.is(v, -0) || Number.isInteger(v)) return String(v === 0 ? 0 : v);
    // A double one rounding step from an integer (Welford's stddev of 3, 3, -1, -3 is
    // 2.9999999999999996) prints as that integer, as the exact reference's does.
    const r = Math.round(v);
    return Math.abs(v - r) <= Math.abs(r) * 1e-14 ? String(r) : v.toPrecision(9);
  }
  if (typeof v === 'bigint') return `${v}n`;
  if (Array.isArray(v)) return `[${v.map(norm).join(',')}]`;
  if (v instanceof Uint8Array) return `bytes(${[...v].join(',')})`;
  if (typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${k}:${norm(x)}`).join(',')}}`;
  return JSON.stringify(v);
}

export const rowKey = (r: Row, cols?: readonly string[]): string => (cols ?? Object.keys(r)).map((c) => norm(r[c])).join('|');

/** Same rows in any order. */
export function expectSameRows(actual: readonly Row[], expected: readonly Row[], cols?: readonly string[]): void {
  const a = actual.map((r) => rowKey(r, cols)).sort();
  const e = expected.map((r) => rowKey(r, cols)).sort();
  expect(a).toEqual(e);
}

/** SQL equality for join keys: NULL never equal; NaN = NaN, -0 = 0 (DuckDB). */
export function sqlEq(a: unknown, b: unknown): boolean | null {
  if (a === null || b === null || a === undefined || b === undefined) return null;
  if (typeof a === 'number' && typeof b === 'number') return a === b || (Number.isNaN(a) && Number.isNaN(b));
  return a === b;
}

/** Grouping equality: NULL = NULL too. */
export const groupEq = (a: unknown, b: unknown): boolean => (a === null || b === null ? a === b : sqlEq(a, b) === true);

// ─── Arbitraries ────────────────────────────────────────────────────────────────────────────

export const smallInt = fc.option(fc.integer({ min: -3, max: 3 }), { nil: null, freq: 5 });
export const anyFloat = fc.option(fc.constantFrom(NaN, -0, 0, 1.5, -2, 2, 1e300, -1e-300, 3), { nil: null, freq: 6 });
export const anyString = fc.option(fc.constantFrom('', 'a', 'b', 'ab', 'é', '🦆', 'A', 'a b'), { nil: null, freq: 6 });
export const anyBig = fc.option(fc.constantFrom(-(2n ** 63n), 2n ** 63n - 1n, 0n, 1n, -1n, 2n ** 53n + 1n, 7n), { nil: null, freq: 6 });

/** Batch sizes: empty batches, single rows, a few larger. */
export const sizes = fc.array(fc.constantFrom(0, 1, 2, 3, 5, 8, 13), { minLength: 1, maxLength: 6 });

export const schemaOf = (fields: Record<string, DataType>): Schema => new Schema(Object.entries(fields).map(([n, t]) => new Field(n, t, true)));

/** Rows of a fixed schema {k: i32, s: utf8, x: f64, g: i64} prefixed names. */
export const rowsArb = (prefix: string, max = 25, min = 0): fc.Arbitrary<Row[]> =>
  fc.array(
    fc.record({ k: smallInt, s: anyString, x: anyFloat, g: anyBig }).map((r) => ({ [`${prefix}k`]: r.k, [`${prefix}s`]: r.s, [`${prefix}x`]: r.x, [`${prefix}g`]: r.g })),
    { maxLength: max, minLength: min },
  );

export const schemaFor = (prefix: string): Schema => schemaOf({ [`${prefix}k`]: I32, [`${prefix}s`]: UTF8, [`${prefix}x`]: F64, [`${prefix}g`]: I64 });
