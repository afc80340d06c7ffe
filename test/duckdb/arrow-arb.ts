/**
 * fast-check arbitraries of Arrow columns for the DuckDB round trips: a random type (every type
 * the interop maps, nested up to two levels), random values of it with nulls, built straight into
 * Arrow buffers (so i64, nanoseconds and decimals stay exact), optionally sliced so offsets
 * and validity bit offsets are exercised.
 */
import {
  Binary,
  Bool,
  type Data,
  type DataType,
  DateDay,
  DateMillisecond,
  Decimal,
  Field,
  FixedSizeBinary,
  FixedSizeList,
  Float16,
  Float32,
  Float64,
  Int8,
  Int16,
  Int32,
  Int64,
  LargeBinary,
  LargeList,
  LargeUtf8,
  List,
  makeData,
  Map_,
  Null,
  RecordBatch,
  Schema,
  Struct,
  TimeMicrosecond,
  TimeMillisecond,
  TimeNanosecond,
  TimeSecond,
  Timestamp,
  TimeUnit,
  Type,
  Uint8,
  Uint16,
  Uint32,
  Uint64,
  Utf8,
} from 'apache-arrow';
import fc from 'fast-check';

/** A type and an arbitrary of its non-null values (plain JS: numbers, bigints, strings, bytes, arrays, objects). */
export interface TypeSpec {
  readonly type: DataType;
  readonly value: fc.Arbitrary<unknown>;
}

const big = (lo: bigint, hi: bigint): fc.Arbitrary<bigint> => fc.bigInt({ min: lo, max: hi });
const DAY_MS = 86_400_000n;

/** Leaf types: everything DuckDB can hold exactly. */
export const LEAVES: readonly TypeSpec[] = [
  { type: new Bool(), value: fc.boolean() },
  { type: new Int8(), value: fc.integer({ min: -128, max: 127 }) },
  { type: new Int16(), value: fc.integer({ min: -32768, max: 32767 }) },
  { type: new Int32(), value: fc.integer() },
  { type: new Int64(), value: fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }) },
  { type: new Uint8(), value: fc.integer({ min: 0, max: 255 }) },
  { type: new Uint16(), value: fc.integer({ min: 0, max: 65535 }) },
  { type: new Uint32(), value: fc.integer({ min: 0, max: 2 ** 32 - 1 }) },
  { type: new Uint64(), value: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }) },
  // Half floats as raw bits; NaN only as the canonical 0x7e00 (DuckDB keeps them as FLOAT).
  { type: new Float16(), value: fc.oneof(fc.integer({ min: 0, max: 0xffff }).filter((h) => (h & 0x7c00) !== 0x7c00 || (h & 0x3ff) === 0), fc.constant(0x7e00)) },
  { type: new Float32(), value: fc.float() },
  { type: new Float64(), value: fc.double() },
  { type: new Decimal(2, 9, 128), value: big(-(10n ** 9n) + 1n, 10n ** 9n - 1n) },
  { type: new Decimal(0, 4, 128), value: big(-9999n, 9999n) },
  { type: new Decimal(5, 18, 128), value: big(-(10n ** 18n) + 1n, 10n ** 18n - 1n) },
  { type: new Decimal(10, 38, 128), value: big(-(10n ** 38n) + 1n, 10n ** 38n - 1n) },
  { type: new Decimal(3, 30, 256), value: big(-(10n ** 30n) + 1n, 10n ** 30n - 1n) },
  { type: new Utf8(), value: fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 40 })) },
  { type: new LargeUtf8(), value: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { type: new Binary(), value: fc.uint8Array({ maxLength: 40 }) },
  { type: new LargeBinary(), value: fc.uint8Array({ maxLength: 20 }) },
  { type: new FixedSizeBinary(5), value: fc.uint8Array({ minLength: 5, maxLength: 5 }) },
  { type: new FixedSizeBinary(16), value: fc.uint8Array({ minLength: 16, maxLength: 16 }) },
  { type: new DateDay(), value: fc.integer({ min: -1_000_000, max: 1_000_000 }) },
  { type: new DateMillisecond(), value: big(-1_000_000n, 1_000_000n).map((d) => d * DAY_MS) },
  { type: new TimeSecond(), value: fc.integer({ min: 0, max: 86_399 }) },
  { type: new TimeMillisecond(), value: fc.integer({ min: 0, max: 86_399_999 }) },
  { type: new TimeMicrosecond(), value: big(0n, 86_399_999_999n) },
  { type: new TimeNanosecond(), value: big(0n, 86_399_999_999_999n) },
  ...[TimeUnit.SECOND, TimeUnit.MILLISECOND, TimeUnit.MICROSECOND, TimeUnit.NANOSECOND].map((unit) => ({
    type: new Timestamp(unit),
    value: big(-(10n ** 10n) * 10n ** BigInt(3 * unit), 10n ** 10n * 10n ** BigInt(3 * unit)),
  })),
  ...[TimeUnit.SECOND, TimeUnit.MILLISECOND, TimeUnit.MICROSECOND].flatMap((unit) =>
    ['UTC', 'Europe/Paris', '+05:30'].map((tz) => ({ type: new Timestamp(unit, tz), value: big(-(10n ** 10n) * 10n ** BigInt(3 * unit), 10n ** 10n * 10n ** BigInt(3 * unit)) })),
  ),
  { type: new Null(), value: fc.constant(null) },
];

const NAMES = ['a', 'b', 'c', 'd'];

/** A random type spec, nested up to `depth` levels (lists, fixed-size lists, structs, maps). */
export function typeSpec(depth = 2): fc.Arbitrary<TypeSpec> {
  const leaf = fc.constantFrom(...LEAVES);
  if (depth === 0) return leaf;
  const inner = typeSpec(depth - 1);
  const list = inner.chain((c) =>
    fc.constantFrom('list', 'large').map((kind): TypeSpec => {
      const f = new Field('item', c.type, true);
      return { type: kind === 'list' ? new List(f) : new LargeList(f), value: fc.array(fc.option(c.value, { nil: null, freq: 4 }), { maxLength: 4 }) };
    }),
  );
  const fixed = fc.tuple(inner, fc.integer({ min: 1, max: 3 })).map(([c, size]): TypeSpec => ({
    type: new FixedSizeList(size, new Field('item', c.type, true)),
    value: fc.array(fc.option(c.value, { nil: null, freq: 4 }), { minLength: size, maxLength: size }),
  }));
  const struct = fc.uniqueArray(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 3 }).chain((names) =>
    fc.tuple(...names.map(() => inner)).map((cs): TypeSpec => ({
      type: new Struct(names.map((n, i) => new Field(n, cs[i]!.type, true))),
      value: fc.record(Object.fromEntries(names.map((n, i) => [n, fc.option(cs[i]!.value, { nil: null, freq: 4 })]))),
    })),
  );
  const map = fc.tuple(fc.constantFrom<TypeSpec>({ type: new Utf8(), value: fc.string({ maxLength: 6 }) }, { type: new Int32(), value: fc.integer() }), inner).map(
    ([k, v]): TypeSpec => ({
      type: new Map_(new Field('entries', new Struct([new Field('key', k.type, false), new Field('value', v.type, true)]), false) as never),
      value: fc.uniqueArray(fc.tuple(k.value, fc.option(v.value, { nil: null, freq: 4 })), { maxLength: 3, selector: (e) => e[0] }),
    }),
  );
  return fc.oneof({ weight: 6, arbitrary: leaf }, { weight: 1, arbitrary: list }, { weight: 1, arbitrary: fixed }, { weight: 1, arbitrary: struct }, { weight: 1, arbitrary: map });
}

function bitmap(values: readonly unknown[]): { nullBitmap: Uint8Array; nullCount: number } {
  const bits = new Uint8Array((values.length + 7) >> 3);
  let nullCount = 0;
  values.forEach((v, i) => {
    if (v === null) nullCount++;
    else bits[i >> 3]! |= 1 << (i & 7);
  });
  return { nullBitmap: bits, nullCount };
}

function concat(parts: readonly Uint8Array[]): { bytes: Uint8Array; offsets: number[] } {
  const offsets = [0];
  for (const p of parts) offsets.push(offsets[offsets.length - 1]! + p.length);
  const bytes = new Uint8Array(offsets[offsets.length - 1]!);
  parts.forEach((p, i) => bytes.set(p, offsets[i]!));
  return { bytes, offsets };
}

/** Arrow Data of `type` holding `values` (null = a null row). */
export function buildData(type: DataType, values: readonly unknown[]): Data {
  const n = values.length;
  const { nullBitmap, nullCount } = bitmap(values);
  const base = { type, length: n, nullCount, nullBitmap };
  const t = type as DataType & { bitWidth: number; isSigned: boolean; precision: number; unit: TimeUnit; listSize: number; byteWidth: number };
  switch (type.typeId) {
    case Type.Null:
      return makeData({ type, length: n, nullCount: n } as never);
    case Type.Bool: {
      const bits = new Uint8Array((n + 7) >> 3);
      values.forEach((v, i) => {
        if (v === true) bits[i >> 3]! |= 1 << (i & 7);
      });
      return makeData({ ...base, data: bits } as never);
    }
    case Type.Int:
    case Type.Date:
    case Type.Time:
    case Type.Timestamp:
    case Type.Float: {
      const Ctor = (type as unknown as { ArrayType: new (n: number) => { [i: number]: number | bigint } }).ArrayType;
      const out = new Ctor(n);
      const isBig = t.typeId === Type.Int ? t.bitWidth === 64 : t.typeId === Type.Timestamp || (t.typeId === Type.Date && type instanceof DateMillisecond) || (t.typeId === Type.Time && t.bitWidth === 64);
      values.forEach((v, i) => {
        if (v !== null) out[i] = isBig ? BigInt(v as bigint) : Number(v);
      });
      return makeData({ ...base, data: out } as never);
    }
    case Type.Decimal: {
      const words = t.bitWidth / 32;
      const out = new Uint32Array(words * n);
      values.forEach((v, i) => {
        if (v === null) return;
        let x = BigInt.asUintN(t.bitWidth, v as bigint);
        for (let k = 0; k < words; k++, x >>= 32n) out[words * i + k] = Number(x & 0xffffffffn);
      });
      return makeData({ ...base, data: out } as never);
    }
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Binary:
    case Type.LargeBinary: {
      const enc = new TextEncoder();
      const parts = values.map((v) => (v === null ? new Uint8Array(0) : typeof v === 'string' ? enc.encode(v) : (v as Uint8Array)));
      const { bytes, offsets } = concat(parts);
      const large = type.typeId === Type.LargeUtf8 || type.typeId === Type.LargeBinary;
      return makeData({ ...base, valueOffsets: large ? BigInt64Array.from(offsets, BigInt) : Int32Array.from(offsets), data: bytes } as never);
    }
    case Type.FixedSizeBinary: {
      const out = new Uint8Array(t.byteWidth * n);
      values.forEach((v, i) => {
        if (v !== null) out.set(v as Uint8Array, t.byteWidth * i);
      });
      return makeData({ ...base, data: out } as never);
    }
    case Type.List:
    case Type.LargeList:
    case Type.Map: {
      const items: unknown[] = [];
      const offsets = [0];
      for (const v of values) {
        if (v !== null) items.push(...(v as unknown[]));
        offsets.push(items.length);
      }
      const childType = type.children[0]!.type as DataType;
      const child =
        type.typeId === Type.Map
          ? buildData(childType, items.map((e) => ({ key: (e as unknown[])[0], value: (e as unknown[])[1] })))
          : buildData(childType, items);
      return makeData({ ...base, valueOffsets: type.typeId === Type.LargeList ? BigInt64Array.from(offsets, BigInt) : Int32Array.from(offsets), child } as never);
    }
    case Type.FixedSizeList: {
      const items = values.flatMap((v) => (v === null ? Array.from({ length: t.listSize }, () => null) : (v as unknown[])));
      return makeData({ ...base, child: buildData(type.children[0]!.type as DataType, items) } as never);
    }
    case Type.Struct: {
      const children = type.children.map((f) => buildData(f.type as DataType, values.map((v) => (v === null ? null : ((v as Record<string, unknown>)[f.name] ?? null)))));
      return makeData({ ...base, children } as never);
    }
    default:
      throw new Error(`no builder for ${String(type)}`);
  }
}

/** A random record batch: 1–4 columns, `maxRows` rows at most, possibly a slice of a larger batch. */
export function batchArb(maxRows = 40, depth = 2): fc.Arbitrary<RecordBatch> {
  return fc
    .tuple(fc.array(typeSpec(depth), { minLength: 1, maxLength: 4 }), fc.integer({ min: 0, max: maxRows }), fc.nat(9), fc.nat(9))
    .chain(([specs, n, before, after]) =>
      fc.tuple(...specs.map((s) => fc.array(fc.option(s.value, { nil: null, freq: 5 }), { minLength: before + n + after, maxLength: before + n + after }))).map((cols) => {
        const fields = specs.map((s, i) => new Field(`c${i}`, s.type, true));
        const data = cols.map((vals, i) => buildData(specs[i]!.type, vals));
        const full = new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: before + n + after, nullCount: 0, children: data }));
        return before === 0 && after === 0 ? full : full.slice(before, before + n);
      }),
    );
}
