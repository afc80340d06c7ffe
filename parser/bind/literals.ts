/**
 * Literal values the binder builds from text: intervals (`INTERVAL '1 year 2 months'`,
 * `INTERVAL 3 DAY`, `INTERVAL '02:30:00'`) as `{ months, days, nanoseconds }`.
 */
import type { IntervalUnit } from '../ast.js';
import { BindError } from './diagnostics.js';

export interface IntervalValue {
  readonly months: number;
  readonly days: number;
  readonly nanoseconds: bigint;
}

const NS: Record<string, bigint> = {
  hour: 3_600_000_000_000n,
  minute: 60_000_000_000n,
  second: 1_000_000_000n,
  millisecond: 1_000_000n,
  microsecond: 1_000n,
};

const UNIT_ALIASES: Record<string, IntervalUnit> = {
  y: 'year', yr: 'year', yrs: 'year', year: 'year', years: 'year',
  mon: 'month', mons: 'month', month: 'month', months: 'month',
  w: 'week', week: 'week', weeks: 'week',
  d: 'day', day: 'day', days: 'day',
  h: 'hour', hr: 'hour', hrs: 'hour', hour: 'hour', hours: 'hour',
  m: 'minute', min: 'minute', mins: 'minute', minute: 'minute', minutes: 'minute',
  s: 'second', sec: 'second', secs: 'second', second: 'second', seconds: 'second',
  ms: 'millisecond', msec: 'millisecond', millisecond: 'millisecond', milliseconds: 'millisecond',
  us: 'microsecond', usec: 'microsecond', microsecond: 'microsecond', microseconds: 'microsecond',
};

function add(acc: { months: number; days: number; ns: bigint }, amount: number, unit: IntervalUnit): void {
  switch (unit) {
    case 'year':
      acc.months += Math.trunc(amount * 12);
      return;
    case 'month':
      acc.months += Math.trunc(amount);
      acc.days += Math.trunc((amount % 1) * 30);
      return;
    case 'week':
      acc.days += Math.trunc(amount * 7);
      return;
    case 'day':
      acc.days += Math.trunc(amount);
      acc.ns += BigInt(Math.round((amount % 1) * 86_400_000_000)) * 1000n;
      return;
    default:
      acc.ns += BigInt(Math.round(amount * Number(NS[unit]! / 1000n))) * 1000n;
  }
}

/** An interval from its text and optional unit; 'sql-invalid' when the text is not one. */
export function parseInterval(text: string, unit: IntervalUnit | null): IntervalValue {
  const bad = (): BindError => new BindError('sql-invalid', `invalid interval ${JSON.stringify(text)}${unit ? ` ${unit.toUpperCase()}` : ''}`, null);
  const acc = { months: 0, days: 0, ns: 0n };
  const t = text.trim();
  if (unit !== null) {
    const n = Number(t);
    if (t === '' || !Number.isFinite(n)) throw bad();
    add(acc, n, unit);
    return { months: acc.months, days: acc.days, nanoseconds: acc.ns };
  }
  const re = /([+-]?\d+(?:\.\d+)?)\s*([a-z]+)|([+-])?(\d{1,2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?/gi;
  let rest = t;
  for (const m of t.matchAll(re)) {
    rest = rest.replace(m[0], '');
    if (m[1] !== undefined) {
      const u = UNIT_ALIASES[m[2]!.toLowerCase()];
      if (!u) throw bad();
      add(acc, Number(m[1]), u);
    } else {
      const sign = m[3] === '-' ? -1 : 1;
      add(acc, sign * Number(m[4]), 'hour');
      add(acc, sign * Number(m[5]), 'minute');
      if (m[6] !== undefined) add(acc, sign * Number(m[6]), 'second');
    }
  }
  if (rest.trim() !== '' || t === '') throw bad();
  return { months: acc.months, days: acc.days, nanoseconds: acc.ns };
}
