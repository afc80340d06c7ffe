/**
 * Arrow → DuckDB vectors: writes the rows of an Arrow column into a DuckDB vector of the type
 * `duckdbTypeOf` gives it, copying fixed-width values straight from the Arrow buffers (one
 * memcpy per column) and validity bits as they are (DuckDB's 64-bit validity words have Arrow's
 * LSB-first bit order on little-endian machines).
 *
 * Strings: a DuckDB string of at most 12 bytes is stored inline in its 16-byte slot (length,
 * then the bytes, zero padded). Longer strings live on the vector's string heap: all of a
 * chunk's go there as one string (one native call), and their slots point into it (length,
 * 4-byte prefix, pointer: the public `duckdb_string_t` layout). The slots are built in JS and
 * copied in bulk.
 *
 * Arrow JS slices values, offsets and struct / fixed-size-list children of a sliced Data, but
 * not validity or boolean bits (indexed with `data.offset`) nor list children (indexed by the
 * absolute offsets).
 */
import duckdb from '@duckdb/node-bindings';
import { type Data, type DataType, type Decimal, type FixedSizeList, TimeUnit, type Timestamp, Type } from 'apache-arrow';

import { EngineError } from '../../errors.js';
import { plainData } from '../arrow/concat.js';
import { halfToFloat } from './arrow-types.js';

type Vec = duckdb.Vector;

/** Bytes of one DuckDB DECIMAL value of this width (precision). */
export function decimalBytes(width: number): number {
  return width <= 4 ? 2 : width <= 9 ? 4 : width <= 18 ? 8 : 16;
}

let scratch = new ArrayBuffer(1 << 16);
/** A zeroed scratch buffer of at least `bytes` (reused: copy out before the next call). */
function zeroed(bytes: number): Uint8Array {
  if (scratch.byteLength < bytes) scratch = new ArrayBuffer(Math.max(bytes, scratch.byteLength * 2));
  const u = new Uint8Array(scratch, 0, bytes);
  u.fill(0);
  return u;
}

function copyView(vec: Vec, v: ArrayBufferView, bytes: number): void {
  if (bytes > 0) duckdb.copy_data_to_vector(vec, 0, v.buffer as ArrayBuffer, v.byteOffset, bytes);
}

/** Validity bits of rows [0, n) of `d`, aligned at bit 0 and ANDed with `mask`; null when all valid. */
function validBits(d: Data, n: number, mask: Uint8Array | null): Uint8Array | null {
  const bytes = (n + 7) >> 3;
  let bits: Uint8Array | null = null;
  if (d.typeId === Type.Null) bits = new Uint8Array(bytes);
  else if (d.nullCount > 0 && d.nullBitmap && d.nullBitmap.length > 0) {
    const src = d.nullBitmap;
    const off = d.offset;
    if ((off & 7) === 0 && !mask) return src.subarray(off >> 3, (off >> 3) + bytes);
    bits = new Uint8Array(bytes);
    for (let i = 0; i < n; i++) {
      const j = off + i;
      if ((src[j >> 3]! >> (j & 7)) & 1) bits[i >> 3]! |= 1 << (i & 7);
    }
  }
  if (!mask) return bits;
  if (!bits) return mask;
  for (let k = 0; k < bytes; k++) bits[k]! &= mask[k]!;
  return bits;
}

function writeValidity(vec: Vec, bits: Uint8Array | null): void {
  if (!bits) return;
  duckdb.vector_ensure_validity_writable(vec);
  duckdb.copy_data_to_vector_validity(vec, 0, bits.buffer as ArrayBuffer, bits.byteOffset, bits.length);
}

const isValid = (bits: Uint8Array | null, i: number): boolean => !bits || ((bits[i >> 3]! >> (i & 7)) & 1) === 1;

/** Rows [0, n) of `d` (sliced the Arrow JS way) into `vec`; `mask` marks rows a parent struct nulls. */
export function writeVector(vec: Vec, d: Data, n: number, mask: Uint8Array | null = null): void {
  if (d.type.typeId === Type.Dictionary) d = plainData(d);
  const type = d.type as DataType;
  const bits = validBits(d, n, mask);
  writeValidity(vec, bits);
  switch (type.typeId) {
    case Type.Null:
      return;
    case Type.Bool: {
      const out = zeroed(n);
      const src = d.values as Uint8Array;
      for (let i = 0, j = d.offset; i < n; i++, j++) out[i] = (src[j >> 3]! >> (j & 7)) & 1;
      copyView(vec, out, n);
      return;
    }
    case Type.Int:
    case Type.Date:
    case Type.Time:
    case Type.Timestamp:
      return writeFixed(vec, d, type, n, bits);
    case Type.Float: {
      if ((type as unknown as { precision: number }).precision !== 0) return copyView(vec, d.values as Float32Array, n * (d.values as Float32Array).BYTES_PER_ELEMENT);
      const out = new Float32Array(n);
      const src = d.values as Uint16Array;
      for (let i = 0; i < n; i++) out[i] = halfToFloat(src[i]!);
      return copyView(vec, out, n * 4);
    }
    case Type.Decimal:
      return writeDecimal(vec, d.values as Uint32Array, type as Decimal, n);
    case Type.Utf8:
    case Type.Binary:
    case Type.LargeUtf8:
    case Type.LargeBinary:
      return writeStrings(vec, d.values as Uint8Array, d.valueOffsets as Int32Array | BigInt64Array, bits, n);
    case Type.FixedSizeBinary: {
      const w = (type as unknown as { byteWidth: number }).byteWidth;
      const offs = new Int32Array(n + 1);
      for (let i = 0; i <= n; i++) offs[i] = i * w;
      return writeStrings(vec, d.values as Uint8Array, offs, bits, n);
    }
    case Type.List:
    case Type.LargeList:
    case Type.Map: {
      const offs = d.valueOffsets as Int32Array | BigInt64Array;
      const base = Number(offs[0]);
      const total = Number(offs[n]) - base;
      const entries = new BigUint64Array(2 * n);
      for (let i = 0; i < n; i++) {
        const s = Number(offs[i]), e = Number(offs[i + 1]);
        entries[2 * i] = BigInt(s - base);
        entries[2 * i + 1] = BigInt(e - s);
      }
      copyView(vec, entries, n * 16);
      duckdb.list_vector_reserve(vec, total);
      duckdb.list_vector_set_size(vec, total);
      const child = d.children[0]!;
      writeVector(duckdb.list_vector_get_child(vec), base === 0 && child.length === total ? child : child.slice(base, total), total);
      return;
    }
    case Type.FixedSizeList: {
      const size = (type as FixedSizeList).listSize;
      writeVector(duckdb.array_vector_get_child(vec), d.children[0]!, n * size);
      return;
    }
    case Type.Struct:
      d.children.forEach((c, k) => writeVector(duckdb.struct_vector_get_child(vec, k), c, n, bits));
      return;
    default:
      throw new EngineError('duckdb-unsupported-type', `cannot copy ${String(type)} into DuckDB`);
  }
}

const MICROS: Record<TimeUnit, bigint> = { [TimeUnit.SECOND]: 1_000_000n, [TimeUnit.MILLISECOND]: 1000n, [TimeUnit.MICROSECOND]: 1n, [TimeUnit.NANOSECOND]: 1n };

/** Ints, dates, times, timestamps: a memcpy, or a unit conversion where DuckDB's unit differs. */
const INT64_MAX = (1n << 63n) - 1n;

function outOfRange(type: DataType, v: bigint, why: string): EngineError {
  return new EngineError('duckdb-unsupported-type', `a ${String(type)} value ${v} ${why}`, { details: { type: String(type) } });
}

function writeFixed(vec: Vec, d: Data, type: DataType, n: number, bits: Uint8Array | null): void {
  const v = d.values as Int32Array | BigInt64Array;
  if (type.typeId === Type.Date && v instanceof BigInt64Array) {
    // DateMillisecond → DATE (days).
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const ms = v[i]!;
      if (ms % 86_400_000n !== 0n && isValid(bits, i)) throw outOfRange(type, ms, 'is not a whole day');
      out[i] = Number(ms / 86_400_000n);
    }
    return copyView(vec, out, n * 4);
  }
  if (type.typeId === Type.Time && v instanceof Int32Array) {
    // Time seconds / milliseconds → TIME (µs).
    const k = MICROS[(type as unknown as { unit: TimeUnit }).unit];
    const out = new BigInt64Array(n);
    for (let i = 0; i < n; i++) out[i] = BigInt(v[i]!) * k;
    return copyView(vec, out, n * 8);
  }
  if (type.typeId === Type.Timestamp && (type as Timestamp).timezone) {
    // TIMESTAMPTZ holds microseconds.
    const k = MICROS[(type as Timestamp).unit];
    if (k !== 1n) {
      const out = new BigInt64Array(n);
      const src = v as BigInt64Array;
      const max = INT64_MAX / k;
      for (let i = 0; i < n; i++) {
        const x = src[i]!;
        if ((x > max || x < -max) && isValid(bits, i)) throw outOfRange(type, x, 'does not fit TIMESTAMPTZ (microseconds in 64 bits)');
        out[i] = x * k;
      }
      return copyView(vec, out, n * 8);
    }
  }
  copyView(vec, v, n * v.BYTES_PER_ELEMENT);
}

function writeDecimal(vec: Vec, words: Uint32Array, type: Decimal, n: number): void {
  const per = type.bitWidth / 32;
  const bytes = decimalBytes(type.precision);
  if (per === 4 && bytes === 16) return copyView(vec, words, n * 16);
  if (bytes === 16) {
    // 32/64/256-bit Arrow decimals: the low 128 bits, sign-extended from narrower ones.
    const out = new Uint32Array(4 * n);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < 4; k++) out[4 * i + k] = k < per ? words[per * i + k]! : (words[per * i + per - 1]! >>> 31) * 0xffffffff;
    }
    return copyView(vec, out, n * 16);
  }
  if (bytes === 8) {
    const out = new Uint32Array(2 * n);
    for (let i = 0; i < n; i++) {
      out[2 * i] = words[per * i]!;
      out[2 * i + 1] = per > 1 ? words[per * i + 1]! : (words[per * i]! >>> 31) * 0xffffffff;
    }
    return copyView(vec, out, n * 8);
  }
  const out = bytes === 4 ? new Int32Array(n) : new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = words[per * i]! | 0;
  copyView(vec, out, n * bytes);
}

function writeStrings(vec: Vec, bytes: Uint8Array, offs: Int32Array | BigInt64Array, bits: Uint8Array | null, n: number): void {
  const slots = zeroed(n * 16);
  const dv = new DataView(slots.buffer, slots.byteOffset, n * 16);
  const big = offs instanceof BigInt64Array;
  const at = (i: number): number => (big ? Number(offs[i]) : (offs[i] as number));
  const long: number[] = [];
  let longBytes = 0;
  for (let i = 0; i < n; i++) {
    if (!isValid(bits, i)) continue;
    const s = at(i), len = at(i + 1) - s;
    dv.setUint32(16 * i, len, true);
    if (len > 12) {
      long.push(i);
      longBytes += len;
    } else for (let k = 0, o = 16 * i + 4; k < len; k++, o++) slots[o] = bytes[s + k]!;
  }
  if (long.length > 1) {
    // One string on DuckDB's heap holding every long string back to back; each slot then
    // points into it (length, 4-byte prefix, pointer: the public duckdb_string_t layout).
    const first = long[0]!, last = long[long.length - 1]!;
    const contiguous = at(last + 1) - at(first) === longBytes;
    let blob: Uint8Array;
    if (contiguous) blob = bytes.subarray(at(first), at(last + 1));
    else {
      blob = new Uint8Array(longBytes);
      let o = 0;
      for (const i of long) {
        blob.set(bytes.subarray(at(i), at(i + 1)), o);
        o += at(i + 1) - at(i);
      }
    }
    duckdb.vector_assign_string_element_len(vec, first, blob);
    const raw = duckdb.vector_get_data(vec, 16 * (first + 1));
    const written = new DataView(raw.buffer, raw.byteOffset + 16 * first, 16);
    const heap = written.getUint32(8, true) + written.getUint32(12, true) * 2 ** 32;
    let o = 0;
    for (const i of long) {
      const s = at(i), len = at(i + 1) - s;
      for (let k = 0; k < 4; k++) slots[16 * i + 4 + k] = bytes[s + k]!;
      const p = heap + o;
      const hi = Math.floor(p / 2 ** 32);
      dv.setUint32(16 * i + 8, p - hi * 2 ** 32, true);
      dv.setUint32(16 * i + 12, hi, true);
      o += len;
    }
    copyView(vec, slots, n * 16);
    return;
  }
  copyView(vec, slots, n * 16);
  for (const i of long) duckdb.vector_assign_string_element_len(vec, i, bytes.subarray(at(i), at(i + 1)));
}
