/**
 * Row hashes of key columns (Int32 per row), computed column by column and combined. Equal
 * keys hash equally under SQL grouping equality: -0 = 0, every NaN alike, NULLs alike.
 * Integers that fit 32 bits hash by value; other doubles by their bits; 64-bit integers by
 * their halves; strings by their UTF-8 bytes.
 */
import { Type } from 'apache-arrow';

import { getBit } from '../expr/bits.js';
import { type Col, valueAt } from '../expr/col.js';
import { encodeUtf8 } from '../expr/utf8.js';

export const mix = (x: number): number => {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
};

const NULL_HASH = 0x5bd1e995;
const NAN_HASH = 0x7ff80000;
const f64 = new Float64Array(1);
const i32 = new Int32Array(f64.buffer);

/** Hash of one double (NaN and -0 normalised). */
export function hashNumber(x: number): number {
  if ((x | 0) === x) return mix(x);
  if (x !== x) return mix(NAN_HASH);
  f64[0] = x;
  return mix(i32[0]! ^ mix(i32[1]! + 0x3c6ef372));
}

export function hashBytes(b: Uint8Array, s: number, e: number): number {
  let h = 0x811c9dc5 ^ (e - s);
  for (let k = s; k < e; k++) h = Math.imul(h ^ b[k]!, 0x01000193);
  return mix(h);
}

/** Kinds of key columns the hash table stores natively. */
export type KeyKind = 'num' | 'i64' | 'str' | 'bool' | 'other';

export function keyKind(c: { type: Col['type'] }): KeyKind {
  const t = c.type;
  switch (t.typeId) {
    case Type.Int:
      return (t as unknown as { bitWidth: number }).bitWidth === 64 ? 'i64' : 'num';
    case Type.Float:
      return 'num';
    case Type.Date:
      return (t as unknown as { unit: number }).unit === 0 ? 'num' : 'i64';
    case Type.Timestamp:
    case Type.Duration:
      return 'i64';
    case Type.Time:
      return (t as unknown as { bitWidth: number }).bitWidth === 64 ? 'i64' : 'num';
    case Type.Utf8:
    case Type.Binary:
      return 'str';
    case Type.Bool:
      return 'bool';
    default:
      return 'other';
  }
}

/** A canonical string of any value (for 'other' keys: intervals, lists, structs). */
export function canonicalKey(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : typeof x === 'number' && (x !== x || Object.is(x, -0)) ? (x !== x ? 'NaN' : 0) : x instanceof Uint8Array ? [...x] : x)) ?? 'null';
}

/** Combines the hash of column `c` into `h` (first column: `first` = true overwrites). */
export function hashColumn(c: Col, h: Int32Array, n: number, first: boolean): void {
  const valid = c.validity;
  const kind = keyKind(c);
  const put = first ? (i: number, x: number): void => void (h[i] = x) : (i: number, x: number): void => void (h[i] = mix(Math.imul(h[i]!, 31) + x));
  if (c.isConst) {
    const x = c.value === null ? NULL_HASH : constHash(c);
    for (let i = 0; i < n; i++) put(i, x);
    return;
  }
  switch (kind) {
    case 'num': {
      const v = c.values as unknown as ArrayLike<number>;
      if (first && !valid) {
        for (let i = 0; i < n; i++) {
          const x = v[i]!;
          h[i] = (x | 0) === x ? mix(x) : hashNumber(x);
        }
        return;
      }
      for (let i = 0; i < n; i++) put(i, valid && !getBit(valid, i) ? NULL_HASH : hashNumber(v[i]!));
      return;
    }
    case 'i64': {
      const v = c.values!;
      const w = new Int32Array(v.buffer, v.byteOffset, n * 2);
      for (let i = 0; i < n; i++) put(i, valid && !getBit(valid, i) ? NULL_HASH : mix(w[2 * i]! ^ mix(w[2 * i + 1]! + 0x3c6ef372)));
      return;
    }
    case 'str': {
      const b = c.values as Uint8Array, o = c.offsets!;
      for (let i = 0; i < n; i++) put(i, valid && !getBit(valid, i) ? NULL_HASH : hashBytes(b, o[i]!, o[i + 1]!));
      return;
    }
    case 'bool': {
      const b = c.values as Uint8Array;
      for (let i = 0; i < n; i++) put(i, valid && !getBit(valid, i) ? NULL_HASH : mix(getBit(b, i) ? 1 : 2));
      return;
    }
    default:
      for (let i = 0; i < n; i++) {
        const v = valueAt(c, i);
        put(i, v === null ? NULL_HASH : hashString(canonicalKey(v)));
      }
  }
}

function hashString(s: string): number {
  const b = encodeUtf8(s);
  return hashBytes(b, 0, b.length);
}

function constHash(c: Col): number {
  const v = c.value;
  switch (keyKind(c)) {
    case 'num':
      return hashNumber(Number(v));
    case 'i64': {
      const u = BigInt.asUintN(64, BigInt(v as bigint));
      return mix((Number(u & 0xffffffffn) | 0) ^ mix((Number(u >> 32n) | 0) + 0x3c6ef372));
    }
    case 'str':
      return hashString(v as string);
    case 'bool':
      return mix(v ? 1 : 2);
    default:
      return hashString(canonicalKey(v));
  }
}

/** Row hashes of several key columns. */
export function hashRows(cols: readonly Col[], n: number): Int32Array {
  const h = new Int32Array(n);
  cols.forEach((c, k) => hashColumn(c, h, n, k === 0));
  return h;
}
