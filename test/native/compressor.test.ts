/**
 * The numeric compression schemes of gyre's writer (native/src/write/schemes: constant / masked,
 * FoR + bit-packing with patches, zigzag, run-end, sparse, sequence, float dict, ALP, ALP-RD,
 * datetimeparts, decimal_byte_parts) and the driver's recursion into lists, structs and
 * fixed-size lists, end to end.
 *
 * A fast-check property (fixed seed) generates tables with an integer column `i` (u8…u64,
 * i8…i64), a float column `f` (f32 / f64), a timestamp column `t` (s / ms / µs / ns), a decimal
 * column `d`, a list<i32> column `l`, a nullable struct `st` {a: i32, b: bool} and a
 * fixed_size_list<f32, 3> column `fl`. Each numeric column has a shape meant to trigger one scheme
 * (constant, small values, an offset range, small ± values with huge outliers, rare outliers, one
 * dominant value, runs, a sequence, random, decimals with NaN / -0.0 / ±inf / 1/3, random doubles,
 * few distinct doubles, almost all null, pre-1970 instants, decimals wider than 64 bits) with null
 * rates from 0 to 100 % and lengths around the 1024 / 8192 / chunk boundaries. Each table is
 * written with `VortexFile.write(path, table, { compression: 'default' })` and read back by gyre
 * and by vortex-data 0.76 and 0.90 (ONE python process per version for all files): the raw value
 * bytes at valid rows and the null positions must be identical (compared through digests).
 *
 * The encodings gyre chose are checked with VortexFile.describeSegment on every data segment of a
 * column: each shape must produce the scheme meant for it, and across the run every scheme of the
 * family is chosen at least once.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  Bool,
  type Data,
  type DataType,
  Decimal,
  Field,
  FixedSizeList,
  Float32,
  Float64,
  Int8,
  Int16,
  Int32,
  Int64,
  List,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimeUnit,
  Timestamp,
  Uint8,
  Uint16,
  Uint32,
  Uint64,
} from 'apache-arrow';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type LayoutTree, VortexFile } from 'gyre';
import { dataSegments } from '../helpers/layout.js';

import { findPythons, readWithOfficial } from '../helpers/official.js';

const SEED = 0x0c0ffee;
const RUNS = 40;

// ---- python -------------------------------------------------------------------------------------

/**
 * Reads every file of the manifest in one process and prints, per column, a digest: fixed-width
 * columns hash [one validity byte per row][the value bytes of each row, zeros at null rows];
 * nested columns (only 32-bit ints and bools inside) hash their compact JSON.
 */
const READER_PY = String.raw`
import hashlib, json, sys
import numpy as np
import pyarrow as pa
import vortex as vx

def fixed_digest(arr, w):
    n = len(arr)
    valid = np.asarray(arr.is_valid().to_numpy(zero_copy_only=False), dtype=bool) if n else np.zeros(0, bool)
    buf = arr.buffers()[1]
    if buf is None or n == 0:
        data = np.zeros((n, w), np.uint8)
    else:
        data = np.frombuffer(buf, np.uint8)[arr.offset * w:(arr.offset + n) * w].reshape(n, w).copy()
    data[~valid] = 0
    h = hashlib.md5()
    h.update(valid.astype(np.uint8).tobytes())
    h.update(data.tobytes())
    return h.hexdigest()

def width(t):
    if pa.types.is_decimal(t): return t.bit_width // 8
    if pa.types.is_timestamp(t): return 8
    if pa.types.is_integer(t) or pa.types.is_floating(t): return t.bit_width // 8
    return None

def json_digest(arr):
    vals = arr.to_pylist()
    def norm(v):
        if isinstance(v, dict): return [norm(x) for x in v.values()]
        if isinstance(v, list): return [norm(x) for x in v]
        if isinstance(v, float) and v.is_integer(): return int(v)
        return v
    s = json.dumps([norm(v) for v in vals], separators=(",", ":"))
    return hashlib.md5(s.encode()).hexdigest()

cases = json.load(open(sys.argv[1]))
out = []
for case in cases:
    r = {"path": case["path"], "error": None, "rows": None, "digests": {}}
    try:
        t = vx.open(case["path"]).to_arrow().read_all()
        r["rows"] = t.num_rows
        for name in t.column_names:
            col = t.column(name).combine_chunks()
            w = width(col.type)
            r["digests"][name] = fixed_digest(col, w) if w else json_digest(col)
    except Exception as e:  # noqa: BLE001
        r["error"] = (type(e).__name__ + ": " + str(e))[:400]
    out.append(r)
print(json.dumps({"version": vx.__version__, "results": out}))
`;

interface PyResult {
  path: string;
  error: string | null;
  rows: number | null;
  digests: Record<string, string>;
}

// ---- deterministic generation -------------------------------------------------------------------

class Rng {
  private s: bigint;
  constructor(seed: number) {
    this.s = BigInt(seed) ^ 0x9e3779b97f4a7c15n;
  }
  bits(): bigint {
    // splitmix64
    this.s = (this.s + 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn;
    let z = this.s;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & 0xffffffffffffffffn;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & 0xffffffffffffffffn;
    return z ^ (z >> 31n);
  }
  next(): number {
    return Number(this.bits() >> 11n) / 2 ** 53;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  big(lo: bigint, hi: bigint): bigint {
    return lo + (this.bits() % (hi - lo + 1n));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
}

const INT_TYPES = ['u8', 'u16', 'u32', 'u64', 'i8', 'i16', 'i32', 'i64'] as const;
type IntType = (typeof INT_TYPES)[number];
const INT_SHAPES = [
  'constant',
  'small',
  'offset',
  'zigzag',
  'outliers',
  'dominant',
  'runs',
  'sequence',
  'random',
  'nulldom',
] as const;
type IntShape = (typeof INT_SHAPES)[number];
const FLOAT_SHAPES = ['decimals', 'specials', 'random', 'lowcard', 'runs', 'bits', 'constant', 'nulldom'] as const;
type FloatShape = (typeof FLOAT_SHAPES)[number];
const TS_SHAPES = ['regular', 'pre1970', 'jitter', 'random'] as const;
type TsShape = (typeof TS_SHAPES)[number];
const DEC_SHAPES = ['small', 'wide', 'wide256', 'small256'] as const;
type DecShape = (typeof DEC_SHAPES)[number];
const UNITS = [TimeUnit.SECOND, TimeUnit.MILLISECOND, TimeUnit.MICROSECOND, TimeUnit.NANOSECOND] as const;
const LENGTHS = [0, 1, 2, 1023, 1024, 1025, 8191, 8192, 8193, 16384, 16385, 30000] as const;

interface CaseSpec {
  seed: number;
  rows: number;
  intType: IntType;
  intShape: IntShape;
  intNulls: number;
  f32: boolean;
  floatShape: FloatShape;
  floatNulls: number;
  unit: TimeUnit;
  tsShape: TsShape;
  tsNulls: number;
  decShape: DecShape;
  decNulls: number;
  chunkRows: number | undefined;
}

const INT_BITS: Record<IntType, number> = { u8: 8, u16: 16, u32: 32, u64: 64, i8: 8, i16: 16, i32: 32, i64: 64 };
const signed = (t: IntType): boolean => t.startsWith('i');
function intRange(t: IntType): [bigint, bigint] {
  const b = BigInt(INT_BITS[t]);
  return signed(t) ? [-(1n << (b - 1n)), (1n << (b - 1n)) - 1n] : [0n, (1n << b) - 1n];
}

function intValues(rng: Rng, spec: CaseSpec): bigint[] {
  const t = spec.intType;
  const bits = BigInt(INT_BITS[t]);
  const [lo, hi] = intRange(t);
  const n = spec.rows;
  const out: bigint[] = [];
  switch (spec.intShape) {
    case 'constant': {
      const v = rng.big(lo, hi);
      for (let i = 0; i < n; i++) out.push(v);
      break;
    }
    case 'small':
      for (let i = 0; i < n; i++) out.push(rng.big(0n, 31n));
      break;
    case 'offset': {
      // A narrow range far from zero: frame of reference.
      const span = 1n << (bits >= 16n ? 7n : 4n);
      const base = hi - span - rng.big(0n, hi >> 3n);
      for (let i = 0; i < n; i++) out.push(base + rng.big(0n, span - 1n));
      break;
    }
    case 'zigzag': {
      // Small ± values with rare huge outliers: FoR cannot narrow, zigzag + patches can.
      if (!signed(t)) return intValues(rng, { ...spec, intShape: 'outliers' });
      for (let i = 0; i < n; i++) out.push(rng.next() < 0.004 ? (rng.next() < 0.5 ? lo : hi) : rng.big(-8n, 8n));
      break;
    }
    case 'outliers':
      for (let i = 0; i < n; i++) out.push(rng.next() < 0.005 ? rng.big(hi >> 2n, hi) : rng.big(0n, 15n));
      break;
    case 'dominant': {
      const v = rng.big(lo, hi);
      for (let i = 0; i < n; i++) out.push(rng.next() < 0.95 ? v : rng.big(lo, hi));
      break;
    }
    case 'runs': {
      let v = rng.big(0n, hi > 1000n ? 1000n : hi);
      for (let i = 0; i < n; i++) {
        if (rng.next() < 0.02) v = rng.big(0n, hi > 1000n ? 1000n : hi);
        out.push(v);
      }
      break;
    }
    case 'sequence': {
      const step = BigInt(rng.int(1, 5)) * (signed(t) && rng.next() < 0.5 ? -1n : 1n);
      const need = step * BigInt(Math.max(n - 1, 0));
      const base =
        step > 0n ? rng.big(lo, hi - need > lo ? hi - need : lo) : rng.big(lo - need < hi ? lo - need : hi, hi);
      for (let i = 0; i < n; i++) {
        const v = base + step * BigInt(i);
        out.push(v < lo || v > hi ? (signed(t) ? BigInt.asIntN(Number(bits), v) : BigInt.asUintN(Number(bits), v)) : v);
      }
      break;
    }
    case 'random':
    case 'nulldom':
      for (let i = 0; i < n; i++) out.push(rng.big(lo, hi));
      break;
  }
  return out;
}

const SPECIALS = [Number.NaN, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1 / 3];

function floatValues(rng: Rng, spec: CaseSpec): number[] {
  const n = spec.rows;
  const out: number[] = [];
  const pool = Array.from({ length: rng.int(2, 40) }, () => (rng.next() - 0.5) * 1e4);
  const c = (rng.next() - 0.5) * 1e6;
  let run = (rng.next() - 0.5) * 1e3;
  for (let i = 0; i < n; i++) {
    let v: number;
    switch (spec.floatShape) {
      case 'runs':
        if (rng.next() < 0.02) run = (rng.next() - 0.5) * 1e3;
        v = run;
        break;
      case 'decimals':
        v = rng.int(-100000, 1000000) / 100;
        break;
      case 'specials':
        v = rng.next() < 0.03 ? rng.pick(SPECIALS) : rng.int(0, 100000) / 1000;
        break;
      case 'random':
      case 'nulldom':
        v = (rng.next() - 0.3) * 1e3;
        break;
      case 'lowcard':
        v = rng.pick(pool);
        break;
      case 'constant':
      case 'bits':
        v = c;
        break;
    }
    out.push(spec.f32 ? Math.fround(v) : v);
  }
  return out;
}

/** Raw random bit patterns (NaN payloads, subnormals, infinities, -0.0 included). */
function floatBits(rng: Rng, spec: CaseSpec): Float32Array | Float64Array {
  if (spec.f32)
    return new Float32Array(Uint32Array.from({ length: spec.rows }, () => Number(rng.bits() >> 32n)).buffer);
  return new Float64Array(BigUint64Array.from({ length: spec.rows }, () => rng.bits()).buffer);
}

const UNIT_PER_S: Record<number, bigint> = {
  [TimeUnit.SECOND]: 1n,
  [TimeUnit.MILLISECOND]: 1000n,
  [TimeUnit.MICROSECOND]: 1000000n,
  [TimeUnit.NANOSECOND]: 1000000000n,
};

function tsValues(rng: Rng, spec: CaseSpec): bigint[] {
  const u = UNIT_PER_S[spec.unit]!;
  const out: bigint[] = [];
  const base = spec.tsShape === 'pre1970' ? -2_000_000_000n : 1_700_000_000n;
  const step = BigInt(rng.pick([1, 60, 3600, 86400]));
  for (let i = 0; i < spec.rows; i++) {
    if (spec.tsShape === 'random') out.push(rng.big(-1_000_000_000n * u, 4_000_000_000n * u));
    else if (spec.tsShape === 'jitter') out.push((base + 61n * BigInt(i)) * u + rng.big(0n, u - 1n));
    else out.push((base + step * BigInt(i)) * u);
  }
  return out;
}

function decValues(rng: Rng, spec: CaseSpec): bigint[] {
  const out: bigint[] = [];
  for (let i = 0; i < spec.rows; i++) {
    if (spec.decShape === 'small' || spec.decShape === 'small256') out.push(rng.big(-10_000_000n, 10_000_000n));
    else out.push(rng.big(-(1n << 100n), 1n << 100n));
  }
  return out;
}

function nullMask(rng: Rng, n: number, rate: number): boolean[] {
  return Array.from({ length: n }, () => rng.next() >= rate);
}

function bitmap(valid: readonly boolean[]): Uint8Array {
  const b = new Uint8Array((valid.length + 7) >> 3);
  valid.forEach((v, i) => {
    if (v) b[i >> 3]! |= 1 << (i & 7);
  });
  return b;
}

function fixedData(type: DataType, values: ArrayLike<unknown>, valid: readonly boolean[], nullable: boolean): Data {
  const nulls = valid.filter((v) => !v).length;
  return makeData({
    type,
    length: valid.length,
    nullCount: nullable ? nulls : 0,
    nullBitmap: nullable && nulls > 0 ? bitmap(valid) : null,
    data: values,
  } as never);
}

function intArrowType(t: IntType): DataType {
  return {
    u8: new Uint8(),
    u16: new Uint16(),
    u32: new Uint32(),
    u64: new Uint64(),
    i8: new Int8(),
    i16: new Int16(),
    i32: new Int32(),
    i64: new Int64(),
  }[t];
}

function intTyped(t: IntType, values: readonly bigint[]): ArrayLike<unknown> {
  switch (t) {
    case 'u8':
      return Uint8Array.from(values, Number);
    case 'u16':
      return Uint16Array.from(values, Number);
    case 'u32':
      return Uint32Array.from(values, Number);
    case 'u64':
      return BigUint64Array.from(values);
    case 'i8':
      return Int8Array.from(values, Number);
    case 'i16':
      return Int16Array.from(values, Number);
    case 'i32':
      return Int32Array.from(values, Number);
    case 'i64':
      return BigInt64Array.from(values);
  }
}

function decTyped(values: readonly bigint[], words: number): Uint32Array {
  const out = new Uint32Array(values.length * 2 * words);
  const v64 = new BigInt64Array(out.buffer);
  values.forEach((v, i) => {
    for (let k = 0; k < words; k++) v64[words * i + k] = BigInt.asIntN(64, v >> BigInt(64 * k));
  });
  return out;
}

/** Raw digest of a fixed-width column: validity bytes, then each row's value bytes (0 if null). */
class FixedDigest {
  private readonly valid: number[] = [];
  private readonly chunks: Uint8Array[] = [];
  constructor(private readonly width: number) {}
  add(bytes: Uint8Array, valid: readonly boolean[]): void {
    const copy = Uint8Array.from(bytes);
    valid.forEach((v, i) => {
      this.valid.push(v ? 1 : 0);
      if (!v) copy.fill(0, i * this.width, (i + 1) * this.width);
    });
    this.chunks.push(copy);
  }
  addData(d: Data): void {
    const values = d.values as unknown as ArrayBufferView;
    const bytes = new Uint8Array(values.buffer, values.byteOffset + d.offset * this.width, d.length * this.width);
    this.add(
      bytes,
      Array.from({ length: d.length }, (_, i) => d.getValid(i)),
    );
  }
  hex(): string {
    const h = createHash('md5');
    h.update(Uint8Array.from(this.valid));
    for (const c of this.chunks) h.update(c);
    return h.digest('hex');
  }
}

function jsonDigest(rows: readonly unknown[]): string {
  return createHash('md5').update(JSON.stringify(rows)).digest('hex');
}

interface Generated {
  table: Table;
  digests: Record<string, string>;
}

const FIXED_COLUMNS: Record<string, number> = {};

function generate(spec: CaseSpec): Generated {
  const rng = new Rng(spec.seed);
  const n = spec.rows;
  const digests: Record<string, string> = {};
  const fields: Field[] = [];
  const children: Data[] = [];
  const push = (name: string, type: DataType, nullable: boolean, d: Data, width: number): void => {
    fields.push(new Field(name, type, nullable));
    children.push(d);
    const dg = new FixedDigest(width);
    dg.addData(d);
    digests[name] = dg.hex();
    FIXED_COLUMNS[name] = width;
  };

  const intNulls = spec.intShape === 'nulldom' ? 0.95 : spec.intNulls;
  const iv = intValues(rng, spec);
  const ivalid = nullMask(rng, n, intNulls);
  const it = intArrowType(spec.intType);
  push(
    'i',
    it,
    intNulls > 0,
    fixedData(it, intTyped(spec.intType, iv), ivalid, intNulls > 0),
    INT_BITS[spec.intType] / 8,
  );

  const floatNulls = spec.floatShape === 'nulldom' ? 0.96 : spec.floatNulls;
  const fv = floatValues(rng, spec);
  const fvalid = nullMask(rng, n, floatNulls);
  const ft = spec.f32 ? new Float32() : new Float64();
  const fdata =
    spec.floatShape === 'bits' ? floatBits(rng, spec) : spec.f32 ? Float32Array.from(fv) : Float64Array.from(fv);
  push('f', ft, floatNulls > 0, fixedData(ft, fdata, fvalid, floatNulls > 0), spec.f32 ? 4 : 8);

  const tt = new Timestamp(spec.unit);
  const tvalid = nullMask(rng, n, spec.tsNulls);
  push('t', tt, spec.tsNulls > 0, fixedData(tt, BigInt64Array.from(tsValues(rng, spec)), tvalid, spec.tsNulls > 0), 8);

  // Decimal128(12, 2) / (38, 0), or Decimal256(60, 0) whose values fit in 64 / 128 bits.
  const wide256 = spec.decShape === 'wide256' || spec.decShape === 'small256';
  const dt = wide256
    ? new Decimal(0, 60, 256)
    : spec.decShape === 'small'
      ? new Decimal(2, 12, 128)
      : new Decimal(0, 38, 128);
  const dvalid = nullMask(rng, n, spec.decNulls);
  const dw = wide256 ? 32 : 16;
  push(
    'd',
    dt,
    spec.decNulls > 0,
    fixedData(dt, decTyped(decValues(rng, spec), dw / 8), dvalid, spec.decNulls > 0),
    dw,
  );

  // list<i32>: 0-6 small elements, 10 % null lists.
  const lvalid = nullMask(rng, n, 0.1);
  const offsets = new Int32Array(n + 1);
  const elems: number[] = [];
  const lrows: (number[] | null)[] = [];
  for (let i = 0; i < n; i++) {
    const k = lvalid[i] ? rng.int(0, 6) : 0;
    const row = Array.from({ length: k }, () => rng.int(-50, 50));
    elems.push(...row);
    offsets[i + 1] = elems.length;
    lrows.push(lvalid[i] ? row : null);
  }
  const lt = new List(new Field('item', new Int32(), false));
  fields.push(new Field('l', lt, true));
  children.push(
    makeData({
      type: lt,
      length: n,
      nullCount: lvalid.filter((v) => !v).length,
      nullBitmap: bitmap(lvalid),
      valueOffsets: offsets,
      child: makeData({ type: new Int32(), length: elems.length, nullCount: 0, data: Int32Array.from(elems) }),
    } as never),
  );
  digests.l = jsonDigest(lrows);

  // struct {a: i32 increasing, b: bool constant true}, 20 % null rows.
  const svalid = nullMask(rng, n, 0.2);
  const a = Int32Array.from({ length: n }, (_, i) => 7 * i - 1000);
  const bits = new Uint8Array((n + 7) >> 3).fill(0xff);
  const stType = new Struct([new Field('a', new Int32(), false), new Field('b', new Bool(), false)]);
  fields.push(new Field('st', stType, true));
  children.push(
    makeData({
      type: stType,
      length: n,
      nullCount: svalid.filter((v) => !v).length,
      nullBitmap: bitmap(svalid),
      children: [
        makeData({ type: new Int32(), length: n, nullCount: 0, data: a }),
        makeData({ type: new Bool(), length: n, nullCount: 0, data: bits }),
      ],
    } as never),
  );
  digests.st = jsonDigest(Array.from({ length: n }, (_, i) => (svalid[i] ? [a[i], true] : null)));

  // fixed_size_list<f32, 3> of small integers (exact in JSON), no nulls.
  const fl = Float32Array.from({ length: 3 * n }, () => rng.int(-4, 4));
  const flType = new FixedSizeList(3, new Field('item', new Float32(), false));
  fields.push(new Field('fl', flType, false));
  children.push(
    makeData({
      type: flType,
      length: n,
      nullCount: 0,
      child: makeData({ type: new Float32(), length: 3 * n, nullCount: 0, data: fl }),
    } as never),
  );
  digests.fl = jsonDigest(Array.from({ length: n }, (_, i) => Array.from(fl.subarray(3 * i, 3 * i + 3))));

  const schema = new Schema(fields);
  const batch = new RecordBatch(
    schema,
    makeData({ type: new Struct(fields), length: n, nullCount: 0, children } as never) as unknown as Data<Struct>,
  );
  return { table: new Table(schema, [batch]), digests };
}

/** Digests of what gyre reads back (same definitions as above and in READER_PY). */
function readDigests(t: Table): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of t.schema.fields) {
    const col = t.getChild(f.name)!;
    const w = FIXED_COLUMNS[f.name];
    if (w !== undefined) {
      const dg = new FixedDigest(w);
      for (const d of col.data) dg.addData(d as Data);
      out[f.name] = dg.hex();
    } else if (f.name === 'l') {
      out.l = jsonDigest(
        Array.from({ length: t.numRows }, (_, i) => {
          const v = col.get(i) as { toArray(): Int32Array } | null;
          return v === null ? null : Array.from(v.toArray());
        }),
      );
    } else if (f.name === 'st') {
      out.st = jsonDigest(
        Array.from({ length: t.numRows }, (_, i) => {
          const v = col.get(i) as { a: number; b: boolean } | null;
          return v === null ? null : [v.a, v.b];
        }),
      );
    } else if (f.name === 'fl') {
      out.fl = jsonDigest(
        Array.from({ length: t.numRows }, (_, i) => {
          const v = col.get(i) as { toArray(): Float32Array } | null;
          return v === null ? null : Array.from(v.toArray());
        }),
      );
    }
  }
  return out;
}

// ---- encodings ------------------------------------------------------------------------------------

interface Tree {
  encoding: string;
  children?: Tree[];
}

/** Every encoding of a tree, plus "fastlanes.bitpacked+patches" for a bit-packed node with patches. */
function collect(t: Tree, out: Set<string>): Set<string> {
  out.add(t.encoding);
  if (t.encoding === 'fastlanes.bitpacked' && (t.children?.length ?? 0) >= 2) out.add('fastlanes.bitpacked+patches');
  if (t.encoding === 'vortex.alp' && (t.children?.length ?? 0) >= 3) out.add('vortex.alp+patches');
  for (const c of t.children ?? []) collect(c, out);
  return out;
}


interface Written {
  spec: CaseSpec;
  path: string;
  digests: Record<string, string>;
  /** Array encodings in the data segments of each column; root encodings of each data segment. */
  encodings: Record<string, Set<string>>;
  roots: Record<string, Set<string>>;
  layouts: Record<string, Set<string>>;
}

let dir = '';
const written: Written[] = [];
let pythons: Record<string, string> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gyre-compressor-'));
  pythons = await findPythons();
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function layoutIds(t: LayoutTree, out: Set<string>): Set<string> {
  out.add(t.encoding);
  for (const c of t.children) layoutIds(c, out);
  return out;
}

async function writeAndCheck(spec: CaseSpec): Promise<void> {
  const g = generate(spec);
  const path = join(dir, `case-${written.length}.vortex`);
  await VortexFile.write(path, g.table, {
    compression: 'default',
    ...(spec.chunkRows === undefined ? {} : { chunkRows: spec.chunkRows }),
  });

  const f = await VortexFile.open(path);
  const t = await f.read();
  expect(t.numRows).toBe(spec.rows);
  const got = readDigests(t);
  for (const name of Object.keys(g.digests))
    expect(got[name], `gyre column ${name} (${JSON.stringify(spec)})`).toBe(g.digests[name]);

  const encodings: Record<string, Set<string>> = {};
  const roots: Record<string, Set<string>> = {};
  const layouts: Record<string, Set<string>> = {};
  for (const [k, col] of f.layout.children.entries()) {
    const name = col.name ?? String(k);
    encodings[name] = new Set();
    roots[name] = new Set();
    layouts[name] = layoutIds(col, new Set());
    for (const seg of dataSegments(col)) {
      const tree = (await f.describeSegment(seg)) as Tree;
      roots[name].add(tree.encoding);
      collect(tree, encodings[name]);
    }
  }
  await f.close();
  written.push({ spec, path, digests: g.digests, encodings, roots, layouts });
}

// ---- cases ---------------------------------------------------------------------------------------

const base: CaseSpec = {
  seed: 1,
  rows: 20000,
  intType: 'i64',
  intShape: 'offset',
  intNulls: 0,
  f32: false,
  floatShape: 'decimals',
  floatNulls: 0,
  unit: TimeUnit.SECOND,
  tsShape: 'regular',
  tsNulls: 0,
  decShape: 'small',
  decNulls: 0,
  chunkRows: undefined,
};

// Cases every run contains, whatever the generator draws: each scheme's trigger shape at least once.
const FIXED: CaseSpec[] = [
  base,
  {
    ...base,
    seed: 2,
    intType: 'u32',
    intShape: 'small',
    floatShape: 'specials',
    floatNulls: 0.1,
    unit: TimeUnit.MICROSECOND,
    tsShape: 'pre1970',
    decShape: 'wide',
  },
  { ...base, seed: 3, intType: 'i32', intShape: 'zigzag', floatShape: 'random', tsNulls: 0.1, decNulls: 0.1 },
  {
    ...base,
    seed: 4,
    intType: 'u16',
    intShape: 'outliers',
    f32: true,
    floatShape: 'lowcard',
    floatNulls: 0.1,
    unit: TimeUnit.MILLISECOND,
  },
  { ...base, seed: 5, intType: 'i16', intShape: 'dominant', intNulls: 0.05, floatShape: 'constant', floatNulls: 0.3 },
  { ...base, seed: 6, intType: 'u8', intShape: 'runs', floatShape: 'nulldom', unit: TimeUnit.NANOSECOND },
  { ...base, seed: 7, intType: 'i64', intShape: 'sequence', f32: true, floatShape: 'random', tsShape: 'random' },
  { ...base, seed: 8, intType: 'u64', intShape: 'nulldom', floatShape: 'constant', decShape: 'wide256', decNulls: 0.1 },
  {
    ...base,
    seed: 9,
    intType: 'i8',
    intShape: 'constant',
    intNulls: 0.5,
    floatShape: 'decimals',
    floatNulls: 1,
    tsNulls: 1,
    decNulls: 1,
  },
  { ...base, seed: 10, intType: 'u64', intShape: 'random', rows: 8193, chunkRows: 1024 },
  { ...base, seed: 11, rows: 0 },
  { ...base, seed: 12, rows: 1, intShape: 'random', floatShape: 'specials' },
  {
    ...base,
    seed: 13,
    rows: 65536,
    intType: 'i32',
    intShape: 'runs',
    intNulls: 0.05,
    floatShape: 'runs',
    unit: TimeUnit.MICROSECOND,
    tsShape: 'jitter',
    tsNulls: 0.1,
  },
  { ...base, seed: 14, floatShape: 'bits', floatNulls: 0.1, intType: 'i64', intShape: 'random' },
  { ...base, seed: 15, rows: 8192, f32: true, floatShape: 'bits', intType: 'i8', intShape: 'zigzag' },
];

const specArb: fc.Arbitrary<CaseSpec> = fc.record({
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  rows: fc.oneof(fc.constantFrom(...LENGTHS), fc.integer({ min: 1, max: 30000 })),
  intType: fc.constantFrom(...INT_TYPES),
  intShape: fc.constantFrom(...INT_SHAPES),
  intNulls: fc.constantFrom(0, 0, 0.05, 0.5, 1),
  f32: fc.boolean(),
  floatShape: fc.constantFrom(...FLOAT_SHAPES),
  floatNulls: fc.constantFrom(0, 0, 0.1, 1),
  unit: fc.constantFrom(...UNITS),
  tsShape: fc.constantFrom(...TS_SHAPES),
  tsNulls: fc.constantFrom(0, 0.1),
  decShape: fc.constantFrom(...DEC_SHAPES),
  decNulls: fc.constantFrom(0, 0.1),
  chunkRows: fc.constantFrom(undefined, undefined, 1024, 5000),
});

// ---- tests ---------------------------------------------------------------------------------------

describe('numeric compression schemes', () => {
  it('write → gyre read: values identical (fast-check, fixed seed)', async () => {
    for (const spec of FIXED) await writeAndCheck(spec);
    await fc.assert(
      fc.asyncProperty(specArb, async (spec) => {
        await writeAndCheck(spec);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    expect(written.length).toBe(FIXED.length + RUNS);
  }, 300_000);

  it('chooses the scheme each shape is meant to trigger', () => {
    const seen = new Set<string>();
    for (const w of written) {
      const { spec } = w;
      if (process.env.GYRE_TRACE_SCHEMES) {
        const cols = Object.entries(w.encodings).map(([c, s]) => `  ${c}: ${[...s].join(' ')}`);
        console.log(`${JSON.stringify(spec)}\n${cols.join('\n')}`);
      }
      for (const s of Object.values(w.encodings)) for (const e of s) seen.add(e);
      if (spec.rows < 4096 || (spec.chunkRows ?? 8192) < 4096) continue;
      const enc = (c: string): string[] => [...w.encodings[c]!];
      const has = (c: string, e: string): boolean => w.encodings[c]!.has(e);
      // a low-cardinality column may become a layout-level dictionary (vortex.dict layout)
      const dictLayout = (c: string): boolean => w.layouts[c]!.has('vortex.dict');
      const what = (c: string): string => `${c}: ${JSON.stringify(spec)} → ${enc(c).join(',')}`;

      // integers
      const iNulls = spec.intShape === 'nulldom' ? 0.95 : spec.intNulls;
      if (iNulls === 1) {
        expect(enc('i'), what('i')).toEqual(['vortex.constant']);
      } else {
        switch (spec.intShape) {
          case 'constant':
            expect(
              has('i', iNulls > 0 ? 'vortex.masked' : 'vortex.constant') && !has('i', 'fastlanes.bitpacked'),
              what('i'),
            ).toBe(true);
            break;
          case 'small':
            expect(has('i', 'fastlanes.bitpacked') || has('i', 'vortex.dict') || dictLayout('i'), what('i')).toBe(true);
            break;
          case 'offset':
            if (INT_BITS[spec.intType] >= 16) expect(has('i', 'fastlanes.for'), what('i')).toBe(true);
            break;
          case 'zigzag':
            if (signed(spec.intType) && INT_BITS[spec.intType] >= 16 && iNulls < 0.5)
              expect(has('i', 'vortex.zigzag'), what('i')).toBe(true);
            break;
          case 'outliers':
            if (INT_BITS[spec.intType] >= 16 && iNulls < 0.5)
              expect(has('i', 'fastlanes.bitpacked+patches') || has('i', 'vortex.sparse'), what('i')).toBe(true);
            break;
          case 'dominant':
            if (iNulls <= 0.05) expect(has('i', 'vortex.sparse'), what('i')).toBe(true);
            break;
          case 'runs':
            if (iNulls === 0)
              expect(has('i', 'vortex.runend') || has('i', 'vortex.dict') || dictLayout('i'), what('i')).toBe(true);
            break;
          case 'sequence':
            if (iNulls === 0 && INT_BITS[spec.intType] >= 32) expect(enc('i'), what('i')).toEqual(['vortex.sequence']);
            break;
          case 'nulldom':
            expect(has('i', 'vortex.sparse'), what('i')).toBe(true);
            break;
          case 'random':
            expect(has('i', 'vortex.dict'), what('i')).toBe(false);
            break;
        }
      }
      // floats
      const fNulls = spec.floatShape === 'nulldom' ? 0.96 : spec.floatNulls;
      if (fNulls === 1) {
        expect(enc('f'), what('f')).toEqual(['vortex.constant']);
      } else {
        switch (spec.floatShape) {
          case 'decimals':
            expect(has('f', 'vortex.alp'), what('f')).toBe(true);
            break;
          case 'specials':
            expect(has('f', 'vortex.alp+patches') || has('f', 'vortex.dict'), what('f')).toBe(true);
            break;
          case 'random':
            // f64 random doubles: ALP-RD; f32 ones may also round-trip through ALP
            expect(has('f', 'vortex.alprd') || (spec.f32 && has('f', 'vortex.alp')), what('f')).toBe(true);
            break;
          case 'lowcard':
            expect(has('f', 'vortex.dict') || dictLayout('f'), what('f')).toBe(true);
            break;
          case 'runs':
            expect(has('f', 'fastlanes.rle') || has('f', 'vortex.dict') || dictLayout('f'), what('f')).toBe(true);
            break;
          case 'constant':
            expect(
              has('f', fNulls > 0 ? 'vortex.masked' : 'vortex.constant') && !has('f', 'vortex.alp'),
              what('f'),
            ).toBe(true);
            break;
          case 'nulldom':
            expect(has('f', 'vortex.sparse'), what('f')).toBe(true);
            break;
        }
      }
      // timestamps: a regular grid splits well into days / seconds / subseconds
      // (without nulls a regular grid may also be an exact vortex.sequence of the i64 storage)
      // (sub-second jitter: days in long runs — RLE under nulls —, seconds and subseconds split)
      // (like the official writer, the sampled trials only see the long day runs in large chunks)
      if (spec.tsShape === 'jitter') {
        if (spec.rows >= 50000 && spec.chunkRows === undefined && spec.unit !== TimeUnit.SECOND) {
          expect(has('t', 'vortex.datetimeparts'), what('t')).toBe(true);
          if (spec.tsNulls > 0) expect(has('t', 'fastlanes.rle') || has('t', 'vortex.runend'), what('t')).toBe(true);
        }
      } else if (spec.tsShape !== 'random' && spec.unit !== TimeUnit.SECOND)
        expect(has('t', 'vortex.datetimeparts') || (spec.tsNulls === 0 && has('t', 'vortex.sequence')), what('t')).toBe(
          true,
        );
      if (spec.decNulls < 1) {
        // (256-bit values that fit in 128 bits are stored narrowed, like the official writer does)
        if (spec.decShape === 'small' || spec.decShape === 'small256')
          expect(has('d', 'vortex.decimal_byte_parts'), what('d')).toBe(true);
        else expect(w.roots.d, what('d')).toEqual(new Set(['vortex.decimal']));
      }
      // nested: list offsets / struct fields / fixed-size-list elements are compressed
      expect(has('l', 'vortex.list'), what('l')).toBe(true);
      expect(has('st', 'vortex.sequence') || has('st', 'fastlanes.for'), what('st')).toBe(true);
      expect(
        has('fl', 'vortex.fixed_size_list') &&
          enc('fl').some((e) => e !== 'vortex.fixed_size_list' && e !== 'vortex.primitive'),
        what('fl'),
      ).toBe(true);
    }
    for (const e of [
      'vortex.constant',
      'vortex.masked',
      'fastlanes.for',
      'fastlanes.bitpacked',
      'fastlanes.bitpacked+patches',
      'vortex.zigzag',
      'vortex.runend',
      'fastlanes.rle',
      'vortex.sparse',
      'vortex.sequence',
      'vortex.dict',
      'vortex.alp',
      'vortex.alp+patches',
      'vortex.alprd',
      'vortex.datetimeparts',
      'vortex.decimal_byte_parts',
      'vortex.list',
      'vortex.fixed_size_list',
    ]) {
      expect(seen.has(e), `no case chose ${e}`).toBe(true);
    }
  });

  for (const version of ['0.76', '0.90']) {
    it(`vortex-data ${version} reads every file: values identical`, (ctx) => {
      if (!pythons[version]) {
        ctx.skip();
        return;
      }
      const entries = written.map((w) => ({ path: w.path }));
      const r = readWithOfficial(pythons[version]!, dir, version, 'read_numeric.py', READER_PY, entries);
      expect(r.status, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as { version: string; results: PyResult[] };
      expect(out.version.startsWith(version)).toBe(true);
      expect(out.results.length).toBe(written.length);
      for (const [i, res] of out.results.entries()) {
        const w = written[i]!;
        const what = `${version} ${w.path} ${JSON.stringify(w.spec)}`;
        expect(res.error, what).toBeNull();
        expect(res.rows, what).toBe(w.spec.rows);
        for (const [name, d] of Object.entries(w.digests)) expect(res.digests[name], `${what}: column ${name}`).toBe(d);
      }
    }, 300_000);
  }
});
