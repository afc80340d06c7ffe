/**
 * The accumulators behind sum, mean, count, countRows, list, any and agg(fn) (see
 * aggregates.ts for the contract and the semantics). Results are built in typed arrays.
 */
import { Bool, type Data, type DataType, type Float64, type List, makeData, makeVector, Type, type Vector, vectorFromArray } from 'apache-arrow';

import { ExecutionError } from '../errors.js';
import { nullData } from '../storage/arrow/concat.js';
import { takeData } from '../storage/arrow/take.js';
import type { Accumulator } from './aggregates.js';
import { bitmapOf, bitSet, concatColumn, Grow, validityBits } from './batches.js';

const bits = (t: DataType): number => (t as unknown as { bitWidth: number }).bitWidth;
const signed = (t: DataType): boolean => (t as unknown as { isSigned: boolean }).isSigned;

const TWO32 = 4294967296;
const CHUNK = 1 << 20;

/** sum, mean, count, countRows: numbers in typed arrays; 64-bit ints summed as two 32-bit halves. */
export class NumAcc implements Accumulator {
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
    const bm = validityBits(d), off = d.offset;
    if (this.mode === 'count') {
      if (!bm) this.cnt += e - s;
      else for (let i = s; i < e; i++) if (bitSet(bm, off + i)) this.cnt++;
      return;
    }
    if (!this.wide) {
      const v = d.values as ArrayLike<number>;
      if (this.intSum) {
        for (let a = s; a < e; a += CHUNK) {
          const b = Math.min(e, a + CHUNK);
          for (let i = a; i < b; i++) {
            if (bm && !bitSet(bm, off + i)) continue;
            this.lo += v[i]!;
            this.cnt++;
          }
          this.normalize();
        }
      } else {
        for (let i = s; i < e; i++) {
          if (bm && !bitSet(bm, off + i)) continue;
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
        if (bm && !bitSet(bm, off + i)) continue;
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

/** list: element indices per input batch, one take per batch; offsets in a typed array. */
export class ListAcc implements Accumulator {
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
export class AnyAcc implements Accumulator {
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
    const bm = validityBits(d), off = d.offset;
    for (let i = s; i < e && !this.state; i++) if ((m === true || m[i]) && (!bm || bitSet(bm, off + i))) this.state = true;
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
export class FnAcc implements Accumulator {
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
    if (r !== null && r !== undefined && !fits(this.type, r)) {
      throw new ExecutionError('invalid-argument', `${this.what}: the custom aggregate returned ${typeof r === 'string' ? JSON.stringify(r) : typeof r}, not a ${String(this.type)} value`);
    }
    this.results.push(this.wide && typeof r === 'number' ? BigInt(r) : r);
  }

  take(): Data {
    const results = this.results;
    this.results = [];
    const bytes = this.type.typeId === Type.Binary || this.type.typeId === Type.Utf8 ? bytesData(this.type, results) : null;
    if (bytes) return bytes;
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

const utf8 = new TextEncoder();

/**
 * Results of a binary (Uint8Array) or utf8 (string) aggregate as one Data, built directly (Arrow's
 * vectorFromArray goes through a builder per value); null when a result has another type.
 */
function bytesData(type: DataType, results: readonly unknown[]): Data | null {
  const n = results.length;
  const parts = new Array<Uint8Array | null>(n);
  let total = 0, nulls = 0;
  for (let i = 0; i < n; i++) {
    const r = results[i];
    const b = r === null || r === undefined ? null : r instanceof Uint8Array ? r : typeof r === 'string' ? utf8.encode(r) : undefined;
    if (b === undefined) return null;
    if ((type.typeId === Type.Utf8) !== (typeof r === 'string') && b !== null) return null;
    parts[i] = b;
    if (b) total += b.length;
    else nulls++;
  }
  const offsets = new Int32Array(n + 1), data = new Uint8Array(total);
  const valid = nulls > 0 ? new Uint8Array((n + 7) >> 3) : null;
  let at = 0;
  for (let i = 0; i < n; i++) {
    const b = parts[i];
    if (b) {
      data.set(b, at);
      at += b.length;
      if (valid) valid[i >> 3]! |= 1 << (i & 7);
    }
    offsets[i + 1] = at;
  }
  return makeData({ type, length: n, nullCount: nulls, nullBitmap: valid, valueOffsets: offsets, data } as never);
}

/** A cheap check of a custom aggregate's result against the primitive types (others are left to Arrow). */
function fits(type: DataType, v: unknown): boolean {
  switch (type.typeId) {
    case Type.Int:
    case Type.Float:
      return typeof v === 'number' || typeof v === 'bigint';
    case Type.Utf8:
      return typeof v === 'string';
    case Type.Bool:
      return typeof v === 'boolean';
    default:
      return true;
  }
}
