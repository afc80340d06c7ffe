/**
 * SQL semantics of literal values, as the physical kernels implement them (physical/expr):
 * numbers compare by value with NaN equal to NaN and greater than everything (DuckDB), -0
 * equal to 0; strings in code-point order (UTF-8 byte order); false < true. Values use the
 * physical representation of logical/plan-build.ts (Int64/Timestamp as bigint, Date as days).
 */
import type { DataType } from 'apache-arrow';
import { Type } from 'apache-arrow';

/** Code-point order (what comparing UTF-8 bytes gives), unlike JS `<` on UTF-16 code units. */
export function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!, y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

function compareNumbers(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Three-way comparison of two non-null values of `type`; undefined when this module does not know the type. */
export function compareValues(a: unknown, b: unknown, type: DataType): number | undefined {
  switch (type.typeId) {
    case Type.Bool:
      return typeof a === 'boolean' && typeof b === 'boolean' ? Number(a) - Number(b) : undefined;
    case Type.Int:
    case Type.Float:
    case Type.Date:
    case Type.Timestamp:
      if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
      if (typeof a === 'number' && typeof b === 'number') return compareNumbers(a, b);
      return undefined;
    case Type.Utf8:
    case Type.LargeUtf8:
      return typeof a === 'string' && typeof b === 'string' ? compareStrings(a, b) : undefined;
    default:
      return undefined;
  }
}

/** Whether a comparison result satisfies `op`. */
export function holds(op: string, c: number): boolean | undefined {
  switch (op) {
    case '=': return c === 0;
    case '<>': return c !== 0;
    case '<': return c < 0;
    case '<=': return c <= 0;
    case '>': return c > 0;
    case '>=': return c >= 0;
    default: return undefined;
  }
}

/** The comparison `NOT (a op b)` is `a inverse(op) b` (nulls stay null). */
export const INVERSE: Readonly<Record<string, string>> = { '=': '<>', '<>': '=', '<': '>=', '>=': '<', '>': '<=', '<=': '>' };
/** `a op b` is `b flip(op) a`. */
export const FLIP: Readonly<Record<string, string>> = { '=': '=', '<>': '<>', '<': '>', '>': '<', '<=': '>=', '>=': '<=' };
