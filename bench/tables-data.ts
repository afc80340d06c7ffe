/**
 * The dataset of `npm run bench:tables`, defined by formulas over the row number i so that gyre
 * (Arrow batches built here) and DuckDB (`datasetSql`, computed from `range(N)`) hold exactly the
 * same rows without moving them between processes:
 *
 *   id      int64    (i · a) mod N, a coprime with N: every id in [0, N) once, in shuffled order
 *   v_int   int64    (i · 7919 + 13) mod 1000003 − 500000
 *   v_float float64  ((i · 31) mod 100000) / 100
 *   v_str   utf8     'user_' ‖ (id mod 100000)
 *
 * Results of lookups are compared through `digest` (same text on both sides means same rows).
 */
import { createHash } from 'node:crypto';

import { Field, Float64, Int64, makeData, RecordBatch, Schema, Struct, Utf8 } from 'apache-arrow';

export const SCHEMA = new Schema([
  new Field('id', new Int64(), false),
  new Field('v_int', new Int64(), true),
  new Field('v_float', new Float64(), true),
  new Field('v_str', new Utf8(), true),
]);

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** The multiplier a: Knuth's 2654435761 reduced mod N, nudged until coprime with N. */
export function multiplier(n: number): number {
  let a = 2654435761 % n || 1;
  while (gcd(a, n) !== 1) a++;
  return a;
}

/** Rows [start, end) as one record batch. */
export function batchOf(n: number, start: number, end: number): RecordBatch {
  const len = end - start;
  const a = multiplier(n);
  const ids = new BigInt64Array(len),
    ints = new BigInt64Array(len);
  // Values fit in 32 bits: write the low and high words directly (BigInt conversions are slow).
  const idw = new Int32Array(ids.buffer),
    intw = new Int32Array(ints.buffer);
  const floats = new Float64Array(len);
  const offsets = new Int32Array(len + 1);
  const bytes = new Uint8Array(len * 10);
  const prefix = [117, 115, 101, 114, 95]; // "user_"
  const digits = new Uint8Array(12);
  let at = 0;
  for (let j = 0; j < len; j++) {
    const i = start + j;
    const id = (i * a) % n;
    const vi = ((i * 7919 + 13) % 1000003) - 500000;
    idw[2 * j] = id;
    intw[2 * j] = vi;
    intw[2 * j + 1] = vi < 0 ? -1 : 0;
    floats[j] = ((i * 31) % 100000) / 100;
    for (const b of prefix) bytes[at++] = b;
    let s = id % 100000,
      d = 0;
    do {
      digits[d++] = 48 + (s % 10);
      s = Math.floor(s / 10);
    } while (s > 0);
    while (d > 0) bytes[at++] = digits[--d]!;
    offsets[j + 1] = at;
  }
  const children = [
    makeData({ type: new Int64(), length: len, data: ids }),
    makeData({ type: new Int64(), length: len, data: ints }),
    makeData({ type: new Float64(), length: len, data: floats }),
    makeData({ type: new Utf8(), length: len, valueOffsets: offsets, data: bytes.subarray(0, at) }),
  ];
  return new RecordBatch(SCHEMA, makeData({ type: new Struct(SCHEMA.fields), length: len, nullCount: 0, children }));
}

/** The whole dataset in batches of `batchRows`. */
export function batches(n: number, batchRows = 1 << 20): RecordBatch[] {
  const out: RecordBatch[] = [];
  for (let s = 0; s < n; s += batchRows) out.push(batchOf(n, s, Math.min(n, s + batchRows)));
  return out;
}

/** The same rows as a DuckDB query. */
export function datasetSql(n: number): string {
  const a = multiplier(n);
  return `SELECT (i * ${a}) % ${n} AS id,
    (i * 7919 + 13) % 1000003 - 500000 AS v_int,
    CAST((i * 31) % 100000 AS DOUBLE) / CAST(100 AS DOUBLE) AS v_float,
    'user_' || CAST(((i * ${a}) % ${n}) % 100000 AS VARCHAR) AS v_str
  FROM range(${n}) r(i)`;
}

/** Sets of `size` distinct random ids in [0, n) from a seeded generator (mulberry32). */
export function keySets(n: number, sets: number, size: number, seed = 42): number[][] {
  let s = seed >>> 0;
  const rand = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: sets }, () => {
    const picked = new Set<number>();
    while (picked.size < Math.min(size, n)) picked.add(Math.floor(rand() * n));
    return [...picked];
  });
}

export interface Row {
  id: unknown;
  v_int: unknown;
  v_float: unknown;
  v_str: unknown;
}

/** Row count and a hash of the rows sorted by id. */
export function digest(rows: readonly Row[]): string {
  const lines = rows.map((r) => `${String(r.id)}|${String(r.v_int)}|${String(r.v_float)}|${String(r.v_str)}`);
  lines.sort((x, y) => Number(BigInt(x.slice(0, x.indexOf('|'))) - BigInt(y.slice(0, y.indexOf('|')))));
  return `${rows.length} rows, sha1 ${createHash('sha1').update(lines.join('\n')).digest('hex').slice(0, 12)}`;
}

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
