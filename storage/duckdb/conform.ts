/**
 * Converts a column read from DuckDB (canonical Arrow types, types.ts) to a requested Arrow type,
 * exactly or not at all: time units, time zone labels, integer and decimal widths, large
 * offsets, fixed-size binary, Float16, Null, struct fields by name (missing ones all null), and
 * nested field names and nullability. A value the target cannot hold exactly (a fraction of the
 * unit, an integer out of range) is a `schema-mismatch`. The result's type is `to` itself.
 */
import { type Data, type DataType, type Decimal, type FixedSizeList, makeData, type Timestamp, type Time, TimeUnit, Type } from 'apache-arrow';

import { EngineError } from '../../errors.js';
import { nullData } from '../arrow/concat.js';
import { floatToHalf, halfToFloat, typesEqual as sameType } from './arrow-types.js';

const isValid = (d: Data, i: number): boolean => {
  if (d.nullCount === 0 || !d.nullBitmap) return true;
  const j = d.offset + i;
  return ((d.nullBitmap[j >> 3]! >> (j & 7)) & 1) === 1;
};

/** The validity of `d` re-based at bit 0 (what makeData of a fresh buffer needs). */
function bitmapOf(d: Data): Uint8Array | null {
  if (d.nullCount === 0 || !d.nullBitmap) return null;
  const out = new Uint8Array((d.length + 7) >> 3);
  for (let i = 0; i < d.length; i++) if (isValid(d, i)) out[i >> 3]! |= 1 << (i & 7);
  return out;
}

const UNIT_NS: Record<TimeUnit, bigint> = { [TimeUnit.SECOND]: 1_000_000_000n, [TimeUnit.MILLISECOND]: 1_000_000n, [TimeUnit.MICROSECOND]: 1000n, [TimeUnit.NANOSECOND]: 1n };

/** `d` as type `to` (see the module comment); `column` names it in errors. */
export function conformData(d: Data, to: DataType, column: string): Data {
  const from = d.type as DataType;
  const fail = (why = ''): EngineError =>
    new EngineError('schema-mismatch', `column "${column}": ${String(from)} from DuckDB does not convert exactly to ${String(to)}${why ? `: ${why}` : ''}`, {
      details: { column },
    });
  const n = d.length;
  const base = { type: to, length: n, nullCount: d.nullCount, nullBitmap: bitmapOf(d) };
  const plain = (): Data => {
    if (!sameType(from, to)) throw fail();
    return d.clone(to);
  };
  switch (to.typeId) {
    case Type.Null:
      if (d.nullCount !== n && from.typeId !== Type.Null) throw fail('it holds values');
      return makeData({ type: to, length: n, nullCount: n } as never);
    case Type.Int: {
      if (from.typeId === Type.Decimal && (from as Decimal).scale === 0) return intFromDecimal(d, to, fail);
      if (from.typeId !== Type.Int) throw fail();
      if (sameType(from, to)) return d.clone(to);
      const { bitWidth, isSigned } = to as unknown as { bitWidth: number; isSigned: boolean };
      const lo = isSigned ? -(1n << BigInt(bitWidth - 1)) : 0n, hi = (isSigned ? 1n << BigInt(bitWidth - 1) : 1n << BigInt(bitWidth)) - 1n;
      const src = d.values as ArrayLike<number | bigint>;
      const Ctor = (to as unknown as { ArrayType: new (n: number) => { [i: number]: number | bigint } }).ArrayType;
      const out = new Ctor(n);
      for (let i = 0; i < n; i++) {
        if (!isValid(d, i)) continue;
        const v = BigInt(src[i]!);
        if (v < lo || v > hi) throw fail(`${v} is out of range`);
        out[i] = bitWidth === 64 ? v : Number(v);
      }
      return makeData({ ...base, data: out } as never);
    }
    case Type.Float: {
      if (from.typeId !== Type.Float) throw fail();
      const p = (to as unknown as { precision: number }).precision;
      if (p === (from as unknown as { precision: number }).precision) return d.clone(to);
      const src = d.values as Float32Array | Float64Array;
      const out = p === 0 ? new Uint16Array(n) : p === 1 ? new Float32Array(n) : new Float64Array(n);
      for (let i = 0; i < n; i++) {
        if (!isValid(d, i)) continue;
        const v = src[i]!;
        if (p === 0) {
          out[i] = floatToHalf(v);
          if (!Object.is(halfToFloat(out[i]!), v) && !Number.isNaN(v)) throw fail(`${v} is not a half float`);
        } else {
          out[i] = v;
          if (!Object.is(out[i], v) && !Number.isNaN(v)) throw fail(`${v} is not a single float`);
        }
      }
      return makeData({ ...base, data: out } as never);
    }
    case Type.Decimal: {
      const t = to as Decimal, f = from as Decimal;
      if (from.typeId !== Type.Decimal || f.scale !== t.scale) throw fail();
      if (f.bitWidth === t.bitWidth) return d.clone(to);
      const per = f.bitWidth / 32, outPer = t.bitWidth / 32;
      const src = d.values as Uint32Array;
      const out = new Uint32Array(outPer * n);
      for (let i = 0; i < n; i++) {
        const sign = (src[per * i + per - 1]! >>> 31) * 0xffffffff;
        for (let k = 0; k < outPer; k++) out[outPer * i + k] = k < per ? src[per * i + k]! : sign;
        for (let k = outPer; k < per && isValid(d, i); k++) {
          if (src[per * i + k] !== ((out[outPer * i + outPer - 1]! >>> 31) * 0xffffffff)) throw fail('a value does not fit');
        }
      }
      return makeData({ ...base, data: out } as never);
    }
    case Type.LargeUtf8:
    case Type.LargeBinary: {
      if (from.typeId !== (to.typeId === Type.LargeUtf8 ? Type.Utf8 : Type.Binary)) return plain();
      return makeData({ ...base, valueOffsets: BigInt64Array.from(d.valueOffsets as Int32Array, (x) => BigInt(x)), data: d.values } as never);
    }
    case Type.FixedSizeBinary: {
      if (from.typeId !== Type.Binary) return plain();
      const w = (to as unknown as { byteWidth: number }).byteWidth;
      const offs = d.valueOffsets as Int32Array;
      const bytes = d.values as Uint8Array;
      const out = new Uint8Array(w * n);
      for (let i = 0; i < n; i++) {
        if (!isValid(d, i)) continue;
        if (offs[i + 1]! - offs[i]! !== w) throw fail(`a value has ${offs[i + 1]! - offs[i]!} bytes`);
        out.set(bytes.subarray(offs[i]!, offs[i + 1]!), w * i);
      }
      return makeData({ ...base, data: out } as never);
    }
    case Type.Date: {
      if (from.typeId !== Type.Date) throw fail();
      if (sameType(from, to)) return d.clone(to);
      const src = d.values as Int32Array;
      return makeData({ ...base, data: BigInt64Array.from(src, (x) => BigInt(x) * 86_400_000n) } as never);
    }
    case Type.Time:
    case Type.Timestamp: {
      if (from.typeId !== to.typeId) throw fail();
      const fu = (from as Time | Timestamp).unit, tu = (to as Time | Timestamp).unit;
      if (fu === tu) return d.clone(to);
      const src = d.values as BigInt64Array | Int32Array;
      const num = UNIT_NS[fu], den = UNIT_NS[tu];
      const narrow = to.typeId === Type.Time && (tu === TimeUnit.SECOND || tu === TimeUnit.MILLISECOND);
      const out = narrow ? new Int32Array(n) : new BigInt64Array(n);
      for (let i = 0; i < n; i++) {
        if (!isValid(d, i)) continue;
        const ns = BigInt(src[i]!) * num;
        if (ns % den !== 0n) throw fail(`a value is not a whole number of ${TimeUnit[tu].toLowerCase()}s`);
        if (narrow) out[i] = Number(ns / den);
        else out[i] = ns / den;
      }
      return makeData({ ...base, data: out } as never);
    }
    case Type.List:
    case Type.LargeList:
    case Type.Map: {
      if (from.typeId !== Type.List && from.typeId !== Type.Map) throw fail();
      const offs = d.valueOffsets as Int32Array;
      const child = conformData(d.children[0]!, to.children[0]!.type as DataType, `${column}[]`);
      const valueOffsets = to.typeId === Type.LargeList ? BigInt64Array.from(offs, (x) => BigInt(x)) : offs;
      return makeData({ ...base, valueOffsets, child } as never);
    }
    case Type.FixedSizeList: {
      if (from.typeId !== Type.FixedSizeList || (from as FixedSizeList).listSize !== (to as FixedSizeList).listSize) throw fail();
      return makeData({ ...base, child: conformData(d.children[0]!, to.children[0]!.type as DataType, `${column}[]`) } as never);
    }
    case Type.Struct: {
      if (from.typeId !== Type.Struct) throw fail();
      const children = to.children.map((f) => {
        const k = from.children.findIndex((g) => g.name === f.name);
        return k < 0 ? nullData(f.type as DataType, n) : conformData(d.children[k]!, f.type as DataType, `${column}.${f.name}`);
      });
      return makeData({ ...base, children } as never);
    }
    default:
      return plain();
  }
}

/** Integers from a scale-0 decimal (DuckDB's HUGEINT sums), each checked against the range. */
function intFromDecimal(d: Data, to: DataType, fail: (why?: string) => EngineError): Data {
  const n = d.length;
  const per = (d.type as Decimal).bitWidth / 32;
  const words = d.values as Uint32Array;
  const { bitWidth, isSigned } = to as unknown as { bitWidth: number; isSigned: boolean };
  const lo = isSigned ? -(1n << BigInt(bitWidth - 1)) : 0n, hi = (isSigned ? 1n << BigInt(bitWidth - 1) : 1n << BigInt(bitWidth)) - 1n;
  const Ctor = (to as unknown as { ArrayType: new (n: number) => { [i: number]: number | bigint } }).ArrayType;
  const out = new Ctor(n);
  for (let i = 0; i < n; i++) {
    if (!isValid(d, i)) continue;
    let x = 0n;
    for (let k = per - 1; k >= 0; k--) x = (x << 32n) | BigInt(words[per * i + k]!);
    x = BigInt.asIntN(per * 32, x);
    if (x < lo || x > hi) throw fail(`${x} is out of range`);
    out[i] = bitWidth === 64 ? x : Number(x);
  }
  return makeData({ type: to, length: n, nullCount: d.nullCount, nullBitmap: bitmapOf(d), data: out } as never);
}
