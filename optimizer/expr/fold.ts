/**
 * Constant folding of calls whose arguments are literals, with the semantics of the physical
 * kernels (physical/expr): SQL nulls (a strict function of a NULL is NULL), Int32/Int64
 * overflow is an error at run time (so an overflowing constant is left unfolded, to fail as
 * the kernel would), division and modulo by zero give NULL, `/` is Float64.
 *
 * Folding only happens where the result is certain; anything else is left for the kernels.
 */
import type { DataType } from 'apache-arrow';
import { Type } from 'apache-arrow';

import type { Scalar } from '../../logical/plan.js';
import { compareValues, holds } from './values.js';

/**
 * Functions that return NULL whenever any argument is NULL. `and`, `or`, `coalesce`, `concat`,
 * `greatest`, `is_*`, `nullif`, list functions and aggregates are not in this list.
 */
export const STRICT = new Set([
  '+', '-', '*', '/', '//', '%', 'neg', '=', '<>', '<', '<=', '>', '>=', 'not', 'like', 'ilike', '||',
  'abs', 'sign', 'round', 'floor', 'ceil', 'trunc', 'sqrt', 'cbrt', 'ln', 'log10', 'log2', 'exp', 'power',
  'lower', 'upper', 'length', 'octet_length', 'substr', 'trim', 'ltrim', 'rtrim', 'replace', 'strpos',
  'starts_with', 'ends_with', 'left', 'right', 'lpad', 'rpad', 'reverse', 'repeat', 'ascii', 'chr',
  'split_part', 'date_trunc', 'date_add', 'date_sub', 'date_diff', 'make_date', 'epoch_ms', 'to_days', 'to_months', 'strftime',
]);
export const isStrict = (fn: string): boolean => STRICT.has(fn) || fn.startsWith('extract_');

const I32_MIN = -2147483648, I32_MAX = 2147483647;
const I64_MIN = -(1n << 63n), I64_MAX = (1n << 63n) - 1n;

type Num = 'i32' | 'i64' | 'f64';

function numKind(t: DataType): Num | undefined {
  if (t.typeId === Type.Float && String(t) === 'Float64') return 'f64';
  if (t.typeId !== Type.Int) return undefined;
  const { bitWidth, isSigned } = t as unknown as { bitWidth: number; isSigned: boolean };
  if (!isSigned) return undefined;
  return bitWidth === 32 ? 'i32' : bitWidth === 64 ? 'i64' : undefined;
}

const lit = (value: unknown, type: DataType): Scalar => ({ kind: 'literal', value, type });

/** `x op y` in the compute type; undefined when it would overflow (left to fail at run time) or is not exact. */
function arith(op: string, x: unknown, y: unknown, k: Num): { v: unknown } | undefined {
  if (k === 'i64') {
    if (typeof x !== 'bigint' || typeof y !== 'bigint') return undefined;
    let r: bigint;
    switch (op) {
      case '+': r = x + y; break;
      case '-': r = x - y; break;
      case '*': r = x * y; break;
      case '//': if (y === 0n) return { v: null }; r = x / y; break;
      case '%': if (y === 0n) return { v: null }; r = x % y; break;
      default: return undefined;
    }
    return r < I64_MIN || r > I64_MAX ? undefined : { v: r };
  }
  if (typeof x !== 'number' || typeof y !== 'number') return undefined;
  if (k === 'f64') {
    switch (op) {
      case '+': return { v: x + y };
      case '-': return { v: x - y };
      case '*': return { v: x * y };
      case '%': return y === 0 ? { v: null } : { v: x % y };
      default: return undefined; // '//' on floats: left to the kernel
    }
  }
  let r: number;
  switch (op) {
    case '+': r = x + y; break;
    case '-': r = x - y; break;
    case '*': r = x * y; break;
    case '//': if (y === 0) return { v: null }; r = Math.trunc(x / y); break;
    case '%': if (y === 0) return { v: null }; r = x % y; break;
    default: return undefined;
  }
  return r < I32_MIN || r > I32_MAX || !Number.isSafeInteger(r) ? undefined : { v: r + 0 };
}

const SAFE = 2 ** 53;
const toNumber = (v: unknown): number | undefined =>
  typeof v === 'number' ? v : typeof v === 'bigint' && v > -BigInt(SAFE) && v < BigInt(SAFE) ? Number(v) : undefined;

/**
 * The literal a call folds to, or undefined. Handles strict functions of a NULL argument (any
 * argument kinds), and arithmetic, comparisons, IS [NOT] DISTINCT FROM and `||` on literals.
 */
export function foldCall(s: Scalar & { kind: 'call' }): Scalar | undefined {
  const args = s.args;
  if (isStrict(s.fn) && args.some((a) => a.kind === 'literal' && a.value === null)) return lit(null, s.type);
  if (!args.every((a) => a.kind === 'literal')) return undefined;
  const vals = args.map((a) => (a as Scalar & { kind: 'literal' }).value);
  const [x, y] = vals;
  const t0 = args[0]?.type;
  switch (s.fn) {
    case '+': case '-': case '*': case '//': case '%': {
      const k = t0 && numKind(t0);
      if (!k || numKind(s.type) !== k || args.length !== 2) return undefined;
      const r = arith(s.fn, x, y, k);
      return r && lit(r.v, s.type);
    }
    case '/': {
      const a = toNumber(x), c = toNumber(y);
      if (a === undefined || c === undefined || numKind(s.type) !== 'f64') return undefined;
      return lit(c === 0 ? null : a / c, s.type);
    }
    case 'neg': {
      const k = t0 && numKind(t0);
      if (!k || numKind(s.type) !== k) return undefined;
      if (k === 'i64') return typeof x === 'bigint' && -x <= I64_MAX ? lit(-x, s.type) : undefined;
      if (typeof x !== 'number') return undefined;
      return k === 'f64' ? lit(-x, s.type) : -x > I32_MAX ? undefined : lit(-x + 0, s.type);
    }
    case '=': case '<>': case '<': case '<=': case '>': case '>=': {
      const c = t0 && compareValues(x, y, t0);
      return c === undefined ? undefined : lit(holds(s.fn, c), s.type);
    }
    case 'is_distinct_from': case 'is_not_distinct_from': {
      let same: boolean | undefined;
      if (x === null || y === null) same = x === y;
      else {
        const c = t0 && compareValues(x, y, t0);
        same = c === undefined ? undefined : c === 0;
      }
      return same === undefined ? undefined : lit(s.fn === 'is_distinct_from' ? !same : same, s.type);
    }
    case 'is_null': return lit(x === null, s.type);
    case 'is_not_null': return lit(x !== null, s.type);
    case 'is_true': return lit(x === true, s.type);
    case 'is_false': return lit(x === false, s.type);
    case '||': return typeof x === 'string' && typeof y === 'string' ? lit(x + y, s.type) : undefined;
    default:
      return undefined;
  }
}
