/**
 * Float, string, temporal, decimal and compact-mode encodings (vortex.alp, vortex.alprd,
 * vortex.fsst, vortex.datetimeparts, vortex.decimal_byte_parts, vortex.zstd, vortex.pco) against
 * the official writers.
 *
 * A fast-check property (fixed seed) generates tables in TypeScript: decimal-like and random
 * floats (f32/f64, NaN, ±0, ±inf, extremes), low/high-cardinality, long, empty and unicode strings,
 * binary, timestamps of every unit with and without a timezone (pre-1970 included), narrow and
 * wide decimals, and integer/float shapes that steer pco's modes (sequences, common factors,
 * multiples of an irrational base, f32-precision doubles, periodic values, f16) — with nulls, empty
 * tables, one row, and lengths around the 1024/8192 boundaries.
 * Every case goes through Arrow IPC to ONE python process per library version
 * (write_float_string.py: default and compact writers), is read back with gyre, and every value
 * (floats bit for bit) and null position is compared with the input.
 *
 * Every column of every file must decode (an unsupported encoding fails the test); the coverage
 * assertions count the encodings found in the data segments of the columns that were verified.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  Binary,
  type Data,
  type DataType,
  Decimal,
  Field,
  Float16,
  Float32,
  Float64,
  Int32,
  Int64,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  Timestamp,
  TimeUnit,
  Type,
  Utf8,
} from 'apache-arrow';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { EngineError, VortexFile } from 'gyre';
import { dataSegments } from '../helpers/layout.js';

import { findPythons, writeIpc, writeWithOfficial } from '../helpers/official.js';

const SEED = 0x5eedf10a;
const RUNS = 30;
/** Encodings this suite is about (the coverage assertions require each of them). */
const UNDER_TEST = [
  'vortex.alp',
  'vortex.alprd',
  'vortex.fsst',
  'vortex.datetimeparts',
  'vortex.decimal_byte_parts',
  'vortex.zstd',
  'vortex.pco',
] as const;

// ---- deterministic value generation -----------------------------------------------------------

/** xorshift128+ : fast, seeded, good enough for test data. */
class Rng {
  private a: bigint;
  private b: bigint;
  constructor(seed: number) {
    this.a = BigInt(seed >>> 0) * 0x9e3779b97f4a7c15n + 1n;
    this.b = (this.a ^ 0xdeadbeefcafebaben) & 0xffffffffffffffffn;
    for (let i = 0; i < 8; i++) this.u64();
  }
  u64(): bigint {
    let s1 = this.a;
    const s0 = this.b;
    this.a = s0;
    s1 ^= (s1 << 23n) & 0xffffffffffffffffn;
    this.b = s1 ^ s0 ^ (s1 >> 17n) ^ (s0 >> 26n);
    return (this.b + s0) & 0xffffffffffffffffn;
  }
  /** [0, 1) */
  next(): number {
    return Number(this.u64() >> 11n) / 2 ** 53;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
}

type FloatShape = 'prices' | 'pricesSpecial' | 'earlySpecials' | 'ints' | 'fewDistinct';
type RealShape = 'uniform' | 'wideExponents' | 'withOutliers';
type StrShape = 'words' | 'emails' | 'long' | 'mixed';
type Unit = 's' | 'ms' | 'us' | 'ns';

interface CaseSpec {
  rows: number;
  nullRate: number;
  nullable: boolean;
  floatShape: FloatShape;
  realShape: RealShape;
  strShape: StrShape;
  lowCard: number;
  unit: Unit;
  tz: string | null;
  decPrecision: number;
  decScale: number;
  wideDecPrecision: number;
  wideBig: boolean;
  seed: number;
}

const SPECIALS = [NaN, Infinity, -Infinity, -0, 1e300, -1e-300, 5e-324, 0.1 + 0.2, 1.7976931348623157e308];
const WORDS = ['', 'a', 'apple', 'banana', 'cherry', 'dürüm', 'Ωmega', '😀🍉', '東京', 'x'.repeat(40), 'null', ' '];
const DOMAINS = ['example.com', 'mail.org', 'gyre.dev', 'vortex.io', 'données.fr'];

function validity(rng: Rng, n: number, rate: number): Uint8Array | null {
  if (rate === 0) return null;
  const bm = new Uint8Array(Math.ceil(n / 8));
  for (let i = 0; i < n; i++) if (rng.next() >= rate) bm[i >> 3]! |= 1 << (i & 7);
  return bm;
}
function nullCount(bm: Uint8Array | null, n: number): number {
  if (!bm) return 0;
  let c = 0;
  for (let i = 0; i < n; i++) if (!((bm[i >> 3]! >> (i & 7)) & 1)) c++;
  return c;
}

function floatColumn(rng: Rng, s: CaseSpec, f32: boolean): Float64Array | Float32Array {
  const n = s.rows;
  const out = f32 ? new Float32Array(n) : new Float64Array(n);
  const digits = rng.int(0, f32 ? 2 : 4);
  const few = Array.from({ length: 5 }, () => Math.round(rng.next() * 1e4) / 100);
  for (let i = 0; i < n; i++) {
    let v: number;
    switch (s.floatShape) {
      case 'prices':
        v = Math.round(rng.next() * 10 ** (4 + digits)) / 10 ** digits;
        break;
      case 'pricesSpecial':
        v = rng.next() < 0.02 ? rng.pick(SPECIALS) : Math.round((rng.next() - 0.3) * 10 ** (3 + digits)) / 10 ** digits;
        break;
      case 'earlySpecials': // few patches, all at small positions (u8 patch indices)
        v =
          i < 200 && rng.next() < 0.02
            ? rng.pick(SPECIALS)
            : Math.round(rng.next() * 10 ** (4 + digits)) / 10 ** digits;
        break;
      case 'ints':
        v = rng.int(-100000, 100000);
        break;
      case 'fewDistinct':
        v = rng.pick(few);
        break;
    }
    out[i] = v;
  }
  return out;
}

function realColumn(rng: Rng, s: CaseSpec, f32: boolean): Float64Array | Float32Array {
  const n = s.rows;
  const out = f32 ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v: number;
    switch (s.realShape) {
      case 'uniform':
        v = rng.next() * 1000;
        break;
      case 'wideExponents':
        v = (rng.next() + 0.5) * 2 ** rng.int(-20, 20) * (rng.next() < 0.5 ? -1 : 1);
        break;
      case 'withOutliers':
        v = rng.next() < 0.01 ? rng.pick([1e-300, 3e250, -7e-200, NaN, -Infinity, -0]) : rng.next() * 100 + 1;
        break;
    }
    out[i] = v;
  }
  return out;
}

function stringValues(rng: Rng, s: CaseSpec, kind: 'low' | 'high'): string[] {
  const pool = Array.from({ length: s.lowCard }, (_, k) => (k < WORDS.length ? WORDS[k]! : `w${k}-${rng.int(0, 1e6)}`));
  const out: string[] = [];
  for (let i = 0; i < s.rows; i++) {
    if (kind === 'low') {
      out.push(rng.pick(pool));
      continue;
    }
    const shape = s.strShape === 'mixed' ? rng.pick(['words', 'emails', 'long'] as const) : s.strShape;
    switch (shape) {
      case 'words': {
        const k = rng.int(0, 6);
        const parts: string[] = [];
        for (let j = 0; j < k; j++) parts.push(rng.pick(WORDS));
        out.push(parts.join(' ') + (rng.next() < 0.5 ? String(rng.int(0, 1e9)) : ''));
        break;
      }
      case 'emails':
        out.push(`user${rng.int(0, 1e9)}.${rng.pick(WORDS)}@${rng.pick(DOMAINS)}`);
        break;
      case 'long':
        out.push(rng.pick(WORDS).repeat(rng.int(0, 60)) + 'é'.repeat(rng.int(0, 300)) + String(i));
        break;
    }
  }
  return out;
}

function varlenData(type: Utf8 | Binary, values: Uint8Array[], bm: Uint8Array | null): Data {
  const offsets = new Int32Array(values.length + 1);
  let total = 0;
  values.forEach((v, i) => {
    offsets[i] = total;
    if (!bm || (bm[i >> 3]! >> (i & 7)) & 1) total += v.length;
  });
  offsets[values.length] = total;
  const bytes = new Uint8Array(total);
  values.forEach((v, i) => {
    if (!bm || (bm[i >> 3]! >> (i & 7)) & 1) bytes.set(v, offsets[i]!);
  });
  return makeData({
    type,
    length: values.length,
    nullCount: nullCount(bm, values.length),
    nullBitmap: bm,
    valueOffsets: offsets,
    data: bytes,
  } as never);
}

const UNIT: Record<Unit, [TimeUnit, bigint]> = {
  s: [TimeUnit.SECOND, 1n],
  ms: [TimeUnit.MILLISECOND, 1000n],
  us: [TimeUnit.MICROSECOND, 1000000n],
  ns: [TimeUnit.NANOSECOND, 1000000000n],
};

function decimalWords(rng: Rng, n: number, precision: number, words: number, big: boolean): Uint32Array {
  const out = new Uint32Array(n * words);
  const limit = 10n ** BigInt(precision) - 1n;
  for (let i = 0; i < n; i++) {
    let v = 0n;
    const kind = rng.next();
    if (!big || kind < 0.5) v = BigInt(rng.int(-1e6, 1e6));
    else for (let k = 0; k < words; k++) v = (v << 32n) | (rng.u64() & 0xffffffffn);
    v = ((v % (limit + 1n)) + (limit + 1n)) % (limit + 1n);
    if (rng.next() < 0.5) v = -v;
    let x = BigInt.asUintN(words * 32, v);
    for (let k = 0; k < words; k++) {
      out[i * words + k] = Number(x & 0xffffffffn);
      x >>= 32n;
    }
  }
  return out;
}

function buildTable(s: CaseSpec, stringsOnly: boolean): Table {
  const rng = new Rng(s.seed);
  const n = s.rows;
  const fields: Field[] = [];
  const datas: Data[] = [];
  const add = (name: string, type: DataType, make: (bm: Uint8Array | null) => Data): void => {
    const bm = s.nullable ? validity(rng, n, s.nullRate) : null;
    fields.push(new Field(name, type, s.nullable));
    datas.push(make(bm));
  };
  const fixed = (type: DataType, data: ArrayLike<unknown>) => (bm: Uint8Array | null) =>
    makeData({ type, length: n, nullCount: nullCount(bm, n), nullBitmap: bm, data } as never);
  const enc = new TextEncoder();

  if (!stringsOnly) {
    add('alp64', new Float64(), fixed(new Float64(), floatColumn(rng, s, false)));
    add('alp32', new Float32(), fixed(new Float32(), floatColumn(rng, s, true)));
    add('rd64', new Float64(), fixed(new Float64(), realColumn(rng, s, false)));
    add('rd32', new Float32(), fixed(new Float32(), realColumn(rng, s, true)));
    const [unit, perSec] = UNIT[s.unit];
    const ts = new BigInt64Array(n);
    for (let i = 0; i < n; i++)
      ts[i] = BigInt(rng.int(-2_500_000_000, 2_500_000_000)) * perSec + BigInt(rng.int(0, Number(perSec) - 1));
    add('ts', new Timestamp(unit, s.tz), fixed(new Timestamp(unit, s.tz), ts));
    const dec = new Decimal(s.decScale, s.decPrecision, 128);
    add('dec', dec, fixed(dec, decimalWords(rng, n, s.decPrecision, 4, s.decPrecision > 18)));
    const wide = new Decimal(2, s.wideDecPrecision, 256);
    add('dec_wide', wide, fixed(wide, decimalWords(rng, n, s.wideDecPrecision, 8, s.wideBig)));
    // Shapes that steer pco (compact mode) towards its delta encodings and modes.
    const seq = new BigInt64Array(n);
    const mult = new Int32Array(n);
    const pi = new Float64Array(n);
    const quant = new Float64Array(n);
    const period = new BigInt64Array(n);
    const half = new Uint16Array(n);
    const cycle = Array.from({ length: 37 }, () => BigInt(rng.int(-1e9, 1e9)) * 1000003n);
    let walk = BigInt(rng.int(-1e6, 1e6));
    for (let i = 0; i < n; i++) {
      walk += BigInt(rng.int(-3, 40));
      seq[i] = walk; // consecutive deltas
      mult[i] = rng.int(-100000, 100000) * 997 + (rng.next() < 0.1 ? 1 : 0); // int mult
      pi[i] = rng.int(-5000, 5000) * Math.PI; // float mult
      quant[i] = Math.fround(rng.next() * 200 - 100); // float quant (f32 precision)
      period[i] = cycle[i % 37]!; // lookback
      half[i] = rng.int(0, 0x7bff) | (rng.next() < 0.5 ? 0x8000 : 0); // finite f16 bits
    }
    add('n_seq', new Int64(), fixed(new Int64(), seq));
    add('n_mult', new Int32(), fixed(new Int32(), mult));
    add('n_pi', new Float64(), fixed(new Float64(), pi));
    add('n_quant', new Float64(), fixed(new Float64(), quant));
    add('n_period', new Int64(), fixed(new Int64(), period));
    add('n_f16', new Float16(), fixed(new Float16(), half));
  }
  add('s_low', new Utf8(), (bm) =>
    varlenData(
      new Utf8(),
      stringValues(rng, s, 'low').map((x) => enc.encode(x)),
      bm,
    ),
  );
  add('s_high', new Utf8(), (bm) =>
    varlenData(
      new Utf8(),
      stringValues(rng, s, 'high').map((x) => enc.encode(x)),
      bm,
    ),
  );
  add('bin', new Binary(), (bm) => {
    const vals: Uint8Array[] = [];
    for (let i = 0; i < n; i++) {
      const v = new Uint8Array(rng.int(0, 40));
      for (let k = 0; k < v.length; k++) v[k] = rng.int(0, 255);
      vals.push(v);
    }
    return varlenData(new Binary(), vals, bm);
  });
  const schema = new Schema(fields);
  const struct = makeData({ type: new Struct(fields), length: n, nullCount: 0, children: datas });
  return new Table([new RecordBatch(schema, struct)]);
}

const caseSpec: fc.Arbitrary<CaseSpec> = fc
  .record({
    rows: fc.oneof(
      fc.constantFrom(0, 1, 2, 1023, 1024, 1025, 8191, 8192, 8193, 16385),
      fc.integer({ min: 0, max: 20000 }),
    ),
    nullRate: fc.constantFrom(0, 0, 0.05, 0.3, 0.95, 1),
    nullable: fc.boolean(),
    floatShape: fc.constantFrom<FloatShape>('prices', 'pricesSpecial', 'earlySpecials', 'ints', 'fewDistinct'),
    realShape: fc.constantFrom<RealShape>('uniform', 'wideExponents', 'withOutliers'),
    strShape: fc.constantFrom<StrShape>('words', 'emails', 'long', 'mixed'),
    lowCard: fc.integer({ min: 1, max: 40 }),
    unit: fc.constantFrom<Unit>('s', 'ms', 'us', 'ns'),
    tz: fc.constantFrom(null, 'UTC', 'America/New_York'),
    decPrecision: fc.integer({ min: 1, max: 38 }),
    decScale: fc.integer({ min: 0, max: 1 }),
    wideDecPrecision: fc.integer({ min: 39, max: 76 }),
    wideBig: fc.boolean(),
    seed: fc.integer({ min: 1, max: 0x7fffffff }),
  })
  .map((s) => ({ ...s, decScale: s.decScale ? Math.min(s.decPrecision, 4) : 0 }));

/** Cases that pin down coverage regardless of what the random ones draw. */
const PINNED: CaseSpec[] = [
  {
    rows: 20000,
    nullRate: 0.1,
    nullable: true,
    floatShape: 'pricesSpecial',
    realShape: 'withOutliers',
    strShape: 'emails',
    lowCard: 8,
    unit: 'us',
    tz: 'UTC',
    decPrecision: 12,
    decScale: 2,
    wideDecPrecision: 50,
    wideBig: false,
    seed: 11,
  },
  {
    rows: 9000,
    nullRate: 0,
    nullable: false,
    floatShape: 'prices',
    realShape: 'uniform',
    strShape: 'mixed',
    lowCard: 30,
    unit: 'ns',
    tz: null,
    decPrecision: 38,
    decScale: 4,
    wideDecPrecision: 76,
    wideBig: true,
    seed: 12,
  },
  {
    rows: 3000,
    nullRate: 0,
    nullable: false,
    floatShape: 'earlySpecials',
    realShape: 'withOutliers',
    strShape: 'words',
    lowCard: 12,
    unit: 'ms',
    tz: 'UTC',
    decPrecision: 2,
    decScale: 1,
    wideDecPrecision: 60,
    wideBig: true,
    seed: 14,
  },
  {
    rows: 8193,
    nullRate: 0.3,
    nullable: true,
    floatShape: 'prices',
    realShape: 'wideExponents',
    strShape: 'long',
    lowCard: 3,
    unit: 's',
    tz: 'America/New_York',
    decPrecision: 5,
    decScale: 0,
    wideDecPrecision: 40,
    wideBig: false,
    seed: 13,
  },
];

// ---- reading back and comparing ---------------------------------------------------------------

/**
 * Raw bytes of row i (null when invalid): floats by bits, decimals/timestamps by their words.
 * apache-arrow pre-slices the value and offset buffers of a sliced Data (only the validity bitmap
 * is addressed through `offset`, which getValid handles), so buffers are indexed by i.
 */
function rowBytes(d: Data, i: number): Uint8Array | null {
  if (!d.getValid(i)) return null;
  switch (d.typeId) {
    case Type.Utf8:
    case Type.Binary:
    case Type.LargeUtf8:
    case Type.LargeBinary: {
      const o = d.valueOffsets as unknown as ArrayLike<number | bigint>;
      return (d.values as Uint8Array).subarray(Number(o[i]), Number(o[i + 1]));
    }
    default: {
      const v = d.values as unknown as { buffer: ArrayBuffer; byteOffset: number; BYTES_PER_ELEMENT: number };
      const w = d.stride * v.BYTES_PER_ELEMENT;
      return new Uint8Array(v.buffer, v.byteOffset + i * w, w);
    }
  }
}
function* rows(datas: readonly Data[]): Generator<Uint8Array | null> {
  for (const d of datas) for (let i = 0; i < d.length; i++) yield rowBytes(d, i);
}
function hex(b: Uint8Array | null): string {
  return b === null ? 'null' : Buffer.from(b).toString('hex');
}
function sameRows(got: readonly Data[], want: readonly Data[]): string | null {
  const a = rows(got),
    b = rows(want);
  for (let r = 0; ; r++) {
    const x = a.next(),
      y = b.next();
    if (x.done || y.done) return x.done && y.done ? null : `row count differs at ${r}`;
    const u = x.value,
      v = y.value;
    const same = u === null || v === null ? u === v : u.length === v.length && u.every((q, k) => q === v[k]);
    if (!same) return `row ${r}: got ${hex(u)} want ${hex(v)}`;
  }
}

interface Tree {
  encoding: string;
  children: Tree[];
}
interface LayoutNode {
  encoding: string;
  name?: string;
  segment?: { id: number };
  children: LayoutNode[];
}

interface Stats {
  files: number;
  columnsVerified: number;
  valuesCompared: number;
  encodings: Map<string, number>;
  alpPatched: number;
  alprdPatched: number;
}

async function verifyFile(path: string, input: Table, label: string, stats: Stats): Promise<void> {
  const file = await VortexFile.open(path);
  try {
    stats.files++;
    expect(file.rowCount).toBe(input.numRows);
    const layoutCols = new Map(file.layout.children.map((c) => [c.name, c as unknown as LayoutNode]));
    for (const field of input.schema.fields) {
      let got: Table;
      try {
        got = await file.read({ columns: [field.name] });
      } catch (e) {
        throw new Error(`${label} column ${field.name}: ${(e as Error).message}`, { cause: e });
      }
      const diff = sameRows(got.getChildAt(0)?.data ?? [], input.getChild(field.name)!.data);
      expect(diff, `${label} column ${field.name}`).toBeNull();
      stats.columnsVerified++;
      stats.valuesCompared += input.numRows;
      const col = layoutCols.get(field.name);
      for (const seg of col ? dataSegments(col) : []) {
        const walk = (t: Tree): void => {
          stats.encodings.set(t.encoding, (stats.encodings.get(t.encoding) ?? 0) + 1);
          if (t.encoding === 'vortex.alp' && t.children.length >= 3) stats.alpPatched++;
          if (t.encoding === 'vortex.alprd' && t.children.length >= 4) stats.alprdPatched++;
          t.children.forEach(walk);
        };
        walk((await file.describeSegment(seg)) as Tree);
      }
    }
  } finally {
    await file.close();
  }
}

// ---- legacy FSST (two buffers + varbin codes child), as written by vortex-data 0.50 --------------

/**
 * 400 rows written by vortex-data 0.50.0 (`vortex.io.write`), column `s` = {@link legacyValue}:
 * a `vortex.fsst` array in the legacy form (buffers [symbols, symbol_lengths]; children
 * [vortex.varbin codes with validity, uncompressed lengths]).
 */
const LEGACY_FSST_0_50 = [
  'VlRYRgAAAABpbwAAAAAAADc4AAAAAAAAOTQAAAAAAAA4MgAAAAAAAGV2AAAAAAAAOTgAAAAAAAAyMAAAAAAAADc0AAAAAAAAMjcA',
  'AAAAAAA5NgAAAAAAADIyAAAAAAAANDQAAAAAAAA1NAAAAAAAADQyAAAAAAAANTIAAAAAAAA3NwAAAAAAADgxAAAAAAAANTkAAAAA',
  'AAAzOQAAAAAAADgzAAAAAAAAODkAAAAAAAAyNgAAAAAAADU2AAAAAAAANDMAAAAAAAA2OQAAAAAAADc5AAAAAAAAMzMAAAAAAAA4',
  'OAAAAAAAADQ3AAAAAAAAMzUAAAAAAAAyMwAAAAAAADk5AAAAAAAANjAAAAAAAAA2NwAAAAAAADE3AAAAAAAANTgAAAAAAAAxMAAA',
  'AAAAADc2AAAAAAAANDgAAAAAAAA5MQAAAAAAADExAAAAAAAAOTUAAAAAAAAxNQAAAAAAADEzAAAAAAAAOTMAAAAAAAA3MQAAAAAA',
  'ADE2AAAAAAAAOTcAAAAAAAA0NQAAAAAAADEuAAAAAAAANjMAAAAAAAA0LgAAAAAAAHJnAAAAAAAAY29tAAAAAAAuZnIAAAAAAC5p',
  'bwAAAAAANC5kAAAAAAB1c2VyAAAAAC5jb20AAAAAcy5mcgAAAAAub3JnAAAAAC5kZXYAAAAAZXguaW8AAABlcy5mcgAAAGUuY29t',
  'AAAAcmUuZGV2AAAubWFpbC5vci5leGFtcGxlLnZvcnRleC4uZ3lyZS5kZS5kb25uw6llZXhhbXBsZS5ubsOpZXMuZmd5cmUuZGV2',
  'ZG9ubsOpZXN2b3J0ZXguaW1haWwub3JnYW1wbGUuY285LmRvbm7DqXUAAAAAAAAALgAAAAAAAAAxAAAAAAAAADkAAAAAAAAANAAA',
  'AAAAAABlAAAAAAAAADgAAAAAAAAANwAAAAAAAAA2AAAAAAAAADIAAAAAAAAANQAAAAAAAAAzAAAAAAAAAGkAAAAAAAAAcwAAAAAA',
  'AAByAAAAAAAAAGMAAAAAAAAAMAAAAAAAAABuAAAAAAAAAGQAAAAAAAAAZwAAAAAAAAB2AAAAAAAAAG0AAAAAAAAAYQAAAAAAAAB4',
  'AAAAAAAAADAAAAAAAAAAZwAAAAAAAAA2AAAAAAAAADMAAAAAAAAAdgAAAAAAAAA0AAAAAAAAADIAAAAAAAAAbwAAAAAAAAA4AAAA',
  'AAAAADUAAAAAAAAAOQAAAAAAAAA3AAAAAAAAAHIAAAAAAAAAMQAAAAAAAABtAAAAAAAAAAICAgICAgICAgICAgICAgICAgICAgIC',
  'AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAwMDAwQEBAQEBQUFBggICAgICAgICAgICAgBAQEBAQEBAQEBAQEBAQEBAQEB',
  'AQEBAQEBAQEBAQEBAQEBAQEBAQE5GXRxQmg5I2oxSTlqB2pEADkucHBGOzkpB0M6OQdvaUJoOXASb0VrORokRAA5dAptRjs5J2wx',
  'RzU5bAlwRWs5AU4/OW9yZ29DOjlpaQZCaDkwam1FazltCzNLbjkdaUY7OQNycEM6OWl0b3JCaDkGKEQAOR9qZ0Y7OQENQzo5amlp',
  'aUVrOSoBRAA5Ai9GOzkHZ3FDOjlwam0xTDlqHmpFazlxZ2k4bkhzORglQzo5JhtCaDltb2dnRWs5LW1EADlpDGpDOjkLcHBCaDke',
  'IUVrOQhxRAA5aShnQzo5bGcKQmg5dCwzSTkFcGpEADkPaXBGOzkWD0M6OR0UQmg5AgZEADlyGm1GOzlqKmlCaDkkaW9FazkUb3JE',
  'ADlpFE4/OSYoQzo5CB5CaDkycEVrOW9wDEQAOWlsaWlGOzkGbUVrORBtMUtuOSAaRjs5EjBDOjl0b3ByQmg5LyVFazklG0QAORZn',
  'Z0Y7OR10bUM6OXQNM0w5cC5yRjs5amcZQzo5HzFMORQkRWs5aQNtRAA5HGo4bkhzORVsaUM6OXAjQmg5bxxyRWs5F2cxSjY5CitD',
  'OjlvZwtFazkRFkQAOWpvaW9GOzkib2dDOjkJH0JoOSUoRWs5cA5qRAA5KxxDOjlxFWlCaDktAUVrOXBncWdEADknM0c1ORsaQmg5',
  'ITBFazlsaXByRAA5bRZOPzlvbGdnQmg5MnRtRWs5DW0zS245bStpRjs5JkM6ORkhQmg5ahkxS245ImdqRjs5CQpDOjkMbGlFazka',
  'I0QAOXQIZ0Y7OScUQzo5LWcxTDlwZytFazltcW1wRAA5E3JGOzlpaWlvQmg5bWxxbUQAOWxnOG5IczkTHkM6OWkecEJoOWx0HEVr',
  'OQYRRAA5HwFGOzkBcWdDOjkjZ21CaDlqLTNJOSkwRjs5B3ByQzo5cGoYQmg5am0QRWs5KCxEADkndG1GOzlyZ20zRzU5bCxpQmg5',
  'bW8mRWs5JWdEADlpETFHNTltbCpFazlqCEQAOQNsaUY7OWkqb0M6OWxncmdCaDl0BW1FazkfZzFLbjkBK0Y7OWoyckJoOSpscUVr',
  'OQJpb0QAOQ5xbUM6OWoGM0w5KC5FazlxZx1EADkYHEY7OSYRQzo5aRNFazlvIG1EADlpcHQ4bkhzOQsVQzo5HmpvQmg5EBhEADkg',
  'EEY7ORIsQzo5dHFncEJoOQ9qaUQAORYmRjs5HSBDOjl0HG1CaDksJ0VrOXJqZ2pEADkOKkY7OSQSQmg5FCNFazkcA0Y7ORUCQzo5',
  'IGlCaDlvDnBFazlpF3JEADkXbE4/OQppMUc1OSJqQmg5b2dxbUVrOXQDb0M6OS8cQmg5JRFFazlwcC1EADlqJmpGOzkrKUM6OSx0',
  'M0w5cgppRWs5cCtvRAA5amdwZ0Y7OSEsRWs5HGdwRAA5FSJGOzkOcUM6OW8Lb0JoOTIgRWs5DXJtRAA5bXRvOG5IczkJQzo5EQhF',
  'azlqE3FEADkJcmdDOjlyI21CaDkMAkVrOWpsZ2lEADkrdG9GOzlxHnJDOjktbHFCaDltL2pEADkbcEY7ORtnM0c1OSEuQmg5bQxn',
  'RAA5MG1GOzkTLUM6OWltE0JoOWx0KUVrOXROPzkZam9DOjkjcGdCaDlqJW1FazkuB0QAOSksRjs5DCJCaDkabXFFazl0bWwxS245',
  'cmdybUM6OWwFM0w5bRRpRWs5b2dvRAA5b3IIRjs5aTJxQzo5MHAxTDltbDJFazkDAkY7OWwob0JoOQZqZ0VrOR9scUQAOQFpMUo2',
  'OXAPakM6OWppb3BCaDkqL0VrOSkuRAA5B21vRjs5cGpsZ0M6OShpM0k5cWcTRAA5GClGOzlscWdyQzo5bRBxQmg5cmoxSTlvaXBn',
  'RAA5aRZtRjs5CwdDOjkeb2lCaDkDIkQAOWxnbDFHNTl0KWpCaDkFcm1FazkPbzNLbjkWCUY7OWogb0M6OSoGQmg5AhJFazkOMkY7',
  'OWoicEM6OSRvckJoORh0b0QAOSZqZ0Y7OQgNQzo5aQxCaDlvcHJqRWs5aSZwRAA5HmdxQzo5CjFMORBsZ0VrOSAORAA5Emk4bkhz',
  'OS8pQmg5D2dyRWs5FnRxRAA5HWoxSjY5LGltQmg5cggzSTlwdG9pRAA5amcFRjs5JCRDOjkUbXFCaDlpb2wxSTkVaXBGOzlwD0M6',
  'OWlsZ29FazkXBkQAOQpqbUY7OXQLQzo5b2cyQmg5EXJwRWs5ahtyRAA5Ih9GOzkvdG9DOjlqMDNLbjkraWlGOzlxbW9wQzo5LS9C',
  'aDlwJHFFazlqZ20xS245LGpGOzkbDkM6OSFpM0w5bCFpRWs5b2x0cUM6OTJqMUw5DRdFazltKnBEADkhRjs5GW9pQzo5IwVCaDlq',
  'EGdFazkiCkQAOXJwcGpDOjkMaXBCaDl0bRREADlxBm9GOzktBkM6OXBnam1CaDltAjNJOW8WRAA5bw9wRjs5MB9CaDltcChFazkN',
  'akQAORMNRjs5bC5pQmg5BgFFazkfL0QAORlnTj85I20xRzU5LjBFazkpaTNLbjkHJUY7AAAAAAYACwARABcAHAAiACgALQAzADkA',
  'OQA/AD8AQwBKAFAAVgBcAGEAZwBuAG4AcwB5AH4AfgCFAIoAjwCVAJsAoQChAKkArgCzALoAvwC/AMUAywDQANUA1QDbAOEA5gDs',
  'APIA9wD8APwAAQEHAQcBDQETARkBHgEjASgBLQEzAToBOgE6AT8BRQFKAU8BVgFbAWABZgFsAXEBcQFxAXcBfQGBAYYBjAGTAZkB',
  'ngGkAaQBqgGvAa8BtQG6AcEBxwHMAdEB1wHXAdwB4gHnAe4B7gHzAfgB/QEEAgkCCQIQAhYCHAIiAiYCKwIrAjECNwI8AjwCQgJH',
  'Ak0CUgJXAl0CZAJpAmkCcAJwAncCfgKDAokCjwKUApkCnwKlAqoCqgKvArUCuwLBAsYCzALTAtkC3wLkAuQC6gLqAvAC9QL7AgED',
  'CAMOAxQDGQMZAx8DJQMrAysDMQM2AzsDQQNGA0sDSwNQA1YDXgNjA2kDaQNuA3MDeAN/A38DhQOKA48DlQOaA6EDpgOmA6sDsAOw',
  'A7UDugO/A8UDywPQA9YD2wPiA+ID4gPoA+0D8gP4A/4DAwQIBA4EFAQbBBsEGwQgBCYEKwQwBDYEOwRBBEkETQRNBFIEWARYBF4E',
  'ZARpBHAEdgR8BIIEggSIBI0EkwSYBJgEngSjBKgErgS0BLQEuAS+BMQEygTPBNQE1ATZBN8E5gTmBO0E8gT4BP4EBAUKBQ8FFQUV',
  'BRoFGgUgBSYFLAUyBTgFPwVEBUkFTwVWBVYFWwVhBWYFbQVzBXgFfwWFBYoFkAWQBZUFlQWcBaIFqAWuBbMFuQW+BcMFwwXIBc4F',
  '1AXUBdoF4AXlBeoF8QX3BfcF/QUBBgcGDAYTBhMGGAYeBiQGKgYqBjAGNQY8BkIGRwZNBlMGUwZZBl4GXgZlBmoGcAZ1BnsGgQaH',
  'BowGkgaSBpIGmAaeBqUGqgawBrcGvAbBBsYGzAbMBswG0wbYBt0G4wbnBu0G8gb4Bv0G/QYEBwoHCgcQBxYHGwciBycHLAcyBzIH',
  'Nwc9B0IHRwdHB00HUgdXB1wHYgdiB2cHbQdyB/73v//973//+9///ve///3vf//73//+97///e9///vf//73v//973//+9///ve/',
  '//3vABEREhQUERESFBQAEQATFBEREhMUEQASFBQAERIUFBERABQUERERABQREREAFBEREhQUEQASFAARERIUFBEQEhQAABASFBQR',
  'ERIUFBEAABQUEBESFBQQEQAUFAAREhQUERESABQRERIAExEREhQAERESFBIRABIUFAAREhQUERESEwARABITFBEREhQUEREAFBQR',
  'ERIUFBEREQAUABERFBQRERIUABEREgAUERESFBQAEBIUFBEAEhQUEQASFBQRERIUABERABQUEBESFBQQEQAAFBEREhQUERESFAAA',
  'ERIUExEREhQSABESABQRERIUFBEAEhMUEQASExQREQASFBEREhQAERESABQREREUFBERABQAERESFBQRERIUFAAREhQUERASFBQR',
  'ABIAFBEREhQUEREAFBQRABIUFBAREgAUEBESFAARERIUABEREhQUEREAFBMAERIUExEREhQUAAASFBQRERITFBERAAAUERESEhQR',
  'ERIAFBEAEhQUERERFAAREREUABEREhQUABESFAAAAAAMAAAACAAMAAQACAAIAAAATAAAAAQAAAAGAAAAAAADALADAAAAAAAAdgAA',
  'AAAAAAByBwAAAAABACIDAAAAAAAAMgAAAAAAAACQAQAAAAAOABQAAAAEAAgADAAQAA4AAACEAQAAGAAAAAwAAAAEAAAAKP///wIA',
  'AAAAAAEAAgAAAHAAAAAEAAAAJv///wAAAgBcAAAAVAAAAEgAAAAcAAAAAAAWABgACAAGAAwABwAAAAAAAAAAABAAFgAAAAAAAQEY',
  'AAAADAAAAAAAAAAAAAAAAgAAACAUAAACAAAAIAAAAAEAAAAFAAAAAAAAAAAAAADO////AAABAOQAAAAYAAAADAAAAAQAAADA////',
  'AQAAAAIAAAACAAAAWAAAABQAAAAAAA4AGAAGAAgADAAQABQADgAAAAAAAwAkAAAAHAAAABAAAAAIAAAABAAEAAQAAAABAAAABAAA',
  'AAAAAAAAAAAAAAAOABoABgAIAAwAEAAUAA4AAAAAAAIAYAAAAFgAAABMAAAAHAAAAAAAFgAcAAgABgAMAAcAAAAAAAAAAAAQABYA',
  'AAAAAAEBHAAAABAAAAAAAAAAAAAAAAAAAAADAAAAIPIOAAIAAAAgAAAAAQAAAAMAAAAAAAAAAAAAAAIAAAAIAQAAAAAAAOgBAAAA',
  'AAAAAAAAAAAAAAB1c2VyOTk5Ny52b3J0ZXguaW8AAAAAAAAAAAAAAAAAABIAAAB1c2VyAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  'JQAAAAAAAAAQAAAAAAAAAAgADAAEAAgACAAAAFwAAAAEAAAACgAAAAAAAAASAAAADgAEABAAAAAAAAAAAQAAAAcAAwAAAAAAAAAA',
  'AAAAAAAAAAAAAAAAAAAAAAACAAAAAAAAAAEAAAAAAAAAAQAAAAQAAwAIAAAA6v3//wAABACsAgAAFAAAAAwAAAAEAAAA3P3//wAA',
  'AAAFAAAAQAIAAPwBAACwAAAAcAAAAAQAAADi/f//AAACAFwAAABUAAAASAAAABwAAAAAABYAGAAIAAYADAAHAAAAAAAAAAAAEAAW',
  'AAAAAAABARgAAAAMAAAAAAAAAAAAAAACAAAAICUAAAIAAAAgJQAAAQAAAAkAAAAAAAAAAAAAAIr+//8AAAMAIAAAABgAAAAMAAAA',
  'BAAAAHz+//8BAAAACAAAAAAAAAAAAAAAAAAOABQAAAAEAAgADAAQAA4AAAAwAQAAGAAAAAwAAAAEAAAAtP7//wIAAAADAAQAAgAA',
  'AHQAAAAEAAAAsv7//wAAAgBgAAAAWAAAAEwAAAAcAAAAAAAWABwACAAGAAwABwAAAAAAAAAAABAAFgAAAAAAAQEcAAAAEAAAAAAA',
  'AAAAAAAAAAAAAAIAAAAgAAAAAgAAACAAAAABAAAABwAAAAAAAAAAAAAAXv///wAAAQCQAAAAGAAAAAwAAAAEAAAAUP///wEAAAAF',
  'AAAAAQAAAAQAAABK////AAACAGAAAABYAAAATAAAABwAAAAAABYAHAAIAAUADAAGAAAAAAAAAAcAEAAWAAAAAAEBARwAAAAQAAAA',
  'AAAAAAAAAAAAAAAAAgAAACAAAAACAAAAIAAAAAEAAAAGAAAAAAAAAAAAAAAAAAAAAAAAAAAADgAYAAYACAAMABAAFAAOAAAAAAAD',
  'ACQAAAAcAAAAEAAAAAgAAAAEAAQABAAAAAEAAAACAAAAAAAAAAAAAAAAAA4AGgAGAAgADAAQABQADgAAAAAABQBEAAAAPAAAADAA',
  'AAAcAAAAAAAWABAAAAAAAAAAAAAAAAAAAAAAAAQAFgAAAAAAAAAAAAAAAAAAAAIAAAAAAAEAAAAAAAAAAAAAAAAAKAMAAAwAAAAI',
  'AAwABwAIAAgAAAAAAAAHDAAAAAgADAAEAAgACAAAADQAAAAEAAAAAQAAAAwAAAAIAA4ABwAIAAgAAAAAAAAFDAAAAAAABgAIAAcA',
  'BgAAAAAAAAEBAAAABAAAAAEAAABzAAAAFAAAAAAAAAAMABgABgAMAAAACAAMAAAAAAACABAAAACQAQAAAAAAAAAAAAABAAAAEAAA',
  'AAwAGAAGABAACAAMAAwAAAAAAAEAEAAAABgAAACQAQAAAAAAAAYAAAAAIAAAWAAAAAIAAAAwAAAABAAAAOb///8MAAAAAQAAAAAA',
  'AAABAAAAAQAAAAAADgAQAAAACAAAAAAABAAOAAAADAAAAJABAAAAAAAAAQAAAAAAAAAQAAAAAAAAAAAABgAIAAQABgAAAAQAAAAB',
  'AAAAHAAAAAAAFgAYAAgABgAMAAcAAAAAAAAAAAAQABYAAAAAAAEBKAAAAAwAAAAlAAAAAAAAABQAAAA6EnVzZXI5OTk3LnZvcnRl',
  'eC5pbwIAAAA6AAAAFAAAAAAAAAAAAAoAEAAEAAgADAAKAAAAbAAAAAgAAAAsAQAAAwAAAEQAAAAkAAAABAAAAAb///8EAAAADQAA',
  'AHZvcnRleC5zdHJ1Y3QAAAAi////BAAAAAwAAAB2b3J0ZXguc3RhdHMAAAAAPv///wQAAAALAAAAdm9ydGV4LmZsYXQABgAAAKwA',
  'AACIAAAAZAAAAEgAAAAoAAAABAAAAHL///8EAAAAEQAAAHZvcnRleC52YXJiaW52aWV3AAAAkv///wQAAAANAAAAdm9ydGV4LnN0',
  'cnVjdAAAAK7///8EAAAACwAAAHZvcnRleC5ib29sAMb///8EAAAAEAAAAHZvcnRleC5wcmltaXRpdmUAAAAA5v///wQAAAANAAAA',
  'dm9ydGV4LnZhcmJpbgAGAAgABAAGAAAABAAAAAsAAAB2b3J0ZXguZnNzdAACAAAACAAAAAAAAABsEgAAAwAAAIASAAAAAAAAdAMA',
  'AAQAAAAUAAAAAAAAAAwAFgAEAAgADAAQAAwAAAB0AAAAUAAAACwAAAAQAAAAAAAKABgADAAIAAcACgAAAAAAAANwAQAAfBcAAAAA',
  'AAAAAAAA6v///wAAAANwAAAADBcAAAAAAAAAAAoAFgAMAAgABwAKAAAAAAAAA7AAAABcFgAAAAAAAAAACgAUAAwACAAHAAoAAAAA',
  'AAADaAAAAPQVAAAAAAAAAQCgAFZUWEY=',
].join('');
const LEGACY_DOMAINS = ['example.com', 'mail.org', 'gyre.dev', 'vortex.io', 'données.fr'];
function legacyValue(i: number): string | null {
  if (i % 11 === 0) return null;
  if (i % 13 === 0) return '';
  return `user${(i * 7919) % 10007}.${LEGACY_DOMAINS[i % 5]}`;
}

describe('legacy vortex.fsst form (vortex-data < 0.68)', () => {
  it('decodes the two-buffer form with a varbin codes child', async () => {
    const file = await VortexFile.open(new Uint8Array(Buffer.from(LEGACY_FSST_0_50, 'base64')));
    const tree = (await file.describeSegment(
      dataSegments(file.layout.children[0] as unknown as LayoutNode)[0]!,
    )) as Tree & {
      buffers: number[];
    };
    expect(tree.encoding).toBe('vortex.fsst');
    expect(tree.buffers.length).toBe(2);
    expect(tree.children[0]!.encoding).toBe('vortex.varbin');
    const t = await file.read();
    expect(t.numRows).toBe(400);
    const got = t.getChild('s')!.toArray() as (string | null)[];
    const want = Array.from({ length: 400 }, (_, i) => legacyValue(i));
    expect([...got]).toEqual(want);
  });
});

// ---- the suite ----------------------------------------------------------------------------------

describe('float / string / temporal / decimal encodings vs the official writers', async () => {
  const pythons = await findPythons();
  const versions = Object.keys(pythons).sort();
  const dir = mkdtempSync(join(tmpdir(), 'gyre-float-string-'));
  const specs = [...PINNED, ...fc.sample(caseSpec, { seed: SEED, numRuns: RUNS })];
  const tables: { table: Table; stringsOnly: boolean; name: string }[] = [];
  const written = new Map<string, { path: string; table: Table; label: string }[]>();

  beforeAll(() => {
    specs.forEach((s, k) => {
      tables.push({ table: buildTable(s, false), stringsOnly: false, name: `case${k}` });
      tables.push({ table: buildTable(s, true), stringsOnly: true, name: `case${k}-str` });
    });
    const cases: { ipc: string; out: string; mode: string }[] = [];
    const meta = new Map<string, { table: Table; label: string }>();
    for (const t of tables) {
      const ipc = writeIpc(dir, t.name, t.table);
      for (const v of versions) {
        for (const mode of ['default', 'compact']) {
          const out = join(dir, `${t.name}.${v}.${mode}.vortex`);
          cases.push({ ipc, out, mode });
          meta.set(out, { table: t.table, label: `${t.name} (vortex ${v}, ${mode})` });
        }
      }
    }
    for (const v of versions) {
      const mine = cases.filter((c) => c.out.includes(`.${v}.`));
      const outs = writeWithOfficial(pythons[v]!, v, dir, 'write_float_string.py', mine);
      written.set(
        v,
        outs.map((out) => ({ path: out, ...meta.get(out)! })),
      );
    }
  }, 900_000);

  afterAll(() => {
    if (!process.env.GYRE_KEEP_TEST_FILES) rmSync(dir, { recursive: true, force: true });
    else console.log('kept', dir);
  });

  it('has an official writer to test against', () => {
    expect(versions.length).toBeGreaterThan(0);
  });

  for (const v of versions) {
    it(`reads every value written by vortex ${v} exactly`, async () => {
      const stats: Stats = {
        files: 0,
        columnsVerified: 0,
        valuesCompared: 0,
        encodings: new Map(),
        alpPatched: 0,
        alprdPatched: 0,
      };
      for (const w of written.get(v)!) await verifyFile(w.path, w.table, w.label, stats);
      const summary = {
        version: v,
        files: stats.files,
        columnsVerified: stats.columnsVerified,
        valuesCompared: stats.valuesCompared,
        alpWithPatches: stats.alpPatched,
        alprdWithPatches: stats.alprdPatched,
        encodings: Object.fromEntries([...stats.encodings].sort()),
      };
      console.log(JSON.stringify(summary));
      // Coverage: the files really contain the encodings under test, in verified columns.
      for (const e of UNDER_TEST) expect(stats.encodings.get(e) ?? 0, `${e} in vortex ${v} files`).toBeGreaterThan(0);
      expect(stats.alpPatched, 'vortex.alp with patches').toBeGreaterThan(0);
      expect(stats.alprdPatched, 'vortex.alprd with patches').toBeGreaterThan(0);
      expect(stats.columnsVerified).toBeGreaterThan(specs.length * 8);
    }, 600_000);
  }

  it('turns damaged segments of these encodings into coded errors, never crashes', async () => {
    const MINE = new Set<string>(UNDER_TEST);
    const targets: { bytes: Uint8Array; ranges: [number, number][] }[] = [];
    for (const list of written.values()) {
      for (const w of list) {
        const bytes = new Uint8Array(readFileSync(w.path));
        if (bytes.length > 400_000) continue;
        const f = await VortexFile.open(bytes);
        const ranges: [number, number][] = [];
        for (let i = 0; i < f.segments.length; i++) {
          let hit = false;
          const walk = (t: Tree): void => {
            if (MINE.has(t.encoding)) hit = true;
            t.children.forEach(walk);
          };
          walk((await f.describeSegment(i)) as Tree);
          if (hit) ranges.push([f.segments[i]!.offset, f.segments[i]!.length]);
        }
        if (ranges.length) targets.push({ bytes, ranges });
      }
    }
    expect(targets.length).toBeGreaterThan(0);
    const allowed = new Set(['vortex-corrupt', 'vortex-unsupported', 'vortex-limit']);
    const outcomes = new Map<string, number>();
    const damage = fc.record({
      file: fc.nat(),
      range: fc.nat(),
      edits: fc.array(fc.record({ tail: fc.boolean(), at: fc.nat(), value: fc.nat(255) }), {
        minLength: 1,
        maxLength: 4,
      }),
    });
    await fc.assert(
      fc.asyncProperty(damage, async (d) => {
        const t = targets[d.file % targets.length]!;
        const [off, len] = t.ranges[d.range % t.ranges.length]!;
        const b = new Uint8Array(t.bytes);
        for (const e of d.edits) {
          // Half the edits hit the segment's tail: the array flatbuffer with the metadata.
          const pos = e.tail ? off + len - 1 - (e.at % Math.min(len, 512)) : off + (e.at % len);
          b[pos] = e.value;
        }
        try {
          const f = await VortexFile.open(b);
          await f.read({ memoryBudget: 256 << 20 });
          outcomes.set('ok', (outcomes.get('ok') ?? 0) + 1);
        } catch (e) {
          expect(e).toBeInstanceOf(EngineError);
          expect(allowed.has((e as EngineError).code), (e as Error).message).toBe(true);
          outcomes.set((e as EngineError).code, (outcomes.get((e as EngineError).code) ?? 0) + 1);
        }
      }),
      { seed: SEED, numRuns: 400 },
    );
    console.log(JSON.stringify({ damaged: Object.fromEntries(outcomes) }));
  }, 600_000);
});
