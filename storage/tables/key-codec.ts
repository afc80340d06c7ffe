/**
 * Normalized keys: a table's composite primary key encoded as bytes whose memcmp order is the
 * key order, so fragments, spans, merges and seeks compare keys with one byte loop.
 *
 * Per key column, in key-schema order:
 *  - bool: one byte 0 / 1;
 *  - signed ints, dates, timestamps: big-endian two's complement with the sign bit flipped;
 *  - unsigned ints: big-endian;
 *  - utf8 / binary: the bytes with 0x00 escaped as 00 FF, then the terminator 00 00
 *    (so "a" < "a\0" < "ab" and a prefix never compares above a longer key);
 *  - fixed-size binary: the bytes as is.
 * Key columns are never null. A prefix of the key (its first k columns) encodes to a byte
 * prefix of every key that starts with those values, so key-prefix ranges are byte ranges.
 */
import { type Data, DataType, type Field, Type } from 'apache-arrow';

import { EngineError } from '../../errors.js';

/**
 * Normalized keys of a run of rows: key i is bytes[offsets[i] .. offsets[i+1]), or
 * bytes[i*width .. (i+1)*width) when every key has the same width (offsets then null).
 */
export interface KeyBlock {
  readonly bytes: Uint8Array;
  readonly offsets: Uint32Array | null;
  readonly width: number;
  readonly length: number;
}

const kStart = (a: KeyBlock, i: number): number => (a.offsets ? a.offsets[i]! : i * a.width);
const kEnd = (a: KeyBlock, i: number): number => (a.offsets ? a.offsets[i + 1]! : (i + 1) * a.width);

type KeyKind = 'bool' | 'int' | 'uint' | 'bytes' | 'fixed';

interface ColumnCodec {
  readonly kind: KeyKind;
  /** Bytes per value for fixed-width kinds. */
  readonly width: number;
}

function codecOf(field: Field): ColumnCodec {
  const t: DataType = field.type;
  switch (t.typeId) {
    case Type.Bool:
      return { kind: 'bool', width: 1 };
    case Type.Int: {
      const it = t as unknown as { bitWidth: number; isSigned: boolean };
      return { kind: it.isSigned ? 'int' : 'uint', width: it.bitWidth / 8 };
    }
    case Type.Date:
      return { kind: 'int', width: (t as unknown as { unit: number }).unit === 0 ? 4 : 8 };
    case Type.Timestamp:
      return { kind: 'int', width: 8 };
    case Type.Utf8:
    case Type.Binary:
    case Type.LargeUtf8:
    case Type.LargeBinary:
      return { kind: 'bytes', width: 0 };
    case Type.FixedSizeBinary:
      return { kind: 'fixed', width: (t as unknown as { byteWidth: number }).byteWidth };
    default:
      throw new EngineError('invalid-key-schema', `key column "${field.name}" has type ${String(t)}; keys must be bool, integer, date, timestamp, utf8, binary or fixed-size binary`, {
        details: { column: field.name, type: String(t) },
      });
  }
}

/** Checks that every key field has a supported type; returns the fields. */
export function validateKeyFields(fields: readonly Field[]): readonly Field[] {
  if (fields.length === 0) throw new EngineError('invalid-key-schema', 'a key schema needs at least one column');
  const seen = new Set<string>();
  for (const f of fields) {
    if (seen.has(f.name)) throw new EngineError('invalid-key-schema', `duplicate key column "${f.name}"`);
    seen.add(f.name);
    codecOf(f);
  }
  return fields;
}

const encoder = new TextEncoder();

/** Encodes and decodes keys of one key schema. */
export class KeyCodec {
  private readonly codecs: readonly ColumnCodec[];
  /** Total width when every key column is fixed-width, else 0. */
  readonly fixedWidth: number;

  constructor(readonly fields: readonly Field[]) {
    validateKeyFields(fields);
    this.codecs = fields.map(codecOf);
    this.fixedWidth = this.codecs.every((c) => c.kind !== 'bytes') ? this.codecs.reduce((s, c) => s + c.width, 0) : 0;
  }

  /** Normalized keys of rows [start, end) of the key columns (Arrow Data in key-schema order). */
  encode(columns: readonly Data[], start = 0, end = columns[0]?.length ?? 0): KeyBlock {
    const n = Math.max(0, end - start);
    const w = this.fixedWidth;
    const offsets = new Uint32Array(w > 0 ? 0 : n + 1);
    if (w === 0) {
      const lens = new Uint32Array(n);
      this.codecs.forEach((c, k) => {
        const d = columns[k]!;
        if (c.kind === 'bytes') {
          const offs = d.valueOffsets as Int32Array;
          const vals = d.values as Uint8Array;
          for (let i = 0; i < n; i++) {
            const a = offs[start + i]!, b = offs[start + i + 1]!;
            let zeros = 0;
            for (let p = a; p < b; p++) if (vals[p] === 0) zeros++;
            lens[i]! += b - a + zeros + 2;
          }
        } else {
          for (let i = 0; i < n; i++) lens[i]! += c.width;
        }
      });
      for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i]! + lens[i]!;
    }
    const bytes = new Uint8Array(w > 0 ? n * w : offsets[n]!);
    const pos = new Uint32Array(n);
    if (w > 0) for (let i = 0; i < n; i++) pos[i] = i * w;
    else pos.set(offsets.subarray(0, n));
    this.codecs.forEach((c, k) => {
      const d = columns[k]!;
      if (d.nullCount > 0) throw new EngineError('null-key', `key column "${this.fields[k]!.name}" has null values`, { details: { column: this.fields[k]!.name } });
      writeColumn(c, d, start, n, bytes, pos);
    });
    return { bytes, offsets: w > 0 ? null : offsets, width: w, length: n };
  }

  /** Normalized key (or key prefix) of one row given as JS values, in key-schema order. */
  encodeValues(parts: readonly unknown[]): Uint8Array {
    if (parts.length > this.fields.length) {
      throw new EngineError('invalid-argument', `a key of this table has ${this.fields.length} parts, got ${parts.length}`);
    }
    const chunks: Uint8Array[] = [];
    parts.forEach((v, k) => chunks.push(encodeValue(this.codecs[k]!, this.fields[k]!, v)));
    return concatBytes(chunks);
  }

  /** The key column values of a normalized key (or prefix), for display and for `Key`. */
  decode(key: Uint8Array): unknown[] {
    const out: unknown[] = [];
    let p = 0;
    for (let k = 0; k < this.codecs.length && p < key.length; k++) {
      const c = this.codecs[k]!;
      const f = this.fields[k]!;
      if (c.kind === 'bytes') {
        const bytes: number[] = [];
        while (p < key.length) {
          const b = key[p++]!;
          if (b === 0) {
            const e = key[p++];
            if (e === 0 || e === undefined) break;
            bytes.push(0);
          } else bytes.push(b);
        }
        const u8 = Uint8Array.from(bytes);
        out.push(f.type.typeId === Type.Utf8 || f.type.typeId === Type.LargeUtf8 ? new TextDecoder().decode(u8) : u8);
      } else if (c.kind === 'fixed') {
        out.push(key.slice(p, p + c.width));
        p += c.width;
      } else if (c.kind === 'bool') {
        out.push(key[p++] === 1);
      } else {
        let v = 0n;
        for (let i = 0; i < c.width; i++) v = (v << 8n) | BigInt(key[p + i] ?? 0);
        p += c.width;
        if (c.kind === 'int') v = BigInt.asIntN(c.width * 8, v ^ (1n << BigInt(c.width * 8 - 1)));
        out.push(c.width <= 4 ? Number(v) : v);
      }
    }
    return out;
  }

  /** Human-readable key, e.g. `"a", 3`. */
  format(key: Uint8Array): string {
    return this.decode(key)
      .map((v) => (typeof v === 'string' ? JSON.stringify(v) : v instanceof Uint8Array ? `0x${Buffer.from(v).toString('hex')}` : String(v)))
      .join(', ');
  }
}

function writeColumn(c: ColumnCodec, d: Data, start: number, n: number, bytes: Uint8Array, pos: Uint32Array): void {
  const off = d.offset + start;
  switch (c.kind) {
    case 'bool': {
      const bits = d.values as Uint8Array;
      for (let i = 0; i < n; i++) {
        const j = off + i;
        bytes[pos[i]!++] = (bits[j >> 3]! >> (j & 7)) & 1;
      }
      return;
    }
    case 'int':
    case 'uint': {
      const w = c.width;
      const flip = c.kind === 'int';
      if (w === 8) {
        // 64-bit values (ints, Date64, timestamps) are BigInt64Array / BigUint64Array.
        const v64 = d.values as BigInt64Array | BigUint64Array;
        const u32 = new Uint32Array(v64.buffer, v64.byteOffset, v64.length * 2);
        const signBit = flip ? 0x80000000 : 0;
        for (let i = 0; i < n; i++) {
          const lo = u32[(start + i) * 2]!, hi = (u32[(start + i) * 2 + 1]! ^ signBit) >>> 0;
          let p = pos[i]!;
          bytes[p++] = hi >>> 24; bytes[p++] = (hi >>> 16) & 255; bytes[p++] = (hi >>> 8) & 255; bytes[p++] = hi & 255;
          bytes[p++] = lo >>> 24; bytes[p++] = (lo >>> 16) & 255; bytes[p++] = (lo >>> 8) & 255; bytes[p++] = lo & 255;
          pos[i] = p;
        }
      } else {
        const num = d.values as ArrayLike<number>;
        const sign = flip ? 2 ** (w * 8 - 1) : 0;
        for (let i = 0; i < n; i++) {
          let v = num[start + i]! + sign;
          if (!flip && v < 0) v += 2 ** (w * 8);
          let p = pos[i]! + w;
          for (let b = 0; b < w; b++) {
            bytes[--p] = v & 255;
            v = Math.floor(v / 256);
          }
          pos[i]! += w;
        }
      }
      return;
    }
    case 'bytes': {
      const offs = d.valueOffsets as Int32Array | BigInt64Array;
      const vals = d.values as Uint8Array;
      for (let i = 0; i < n; i++) {
        const a = Number(offs[start + i]!), b = Number(offs[start + i + 1]!);
        let p = pos[i]!;
        for (let q = a; q < b; q++) {
          const x = vals[q]!;
          bytes[p++] = x;
          if (x === 0) bytes[p++] = 0xff;
        }
        bytes[p++] = 0;
        bytes[p++] = 0;
        pos[i] = p;
      }
      return;
    }
    case 'fixed': {
      const vals = d.values as Uint8Array;
      for (let i = 0; i < n; i++) {
        bytes.set(vals.subarray((start + i) * c.width, (start + i + 1) * c.width), pos[i]!);
        pos[i]! += c.width;
      }
      return;
    }
  }
}

function encodeValue(c: ColumnCodec, f: Field, v: unknown): Uint8Array {
  const bad = (): never => {
    throw new EngineError('invalid-argument', `key part for "${f.name}" (${String(f.type)}) cannot be ${typeof v === 'bigint' ? `${v}n` : JSON.stringify(v) ?? String(v)}`, {
      details: { column: f.name },
    });
  };
  if (v === null || v === undefined) bad();
  switch (c.kind) {
    case 'bool':
      if (typeof v !== 'boolean') bad();
      return Uint8Array.of(v ? 1 : 0);
    case 'int':
    case 'uint': {
      let x: bigint;
      if (typeof v === 'bigint') x = v;
      else if (typeof v === 'number' && Number.isInteger(v)) x = BigInt(v);
      else if (v instanceof Date && f.type.typeId === Type.Timestamp) x = timestampOf(v, f.type);
      else if (v instanceof Date && f.type.typeId === Type.Date) x = c.width === 4 ? BigInt(Math.floor(v.getTime() / 86_400_000)) : BigInt(v.getTime());
      else return bad();
      const bits = c.width * 8;
      const lo = c.kind === 'int' ? -(1n << BigInt(bits - 1)) : 0n;
      const hi = c.kind === 'int' ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
      if (x < lo || x > hi) bad();
      let u = BigInt.asUintN(bits, x);
      if (c.kind === 'int') u ^= 1n << BigInt(bits - 1);
      const out = new Uint8Array(c.width);
      for (let i = c.width - 1; i >= 0; i--) {
        out[i] = Number(u & 255n);
        u >>= 8n;
      }
      return out;
    }
    case 'bytes': {
      let raw: Uint8Array;
      if (typeof v === 'string') raw = encoder.encode(v);
      else if (v instanceof Uint8Array) raw = v;
      else return bad();
      const out: number[] = [];
      for (const x of raw) {
        out.push(x);
        if (x === 0) out.push(0xff);
      }
      out.push(0, 0);
      return Uint8Array.from(out);
    }
    case 'fixed':
      if (!(v instanceof Uint8Array) || v.length !== c.width) bad();
      return Uint8Array.from(v as Uint8Array);
  }
}

function timestampOf(d: Date, t: DataType): bigint {
  const unit = (t as unknown as { unit: number }).unit; // 0 s, 1 ms, 2 us, 3 ns
  const ms = BigInt(d.getTime());
  return unit === 0 ? ms / 1000n : unit === 1 ? ms : unit === 2 ? ms * 1000n : ms * 1_000_000n;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** memcmp of two byte strings. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** Compares key i of block a with key j of block b. */
export function compareKeys(a: KeyBlock, i: number, b: KeyBlock, j: number): number {
  const ab = a.bytes, bb = b.bytes;
  let p = kStart(a, i), q = kStart(b, j);
  const pe = kEnd(a, i), qe = kEnd(b, j);
  while (p < pe && q < qe) {
    const d = ab[p++]! - bb[q++]!;
    if (d !== 0) return d;
  }
  return pe - p - (qe - q);
}

/** Compares key i of block a with the byte string k. */
export function compareKeyTo(a: KeyBlock, i: number, k: Uint8Array): number {
  const ab = a.bytes;
  let p = kStart(a, i), q = 0;
  const pe = kEnd(a, i);
  while (p < pe && q < k.length) {
    const d = ab[p++]! - k[q++]!;
    if (d !== 0) return d;
  }
  return pe - p - (k.length - q);
}

export function keyAt(a: KeyBlock, i: number): Uint8Array {
  return a.bytes.slice(kStart(a, i), kEnd(a, i));
}

/** True when key i of `a` starts with `prefix`. */
export function keyHasPrefix(a: KeyBlock, i: number, prefix: Uint8Array): boolean {
  const p = kStart(a, i);
  if (kEnd(a, i) - p < prefix.length) return false;
  for (let q = 0; q < prefix.length; q++) if (a.bytes[p + q] !== prefix[q]) return false;
  return true;
}

/**
 * The smallest byte string above every string that starts with `prefix`, or undefined when
 * there is none (the prefix is empty or all 0xFF). Keys with the prefix are [prefix, end).
 */
export function prefixEnd(prefix: Uint8Array): Uint8Array | undefined {
  let n = prefix.length;
  while (n > 0 && prefix[n - 1] === 0xff) n--;
  if (n === 0) return undefined;
  const out = prefix.slice(0, n);
  out[n - 1]!++;
  return out;
}

export const toHex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
export const fromHex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));

/** The index of the first key in [lo, hi) of `a` that is >= k (binary search; keys sorted). */
export function lowerBound(a: KeyBlock, k: Uint8Array, lo = 0, hi = a.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareKeyTo(a, mid, k) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A KeyBlock of the given keys (each a normalized key). */
export function keyBlockOf(keys: readonly Uint8Array[]): KeyBlock {
  const offsets = new Uint32Array(keys.length + 1);
  for (let i = 0; i < keys.length; i++) offsets[i + 1] = offsets[i]! + keys[i]!.length;
  const bytes = new Uint8Array(offsets[keys.length]!);
  keys.forEach((k, i) => bytes.set(k, offsets[i]!));
  return { bytes, offsets, width: 0, length: keys.length };
}

/** Row indices of `a` in key order, keeping only the last row of each run of equal keys. */
export function sortUniqueLast(a: KeyBlock): Uint32Array {
  const n = a.length;
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) if (compareKeys(a, i - 1, a, i) >= 0) sorted = false;
  if (sorted) {
    const idx = new Uint32Array(n);
    for (let i = 0; i < n; i++) idx[i] = i;
    return idx;
  }
  let idx: ArrayLike<number>;
  if (a.offsets === null && a.width > 0) idx = radixSort(a);
  else {
    const arr = Array.from({ length: n }, (_, i) => i);
    arr.sort((x, y) => compareKeys(a, x, a, y) || x - y);
    idx = arr;
  }
  const out = new Uint32Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    if (i + 1 < n && compareKeys(a, idx[i]!, a, idx[i + 1]!) === 0) continue;
    out[m++] = idx[i]!;
  }
  return out.subarray(0, m);
}

/** Row order of fixed-width keys: a stable LSD radix sort, one pass per byte (equal keys keep row order). */
function radixSort(a: KeyBlock): Uint32Array {
  const n = a.length, w = a.width, bytes = a.bytes;
  let idx = new Uint32Array(n), tmp = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  const count = new Uint32Array(257);
  for (let b = w - 1; b >= 0; b--) {
    count.fill(0);
    for (let i = 0; i < n; i++) count[bytes[idx[i]! * w + b]! + 1]!++;
    if (count[1 + bytes[idx[0]! * w + b]!] === n) continue; // one value in this byte: order unchanged
    for (let v = 0; v < 256; v++) count[v + 1]! += count[v]!;
    for (let i = 0; i < n; i++) tmp[count[bytes[idx[i]! * w + b]!]!++] = idx[i]!;
    [idx, tmp] = [tmp, idx];
  }
  return idx;
}

/** The keys of `a` at rows `order`, as one new block (one copy). */
export function permuteKeys(a: KeyBlock, order: ArrayLike<number>): KeyBlock {
  const n = order.length;
  if (a.offsets === null) {
    const w = a.width;
    const bytes = new Uint8Array(n * w);
    for (let i = 0; i < n; i++) bytes.set(a.bytes.subarray(order[i]! * w, order[i]! * w + w), i * w);
    return { bytes, offsets: null, width: w, length: n };
  }
  const offs = a.offsets;
  const offsets = new Uint32Array(n + 1);
  for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i]! + offs[order[i]! + 1]! - offs[order[i]!]!;
  const bytes = new Uint8Array(offsets[n]!);
  for (let i = 0; i < n; i++) bytes.set(a.bytes.subarray(offs[order[i]!]!, offs[order[i]! + 1]!), offsets[i]!);
  return { bytes, offsets, width: 0, length: n };
}
