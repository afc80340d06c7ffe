/**
 * Sorting row indices by key columns: stable, NULLS FIRST / LAST per key, DuckDB order
 * (NaN greatest, strings by UTF-8 bytes). Keys that are all fixed-width numbers sort by an LSD
 * radix sort over order-preserving 32-bit words (no comparisons); other keys use a merge
 * sort on Uint32 indices with comparators specialised per key type.
 */
import { Type } from 'apache-arrow';

import { getBit } from '../expr/bits.js';
import { type Col, valueAt } from '../expr/col.js';
import { compareBytes, compareValues } from '../expr/compare.js';
import { keyKind } from './hash.js';

export interface SortColumn {
  readonly col: Col;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
}

type Cmp = (i: number, j: number) => number;

/** Three-way comparison of rows i and j of one key (nulls placed as asked, direction applied). */
export function keyComparator(k: SortColumn): Cmp {
  const c = k.col;
  const dir = k.descending ? -1 : 1;
  const nullCmp = k.nullsFirst ? -1 : 1;
  if (c.isConst) return () => 0;
  const valid = c.validity;
  const base = valueComparator(c);
  if (!valid) return dir === 1 ? base : (i, j) => -base(i, j);
  return (i, j) => {
    const vi = getBit(valid, i), vj = getBit(valid, j);
    if (!vi || !vj) return vi === vj ? 0 : !vi ? nullCmp : -nullCmp;
    return dir * base(i, j);
  };
}

function valueComparator(c: Col): Cmp {
  switch (keyKind(c)) {
    case 'num': {
      const v = c.values as unknown as ArrayLike<number>;
      return (i, j) => {
        const x = v[i]!, y = v[j]!;
        if (x < y) return -1;
        if (x > y) return 1;
        if (x === y) return 0;
        return x !== x ? (y !== y ? 0 : 1) : -1;
      };
    }
    case 'i64': {
      const w = new Int32Array(c.values!.buffer, c.values!.byteOffset, c.length * 2);
      const unsigned = c.type.typeId === Type.Int && !(c.type as unknown as { isSigned: boolean }).isSigned;
      return (i, j) => {
        let a = w[2 * i + 1]!, b = w[2 * j + 1]!;
        if (unsigned) {
          a >>>= 0;
          b >>>= 0;
        }
        if (a !== b) return a < b ? -1 : 1;
        const x = w[2 * i]! >>> 0, y = w[2 * j]! >>> 0;
        return x < y ? -1 : x > y ? 1 : 0;
      };
    }
    case 'str': {
      const b = c.values as Uint8Array, o = c.offsets!;
      return (i, j) => compareBytes(b, o[i]!, o[i + 1]!, b, o[j]!, o[j + 1]!);
    }
    default:
      return (i, j) => compareValues(valueAt(c, i), valueAt(c, j));
  }
}

/** A comparator over several keys (first difference decides). */
export function rowsComparator(keys: readonly SortColumn[]): Cmp {
  const cs = keys.map(keyComparator);
  if (cs.length === 1) return cs[0]!;
  return (i, j) => {
    for (const c of cs) {
      const r = c(i, j);
      if (r !== 0) return r;
    }
    return 0;
  };
}

/** Stable merge sort of `idx` by `cmp`. */
export function mergeSort(idx: Uint32Array, cmp: Cmp): Uint32Array {
  const n = idx.length;
  let a: Uint32Array = idx, b: Uint32Array = new Uint32Array(n);
  // Insertion sort runs of 16, then merge.
  const RUN = 16;
  for (let s = 0; s < n; s += RUN) {
    const e = Math.min(n, s + RUN);
    for (let i = s + 1; i < e; i++) {
      const x = a[i]!;
      let j = i - 1;
      while (j >= s && cmp(a[j]!, x) > 0) {
        a[j + 1] = a[j]!;
        j--;
      }
      a[j + 1] = x;
    }
  }
  for (let w = RUN; w < n; w *= 2) {
    for (let lo = 0; lo < n; lo += 2 * w) {
      const mid = Math.min(n, lo + w), hi = Math.min(n, lo + 2 * w);
      let i = lo, j = mid, k = lo;
      if (mid >= hi || cmp(a[mid - 1]!, a[mid]!) <= 0) {
        b.set(a.subarray(lo, hi), lo);
        continue;
      }
      while (i < mid && j < hi) b[k++] = cmp(a[j]!, a[i]!) < 0 ? a[j++]! : a[i++]!;
      while (i < mid) b[k++] = a[i++]!;
      while (j < hi) b[k++] = a[j++]!;
    }
    const t = a;
    a = b;
    b = t;
  }
  return a;
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** Order-preserving words of one key: [null word?] then 1 (32-bit ints) or 2 (doubles, 64-bit ints) words per row. */
function keyWords(k: SortColumn, n: number): Uint32Array[] | null {
  const c = k.col;
  if (c.isConst) return [];
  const kind = keyKind(c);
  if (kind !== 'num' && kind !== 'i64') return null;
  const out: Uint32Array[] = [];
  const inv = k.descending ? 0xffffffff : 0;
  if (c.validity) {
    const nw = new Uint32Array(n);
    const valid = c.validity;
    const nullWord = k.nullsFirst ? 0 : 1;
    for (let i = 0; i < n; i++) nw[i] = getBit(valid, i) ? 1 - nullWord : nullWord;
    out.push(nw);
  }
  const isInt32 = kind === 'num' && (c.type.typeId === Type.Int || c.type.typeId === Type.Date);
  if (kind === 'num' && isInt32) {
    const v = c.values as unknown as ArrayLike<number>;
    const w = new Uint32Array(n);
    const unsigned = c.type.typeId === Type.Int && !(c.type as unknown as { isSigned: boolean }).isSigned;
    for (let i = 0; i < n; i++) w[i] = ((unsigned ? v[i]! : (v[i]! ^ 0x80000000)) ^ inv) >>> 0;
    out.push(w);
    return out;
  }
  const hi = new Uint32Array(n), lo = new Uint32Array(n);
  if (kind === 'num') {
    const v = c.values as unknown as ArrayLike<number>;
    for (let i = 0; i < n; i++) {
      let x = v[i]!;
      if (x !== x) x = NaN;
      f64[0] = x === 0 ? 0 : x;
      let h = u32[1]!, l = u32[0]!;
      if (h & 0x80000000) {
        h = ~h;
        l = ~l;
      } else h |= 0x80000000;
      hi[i] = (h ^ inv) >>> 0;
      lo[i] = (l ^ inv) >>> 0;
    }
  } else {
    const w = new Int32Array(c.values!.buffer, c.values!.byteOffset, n * 2);
    const unsigned = c.type.typeId === Type.Int && !(c.type as unknown as { isSigned: boolean }).isSigned;
    for (let i = 0; i < n; i++) {
      hi[i] = ((unsigned ? w[2 * i + 1]! : w[2 * i + 1]! ^ 0x80000000) ^ inv) >>> 0;
      lo[i] = (w[2 * i]! ^ inv) >>> 0;
    }
  }
  out.push(hi, lo);
  return out;
}

/** LSD radix sort of indices by words (most significant first), 16 bits per pass, stable. */
function radixSort(words: readonly Uint32Array[], n: number): Uint32Array {
  let idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  let tmp = new Uint32Array(n);
  const count = new Uint32Array(65536);
  for (let w = words.length - 1; w >= 0; w--) {
    const key = words[w]!;
    for (const shift of [0, 16]) {
      count.fill(0);
      let first = -1, same = true;
      for (let i = 0; i < n; i++) {
        const d = (key[i]! >>> shift) & 0xffff;
        count[d]!++;
        if (first < 0) first = d;
        else if (d !== first) same = false;
      }
      if (same) continue;
      let sum = 0;
      for (let d = 0; d < 65536; d++) {
        const c = count[d]!;
        count[d] = sum;
        sum += c;
      }
      for (let i = 0; i < n; i++) {
        const r = idx[i]!;
        const d = (key[r]! >>> shift) & 0xffff;
        tmp[count[d]!++] = r;
      }
      const t = idx;
      idx = tmp;
      tmp = t;
    }
  }
  return idx;
}

/** Row indices 0..n-1 in key order (stable). */
export function sortIndices(keys: readonly SortColumn[], n: number): Uint32Array {
  if (n > 256) {
    const words: Uint32Array[] = [];
    let ok = true;
    for (const k of keys) {
      const w = keyWords(k, n);
      if (!w) {
        ok = false;
        break;
      }
      words.push(...w);
    }
    if (ok && words.length > 0 && words.length <= 6) return radixSort(words, n);
  }
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  return mergeSort(idx, rowsComparator(keys));
}

