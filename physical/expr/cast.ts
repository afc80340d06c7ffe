/**
 * CAST and TRY_CAST with DuckDB's rules: numeric widening and narrowing (range-checked;
 * doubles round half to even when cast to integers), strings parsed to numbers (an integer
 * target rounds decimal text half away from zero, accepts '_' separators and 0x/0b), booleans,
 * dates, timestamps and intervals, everything formatted to text as DuckDB prints it. A failed
 * CAST raises 'conversion-error' (out of range: 'numeric-overflow'); TRY_CAST gives NULL.
 * Columnar fast paths cover numeric ↔ numeric and date ↔ timestamp; the rest converts per row.
 */
import { type DataType, type Timestamp, Type } from 'apache-arrow';

import { ExecutionError } from '../../errors.js';
import { elementType, isInteger, isList, isNumeric, isString, isStruct, microsToUnit, parseDate, parseTimestampMicros, typeName } from '../../logical/functions.js';
import { clearBit } from './bits.js';
import { constCol, flatCol, valueAt, type Values } from './col.js';
import { formatValueText } from './format.js';
import { arrayTypeOf, type Kernel, physicalType, rowWriter } from './kernel.js';

class CastFailure extends Error {
  constructor(readonly code: 'conversion-error' | 'numeric-overflow', message: string) {
    super(message);
  }
}

const conversion = (v: unknown, to: DataType): CastFailure =>
  new CastFailure('conversion-error', `Could not convert ${typeof v === 'string' ? `string '${v}'` : String(v)} to ${typeName(to)}`);
const overflow = (v: unknown, to: DataType): CastFailure => new CastFailure('numeric-overflow', `Value ${String(v)} is out of range for ${typeName(to)}`);

/** Round half to even (C's nearbyint), as DuckDB casts doubles to integers. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Round half away from zero. */
export const roundHalfAway = (x: number): number => (x < 0 ? -Math.round(-x) : Math.round(x));

function intRange(t: DataType): [bigint, bigint] {
  const w = BigInt((t as unknown as { bitWidth: number }).bitWidth);
  return (t as unknown as { isSigned: boolean }).isSigned ? [-(1n << (w - 1n)), (1n << (w - 1n)) - 1n] : [0n, (1n << w) - 1n];
}

const INT_TEXT = /^[+-]?(\d[\d_]*)$/;
const HEX_TEXT = /^[+-]?0[xX][0-9a-fA-F]+$/;
const BIN_TEXT = /^[+-]?0[bB][01]+$/;
const FLOAT_TEXT = /^[+-]?(\d[\d_]*\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?)$/;

function parseNumberText(s: string, to: DataType): number | bigint {
  const t = s.trim();
  if (isInteger(to)) {
    let big: bigint | null = null;
    if (INT_TEXT.test(t)) big = BigInt(t.replace(/_/g, ''));
    else if (HEX_TEXT.test(t) || BIN_TEXT.test(t)) big = t.startsWith('-') ? -BigInt(t.slice(1)) : BigInt(t.replace(/^\+/, ''));
    else if (FLOAT_TEXT.test(t)) {
      const x = Number(t.replace(/_/g, ''));
      if (!Number.isFinite(x)) throw overflow(s, to);
      big = BigInt(roundHalfAway(x));
    }
    if (big === null) throw conversion(s, to);
    return checkInt(big, to, s);
  }
  const lower = t.toLowerCase();
  if (lower === 'nan' || lower === '+nan' || lower === '-nan') return NaN;
  if (/^[+]?inf(inity)?$/.test(lower)) return Infinity;
  if (/^-inf(inity)?$/.test(lower)) return -Infinity;
  if (!FLOAT_TEXT.test(t)) throw conversion(s, to);
  return Number(t.replace(/_/g, ''));
}

function checkInt(v: bigint, to: DataType, shown: unknown): number | bigint {
  const [lo, hi] = intRange(to);
  if (v < lo || v > hi) throw overflow(shown, to);
  return (to as unknown as { bitWidth: number }).bitWidth === 64 ? v : Number(v);
}

const BOOL_TEXT: Record<string, boolean> = { true: true, t: true, '1': true, yes: true, y: true, false: false, f: false, '0': false, no: false, n: false };

/** INTERVAL text: '1 year 2 months 3 days 04:05:06.5', '3 hours', '-1 day'. */
export function parseInterval(s: string): { months: number; days: number; nanoseconds: bigint } | null {
  let months = 0, days = 0, micros = 0n;
  const re = /\s*([+-]?\d+(?:\.\d+)?)\s*(years?|y|mons?|months?|weeks?|w|days?|d|hours?|h|minutes?|mins?|m|seconds?|secs?|s|milliseconds?|ms|microseconds?|us)\b|\s*([+-])?(\d+):(\d{2})(?::(\d{2}(?:\.\d+)?))?/giy;
  let at = 0;
  const text = s.trim();
  while (at < text.length) {
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m) return null;
    at = re.lastIndex;
    if (m[1] !== undefined) {
      const n = Number(m[1]);
      const u = m[2]!.toLowerCase();
      if (u.startsWith('y')) months += n * 12;
      else if (u.startsWith('mon')) months += n;
      else if (u.startsWith('w')) days += n * 7;
      else if (u.startsWith('d')) days += n;
      else if (u.startsWith('h')) micros += BigInt(Math.round(n * 3_600_000_000));
      else if (u === 'ms' || u.startsWith('milli')) micros += BigInt(Math.round(n * 1000));
      else if (u === 'us' || u.startsWith('micro')) micros += BigInt(Math.round(n));
      else if (u.startsWith('m')) micros += BigInt(Math.round(n * 60_000_000));
      else micros += BigInt(Math.round(n * 1_000_000));
    } else {
      const sign = m[3] === '-' ? -1n : 1n;
      const t = BigInt(Number(m[4]) * 3600 + Number(m[5]) * 60) * 1_000_000n + BigInt(Math.round(Number(m[6] ?? 0) * 1_000_000));
      micros += sign * t;
    }
  }
  if (!Number.isInteger(months) || !Number.isInteger(days)) return null;
  return { months, days, nanoseconds: micros * 1000n };
}

/** One value converted from `from` to `to` (physical representations); throws CastFailure. */
function castValue(v: unknown, from: DataType, to: DataType): unknown {
  if (isString(to)) return formatValueText(v, from);
  if (isString(from)) {
    const s = v as string;
    if (isNumeric(to)) return parseNumberText(s, to);
    switch (to.typeId) {
      case Type.Bool: {
        const b = BOOL_TEXT[s.trim().toLowerCase()];
        if (b === undefined) throw conversion(s, to);
        return b;
      }
      case Type.Date: {
        const d = parseDate(s.trim(), true);
        if (d === null) throw conversion(s, to);
        return d;
      }
      case Type.Timestamp: {
        const us = parseTimestampMicros(s.trim());
        if (us === null) throw conversion(s, to);
        return microsTo(us, to);
      }
      case Type.Interval: {
        const iv = parseInterval(s);
        if (!iv) throw conversion(s, to);
        return iv;
      }
      default:
        throw conversion(s, to);
    }
  }
  if (isNumeric(from) || from.typeId === Type.Bool) {
    const x = typeof v === 'boolean' ? (v ? 1 : 0) : v;
    if (to.typeId === Type.Bool) return Number(x) !== 0;
    if (isInteger(to)) {
      if (typeof x === 'bigint') return checkInt(x, to, x);
      const n = x as number;
      if (!Number.isFinite(n)) throw overflow(n, to);
      return checkInt(BigInt(Number.isInteger(n) ? n : roundHalfEven(n)), to, n);
    }
    if (to.typeId === Type.Decimal) return toDecimal(Number(x), to);
    return Number(x);
  }
  if (from.typeId === Type.Date && to.typeId === Type.Timestamp) return microsTo(BigInt(v as number) * 86_400_000_000n, to);
  if (from.typeId === Type.Timestamp && to.typeId === Type.Date) return Number(floorDiv(toMicros(v as bigint, from), 86_400_000_000n));
  if (from.typeId === Type.Timestamp && to.typeId === Type.Timestamp) return microsTo(toMicros(v as bigint, from), to);
  if (isList(from) && isList(to)) return (v as unknown[]).map((x) => (x === null ? null : castValue(x, elementType(from), elementType(to))));
  if (isStruct(from) && isStruct(to)) return v;
  throw conversion(v, to);
}

/** Decimals execute as Float64: rounded to the scale (half away from zero), range-checked by the precision. */
function toDecimal(x: number, to: DataType): number {
  const { precision, scale } = to as unknown as { precision: number; scale: number };
  const f = 10 ** scale;
  const r = roundHalfAway(x * f) / f;
  if (Math.abs(r) >= 10 ** (precision - scale)) throw overflow(x, to);
  return r;
}

const floorDiv = (a: bigint, b: bigint): bigint => (a >= 0n || a % b === 0n ? a / b : a / b - 1n);
const toMicros = (v: bigint, t: DataType): bigint => {
  const { mul, div } = microsToUnit((t as Timestamp).unit);
  return floorDiv(BigInt(v) * div, mul);
};
const microsTo = (us: bigint, t: DataType): bigint => {
  const { mul, div } = microsToUnit((t as Timestamp).unit);
  return floorDiv(us * mul, div);
};

/** The cast kernel from `from` (physical) to the logical type `to` (decimals produce Float64 rounded to their scale). */
export function castKernel(from: DataType, to: DataType, safe: boolean): Kernel {
  const fast = numericFast(from, to, safe);
  if (fast) return fast;
  const out = physicalType(to);
  return (args, n) => {
    const a = args[0]!;
    if (a.isConst) return constCol(out, a.value === null ? null : castOne(a.value, from, to, safe), n);
    const w = rowWriter(out, n);
    for (let i = 0; i < n; i++) {
      const v = valueAt(a, i);
      w.set(i, v === null ? null : castOne(v, from, to, safe));
    }
    return w.finish();
  };
}

function castOne(v: unknown, from: DataType, to: DataType, safe: boolean): unknown {
  try {
    return castValue(v, from, to);
  } catch (e) {
    if (!(e instanceof CastFailure)) throw e;
    if (safe) return null;
    throw new ExecutionError(e.code, e.message);
  }
}

/** Columnar conversions between number-array types (and date → timestamp). */
function numericFast(from: DataType, to: DataType, safe: boolean): Kernel | null {
  const numArr = (t: DataType): boolean => (t.typeId === Type.Int && (t as unknown as { bitWidth: number }).bitWidth < 64) || t.typeId === Type.Float;
  if (numArr(from) && to.typeId === Type.Float) {
    const Out = arrayTypeOf(to);
    return (args, n) => {
      const a = args[0]!;
      if (a.isConst) return constCol(to, a.value === null ? null : Number(a.value), n);
      const out = new Out(n) as Float64Array;
      (out as Float64Array).set((a.values as Float64Array).subarray(0, n));
      return flatCol(to, n, out, a.validity);
    };
  }
  if (numArr(from) && to.typeId === Type.Int && (to as unknown as { bitWidth: number }).bitWidth < 64) {
    const [lo, hi] = intRange(to).map(Number) as [number, number];
    const Out = arrayTypeOf(to);
    const float = from.typeId === Type.Float;
    return (args, n) => {
      const a = args[0]!;
      if (a.isConst) return constCol(to, a.value === null ? null : castOne(a.value, from, to, safe), n);
      const src = a.values as unknown as ArrayLike<number>;
      const out = new Out(n) as Int32Array;
      let validity = a.validity;
      for (let i = 0; i < n; i++) {
        let x = src[i]!;
        if (float && !Number.isInteger(x)) x = roundHalfEven(x);
        if (!(x >= lo && x <= hi)) {
          if (validity && !((validity[i >> 3]! >> (i & 7)) & 1)) continue;
          if (!safe) throw new ExecutionError('numeric-overflow', `Value ${src[i]} is out of range for ${typeName(to)}`);
          validity = validity ? (validity === a.validity ? validity.slice() : validity) : new Uint8Array((n + 7) >> 3).fill(0xff);
          clearBit(validity, i);
          continue;
        }
        out[i] = x;
      }
      return flatCol(to, n, out as Values, validity);
    };
  }
  const isI64 = (t: DataType): boolean => t.typeId === Type.Int && (t as unknown as { bitWidth: number }).bitWidth === 64 && (t as unknown as { isSigned: boolean }).isSigned;
  if (numArr(from) && from.typeId !== Type.Float && isI64(to)) {
    return (args, n) => {
      const a = args[0]!;
      if (a.isConst) return constCol(to, a.value === null ? null : BigInt(a.value as number), n);
      const src = a.values as unknown as ArrayLike<number>;
      const out = new BigInt64Array(n);
      const o = new Int32Array(out.buffer);
      for (let i = 0; i < n; i++) {
        const x = src[i]!;
        o[2 * i] = x;
        o[2 * i + 1] = x < 0 ? -1 : 0;
      }
      return flatCol(to, n, out, a.validity);
    };
  }
  if (isI64(from) && to.typeId === Type.Float) {
    return (args, n) => {
      const a = args[0]!;
      if (a.isConst) return constCol(to, a.value === null ? null : Number(a.value), n);
      const h = new Int32Array(a.values!.buffer, a.values!.byteOffset, 2 * n);
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = h[2 * i + 1]! * 4294967296 + (h[2 * i]! >>> 0);
      return flatCol(to, n, out, a.validity);
    };
  }
  if (from.typeId === Type.Date && (from as unknown as { unit: number }).unit === 0 && to.typeId === Type.Timestamp) {
    const per = Number(microsTo(86_400_000_000n, to));
    return (args, n) => {
      const a = args[0]!;
      if (a.isConst) return constCol(to, a.value === null ? null : BigInt(a.value as number) * BigInt(per), n);
      const src = a.values as Int32Array;
      const out = new BigInt64Array(n);
      const o = new Int32Array(out.buffer);
      for (let i = 0; i < n; i++) {
        const x = src[i]! * per;
        if (Math.abs(x) > 9007199254740991) {
          out[i] = BigInt(src[i]!) * BigInt(per);
          continue;
        }
        const hi = Math.floor(x / 4294967296);
        o[2 * i + 1] = hi;
        o[2 * i] = x - hi * 4294967296;
      }
      return flatCol(to, n, out, a.validity);
    };
  }
  return null;
}

