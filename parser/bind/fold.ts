/**
 * Constant folding the binder does itself, because it changes what storage can use: date and
 * timestamp arithmetic with intervals on constants (`DATE '1998-12-01' - INTERVAL '90' DAY`,
 * a TIMESTAMP as in DuckDB), and comparisons of a DATE column with such a constant, which would
 * otherwise cast every row to TIMESTAMP: `d <= TIMESTAMP '1998-09-02 00:00'` becomes
 * `d <= DATE '1998-09-02'` (a non-midnight constant moves to the right day), a plain column
 * comparison that zone maps prune with.
 */
import type { Timestamp } from 'apache-arrow';

import { civilFromDays, daysFromCivil, isDate, isInteger, isInterval, isTimestamp, microsToUnit, T } from '../../logical/functions.js';
import type { Scalar } from '../../logical/plan.js';
import { scalarKey } from './keys.js';
import type { IntervalValue } from './literals.js';

const DAY_US = 86_400_000_000n;
const floorDiv = (a: bigint, b: bigint): bigint => (a >= 0n || a % b === 0n ? a / b : a / b - 1n);

function addMonths(days: number, months: number): number {
  if (months === 0) return days;
  const [y, m, d] = civilFromDays(days);
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12), nm = (total % 12) + 1;
  const last = daysFromCivil(nm === 12 ? ny + 1 : ny, nm === 12 ? 1 : nm + 1, 1) - daysFromCivil(ny, nm, 1);
  return daysFromCivil(ny, nm, Math.min(d, last));
}

/** Microseconds since the epoch of a date or timestamp literal. */
function micros(s: Scalar & { kind: 'literal' }): bigint {
  if (isDate(s.type)) return BigInt(s.value as number) * DAY_US;
  const { mul, div } = microsToUnit((s.type as Timestamp).unit);
  return ((s.value as bigint) * div) / mul;
}

function shift(us: bigint, iv: IntervalValue, sign: 1 | -1): bigint {
  const day = floorDiv(us, DAY_US);
  const rest = us - day * DAY_US;
  const d = addMonths(Number(day), sign * iv.months) + sign * iv.days;
  return BigInt(d) * DAY_US + rest + BigInt(sign) * (iv.nanoseconds / 1000n);
}

const lit = (s: Scalar): s is Scalar & { kind: 'literal' } => s.kind === 'literal' && s.value !== null;

/** `s` with temporal constant arithmetic folded (unchanged when it is not such a call). */
export function foldTemporal(s: Scalar): Scalar {
  if (s.kind !== 'call' || (s.fn !== '+' && s.fn !== '-') || s.args.length !== 2) return s;
  const [a, b] = s.args as [Scalar, Scalar];
  if (!lit(a) || !lit(b)) return s;
  if ((isDate(a.type) || isTimestamp(a.type)) && isInterval(b.type)) {
    const us = shift(micros(a), b.value as IntervalValue, s.fn === '+' ? 1 : -1);
    return isTimestamp(s.type) ? { kind: 'literal', value: toUnit(us, s.type as Timestamp), type: s.type } : s;
  }
  if (s.fn === '+' && isInterval(a.type) && (isDate(b.type) || isTimestamp(b.type))) {
    const us = shift(micros(b), a.value as IntervalValue, 1);
    return isTimestamp(s.type) ? { kind: 'literal', value: toUnit(us, s.type as Timestamp), type: s.type } : s;
  }
  if (isDate(a.type) && isInteger(b.type) && isDate(s.type)) {
    const n = Number(b.value);
    return { kind: 'literal', value: (a.value as number) + (s.fn === '+' ? n : -n), type: s.type };
  }
  return s;
}

function toUnit(us: bigint, t: Timestamp): bigint {
  const { mul, div } = microsToUnit(t.unit);
  return floorDiv(us * mul, div);
}

const FLIP: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '=': '=', '<>': '<>' };

/** `CAST(date AS TIMESTAMP) op TIMESTAMP constant` → `date op DATE constant` (same rows). */
export function dateComparison(s: Scalar): Scalar {
  if (s.kind !== 'call' || !(s.fn in FLIP) || s.args.length !== 2) return s;
  let [a, b] = s.args as [Scalar, Scalar];
  let op = s.fn;
  if (lit(a)) {
    [a, b] = [b, a];
    op = FLIP[op]!;
  }
  if (a.kind !== 'cast' || a.safe || !isDate(a.arg.type) || !isTimestamp(a.type) || !lit(b) || !isTimestamp(b.type)) return s;
  const us = micros(b);
  const day = floorDiv(us, DAY_US);
  const midnight = us === day * DAY_US;
  const date = (d: bigint): Scalar => ({ kind: 'literal', value: Number(d), type: T.date });
  const call = (fn: string, x: Scalar): Scalar => ({ kind: 'call', fn, args: [a.arg, x], type: T.bool });
  if (midnight) return call(op, date(day));
  switch (op) {
    case '<':
    case '<=':
      return call('<=', date(day));
    case '>':
    case '>=':
      return call('>', date(day));
    default:
      return s;
  }
}

const conjunctsOf = (s: Scalar): Scalar[] => (s.kind === 'call' && s.fn === 'and' ? s.args.flatMap(conjunctsOf) : [s]);
const disjunctsOf = (s: Scalar): Scalar[] => (s.kind === 'call' && s.fn === 'or' ? s.args.flatMap(disjunctsOf) : [s]);
const and = (xs: readonly Scalar[]): Scalar => (xs.length === 1 ? xs[0]! : { kind: 'call', fn: 'and', args: xs, type: T.bool });

/**
 * `(a AND b) OR (a AND c)` → `a AND (b OR c)`: conjuncts every branch of an OR shares become
 * conjuncts of their own, so a join key inside the branches (TPC-H Q19's `p_partkey = l_partkey`)
 * becomes a join key instead of a cross join filtered afterwards. Returns the conjuncts.
 */
export function factorOr(s: Scalar): Scalar[] {
  const branches = disjunctsOf(s);
  if (branches.length < 2) return [s];
  const sets = branches.map((b) => conjunctsOf(b));
  const common = sets[0]!.filter((c) => sets.every((xs) => xs.some((x) => scalarKey(x) === scalarKey(c))));
  if (common.length === 0) return [s];
  const keys = new Set(common.map(scalarKey));
  const rests = sets.map((xs) => xs.filter((x) => !keys.has(scalarKey(x))));
  // A branch with nothing left is TRUE: the OR holds whenever the common part does.
  if (rests.some((r) => r.length === 0)) return common;
  return [...common, { kind: 'call', fn: 'or', args: rests.map(and), type: T.bool }];
}
