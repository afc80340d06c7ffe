/**
 * Reducers (seed 002: sum, mean, min, max, count, first, list, any, agg(fn)) as accumulators over
 * runs of rows, shared by GroupBy (groups), Resample (timeline bins) and Window (row windows).
 *
 * An {@link Accumulator} sees a group as one or more `add(values, start, end)` calls (a group may
 * span batches) followed by `close()`, which appends the group's result; `take()` returns the
 * results appended so far as one Arrow column. `take()` is only called between groups (after a
 * `close()`, before the next `add`). Results are built in typed arrays; row-picking reducers
 * (first, last, min, max) and list gather from the input with one take per input batch, so there
 * are no per-row objects.
 *
 * Semantics: nulls are skipped by sum, mean, min, max, count and any; first, last and list see
 * every row (a null first row gives a null first). sum, mean, min and max of a group with no
 * valid value are null; count and countRows are 0 there, list is [] and any is false. Integer
 * sums are exact 64-bit sums (wrapping on int64 overflow); float NaN sorts above every number.
 */
import { Bool, type Data, type DataType, Field, Float64, Int64, List, makeData, makeVector, Type, Uint64, type Vector, vectorFromArray } from 'apache-arrow';

import { ExecutionError } from '../errors.js';
import { nullData } from '../storage/arrow/concat.js';
import { takeData } from '../storage/arrow/take.js';
import { bitmapOf, concatColumn, Grow, isValid, NONE } from './batches.js';

/** How a run of values reduces to one value. */
export type Reducer =
  | 'sum' | 'mean' | 'min' | 'max' | 'count' | 'countRows' | 'first' | 'last' | 'list'
  /** True when the predicate holds for some valid value (mask: one byte per value, or constant). */
  | { readonly any: (values: Vector) => Uint8Array | boolean }
  /** A custom reduction of the run's values (nulls included) to one value of `type`. */
  | { readonly fn: (values: Vector) => unknown; readonly type: DataType; readonly name?: string };

export interface Accumulator {
  readonly type: DataType;
  add(values: Data, start: number, end: number): void;
  close(): void;
  take(): Data;
  /** Input rows and pending results held (bounded-memory metrics). */
  held(): number;
}

export function reducerName(r: Reducer): string {
  return typeof r === 'string' ? r : 'any' in r ? 'any' : (r.name ?? 'agg');
}

const bits = (t: DataType): number => (t as unknown as { bitWidth: number }).bitWidth;
const signed = (t: DataType): boolean => (t as unknown as { isSigned: boolean }).isSigned;
const isNumeric = (t: DataType): boolean => t.typeId === Type.Int || (t.typeId === Type.Float && (t as unknown as { precision: number }).precision > 0);
const ORDERED = new Set<Type>([Type.Int, Type.Float, Type.Date, Type.Timestamp, Type.Time, Type.Duration, Type.Utf8, Type.Binary, Type.Bool]);

/** The result type of `r` over values of `input`; 'invalid-argument' when `r` does not apply. */
export function reducerType(r: Reducer, input: DataType, what: string): DataType {
  const bad = (): never => {
    throw new ExecutionError('invalid-argument', `${what}: ${reducerName(r)} does not apply to ${String(input)} values`);
  };
  if (typeof r !== 'string') return 'any' in r ? new Bool() : r.type;
  switch (r) {
    case 'sum':
      if (!isNumeric(input)) return bad();
      return input.typeId === Type.Float ? new Float64() : signed(input) ? new Int64() : new Uint64();
    case 'mean':
      return isNumeric(input) ? new Float64() : bad();
    case 'min':
    case 'max':
      return ORDERED.has(input.typeId) && !(input.typeId === Type.Float && !isNumeric(input)) ? input : bad();
    case 'count':
    case 'countRows':
      return new Int64();
    case 'first':
    case 'last':
      return input;
    case 'list':
      return new List(new Field('item', input, true));
  }
}

/** An accumulator for `r` over values of `input` (checked with {@link reducerType}). */
export function makeAccumulator(r: Reducer, input: DataType, what: string): Accumulator {
  const type = reducerType(r, input, what);
  if (typeof r !== 'string') return 'any' in r ? new AnyAcc(r.any, what) : new FnAcc(r.fn, input, type, what);
  switch (r) {
    case 'first':
    case 'last':
    case 'min':
    case 'max':
      return new SelectAcc(type, r);
    case 'list':
      return new ListAcc(type, input);
    default:
      return new NumAcc(type, r, input);
  }
}

const TWO32 = 4294967296;
const CHUNK = 1 << 20;

/** sum, mean, count, countRows: numbers in typed arrays; 64-bit ints summed as two 32-bit halves. */
class NumAcc implements Accumulator {
  private lo = 0;
  private hi = 0;
  private fsum = 0;
  private cnt = 0;
  private rows = 0;
  private readonly valid = new Grow(Uint8Array);
  private readonly f64 = new Grow(Float64Array);
  private readonly u32 = new Grow(Uint32Array);
  private readonly wide: boolean;
  private readonly intSum: boolean;
  private viewOf: Data | null = null;
  private view: Uint32Array = new Uint32Array(0);

  constructor(
    readonly type: DataType,
    private readonly mode: 'sum' | 'mean' | 'count' | 'countRows',
    input: DataType,
  ) {
    this.wide = input.typeId === Type.Int && bits(input) === 64;
    this.intSum = mode === 'sum' && input.typeId === Type.Int;
  }

  add(d: Data, s: number, e: number): void {
    this.rows += e - s;
    if (this.mode === 'countRows') return;
    const nulls = d.nullCount > 0;
    if (this.mode === 'count') {
      if (!nulls) this.cnt += e - s;
      else for (let i = s; i < e; i++) if (isValid(d, i)) this.cnt++;
      return;
    }
    if (!this.wide) {
      const v = d.values as ArrayLike<number>;
      if (this.intSum) {
        for (let a = s; a < e; a += CHUNK) {
          const b = Math.min(e, a + CHUNK);
          for (let i = a; i < b; i++) {
            if (nulls && !isValid(d, i)) continue;
            this.lo += v[i]!;
            this.cnt++;
          }
          this.normalize();
        }
      } else {
        for (let i = s; i < e; i++) {
          if (nulls && !isValid(d, i)) continue;
          this.fsum += v[i]!;
          this.cnt++;
        }
      }
      return;
    }
    if (this.viewOf !== d) {
      const v = d.values as BigInt64Array;
      this.view = new Uint32Array(v.buffer, v.byteOffset, v.length * 2);
      this.viewOf = d;
    }
    const u = this.view;
    const hiSigned = signed(d.type);
    for (let a = s; a < e; a += CHUNK) {
      const b = Math.min(e, a + CHUNK);
      for (let i = a; i < b; i++) {
        if (nulls && !isValid(d, i)) continue;
        const h = hiSigned ? u[2 * i + 1]! | 0 : u[2 * i + 1]!;
        if (this.intSum) {
          this.lo += u[2 * i]!;
          this.hi += h;
        } else this.fsum += h * TWO32 + u[2 * i]!;
        this.cnt++;
      }
      if (this.intSum) this.normalize();
    }
  }

  private normalize(): void {
    const c = Math.floor(this.lo / TWO32);
    this.lo -= c * TWO32;
    this.hi = (((this.hi + c) % TWO32) + TWO32) % TWO32;
  }

  close(): void {
    const m = this.mode;
    if (m === 'count' || m === 'countRows') this.push64(m === 'count' ? this.cnt : this.rows, true);
    else if (this.intSum) this.push64(this.lo + this.hi * TWO32, this.cnt > 0, this.lo, this.hi);
    else {
      this.f64.push(this.cnt === 0 ? 0 : m === 'mean' ? this.fsum / this.cnt : this.fsum);
      this.valid.push(this.cnt > 0 ? 1 : 0);
    }
    this.lo = this.hi = this.fsum = this.cnt = this.rows = 0;
  }

  private push64(n: number, valid: boolean, lo = n % TWO32, hi = Math.floor(n / TWO32)): void {
    this.u32.push(lo);
    this.u32.push(hi);
    this.valid.push(valid ? 1 : 0);
  }

  take(): Data {
    const length = this.valid.length;
    const v = bitmapOf(this.valid.drain());
    if (this.type.typeId === Type.Float) return makeData({ type: this.type as Float64, length, ...v, data: this.f64.drain() });
    const words = this.u32.drain();
    const data = this.type.typeId === Type.Int && signed(this.type) ? new BigInt64Array(words.buffer) : new BigUint64Array(words.buffer);
    return makeData({ type: this.type, length, ...v, data } as never);
  }

  held(): number {
    return this.valid.length;
  }
}

/** Gathers rows `idx` of `cur`: NONE → null, CARRY → the one-row `carry`. */
const CARRY = NONE - 1;

function gather(type: DataType, cur: Data | null, idx: Uint32Array, carry: Data | null): Data {
  let lo = Infinity, hi = -1, special = false;
  for (let i = 0; i < idx.length; i++) {
    const r = idx[i]!;
    if (r >= CARRY) special = true;
    else {
      if (r < lo) lo = r;
      if (r > hi) hi = r;
    }
  }
  if (!special) return takeData(cur!, idx);
  const parts: Data[] = [];
  if (hi >= 0) parts.push(cur!.slice(lo, hi - lo + 1));
  const carryAt = hi >= 0 ? hi - lo + 1 : 0;
  if (carry) parts.push(carry);
  const nullAt = carryAt + (carry ? 1 : 0);
  parts.push(nullData(type, 1));
  const src = concatColumn(type, parts);
  const j = new Uint32Array(idx.length);
  for (let i = 0; i < idx.length; i++) {
    const r = idx[i]!;
    j[i] = r === NONE ? nullAt : r === CARRY ? carryAt : r - lo;
  }
  return takeData(src, j);
}

/** Orders two values (a[i] vs b[j]) of one type; NaN above every number. */
function comparatorFor(type: DataType): (a: Data, i: number, b: Data, j: number) => number {
  switch (type.typeId) {
    case Type.Utf8:
    case Type.Binary:
      return (a, i, b, j) => {
        const ao = a.valueOffsets as Int32Array, bo = b.valueOffsets as Int32Array;
        const av = a.values as Uint8Array, bv = b.values as Uint8Array;
        return Buffer.compare(av.subarray(ao[i]!, ao[i + 1]!), bv.subarray(bo[j]!, bo[j + 1]!));
      };
    case Type.Bool:
      return (a, i, b, j) => {
        const x = ((a.values as Uint8Array)[(a.offset + i) >> 3]! >> ((a.offset + i) & 7)) & 1;
        const y = ((b.values as Uint8Array)[(b.offset + j) >> 3]! >> ((b.offset + j) & 7)) & 1;
        return x - y;
      };
    default:
      return (a, i, b, j) => {
        const x = (a.values as ArrayLike<number | bigint>)[i]!, y = (b.values as ArrayLike<number | bigint>)[j]!;
        if (x !== x) return y !== y ? 0 : 1;
        if (y !== y) return -1;
        return x < y ? -1 : x > y ? 1 : 0;
      };
  }
}

/**
 * first, last, min, max: picks one row per group and gathers the picks with one take per input
 * batch. A pick from an earlier batch is carried as a one-row copy. With `sticky`, the pick
 * survives `close()` (forward fill) until {@link SelectAcc.reset}.
 */
export class SelectAcc implements Accumulator {
  private cur: Data | null = null;
  private readonly idx = new Grow(Uint32Array);
  private pieces: Data[] = [];
  private carry: Data | null = null;
  /** The open group's pick: a row of `cur`, CARRY, or NONE. */
  private pick = NONE;
  private readonly cmp: ((a: Data, i: number, b: Data, j: number) => number) | null;

  constructor(
    readonly type: DataType,
    private readonly mode: 'first' | 'last' | 'min' | 'max',
    private readonly sticky = false,
  ) {
    this.cmp = mode === 'min' || mode === 'max' ? comparatorFor(type) : null;
  }

  add(d: Data, s: number, e: number): void {
    if (d !== this.cur) {
      this.flush();
      if (this.pick !== NONE && this.pick !== CARRY) {
        this.carry = takeData(this.cur!, Uint32Array.of(this.pick));
        this.pick = CARRY;
      }
      this.cur = d;
    }
    if (s >= e) return;
    if (this.mode === 'first') {
      if (this.pick === NONE) this.pick = s;
    } else if (this.mode === 'last') this.pick = e - 1;
    else {
      const sign = this.mode === 'min' ? 1 : -1, cmp = this.cmp!;
      for (let i = s; i < e; i++) {
        if (!isValid(d, i)) continue;
        if (this.pick === NONE) this.pick = i;
        else {
          const c = this.pick === CARRY ? cmp(d, i, this.carry!, 0) : cmp(d, i, d, this.pick);
          if (c * sign < 0) this.pick = i;
        }
      }
    }
  }

  close(): void {
    this.idx.push(this.pick);
    if (!this.sticky) this.pick = NONE;
  }

  /** Forgets the open group's pick (a sticky pick's parent ended). */
  reset(): void {
    this.pick = NONE;
  }

  private flush(): void {
    if (this.idx.length > 0) this.pieces.push(gather(this.type, this.cur, this.idx.drain(), this.carry));
  }

  take(): Data {
    this.flush();
    const out = concatColumn(this.type, this.pieces);
    this.pieces = [];
    return out;
  }

  held(): number {
    return this.idx.length + this.pieces.reduce((s, p) => s + p.length, 0);
  }
}

/** list: element indices per input batch, one take per batch; offsets in a typed array. */
class ListAcc implements Accumulator {
  private cur: Data | null = null;
  private readonly idx = new Grow(Uint32Array);
  private pieces: Data[] = [];
  private readonly ends = new Grow(Int32Array);
  private total = 0;

  constructor(
    readonly type: DataType,
    private readonly input: DataType,
  ) {}

  add(d: Data, s: number, e: number): void {
    if (d !== this.cur) {
      if (this.idx.length > 0) this.pieces.push(takeData(this.cur!, this.idx.drain()));
      this.cur = d;
    }
    this.idx.pushRange(s, e);
    this.total += Math.max(0, e - s);
  }

  close(): void {
    this.ends.push(this.total);
  }

  take(): Data {
    if (this.idx.length > 0) this.pieces.push(takeData(this.cur!, this.idx.drain()));
    const n = this.ends.length;
    const offsets = new Int32Array(n + 1);
    offsets.set(this.ends.drain(), 1);
    const child = this.pieces.length > 0 ? concatColumn(this.input, this.pieces) : nullData(this.input, 0);
    this.pieces = [];
    this.total = 0;
    return makeData({ type: this.type as List, length: n, nullCount: 0, valueOffsets: offsets, child });
  }

  held(): number {
    return this.total + this.ends.length;
  }
}

/** any(predicate): the predicate runs once per input batch; groups OR their rows' bytes. */
class AnyAcc implements Accumulator {
  readonly type = new Bool();
  private cur: Data | null = null;
  private mask: Uint8Array | boolean = false;
  private state = false;
  private readonly out = new Grow(Uint8Array);

  constructor(
    private readonly predicate: (values: Vector) => Uint8Array | boolean,
    private readonly what: string,
  ) {}

  add(d: Data, s: number, e: number): void {
    if (d !== this.cur) {
      this.cur = d;
      this.mask = this.predicate(makeVector(d));
      if (typeof this.mask !== 'boolean' && this.mask.length !== d.length) {
        throw new ExecutionError('invalid-argument', `${this.what}: the any() predicate returned ${this.mask.length} mask bytes for ${d.length} values`);
      }
    }
    const m = this.mask;
    if (this.state || m === false) return;
    for (let i = s; i < e && !this.state; i++) if ((m === true || m[i]) && isValid(d, i)) this.state = true;
  }

  close(): void {
    this.out.push(this.state ? 1 : 0);
    this.state = false;
  }

  take(): Data {
    const length = this.out.length;
    const bytes = this.out.drain();
    const packed = new Uint8Array((length + 7) >> 3);
    for (let i = 0; i < length; i++) if (bytes[i]) packed[i >> 3]! |= 1 << (i & 7);
    return makeData({ type: this.type, length, nullCount: 0, data: packed });
  }

  held(): number {
    return this.out.length;
  }
}

/** agg(fn): the group's values as one Vector per group; results built into a column of `type`. */
class FnAcc implements Accumulator {
  private parts: Data[] = [];
  private results: unknown[] = [];
  private readonly wide: boolean;

  constructor(
    private readonly fn: (values: Vector) => unknown,
    private readonly input: DataType,
    readonly type: DataType,
    private readonly what: string,
  ) {
    this.wide = type.typeId === Type.Int && bits(type) === 64;
  }

  add(d: Data, s: number, e: number): void {
    if (e > s) this.parts.push(d.slice(s, e - s));
  }

  close(): void {
    const values = this.parts.length > 0 ? concatColumn(this.input, this.parts) : nullData(this.input, 0);
    this.parts = [];
    const r = this.fn(makeVector(values));
    this.results.push(this.wide && typeof r === 'number' ? BigInt(r) : r);
  }

  take(): Data {
    const results = this.results;
    this.results = [];
    try {
      const vec = vectorFromArray(results, this.type);
      return concatColumn(this.type, vec.data);
    } catch (e) {
      throw new ExecutionError('invalid-argument', `${this.what}: the custom aggregate returned values that are not ${String(this.type)}`, { cause: e });
    }
  }

  held(): number {
    return this.parts.reduce((s, p) => s + p.length, 0) + this.results.length;
  }
}
