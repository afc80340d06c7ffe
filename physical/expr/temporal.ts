/**
 * Date and time kernels. Dates are Int32 days since 1970-01-01; timestamps Int64 in their unit
 * (converted to microseconds inside); intervals `{ months, days, nanoseconds }`. Calendar
 * arithmetic is proleptic Gregorian in UTC, as DuckDB's TIMESTAMP (without time zone).
 * EXTRACT on dates runs columnar; the rest per row.
 */
import { type DataType, type Timestamp, Type } from 'apache-arrow';

import { ExecutionError } from '../../errors.js';
import { civilFromDays, daysFromCivil, microsToUnit } from '../../logical/functions.js';
import { type Col, constCol, flatCol } from './col.js';
import { type Kernel, type KernelFactory, type KernelSpec, perRow } from './kernel.js';

const DAY_US = 86_400_000_000;
const TWO32 = 4294967296;

type Interval = { months: number; days: number; nanoseconds: bigint };

/** Microseconds since the epoch of a date or timestamp value of type `t`. */
export function toMicros(v: unknown, t: DataType): number {
  if (t.typeId === Type.Date) return (t as unknown as { unit: number }).unit === 0 ? (v as number) * DAY_US : Number(v) * 1000;
  const { mul, div } = microsToUnit((t as Timestamp).unit);
  const x = Number(v);
  return mul === 1n ? x * Number(div) : Math.floor(x / Number(mul));
}

/** A timestamp of type `t` from microseconds. */
export function fromMicros(us: number, t: DataType): bigint {
  const { mul, div } = microsToUnit((t as Timestamp).unit);
  return mul === 1n ? BigInt(Math.floor(us / Number(div))) : BigInt(us) * mul;
}

const floorDiv = (a: number, b: number): number => Math.floor(a / b);

function isoWeek(days: number): [number, number] {
  const dow = ((days % 7) + 7 + 3) % 7; // Monday = 0
  const thursday = days - dow + 3;
  const [y] = civilFromDays(thursday);
  const jan1 = daysFromCivil(y, 1, 1);
  return [y, Math.floor((thursday - jan1) / 7) + 1];
}

/** The value of `part` for a point in time given as days and microseconds within the day. */
function partOf(part: string, days: number, tod: number): number {
  const [y, m, d] = civilFromDays(days);
  switch (part) {
    case 'year': return y;
    case 'month': return m;
    case 'day': return d;
    case 'quarter': return Math.floor((m - 1) / 3) + 1;
    case 'dow': return ((days % 7) + 7 + 4) % 7;
    case 'isodow': return ((((days % 7) + 7 + 4) % 7) + 6) % 7 + 1;
    case 'doy': return days - daysFromCivil(y, 1, 1) + 1;
    case 'week': return isoWeek(days)[1];
    case 'yearweek': {
      const [wy, w] = isoWeek(days);
      return wy * 100 + w;
    }
    case 'decade': return Math.floor(y / 10);
    case 'century': return y > 0 ? Math.floor((y - 1) / 100) + 1 : -(Math.floor(-y / 100) + 1);
    case 'hour': return Math.floor(tod / 3_600_000_000);
    case 'minute': return Math.floor(tod / 60_000_000) % 60;
    case 'second': return Math.floor(tod / 1_000_000) % 60;
    case 'millisecond': return Math.floor(tod / 1000) % 60_000;
    case 'microsecond': return tod % 60_000_000;
    case 'epoch': return days * 86400 + tod / 1_000_000;
    default: throw new ExecutionError('invalid-argument', `unknown date part ${part}`);
  }
}

const writeI64 = (o: Int32Array, i: number, v: number): void => {
  const hi = Math.floor(v / TWO32);
  o[2 * i + 1] = hi;
  o[2 * i] = v - hi * TWO32;
};

function extract(part: string): KernelFactory {
  return (spec) => {
    const t = spec.args[0]!;
    const dateDay = t.typeId === Type.Date && (t as unknown as { unit: number }).unit === 0;
    const isEpoch = part === 'epoch';
    return (args, n) => {
      const a = args[0]!;
      const one = (v: unknown): number => {
        const us = toMicros(v, t);
        const days = floorDiv(us, DAY_US);
        return partOf(part, days, us - days * DAY_US);
      };
      if (a.isConst) return constCol(spec.result, a.value === null ? null : isEpoch ? one(a.value) : BigInt(one(a.value)), n);
      if (isEpoch) {
        const out = new Float64Array(n);
        for (let i = 0; i < n; i++) out[i] = one(valueOf(a, i, dateDay));
        return flatCol(spec.result, n, out, a.validity);
      }
      const out = new BigInt64Array(n);
      const o = new Int32Array(out.buffer);
      if (dateDay) {
        const v = a.values as Int32Array;
        for (let i = 0; i < n; i++) writeI64(o, i, partOf(part, v[i]!, 0));
      } else for (let i = 0; i < n; i++) writeI64(o, i, one(valueOf(a, i, false)));
      return flatCol(spec.result, n, out, a.validity);
    };
  };
}

function valueOf(a: Col, i: number, dateDay: boolean): number | bigint {
  return dateDay ? (a.values as Int32Array)[i]! : (a.values as BigInt64Array)[i]!;
}

/** The start of the `part` containing the time `us` (microseconds). */
export function truncMicros(part: string, us: number): number {
  const days = floorDiv(us, DAY_US);
  const tod = us - days * DAY_US;
  const [y, m] = civilFromDays(days);
  switch (part) {
    case 'millennium': return daysFromCivil(Math.floor((y - 1) / 1000) * 1000 + 1, 1, 1) * DAY_US;
    case 'century': return daysFromCivil(Math.floor((y - 1) / 100) * 100 + 1, 1, 1) * DAY_US;
    case 'decade': return daysFromCivil(Math.floor(y / 10) * 10, 1, 1) * DAY_US;
    case 'year': return daysFromCivil(y, 1, 1) * DAY_US;
    case 'quarter': return daysFromCivil(y, Math.floor((m - 1) / 3) * 3 + 1, 1) * DAY_US;
    case 'month': return daysFromCivil(y, m, 1) * DAY_US;
    case 'week': return (days - (((days % 7) + 7 + 3) % 7)) * DAY_US;
    case 'day': return days * DAY_US;
    case 'hour': return days * DAY_US + Math.floor(tod / 3_600_000_000) * 3_600_000_000;
    case 'minute': return days * DAY_US + Math.floor(tod / 60_000_000) * 60_000_000;
    case 'second': return days * DAY_US + Math.floor(tod / 1_000_000) * 1_000_000;
    case 'millisecond': return days * DAY_US + Math.floor(tod / 1000) * 1000;
    case 'microsecond': return us;
    default: throw new ExecutionError('invalid-argument', `unknown date part ${JSON.stringify(part)} for date_trunc`);
  }
}

const dateTrunc: KernelFactory = (spec) => {
  const t = spec.args[1]!, out = spec.result;
  return perRow(out, (v) => fromMicros(truncMicros(normPart(v[0] as string), toMicros(v[1], t)), out));
};

const PART_ALIAS: Record<string, string> = { years: 'year', months: 'month', days: 'day', hours: 'hour', minutes: 'minute', seconds: 'second', weeks: 'week', quarters: 'quarter', dayofweek: 'dow', weekday: 'dow', dayofyear: 'doy' };
const normPart = (p: string): string => {
  const x = p.toLowerCase().trim();
  return PART_ALIAS[x] ?? x;
};

/** Adds an interval to a point in time (microseconds): months first (clamped to the month's end), then days, then the rest. */
export function addInterval(us: number, iv: Interval, sign: 1 | -1): number {
  let t = us;
  if (iv.months) {
    const days = floorDiv(t, DAY_US);
    const tod = t - days * DAY_US;
    const [y, m, d] = civilFromDays(days);
    const total = y * 12 + (m - 1) + sign * iv.months;
    const ny = Math.floor(total / 12), nm = (total % 12 + 12) % 12 + 1;
    const dim = civilFromDays(daysFromCivil(nm === 12 ? ny + 1 : ny, nm === 12 ? 1 : nm + 1, 1) - 1)[2];
    t = daysFromCivil(ny, nm, Math.min(d, dim)) * DAY_US + tod;
  }
  return t + sign * (iv.days * DAY_US + Number(iv.nanoseconds / 1000n));
}

const intervalOf = (a: Interval, b: Interval, sign: 1 | -1): Interval => ({ months: a.months + sign * b.months, days: a.days + sign * b.days, nanoseconds: a.nanoseconds + BigInt(sign) * b.nanoseconds });

/** + and - where a date, timestamp or interval is involved (date ± int stays with the integer kernels). */
export function temporalArith(op: '+' | '-', spec: KernelSpec): Kernel | null {
  const [ta, tb] = spec.args as [DataType, DataType];
  const out = spec.result;
  const isT = (t: DataType): boolean => t.typeId === Type.Date || t.typeId === Type.Timestamp;
  const isI = (t: DataType): boolean => t.typeId === Type.Interval;
  const sign = op === '+' ? 1 : -1;
  if (isT(ta) && isI(tb)) return perRow(out, (v) => fromMicros(addInterval(toMicros(v[0], ta), v[1] as Interval, sign), out));
  if (isI(ta) && isT(tb)) return perRow(out, (v) => fromMicros(addInterval(toMicros(v[1], tb), v[0] as Interval, 1), out));
  if (isI(ta) && isI(tb)) return perRow(out, (v) => intervalOf(v[0] as Interval, v[1] as Interval, sign));
  if (ta.typeId === Type.Date && tb.typeId === Type.Date && op === '-') return perRow(out, (v) => BigInt((v[0] as number) - (v[1] as number)));
  if (isT(ta) && isT(tb) && op === '-') {
    return perRow(out, (v) => {
      const d = toMicros(v[0], ta) - toMicros(v[1], tb);
      const days = Math.trunc(d / DAY_US);
      return { months: 0, days, nanoseconds: BigInt(d - days * DAY_US) * 1000n };
    });
  }
  return null;
}

function dateDiff(part: string, a: number, b: number): number {
  const da = floorDiv(a, DAY_US), db = floorDiv(b, DAY_US);
  const [ya, ma] = civilFromDays(da), [yb, mb] = civilFromDays(db);
  switch (part) {
    case 'year': return yb - ya;
    case 'quarter': return (yb * 4 + Math.floor((mb - 1) / 3)) - (ya * 4 + Math.floor((ma - 1) / 3));
    case 'month': return (yb * 12 + mb) - (ya * 12 + ma);
    case 'week': return Math.trunc((db - da) / 7);
    case 'day': case 'dow': case 'doy': return db - da;
    case 'decade': return Math.floor(yb / 10) - Math.floor(ya / 10);
    case 'century': return Math.floor(yb / 100) - Math.floor(ya / 100);
    case 'hour': return floorDiv(b, 3_600_000_000) - floorDiv(a, 3_600_000_000);
    case 'minute': return floorDiv(b, 60_000_000) - floorDiv(a, 60_000_000);
    case 'second': return floorDiv(b, 1_000_000) - floorDiv(a, 1_000_000);
    case 'millisecond': return floorDiv(b, 1000) - floorDiv(a, 1000);
    case 'microsecond': return b - a;
    default: throw new ExecutionError('invalid-argument', `unknown date part ${JSON.stringify(part)} for date_diff`);
  }
}

const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** strftime with the common C / DuckDB codes (%Y %m %d %H %M %S %f %j %a %A %b %B %y %p %I %w %u %V %G %-d …). */
export function strftime(us: number, fmt: string): string {
  const days = floorDiv(us, DAY_US), tod = us - days * DAY_US;
  const [y, m, d] = civilFromDays(days);
  const H = Math.floor(tod / 3_600_000_000), M = Math.floor(tod / 60_000_000) % 60, S = Math.floor(tod / 1_000_000) % 60, us6 = tod % 1_000_000;
  const p = (x: number, w = 2): string => String(x).padStart(w, '0');
  const dow = ((days % 7) + 7 + 4) % 7;
  return fmt.replace(/%(-?)([a-zA-Z%])/g, (all, dash: string, c: string) => {
    const P = (x: number, w = 2): string => (dash ? String(x) : p(x, w));
    switch (c) {
      case 'Y': return String(y);
      case 'y': return P(y % 100);
      case 'm': return P(m);
      case 'd': return P(d);
      case 'e': return String(d).padStart(2, ' ');
      case 'H': return P(H);
      case 'I': return P(H % 12 === 0 ? 12 : H % 12);
      case 'M': return P(M);
      case 'S': return P(S);
      case 'f': return p(us6, 6);
      case 'g': return p(Math.floor(us6 / 1000), 3);
      case 'p': return H < 12 ? 'AM' : 'PM';
      case 'j': return P(days - daysFromCivil(y, 1, 1) + 1, 3);
      case 'a': return DAY_NAMES[dow]!.slice(0, 3);
      case 'A': return DAY_NAMES[dow]!;
      case 'w': return String(dow);
      case 'u': return String(dow === 0 ? 7 : dow);
      case 'b': case 'h': return MONTH_NAMES[m - 1]!.slice(0, 3);
      case 'B': return MONTH_NAMES[m - 1]!;
      case 'V': return P(isoWeek(days)[1]);
      case 'G': return String(isoWeek(days)[0]);
      case 'F': return `${y}-${p(m)}-${p(d)}`;
      case 'T': return `${p(H)}:${p(M)}:${p(S)}`;
      case '%': return '%';
      default: return all;
    }
  });
}

const intArg = (v: unknown): number => Number(v);

export const TEMPORAL_KERNELS: Readonly<Record<string, KernelFactory>> = {
  ...Object.fromEntries(['year', 'month', 'day', 'hour', 'minute', 'second', 'millisecond', 'microsecond', 'dow', 'isodow', 'doy', 'epoch', 'quarter', 'week', 'yearweek', 'decade', 'century'].map((p) => [`extract_${p}`, extract(p)])),
  date_trunc: dateTrunc,
  date_diff: (spec) => {
    const t = spec.args[1]!;
    return perRow(spec.result, (v) => BigInt(dateDiff(normPart(v[0] as string), toMicros(v[1], t), toMicros(v[2], t))));
  },
  make_date: (spec) =>
    perRow(spec.result, (v) => {
      const y = intArg(v[0]), m = intArg(v[1]), d = intArg(v[2]);
      const days = daysFromCivil(y, m, d);
      const [cy, cm, cd] = civilFromDays(days);
      if (cy !== y || cm !== m || cd !== d) throw new ExecutionError('conversion-error', `Date out of range: ${y}-${m}-${d}`);
      return days;
    }),
  make_timestamp: (spec) =>
    perRow(spec.result, (v) => {
      const days = daysFromCivil(intArg(v[0]), intArg(v[1]), intArg(v[2]));
      return fromMicros(days * DAY_US + (intArg(v[3]) * 3600 + intArg(v[4]) * 60) * 1_000_000 + Math.round(Number(v[5]) * 1_000_000), spec.result);
    }),
  strftime: (spec) => {
    const t = spec.args[0]!;
    return perRow(spec.result, (v) => strftime(toMicros(v[0], t), v[1] as string));
  },
  current_date: (spec) => {
    const d = Math.floor(spec.ctx.now.getTime() / 86_400_000);
    return (_a, n) => constCol(spec.result, d, n);
  },
  current_timestamp: (spec) => {
    const us = fromMicros(spec.ctx.now.getTime() * 1000, spec.result);
    return (_a, n) => constCol(spec.result, us, n);
  },
  to_days: (spec) => perRow(spec.result, (v) => ({ months: 0, days: intArg(v[0]), nanoseconds: 0n })),
  to_months: (spec) => perRow(spec.result, (v) => ({ months: intArg(v[0]), days: 0, nanoseconds: 0n })),
  epoch_ms: (spec) => perRow(spec.result, (v) => fromMicros(Number(v[0]) * 1000, spec.result)),
};
