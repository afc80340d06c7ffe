/**
 * TupleKeyTable: the {@link KeyTable} contract for several key columns that each fit a 32-bit
 * code — integers up to 32 bits, days, booleans, and strings of at most 3 UTF-8 bytes
 * (length and bytes packed into the code; TPC-H's flags and statuses). A group's key is a
 * tuple of Int32 codes stored contiguously; hashing and comparison are plain integer loops.
 * When a batch brings a value that has no code (a longer string) the table hands its groups,
 * in group order, to a general KeyTable and continues there (`generalize`).
 */
import { type Data, type DataType, Type } from 'apache-arrow';

import { getBit } from '../expr/bits.js';
import { type Col, constCol, flatCol, toData } from '../expr/col.js';
import { arrayTypeOf, rowWriter } from '../expr/kernel.js';
import { decodeUtf8 } from '../expr/utf8.js';

const NULL_CODE = -0x7fffffff - 1; // never produced by a value: see codes()
const AMBIGUOUS = -1;

/** Whether a key column type can be coded (strings decide per batch). */
export function codable(t: DataType): boolean {
  if (t.typeId === Type.Int) {
    const w = (t as unknown as { bitWidth: number }).bitWidth;
    return w < 32 || (w === 32 && (t as unknown as { isSigned: boolean }).isSigned);
  }
  return (t.typeId === Type.Date && (t as unknown as { unit: number }).unit === 0) || t.typeId === Type.Bool || t.typeId === Type.Utf8;
}

/**
 * Int32 codes of a key column's rows, or null when some value has none. Integers are their
 * value (INT32 MIN would clash with NULL_CODE: no code); strings ≤ 3 bytes are
 * len | b0 << 2 | b1 << 10 | b2 << 18 (non-negative); booleans 0 / 1.
 */
export function codes(c: Col, n: number, into?: Int32Array): Int32Array | null {
  const out = into && into.length >= n ? into.subarray(0, n) : new Int32Array(n);
  if (c.isConst) {
    const v = c.value;
    let code: number | null;
    if (v === null) code = NULL_CODE;
    else if (c.type.typeId === Type.Utf8) {
      const b = Buffer.from(v as string);
      code = b.length > 3 ? null : b.length | ((b[0] ?? 0) << 2) | ((b[1] ?? 0) << 10) | ((b[2] ?? 0) << 18);
    } else if (c.type.typeId === Type.Bool) code = v ? 1 : 0;
    else code = Number(v) === NULL_CODE ? null : Number(v);
    if (code === null) return null;
    out.fill(code);
    return out;
  }
  const valid = c.validity;
  switch (c.type.typeId) {
    case Type.Utf8: {
      const b = c.values as Uint8Array, o = c.offsets!;
      for (let i = 0; i < n; i++) {
        const s = o[i]!, len = o[i + 1]! - s;
        if (len > 3) {
          if (valid && !getBit(valid, i)) {
            out[i] = NULL_CODE;
            continue;
          }
          return null;
        }
        out[i] = len | (len > 0 ? b[s]! << 2 : 0) | (len > 1 ? b[s + 1]! << 10 : 0) | (len > 2 ? b[s + 2]! << 18 : 0);
      }
      break;
    }
    case Type.Bool: {
      const b = c.values as Uint8Array;
      for (let i = 0; i < n; i++) out[i] = getBit(b, i) ? 1 : 0;
      break;
    }
    default: {
      const v = c.values as unknown as ArrayLike<number>;
      for (let i = 0; i < n; i++) {
        const x = v[i]!;
        if (x === NULL_CODE && (!valid || getBit(valid, i))) return null;
        out[i] = x;
      }
    }
  }
  if (valid) for (let i = 0; i < n; i++) if (!getBit(valid, i)) out[i] = NULL_CODE;
  return out;
}

/** The value (physical) of a code of a column of type t. */
function decode(code: number, t: DataType): unknown {
  if (code === NULL_CODE) return null;
  if (t.typeId === Type.Utf8) {
    const len = code & 3;
    const b = new Uint8Array([(code >>> 2) & 0xff, (code >>> 10) & 0xff, (code >>> 18) & 0xff]);
    return decodeUtf8(b, 0, len);
  }
  if (t.typeId === Type.Bool) return code === 1;
  return code;
}

const mix = (h: number): number => {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
};

export class TupleKeyTable {
  size = 0;
  private readonly m: number;
  private keys: Int32Array;
  private hashes = new Int32Array(64);
  private slots = new Int32Array(128);
  private mask = 127;
  /**
   * A direct-mapped cache (group + 1 by position in the product of the columns' code ranges),
   * set up from the first batch when that product is small (low-cardinality keys such as
   * flags); rows outside the ranges take the hash path.
   */
  private direct: Int32Array | null = null;
  private mins: Int32Array | null = null;
  private ranges: Int32Array | null = null;
  private tried = false;

  constructor(
    readonly types: readonly DataType[],
    readonly nullsEqual: boolean,
  ) {
    this.m = types.length;
    this.keys = new Int32Array(64 * this.m);
  }

  /** Codes of the batch's key columns, or null when one of them has no code (generalize then). */
  codesOf(cols: readonly Col[], n: number): Int32Array[] | null {
    const out: Int32Array[] = [];
    for (let j = 0; j < cols.length; j++) {
      // The codes are read by the next insertCodes only: one scratch array per column, reused.
      let into = this.scratch[j];
      if (!into || into.length < n) this.scratch[j] = into = new Int32Array(n);
      const k = codes(cols[j]!, n, into);
      if (!k) return null;
      out.push(k);
    }
    return out;
  }

  private readonly scratch: Int32Array[] = [];

  private grow(): void {
    const cap = this.slots.length * 2, mask = cap - 1;
    const slots = new Int32Array(cap);
    for (let g = 0; g < this.size; g++) {
      let s = this.hashes[g]! & mask;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = g + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }

  private add(cs: readonly Int32Array[], i: number, h: number): number {
    const g = this.size++, m = this.m;
    if (g >= this.hashes.length) {
      const hs = new Int32Array(this.hashes.length * 2);
      hs.set(this.hashes);
      this.hashes = hs;
      const ks = new Int32Array(this.keys.length * 2);
      ks.set(this.keys);
      this.keys = ks;
    }
    this.hashes[g] = h;
    for (let k = 0; k < m; k++) this.keys[g * m + k] = cs[k]![i]!;
    return g;
  }

  private setupDirect(cs: readonly Int32Array[], n: number): void {
    this.tried = true;
    const m = this.m;
    const mins = new Int32Array(m), ranges = new Int32Array(m);
    let product = 1;
    for (let k = 0; k < m; k++) {
      const c = cs[k]!;
      let lo = Infinity, hi = -Infinity;
      for (let i = 0; i < n; i++) {
        const x = c[i]!;
        if (x === NULL_CODE) continue;
        if (x < lo) lo = x;
        if (x > hi) hi = x;
      }
      if (lo > hi) lo = hi = 0;
      const span = hi - lo + 1;
      // Room to grow: twice the first batch's span (at least 16), plus a slot for NULL.
      ranges[k] = Math.max(16, 2 * span) + 1;
      mins[k] = lo - Math.floor((ranges[k]! - 1 - span) / 2);
      product *= ranges[k]!;
      if (product > 1 << 20) return;
    }
    this.mins = mins;
    this.ranges = ranges;
    this.direct = new Int32Array(product);
  }

  /** Rows through the direct map; misses (and rows outside the ranges) get -2 for the hash path. */
  private directPass(cs: readonly Int32Array[], n: number, out: Int32Array, rows: Uint32Array | undefined): boolean {
    const d = this.direct!, mins = this.mins!, ranges = this.ranges!, m = this.m;
    let misses = false;
    const c0 = cs[0]!, min0 = mins[0]!, r0 = ranges[0]!;
    const c1 = m > 1 ? cs[1]! : c0, min1 = m > 1 ? mins[1]! : 0, r1 = m > 1 ? ranges[1]! : 1;
    const count = rows ? rows.length : n;
    for (let r = 0; r < count; r++) {
      const i = rows ? rows[r]! : r;
      const a = c0[i]!;
      let j0 = a === NULL_CODE ? r0 - 1 : a - min0;
      if (j0 < 0 || j0 >= r0 - (a === NULL_CODE ? 0 : 1)) j0 = -1;
      let idx = j0;
      if (m > 1 && idx >= 0) {
        const b = c1[i]!;
        const j1 = b === NULL_CODE ? r1 - 1 : b - min1;
        idx = j1 < 0 || j1 >= r1 - (b === NULL_CODE ? 0 : 1) ? -1 : idx * r1 + j1;
        for (let k = 2; k < m && idx >= 0; k++) {
          const x = cs[k]![i]!, r = ranges[k]!;
          const j = x === NULL_CODE ? r - 1 : x - mins[k]!;
          idx = j < 0 || j >= r - (x === NULL_CODE ? 0 : 1) ? -1 : idx * r + j;
        }
      }
      const g = idx >= 0 ? d[idx]! - 1 : -1;
      if (g >= 0) out[i] = g;
      else {
        out[i] = idx >= 0 ? -2 - idx : -1 - 0x40000000;
        misses = true;
      }
    }
    return misses;
  }

  /**
   * After freeze() (a join's build side): group + 1 by first-column code - firstMin when the
   * first column's codes are dense; AMBIGUOUS where several groups share that code.
   */
  private first: Int32Array | null = null;
  private firstMin = 0;

  /**
   * End of inserts. When the first key column alone almost identifies a group (TPC-H Q5's
   * (c_custkey, c_nationkey)) and its codes are dense, lookups index an array by it and
   * compare the other columns with that group's, instead of hashing.
   */
  freeze(): void {
    const m = this.m, size = this.size;
    if (size === 0 || this.nullsEqual) return;
    let lo = Infinity, hi = -Infinity;
    for (let g = 0; g < size; g++) {
      const x = this.keys[g * m]!;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    const span = hi - lo + 1;
    if (!(span > 0) || span > Math.max(4 * size, 4096)) return;
    const d = new Int32Array(span);
    for (let g = 0; g < size; g++) {
      const k = this.keys[g * m]! - lo;
      d[k] = d[k] === 0 ? g + 1 : AMBIGUOUS;
    }
    this.first = d;
    this.firstMin = lo;
  }

  /** Lookups through `first`: -2 - 0 marks rows left for the hash path (returns whether any). */
  private firstPass(cs: readonly Int32Array[], n: number, out: Int32Array, rows: Uint32Array | undefined): boolean {
    const d = this.first!, min = this.firstMin, span = d.length, m = this.m, keys = this.keys;
    const c0 = cs[0]!;
    let rest = false;
    const count = rows ? rows.length : n;
    for (let r = 0; r < count; r++) {
      const i = rows ? rows[r]! : r;
      const k = c0[i]! - min;
      const e = k >= 0 && k < span ? d[k]! : 0;
      if (e === AMBIGUOUS) {
        out[i] = -2;
        rest = true;
        continue;
      }
      let g = e - 1;
      // NULL codes never equal a stored code of a join table (NULL keys are not inserted).
      for (let j = 1; g >= 0 && j < m; j++) if (keys[g * m + j] !== cs[j]![i]) g = -1;
      out[i] = g;
    }
    return rest;
  }

  /** Group ids (inserting) of rows given their key codes; rows with a NULL get -1 unless nullsEqual. */
  insertCodes(cs: readonly Int32Array[], n: number, out: Int32Array, rows?: Uint32Array, insert = true): void {
    if (!insert && this.first) {
      if (!this.firstPass(cs, n, out, rows)) return;
      const rest: number[] = [];
      const count = rows ? rows.length : n;
      for (let r = 0; r < count; r++) {
        const i = rows ? rows[r]! : r;
        if (out[i] === -2) rest.push(i);
      }
      this.hashInsert(cs, n, out, Uint32Array.from(rest), false);
      return;
    }
    if (!this.tried && n > 0 && this.nullsEqual) this.setupDirect(cs, n);
    if (this.direct && this.nullsEqual && !(rows && rows.length === 0)) {
      if (!this.directPass(cs, n, out, rows)) return;
      // Misses: hash path for those rows, then remember them in the direct map.
      const miss: number[] = [], slot: number[] = [];
      const count = rows ? rows.length : n;
      for (let r = 0; r < count; r++) {
        const i = rows ? rows[r]! : r;
        const o = out[i]!;
        if (o >= 0) continue;
        miss.push(i);
        slot.push(o === -1 - 0x40000000 ? -1 : -2 - o);
      }
      const rs = Uint32Array.from(miss);
      this.hashInsert(cs, n, out, rs, insert);
      for (let k = 0; k < miss.length; k++) {
        const g = out[miss[k]!]!;
        if (slot[k]! >= 0 && g >= 0) this.direct[slot[k]!] = g + 1;
      }
      return;
    }
    this.hashInsert(cs, n, out, rows, insert);
  }

  private hashInsert(cs: readonly Int32Array[], n: number, out: Int32Array, rows: Uint32Array | undefined, insert: boolean): void {
    if (this.m <= 2 && !rows) {
      this.insertPairs(cs[0]!, this.m === 2 ? cs[1]! : null, n, out, insert);
      return;
    }
    const m = this.m;
    const c0 = cs[0]!, c1 = m > 1 ? cs[1]! : c0;
    const count = rows ? rows.length : n;
    for (let r = 0; r < count; r++) {
      const i = rows ? rows[r]! : r;
      let h = mix(c0[i]!);
      let hasNull = c0[i] === NULL_CODE;
      for (let k = 1; k < m; k++) {
        const x = cs[k]![i]!;
        h = mix(Math.imul(h, 31) + x);
        if (x === NULL_CODE) hasNull = true;
      }
      if (hasNull && !this.nullsEqual) {
        out[i] = -1;
        continue;
      }
      let s = h & this.mask;
      let g: number;
      for (;;) {
        g = this.slots[s]! - 1;
        if (g < 0) {
          if (!insert) break;
          g = this.add(cs, i, h);
          this.slots[s] = g + 1;
          if (this.size * 2 > this.slots.length) this.grow();
          break;
        }
        if (this.hashes[g] === h) {
          const base = g * m;
          const keys = this.keys;
          let same = keys[base] === c0[i] && (m === 1 || keys[base + 1] === c1[i]);
          for (let k = 2; same && k < m; k++) same = keys[base + k] === cs[k]![i];
          if (same) break;
        }
        s = (s + 1) & this.mask;
      }
      out[i] = g;
    }
  }

  /** insertCodes for one or two key columns over all rows: locals only in the loop. */
  private insertPairs(c0: Int32Array, c1: Int32Array | null, n: number, out: Int32Array, insert: boolean): void {
    let slots = this.slots, mask = this.mask, hashes = this.hashes, keys = this.keys;
    const two = c1 !== null, m = this.m, nullsEqual = this.nullsEqual;
    for (let i = 0; i < n; i++) {
      const a = c0[i]!, b = two ? c1[i]! : 0;
      if (!nullsEqual && (a === NULL_CODE || b === NULL_CODE)) {
        out[i] = -1;
        continue;
      }
      const h = two ? mix(Math.imul(mix(a), 31) + b) : mix(a);
      let s = h & mask;
      let g: number;
      for (;;) {
        g = slots[s]! - 1;
        if (g < 0) {
          if (!insert) break;
          g = this.add(two ? [c0, c1] : [c0], i, h);
          slots[s] = g + 1;
          if (this.size * 2 > slots.length) this.grow();
          slots = this.slots;
          mask = this.mask;
          hashes = this.hashes;
          keys = this.keys;
          break;
        }
        if (hashes[g] === h && keys[g * m] === a && (!two || keys[g * m + 1] === b)) break;
        s = (s + 1) & mask;
      }
      out[i] = g;
    }
  }

  keyCol(k: number): Col {
    const t = this.types[k]!;
    if (this.size === 0) return constCol(t, null, 0);
    const m = this.m;
    if (t.typeId === Type.Int || t.typeId === Type.Date) {
      const out = new (arrayTypeOf(t))(this.size) as unknown as { [i: number]: number };
      let validity: Uint8Array | null = null;
      for (let g = 0; g < this.size; g++) {
        const x = this.keys[g * m + k]!;
        if (x === NULL_CODE) {
          validity ??= new Uint8Array((this.size + 7) >> 3).fill(0xff);
          validity[g >> 3]! &= ~(1 << (g & 7));
        } else out[g] = x;
      }
      return flatCol(t, this.size, out as never, validity);
    }
    const w = rowWriter(t, this.size);
    for (let g = 0; g < this.size; g++) w.set(g, decode(this.keys[g * m + k]!, t));
    return w.finish();
  }

  keyData(k: number): Data {
    return toData(this.keyCol(k));
  }

  /** The stored keys of every group, as columns (for handing over to a general table). */
  keyCols(): Col[] {
    return this.types.map((_, k) => this.keyCol(k));
  }
}

