/**
 * Column type inference for CSV: every non-empty field of a column is tested against int →
 * float → bool → date → timestamp, and the column gets the first type all of its fields fit
 * (else utf8). Empty fields are nulls and fit any type. Inference sees every row (a first pass
 * over the file), so a late "n/a" in a numeric column cannot break the write.
 */
import {
  Bool, type Data, type DataType, DateDay, Float64, Int64, makeData, Timestamp, TimeUnit, Utf8, vectorFromArray,
} from 'apache-arrow';

export type CsvType = 'int' | 'float' | 'bool' | 'date' | 'timestamp' | 'string';
const ORDER: CsvType[] = ['int', 'float', 'bool', 'date', 'timestamp', 'string'];

const INT = /^[+-]?\d{1,19}$/;
const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(inf|infinity|nan)$/i;
const BOOL = /^(true|false)$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const I64_MIN = -(2n ** 63n), I64_MAX = 2n ** 63n - 1n;

function fits(t: CsvType, s: string): boolean {
  switch (t) {
    case 'int': {
      if (!INT.test(s)) return false;
      const v = BigInt(s);
      return v >= I64_MIN && v <= I64_MAX;
    }
    case 'float': return FLOAT.test(s);
    case 'bool': return BOOL.test(s);
    case 'date': return DATE.test(s);
    case 'timestamp': return TIMESTAMP.test(s);
    case 'string': return true;
  }
}

/** Tracks the narrowest type every field of one column fits. */
export class TypeGuess {
  private at = 0;
  zoned = false;
  add(field: string): void {
    if (field === '') return;
    while (!fits(ORDER[this.at]!, field)) this.at++;
    if (ORDER[this.at] === 'timestamp' && /(Z|[+-]\d{2}:?\d{2})$/i.test(field)) this.zoned = true;
  }
  get type(): CsvType {
    return ORDER[this.at]!;
  }
}

/** Days since 1970-01-01 of a proleptic Gregorian date. */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

/** Microseconds since the epoch (UTC; fields without a zone are taken as UTC). */
function micros(s: string): bigint {
  const m = TIMESTAMP.exec(s)!;
  const days = daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3]));
  const secs = Number(m[4]) * 3600 + Number(m[5]) * 60 + Number(m[6] ?? 0);
  let us = BigInt(days) * 86_400_000_000n + BigInt(secs) * 1_000_000n + BigInt((m[7] ?? '').padEnd(6, '0').slice(0, 6) || '0');
  const zone = m[8];
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1n : 1n;
    const digits = zone.slice(1).replace(':', '');
    us -= sign * (BigInt(Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000_000n);
  }
  return us;
}

export function arrowType(guess: TypeGuess): DataType {
  switch (guess.type) {
    case 'int': return new Int64();
    case 'float': return new Float64();
    case 'bool': return new Bool();
    case 'date': return new DateDay();
    case 'timestamp': return new Timestamp(TimeUnit.MICROSECOND, guess.zoned ? 'UTC' : null);
    case 'string': return new Utf8();
  }
}

/** Field text → the column's value (strings stay text; nulls are handled by the caller). */
export function converter(t: CsvType): (s: string) => unknown {
  switch (t) {
    case 'int': return (s) => BigInt(s);
    case 'float': return (s) => {
      const l = s.toLowerCase().replace(/^\+/, '');
      if (l === 'nan' || l === '-nan') return NaN;
      if (l.endsWith('inf') || l.endsWith('infinity')) return l.startsWith('-') ? -Infinity : Infinity;
      return Number(s);
    };
    case 'bool': return (s) => s.toLowerCase() === 'true';
    case 'date': return (s) => {
      const m = DATE.exec(s)!;
      return daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3]));
    };
    case 'timestamp': return micros;
    case 'string': return (s) => s;
  }
}

/** Arrow Data of one column from converted values (null = missing). */
export function columnData(type: DataType, t: CsvType, values: unknown[]): Data {
  const n = values.length;
  if (t === 'string') return vectorFromArray(values as (string | null)[], new Utf8()).data[0]!;
  const bitmap = new Uint8Array((n + 7) >> 3);
  let nullCount = 0;
  values.forEach((v, i) => {
    if (v === null) nullCount++;
    else bitmap[i >> 3]! |= 1 << (i & 7);
  });
  let data: ArrayBufferView;
  if (t === 'int' || t === 'timestamp') data = BigInt64Array.from(values, (v) => (v ?? 0n) as bigint);
  else if (t === 'float') data = Float64Array.from(values, (v) => (v ?? 0) as number);
  else if (t === 'date') data = Int32Array.from(values, (v) => (v ?? 0) as number);
  else {
    const bits = new Uint8Array((n + 7) >> 3);
    values.forEach((v, i) => {
      if (v === true) bits[i >> 3]! |= 1 << (i & 7);
    });
    data = bits;
  }
  return makeData({ type, length: n, nullCount, nullBitmap: nullCount ? bitmap : null, data } as never);
}
