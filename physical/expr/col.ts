/**
 * {@link Col}: what a compiled expression produces for one batch. A thin, kernel-friendly view
 * of Arrow Data: fixed-width values as typed arrays indexed by row, Bool values and validity
 * as bitmaps aligned at row 0, strings as offsets + UTF-8 bytes. A constant column stores its
 * one value, so kernels can specialise `column op constant` without materialising it.
 *
 * Values use the physical representation of logical/plan-build.ts's literals: Int64/Uint64
 * and timestamps as bigint, dates as days (number), decimals as the unscaled 128-bit words
 * (converted to numbers by casts), intervals as `{ months, days, nanoseconds }`.
 */
import { type Data, type DataType, makeBuilder, makeData, Type, Vector } from 'apache-arrow';

import { isDecimal, isList, isStruct } from '../../logical/functions.js';
import { takeData } from '../../storage/arrow/take.js';
import { alignBits, bytesFor, countSet, getBit } from './bits.js';
import { decodeUtf8, encodeUtf8 } from './utf8.js';

export type Values =
  | Float64Array | Float32Array | Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array | BigInt64Array | BigUint64Array;

export interface Col {
  readonly type: DataType;
  readonly length: number;
  /** Every row is `value` (null: every row is null). */
  readonly isConst: boolean;
  readonly value: unknown;
  /** Fixed width: row i at index i (decimals / intervals: stride 4); Bool: bit i; strings: the UTF-8 bytes. */
  readonly values: Values | null;
  /** Strings: row i is values[offsets[i], offsets[i + 1]). */
  readonly offsets: Int32Array | null;
  /** Bit i set when row i is valid; null when every row is valid. */
  readonly validity: Uint8Array | null;
  /** The same rows as Arrow Data, when already at hand (inputs, nested types). */
  readonly data: Data | null;
}

export function constCol(type: DataType, value: unknown, length: number): Col {
  return { type, length, isConst: true, value: value === undefined ? null : value, values: null, offsets: null, validity: null, data: null };
}

export function flatCol(type: DataType, length: number, values: Values | null, validity: Uint8Array | null, offsets: Int32Array | null = null): Col {
  return { type, length, isConst: false, value: null, values, offsets, validity, data: null };
}

/** A view of Arrow Data (no copy unless the bit offset is not byte-aligned or dictionary-encoded). */
export function fromData(d: Data): Col {
  const n = d.length;
  if (d.type.typeId === Type.Dictionary) return fromData(decodeDictionary(d));
  let validity: Uint8Array | null = null;
  if (d.type.typeId === Type.Null) validity = new Uint8Array(bytesFor(n));
  else if (d.nullCount > 0) validity = d.nullBitmap && d.nullBitmap.length > 0 ? alignBits(d.nullBitmap, d.offset, n) : new Uint8Array(bytesFor(n));
  switch (d.type.typeId) {
    case Type.Bool:
      return { type: d.type, length: n, isConst: false, value: null, values: alignBits(d.values as Uint8Array, d.offset, n), offsets: null, validity, data: d };
    case Type.Utf8:
    case Type.Binary:
      return { type: d.type, length: n, isConst: false, value: null, values: d.values as Uint8Array, offsets: d.valueOffsets as Int32Array, validity, data: d };
    case Type.LargeUtf8:
    case Type.LargeBinary: {
      const big = d.valueOffsets as unknown as BigInt64Array;
      const offs = Int32Array.from(big, (x) => Number(x));
      return { type: d.type, length: n, isConst: false, value: null, values: d.values as Uint8Array, offsets: offs, validity, data: d };
    }
    case Type.Null:
      return { type: d.type, length: n, isConst: false, value: null, values: null, offsets: null, validity, data: d };
    default:
      if (isList(d.type) || isStruct(d.type) || d.type.typeId === Type.Map) return { type: d.type, length: n, isConst: false, value: null, values: null, offsets: null, validity, data: d };
      return { type: d.type, length: n, isConst: false, value: null, values: d.values as Values, offsets: null, validity, data: d };
  }
}

function decodeDictionary(d: Data): Data {
  const dict = (d.dictionary as Vector | undefined)?.data;
  if (!dict || dict.length === 0) throw new Error('dictionary without values');
  const dictData = dict.length === 1 ? dict[0]! : (new Vector(dict).data[0] as Data);
  const keys = d.values as ArrayLike<number>;
  const idx = new Uint32Array(d.length);
  for (let i = 0; i < d.length; i++) idx[i] = Number(keys[i]);
  const out = takeData(dictData, idx);
  if (d.nullCount === 0) return out;
  return makeData({ type: out.type, length: out.length, nullCount: d.nullCount, nullBitmap: alignBits(d.nullBitmap!, d.offset, d.length), data: out.values, valueOffsets: out.valueOffsets, children: out.children } as never);
}

/** True when row i is null. */
export function isNullAt(c: Col, i: number): boolean {
  if (c.isConst) return c.value === null;
  return c.validity !== null && !getBit(c.validity, i);
}

/** The value of row i (null when null), in the physical representation. */
export function valueAt(c: Col, i: number): unknown {
  if (c.isConst) return c.value;
  if (c.validity && !getBit(c.validity, i)) return null;
  const t = c.type;
  switch (t.typeId) {
    case Type.Null:
      return null;
    case Type.Bool:
      return getBit(c.values as Uint8Array, i);
    case Type.Utf8:
    case Type.LargeUtf8:
      return decodeUtf8(c.values as Uint8Array, c.offsets![i]!, c.offsets![i + 1]!);
    case Type.Binary:
    case Type.LargeBinary:
      return (c.values as Uint8Array).slice(c.offsets![i]!, c.offsets![i + 1]!);
    case Type.Decimal:
      return decimalToNumber(c.values as Uint32Array, i, (t as unknown as { scale: number }).scale);
    case Type.Interval: {
      const v = c.values as Int32Array;
      if ((t as unknown as { unit: number }).unit === 2 /* MONTH_DAY_NANO */) {
        const lo = BigInt(v[4 * i + 2]! >>> 0), hi = BigInt(v[4 * i + 3]!);
        return { months: v[4 * i]!, days: v[4 * i + 1]!, nanoseconds: (hi << 32n) | lo };
      }
      return v[i];
    }
    default:
      if (isList(t) || isStruct(t) || t.typeId === Type.Map) return nestedValue(c.data!, i);
      return (c.values as ArrayLike<unknown>)[i];
  }
}

function nestedValue(d: Data, i: number): unknown {
  if (d.type.typeId === Type.Struct) {
    const o: Record<string, unknown> = {};
    d.type.children.forEach((f: { name: string }, k: number) => {
      o[f.name] = valueAt(fromData(d.children[k]!), d.offset + i);
    });
    return o;
  }
  if (d.type.typeId === Type.FixedSizeList) {
    const size = (d.type as unknown as { listSize: number }).listSize;
    const child = fromData(d.children[0]!);
    return Array.from({ length: size }, (_, k) => valueAt(child, (d.offset + i) * size + k));
  }
  const offs = d.valueOffsets as Int32Array;
  const child = fromData(d.children[0]!);
  const out: unknown[] = [];
  for (let k = offs[i]!; k < offs[i + 1]!; k++) out.push(valueAt(child, k));
  return out;
}

/** The Decimal128 at row i as a (possibly rounded) number. */
export function decimalToNumber(words: Uint32Array, i: number, scale: number): number {
  const w0 = words[4 * i]!, w1 = words[4 * i + 1]!, w2 = words[4 * i + 2]!, w3 = words[4 * i + 3]!;
  const neg = (w3 & 0x80000000) !== 0;
  let v: number;
  if (!neg && w2 === 0 && w3 === 0) v = w1 * 4294967296 + w0;
  else if (neg && w2 === 0xffffffff && w3 === 0xffffffff) v = (w1 | 0) * 4294967296 + w0;
  else {
    let b = (BigInt(w3) << 96n) | (BigInt(w2) << 64n) | (BigInt(w1) << 32n) | BigInt(w0);
    if (neg) b -= 1n << 128n;
    v = Number(b);
  }
  return scale === 0 ? v : v / 10 ** scale;
}

/** Count of null rows. */
export function nullCountOf(c: Col): number {
  if (c.isConst) return c.value === null ? c.length : 0;
  return c.validity ? c.length - countSet(c.validity, c.length) : 0;
}

/** The column as Arrow Data of its type (constants materialised). */
export function toData(c: Col): Data {
  if (c.data) return c.data;
  if (c.isConst) return constData(c.type, c.value, c.length);
  const nullCount = nullCountOf(c);
  const nullBitmap = nullCount > 0 ? c.validity : null;
  const t = c.type;
  switch (t.typeId) {
    case Type.Null:
      return makeData({ type: t, length: c.length, nullCount: c.length } as never);
    case Type.Utf8:
    case Type.Binary:
      return makeData({ type: t, length: c.length, nullCount, nullBitmap, valueOffsets: c.offsets, data: c.values } as never);
    default:
      return makeData({ type: t, length: c.length, nullCount, nullBitmap, data: c.values } as never);
  }
}

/** n rows of the constant `value` as Arrow Data. */
export function constData(type: DataType, value: unknown, n: number): Data {
  if (value === null) return nullColumn(type, n);
  switch (type.typeId) {
    case Type.Bool:
      return makeData({ type, length: n, nullCount: 0, data: new Uint8Array(bytesFor(n)).fill(value ? 0xff : 0) } as never);
    case Type.Utf8: {
      const b = encodeUtf8(String(value));
      const bytes = new Uint8Array(b.length * n);
      const offs = new Int32Array(n + 1);
      for (let i = 0; i < n; i++) {
        bytes.set(b, i * b.length);
        offs[i + 1] = (i + 1) * b.length;
      }
      return makeData({ type, length: n, nullCount: 0, valueOffsets: offs, data: bytes } as never);
    }
    case Type.Int:
    case Type.Float:
    case Type.Date:
    case Type.Timestamp:
    case Type.Time:
    case Type.Duration: {
      const Ctor = (type as unknown as { ArrayType: new (n: number) => Values }).ArrayType;
      const arr = new Ctor(n);
      (arr as unknown as { fill(v: unknown): void }).fill(arr instanceof BigInt64Array || arr instanceof BigUint64Array ? BigInt(value as bigint) : Number(value));
      return makeData({ type, length: n, nullCount: 0, data: arr } as never);
    }
    default: {
      return takeData(buildOne(type, value), new Uint32Array(n));
    }
  }
}

function buildOne(type: DataType, value: unknown): Data {
  const b = makeBuilder({ type, nullValues: [null, undefined] });
  b.append(toArrowValue(type, value) as never);
  return b.finish().flush() as Data;
}

/** A physical value as Arrow's builders want it (dates as Date, decimals as scaled words …). */
function toArrowValue(type: DataType, value: unknown): unknown {
  if (value === null) return null;
  if (isDecimal(type)) {
    const scale = (type as unknown as { scale: number }).scale;
    const big = BigInt(Math.round(Number(value) * 10 ** scale));
    const u = BigInt.asUintN(128, big);
    return new Uint32Array([Number(u & 0xffffffffn), Number((u >> 32n) & 0xffffffffn), Number((u >> 64n) & 0xffffffffn), Number((u >> 96n) & 0xffffffffn)]);
  }
  if (type.typeId === Type.Date) return new Date(Number(value) * 86_400_000);
  if (type.typeId === Type.Interval && (type as unknown as { unit: number }).unit === 2) {
    // Month-day-nano: Arrow's setter takes the four Int32 words.
    const v = value as { months: number; days: number; nanoseconds: bigint | number };
    const ns = BigInt.asUintN(64, BigInt(v.nanoseconds));
    return new Int32Array([v.months, v.days, Number(ns & 0xffffffffn) | 0, Number(ns >> 32n) | 0]);
  }
  if (isList(type)) {
    const el = (type as unknown as { children: { type: DataType }[] }).children[0]!.type;
    return (value as unknown[]).map((x) => toArrowValue(el, x));
  }
  if (isStruct(type)) {
    const o: Record<string, unknown> = {};
    for (const f of type.children as { name: string; type: DataType }[]) o[f.name] = toArrowValue(f.type, (value as Record<string, unknown>)[f.name] ?? null);
    return o;
  }
  return value;
}

/** n null rows of `type`. */
export function nullColumn(type: DataType, n: number): Data {
  switch (type.typeId) {
    case Type.Null:
      return makeData({ type, length: n, nullCount: n } as never);
    case Type.Utf8:
    case Type.Binary:
      return makeData({ type, length: n, nullCount: n, nullBitmap: new Uint8Array(bytesFor(n)), valueOffsets: new Int32Array(n + 1), data: new Uint8Array(0) } as never);
    case Type.Bool:
      return makeData({ type, length: n, nullCount: n, nullBitmap: new Uint8Array(bytesFor(n)), data: new Uint8Array(bytesFor(n)) } as never);
    default: {
      const Ctor = (type as unknown as { ArrayType?: new (n: number) => Values }).ArrayType;
      const stride = strideOf(type);
      if (Ctor && !isList(type) && !isStruct(type)) return makeData({ type, length: n, nullCount: n, nullBitmap: new Uint8Array(bytesFor(n)), data: new Ctor(n * stride) } as never);
      const one = buildOne(type, null);
      return takeData(one, new Uint32Array(n));
    }
  }
}

/** Elements of the values array per row (Decimal128 and month-day-nano intervals: 4). */
export function strideOf(type: DataType): number {
  if (type.typeId === Type.Decimal) return (type as unknown as { bitWidth: number }).bitWidth / 32;
  if (type.typeId === Type.Interval) return (type as unknown as { unit: number }).unit === 2 ? 4 : (type as unknown as { unit: number }).unit === 1 ? 2 : 1;
  if (type.typeId === Type.FixedSizeBinary) return (type as unknown as { byteWidth: number }).byteWidth;
  return 1;
}
