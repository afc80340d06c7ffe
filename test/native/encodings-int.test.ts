/**
 * Integer encodings (fastlanes.bitpacked, fastlanes.for, fastlanes.rle, fastlanes.delta,
 * vortex.zigzag, vortex.sequence, vortex.runend, vortex.sparse, vortex.dict) against the official
 * writers.
 *
 * 1. A fast-check property (fixed seed) generates integer columns in TypeScript — u8…u64 and
 *    i8…i64; sequences, small ranges, outliers, runs, runs under 50% nulls, small ± values with huge
 *    outliers, 90–99% one value, mostly null, all null, constant, random — with nulls, empty, one
 *    row, and lengths around the 1024 / 8192 boundaries and 65,537. Pinned cases add shapes that
 *    make the writer pick each encoding (multi-chunk columns, u64 above 2^63, array-level dicts
 *    in float data chunks, sparse strings). Every case goes through Arrow IPC to ONE python process
 *    per library version (write_with_vortex.py; default and compact writers), is read back with
 *    gyre, and every value and null position is compared with the input. The zone tables (where the
 *    writer's full compressor puts vortex.dict / vortex.sparse / vortex.runend) are decoded too and
 *    checked against per-zone min / max / null counts computed from the input.
 * 2. fastlanes.delta is not produced by the Python writers; it (and bitpacked/RLE/runend with
 *    non-zero offsets, and hostile metadata for every encoding) is tested by crafting array
 *    segments in TypeScript and splicing them into an official file in place of its data segment.
 *
 * Columns that need an encoding outside this suite (vortex.pco in compact files, …) are counted as
 * skipped, never silently passed; coverage assertions only count encodings of verified columns.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  Bool,
  type Data,
  type DataType,
  Decimal,
  Field,
  Float64,
  Int8,
  Int16,
  Int32,
  Int64,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  Uint8,
  Uint16,
  Uint32,
  Uint64,
  Utf8,
  Vector,
} from 'apache-arrow';
import fc from 'fast-check';
import * as flatbuffers from 'flatbuffers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { VortexFile } from 'gyre';
import { dataSegments } from '../helpers/layout.js';

import { dataValue } from '../helpers/arrow-values.js';
import { findPythons, writeIpc, writeWithOfficial } from '../helpers/official.js';

import { toArrowField, type VortexDType } from '../../storage/vortex/dtype.js';
import type { LayoutNode as RawLayoutNode } from '../../storage/vortex/layout.js';

const SEED = 0x1e7c0de5;
const RUNS = 30;
const MINE = [
  'fastlanes.bitpacked',
  'fastlanes.for',
  'fastlanes.rle',
  'fastlanes.delta',
  'vortex.zigzag',
  'vortex.sequence',
  'vortex.runend',
  'vortex.sparse',
  'vortex.dict',
] as const;
/** Produced by the official Python writers (fastlanes.delta is not: see the crafted tests). */
const WRITTEN = MINE.filter((e) => e !== 'fastlanes.delta');

// ---- deterministic values ---------------------------------------------------------------------

const M64 = (1n << 64n) - 1n;

/** xorshift128+ over bigints: seeded, exact 64-bit output. */
class Rng {
  private a: bigint;
  private b: bigint;
  constructor(seed: number) {
    this.a = (BigInt(seed >>> 0) * 0x9e3779b97f4a7c15n + 0x632be59bd9b4e019n) & M64;
    this.b = (this.a ^ 0x85ebca6b27d4eb4fn) & M64;
    for (let i = 0; i < 8; i++) this.u64();
  }
  u64(): bigint {
    let s1 = this.a;
    const s0 = this.b;
    this.a = s0;
    s1 ^= (s1 << 23n) & M64;
    this.b = s1 ^ s0 ^ (s1 >> 17n) ^ (s0 >> 26n);
    return (this.b + s0) & M64;
  }
  next(): number {
    return Number(this.u64() >> 11n) / 2 ** 53;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  /** Uniform in [lo, hi] (inclusive). */
  big(lo: bigint, hi: bigint): bigint {
    const span = hi - lo + 1n;
    return span > M64 ? lo + this.u64() : lo + (this.u64() % span);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
}

type IntName = 'u8' | 'u16' | 'u32' | 'u64' | 'i8' | 'i16' | 'i32' | 'i64';
interface IntInfo {
  bits: number;
  signed: boolean;
  arrow: () => DataType;
  min: bigint;
  max: bigint;
}
const INT: Record<IntName, IntInfo> = Object.fromEntries(
  (
    [
      ['u8', 8, false, () => new Uint8()],
      ['u16', 16, false, () => new Uint16()],
      ['u32', 32, false, () => new Uint32()],
      ['u64', 64, false, () => new Uint64()],
      ['i8', 8, true, () => new Int8()],
      ['i16', 16, true, () => new Int16()],
      ['i32', 32, true, () => new Int32()],
      ['i64', 64, true, () => new Int64()],
    ] as const
  ).map(([n, bits, signed, arrow]) => [
    n,
    {
      bits,
      signed,
      arrow,
      min: signed ? -(1n << BigInt(bits - 1)) : 0n,
      max: signed ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n,
    },
  ]),
) as unknown as Record<IntName, IntInfo>;
const INT_NAMES = Object.keys(INT) as IntName[];

type Shape =
  | 'sequence'
  | 'smallRange'
  | 'outliers'
  | 'runs'
  | 'runsHalfNull'
  | 'zigzag'
  | 'mostlyOne'
  | 'mostlyNull'
  | 'random'
  | 'constant'
  | 'allNull';
const SHAPES: Shape[] = [
  'sequence',
  'smallRange',
  'outliers',
  'runs',
  'runsHalfNull',
  'zigzag',
  'mostlyOne',
  'mostlyNull',
  'random',
  'constant',
  'allNull',
];

interface IntCase {
  type: IntName;
  rows: number;
  shape: Shape;
  nullRate: number;
  nullable: boolean;
  param: number;
  seed: number;
}

/** An input column: exact values (bigint) and validity (null = no nulls). */
interface Column {
  name: string;
  type: DataType;
  nullable: boolean;
  data: Data;
}

function clampBig(v: bigint, t: IntInfo): bigint {
  return v < t.min ? t.min : v > t.max ? t.max : v;
}

function intValues(c: IntCase, rng: Rng): { vals: bigint[]; nullRate: number } {
  const t = INT[c.type];
  const n = c.rows;
  const vals: bigint[] = new Array(n);
  let nullRate = c.nullRate;
  const small = (k: number): bigint => rng.big(0n, (1n << BigInt(k)) - 1n);
  switch (c.shape) {
    case 'sequence': {
      let step = rng.pick([1n, 3n, 1000n, -1n, -7n]);
      if (!t.signed && step < 0n && rng.next() < 0.5) step = -step;
      const span = BigInt(Math.max(0, n - 1)) * (step < 0n ? -step : step);
      if (span > t.max - t.min) step = 1n;
      const sp = BigInt(Math.max(0, n - 1)) * (step < 0n ? -step : step);
      const base = sp > t.max - t.min ? t.min : step > 0n ? rng.big(t.min, t.max - sp) : rng.big(t.min + sp, t.max);
      for (let i = 0; i < n; i++) vals[i] = base + BigInt(i) * step;
      break;
    }
    case 'smallRange': {
      const k = rng.int(0, Math.min(t.bits - 1, 24));
      const base = rng.big(t.min, t.max - (1n << BigInt(k)) + 1n);
      for (let i = 0; i < n; i++) vals[i] = base + small(k);
      break;
    }
    case 'outliers': {
      const k = rng.int(1, Math.min(t.bits - 2, 12));
      const rate = rng.pick([0.002, 0.01, 0.03]);
      for (let i = 0; i < n; i++) vals[i] = rng.next() < rate ? t.max - small(6) : small(k);
      break;
    }
    case 'runs': {
      const wide = rng.next() < 0.5;
      let v = 0n;
      for (let i = 0; i < n; i++) {
        if (i % c.param === 0) v = wide ? rng.big(t.min, t.max) : clampBig(small(6), t);
        vals[i] = v;
      }
      break;
    }
    case 'runsHalfNull': {
      // Runs of 16 under 50% nulls: RLE keeps runs across nulls (RunEnd splits them).
      nullRate = 0.5;
      let v = 0n;
      const k = BigInt(Math.min(t.bits - 1, 40));
      for (let i = 0; i < n; i++) {
        if (i % 16 === 0) v = rng.big(0n, (1n << k) - 1n);
        vals[i] = v;
      }
      break;
    }
    case 'zigzag': {
      for (let i = 0; i < n; i++) {
        if (rng.next() < 0.01) vals[i] = t.signed ? rng.big(t.min / 2n, t.max / 2n) : t.max - small(4);
        else vals[i] = t.signed ? BigInt(rng.int(-8, 8)) : small(3);
      }
      break;
    }
    case 'mostlyOne': {
      const common = rng.big(t.min, t.max);
      const p = rng.pick([0.9, 0.95, 0.99]);
      for (let i = 0; i < n; i++) vals[i] = rng.next() < p ? common : rng.big(t.min, t.max);
      break;
    }
    case 'mostlyNull': {
      nullRate = rng.pick([0.95, 0.99, 0.999]);
      for (let i = 0; i < n; i++) vals[i] = rng.big(t.min, t.max);
      break;
    }
    case 'random':
      for (let i = 0; i < n; i++) vals[i] = rng.big(t.min, t.max);
      break;
    case 'constant': {
      const v = rng.big(t.min, t.max);
      vals.fill(v);
      break;
    }
    case 'allNull':
      nullRate = 1;
      vals.fill(0n);
      break;
  }
  for (let i = 0; i < n; i++) vals[i] = t.signed ? BigInt.asIntN(t.bits, vals[i]!) : BigInt.asUintN(t.bits, vals[i]!);
  return { vals, nullRate };
}

function bitmap(rng: Rng, n: number, rate: number): Uint8Array | null {
  if (rate === 0) return null;
  const bm = new Uint8Array(Math.ceil(n / 8));
  for (let i = 0; i < n; i++) if (rate < 1 && rng.next() >= rate) bm[i >> 3]! |= 1 << (i & 7);
  return bm;
}
function nullCount(bm: Uint8Array | null, n: number): number {
  if (!bm) return 0;
  let c = 0;
  for (let i = 0; i < n; i++) if (!((bm[i >> 3]! >> (i & 7)) & 1)) c++;
  return c;
}

function typedOf(t: IntInfo, vals: readonly bigint[]): ArrayLike<number | bigint> {
  const n = vals.length;
  switch (t.bits) {
    case 8:
      return t.signed ? Int8Array.from(vals, Number) : Uint8Array.from(vals, Number);
    case 16:
      return t.signed ? Int16Array.from(vals, Number) : Uint16Array.from(vals, Number);
    case 32:
      return t.signed ? Int32Array.from(vals, Number) : Uint32Array.from(vals, Number);
    default: {
      const a = t.signed ? new BigInt64Array(n) : new BigUint64Array(n);
      vals.forEach((v, i) => (a[i] = v));
      return a;
    }
  }
}

function intColumn(c: IntCase, name = 'v'): Column {
  const rng = new Rng(c.seed);
  const t = INT[c.type];
  const { vals, nullRate } = intValues(c, rng);
  const nullable = c.nullable || nullRate > 0;
  const bm = nullable ? bitmap(rng, c.rows, nullRate) : null;
  const type = t.arrow();
  const data = makeData({
    type,
    length: c.rows,
    nullCount: nullCount(bm, c.rows),
    nullBitmap: bm,
    data: typedOf(t, vals),
  } as never);
  return { name, type, nullable, data };
}

function table(cols: Column[]): Table {
  const fields = cols.map((c) => new Field(c.name, c.type, c.nullable));
  const n = cols[0]!.data.length;
  const struct = makeData({ type: new Struct(fields), length: n, nullCount: 0, children: cols.map((c) => c.data) });
  return new Table([new RecordBatch(new Schema(fields), struct)]);
}

/** A float64 column whose first 8192 rows are random and the rest come from `distinct` values: the
 *  layout-level dictionary is not chosen (first block), later chunks get an array-level vortex.dict. */
function lateDictFloat(rows: number, nullRate: number, seed: number): Column {
  const rng = new Rng(seed);
  const pool = Array.from({ length: 50 }, () => rng.next() * 1000);
  const v = new Float64Array(rows);
  for (let i = 0; i < rows; i++) v[i] = i < 8192 ? rng.next() : rng.pick(pool);
  const bm = bitmap(rng, rows, nullRate);
  const type = new Float64();
  return {
    name: 'v',
    type,
    nullable: nullRate > 0,
    data: makeData({ type, length: rows, nullCount: nullCount(bm, rows), nullBitmap: bm, data: v }),
  };
}

/** Mostly-null strings: the writer's null-dominated vortex.sparse over Utf8. */
function sparseStrings(rows: number, seed: number): Column {
  const rng = new Rng(seed);
  const enc = new TextEncoder();
  const bm = new Uint8Array(Math.ceil(rows / 8));
  const parts: Uint8Array[] = [];
  const offsets = new Int32Array(rows + 1);
  let total = 0;
  for (let i = 0; i < rows; i++) {
    offsets[i] = total;
    if (rng.next() < 0.03) {
      bm[i >> 3]! |= 1 << (i & 7);
      const s = enc.encode(rng.pick(['', 'a', 'dürüm', '東京', `row-${i}`, 'x'.repeat(rng.int(0, 40))]));
      parts.push(s);
      total += s.length;
    }
  }
  offsets[rows] = total;
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  const type = new Utf8();
  return {
    name: 'v',
    type,
    nullable: true,
    data: makeData({
      type,
      length: rows,
      nullCount: nullCount(bm, rows),
      nullBitmap: bm,
      valueOffsets: offsets,
      data: bytes,
    }),
  };
}

const caseArb: fc.Arbitrary<IntCase> = fc.record({
  type: fc.constantFrom(...INT_NAMES),
  rows: fc.oneof(
    fc.constantFrom(0, 1, 2, 1023, 1024, 1025, 8191, 8192, 8193, 65537),
    fc.integer({ min: 3, max: 20000 }),
  ),
  shape: fc.constantFrom(...SHAPES),
  nullRate: fc.constantFrom(0, 0, 0.01, 0.3),
  nullable: fc.boolean(),
  param: fc.integer({ min: 2, max: 600 }),
  seed: fc.integer({ min: 1, max: 0x7fffffff }),
});

/** Cases that pin the writer onto each encoding regardless of what the property draws. */
function pinned(): { name: string; cols: Column[] }[] {
  const c = (name: string, x: Omit<IntCase, 'seed'> & { seed?: number }) => ({
    name,
    cols: [intColumn({ seed: name.length * 7919 + 17, ...x })],
  });
  return [
    c('seq_i64', { type: 'i64', rows: 65537, shape: 'sequence', nullRate: 0, nullable: false, param: 0, seed: 3 }),
    c('seq_i32_nullable', {
      type: 'i32',
      rows: 20000,
      shape: 'sequence',
      nullRate: 0,
      nullable: true,
      param: 0,
      seed: 4,
    }),
    c('for_i32', { type: 'i32', rows: 65537, shape: 'smallRange', nullRate: 0, nullable: false, param: 0, seed: 5 }),
    c('for_u64_high', {
      type: 'u64',
      rows: 30000,
      shape: 'smallRange',
      nullRate: 0.01,
      nullable: true,
      param: 0,
      seed: 6,
    }),
    c('patches_u32', { type: 'u32', rows: 65537, shape: 'outliers', nullRate: 0, nullable: false, param: 0, seed: 7 }),
    c('patches_i16_nulls', {
      type: 'i16',
      rows: 20000,
      shape: 'outliers',
      nullRate: 0.3,
      nullable: true,
      param: 0,
      seed: 8,
    }),
    c('runend_i64', { type: 'i64', rows: 65537, shape: 'runs', nullRate: 0, nullable: false, param: 8, seed: 9 }),
    c('runend_u8_long', {
      type: 'u8',
      rows: 65537,
      shape: 'runs',
      nullRate: 0.01,
      nullable: true,
      param: 500,
      seed: 10,
    }),
    c('rle_i64', { type: 'i64', rows: 16384, shape: 'runsHalfNull', nullRate: 0, nullable: true, param: 0, seed: 11 }),
    c('rle_i64_b', {
      type: 'i64',
      rows: 65537,
      shape: 'runsHalfNull',
      nullRate: 0,
      nullable: true,
      param: 0,
      seed: 12,
    }),
    c('rle_i32', { type: 'i32', rows: 16384, shape: 'runsHalfNull', nullRate: 0, nullable: true, param: 0, seed: 13 }),
    c('zigzag_i64', { type: 'i64', rows: 65537, shape: 'zigzag', nullRate: 0, nullable: false, param: 0, seed: 14 }),
    c('zigzag_i32_nulls', {
      type: 'i32',
      rows: 20000,
      shape: 'zigzag',
      nullRate: 0.01,
      nullable: true,
      param: 0,
      seed: 15,
    }),
    c('sparse_value_i64', {
      type: 'i64',
      rows: 65537,
      shape: 'mostlyOne',
      nullRate: 0,
      nullable: false,
      param: 0,
      seed: 16,
    }),
    c('sparse_value_u16_nulls', {
      type: 'u16',
      rows: 20000,
      shape: 'mostlyOne',
      nullRate: 0.02,
      nullable: true,
      param: 0,
      seed: 17,
    }),
    c('sparse_null_i32', {
      type: 'i32',
      rows: 65537,
      shape: 'mostlyNull',
      nullRate: 0,
      nullable: true,
      param: 0,
      seed: 18,
    }),
    c('all_null_i64', { type: 'i64', rows: 9000, shape: 'allNull', nullRate: 0, nullable: true, param: 0, seed: 19 }),
    c('chunks_i64', {
      type: 'i64',
      rows: 300000,
      shape: 'smallRange',
      nullRate: 0.01,
      nullable: true,
      param: 0,
      seed: 20,
    }),
    c('random_i8_nulls', {
      type: 'i8',
      rows: 65537,
      shape: 'random',
      nullRate: 0.3,
      nullable: true,
      param: 0,
      seed: 21,
    }),
    { name: 'dict_f64', cols: [lateDictFloat(100000, 0, 22)] },
    { name: 'dict_f64_nulls', cols: [lateDictFloat(100000, 0.1, 23)] },
    { name: 'sparse_utf8', cols: [sparseStrings(30000, 24)] },
  ];
}

/** Originals for the crafted-segment tests: wide enough primitive data segments to overwrite. */
function originals(): { name: string; cols: Column[] }[] {
  const c = (name: string, x: IntCase) => ({ name, cols: [intColumn(x)] });
  return [
    c('orig_i64n', { type: 'i64', rows: 4096, shape: 'random', nullRate: 0.1, nullable: true, param: 0, seed: 31 }),
    c('orig_u32', { type: 'u32', rows: 4096, shape: 'random', nullRate: 0, nullable: false, param: 0, seed: 32 }),
    c('orig_i16n', { type: 'i16', rows: 8192, shape: 'random', nullRate: 0.1, nullable: true, param: 0, seed: 33 }),
    { name: 'orig_utf8n', cols: [randomStrings(4096, 34)] },
    { name: 'orig_dec', cols: [randomDecimals(4096, 35)] },
    { name: 'orig_bool', cols: [randomBools(16384, 36)] },
  ];
}

/** Random strings (10% null): the original for crafted Utf8 segments. */
function randomStrings(rows: number, seed: number): Column {
  const rng = new Rng(seed);
  const bm = bitmap(rng, rows, 0.1)!;
  const offsets = new Int32Array(rows + 1);
  const chars: number[] = [];
  for (let i = 0; i < rows; i++) {
    offsets[i] = chars.length;
    for (let k = rng.int(0, 30); k > 0; k--) chars.push(rng.int(33, 126));
  }
  offsets[rows] = chars.length;
  const type = new Utf8();
  const data = makeData({
    type,
    length: rows,
    nullCount: nullCount(bm, rows),
    nullBitmap: bm,
    valueOffsets: offsets,
    data: Uint8Array.from(chars),
  });
  return { name: 'v', type, nullable: true, data };
}

/** Random decimal(18, 2) values (10% null). */
function randomDecimals(rows: number, seed: number): Column {
  const rng = new Rng(seed);
  const bm = bitmap(rng, rows, 0.1)!;
  const words = new Uint32Array(rows * 4);
  for (let i = 0; i < rows; i++) {
    let x = BigInt.asUintN(128, rng.big(-(10n ** 17n), 10n ** 17n));
    for (let k = 0; k < 4; k++, x >>= 32n) words[i * 4 + k] = Number(x & 0xffffffffn);
  }
  const type = new Decimal(2, 18, 128);
  return {
    name: 'v',
    type,
    nullable: true,
    data: makeData({ type, length: rows, nullCount: nullCount(bm, rows), nullBitmap: bm, data: words }),
  };
}

/** Random booleans (10% null). */
function randomBools(rows: number, seed: number): Column {
  const rng = new Rng(seed);
  const bm = bitmap(rng, rows, 0.1)!;
  const v = new Uint8Array(Math.ceil(rows / 8));
  for (let i = 0; i < v.length; i++) v[i] = rng.int(0, 255);
  const type = new Bool();
  return {
    name: 'v',
    type,
    nullable: true,
    data: makeData({ type, length: rows, nullCount: nullCount(bm, rows), nullBitmap: bm, data: v }),
  };
}

// ---- comparing ----------------------------------------------------------------------------------

function isValid(d: Data, i: number): boolean {
  const bm = d.nullBitmap;
  if (!bm || bm.length === 0 || d.nullCount === 0) return true;
  const j = d.offset + i;
  return ((bm[j >> 3]! >> (j & 7)) & 1) === 1;
}

/** Same-width unsigned integer view of a fixed-width values array (floats compared by bits). */
function bitsView(d: Data): ArrayLike<number | bigint> {
  const v = d.values as unknown as {
    buffer: ArrayBuffer;
    byteOffset: number;
    byteLength: number;
    BYTES_PER_ELEMENT: number;
  };
  switch (v.BYTES_PER_ELEMENT) {
    case 1:
      return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    case 2:
      return new Uint16Array(v.buffer, v.byteOffset, v.byteLength / 2);
    case 4:
      return new Uint32Array(v.buffer, v.byteOffset, v.byteLength / 4);
    default:
      return new BigUint64Array(v.buffer, v.byteOffset, v.byteLength / 8);
  }
}

/** Null when equal, else a description of the first difference. */
function diffColumn(got: readonly Data[], want: Data): string | null {
  const total = got.reduce((s, d) => s + d.length, 0);
  if (total !== want.length) return `row count ${total}, want ${want.length}`;
  const fixed =
    want.values &&
    (want.values as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT !== undefined &&
    !want.valueOffsets;
  const wv = fixed ? bitsView(want) : null;
  const wvec = fixed ? null : new Vector([want]);
  let row = 0;
  for (const d of got) {
    const gv = fixed ? bitsView(d) : null;
    const gvec = fixed ? null : new Vector([d]);
    for (let i = 0; i < d.length; i++, row++) {
      const a = isValid(d, i),
        b = isValid(want, row);
      if (a !== b) return `row ${row}: valid=${a}, want valid=${b}`;
      if (!a) continue;
      if (fixed) {
        const x = gv![d.offset + i],
          y = wv![want.offset + row];
        if (x !== y) return `row ${row}: got bits ${x}, want ${y}`;
      } else {
        const x = gvec!.get(i),
          y = wvec!.get(row);
        if (x !== y) return `row ${row}: got ${String(x)}, want ${String(y)}`;
      }
    }
  }
  return null;
}

interface Tree {
  encoding: string;
  children: Tree[];
  buffers: number[];
}
interface LayoutTree {
  encoding: string;
  name?: string;
  segment?: { id: number; offset: number; length: number };
  children: LayoutTree[];
}

interface Stats {
  files: number;
  verified: number;
  skipped: Map<string, number>;
  values: number;
  zoneTables: number;
  /** Per version: encoding → occurrences in data segments of verified columns. */
  encodings: Map<string, Map<string, number>>;
  /** Per version: encodings seen in verified zone tables. */
  zoneEncodings: Map<string, Map<string, number>>;
  features: Map<string, number>;
}
function bump(m: Map<string, number>, k: string): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}

/** Encodings implemented elsewhere (or not at all): a column needing one is skipped, and counted. */
function outOfScope(e: unknown): string | null {
  const msg = (e as Error).message ?? '';
  const m = /unsupported encoding ([\w.]+)/.exec(msg);
  if ((e as { code?: string }).code === 'vortex-unsupported' && m && !(MINE as readonly string[]).includes(m[1]!))
    return m[1]!;
  return null;
}

function walkTree(t: Tree, seen: Map<string, number>, features: Map<string, number>): void {
  bump(seen, t.encoding);
  if (t.encoding === 'fastlanes.bitpacked') {
    if (t.children.length >= 2) bump(features, 'bitpacked+patches');
    if (t.children.length >= 3) bump(features, 'bitpacked+patches+chunk_offsets');
    if (t.children.length === 1 || t.children.length === 3 || t.children.length === 4)
      bump(features, 'bitpacked+validity');
  }
  if (t.encoding === 'fastlanes.for' && t.children[0]?.encoding === 'fastlanes.bitpacked')
    bump(features, 'for(bitpacked)');
  if (t.encoding === 'vortex.sparse') bump(features, 'sparse');
  if (t.encoding === 'vortex.zigzag') bump(features, 'zigzag');
  t.children.forEach((c) => walkTree(c, seen, features));
}

/** Per-zone min / max / null count of an integer column, from the input. */
function zoneTruth(want: Data, zoneLen: number): { min: bigint | null; max: bigint | null; nulls: number }[] {
  const out: { min: bigint | null; max: bigint | null; nulls: number }[] = [];
  const vals = want.values as ArrayLike<number | bigint>;
  for (let z = 0; z * zoneLen < want.length; z++) {
    let min: bigint | null = null,
      max: bigint | null = null,
      nulls = 0;
    for (let i = z * zoneLen; i < Math.min(want.length, (z + 1) * zoneLen); i++) {
      if (!isValid(want, i)) {
        nulls++;
        continue;
      }
      const v = BigInt(vals[i]!);
      if (min === null || v < min) min = v;
      if (max === null || v > max) max = v;
    }
    out.push({ min, max, nulls });
  }
  return out;
}

type ReadNode = (id: number, start: number, end: number, type: DataType, budget: number) => Promise<Data>;

/** Decodes the zone table of every zoned column and checks it against the input. */
async function verifyZones(
  file: VortexFile,
  input: Table,
  label: string,
  version: string,
  stats: Stats,
): Promise<void> {
  const nodes = file.nodes as readonly RawLayoutNode[];
  const root = nodes[0]!;
  const colNodes = root.encoding === 'vortex.struct' ? root.children : [0];
  const readNode = (file as unknown as { readNode: ReadNode }).readNode.bind(file);
  for (let c = 0; c < input.schema.fields.length; c++) {
    const n = nodes[colNodes[c]!]!;
    if (n.encoding !== 'vortex.zoned' || !n.zonesUsable) continue;
    const want = input.getChildAt(c)!.data[0]!;
    if (
      !want.type ||
      !('bitWidth' in (want.type as object)) ||
      (want.type as { isSigned?: boolean }).isSigned === undefined
    )
      continue;
    const zid = n.children[1]!;
    const zn = nodes[zid]!;
    let zones: Data;
    try {
      zones = await readNode(zid, 0, zn.rows, toArrowField('zones', zn.dtype as VortexDType).type, 1 << 30);
    } catch (e) {
      if (outOfScope(e)) continue;
      throw new Error(`${label}: zone table: ${(e as Error).message}`, { cause: e });
    }
    const truth = zoneTruth(want, n.zoneLen!);
    expect(zones.length, `${label} zone count`).toBe(truth.length);
    const fields = (zones.type as Struct).children.map((f) => f.name);
    for (const f of n.zoneFields ?? []) {
      if (f.stat !== 'min' && f.stat !== 'max' && f.stat !== 'null_count') continue;
      const child = zones.children[fields.indexOf(f.name)]!;
      const vec = new Vector([child]);
      for (let z = 0; z < truth.length; z++) {
        const got = vec.get(z) as number | bigint | null;
        const t = truth[z]!;
        const exp = f.stat === 'null_count' ? BigInt(t.nulls) : f.stat === 'min' ? t.min : t.max;
        expect(got === null ? null : BigInt(got), `${label} zone ${z} ${f.name}`).toBe(exp);
      }
    }
    stats.zoneTables++;
    const zseg = nodes[zid]!.segments[0];
    if (zseg !== undefined)
      walkTree((await file.describeSegment(zseg)) as Tree, stats.zoneEncodings.get(version)!, new Map());
  }
}

async function verifyFile(path: string, input: Table, label: string, version: string, stats: Stats): Promise<void> {
  const file = await VortexFile.open(path);
  try {
    stats.files++;
    expect(file.rowCount).toBe(input.numRows);
    const layoutCols = new Map((file.layout as unknown as LayoutTree).children.map((c) => [c.name, c]));
    for (const field of input.schema.fields) {
      let got: Table;
      try {
        got = await file.read({ columns: [field.name] });
      } catch (e) {
        const enc = outOfScope(e);
        if (enc) {
          bump(stats.skipped, enc);
          continue;
        }
        throw new Error(`${label} column ${field.name}: ${(e as Error).message}`, { cause: e });
      }
      const want = input.getChild(field.name)!.data[0]!;
      expect(diffColumn(got.getChildAt(0)?.data ?? [], want), `${label} column ${field.name}`).toBeNull();
      stats.verified++;
      stats.values += input.numRows;
      const col = layoutCols.get(field.name);
      for (const seg of col ? dataSegments(col) : [])
        walkTree((await file.describeSegment(seg)) as Tree, stats.encodings.get(version)!, stats.features);
    }
    await verifyZones(file, input, label, version, stats);
  } finally {
    await file.close();
  }
}

// ---- crafting array segments ----------------------------------------------------------------------

/** Protobuf writer (enough for Vortex metadata). */
class Pb {
  private out: number[] = [];
  private varint(v: bigint): void {
    let x = BigInt.asUintN(64, v);
    while (x >= 0x80n) {
      this.out.push(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.out.push(Number(x));
  }
  u(tag: number, v: number | bigint): this {
    this.varint(BigInt((tag << 3) | 0));
    this.varint(BigInt(v));
    return this;
  }
  s(tag: number, v: bigint): this {
    this.varint(BigInt((tag << 3) | 0));
    this.varint(v < 0n ? (-v << 1n) - 1n : v << 1n);
    return this;
  }
  bytes(tag: number, b: Uint8Array): this {
    this.varint(BigInt((tag << 3) | 2));
    this.varint(BigInt(b.length));
    this.out.push(...b);
    return this;
  }
  done(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}
const scalarI = (v: bigint) => new Pb().s(3, v).done();
const scalarU = (v: bigint) => new Pb().u(4, v).done();
const scalarNull = () => new Pb().u(1, 0).done();
/** PatchesMetadata. */
function patchesMeta(
  len: number,
  offset: number,
  indicesPtype: number,
  chunkOffsets?: { len: number; ptype: number },
): Uint8Array {
  const p = new Pb().u(1, len).u(2, offset).u(3, indicesPtype);
  if (chunkOffsets) p.u(4, chunkOffsets.len).u(5, chunkOffsets.ptype);
  return p.done();
}

const PT = { u8: 0, u16: 1, u32: 2, u64: 3, i8: 4, i16: 5, i32: 6, i64: 7 } as const;

interface Node {
  enc: string;
  meta?: Uint8Array;
  buffers?: Uint8Array[];
  children?: Node[];
}

function le(bits: number, signed: boolean, vals: readonly bigint[]): Uint8Array {
  const w = bits / 8;
  const out = new Uint8Array(vals.length * w);
  const dv = new DataView(out.buffer);
  vals.forEach((v, i) => {
    const u = BigInt.asUintN(bits, v);
    if (w === 8) dv.setBigUint64(i * 8, u, true);
    else if (w === 4) dv.setUint32(i * 4, Number(u), true);
    else if (w === 2) dv.setUint16(i * 2, Number(u), true);
    else dv.setUint8(i, Number(u));
  });
  void signed;
  return out;
}
function bits(valid: readonly boolean[]): Uint8Array {
  const out = new Uint8Array(Math.ceil(valid.length / 8));
  valid.forEach((v, i) => {
    if (v) out[i >> 3]! |= 1 << (i & 7);
  });
  return out;
}
const prim = (t: IntInfo, vals: readonly bigint[], valid?: readonly boolean[]): Node => ({
  enc: 'vortex.primitive',
  buffers: [le(t.bits, t.signed, vals)],
  children: valid ? [boolNode(valid)] : [],
});
const boolNode = (valid: readonly boolean[]): Node => ({ enc: 'vortex.bool', buffers: [bits(valid)] });

/** Serializes `root` as a flat segment of exactly `length` bytes (junk-free zero padding before the
 *  Array flatbuffer, which the format allows). */
function segment(arrayIds: readonly string[], root: Node, length: number): Uint8Array {
  const bufs: Uint8Array[] = [];
  const collect = (n: Node): void => {
    for (const b of n.buffers ?? []) bufs.push(b);
    (n.children ?? []).forEach(collect);
  };
  collect(root);
  const b = new flatbuffers.Builder(1024);
  let next = 0;
  const encode = (n: Node): number => {
    const code = arrayIds.indexOf(n.enc);
    if (code < 0) throw new Error(`file has no array id ${n.enc}`);
    const mine = (n.buffers ?? []).map(() => next++);
    const kids = (n.children ?? []).map(encode);
    const meta = b.createByteVector(n.meta ?? new Uint8Array());
    b.startVector(4, kids.length, 4);
    for (let i = kids.length - 1; i >= 0; i--) b.addOffset(kids[i]!);
    const kv = b.endVector();
    b.startVector(2, mine.length, 2);
    for (let i = mine.length - 1; i >= 0; i--) b.addInt16(mine[i]!);
    const bv = b.endVector();
    b.startObject(5);
    b.addFieldInt16(0, code, 0);
    b.addFieldOffset(1, meta, 0);
    b.addFieldOffset(2, kv, 0);
    b.addFieldOffset(3, bv, 0);
    return b.endObject();
  };
  const rootOff = encode(root);
  // Buffer descriptors: each buffer 8-aligned relative to the segment start.
  const placed: { pad: number; len: number }[] = [];
  let pos = 0;
  for (const x of bufs) {
    const pad = (8 - (pos % 8)) % 8;
    placed.push({ pad, len: x.length });
    pos += pad + x.length;
  }
  b.startVector(8, placed.length, 4);
  for (let i = placed.length - 1; i >= 0; i--) {
    b.prep(4, 8);
    b.writeInt32(placed[i]!.len);
    b.writeInt8(0);
    b.writeInt8(3);
    b.writeInt16(placed[i]!.pad);
  }
  const bvec = b.endVector();
  b.startObject(2);
  b.addFieldOffset(0, rootOff, 0);
  b.addFieldOffset(1, bvec, 0);
  b.finish(b.endObject());
  const fbBytes = b.asUint8Array();
  const fbStart = length - 4 - fbBytes.length;
  if (fbStart < pos) throw new Error(`crafted segment (${pos + fbBytes.length + 4} bytes) exceeds ${length}`);
  const out = new Uint8Array(length);
  pos = 0;
  bufs.forEach((x, i) => {
    pos += placed[i]!.pad;
    out.set(x, pos);
    pos += x.length;
  });
  out.set(fbBytes, fbStart);
  new DataView(out.buffer).setUint32(length - 4, fbBytes.length, true);
  return out;
}

// FastLanes reference helpers, written from vortex-format.md §5.2/§5.5 (independent of the C++).
const FL_ORDER = [0, 4, 2, 6, 1, 5, 3, 7];
const flIndex = (row: number, lane: number) => FL_ORDER[Math.floor(row / 8)]! * 16 + (row % 8) * 128 + lane;
const transposeIndex = (i: number) => (i % 16) * 64 + FL_ORDER[Math.floor(i / 16) % 8]! * 8 + Math.floor(i / 128);

/** Packs values (stream positions 0..n) at width w into FastLanes words of `tbits`, LE bytes. */
function flPack(tbits: number, w: number, vals: readonly bigint[]): Uint8Array {
  const lanes = 1024 / tbits;
  const nblocks = Math.ceil(vals.length / 1024);
  const words: bigint[] = new Array(nblocks * w * lanes).fill(0n);
  const mask = (1n << BigInt(w)) - 1n;
  for (let blk = 0; blk < nblocks; blk++) {
    const base = blk * w * lanes;
    for (let lane = 0; lane < lanes; lane++) {
      for (let row = 0; row < tbits; row++) {
        const v = BigInt.asUintN(tbits, vals[blk * 1024 + flIndex(row, lane)] ?? 0n) & mask;
        const bit = row * w,
          k = Math.floor(bit / tbits),
          s = bit % tbits;
        words[base + k * lanes + lane] = BigInt.asUintN(tbits, words[base + k * lanes + lane]! | (v << BigInt(s)));
        if (s + w > tbits)
          words[base + (k + 1) * lanes + lane] = words[base + (k + 1) * lanes + lane]! | (v >> BigInt(tbits - s));
      }
    }
  }
  return le(tbits, false, words);
}

/** Splices `seg` over the data segment of column 0 of an official file and opens the result. */
async function withSegment(path: string, build: (ids: readonly string[], len: number) => Node): Promise<VortexFile> {
  const bytes = new Uint8Array(readFileSync(path));
  const f = await VortexFile.open(bytes);
  const col = (f.layout as unknown as LayoutTree).children[0]!;
  const segId = dataSegments(col)[0]!;
  const { offset, length } = f.segments[segId]!;
  const seg = segment(f.arrayIds, build(f.arrayIds, length), length);
  const copy = bytes.slice();
  copy.set(seg, offset);
  await f.close();
  return VortexFile.open(copy);
}

async function readColumn(f: VortexFile): Promise<{ vals: bigint[]; valid: boolean[] }> {
  const t = await f.read();
  const vec = t.getChildAt(0)!;
  const vals: bigint[] = [],
    valid: boolean[] = [];
  for (let i = 0; i < vec.length; i++) {
    const x = vec.get(i) as number | bigint | null;
    valid.push(x !== null);
    vals.push(x === null ? 0n : BigInt(x));
  }
  return { vals, valid };
}

async function expectRejected(p: Promise<unknown>, codes: readonly string[] = ['vortex-corrupt']): Promise<void> {
  let err: unknown = null;
  try {
    await p;
  } catch (e) {
    err = e;
  }
  expect(err, 'expected a NativeError').not.toBeNull();
  expect(codes).toContain((err as { code?: string }).code);
}

// ---- the suite ----------------------------------------------------------------------------------

describe('integer encodings vs the official writers', async () => {
  const pythons = await findPythons();
  const versions = Object.keys(pythons).sort();
  const dir = mkdtempSync(join(tmpdir(), 'gyre-int-'));
  const specs = fc.sample(caseArb, { seed: SEED, numRuns: RUNS });
  const inputs: { name: string; table: Table; label: string }[] = [
    ...specs.map((s, k) => ({
      name: `prop${k}`,
      table: table([intColumn(s)]),
      label: `prop${k} ${JSON.stringify(s)}`,
    })),
    ...pinned().map((p) => ({ name: p.name, table: table(p.cols), label: p.name })),
  ];
  const origs = originals().map((p) => ({ name: p.name, table: table(p.cols), label: p.name }));
  /** version → mode → written files */
  const written = new Map<string, Map<string, { path: string; table: Table; label: string }[]>>();
  const origPath = new Map<string, string>();
  const stats: Stats = {
    files: 0,
    verified: 0,
    skipped: new Map(),
    values: 0,
    zoneTables: 0,
    encodings: new Map(versions.map((v) => [v, new Map()])),
    zoneEncodings: new Map(versions.map((v) => [v, new Map()])),
    features: new Map(),
  };

  beforeAll(() => {
    const jobs = new Map<string, { ipc: string; out: string; mode: string }[]>(versions.map((v) => [v, []]));
    const meta = new Map<string, { table: Table; label: string; version: string; mode: string }>();
    for (const x of [...inputs, ...origs]) {
      const ipc = writeIpc(dir, x.name, x.table);
      const isOrig = x.name.startsWith('orig_');
      for (const v of isOrig ? versions.slice(0, 1) : versions) {
        for (const mode of isOrig ? ['default'] : ['default', 'compact']) {
          const out = join(dir, `${x.name}.${v}.${mode}.vortex`);
          jobs.get(v)!.push({ ipc, out, mode });
          meta.set(out, { table: x.table, label: `${x.label} (vortex ${v}, ${mode})`, version: v, mode });
          if (isOrig) origPath.set(x.name, out);
        }
      }
    }
    for (const v of versions) {
      const outs = writeWithOfficial(pythons[v]!, v, dir, 'write_with_vortex.py', jobs.get(v)!);
      const byMode = new Map<string, { path: string; table: Table; label: string }[]>([
        ['default', []],
        ['compact', []],
      ]);
      for (const out of outs) {
        const m = meta.get(out)!;
        if (!out.includes('/orig_')) byMode.get(m.mode)!.push({ path: out, table: m.table, label: m.label });
      }
      written.set(v, byMode);
    }
  }, 900_000);

  afterAll(() => {
    if (!process.env.GYRE_KEEP_TEST_FILES) rmSync(dir, { recursive: true, force: true });
    else console.log('kept', dir);
    console.log(
      `[encodings-int] ${stats.files} files, ${stats.verified} columns / ${stats.values} values verified, ` +
        `${stats.zoneTables} zone tables checked, skipped: ${JSON.stringify(Object.fromEntries(stats.skipped))}`,
    );
    for (const [v, m] of stats.encodings)
      console.log(`[encodings-int] ${v} data encodings: ${JSON.stringify(Object.fromEntries(m))}`);
    for (const [v, m] of stats.zoneEncodings)
      console.log(`[encodings-int] ${v} zone encodings: ${JSON.stringify(Object.fromEntries(m))}`);
    console.log(`[encodings-int] features: ${JSON.stringify(Object.fromEntries(stats.features))}`);
  });

  it('found the official library', () => {
    expect(versions.length, 'no vortex virtualenv found (run node test/compat/setup-venvs.mjs)').toBeGreaterThan(0);
  });

  for (const mode of ['default', 'compact']) {
    it(`reads every value and null exactly (${mode} writer)`, async () => {
      for (const v of versions) {
        for (const x of written.get(v)!.get(mode)!) await verifyFile(x.path, x.table, x.label, v, stats);
      }
    }, 600_000);
  }

  it('the files really contain the encodings under test', () => {
    for (const v of versions) {
      const seen = new Map([...stats.encodings.get(v)!, ...stats.zoneEncodings.get(v)!]);
      for (const e of WRITTEN) expect(seen.get(e) ?? 0, `vortex ${v}: ${e} in verified columns`).toBeGreaterThan(0);
      // Array-level vortex.dict must also occur in data segments, not only in zone tables.
      expect(stats.encodings.get(v)!.get('vortex.dict') ?? 0, `vortex ${v}: vortex.dict in data`).toBeGreaterThan(0);
    }
    for (const f of ['bitpacked+patches', 'bitpacked+patches+chunk_offsets', 'bitpacked+validity', 'for(bitpacked)']) {
      expect(stats.features.get(f) ?? 0, f).toBeGreaterThan(0);
    }
    expect(stats.verified).toBeGreaterThan(100);
  });

  // ---- crafted segments -------------------------------------------------------------------------

  describe('crafted segments spliced into official files', () => {
    const N = { orig_i64n: 4096, orig_u32: 4096, orig_i16n: 8192 } as const;
    const info = { orig_i64n: INT.i64, orig_u32: INT.u32, orig_i16n: INT.i16 } as const;
    const nullable = { orig_i64n: true, orig_u32: false, orig_i16n: true } as const;
    type Orig = keyof typeof N;

    /** fastlanes.delta: random bases and deltas (from a palette, via an array-level dict child). */
    function deltaCase(orig: Orig, offset: number, legacy: boolean, seed: number) {
      const t = info[orig];
      const n = N[orig];
      const lanes = 1024 / t.bits;
      const rng = new Rng(seed);
      const M = legacy ? n + offset : Math.ceil((n + offset) / 1024) * 1024;
      const nblocks = Math.floor(M / 1024),
        rem = M % 1024;
      const basesLen = nblocks * lanes + (rem ? 1 : 0);
      const wrap = (x: bigint) => (t.signed ? BigInt.asIntN(t.bits, x) : BigInt.asUintN(t.bits, x));
      const bases = Array.from({ length: basesLen }, () => rng.big(t.min, t.max));
      const palette = Array.from({ length: 200 }, (_, k) =>
        k < 150 ? BigInt(rng.int(-50, 50)) : rng.big(t.min, t.max),
      ).map(wrap);
      const codes = Array.from({ length: M }, () => rng.int(0, palette.length - 1));
      const deltaValid = Array.from({ length: M }, () => !nullable[orig] || rng.next() > 0.2);
      // Reference decode (vortex-format.md §5.5).
      const out: bigint[] = new Array(M).fill(0n);
      const valid: boolean[] = new Array(M).fill(true);
      for (let blk = 0; blk < nblocks; blk++) {
        const tr: bigint[] = new Array(1024);
        for (let lane = 0; lane < lanes; lane++) {
          let acc = bases[blk * lanes + lane]!;
          for (let row = 0; row < t.bits; row++) {
            const idx = flIndex(row, lane);
            acc = wrap(acc + palette[codes[blk * 1024 + idx]!]!);
            tr[idx] = acc;
          }
        }
        for (let i = 0; i < 1024; i++) out[blk * 1024 + transposeIndex(i)] = tr[i]!;
        for (let j = 0; j < 1024; j++) valid[blk * 1024 + j] = deltaValid[blk * 1024 + transposeIndex(j)]!;
      }
      if (rem) {
        let prev = bases[nblocks * lanes]!;
        for (let i = nblocks * 1024; i < M; i++) {
          prev = wrap(prev + palette[codes[i]!]!);
          out[i] = prev;
          valid[i] = deltaValid[i]!;
        }
      }
      const legacyValid = Array.from({ length: n }, () => !nullable[orig] || rng.next() > 0.1);
      const codesNullable = nullable[orig] && !legacy;
      const deltas: Node = {
        enc: 'vortex.dict',
        meta: new Pb()
          .u(1, palette.length)
          .u(2, PT.u8)
          .u(3, codesNullable ? 1 : 0)
          .done(),
        children: [prim(INT.u8, codes.map(BigInt), codesNullable ? deltaValid : undefined), prim(t, palette)],
      };
      const node: Node = {
        enc: 'fastlanes.delta',
        meta: new Pb().u(1, M).u(2, offset).done(),
        children: [prim(t, bases), deltas, ...(legacy && nullable[orig] ? [boolNode(legacyValid)] : [])],
      };
      const wantVals = out.slice(offset, offset + n);
      const wantValid = legacy
        ? nullable[orig]
          ? legacyValid
          : valid.slice(offset, offset + n).map(() => true)
        : valid.slice(offset, offset + n);
      return { node, wantVals, wantValid };
    }

    async function expectColumn(f: VortexFile, vals: readonly bigint[], valid: readonly boolean[]): Promise<void> {
      const got = await readColumn(f);
      expect(got.valid).toEqual(valid);
      const norm = (x: readonly bigint[]) => x.map((v, i) => (valid[i] ? v : 0n));
      expect(norm(got.vals)).toEqual(norm(vals));
      await f.close();
    }

    for (const orig of ['orig_i64n', 'orig_u32', 'orig_i16n'] as const) {
      for (const [offset, legacy] of [
        [0, false],
        [7, false],
        [1000, false],
        [5, true],
      ] as const) {
        it(`fastlanes.delta ${info[orig].signed ? 'i' : 'u'}${info[orig].bits}${nullable[orig] ? ' nullable' : ''} offset ${offset}${legacy ? ' (legacy 3-child form with a scalar remainder)' : ''}`, async () => {
          const c = deltaCase(orig, offset, legacy, offset * 31 + (legacy ? 7 : 0) + info[orig].bits);
          await expectColumn(await withSegment(origPath.get(orig)!, () => c.node), c.wantVals, c.wantValid);
          bump(stats.features, 'delta');
        });
      }
    }

    it('bitpacked with a block offset, patches with their own offset and chunk offsets, validity (and FoR over it)', async () => {
      const t = INT.i64,
        n = N.orig_i64n,
        rng = new Rng(99);
      const off = 100,
        W = 5,
        P = 5000;
      const stream = Array.from({ length: n + off }, () => rng.big(0n, 31n));
      const pos = [0, 1, 17, 1023, 1024, 2047, n - 1].filter((p) => p < n);
      const patchVals = pos.map(() => rng.big(t.min, t.max));
      const valid = Array.from({ length: n }, () => rng.next() > 0.2);
      const ref = -123456789012345n;
      for (const fused of [false, true]) {
        const bp: Node = {
          enc: 'fastlanes.bitpacked',
          meta: new Pb()
            .u(1, W)
            .u(2, off)
            .bytes(3, patchesMeta(pos.length, P, PT.u16, { len: 5, ptype: PT.u8 }))
            .done(),
          buffers: [flPack(64, W, stream)],
          children: [
            prim(
              INT.u16,
              pos.map((p) => BigInt(p + P)),
            ),
            prim(
              t,
              patchVals.map((v) => (fused ? BigInt.asIntN(64, v - ref) : v)),
            ),
            prim(INT.u8, [0n, 3n, 5n, 7n, 7n]),
            boolNode(valid),
          ],
        };
        const node = fused ? { enc: 'fastlanes.for', meta: scalarI(ref), children: [bp] } : bp;
        const want = stream.slice(off, off + n).map((v) => (fused ? BigInt.asIntN(64, v + ref) : v));
        pos.forEach((p, k) => (want[p] = patchVals[k]!));
        await expectColumn(await withSegment(origPath.get('orig_i64n')!, () => node), want, valid);
      }
    });

    it('fastlanes.rle with an offset, nullable indices and rebased value offsets', async () => {
      const t = INT.i16,
        n = N.orig_i16n,
        rng = new Rng(7);
      const off = 300,
        M = Math.ceil((n + off) / 1024) * 1024;
      const values: bigint[] = [],
        indices: bigint[] = [],
        blockOffs: bigint[] = [];
      const linear: bigint[] = [];
      const origin = 40n; // value offsets need not start at 0
      for (let b = 0; b < M / 1024; b++) {
        blockOffs.push(origin + BigInt(values.length));
        const k = rng.int(1, 20);
        const runVals = Array.from({ length: k }, () => rng.big(t.min, t.max));
        values.push(...runVals);
        let run = 0;
        for (let j = 0; j < 1024; j++) {
          if (run < k - 1 && rng.next() < k / 1024) run++;
          indices.push(BigInt(run));
          linear.push(runVals[run]!);
        }
      }
      const idxValid = Array.from({ length: M }, () => rng.next() > 0.3);
      const node: Node = {
        enc: 'fastlanes.rle',
        meta: new Pb().u(1, values.length).u(2, M).u(3, PT.u8).u(4, blockOffs.length).u(5, PT.u32).u(6, off).done(),
        children: [prim(t, values), prim(INT.u8, indices, idxValid), prim(INT.u32, blockOffs)],
      };
      await expectColumn(
        await withSegment(origPath.get('orig_i16n')!, () => node),
        linear.slice(off, off + n),
        idxValid.slice(off, off + n),
      );
    });

    it('vortex.runend with an offset and nullable values; vortex.sparse with a null fill', async () => {
      const t = INT.i64,
        n = N.orig_i64n,
        rng = new Rng(8);
      const off = 37;
      const ends: bigint[] = [],
        vals: bigint[] = [],
        vvalid: boolean[] = [];
      let at = 0;
      while (at < n + off) {
        at += rng.int(1, 50);
        ends.push(BigInt(at));
        vals.push(rng.big(t.min, t.max));
        vvalid.push(rng.next() > 0.25);
      }
      const want: bigint[] = [],
        wvalid: boolean[] = [];
      for (let i = 0; i < n; i++) {
        const k = ends.findIndex((e) => e > BigInt(i + off));
        want.push(vals[k]!);
        wvalid.push(vvalid[k]!);
      }
      const re: Node = {
        enc: 'vortex.runend',
        meta: new Pb().u(1, PT.u32).u(2, ends.length).u(3, off).done(),
        children: [prim(INT.u32, ends), prim(t, vals, vvalid)],
      };
      await expectColumn(await withSegment(origPath.get('orig_i64n')!, () => re), want, wvalid);

      const P = 1000;
      const pos = [3, 4, 999, 1024, 4095];
      const pv = pos.map(() => rng.big(t.min, t.max));
      const pvalid = [true, false, true, true, true];
      const sp: Node = {
        enc: 'vortex.sparse',
        meta: new Pb().bytes(1, patchesMeta(pos.length + 1, P, PT.u16)).done(),
        buffers: [scalarNull()],
        // the last patch index (P - 1) lies before the offset and must be ignored
        children: [
          prim(
            INT.u16,
            [...pos.map((p) => BigInt(p + P)), BigInt(P - 1)].sort((a, b) => Number(a - b)),
          ),
          prim(t, [0n, ...pv], [true, ...pvalid]),
        ],
      };
      const sw = new Array<bigint>(n).fill(0n),
        sv = new Array<boolean>(n).fill(false);
      pos.forEach((p, k) => ((sw[p] = pv[k]!), (sv[p] = pvalid[k]!)));
      await expectColumn(await withSegment(origPath.get('orig_i64n')!, () => sp), sw, sv);
    });

    /** Plain values of column 0 (strings, booleans, unscaled decimals as strings, null). */
    async function readPlain(f: VortexFile): Promise<unknown[]> {
      const t = await f.read();
      await f.close();
      const out: unknown[] = [];
      for (const d of t.getChildAt(0)!.data) for (let i = 0; i < d.length; i++) out.push(dataValue(d, i));
      return out;
    }
    const enc = new TextEncoder();
    /** A vortex.varbin Utf8 array (i32 offsets) with optional validity. */
    function varbin(strs: readonly (string | null)[]): Node {
      const parts = strs.map((x) => enc.encode(x ?? ''));
      const offs: bigint[] = [0n];
      for (const p of parts) offs.push(offs[offs.length - 1]! + BigInt(p.length));
      const bytes = new Uint8Array(Number(offs[offs.length - 1]));
      parts.forEach((p, i) => bytes.set(p, Number(offs[i])));
      const valid = strs.map((x) => x !== null);
      return {
        enc: 'vortex.varbin',
        meta: new Pb().u(1, PT.i32).done(),
        buffers: [bytes],
        children: [prim(INT.i32, offs), ...(valid.every(Boolean) ? [] : [boolNode(valid)])],
      };
    }

    it('vortex.sparse / runend / dict over Utf8, Decimal and Bool (the generic Column paths)', async () => {
      const rng = new Rng(77);
      // Utf8: sparse with a string fill and a null patch.
      {
        const n = 4096,
          P = 10;
        const pos = [0, 5, 100, 4095];
        const pv = ['', 'é-patch', null, 'x'.repeat(40)];
        const node: Node = {
          enc: 'vortex.sparse',
          meta: new Pb().bytes(1, patchesMeta(pos.length, P, PT.u16)).done(),
          buffers: [new Pb().bytes(7, enc.encode('fill✓')).done()],
          children: [
            prim(
              INT.u16,
              pos.map((p) => BigInt(p + P)),
            ),
            varbin(pv),
          ],
        };
        const want: unknown[] = new Array(n).fill('fill✓');
        pos.forEach((p, k) => (want[p] = pv[k]));
        expect(await readPlain(await withSegment(origPath.get('orig_utf8n')!, () => node))).toEqual(want);
      }
      // Utf8: runend with an offset (values nullable), and a dict with nullable codes.
      {
        const n = 4096,
          off = 3;
        const ends: bigint[] = [],
          vals: (string | null)[] = [];
        for (let at = 0; at < n + off;) {
          at += rng.int(1, 300);
          ends.push(BigInt(at));
          vals.push(rng.next() < 0.2 ? null : `run${ends.length}`);
        }
        const re: Node = {
          enc: 'vortex.runend',
          meta: new Pb().u(1, PT.u16).u(2, ends.length).u(3, off).done(),
          children: [prim(INT.u16, ends), varbin(vals)],
        };
        const want = Array.from({ length: n }, (_, i) => vals[ends.findIndex((e) => e > BigInt(i + off))]!);
        expect(await readPlain(await withSegment(origPath.get('orig_utf8n')!, () => re))).toEqual(want);

        const dictVals = ['alpha', 'βeta', '', null, 'a longer dictionary value'];
        const codes = Array.from({ length: n }, () => rng.int(0, dictVals.length - 1));
        const cvalid = Array.from({ length: n }, () => rng.next() > 0.1);
        const dict: Node = {
          enc: 'vortex.dict',
          meta: new Pb().u(1, dictVals.length).u(2, PT.u8).u(3, 1).done(),
          children: [prim(INT.u8, codes.map(BigInt), cvalid), varbin(dictVals)],
        };
        const dwant = codes.map((c, i) => (cvalid[i] ? dictVals[c]! : null));
        expect(await readPlain(await withSegment(origPath.get('orig_utf8n')!, () => dict))).toEqual(dwant);
      }
      // Decimal(18, 2): sparse with a (narrow, negative) bytes fill; values as vortex.decimal I64.
      {
        const n = 4096,
          P = 0;
        const pos = [1, 2, 1000, 4000];
        const pv = [123456789012345n, -1n, 0n, -(10n ** 17n)];
        const fill = -12345n;
        const fillBytes = new Uint8Array(8);
        new DataView(fillBytes.buffer).setBigInt64(0, fill, true);
        const node: Node = {
          enc: 'vortex.sparse',
          meta: new Pb().bytes(1, patchesMeta(pos.length, P, PT.u16)).done(),
          buffers: [new Pb().bytes(8, fillBytes.subarray(0, 2)).done()], // 2-byte LE two's complement: -12345
          children: [
            prim(INT.u16, pos.map(BigInt)),
            {
              enc: 'vortex.decimal',
              meta: new Pb().u(1, 3).done(),
              buffers: [le(64, true, pv)],
              children: [boolNode([true, false, true, true])],
            },
          ],
        };
        const want: unknown[] = new Array(n).fill(fill.toString());
        pos.forEach((p, k) => (want[p] = k === 1 ? null : pv[k]!.toString()));
        expect(await readPlain(await withSegment(origPath.get('orig_dec')!, () => node))).toEqual(want);
      }
      // Bool: sparse with a true fill, runend with an offset.
      {
        const n = 16384;
        const pos = [0, 7, 8, 9000, 16383];
        const pv = [false, true, false, false, false];
        const pvalid = [true, true, false, true, true];
        const sp: Node = {
          enc: 'vortex.sparse',
          meta: new Pb().bytes(1, patchesMeta(pos.length, 0, PT.u16)).done(),
          buffers: [new Pb().u(2, 1).done()],
          children: [
            prim(INT.u16, pos.map(BigInt)),
            { enc: 'vortex.bool', buffers: [bits(pv)], children: [boolNode(pvalid)] },
          ],
        };
        const want: unknown[] = new Array(n).fill(true);
        pos.forEach((p, k) => (want[p] = pvalid[k] ? pv[k] : null));
        expect(await readPlain(await withSegment(origPath.get('orig_bool')!, () => sp))).toEqual(want);

        const off = 11;
        const ends: bigint[] = [],
          vals: boolean[] = [],
          vvalid: boolean[] = [];
        for (let at = 0; at < n + off;) {
          at += rng.int(1, 700);
          ends.push(BigInt(at));
          vals.push(rng.next() < 0.5);
          vvalid.push(rng.next() > 0.2);
        }
        const re: Node = {
          enc: 'vortex.runend',
          meta: new Pb().u(1, PT.u32).u(2, ends.length).u(3, off).done(),
          children: [prim(INT.u32, ends), { enc: 'vortex.bool', buffers: [bits(vals)], children: [boolNode(vvalid)] }],
        };
        const rwant = Array.from({ length: n }, (_, i) => {
          const k = ends.findIndex((e) => e > BigInt(i + off));
          return vvalid[k] ? vals[k] : null;
        });
        expect(await readPlain(await withSegment(origPath.get('orig_bool')!, () => re))).toEqual(rwant);
      }
    });

    it('hostile metadata and children give vortex-corrupt / vortex-limit, never a crash', async () => {
      const u32 = INT.u32;
      const n64 = N.orig_i64n,
        n32 = N.orig_u32;
      const zeros = (k: number) => new Array<bigint>(k).fill(0n);
      const bp = (meta: Uint8Array, buffers: Uint8Array[], children: Node[] = []): Node => ({
        enc: 'fastlanes.bitpacked',
        meta,
        buffers,
        children,
      });
      const cases: [string, 'orig_i64n' | 'orig_u32', Node, string[]?][] = [
        ['bitpacked width 65', 'orig_i64n', bp(new Pb().u(1, 65).done(), [new Uint8Array(1024)])],
        ['bitpacked width 33 on u32', 'orig_u32', bp(new Pb().u(1, 33).done(), [new Uint8Array(1024)])],
        ['bitpacked buffer too short', 'orig_i64n', bp(new Pb().u(1, 3).done(), [new Uint8Array(3 * 128 * 4 - 8)])],
        ['bitpacked offset 1024', 'orig_u32', bp(new Pb().u(1, 3).u(2, 1024).done(), [new Uint8Array(3 * 128 * 5)])],
        [
          'bitpacked stray children',
          'orig_u32',
          bp(new Pb().u(1, 0).done(), [new Uint8Array(0)], [prim(u32, [1n]), prim(u32, [1n])]),
        ],
        [
          'bitpacked huge patch count',
          'orig_u32',
          bp(
            new Pb()
              .u(1, 0)
              .bytes(3, patchesMeta(2 ** 40, 0, PT.u16))
              .done(),
            [new Uint8Array(0)],
            [prim(INT.u16, [1n]), prim(u32, [1n])],
          ),
          ['vortex-corrupt', 'vortex-limit'],
        ],
        [
          'bitpacked signed patch indices',
          'orig_u32',
          bp(
            new Pb()
              .u(1, 0)
              .bytes(3, patchesMeta(1, 0, PT.i16))
              .done(),
            [new Uint8Array(0)],
            [prim(INT.i16, [1n]), prim(u32, [1n])],
          ),
        ],
        [
          'for null reference',
          'orig_u32',
          { enc: 'fastlanes.for', meta: scalarNull(), children: [prim(u32, zeros(n32))] },
        ],
        [
          'for float reference',
          'orig_u32',
          { enc: 'fastlanes.for', meta: new Pb().u(6, 0).done(), children: [prim(u32, zeros(n32))] },
        ],
        ['for without child', 'orig_u32', { enc: 'fastlanes.for', meta: scalarU(1n), children: [] }],
        [
          'runend ends too short',
          'orig_u32',
          {
            enc: 'vortex.runend',
            meta: new Pb().u(1, PT.u16).u(2, 2).done(),
            children: [prim(INT.u16, [10n, 20n]), prim(u32, [1n, 2n])],
          },
        ],
        [
          'runend ends unsorted',
          'orig_u32',
          {
            enc: 'vortex.runend',
            meta: new Pb().u(1, PT.u16).u(2, 2).done(),
            children: [prim(INT.u16, [5000n, 20n]), prim(u32, [1n, 2n])],
          },
        ],
        [
          'runend huge run count',
          'orig_u32',
          {
            enc: 'vortex.runend',
            meta: new Pb()
              .u(1, PT.u16)
              .u(2, 2n ** 60n)
              .done(),
            children: [prim(INT.u16, [5000n]), prim(u32, [1n])],
          },
          ['vortex-corrupt', 'vortex-limit'],
        ],
        [
          'runend huge offset',
          'orig_u32',
          {
            enc: 'vortex.runend',
            meta: new Pb()
              .u(1, PT.u64)
              .u(2, 1)
              .u(3, M64 - 5n)
              .done(),
            children: [prim(INT.u64, [M64]), prim(u32, [1n])],
          },
        ],
        [
          'dict code out of range',
          'orig_u32',
          {
            enc: 'vortex.dict',
            meta: new Pb().u(1, 2).u(2, PT.u8).done(),
            children: [prim(INT.u8, [...zeros(n32 - 1), 5n]), prim(u32, [1n, 2n])],
          },
        ],
        [
          'dict missing values',
          'orig_u32',
          { enc: 'vortex.dict', meta: new Pb().u(1, 2).u(2, PT.u8).done(), children: [prim(INT.u8, zeros(n32))] },
        ],
        [
          'sparse null fill on a non-nullable column',
          'orig_u32',
          {
            enc: 'vortex.sparse',
            meta: new Pb().bytes(1, patchesMeta(0, 0, PT.u8)).done(),
            buffers: [scalarNull()],
            children: [prim(INT.u8, []), prim(u32, [])],
          },
        ],
        [
          'sparse values shorter than indices',
          'orig_u32',
          {
            enc: 'vortex.sparse',
            meta: new Pb().bytes(1, patchesMeta(3, 0, PT.u8)).done(),
            buffers: [scalarU(1n)],
            children: [prim(INT.u8, [1n, 2n, 3n]), prim(u32, [1n])],
          },
        ],
        [
          'sparse without metadata',
          'orig_u32',
          { enc: 'vortex.sparse', buffers: [scalarU(1n)], children: [prim(INT.u8, []), prim(u32, [])] },
        ],
        [
          'rle range past the indices',
          'orig_u32',
          {
            enc: 'fastlanes.rle',
            meta: new Pb().u(1, 1).u(2, 1024).u(3, PT.u8).u(4, 1).u(5, PT.u8).done(),
            children: [prim(u32, [1n]), prim(INT.u8, zeros(1024)), prim(INT.u8, [0n])],
          },
        ],
        [
          'rle value offsets past the values',
          'orig_u32',
          {
            enc: 'fastlanes.rle',
            meta: new Pb().u(1, 1).u(2, 4096).u(3, PT.u8).u(4, 4).u(5, PT.u8).done(),
            children: [prim(u32, [1n]), prim(INT.u8, zeros(4096)), prim(INT.u8, [0n, 9n, 10n, 11n])],
          },
        ],
        [
          'rle too few value offsets',
          'orig_u32',
          {
            enc: 'fastlanes.rle',
            meta: new Pb().u(1, 1).u(2, 4096).u(3, PT.u8).u(4, 1).u(5, PT.u8).done(),
            children: [prim(u32, [1n]), prim(INT.u8, zeros(4096)), prim(INT.u8, [0n])],
          },
        ],
        [
          'delta deltas shorter than the array',
          'orig_u32',
          {
            enc: 'fastlanes.delta',
            meta: new Pb().u(1, 1024).done(),
            children: [prim(u32, zeros(32)), prim(u32, zeros(1024))],
          },
        ],
        [
          'delta offset 1024',
          'orig_u32',
          {
            enc: 'fastlanes.delta',
            meta: new Pb().u(1, 6144).u(2, 1024).done(),
            children: [prim(u32, zeros(192)), { enc: 'vortex.constant', buffers: [scalarU(1n)] }],
          },
        ],
        [
          'delta bases too short',
          'orig_u32',
          {
            enc: 'fastlanes.delta',
            meta: new Pb().u(1, 4096).done(),
            children: [prim(u32, zeros(10)), { enc: 'vortex.constant', buffers: [scalarU(1n)] }],
          },
        ],
        [
          'sequence without multiplier',
          'orig_u32',
          { enc: 'vortex.sequence', meta: new Pb().bytes(1, scalarU(1n)).done() },
        ],
        [
          'sequence with a string base',
          'orig_u32',
          {
            enc: 'vortex.sequence',
            meta: new Pb()
              .bytes(1, new Pb().bytes(7, new Uint8Array([65])).done())
              .bytes(2, scalarU(1n))
              .done(),
          },
        ],
        ['zigzag on an unsigned column', 'orig_u32', { enc: 'vortex.zigzag', children: [prim(u32, zeros(n32))] }],
        [
          'zigzag child of the wrong length',
          'orig_i64n',
          { enc: 'vortex.zigzag', children: [prim(INT.u64, zeros(n64 - 1))] },
        ],
      ];
      for (const [what, orig, node, codes] of cases) {
        await expectRejected(
          (async () => {
            const f = await withSegment(origPath.get(orig)!, () => node);
            try {
              await f.read();
            } finally {
              await f.close();
            }
          })(),
          codes,
        ).catch((e: unknown) => {
          throw new Error(`${what}: ${(e as Error).message}`, { cause: e });
        });
      }
    });

    it('random byte flips in segments that use these encodings never crash', async () => {
      const candidates: string[] = [];
      for (const v of versions)
        for (const x of written.get(v)!.get('default')!)
          if (/(rle|patches|sparse_value|sparse_null|zigzag|runend|seq|for)_/.test(x.path)) candidates.push(x.path);
      const rng = new Rng(4242);
      let rejected = 0,
        accepted = 0;
      for (let k = 0; k < 240; k++) {
        const path = candidates[k % candidates.length]!;
        const bytes = new Uint8Array(readFileSync(path));
        const f = await VortexFile.open(bytes);
        const segs = dataSegments((f.layout as unknown as LayoutTree).children[0]!);
        await f.close();
        const s = f.segments[segs[rng.int(0, segs.length - 1)]!]!;
        const copy = bytes.slice();
        // Flip bytes near the end of the segment (Array flatbuffer: metadata, children, buffer table)
        // and a few anywhere in it.
        for (let j = 0; j < rng.int(1, 4); j++) {
          const near = rng.next() < 0.8;
          const at = near
            ? s.offset + s.length - 1 - rng.int(0, Math.min(s.length - 1, 400))
            : s.offset + rng.int(0, s.length - 1);
          copy[at] = rng.int(0, 255);
        }
        try {
          const g = await VortexFile.open(copy);
          await g.read();
          await g.close();
          accepted++;
        } catch (e) {
          expect(['vortex-corrupt', 'vortex-limit', 'vortex-unsupported', 'vortex-invalid-argument']).toContain(
            (e as { code?: string }).code,
          );
          rejected++;
        }
      }
      expect(rejected + accepted).toBe(240);
      console.log(`[encodings-int] byte flips: ${rejected} rejected with a NativeError, ${accepted} decoded`);
      expect(rejected).toBeGreaterThan(0);
    }, 300_000);
  });
});
