/**
 * Simple predicates for Vortex file reads: `column op literal`, null tests, IN, and/or/not.
 * Zone maps prune whole chunks (a tri-state verdict per zone range); rows are then filtered
 * exactly, so results never depend on how much was pruned.
 */
import type { Vector } from 'apache-arrow';

import { EngineError } from '../../errors.js';

export type Literal = number | bigint | string | boolean | Date | null;
export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type Predicate =
  | { readonly op: CompareOp; readonly column: string; readonly value: Literal }
  | { readonly op: 'is_null' | 'is_not_null'; readonly column: string }
  | { readonly op: 'in'; readonly column: string; readonly values: readonly Literal[] }
  | { readonly op: 'and' | 'or'; readonly args: readonly Predicate[] }
  | { readonly op: 'not'; readonly arg: Predicate };

/** Builders: `and(gt('price', 10), isNull('tag'))`. */
export const eq = (column: string, value: Literal): Predicate => ({ op: '=', column, value });
export const ne = (column: string, value: Literal): Predicate => ({ op: '!=', column, value });
export const lt = (column: string, value: Literal): Predicate => ({ op: '<', column, value });
export const le = (column: string, value: Literal): Predicate => ({ op: '<=', column, value });
export const gt = (column: string, value: Literal): Predicate => ({ op: '>', column, value });
export const ge = (column: string, value: Literal): Predicate => ({ op: '>=', column, value });
export const isNull = (column: string): Predicate => ({ op: 'is_null', column });
export const isNotNull = (column: string): Predicate => ({ op: 'is_not_null', column });
export const isIn = (column: string, values: readonly Literal[]): Predicate => ({ op: 'in', column, values });
export const and = (...args: Predicate[]): Predicate => ({ op: 'and', args });
export const or = (...args: Predicate[]): Predicate => ({ op: 'or', args });
export const not = (arg: Predicate): Predicate => ({ op: 'not', arg });

/** Columns a predicate reads. */
export function predicateColumns(p: Predicate, out = new Set<string>()): Set<string> {
  switch (p.op) {
    case 'and':
    case 'or':
      for (const a of p.args) predicateColumns(a, out);
      break;
    case 'not':
      predicateColumns(p.arg, out);
      break;
    default:
      out.add(p.column);
  }
  return out;
}

export type Comparable = number | bigint | string | boolean;

function normalize(v: unknown): Comparable | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('latin1');
  throw new EngineError('invalid-argument', `cannot compare value of type ${typeof v}`);
}

function isNullValue(v: unknown): boolean {
  return v === null || v === undefined;
}

/** Three-way comparison across number/bigint mixes; NaN sorts above everything (as in Vortex). */
export function compare(a: Comparable, b: Comparable): number {
  if (typeof a === 'bigint' || typeof b === 'bigint') {
    if (typeof a === 'number' && !Number.isInteger(a)) return a < Number(b) ? -1 : a > Number(b) ? 1 : 0;
    if (typeof b === 'number' && !Number.isInteger(b)) return Number(a) < b ? -1 : Number(a) > b ? 1 : 0;
    const x = BigInt(a as number | bigint), y = BigInt(b as number | bigint);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
    if (Number.isNaN(b)) return -1;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether comparison result `c` satisfies `op`. */
export function holds(op: CompareOp, c: number): boolean {
  switch (op) {
    case '=': return c === 0;
    case '!=': return c !== 0;
    case '<': return c < 0;
    case '<=': return c <= 0;
    case '>': return c > 0;
    case '>=': return c >= 0;
  }
}

/** Per-row evaluation with SQL semantics (null compares to null ⇒ row excluded). */
export function evalRow(p: Predicate, get: (column: string) => unknown): boolean | null {
  switch (p.op) {
    case 'and': {
      let sawNull = false;
      for (const a of p.args) {
        const r = evalRow(a, get);
        if (r === false) return false;
        if (r === null) sawNull = true;
      }
      return sawNull ? null : true;
    }
    case 'or': {
      let sawNull = false;
      for (const a of p.args) {
        const r = evalRow(a, get);
        if (r === true) return true;
        if (r === null) sawNull = true;
      }
      return sawNull ? null : false;
    }
    case 'not': {
      const r = evalRow(p.arg, get);
      return r === null ? null : !r;
    }
    // Null tests accept any value, including lists, structs and maps (not comparable otherwise).
    case 'is_null': return isNullValue(get(p.column));
    case 'is_not_null': return !isNullValue(get(p.column));
    case 'in': {
      const v = normalize(get(p.column));
      if (v === null) return null;
      let sawNull = false;
      for (const lit of p.values) {
        const l = normalize(lit);
        if (l === null) sawNull = true;
        else if (compare(v, l) === 0) return true;
      }
      return sawNull ? null : false;
    }
    default: {
      const v = normalize(get(p.column));
      const l = normalize(p.value);
      if (v === null || l === null) return null;
      return holds(p.op, compare(v, l));
    }
  }
}

/** Zone statistics of one column over a row range, as far as they are known. */
export interface ZoneStats {
  min?: Comparable | null;
  max?: Comparable | null;
  /** Bounds rather than exact values (truncated strings). */
  inexact?: boolean;
  nullCount?: number | null;
  nanCount?: number | null;
  rows: number;
}

/** 'none' = no row can match, 'all' = every row matches, 'some' = unknown. */
export type Verdict = 'none' | 'all' | 'some';

/** Tri-state verdict of `p` from zone statistics; `stats(column)` returns undefined if unknown. */
export function evalZone(p: Predicate, stats: (column: string) => ZoneStats | undefined): Verdict {
  switch (p.op) {
    case 'and': {
      let all = true;
      for (const a of p.args) {
        const v = evalZone(a, stats);
        if (v === 'none') return 'none';
        if (v !== 'all') all = false;
      }
      return all ? 'all' : 'some';
    }
    case 'or': {
      let none = true;
      for (const a of p.args) {
        const v = evalZone(a, stats);
        if (v === 'all') return 'all';
        if (v !== 'none') none = false;
      }
      return none ? 'none' : 'some';
    }
    case 'not': {
      const v = evalZone(p.arg, stats);
      // not(x) is 'none' only when x holds (non-null) for every row.
      return v === 'all' ? 'none' : v === 'none' ? 'some' : 'some';
    }
  }
  const s = stats(p.column);
  if (!s) return 'some';
  const nulls = s.nullCount ?? null;
  if (p.op === 'is_null') {
    if (nulls === 0) return 'none';
    if (nulls === s.rows) return 'all';
    return 'some';
  }
  if (p.op === 'is_not_null') {
    if (nulls === s.rows) return 'none';
    if (nulls === 0) return 'all';
    return 'some';
  }
  if (nulls === s.rows) return 'none'; // every comparison with null is null
  if (s.nanCount !== undefined && s.nanCount !== 0) return 'some';
  const min = s.min === undefined ? null : s.min;
  const max = s.max === undefined ? null : s.max;
  const exact = !s.inexact;
  const lits = p.op === 'in' ? p.values.map(normalize) : [normalize((p as { value: Literal }).value)];
  if (lits.some((l) => l === null) && p.op !== 'in') return 'none';
  const cmpOp: CompareOp = p.op === 'in' ? '=' : p.op;
  const anyMayMatch = (l: Comparable): Verdict => {
    const op = cmpOp;
    const cMin = min === null ? null : compare(min, l);
    const cMax = max === null ? null : compare(max, l);
    switch (op) {
      case '=':
        if ((cMin !== null && cMin > 0) || (cMax !== null && cMax < 0)) return 'none';
        if (exact && cMin === 0 && cMax === 0 && nulls === 0) return 'all';
        return 'some';
      case '!=':
        if (exact && cMin === 0 && cMax === 0) return 'none';
        if (((cMin !== null && cMin > 0) || (cMax !== null && cMax < 0)) && nulls === 0) return 'all';
        return 'some';
      case '<':
        if (cMin !== null && cMin >= 0) return 'none';
        if (exact && cMax !== null && cMax < 0 && nulls === 0) return 'all';
        return 'some';
      case '<=':
        if (cMin !== null && cMin > 0) return 'none';
        if (exact && cMax !== null && cMax <= 0 && nulls === 0) return 'all';
        return 'some';
      case '>':
        if (cMax !== null && cMax <= 0) return 'none';
        if (exact && cMin !== null && cMin > 0 && nulls === 0) return 'all';
        return 'some';
      case '>=':
        if (cMax !== null && cMax < 0) return 'none';
        if (exact && cMin !== null && cMin >= 0 && nulls === 0) return 'all';
        return 'some';
    }
  };
  const verdicts = lits.filter((l): l is Comparable => l !== null).map(anyMayMatch);
  if (verdicts.length === 0) return 'none';
  if (verdicts.some((v) => v === 'all')) return 'all';
  if (verdicts.every((v) => v === 'none')) return 'none';
  return 'some';
}

/** Reads element i of an Arrow vector as a comparable value. */
export function vectorValue(v: Vector, i: number): unknown {
  return v.get(i);
}
