/**
 * Deterministic Arrow columns of every type gyre writes, for writer tests: each generator builds
 * `Data` straight from typed arrays (fast, exact bits), with a nullability pattern. Values cover
 * the awkward corners: NaN / ±Inf / −0 / subnormals, pre-1970 times, multi-byte and > 64-byte
 * strings, 128/256-bit decimals near their precision limit.
 */
import {
  Binary, Bool, type Data, type DataType, DateDay, DateMillisecond, Decimal, Dictionary, Field, FixedSizeList,
  Float16, Float32, Float64, Int8, Int16, Int32, Int64, LargeBinary, LargeList, LargeUtf8, List, makeData,
  makeVector, Null, Struct, TimeMicrosecond, TimeMillisecond, TimeNanosecond, TimeSecond, Timestamp, TimeUnit,
  Uint8, Uint16, Uint32, Uint64, Utf8,
} from 'apache-arrow';

export type Nulls = 'nonnull' | 'mixed' | 'allnull';

/** A seeded PRNG (mulberry32). */
export class Rng {
  constructor(private s: number) {}
  next(): number {
    this.s = (this.s + 0x6d2b79f5) | 0;
    let t = Math.imul(this.s ^ (this.s >>> 15), 1 | this.s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  big(bits: number, signed: boolean): bigint {
    let x = 0n;
    for (let i = 0; i < bits; i += 16) x = (x << 16n) | BigInt(this.int(0, 0xffff));
    x &= (1n << BigInt(bits)) - 1n;
    return signed ? BigInt.asIntN(bits, x) : x;
  }
}

/** Validity bits: mixed ≈ 20% nulls with the first and last rows null; null when none. */
function validity(n: number, nulls: Nulls, rng: Rng): { bitmap: Uint8Array | null; nullCount: number } {
  if (nulls === 'nonnull' || n === 0) return { bitmap: null, nullCount: 0 };
  const bitmap = new Uint8Array((n + 7) >> 3);
  let nullCount = 0;
  for (let i = 0; i < n; i++) {
    const isNull = nulls === 'allnull' || i === 0 || i === n - 1 || rng.next() < 0.2;
    if (isNull) nullCount++;
    else bitmap[i >> 3]! |= 1 << (i & 7);
  }
  return { bitmap, nullCount };
}

function fixed(type: DataType, n: number, nulls: Nulls, rng: Rng, data: ArrayBufferView): Data {
  const v = validity(n, nulls, rng);
  return makeData({ type, length: n, nullCount: v.nullCount, nullBitmap: v.bitmap, data } as never);
}

type IntArray = Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;

/** Ints: a mix of small values (compressible) and full-range ones. */
function ints<T extends IntArray>(Ctor: new (n: number) => T, bits: number, signed: boolean, n: number, rng: Rng): T {
  const a = new Ctor(n);
  const lo = signed ? -(2 ** (bits - 1)) : 0, hi = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  for (let i = 0; i < n; i++) a[i] = rng.next() < 0.7 ? rng.int(0, 100) + (signed ? -20 : 0) : rng.int(lo, hi);
  return a;
}

function bigints(signed: boolean, n: number, rng: Rng, range?: [bigint, bigint]): BigInt64Array {
  const a = new BigInt64Array(n);
  for (let i = 0; i < n; i++) {
    if (range) a[i] = range[0] + (rng.big(64, false) % (range[1] - range[0] + 1n));
    else a[i] = rng.next() < 0.7 ? BigInt(rng.int(0, 1000)) : BigInt.asIntN(64, rng.big(64, signed));
  }
  return a;
}

const SPECIAL_F64 = [NaN, Infinity, -Infinity, -0, 0, 5e-324, -2.2250738585072014e-308, 1.7976931348623157e308];

function floats(n: number, rng: Rng, f32: boolean): Float32Array | Float64Array {
  const a = f32 ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = rng.next();
    a[i] = r < 0.05 ? SPECIAL_F64[rng.int(0, SPECIAL_F64.length - 1)]! : r < 0.6 ? rng.int(0, 10000) / 100 : (rng.next() - 0.5) * 1e6;
  }
  return a;
}

function halves(n: number, rng: Rng): Uint16Array {
  const a = new Uint16Array(n);
  const special = [0x7e00, 0x7c00, 0xfc00, 0x8000, 0x0001, 0x3c00];
  for (let i = 0; i < n; i++) a[i] = rng.next() < 0.05 ? special[rng.int(0, special.length - 1)]! : rng.int(0, 0x7bff) | (rng.next() < 0.3 ? 0x8000 : 0);
  return a;
}

const ALPHABET = ['a', 'b', 'c', 'x', 'y', 'z', ' ', 'é', 'ß', '中', '文', '😀', '0', '9'];

function text(rng: Rng): string {
  const r = rng.next();
  const len = r < 0.1 ? 0 : r < 0.9 ? rng.int(1, 20) : rng.int(60, 120);
  let s = '';
  for (let i = 0; i < len; i++) s += ALPHABET[rng.int(0, ALPHABET.length - 1)]!;
  return s;
}

function varlen(type: DataType, n: number, nulls: Nulls, rng: Rng, large: boolean, binary: boolean): Data {
  const v = validity(n, nulls, rng);
  const parts: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    if (binary) parts.push(Uint8Array.from({ length: rng.int(0, 40) }, () => rng.int(0, 255)));
    else parts.push(Buffer.from(text(rng), 'utf8'));
  }
  const total = parts.reduce((s, p) => s + p.length, 0);
  const data = new Uint8Array(total);
  const offs = large ? new BigInt64Array(n + 1) : new Int32Array(n + 1);
  let pos = 0;
  parts.forEach((p, i) => {
    data.set(p, pos);
    pos += p.length;
    offs[i + 1] = (large ? BigInt(pos) : pos) as never;
  });
  return makeData({ type, length: n, nullCount: v.nullCount, nullBitmap: v.bitmap, valueOffsets: offs, data } as never);
}

/** Random decimal unscaled values with up to `precision` digits, as little-endian 32-bit words. */
function decimals(n: number, rng: Rng, precision: number, bits: number): Uint32Array {
  const words = bits / 32;
  const a = new Uint32Array(n * words);
  for (let i = 0; i < n; i++) {
    const digits = rng.next() < 0.5 ? rng.int(1, 4) : precision;
    let x = 0n;
    for (let d = 0; d < digits; d++) x = x * 10n + BigInt(rng.int(0, 9));
    if (rng.next() < 0.4) x = -x;
    let u = BigInt.asUintN(bits, x);
    for (let w = 0; w < words; w++) {
      a[i * words + w] = Number(u & 0xffffffffn);
      u >>= 32n;
    }
  }
  return a;
}

function lengths(n: number, rng: Rng, max: number): Int32Array {
  const offs = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) offs[i + 1] = offs[i]! + rng.int(0, max);
  return offs;
}

export interface Generated {
  data: Data;
  /** The same values without dictionary encoding (what any reader returns), when they differ. */
  plain?: Data;
}

export interface Gen {
  name: string;
  make(n: number, nulls: Nulls, rng: Rng): Generated;
}

const child = (nulls: Nulls): Nulls => (nulls === 'allnull' ? 'mixed' : nulls);
const field = (name: string, d: Data, nulls: Nulls): Field => new Field(name, d.type, nulls !== 'nonnull');

function g(name: string, make: (n: number, nulls: Nulls, rng: Rng) => Data): Gen {
  return { name, make: (n, nulls, rng) => ({ data: make(n, nulls, rng) }) };
}

function structOf(n: number, nulls: Nulls, rng: Rng, kids: [string, Gen][]): Data {
  const datas = kids.map(([, gen]) => gen.make(n, child(nulls), rng).data);
  const type = new Struct(kids.map(([name], i) => field(name, datas[i]!, child(nulls))));
  const v = validity(n, nulls, rng);
  return makeData({ type, length: n, nullCount: v.nullCount, nullBitmap: v.bitmap, children: datas });
}

function listOf(n: number, nulls: Nulls, rng: Rng, elem: Gen, large = false): Data {
  const offs = lengths(n, rng, 4);
  const elems = elem.make(offs[n]!, child(nulls), rng).data;
  const f = field('item', elems, child(nulls));
  const v = validity(n, nulls, rng);
  const type = large ? new LargeList(f) : new List(f);
  const valueOffsets = large ? BigInt64Array.from(offs, (x) => BigInt(x)) : offs;
  return makeData({ type, length: n, nullCount: v.nullCount, nullBitmap: v.bitmap, valueOffsets, child: elems } as never);
}

const I64 = g('i64', (n, z, r) => fixed(new Int64(), n, z, r, bigints(true, n, r)));
const I32 = g('i32', (n, z, r) => fixed(new Int32(), n, z, r, ints(Int32Array, 32, true, n, r)));
const F32 = g('f32', (n, z, r) => fixed(new Float32(), n, z, r, floats(n, r, true)));
const F64 = g('f64', (n, z, r) => fixed(new Float64(), n, z, r, floats(n, r, false)));
const UTF8 = g('utf8', (n, z, r) => varlen(new Utf8(), n, z, r, false, false));
const DAY_MS = 86_400_000n;

/** Every type of the writer test matrix. */
export const GENERATORS: Gen[] = [
  g('bool', (n, z, r) => fixed(new Bool(), n, z, r, Uint8Array.from({ length: (n + 7) >> 3 }, () => r.int(0, 255)))),
  g('i8', (n, z, r) => fixed(new Int8(), n, z, r, ints(Int8Array, 8, true, n, r))),
  g('i16', (n, z, r) => fixed(new Int16(), n, z, r, ints(Int16Array, 16, true, n, r))),
  I32,
  I64,
  g('u8', (n, z, r) => fixed(new Uint8(), n, z, r, ints(Uint8Array, 8, false, n, r))),
  g('u16', (n, z, r) => fixed(new Uint16(), n, z, r, ints(Uint16Array, 16, false, n, r))),
  g('u32', (n, z, r) => fixed(new Uint32(), n, z, r, ints(Uint32Array, 32, false, n, r))),
  g('u64', (n, z, r) => fixed(new Uint64(), n, z, r, new BigUint64Array(bigints(false, n, r).buffer))),
  g('f16', (n, z, r) => fixed(new Float16(), n, z, r, halves(n, r))),
  F32,
  F64,
  UTF8,
  g('large_utf8', (n, z, r) => varlen(new LargeUtf8(), n, z, r, true, false)),
  g('binary', (n, z, r) => varlen(new Binary(), n, z, r, false, true)),
  g('large_binary', (n, z, r) => varlen(new LargeBinary(), n, z, r, true, true)),
  g('date32', (n, z, r) => fixed(new DateDay(), n, z, r, Int32Array.from({ length: n }, () => r.int(-40000, 40000)))),
  g('date64', (n, z, r) =>
    fixed(new DateMillisecond(), n, z, r, BigInt64Array.from({ length: n }, () => BigInt(r.int(-40000, 40000)) * DAY_MS))),
  g('time32_s', (n, z, r) => fixed(new TimeSecond(), n, z, r, Int32Array.from({ length: n }, () => r.int(0, 86399)))),
  g('time32_ms', (n, z, r) => fixed(new TimeMillisecond(), n, z, r, Int32Array.from({ length: n }, () => r.int(0, 86399999)))),
  g('time64_us', (n, z, r) => fixed(new TimeMicrosecond(), n, z, r, bigints(true, n, r, [0n, 86399999999n]))),
  g('time64_ns', (n, z, r) => fixed(new TimeNanosecond(), n, z, r, bigints(true, n, r, [0n, 86399999999999n]))),
  g('ts_s', (n, z, r) => fixed(new Timestamp(TimeUnit.SECOND), n, z, r, bigints(true, n, r, [-4_000_000_000n, 4_000_000_000n]))),
  g('ts_ms_berlin', (n, z, r) =>
    fixed(new Timestamp(TimeUnit.MILLISECOND, 'Europe/Berlin'), n, z, r, bigints(true, n, r, [-4n * 10n ** 12n, 4n * 10n ** 12n]))),
  g('ts_us_utc', (n, z, r) =>
    fixed(new Timestamp(TimeUnit.MICROSECOND, 'UTC'), n, z, r, bigints(true, n, r, [-4n * 10n ** 15n, 4n * 10n ** 15n]))),
  g('ts_ns', (n, z, r) => fixed(new Timestamp(TimeUnit.NANOSECOND), n, z, r, bigints(true, n, r))),
  g('dec_9_2', (n, z, r) => fixed(new Decimal(2, 9, 128), n, z, r, decimals(n, r, 9, 128))),
  g('dec_18_4', (n, z, r) => fixed(new Decimal(4, 18, 128), n, z, r, decimals(n, r, 18, 128))),
  g('dec_38_0', (n, z, r) => fixed(new Decimal(0, 38, 128), n, z, r, decimals(n, r, 38, 128))),
  g('dec_76_10', (n, z, r) => fixed(new Decimal(10, 76, 256), n, z, r, decimals(n, r, 76, 256))),
  g('struct', (n, z, r) => structOf(n, z, r, [['i', I32], ['s', UTF8], ['f', F64]])),
  g('struct_nested', (n, z, r) =>
    structOf(n, z, r, [['a', I64], ['b', g('inner', (m, y, q) => structOf(m, y, q, [['c', F32], ['d', g('l', (k, x, p) => listOf(k, x, p, UTF8))]]))]])),
  g('list_i64', (n, z, r) => listOf(n, z, r, I64)),
  g('list_utf8', (n, z, r) => listOf(n, z, r, UTF8)),
  g('large_list_i32', (n, z, r) => listOf(n, z, r, I32, true)),
  g('list_struct', (n, z, r) => listOf(n, z, r, g('kv', (m, y, q) => structOf(m, y, q, [['k', UTF8], ['v', I64]])))),
  g('fsl_f32x8', (n, z, r) => {
    const elems = F32.make(n * 8, child(z), r).data;
    const v = validity(n, z, r);
    return makeData({ type: new FixedSizeList(8, field('item', elems, child(z))), length: n, nullCount: v.nullCount, nullBitmap: v.bitmap, child: elems });
  }),
  g('null', (n) => makeData({ type: new Null(), length: n })),
  // Low cardinality in the first block (→ a layout-level dictionary), then ~120-byte unique strings
  // that overflow a dictionary's 1 MiB of values, so the column needs several dictionary runs.
  g('utf8_dict_runs', (n, z, r) => {
    const v = validity(n, z, r);
    const parts = Array.from({ length: n }, (_, i) =>
      Buffer.from(i < 8192 || i % 3 === 0 ? `w${i % 10}` : `${'u'.repeat(100)}-${i}-${r.int(0, 1e9)}`, 'utf8'));
    const offs = new Int32Array(n + 1);
    parts.forEach((p, i) => (offs[i + 1] = offs[i]! + p.length));
    return makeData({ type: new Utf8(), length: n, nullCount: v.nullCount, nullBitmap: v.bitmap, valueOffsets: offs, data: Buffer.concat(parts) });
  }),
  {
    name: 'dict_utf8',
    make(n, nulls, rng) {
      const words = varlen(new Utf8(), 50, 'nonnull', rng, false, false);
      const idx = Int32Array.from({ length: n }, () => rng.int(0, 49));
      const v = validity(n, nulls, rng);
      const type = new Dictionary(new Utf8(), new Int32());
      const data = makeData({ type, length: n, nullCount: v.nullCount, nullBitmap: v.bitmap, data: idx, dictionary: makeVector(words) } as never);
      const wo = words.valueOffsets as Int32Array, wb = words.values as Uint8Array;
      const offs = new Int32Array(n + 1);
      for (let i = 0; i < n; i++) offs[i + 1] = offs[i]! + wo[idx[i]! + 1]! - wo[idx[i]!]!;
      const bytes = new Uint8Array(offs[n]!);
      for (let i = 0; i < n; i++) bytes.set(wb.subarray(wo[idx[i]!]!, wo[idx[i]! + 1]!), offs[i]!);
      const plain = makeData({ type: new Utf8(), length: n, nullCount: v.nullCount, nullBitmap: v.bitmap, valueOffsets: offs, data: bytes });
      return { data, plain };
    },
  },
];

/** Only an all-null pattern makes sense for these. */
export function nullPatterns(gen: Gen): Nulls[] {
  return gen.name === 'null' ? ['allnull'] : ['nonnull', 'mixed', 'allnull'];
}
