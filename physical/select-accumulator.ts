/**
 * The row-picking reducers first, last, min and max (and Resample's forward fill): one pick per
 * group, gathered from the input with one take per input batch, so no per-row objects.
 */
import { type Data, type DataType, Type } from 'apache-arrow';

import { nullData } from '../storage/arrow/concat.js';
import { takeData } from '../storage/arrow/take.js';
import type { Accumulator } from './aggregates.js';
import { bitSet, concatColumn, Grow, NONE, validityBits } from './batches.js';

/** A pick carried from an earlier input batch (held as a one-row copy). */
const CARRY = NONE - 1;

/** Gathers rows `idx` of `cur`: NONE → null, CARRY → the one-row `carry`. */
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
      const bm = validityBits(d), off = d.offset;
      for (let i = s; i < e; i++) {
        if (bm && !bitSet(bm, off + i)) continue;
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
