/**
 * Values of result columns read exactly from Arrow data (no millisecond rounding of timestamps,
 * no lossy bigints): as plain JavaScript values (`rows()`, JSON) and as text the way DuckDB's
 * shell prints them (REPL tables, CSV, the sqllogictest runner).
 */
import { type Data, type DataType, type Struct, Type } from 'apache-arrow';

import { formatDate, formatTimestampMicros } from '../../logical/functions.js';

const isValid = (d: Data, i: number): boolean => {
  if (d.typeId === Type.Null) return false;
  const bm = d.nullBitmap;
  // The bitmap decides even when nullCount says 0 (some producers leave it unset).
  if (!bm || bm.length === 0) return true;
  const j = d.offset + i;
  return ((bm[j >> 3]! >> (j & 7)) & 1) === 1;
};

const unitMicros = (t: DataType): [bigint, bigint] => {
  const u = (t as unknown as { unit: number }).unit;
  return u === 0 ? [1_000_000n, 1n] : u === 1 ? [1000n, 1n] : u === 2 ? [1n, 1n] : [1n, 1000n];
};

export interface IntervalParts {
  readonly months: number;
  readonly days: number;
  readonly nanoseconds: bigint;
}

function interval(d: Data, i: number): IntervalParts {
  const v = d.values as Int32Array;
  const j = i * 4;
  return { months: v[j]!, days: v[j + 1]!, nanoseconds: (BigInt(v[j + 3]!) << 32n) | BigInt(v[j + 2]! >>> 0) };
}

function micros(d: Data, i: number): bigint {
  const [mul, div] = unitMicros(d.type);
  return (BigInt((d.values as BigInt64Array)[i]!) * mul) / div;
}

function dateDays(d: Data, i: number): number {
  const unit = (d.type as unknown as { unit: number }).unit;
  if (unit === 0) return (d.values as Int32Array)[i]!;
  return Math.floor(Number((d.values as BigInt64Array)[i]!) / 86_400_000);
}

function bytes(d: Data, i: number): Uint8Array {
  const o = d.valueOffsets as Int32Array;
  return (d.values as Uint8Array).subarray(o[i]!, o[i + 1]!);
}

function decimal(d: Data, i: number): number {
  const w = d.values as Uint32Array;
  const j = i * 4;
  let v = 0n;
  for (let k = 3; k >= 0; k--) v = (v << 32n) | BigInt(w[j + k]!);
  if (v >= 1n << 127n) v -= 1n << 128n;
  return Number(v) / 10 ** (d.type as unknown as { scale: number }).scale;
}

const decoder = new TextDecoder();

/** The dictionary's data and index holding row i of a dictionary-encoded column. */
function dictionaryEntry(d: Data, i: number): [Data, number] {
  let k = Number((d.values as ArrayLike<number | bigint>)[i]!);
  for (const chunk of (d.dictionary as unknown as { data: Data[] }).data) {
    if (k < chunk.length) return [chunk, k];
    k -= chunk.length;
  }
  throw new RangeError('dictionary index out of range');
}

/** The value at row i as plain JavaScript (null, number, bigint, string, boolean, Date, Uint8Array, arrays, objects). */
export function plainValue(d: Data, i: number): unknown {
  if (!isValid(d, i)) return null;
  if (d.typeId === Type.Dictionary) {
    const [dict, k] = dictionaryEntry(d, i);
    return plainValue(dict, k);
  }
  switch (d.typeId) {
    case Type.Bool: {
      const j = d.offset + i;
      return ((d.values as Uint8Array)[j >> 3]! >> (j & 7)) & 1 ? true : false;
    }
    case Type.Int: {
      const v = (d.values as ArrayLike<number | bigint>)[i]!;
      return v;
    }
    case Type.Float:
      return Number((d.values as ArrayLike<number>)[i]!);
    case Type.Decimal:
      return decimal(d, i);
    case Type.Utf8:
      return decoder.decode(bytes(d, i));
    case Type.Binary:
      return bytes(d, i).slice();
    case Type.Date:
      return new Date(dateDays(d, i) * 86_400_000);
    case Type.Timestamp:
      return new Date(Number(micros(d, i) / 1000n));
    case Type.Interval:
      return interval(d, i);
    case Type.List: {
      const o = d.valueOffsets as Int32Array;
      const c = d.children[0]!;
      const out: unknown[] = [];
      for (let k = o[i]!; k < o[i + 1]!; k++) out.push(plainValue(c, k));
      return out;
    }
    case Type.FixedSizeList: {
      const n = (d.type as unknown as { listSize: number }).listSize;
      const c = d.children[0]!;
      return Array.from({ length: n }, (_, k) => plainValue(c, i * n + k));
    }
    case Type.Struct: {
      const t = d.type as Struct;
      return Object.fromEntries(t.children.map((f, k) => [f.name, plainValue(d.children[k]!, i)]));
    }
    default:
      return null;
  }
}

/** A double as DuckDB prints it (shortest round-trip; inf, -inf, nan). */
export function formatFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (Object.is(x, -0)) return '-0.0';
  const s = String(x);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

/** A FLOAT (single precision) the shortest way that reads back as the same float. */
export function formatFloat32(x: number): string {
  if (!Number.isFinite(x)) return formatFloat(x);
  for (let p = 1; p <= 9; p++) {
    const s = x.toPrecision(p);
    if (Math.fround(Number(s)) === x) return formatFloat(Number(s));
  }
  return formatFloat(x);
}

export function formatInterval(v: IntervalParts): string {
  const parts: string[] = [];
  const y = Math.trunc(v.months / 12), mo = v.months % 12;
  if (y) parts.push(`${y} year${Math.abs(y) === 1 ? '' : 's'}`);
  if (mo) parts.push(`${mo} month${Math.abs(mo) === 1 ? '' : 's'}`);
  if (v.days) parts.push(`${v.days} day${Math.abs(v.days) === 1 ? '' : 's'}`);
  if (v.nanoseconds !== 0n || parts.length === 0) {
    const neg = v.nanoseconds < 0n;
    let us = (neg ? -v.nanoseconds : v.nanoseconds) / 1000n;
    const h = us / 3_600_000_000n;
    us -= h * 3_600_000_000n;
    const m = us / 60_000_000n;
    us -= m * 60_000_000n;
    const s = us / 1_000_000n;
    us -= s * 1_000_000n;
    const p = (n: bigint): string => String(n).padStart(2, '0');
    parts.push(`${neg ? '-' : ''}${p(h)}:${p(m)}:${p(s)}${us ? `.${String(us).padStart(6, '0').replace(/0+$/, '')}` : ''}`);
  }
  return parts.join(' ');
}

function nestedText(d: Data, i: number): string {
  if (!isValid(d, i)) return 'NULL';
  if (d.typeId === Type.Utf8) return `'${decoder.decode(bytes(d, i))}'`;
  return cellText(d, i);
}

/** The value at row i as text, as DuckDB's shell shows it (NULL for nulls). */
export function cellText(d: Data, i: number): string {
  if (!isValid(d, i)) return 'NULL';
  if (d.typeId === Type.Dictionary) {
    const [dict, k] = dictionaryEntry(d, i);
    return cellText(dict, k);
  }
  switch (d.typeId) {
    case Type.Float:
      return (d.type as unknown as { precision: number }).precision === 1 ? formatFloat32(plainValue(d, i) as number) : formatFloat(plainValue(d, i) as number);
    case Type.Decimal:
      return formatFloat(plainValue(d, i) as number);
    case Type.Binary: {
      let s = '';
      for (const b of bytes(d, i)) s += b >= 32 && b < 127 && b !== 92 ? String.fromCharCode(b) : `\\x${b.toString(16).toUpperCase().padStart(2, '0')}`;
      return s;
    }
    case Type.Date:
      return formatDate(dateDays(d, i));
    case Type.Timestamp:
      return formatTimestampMicros(micros(d, i));
    case Type.Interval:
      return formatInterval(interval(d, i));
    case Type.List:
    case Type.FixedSizeList: {
      const fixed = d.typeId === Type.FixedSizeList;
      const n = fixed ? (d.type as unknown as { listSize: number }).listSize : 0;
      const o = d.valueOffsets as Int32Array;
      const [a, b] = fixed ? [i * n, (i + 1) * n] : [o[i]!, o[i + 1]!];
      const items: string[] = [];
      for (let k = a; k < b; k++) items.push(nestedText(d.children[0]!, k));
      return `[${items.join(', ')}]`;
    }
    case Type.Struct: {
      const t = d.type as Struct;
      return `{${t.children.map((f, k) => `'${f.name}': ${nestedText(d.children[k]!, i)}`).join(', ')}}`;
    }
    default: {
      const v = plainValue(d, i);
      return typeof v === 'object' ? JSON.stringify(v) : String(v);
    }
  }
}
