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
   * dense (span ≤ 4 × rows) groups are assigned through a direct array only, without hashing;
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
      if (span > 0 && span <= Math.max(4 * n, 4096)) {
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
    if (!(span > 0) || span > Math.max(4 * this.size, 4096)) return;
    const d = new Int32Array(span);
    for (let g = 0; g < this.size; g++) if (g !== this.nullGroup) d[this.groupKeys[g]! - min] = g + 1;
    this.frozen = d;
    this.frozenMin = min;
  }

  /** Group ids of the rows, -1 where absent. */
  lookup(cols: readonly Col[], n: number, out: Int32Array): void {
    const c = cols[0]!;
    const direct = this.frozen;
    if (direct && !c.isConst) {
      const v = c.values as unknown as ArrayLike<number>, valid = c.validity, min = this.frozenMin, span = direct.length;
      for (let i = 0; i < n; i++) {
        const k = v[i]! - min;
        out[i] = k >= 0 && k < span ? direct[k]! - 1 : -1;
        if (valid && !getBit(valid, i)) out[i] = this.nullsEqual ? this.nullGroup : -1;
      }
      return;
    }
    const slots = this.slots, mask = this.mask;
    const find = (x: number): number => {
      let s = hashInt(x) & mask;
      for (;;) {
        const id = slots[2 * s + 1]!;
        if (id === 0) return -1;
        if (slots[2 * s] === x) return id - 1;
        s = (s + 1) & mask;
      }
    };
    if (c.isConst) {
      out.fill(c.value === null ? (this.nullsEqual ? this.nullGroup : -1) : find(Number(c.value)), 0, n);
      return;
    }
    const v = c.values as unknown as ArrayLike<number>, valid = c.validity;
    for (let i = 0; i < n; i++) {
      if (valid && !getBit(valid, i)) {
        out[i] = this.nullsEqual ? this.nullGroup : -1;
        continue;
      }
      const x = v[i]!;
      let s = hashInt(x) & mask;
      let g = -1;
      for (;;) {
        const id = slots[2 * s + 1]!;
        if (id === 0) break;
        if (slots[2 * s] === x) {
          g = id - 1;
          break;
        }
        s = (s + 1) & mask;
      }
      out[i] = g;
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
