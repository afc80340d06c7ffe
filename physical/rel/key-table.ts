/**
 * KeyTable: an open-addressing hash table of distinct keys (one or more columns), giving each
 * distinct key a dense group id 0, 1, 2, … It backs hash aggregation, DISTINCT, set
 * operations and the build side of hash joins. Slots are an Int32Array (group + 1, linear
 * probing, load ≤ 1/2); each group's hash is kept to skip most key comparisons and to grow
 * without rehashing keys. Keys live in typed, growable column stores (numbers as Float64,
 * 64-bit integers as 32-bit halves, strings as UTF-8 bytes + offsets), never as JS objects.
 *
 * NULLs: with `nullsEqual` (grouping) NULL is one key; without it (join keys) a row with a
 * NULL key column is never inserted or found (group -1).
 */
import { type Data, type DataType, Type } from 'apache-arrow';

import { bytesFor, getBit } from '../expr/bits.js';
import { type Col, constCol, flatCol, toData, valueAt } from '../expr/col.js';
import { arrayTypeOf, rowWriter } from '../expr/kernel.js';
import { encodeUtf8 } from '../expr/utf8.js';
import { canonicalKey, hashRows, type KeyKind, keyKind } from './hash.js';
import { IntKeyTable } from './int-key-table.js';
import { codable, TupleKeyTable } from './tuple-key-table.js';

interface Store {
  bind(c: Col): void;
  /** Stored key g equals bound row i (NULL = NULL). */
  eq(g: number, i: number): boolean;
  /** Appends bound row i as key g (= current count). */
  push(g: number, i: number): void;
  isNull(i: number): boolean;
  /** The first `count` stored keys as a column. */
  column(count: number): Col;
}

const grow = <T extends Float64Array | Int32Array | Uint8Array>(a: T, need: number): T => {
  if (need <= a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(need, a.length * 2));
  b.set(a);
  return b;
};

class NumStore implements Store {
  vals = new Float64Array(64);
  nulls = new Uint8Array(64);
  private v: ArrayLike<number> = new Float64Array(0);
  private valid: Uint8Array | null = null;
  private c!: Col;
  constructor(private readonly type: DataType) {}
  bind(c: Col): void {
    this.c = c;
    this.v = c.isConst ? new Float64Array(1) : (c.values as unknown as ArrayLike<number>);
    this.valid = c.validity;
  }
  isNull(i: number): boolean {
    return this.c.isConst ? this.c.value === null : this.valid !== null && !getBit(this.valid, i);
  }
  private at(i: number): number {
    return this.c.isConst ? Number(this.c.value) : this.v[i]!;
  }
  eq(g: number, i: number): boolean {
    const nl = this.isNull(i);
    if (this.nulls[g] || nl) return this.nulls[g] === 1 && nl;
    const x = this.vals[g]!, y = this.at(i);
    return x === y || (x !== x && y !== y);
  }
  push(g: number, i: number): void {
    this.vals = grow(this.vals, g + 1);
    this.nulls = grow(this.nulls, g + 1);
    if (this.isNull(i)) this.nulls[g] = 1;
    else this.vals[g] = this.at(i);
  }
  column(count: number): Col {
    const out = new (arrayTypeOf(this.type))(count) as unknown as { [k: number]: number };
    for (let g = 0; g < count; g++) out[g] = this.vals[g]!;
    return flatCol(this.type, count, out as never, validityOf(this.nulls, count));
  }
}

function validityOf(nulls: Uint8Array, count: number): Uint8Array | null {
  let any = false;
  const v = new Uint8Array(bytesFor(count));
  for (let g = 0; g < count; g++) {
    if (nulls[g]) any = true;
    else v[g >> 3]! |= 1 << (g & 7);
  }
  return any ? v : null;
}

class I64Store implements Store {
  words = new Int32Array(128);
  nulls = new Uint8Array(64);
  private w: Int32Array = new Int32Array(0);
  private valid: Uint8Array | null = null;
  private c!: Col;
  private ch = 0;
  private cl = 0;
  constructor(private readonly type: DataType) {}
  bind(c: Col): void {
    this.c = c;
    this.valid = c.validity;
    if (c.isConst) {
      const u = BigInt.asUintN(64, BigInt((c.value ?? 0n) as bigint));
      this.cl = Number(u & 0xffffffffn) | 0;
      this.ch = Number(u >> 32n) | 0;
    } else this.w = new Int32Array(c.values!.buffer, c.values!.byteOffset, c.length * 2);
  }
  isNull(i: number): boolean {
    return this.c.isConst ? this.c.value === null : this.valid !== null && !getBit(this.valid, i);
  }
  eq(g: number, i: number): boolean {
    const nl = this.isNull(i);
    if (this.nulls[g] || nl) return this.nulls[g] === 1 && nl;
    const lo = this.c.isConst ? this.cl : this.w[2 * i]!, hi = this.c.isConst ? this.ch : this.w[2 * i + 1]!;
    return this.words[2 * g] === lo && this.words[2 * g + 1] === hi;
  }
  push(g: number, i: number): void {
    this.words = grow(this.words, 2 * g + 2);
    this.nulls = grow(this.nulls, g + 1);
    if (this.isNull(i)) {
      this.nulls[g] = 1;
      return;
    }
    this.words[2 * g] = this.c.isConst ? this.cl : this.w[2 * i]!;
    this.words[2 * g + 1] = this.c.isConst ? this.ch : this.w[2 * i + 1]!;
  }
  column(count: number): Col {
    const C = arrayTypeOf(this.type) as unknown as new (b: ArrayBuffer, o: number, n: number) => BigInt64Array;
    const words = this.words.slice(0, 2 * count);
    return flatCol(this.type, count, new C(words.buffer, 0, count), validityOf(this.nulls, count));
  }
}

class StrStore implements Store {
  bytes = new Uint8Array(1024);
  offs = new Int32Array(65);
  nulls = new Uint8Array(64);
  private b: Uint8Array = new Uint8Array(0);
  private o: Int32Array = new Int32Array(0);
  private valid: Uint8Array | null = null;
  private c!: Col;
  private cb: Uint8Array = new Uint8Array(0);
  constructor(private readonly type: DataType) {}
  bind(c: Col): void {
    this.c = c;
    this.valid = c.validity;
    if (c.isConst) this.cb = c.value === null ? new Uint8Array(0) : encodeUtf8(c.value as string);
    else {
      this.b = c.values as Uint8Array;
      this.o = c.offsets!;
    }
  }
  isNull(i: number): boolean {
    return this.c.isConst ? this.c.value === null : this.valid !== null && !getBit(this.valid, i);
  }
  eq(g: number, i: number): boolean {
    const nl = this.isNull(i);
    if (this.nulls[g] || nl) return this.nulls[g] === 1 && nl;
    const s = this.offs[g]!, e = this.offs[g + 1]!;
    const src = this.c.isConst ? this.cb : this.b;
    const rs = this.c.isConst ? 0 : this.o[i]!, re = this.c.isConst ? this.cb.length : this.o[i + 1]!;
    if (e - s !== re - rs) return false;
    const bytes = this.bytes;
    for (let k = 0; k < e - s; k++) if (bytes[s + k] !== src[rs + k]) return false;
    return true;
  }
  push(g: number, i: number): void {
    this.offs = grow(this.offs, g + 2);
    this.nulls = grow(this.nulls, g + 1);
    const start = this.offs[g]!;
    if (this.isNull(i)) {
      this.nulls[g] = 1;
      this.offs[g + 1] = start;
      return;
    }
    const src = this.c.isConst ? this.cb : this.b;
    const rs = this.c.isConst ? 0 : this.o[i]!, re = this.c.isConst ? this.cb.length : this.o[i + 1]!;
    this.bytes = grow(this.bytes, start + re - rs);
    for (let k = rs; k < re; k++) this.bytes[start + k - rs] = src[k]!;
    this.offs[g + 1] = start + re - rs;
  }
  column(count: number): Col {
    return flatCol(this.type, count, this.bytes.slice(0, this.offs[count]!), validityOf(this.nulls, count), this.offs.slice(0, count + 1));
  }
}

class BoolStore implements Store {
  vals = new Uint8Array(64);
  private c!: Col;
  constructor(private readonly type: DataType) {}
  bind(c: Col): void {
    this.c = c;
  }
  isNull(i: number): boolean {
    return valueAt(this.c, i) === null;
  }
  private code(i: number): number {
    const v = valueAt(this.c, i);
    return v === null ? 2 : v ? 1 : 0;
  }
  eq(g: number, i: number): boolean {
    return this.vals[g] === this.code(i);
  }
  push(g: number, i: number): void {
    this.vals = grow(this.vals, g + 1);
    this.vals[g] = this.code(i);
  }
  column(count: number): Col {
    const w = rowWriter(this.type, count);
    for (let g = 0; g < count; g++) w.set(g, this.vals[g] === 2 ? null : this.vals[g] === 1);
    return w.finish();
  }
}

class OtherStore implements Store {
  keys: string[] = [];
  values: unknown[] = [];
  private c!: Col;
  constructor(private readonly type: DataType) {}
  bind(c: Col): void {
    this.c = c;
  }
  isNull(i: number): boolean {
    return valueAt(this.c, i) === null;
  }
  eq(g: number, i: number): boolean {
    return this.keys[g] === canonicalKey(valueAt(this.c, i));
  }
  push(g: number, i: number): void {
    const v = valueAt(this.c, i);
    this.keys[g] = canonicalKey(v);
    this.values[g] = v;
  }
  column(count: number): Col {
    const w = rowWriter(this.type, count);
    for (let g = 0; g < count; g++) w.set(g, this.values[g] ?? null);
    return w.finish();
  }
}

function storeFor(kind: KeyKind, type: DataType): Store {
  switch (kind) {
    case 'num': return new NumStore(type);
    case 'i64': return new I64Store(type);
    case 'str': return new StrStore(type);
    case 'bool': return new BoolStore(type);
    case 'other': return new OtherStore(type);
  }
}

export class KeyTable {
  /** Number of distinct keys (groups). */
  size = 0;
  private slots = new Int32Array(64);
  private mask = 63;
  private groupHash = new Int32Array(32);
  private readonly stores: Store[];
  /**
   * The stores again, by class: the per-row loops of eq() and add() then call one class per
   * loop (monomorphic, inlined) instead of dispatching on every store.
   */
  private readonly nums: NumStore[];
  private readonly strs: StrStore[];
  private readonly others: Store[];
  private readonly single: NumStore | null;
  /** Integer-coded keys while every batch's keys have codes (tuple-key-table.ts). */
  private tuple: TupleKeyTable | null;

  constructor(
    readonly types: readonly DataType[],
    readonly nullsEqual: boolean,
  ) {
    this.stores = types.map((t) => storeFor(keyKind({ type: t }), t));
    this.nums = this.stores.filter((x): x is NumStore => x instanceof NumStore);
    this.strs = this.stores.filter((x): x is StrStore => x instanceof StrStore);
    this.others = this.stores.filter((x) => !(x instanceof NumStore) && !(x instanceof StrStore));
    this.single = this.stores.length === 1 && this.stores[0] instanceof NumStore ? this.stores[0] : null;
    const coded = types.length > 0 && types.every(codable) && (types.length > 1 || types[0]!.typeId === Type.Utf8 || types[0]!.typeId === Type.Bool);
    this.tuple = coded ? new TupleKeyTable(types, nullsEqual) : null;
  }

  /** Moves the tuple table's groups (in order, so ids stay) into the general stores. */
  private generalize(): void {
    const t = this.tuple!;
    this.tuple = null;
    const cols = t.keyCols();
    const ids = new Int32Array(t.size);
    this.size = 0;
    if (t.size) this.insert(cols, t.size, ids);
  }

  /** The coded path: true when it handled the batch. */
  private viaTuple(cols: readonly Col[], n: number, out: Int32Array, rows: Uint32Array | undefined, insert: boolean): boolean {
    const t = this.tuple;
    if (!t) return false;
    const cs = t.codesOf(cols, n);
    if (!cs) {
      this.generalize();
      return false;
    }
    t.insertCodes(cs, n, out, rows, insert);
    this.size = t.size;
    return true;
  }

  private bind(cols: readonly Col[]): void {
    for (let k = 0; k < cols.length; k++) this.stores[k]!.bind(cols[k]!);
  }

  private anyNull(i: number): boolean {
    for (const s of this.stores) if (s.isNull(i)) return true;
    return false;
  }

  private eq(g: number, i: number): boolean {
    const nums = this.nums, strs = this.strs, others = this.others;
    for (let k = 0; k < nums.length; k++) if (!nums[k]!.eq(g, i)) return false;
    for (let k = 0; k < strs.length; k++) if (!strs[k]!.eq(g, i)) return false;
    for (let k = 0; k < others.length; k++) if (!others[k]!.eq(g, i)) return false;
    return true;
  }

  private grow(): void {
    const cap = this.slots.length * 2;
    const slots = new Int32Array(cap);
    const mask = cap - 1;
    for (let g = 0; g < this.size; g++) {
      let s = this.groupHash[g]! & mask;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = g + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }

  /**
   * Group ids of rows (all rows, or the rows of `rows`) into `out[i]` (indexed by row); new keys
   * are inserted. Rows with a NULL key get -1 unless nullsEqual.
   */
  insert(cols: readonly Col[], n: number, out: Int32Array, rows?: Uint32Array): void {
    if (this.viaTuple(cols, n, out, rows, true)) return;
    const hashes = hashRows(cols, n);
    this.bind(cols);
    const count = rows ? rows.length : n;
    const fast = this.single !== null && !cols[0]!.isConst && cols[0]!.validity === null;
    const fv = fast ? (cols[0]!.values as unknown as ArrayLike<number>) : null;
    for (let r = 0; r < count; r++) {
      const i = rows ? rows[r]! : r;
      if (!this.nullsEqual && !fast && this.anyNull(i)) {
        out[i] = -1;
        continue;
      }
      const h = hashes[i]!;
      let s = h & this.mask;
      let g: number;
      for (;;) {
        g = this.slots[s]! - 1;
        if (g < 0) {
          g = this.add(h, i);
          this.slots[s] = g + 1;
          if (this.size * 2 > this.slots.length) this.grow();
          break;
        }
        if (this.groupHash[g] === h) {
          if (fv) {
            const x = this.single!.vals[g]!, y = fv[i]!;
            if (!this.single!.nulls[g] && (x === y || (x !== x && y !== y))) break;
          } else if (this.eq(g, i)) break;
        }
        s = (s + 1) & this.mask;
      }
      out[i] = g;
    }
  }

  private add(h: number, i: number): number {
    const g = this.size++;
    if (g >= this.groupHash.length) {
      const b = new Int32Array(this.groupHash.length * 2);
      b.set(this.groupHash);
      this.groupHash = b;
    }
    this.groupHash[g] = h;
    const nums = this.nums, strs = this.strs, others = this.others;
    for (let k = 0; k < nums.length; k++) nums[k]!.push(g, i);
    for (let k = 0; k < strs.length; k++) strs[k]!.push(g, i);
    for (let k = 0; k < others.length; k++) others[k]!.push(g, i);
    return g;
  }

  /**
   * Group ids of rows, -1 where the key is absent (or NULL without nullsEqual). With `rows`,
   * only those rows are looked up (other entries of `out` are left as they are).
   */
  lookup(cols: readonly Col[], n: number, out: Int32Array, rows?: Uint32Array): void {
    if (this.viaTuple(cols, n, out, rows, false)) return;
    const hashes = hashRows(cols, n);
    this.bind(cols);
    const fast = this.single !== null && !cols[0]!.isConst && cols[0]!.validity === null;
    const fv = fast ? (cols[0]!.values as unknown as ArrayLike<number>) : null;
    const count = rows ? rows.length : n;
    for (let r = 0; r < count; r++) {
      const i = rows ? rows[r]! : r;
      if (!this.nullsEqual && !fast && this.anyNull(i)) {
        out[i] = -1;
        continue;
      }
      const h = hashes[i]!;
      let s = h & this.mask;
      let g: number;
      for (;;) {
        g = this.slots[s]! - 1;
        if (g < 0) break;
        if (this.groupHash[g] === h) {
          if (fv) {
            const x = this.single!.vals[g]!, y = fv[i]!;
            if (!this.single!.nulls[g] && (x === y || (x !== x && y !== y))) break;
          } else if (this.eq(g, i)) break;
        }
        s = (s + 1) & this.mask;
      }
      out[i] = g;
    }
  }

  /** End of inserts: the tuple table may index its first key column directly. */
  freeze(): void {
    this.tuple?.freeze();
  }

  /** A join's whole build side: insert, then freeze. */
  build(cols: readonly Col[], n: number, out: Int32Array): void {
    this.insert(cols, n, out);
    this.freeze();
  }

  /** The stored distinct keys of column k (group order) as Arrow Data. */
  keyData(k: number): Data {
    return toData(this.keyCol(k));
  }

  keyCol(k: number): Col {
    if (this.tuple) return this.tuple.keyCol(k);
    if (this.size === 0) return constCol(this.types[k]!, null, 0);
    return this.stores[k]!.column(this.size);
  }
}

/** A hash table of distinct keys: the Int32 specialisation for one small-integer key, else the general one. */
export type GroupTable = KeyTable | IntKeyTable;

export function groupTable(types: readonly DataType[], nullsEqual: boolean): GroupTable {
  const t = types[0];
  if (types.length === 1 && t) {
    const w = (t as unknown as { bitWidth?: number }).bitWidth;
    const signed = (t as unknown as { isSigned?: boolean }).isSigned;
    const small = (t.typeId === Type.Int && w !== undefined && (w < 32 || (w === 32 && signed))) || (t.typeId === Type.Date && (t as unknown as { unit: number }).unit === 0);
    if (small) return new IntKeyTable(t, nullsEqual);
  }
  return new KeyTable(types, nullsEqual);
}
