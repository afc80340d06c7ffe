/**
 * Vectorised aggregate states for hash aggregation and windows: each accumulator holds one
 * state per group in typed arrays and is updated a whole column at a time from a group-id
 * array (`groups[i] < 0` skips row i). Null inputs are skipped except where SQL counts them
 * (first / last / list include NULLs, count_star counts rows).
 *
 * Integer sums are exact: doubles while below 2^52, BigInt per group past that.
 */
import { type DataType, Int64, Type } from 'apache-arrow';

import { ExecutionError, InternalError } from '../../errors.js';
import { isFloat, isInt64 } from '../../logical/functions.js';
import { bytesFor, getBit, setBit } from '../expr/bits.js';
import { type Col, flatCol, valueAt } from '../expr/col.js';
import { compareBytes, compareValues } from '../expr/compare.js';
import { rowWriter } from '../expr/kernel.js';
import { keyKind } from './hash.js';

export interface Accumulator {
  /** Makes room for groups 0..count-1. */
  ensure(count: number): void;
  /**
   * Adds rows: groups[i] is row i's group (-1: skip). `rowCounts`, when given, holds per group
   * the number of rows of this batch with that group (so counting needs no per-row pass).
   */
  update(groups: Int32Array, args: readonly Col[], n: number, rowCounts?: Float64Array | null): void;
  /** Whether update() can use per-group row counts. */
  readonly usesRowCounts?: boolean;
  /** Results of groups 0..count-1. */
  finish(count: number): Col;
}

const growF = (a: Float64Array<ArrayBuffer>, n: number): Float64Array<ArrayBuffer> => {
  if (n <= a.length) return a;
  const b = new Float64Array(Math.max(n, a.length * 2));
  b.set(a);
  return b;
};
const growU8 = (a: Uint8Array<ArrayBuffer>, n: number): Uint8Array<ArrayBuffer> => {
  if (n <= a.length) return a;
  const b = new Uint8Array(Math.max(n, a.length * 2));
  b.set(a);
  return b;
};

const validAt = (c: Col, i: number): boolean => (c.isConst ? c.value !== null : !c.validity || getBit(c.validity, i));

class CountStar implements Accumulator {
  readonly usesRowCounts = true;
  private n = new Float64Array(16);
  ensure(count: number): void {
    this.n = growF(this.n, count);
  }
  update(groups: Int32Array, _args: readonly Col[], n: number, rowCounts?: Float64Array | null): void {
    const c = this.n;
    if (rowCounts) {
      for (let g = 0; g < rowCounts.length; g++) c[g]! += rowCounts[g]!;
      return;
    }
    for (let i = 0; i < n; i++) {
      const g = groups[i]!;
      if (g >= 0) c[g]!++;
    }
  }
  finish(count: number): Col {
    return int64Col(this.n, count);
  }
}

function int64Col(v: Float64Array, count: number, seen?: Uint8Array): Col {
  const out = new BigInt64Array(count);
  const o = new Int32Array(out.buffer);
  for (let g = 0; g < count; g++) {
    const x = v[g]!;
    const hi = Math.floor(x / 4294967296);
    o[2 * g + 1] = hi;
    o[2 * g] = x - hi * 4294967296;
  }
  return flatCol(INT64, count, out, seen ? validityFrom(seen, count) : null);
}

const INT64 = new Int64();

function validityFrom(seen: Uint8Array, count: number): Uint8Array | null {
  let all = true;
  const v = new Uint8Array(bytesFor(count));
  for (let g = 0; g < count; g++) {
    if (seen[g]) setBit(v, g);
    else all = false;
  }
  return all ? null : v;
}

class Count implements Accumulator {
  readonly usesRowCounts = true;
  private n = new Float64Array(16);
  ensure(count: number): void {
    this.n = growF(this.n, count);
  }
  update(groups: Int32Array, args: readonly Col[], n: number, rowCounts?: Float64Array | null): void {
    const a = args[0]!, c = this.n;
    if (rowCounts && !a.isConst && !a.validity) {
      for (let g = 0; g < rowCounts.length; g++) c[g]! += rowCounts[g]!;
      return;
    }
    if (a.isConst) {
      if (a.value === null) return;
      for (let i = 0; i < n; i++) if (groups[i]! >= 0) c[groups[i]!]!++;
      return;
    }
    const v = a.validity;
    for (let i = 0; i < n; i++) {
      const g = groups[i]!;
      if (g >= 0 && (!v || getBit(v, i))) c[g]!++;
    }
  }
  finish(count: number): Col {
    return int64Col(this.n, count);
  }
}

/** s[groups[i]] += v[i] for rows with a group (-1 skips: a group-sized spare slot takes them). */
function sumInto(s: Float64Array, groups: Int32Array, v: ArrayLike<number>, n: number): void {
  for (let i = 0; i < n; i++) {
    const g = groups[i]!;
    if (g >= 0) s[g]! += v[i]!;
  }
}

/** Per group, the number of rows of a batch (groups[i] < 0 skipped). */
export function rowCountsOf(groups: Int32Array, n: number, count: number): Float64Array {
  const c = new Float64Array(count);
  for (let i = 0; i < n; i++) {
    const g = groups[i]!;
    if (g >= 0) c[g]!++;
  }
  return c;
}

/** Sum / avg of doubles (and sums of integers into Float64 results). */
export class FloatSum implements Accumulator {
  readonly usesRowCounts = true;
  private s = new Float64Array(16);
  private c = new Float64Array(16);
  constructor(
    private readonly avg: boolean,
    private readonly type: DataType,
  ) {}
  ensure(count: number): void {
    this.s = growF(this.s, count);
    this.c = growF(this.c, count);
  }
  update(groups: Int32Array, args: readonly Col[], n: number, rowCounts?: Float64Array | null): void {
    const a = args[0]!, s = this.s, c = this.c;
    if (a.isConst) {
      if (a.value === null) return;
      const x = Number(a.value);
      for (let i = 0; i < n; i++) {
        const g = groups[i]!;
        if (g >= 0) {
          s[g]! += x;
          c[g]!++;
        }
      }
      return;
    }
    const v = a.values as unknown as ArrayLike<number>, valid = a.validity;
    if (!valid && rowCounts) {
      for (let g = 0; g < rowCounts.length; g++) c[g]! += rowCounts[g]!;
      sumInto(s, groups, v, n);
      return;
    }
    if (!valid) {
      for (let i = 0; i < n; i++) {
        const g = groups[i]!;
        if (g >= 0) {
          s[g]! += v[i]!;
          c[g]!++;
        }
      }
      return;
    }
    for (let i = 0; i < n; i++) {
      const g = groups[i]!;
      if (g >= 0 && getBit(valid, i)) {
        s[g]! += v[i]!;
        c[g]!++;
      }
    }
  }
  finish(count: number): Col {
    return this.result(count, this.avg, this.type);
  }
  /**
   * Another sum / avg of the same argument (no FILTER, DISTINCT or ORDER BY) as a reader of
   * this state: its update does nothing (TPC-H Q1's sum(x) and avg(x)).
   */
  reader(avg: boolean, type: DataType): Accumulator {
    return { ensure: () => undefined, update: () => undefined, finish: (count) => this.result(count, avg, type) };
  }
  private result(count: number, avg: boolean, type: DataType): Col {
    const out = new Float64Array(count), seen = new Uint8Array(count);
    for (let g = 0; g < count; g++) {
      const k = this.c[g]!;
      seen[g] = k > 0 ? 1 : 0;
      out[g] = avg ? this.s[g]! / k : this.s[g]!;
    }
    return flatCol(type, count, out, validityFrom(seen, count));
  }
}

const LIMIT = 4503599627370496; // 2^52

/** Exact integer sums (Int64 result) from Int32 or Int64 input. */
class IntSum implements Accumulator {
  private s = new Float64Array(16);
  private seen = new Uint8Array(16);
  private big = new Map<number, bigint>();
  ensure(count: number): void {
    this.s = growF(this.s, count);
    this.seen = growU8(this.seen, count);
  }
  private spill(g: number, x: bigint): void {
    this.big.set(g, (this.big.get(g) ?? 0n) + BigInt(this.s[g]!) + x);
    this.s[g] = 0;
  }
  update(groups: Int32Array, args: readonly Col[], n: number): void {
    const a = args[0]!, s = this.s, seen = this.seen;
    const wide = isInt64(a.type);
    const w = !a.isConst && wide ? new Int32Array(a.values!.buffer, a.values!.byteOffset, n * 2) : null;
    const v = !a.isConst && !wide ? (a.values as unknown as ArrayLike<number>) : null;
    const valid = a.validity;
    const cv = a.isConst ? a.value : null;
    if (a.isConst && cv === null) return;
    if (v && !valid) {
      // The common case: 32-bit integers without NULLs.
      for (let i = 0; i < n; i++) {
        const g = groups[i]!;
        if (g < 0) continue;
        seen[g] = 1;
        const x = v[i]!;
        const t = s[g]! + x;
        if (t >= LIMIT || t <= -LIMIT) this.spill(g, BigInt(x));
        else s[g] = t;
      }
      return;
    }
    for (let i = 0; i < n; i++) {
      const g = groups[i]!;
      if (g < 0 || (valid && !getBit(valid, i))) continue;
      seen[g] = 1;
      let x: number;
      if (v) x = v[i]!;
      else if (w) {
        const hi = w[2 * i + 1]!;
        if (hi >= -1048576 && hi < 1048576) x = hi * 4294967296 + (w[2 * i]! >>> 0);
        else {
          this.spill(g, (a.values as BigInt64Array)[i]!);
          continue;
        }
      } else {
        const b = BigInt(cv as bigint);
        if (b > BigInt(LIMIT) || b < -BigInt(LIMIT)) {
          this.spill(g, b);
          continue;
        }
        x = Number(b);
      }
      const t = s[g]! + x;
      if (t >= LIMIT || t <= -LIMIT) this.spill(g, BigInt(x));
      else s[g] = t;
    }
  }
  finish(count: number): Col {
    if (this.big.size === 0) return int64Col(this.s, count, this.seen);
    const out = new BigInt64Array(count);
    for (let g = 0; g < count; g++) {
      const t = (this.big.get(g) ?? 0n) + BigInt(this.s[g]!);
      if (t !== BigInt.asIntN(64, t)) throw new ExecutionError('numeric-overflow', `Overflow in SUM: ${t} does not fit BIGINT`);
      out[g] = t;
    }
    return flatCol(INT64, count, out, validityFrom(this.seen, count));
  }
}

/** min / max: numbers in doubles; other kinds through their comparisons. */
class Extreme implements Accumulator {
  private num = new Float64Array(16);
  private seen = new Uint8Array(16);
  private vals: unknown[] = [];
  private bytes: (Uint8Array | null)[] = [];
  constructor(
    private readonly max: boolean,
    private readonly type: DataType,
  ) {}
  ensure(count: number): void {
    this.num = growF(this.num, count);
    this.seen = growU8(this.seen, count);
  }
  update(groups: Int32Array, args: readonly Col[], n: number): void {
    const a = args[0]!;
    const kind = keyKind(a);
    const sign = this.max ? 1 : -1;
    if (kind === 'num' && !a.isConst) {
      const v = a.values as unknown as ArrayLike<number>, valid = a.validity, num = this.num, seen = this.seen;
      for (let i = 0; i < n; i++) {
        const g = groups[i]!;
        if (g < 0 || (valid && !getBit(valid, i))) continue;
        const x = v[i]!;
        if (!seen[g]) {
          seen[g] = 1;
          num[g] = x;
          continue;
        }
        const y = num[g]!;
        const better = this.max ? x > y || (x !== x && y === y) : x < y || (y !== y && x === x);
        if (better) num[g] = x;
      }
      return;
    }
    if (kind === 'str' && !a.isConst) {
      const b = a.values as Uint8Array, o = a.offsets!, valid = a.validity;
      for (let i = 0; i < n; i++) {
        const g = groups[i]!;
        if (g < 0 || (valid && !getBit(valid, i))) continue;
        const cur = this.bytes[g];
        if (!cur || sign * compareBytes(b, o[i]!, o[i + 1]!, cur, 0, cur.length) > 0) this.bytes[g] = b.slice(o[i]!, o[i + 1]!);
        this.seen[g] = 1;
      }
      return;
    }
    for (let i = 0; i < n; i++) {
      const g = groups[i]!;
      if (g < 0 || !validAt(a, i)) continue;
      const x = valueAt(a, i);
      if (!this.seen[g] || sign * compareValues(x, this.vals[g]) > 0) {
        this.vals[g] = x;
        // A constant numeric argument: finish() reads numbers from `num`.
        if (kind === 'num') this.num[g] = Number(x);
      }
      this.seen[g] = 1;
    }
  }
  finish(count: number): Col {
    const t = this.type;
    if (keyKind({ type: t }) === 'num') {
      const C = (t as unknown as { ArrayType: new (n: number) => Float64Array }).ArrayType;
      const out = new C(count);
      for (let g = 0; g < count; g++) out[g] = this.num[g]!;
      return flatCol(t, count, out, validityFrom(this.seen, count));
    }
    const w = rowWriter(t, count);
    const str = t.typeId === Type.Utf8;
    const dec = new TextDecoder();
    for (let g = 0; g < count; g++) {
      if (!this.seen[g]) w.set(g, null);
      else if (str && this.bytes[g]) w.set(g, dec.decode(this.bytes[g]!));
      else w.set(g, this.vals[g]);
    }
    return w.finish();
  }
}

/** first / last (NULLs count as values), any_value (first non-null). */
class Pick implements Accumulator {
  private vals: unknown[] = [];
  private set = new Uint8Array(16);
  constructor(
    private readonly mode: 'first' | 'last' | 'any',
    private readonly type: DataType,
  ) {}
  ensure(count: number): void {
    this.set = growU8(this.set, count);
  }
  update(groups: Int32Array, args: readonly Col[], n: number): void {
    const a = args[0]!;
    for (let i = 0; i < n; i++) {
      const g = groups[i]!;
      if (g < 0) continue;
      if (this.mode === 'last') {
        this.vals[g] = valueAt(a, i);
        this.set[g] = 1;
      } else if (!this.set[g]) {
        if (this.mode === 'any' && !validAt(a, i)) continue;
        this.vals[g] = valueAt(a, i);
        this.set[g] = 1;
      }
    }
  }
  finish(count: number): Col {
    const w = rowWriter(this.type, count);
    for (let g = 0; g < count; g++) w.set(g, this.set[g] ? this.vals[g] : null);
    return w.finish();
  }
}

class ListAgg implements Accumulator {
  private lists: unknown[][] = [];
  constructor(
    private readonly type: DataType,
    private readonly separator: string | null,
  ) {}
  ensure(): void {}
  update(groups: Int32Array, args: readonly Col[], n: number): void {
    const a = args[0]!, sepCol = args[1];
    for (let i = 0; i < n; i++) {
      const g = groups[i]!;
      if (g < 0) continue;
      const v = valueAt(a, i);
      if (this.separator !== null && v === null) continue;
      (this.lists[g] ??= []).push(this.separator !== null && sepCol ? [v, valueAt(sepCol, i) ?? ','] : v);
    }
  }
  finish(count: number): Col {
    const w = rowWriter(this.type, count);
    for (let g = 0; g < count; g++) {
      const l = this.lists[g];
      if (!l) w.set(g, null);
      else if (this.separator === null) w.set(g, l);
      else {
        const pairs = l as [string, string][];
        w.set(g, pairs.map((p, k) => (k === 0 ? p[0] : `${p[1]}${p[0]}`)).join(''));
      }
    }
    return w.finish();
  }
}

class BoolAgg implements Accumulator {
  private s = new Uint8Array(16); // 0 unset, 1 false, 2 true
  constructor(
    private readonly and: boolean,
    private readonly type: DataType,
  ) {}
  ensure(count: number): void {
    this.s = growU8(this.s, count);
  }
  update(groups: Int32Array, args: readonly Col[], n: number): void {
    const a = args[0]!;
    for (let i = 0; i < n; i++) {
      const g = groups[i]!;
      if (g < 0 || !validAt(a, i)) continue;
      const v = valueAt(a, i) === true;
      const cur = this.s[g]!;
      this.s[g] = cur === 0 ? (v ? 2 : 1) : this.and ? (cur === 2 && v ? 2 : 1) : cur === 2 || v ? 2 : 1;
    }
  }
  finish(count: number): Col {
    const w = rowWriter(this.type, count);
    for (let g = 0; g < count; g++) w.set(g, this.s[g] === 0 ? null : this.s[g] === 2);
    return w.finish();
  }
}

/** Welford's running mean and M2 per group. */
class Variance implements Accumulator {
  private n = new Float64Array(16);
  private mean = new Float64Array(16);
  private m2 = new Float64Array(16);
  constructor(
    private readonly fn: string,
    private readonly type: DataType,
  ) {}
  ensure(count: number): void {
    this.n = growF(this.n, count);
    this.mean = growF(this.mean, count);
    this.m2 = growF(this.m2, count);
  }
  update(groups: Int32Array, args: readonly Col[], n: number): void {
    const a = args[0]!;
    for (let i = 0; i < n; i++) {
      const g = groups[i]!;
      if (g < 0 || !validAt(a, i)) continue;
      const x = a.isConst ? Number(a.value) : (a.values as Float64Array)[i]!;
      const k = ++this.n[g]!;
      const d = x - this.mean[g]!;
      this.mean[g]! += d / k;
      this.m2[g]! += d * (x - this.mean[g]!);
    }
  }
  finish(count: number): Col {
    const out = new Float64Array(count), seen = new Uint8Array(count);
    const samp = this.fn.endsWith('samp');
    for (let g = 0; g < count; g++) {
      const k = this.n[g]!;
      const div = samp ? k - 1 : k;
      if (div <= 0) continue;
      seen[g] = 1;
      const v = this.m2[g]! / div;
      out[g] = this.fn.startsWith('stddev') ? Math.sqrt(v) : v;
    }
    return flatCol(this.type, count, out, validityFrom(seen, count));
  }
}

class ArgExtreme implements Accumulator {
  private vals: unknown[] = [];
  private keys: unknown[] = [];
  private seen = new Uint8Array(16);
  constructor(
    private readonly max: boolean,
    private readonly type: DataType,
  ) {}
  ensure(count: number): void {
    this.seen = growU8(this.seen, count);
  }
  update(groups: Int32Array, args: readonly Col[], n: number): void {
    const [a, k] = args as [Col, Col];
    const sign = this.max ? 1 : -1;
    for (let i = 0; i < n; i++) {
      const g = groups[i]!;
      // Rows with a NULL argument or key are skipped (DuckDB's arg_min/arg_max).
      if (g < 0 || !validAt(k, i) || !validAt(a, i)) continue;
      const key = valueAt(k, i);
      if (!this.seen[g] || sign * compareValues(key, this.keys[g]) > 0) {
        this.keys[g] = key;
        this.vals[g] = valueAt(a, i);
        this.seen[g] = 1;
      }
    }
  }
  finish(count: number): Col {
    const w = rowWriter(this.type, count);
    for (let g = 0; g < count; g++) w.set(g, this.seen[g] ? this.vals[g] : null);
    return w.finish();
  }
}

/** The accumulator of aggregate `fn` over arguments of (physical) `argTypes`, giving `result`. */
export function makeAccumulator(fn: string, argTypes: readonly DataType[], result: DataType): Accumulator {
  switch (fn) {
    case 'count_star': return new CountStar();
    case 'count': return new Count();
    case 'sum':
      if (isFloat(result)) return new FloatSum(false, result);
      if (isInt64(result)) return new IntSum();
      return new Pick('any', result);
    case 'avg': return new FloatSum(true, result);
    case 'min': return new Extreme(false, result);
    case 'max': return new Extreme(true, result);
    case 'first': return new Pick('first', result);
    case 'last': return new Pick('last', result);
    case 'any_value': return new Pick('any', result);
    case 'list': return new ListAgg(result, null);
    case 'string_agg': return new ListAgg(result, ',');
    case 'bool_and': return new BoolAgg(true, result);
    case 'bool_or': return new BoolAgg(false, result);
    case 'stddev_samp':
    case 'stddev_pop':
    case 'var_samp':
    case 'var_pop':
      return new Variance(fn, result);
    case 'arg_min': return new ArgExtreme(false, result);
    case 'arg_max': return new ArgExtreme(true, result);
    default:
      void argTypes;
      throw new InternalError(`no accumulator for aggregate ${fn}`);
  }
}
