/**
 * Expression kernels against a naive per-row evaluator written independently here, on random
 * typed expression trees over random rows (NaN, -0, infinities, int32/int64 extremes, empty and
 * non-ASCII strings, NULLs). Row-level errors (overflow, bad casts) must surface as the same
 * error code from the vectorised evaluation.
 */
import { Bool, type DataType, Float64, Int32, Int64, Utf8 } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { EngineError } from '../../../errors.js';
import type { Scalar } from '../../../logical/plan.js';
import { call, caseWhen, cast, col, inList, lit } from '../../../logical/plan-build.js';
import { compilePredicate, compileScalar } from '../../../physical/expr/compile.js';
import { valueAt } from '../../../physical/expr/col.js';
import { batchOf, norm, type Row, schemaOf } from './helpers.js';

const I32 = new Int32(), I64 = new Int64(), F64 = new Float64(), UTF8 = new Utf8(), BOOL = new Bool();
const S = schemaOf({ a: I32, b: I32, g: I64, h: I64, x: F64, y: F64, s: UTF8, t: UTF8, p: BOOL });

type Ty = 'i32' | 'i64' | 'f64' | 'bool' | 'str';

const i32v = fc.option(fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom(2147483647, -2147483648, 65536, 46341)), { nil: null, freq: 6 });
const i64v = fc.option(fc.oneof(fc.bigInt({ min: -5n, max: 5n }), fc.constantFrom(2n ** 63n - 1n, -(2n ** 63n), 2n ** 53n + 1n, 2n ** 32n, -(2n ** 31n))), { nil: null, freq: 6 });
const f64v = fc.option(fc.oneof(fc.integer({ min: -4, max: 4 }).map((x) => x / 2), fc.constantFrom(NaN, -0, Infinity, -Infinity, 1e300, 0.1)), { nil: null, freq: 6 });
const strv = fc.option(fc.constantFrom('', 'a', 'ab', 'B', 'héllo', '🦆x', 'a%b', '  pad ', 'A_c'), { nil: null, freq: 6 });
const rowArb = fc.record({ a: i32v, b: i32v, g: i64v, h: i64v, x: f64v, y: f64v, s: strv, t: strv, p: fc.option(fc.boolean(), { nil: null, freq: 5 }) });

const table = batchOf(S, []);
const C = (n: string): Scalar => col(table.schema, n);

/** Random typed expressions. */
function exprArb(ty: Ty, depth: number): fc.Arbitrary<Scalar> {
  const leaf: Record<Ty, fc.Arbitrary<Scalar>> = {
    i32: fc.oneof(fc.constantFrom(C('a'), C('b')), i32v.map((v) => lit(v, I32))),
    i64: fc.oneof(fc.constantFrom(C('g'), C('h')), i64v.map((v) => lit(v, I64))),
    f64: fc.oneof(fc.constantFrom(C('x'), C('y')), f64v.map((v) => lit(v, F64))),
    str: fc.oneof(fc.constantFrom(C('s'), C('t')), strv.map((v) => lit(v, UTF8))),
    bool: fc.oneof(fc.constantFrom(C('p')), fc.constantFrom(lit(true), lit(false), lit(null, BOOL))),
  };
  if (depth === 0) return leaf[ty];
  const sub = (t: Ty): fc.Arbitrary<Scalar> => exprArb(t, depth - 1);
  const bin = (t: Ty, ops: readonly string[]): fc.Arbitrary<Scalar> => fc.tuple(fc.constantFrom(...ops), sub(t), sub(t)).map(([op, l, r]) => call(op, [l, r]));
  const options: Record<Ty, fc.Arbitrary<Scalar>[]> = {
    i32: [bin('i32', ['+', '-', '*', '//', '%']), sub('i32').map((e) => call('neg', [e])), sub('i32').map((e) => call('abs', [e])), fc.tuple(sub('i32'), sub('i32')).map(([l, r]) => call('coalesce', [l, r])), sub('f64').map((e) => cast(e, I32, true))],
    i64: [bin('i64', ['+', '-', '*', '//', '%']), sub('i32').map((e) => cast(e, I64)), sub('i64').map((e) => call('neg', [e]))],
    f64: [bin('f64', ['+', '-', '*', '/', '%']), bin('i32', ['/']), sub('f64').map((e) => call('round', [e, lit(1)])), sub('f64').map((e) => call('floor', [e])), sub('i64').map((e) => cast(e, F64))],
    str: [
      bin('str', ['||']),
      sub('str').map((e) => call('upper', [e])),
      fc.tuple(sub('str'), fc.integer({ min: -3, max: 4 }), fc.integer({ min: -1, max: 3 })).map(([e, a, b]) => call('substr', [e, lit(a), lit(b)])),
      sub('str').map((e) => call('trim', [e])),
      sub('i32').map((e) => cast(e, UTF8)),
      fc.tuple(sub('bool'), sub('str'), sub('str')).map(([w, a, b]) => caseWhen([{ when: w, then: a }], b)),
    ],
    bool: [
      fc.tuple(fc.constantFrom('=', '<>', '<', '<=', '>', '>='), fc.constantFrom<Ty>('i32', 'i64', 'f64', 'str')).chain(([op, t]) => fc.tuple(sub(t), sub(t)).map(([l, r]) => call(op, [l, r]))),
      bin('bool', ['and', 'or']),
      sub('bool').map((e) => call('not', [e])),
      fc.constantFrom<Ty>('i32', 'str', 'f64').chain((t) => sub(t).map((e) => call('is_null', [e]))),
      fc.tuple(sub('str'), fc.constantFrom('a%', '%b', '%b%', 'a_', '', '%', 'A\\_c', 'h_llo')).map(([e, pat]) => call(pat.includes('\\') ? 'like' : 'like', pat.includes('\\') ? [e, lit(pat), lit('\\')] : [e, lit(pat)])),
      fc.tuple(sub('i32'), fc.array(i32v, { minLength: 1, maxLength: 3 }), fc.boolean()).map(([e, xs, neg]) => inList(e, xs.map((v) => lit(v, I32)), neg)),
      fc.tuple(sub('f64'), sub('f64')).map(([l, r]) => call('is_distinct_from', [l, r])),
    ],
  };
  return fc.oneof({ weight: 1, arbitrary: leaf[ty] }, ...options[ty].map((a) => ({ weight: 2, arbitrary: a })));
}

class RowError extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

const utf8 = (s: string): Buffer => Buffer.from(s);
const cps = (s: string): string[] => Array.from(s);
function roundEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
const i32ok = (v: number): number => {
  if (v > 2147483647 || v < -2147483648) throw new RowError('numeric-overflow');
  return v + 0; // an INTEGER has no -0
};
const i64ok = (v: bigint): bigint => {
  if (v !== BigInt.asIntN(64, v)) throw new RowError('numeric-overflow');
  return v;
};
function cmp3(a: unknown, b: unknown): number {
  if (typeof a === 'string') return Buffer.compare(utf8(a), utf8(b as string));
  if (typeof a === 'bigint') return a < (b as bigint) ? -1 : a > (b as bigint) ? 1 : 0;
  const x = a as number, y = b as number;
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : -1;
  return x < y ? -1 : x > y ? 1 : 0;
}
function likeRe(p: string, esc: string | null): RegExp {
  let re = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (esc && c === esc) re += p[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (c === '%') re += '[\\s\\S]*';
    else if (c === '_') re += '.';
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'su');
}

/** The naive evaluator (SQL semantics, DuckDB's choices). */
function naive(e: Scalar, r: Row): unknown {
  switch (e.kind) {
    case 'column': return r[e.name] ?? null;
    case 'literal': return e.value;
    case 'cast': {
      const v = naive(e.arg, r);
      if (v === null) return null;
      const to = e.type;
      if (to.typeId === I32.typeId && (to as Int32).bitWidth === 32) {
        const n = Number(v);
        if (!Number.isFinite(n) || roundEven(n) > 2147483647 || roundEven(n) < -2147483648) {
          if (e.safe) return null;
          throw new RowError('numeric-overflow');
        }
        return roundEven(n) + 0;
      }
      if (to.typeId === I64.typeId) return BigInt(v as number);
      if (to.typeId === F64.typeId) return Number(v);
      if (to.typeId === UTF8.typeId) return String(v);
      throw new Error(`naive cast to ${String(to)}`);
    }
    case 'case': {
      for (const w of e.whens) if (naive(w.when, r) === true) return naive(w.then, r);
      return e.else ? naive(e.else, r) : null;
    }
    case 'in_list': {
      const v = naive(e.arg, r);
      if (v === null) return null;
      const xs = e.list.map((x) => naive(x, r));
      if (xs.some((x) => x !== null && cmp3(v, x) === 0)) return !e.negated;
      return xs.some((x) => x === null) ? null : e.negated;
    }
    case 'call': {
      const f = e.fn;
      if (f === 'and' || f === 'or') {
        // Left to right, stopping at the deciding value (as DuckDB's selection vectors do).
        const dominant = f === 'or';
        let sawNull = false;
        for (const a of e.args) {
          const v = naive(a, r);
          if (v === dominant) return dominant;
          if (v === null) sawNull = true;
        }
        return sawNull ? null : !dominant;
      }
      if (f === 'is_null') return naive(e.args[0]!, r) === null;
      if (f === 'coalesce') {
        for (const a of e.args) {
          const v = naive(a, r);
          if (v !== null) return v;
        }
        return null;
      }
      if (f === 'is_distinct_from') {
        const [a, b] = e.args.map((x) => naive(x, r));
        if (a === null || b === null) return a !== b;
        return cmp3(a, b) !== 0;
      }
      const vs = e.args.map((a) => naive(a, r));
      if (vs.some((v) => v === null)) return null;
      const [a, b, c] = vs as [unknown, unknown, unknown];
      const t = e.type as DataType;
      const isI32 = t.typeId === I32.typeId && (t as Int32).bitWidth === 32;
      const isI64 = t.typeId === I64.typeId && (t as Int64).bitWidth === 64;
      switch (f) {
        case '+': case '-': case '*': {
          if (typeof a === 'bigint') return i64ok(f === '+' ? a + (b as bigint) : f === '-' ? a - (b as bigint) : a * (b as bigint));
          const v = f === '+' ? (a as number) + (b as number) : f === '-' ? (a as number) - (b as number) : (a as number) * (b as number);
          return isI32 ? i32ok(v) : v;
        }
        case '/': return Number(a) / Number(b);
        case '//': case '%': {
          if (typeof a === 'bigint') return (b as bigint) === 0n ? null : i64ok(f === '//' ? a / (b as bigint) : a % (b as bigint));
          if (!isI32 && !isI64) return f === '//' ? (b === 0 ? null : (a as number) / (b as number)) : (a as number) % (b as number);
          if (b === 0) return null;
          return f === '//' ? i32ok(Math.trunc((a as number) / (b as number))) : i32ok((a as number) % (b as number));
        }
        case 'neg': return typeof a === 'bigint' ? i64ok(-a) : isI32 ? i32ok(-(a as number)) : -(a as number);
        case 'abs': return i32ok(Math.abs(a as number));
        case 'round': {
          const x = a as number, f10 = 10 ** Number(b);
          const rr = (x * f10 < 0 ? -Math.round(-x * f10) : Math.round(x * f10)) / f10;
          return Number.isFinite(rr) ? rr : x;
        }
        case 'floor': return Math.floor(a as number);
        case '=': return cmp3(a, b) === 0;
        case '<>': return cmp3(a, b) !== 0;
        case '<': return cmp3(a, b) < 0;
        case '<=': return cmp3(a, b) <= 0;
        case '>': return cmp3(a, b) > 0;
        case '>=': return cmp3(a, b) >= 0;
        case 'not': return !a;
        case '||': return (a as string) + (b as string);
        case 'upper': return cps(a as string).map((ch) => (ch.toUpperCase().length === 1 ? ch.toUpperCase() : ch)).join('');
        case 'trim': return (a as string).replace(/^ +| +$/g, '');
        case 'like': return likeRe(b as string, (c as string | undefined) ?? null).test(a as string);
        case 'substr': {
          const s = cps(a as string), start = Number(b), len = Number(c);
          let from = start > 0 ? start - 1 : start < 0 ? s.length + start : -1;
          let to = from + len;
          if (len < 0) [from, to] = [from + len, from];
          return s.slice(Math.max(0, from), Math.max(0, Math.min(s.length, to))).join('');
        }
        default: throw new Error(`naive: ${f}`);
      }
    }
  }
}

describe('expression kernels match a naive per-row evaluator', () => {
  for (const ty of ['i32', 'i64', 'f64', 'str', 'bool'] as const) {
    it(`${ty} expressions`, () => {
      fc.assert(
        fc.property(exprArb(ty, 3), fc.array(rowArb, { maxLength: 20 }), (e, rows) => {
          const b = batchOf(S, rows);
          let expected: unknown[] | RowError;
          try {
            expected = rows.map((r) => naive(e, r));
          } catch (err) {
            if (!(err instanceof RowError)) throw err;
            expected = err;
          }
          let actual: unknown[] | EngineError;
          try {
            const c = compileScalar(e, S);
            const out = c.evaluate(b.data.children, b.numRows);
            actual = rows.map((_, i) => valueAt(out, i));
          } catch (err) {
            if (!(err instanceof EngineError)) throw err;
            actual = err;
          }
          if (expected instanceof RowError) {
            expect(actual).toBeInstanceOf(EngineError);
            expect((actual as EngineError).code).toBe(expected.code);
          } else {
            if (actual instanceof EngineError) throw actual;
            expect(actual.map(norm)).toEqual(expected.map(norm));
          }
        }),
        { numRuns: 400 },
      );
    });
  }
});

describe('predicates', () => {
  it('a bare Bool column predicate leaves the column intact for the other slices of its buffer', () => {
    const rows = [true, true, true, true, false].map((p) => ({ p }));
    const whole = batchOf(schemaOf({ p: BOOL }), rows);
    const pred = compilePredicate(col(whole.schema, 'p'), whole.schema);
    const first = whole.slice(0, 3), rest = whole.slice(3, 5);
    expect(pred.select(first.data.children, 3)).toBeNull();
    expect(Array.from(pred.select(rest.data.children, 2) ?? [])).toEqual([0]);
  });
});
