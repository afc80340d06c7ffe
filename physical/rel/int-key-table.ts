/**
 * IntKeyTable: the {@link KeyTable} contract specialised for one key column of 32-bit integers
 * (Int8/16/32, Uint8/16, dates) — the common join and group key. Each slot holds the key and
 * its group id side by side in one Int32Array, so a probe touches one cache line; the hash is
 * computed inline (no hash array). NULL keys: one group with `nullsEqual`, else -1.
 */
import type { Data, DataType } from 'apache-arrow';

import { getBit } from '../expr/bits.js';
import { type Col, constCol, flatCol, toData } from '../expr/col.js';
import { arrayTypeOf } from '../expr/kernel.js';

const hashInt = (x: number): number => {
  let h = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
};

export class IntKeyTable {
  size = 0;
  /** slot s: [2s] key, [2s + 1] group + 1 (0: empty). */
  private slots = new Int32Array(128);
  private mask = 63;
  private groupKeys = new Int32Array(64);
  private nullGroup = -1;
  /** Insert cache: group + 1 by key - min (keys seen through it; others take the hash path). */
  private direct: Int32Array | null = null;
  private min = 0;
  /** After freeze(): complete group + 1 by key - frozenMin, when the keys are dense enough. */
  private frozen: Int32Array | null = null;
  private frozenMin = 0;
  /** build() used only the direct array: the hash slots are empty (no inserts may follow). */
  private directOnly = false;
  /**
   * After freeze(), when the keys are too sparse for `frozen`: one bit per value of the key
   * span (bit k: key frozenMin + k is present), so most misses skip the hash probe. Probe keys
   * in order (a join on a sorted key) read it sequentially.
   */
  private present: Uint8Array | null = null;

  constructor(
    private readonly type: DataType,
    readonly nullsEqual: boolean,
  ) {}

  private grow(): void {
    const cap = (this.mask + 1) * 2;
    const slots = new Int32Array(cap * 2);
    const mask = cap - 1;
    for (let g = 0; g < this.size; g++) {
      if (g === this.nullGroup) continue;
      const x = this.groupKeys[g]!;
      let s = hashInt(x) & mask;
      while (slots[2 * s + 1] !== 0) s = (s + 1) & mask;
      slots[2 * s] = x;
      slots[2 * s + 1] = g + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }

  private newGroup(x: number): number {
    const g = this.size++;
    if (g >= this.groupKeys.length) {
      const k = new Int32Array(this.groupKeys.length * 2);
      k.set(this.groupKeys);
      this.groupKeys = k;
    }
    this.groupKeys[g] = x;
    return g;
  }

  private nullId(): number {
    if (!this.nullsEqual) return -1;
    if (this.nullGroup < 0) this.nullGroup = this.newGroup(0);
    return this.nullGroup;
  }

  private tried = false;

  /** On the first batch: a direct array over twice the batch's key span when that is small. */
  private setupDirect(v: ArrayLike<number>, n: number): void {
    this.tried = true;
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const x = v[i]!;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    const span = hi - lo + 1;
    if (!(span > 0) || span > 1 << 21) return;
    const size = Math.max(1024, 2 * span);
    this.min = lo - Math.floor((size - span) / 2);
    this.direct = new Int32Array(size);
  }

  /** Group ids of the rows (or of `rows`) into out[row], inserting new keys. */
  insert(cols: readonly Col[], n: number, out: Int32Array, rows?: Uint32Array): void {
    const c = cols[0]!;
    if (!c.isConst && !c.validity && n > 0 && !(rows && rows.length === 0)) {
      const v = c.values as unknown as ArrayLike<number>;
      if (!this.tried) this.setupDirect(v, n);
      const d = this.direct;
      if (d) {
        const min = this.min, span = d.length;
        let miss: number[] | null = null;
        const count = rows ? rows.length : n;
        for (let r = 0; r < count; r++) {
          const i = rows ? rows[r]! : r;
          const k = v[i]! - min;
          const g = k >= 0 && k < span ? d[k]! - 1 : -1;
          if (g >= 0) out[i] = g;
          else (miss ??= []).push(i);
        }
        if (!miss) return;
        this.hashInsert(c, out, Uint32Array.from(miss));
        for (const i of miss) {
          const k = v[i]! - min;
          if (k >= 0 && k < span) d[k] = out[i]! + 1;
        }
        return;
      }
    }
    this.hashInsert(c, out, rows, n);
  }

  private hashInsert(c: Col, out: Int32Array, rows?: Uint32Array, n = rows ? rows.length : 0): void {
    if (c.isConst) {
      const g = c.value === null ? this.nullId() : this.findOrAdd(Number(c.value));
      if (rows) for (const i of rows) out[i] = g;
      else out.fill(g, 0, n);
      return;
    }
    const v = c.values as unknown as ArrayLike<number>, valid = c.validity;
    const count = rows ? rows.length : n;
    for (let r = 0; r < count; r++) {
      const i = rows ? rows[r]! : r;
      if (valid && !getBit(valid, i)) {
        out[i] = this.nullId();
        continue;
      }
      const x = v[i]!;
      let slots = this.slots, mask = this.mask;
      let s = hashInt(x) & mask;
      for (;;) {
        const id = slots[2 * s + 1]!;
        if (id === 0) {
          const g = this.newGroup(x);
          slots[2 * s] = x;
          slots[2 * s + 1] = g + 1;
          out[i] = g;
          if (this.size * 2 > mask + 1) {
            this.grow();
            slots = this.slots;
            mask = this.mask;
          }
          break;
        }
        if (slots[2 * s] === x) {
          out[i] = id - 1;
          break;
        }
        s = (s + 1) & mask;
      }
    }
  }

  private findOrAdd(x: number): number {
    const out = new Int32Array(1);
    this.insert([flatCol(this.type, 1, Int32Array.of(x), null)], 1, out);
    return out[0]!;
  }

  /**
   * The whole build side of a join at once (then no more inserts): when the non-null keys are
   * dense (span ≤ 4 × rows, or ≤ 32 × rows within 2^24) groups are assigned through a direct
   * array only, without hashing;
   * otherwise the hash table is sized once and filled. Ends with freeze().
   */
  build(cols: readonly Col[], n: number, out: Int32Array): void {
    const c = cols[0]!;
    if (this.size === 0 && !c.isConst && n > 0) {
      const v = c.values as unknown as ArrayLike<number>, valid = c.validity;
      let lo = Infinity, hi = -Infinity;
      for (let i = 0; i < n; i++) {
        if (valid && !getBit(valid, i)) continue;
        const x = v[i]!;
        if (x < lo) lo = x;
        if (x > hi) hi = x;
      }
      const span = hi - lo + 1;
      // Dense keys, or keys spread at most 32× (e.g. a filtered key column) within 2^24 values:
      // build and probe index an array (sequential reads when the keys come sorted).
      if (span > 0 && (span <= Math.max(4 * n, 4096) || (span <= 32 * n && span <= 1 << 24))) {
        const d = new Int32Array(span);
        for (let i = 0; i < n; i++) {
          if (valid && !getBit(valid, i)) {
            out[i] = this.nullId();
            continue;
          }
          const x = v[i]!, k = x - lo;
          let g = d[k]! - 1;
          if (g < 0) {
            g = this.newGroup(x);
            d[k] = g + 1;
          }
          out[i] = g;
        }
        this.frozen = d;
        this.frozenMin = lo;
        this.directOnly = true;
        return;
      }
      while ((this.mask + 1) < 2 * n) this.growEmpty();
    }
    this.insert(cols, n, out);
    this.freeze();
  }

  /** Doubles an empty table's capacity. */
  private growEmpty(): void {
    const cap = (this.mask + 1) * 2;
    this.slots = new Int32Array(cap * 2);
    this.mask = cap - 1;
  }

  /**
   * Marks the end of inserts (a join's build side): when the keys span at most four times as
   * many values as there are keys, lookups go through a direct array indexed by key - min.
   */
  freeze(): void {
    if (this.directOnly) return;
    let min = Infinity, max = -Infinity;
    for (let g = 0; g < this.size; g++) {
      if (g === this.nullGroup) continue;
      const x = this.groupKeys[g]!;
      if (x < min) min = x;
      if (x > max) max = x;
    }
    const span = max - min + 1;
    if (!(span > 0)) return;
    this.frozenMin = min;
    if (span > Math.max(4 * this.size, 4096)) {
      // Sparse keys: a presence bitmap when it is small next to the hash table (≤ 64 bytes per key).
      if (span > 512 * this.size || span > 1 << 28) return;
      const bits = new Uint8Array((span + 7) >>> 3);
      for (let g = 0; g < this.size; g++) {
        if (g === this.nullGroup) continue;
        const k = this.groupKeys[g]! - min;
        bits[k >>> 3]! |= 1 << (k & 7);
      }
      this.present = bits;
      return;
    }
    const d = new Int32Array(span);
    for (let g = 0; g < this.size; g++) if (g !== this.nullGroup) d[this.groupKeys[g]! - min] = g + 1;
    this.frozen = d;
  }

  /**
   * Group ids of the rows, -1 where absent. With `rows`, only those rows are looked up (the
   * others' entries of `out` are left as they are).
   */
  lookup(cols: readonly Col[], n: number, out: Int32Array, rows?: Uint32Array): void {
    const c = cols[0]!;
    const nullId = this.nullsEqual ? this.nullGroup : -1;
    const count = rows ? rows.length : n;
    if (c.isConst) {
      const g = c.value === null ? nullId : this.find(Number(c.value));
      for (let r = 0; r < count; r++) out[rows ? rows[r]! : r] = g;
      return;
    }
    const v = c.values as unknown as ArrayLike<number>, valid = c.validity;
    const direct = this.frozen;
    if (direct) {
      const min = this.frozenMin, span = direct.length;
      for (let r = 0; r < count; r++) {
        const i = rows ? rows[r]! : r;
        const k = v[i]! - min;
        out[i] = valid && !getBit(valid, i) ? nullId : k >= 0 && k < span ? direct[k]! - 1 : -1;
      }
      return;
    }
    // Through the presence bitmap when there is one: the hash probe only for keys present.
    const bits = this.present, min = this.frozenMin, span = bits ? bits.length << 3 : 0;
    const slots = this.slots, mask = this.mask;
    for (let r = 0; r < count; r++) {
      const i = rows ? rows[r]! : r;
      if (valid && !getBit(valid, i)) {
        out[i] = nullId;
        continue;
      }
      const x = v[i]!;
      let g = -1;
      const k = x - min;
      if (!bits || (k >= 0 && k < span && (bits[k >>> 3]! & (1 << (k & 7))) !== 0)) {
        let s = hashInt(x) & mask;
        for (;;) {
          const id = slots[2 * s + 1]!;
          if (id === 0) break;
          if (slots[2 * s] === x) {
            g = id - 1;
            break;
          }
          s = (s + 1) & mask;
        }
      }
      out[i] = g;
    }
  }

  /** The group of key x, or -1. */
  private find(x: number): number {
    const slots = this.slots, mask = this.mask;
    if (this.frozen) {
      const k = x - this.frozenMin;
      return k >= 0 && k < this.frozen.length ? this.frozen[k]! - 1 : -1;
    }
    let s = hashInt(x) & mask;
    for (;;) {
      const id = slots[2 * s + 1]!;
      if (id === 0) return -1;
      if (slots[2 * s] === x) return id - 1;
      s = (s + 1) & mask;
    }
  }

  keyCol(k: number): Col {
    void k;
    if (this.size === 0) return constCol(this.type, null, 0);
    const out = new (arrayTypeOf(this.type))(this.size) as unknown as { [i: number]: number };
    for (let g = 0; g < this.size; g++) out[g] = this.groupKeys[g]!;
    let validity: Uint8Array | null = null;
    if (this.nullGroup >= 0) {
      validity = new Uint8Array((this.size + 7) >> 3).fill(0xff);
      validity[this.nullGroup >> 3]! &= ~(1 << (this.nullGroup & 7));
    }
    return flatCol(this.type, this.size, out as never, validity);
  }

  keyData(k: number): Data {
    return toData(this.keyCol(k));
  }
}
