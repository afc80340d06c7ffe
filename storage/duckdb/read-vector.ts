/**
 * DuckDB vectors → Arrow: reads the rows of a DuckDB result vector into Arrow Data of the
 * canonical type `arrowTypeOf` gives. DuckDB's memory is only valid until the next chunk is
 * fetched, so every buffer is copied once (fixed-width values and validity with one `set`).
 *
 * Strings of at most 12 bytes are read from their inline 16-byte slots; longer ones through the
 * pointer in the slot (one native call each).
 */
import duckdb from '@duckdb/node-bindings';
import { type Data, type DataType, makeData } from 'apache-arrow';
import { type DuckDBType, DuckDBTypeId, STRUCT } from '@duckdb/node-api';

import { takeData } from '../arrow/take.js';
import { arrowTypeOf } from './types.js';
import { decimalBytes } from './write-vector.js';

type Vec = duckdb.Vector;

/**
 * Buffers for the copies out of DuckDB, cut from 1 MiB slabs (8-byte aligned, zeroed, never
 * reused): a result then makes a few large allocations instead of several per chunk, which keeps
 * the garbage collector's external-memory pressure low. A batch keeps its slab alive.
 */
const SLAB = 1 << 20;
let slab = new ArrayBuffer(0);
let used = 0;
function alloc(bytes: number): Uint8Array {
  const need = (bytes + 7) & ~7;
  if (need > SLAB >> 2) return new Uint8Array(bytes);
  if (used + need > slab.byteLength) {
    slab = new ArrayBuffer(SLAB);
    used = 0;
  }
  const out = new Uint8Array(slab, used, bytes);
  used += need;
  return out;
}

/** `n` elements of a typed array, from the slabs. */
function allocOf<T>(Ctor: new (b: ArrayBuffer, o: number, n: number) => T, bytesPer: number, n: number): T {
  const u = alloc(n * bytesPer);
  return new Ctor(u.buffer as ArrayBuffer, u.byteOffset, n);
}

/** A copy of the first `bytes` bytes of the vector's data (8-byte aligned). */
function dataCopy(vec: Vec, bytes: number): Uint8Array {
  const out = alloc(bytes);
  if (bytes > 0) out.set(duckdb.vector_get_data(vec, bytes).subarray(0, bytes));
  return out;
}

interface Validity {
  bits: Uint8Array | null;
  nullCount: number;
}

function readValidity(vec: Vec, n: number): Validity {
  if (n === 0) return { bits: null, nullCount: 0 };
  const words = duckdb.vector_get_validity(vec, Math.ceil(n / 64) * 8);
  if (!words) return { bits: null, nullCount: 0 };
  const bytes = (n + 7) >> 3;
  const bits = alloc(bytes);
  bits.set(words.subarray(0, bytes));
  if (n & 7) bits[bytes - 1]! &= (1 << (n & 7)) - 1;
  let valid = 0;
  for (let k = 0; k < bytes; k++) valid += POPCOUNT[bits[k]!]!;
  const nullCount = n - valid;
  return nullCount === 0 ? { bits: null, nullCount: 0 } : { bits, nullCount };
}

const POPCOUNT = Uint8Array.from({ length: 256 }, (_, b) => {
  let c = 0;
  for (let x = b; x; x >>= 1) c += x & 1;
  return c;
});

const words32 = (u: Uint8Array): Uint32Array => new Uint32Array(u.buffer as ArrayBuffer, u.byteOffset, u.byteLength >> 2);

const isValid = (bits: Uint8Array | null, i: number): boolean => !bits || ((bits[i >> 3]! >> (i & 7)) & 1) === 1;

const FIXED: Partial<Record<DuckDBTypeId, number>> = {
  [DuckDBTypeId.TINYINT]: 1,
  [DuckDBTypeId.UTINYINT]: 1,
  [DuckDBTypeId.SMALLINT]: 2,
  [DuckDBTypeId.USMALLINT]: 2,
  [DuckDBTypeId.INTEGER]: 4,
  [DuckDBTypeId.UINTEGER]: 4,
  [DuckDBTypeId.DATE]: 4,
  [DuckDBTypeId.FLOAT]: 4,
  [DuckDBTypeId.BIGINT]: 8,
  [DuckDBTypeId.UBIGINT]: 8,
  [DuckDBTypeId.DOUBLE]: 8,
  [DuckDBTypeId.TIME]: 8,
  [DuckDBTypeId.TIME_NS]: 8,
  [DuckDBTypeId.TIMESTAMP]: 8,
  [DuckDBTypeId.TIMESTAMP_S]: 8,
  [DuckDBTypeId.TIMESTAMP_MS]: 8,
  [DuckDBTypeId.TIMESTAMP_NS]: 8,
  [DuckDBTypeId.TIMESTAMP_TZ]: 8,
};

/** Rows [0, n) of a DuckDB vector of `type` as Arrow Data (`column` names it in errors). */
export function readVector(vec: Vec, type: DuckDBType, n: number, column: string): Data {
  const arrow = arrowTypeOf(type, column);
  if (type.typeId === DuckDBTypeId.SQLNULL) return makeData({ type: arrow, length: n, nullCount: n } as never);
  const { bits, nullCount } = readValidity(vec, n);
  const base = { type: arrow, length: n, nullCount, nullBitmap: bits };
  const width = FIXED[type.typeId];
  if (width !== undefined) {
    const raw = dataCopy(vec, n * width);
    const Ctor = (arrow as unknown as { ArrayType: new (b: ArrayBuffer, o: number, n: number) => ArrayBufferView }).ArrayType;
    return makeData({ ...base, data: new Ctor(raw.buffer as ArrayBuffer, raw.byteOffset, n) } as never);
  }
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN: {
      const raw = duckdb.vector_get_data(vec, n);
      const out = alloc((n + 7) >> 3);
      for (let i = 0; i < n; i++) if (raw[i]) out[i >> 3]! |= 1 << (i & 7);
      return makeData({ ...base, data: out } as never);
    }
    case DuckDBTypeId.HUGEINT:
      return makeData({ ...base, data: words32(dataCopy(vec, n * 16)) } as never);
    case DuckDBTypeId.DECIMAL: {
      const bytes = decimalBytes(type.width);
      const raw = dataCopy(vec, n * bytes);
      if (bytes === 16) return makeData({ ...base, data: words32(raw) } as never);
      const out = allocOf(Uint32Array, 4, 4 * n);
      const src = bytes === 2 ? new Int16Array(raw.buffer, raw.byteOffset, n) : new Int32Array(raw.buffer, raw.byteOffset, raw.byteLength >> 2);
      for (let i = 0; i < n; i++) {
        const lo = bytes === 8 ? src[2 * i]! : src[i]!;
        const hi = bytes === 8 ? src[2 * i + 1]! : lo >> 31;
        const sign = hi >> 31;
        out[4 * i] = lo;
        out[4 * i + 1] = hi;
        out[4 * i + 2] = sign;
        out[4 * i + 3] = sign;
      }
      return makeData({ ...base, data: out } as never);
    }
    case DuckDBTypeId.VARCHAR:
    case DuckDBTypeId.BLOB:
      return readStrings(vec, base, bits, n);
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.MAP: {
      const raw = dataCopy(vec, n * 16);
      const entries = new BigUint64Array(raw.buffer as ArrayBuffer, raw.byteOffset, 2 * n);
      const size = duckdb.list_vector_get_size(vec);
      const childType = type.typeId === DuckDBTypeId.LIST ? type.valueType : STRUCT({ key: type.keyType, value: type.valueType });
      let child = readVector(duckdb.list_vector_get_child(vec), childType, size, `${column}[]`);
      const offs = allocOf(Int32Array, 4, n + 1);
      let contiguous = true;
      for (let i = 0; i < n; i++) {
        const len = isValid(bits, i) ? Number(entries[2 * i + 1]) : 0;
        if (len > 0 && Number(entries[2 * i]) !== offs[i]) contiguous = false;
        offs[i + 1] = offs[i]! + len;
      }
      if (!contiguous) {
        // Entries out of order (or shared): gather the children into list order.
        const idx = new Uint32Array(offs[n]!);
        for (let i = 0, at = 0; i < n; i++) {
          const len = offs[i + 1]! - offs[i]!;
          const s = Number(entries[2 * i]);
          for (let k = 0; k < len; k++) idx[at++] = s + k;
        }
        child = takeData(child, idx);
      } else if (child.length !== offs[n]) child = child.slice(0, offs[n]!);
      if (type.typeId === DuckDBTypeId.MAP) child = child.clone((arrow as DataType).children[0]!.type as DataType);
      return makeData({ ...base, valueOffsets: offs, child } as never);
    }
    case DuckDBTypeId.ARRAY: {
      const child = readVector(duckdb.array_vector_get_child(vec), type.valueType, n * type.length, `${column}[]`);
      return makeData({ ...base, child } as never);
    }
    case DuckDBTypeId.STRUCT: {
      const children = type.entryTypes.map((t, k) => readVector(duckdb.struct_vector_get_child(vec, k), t, n, `${column}.${type.entryNames[k]!}`));
      return makeData({ ...base, children } as never);
    }
    default:
      // arrowTypeOf has already refused every other type.
      throw new Error(`unreachable: ${type.toString()}`);
  }
}

function readStrings(vec: Vec, base: object, bits: Uint8Array | null, n: number): Data {
  const slots = duckdb.vector_get_data(vec, n * 16);
  const dv = new DataView(slots.buffer, slots.byteOffset, n * 16);
  const offs = allocOf(Int32Array, 4, n + 1);
  const long: number[] = [];
  for (let i = 0; i < n; i++) {
    const len = isValid(bits, i) ? dv.getUint32(16 * i, true) : 0;
    if (len > 12) long.push(i);
    offs[i + 1] = offs[i]! + len;
  }
  const out = alloc(offs[n]!);
  for (let i = 0; i < n; i++) {
    const at = offs[i]!, len = offs[i + 1]! - at;
    if (len > 0 && len <= 12) for (let k = 0, o = 16 * i + 4; k < len; k++, o++) out[at + k] = slots[o]!;
  }
  // Longer strings live on DuckDB's heap, usually back to back: one native read per run of
  // adjacent strings (every byte read belongs to one of them), then copies out of it.
  const ptr = (i: number): number => dv.getUint32(16 * i + 8, true) + dv.getUint32(16 * i + 12, true) * 2 ** 32;
  for (let r = 0; r < long.length; ) {
    const first = long[r]!;
    let end = ptr(first) + offs[first + 1]! - offs[first]!;
    let q = r + 1;
    for (; q < long.length; q++) {
      const i = long[q]!;
      if (ptr(i) !== end) break;
      end += offs[i + 1]! - offs[i]!;
    }
    const run = duckdb.get_data_from_pointer(slots.buffer as ArrayBuffer, slots.byteOffset + 16 * first + 8, end - ptr(first));
    const last = long[q - 1]!;
    if (last - first === q - 1 - r) out.set(run, offs[first]!); // consecutive rows: one copy
    else for (let k = r, from = 0; k < q; k++) {
      const i = long[k]!, len = offs[i + 1]! - offs[i]!;
      out.set(run.subarray(from, from + len), offs[i]!);
      from += len;
    }
    r = q;
  }
  return makeData({ ...base, valueOffsets: offs, data: out } as never);
}
