/**
 * Arrow columns between the scan worker and the JS thread without Arrow IPC: each Data tree
 * travels as its buffers (copied to exact size on the worker, then transferred, so the JS thread
 * receives them without a copy) and is rebuilt there with `makeData` against a type both sides
 * know. Validity and boolean bits are re-based to bit 0 on the way.
 */
import { type Data, type DataType, makeData, Type } from 'apache-arrow';

export interface WireData {
  readonly length: number;
  readonly nullCount: number;
  readonly validity: Uint8Array | null;
  readonly offsets: Int32Array | BigInt64Array | null;
  readonly values: ArrayBufferView | null;
  readonly children: readonly WireData[];
}

/** Bits [offset, offset + n) of `bits`, starting at bit 0 of a new buffer. */
function rebase(bits: Uint8Array, offset: number, n: number): Uint8Array {
  const bytes = (n + 7) >> 3;
  if ((offset & 7) === 0) return bits.slice(offset >> 3, (offset >> 3) + bytes);
  const out = new Uint8Array(bytes);
  for (let i = 0; i < n; i++) {
    const j = offset + i;
    if ((bits[j >> 3]! >> (j & 7)) & 1) out[i >> 3]! |= 1 << (i & 7);
  }
  return out;
}

/** A typed array's own copy of exactly its bytes. */
function own<T extends ArrayBufferView>(v: T): T {
  return (v as unknown as { slice(): T }).slice();
}

/** `d` as plain buffers; every buffer it holds is pushed to `transfer`. */
export function toWire(d: Data, transfer: ArrayBuffer[]): WireData {
  const add = <T extends ArrayBufferView | null>(v: T): T => {
    if (v) transfer.push(v.buffer as ArrayBuffer);
    return v;
  };
  const hasNulls = d.nullCount > 0 && d.nullBitmap !== undefined && d.nullBitmap.length > 0;
  const values = d.values as ArrayBufferView | undefined;
  return {
    length: d.length,
    nullCount: d.typeId === Type.Null ? d.length : d.nullCount,
    validity: add(hasNulls ? rebase(d.nullBitmap!, d.offset, d.length) : null),
    offsets: add(d.valueOffsets ? own(d.valueOffsets as Int32Array | BigInt64Array) : null),
    values: add(values === undefined || d.typeId === Type.Null ? null : d.typeId === Type.Bool ? rebase(values as Uint8Array, d.offset, d.length) : own(values)),
    children: d.children.map((c) => toWire(c, transfer)),
  };
}

/** The Data `w` describes, of type `type` (the type it was sent as). */
export function fromWire(w: WireData, type: DataType): Data {
  if (type.typeId === Type.Null) return makeData({ type, length: w.length, nullCount: w.length } as never);
  const base = { type, length: w.length, nullCount: w.nullCount, nullBitmap: w.validity };
  switch (type.typeId) {
    case Type.Struct:
      return makeData({ ...base, children: w.children.map((c, i) => fromWire(c, type.children[i]!.type as DataType)) } as never);
    case Type.List:
    case Type.LargeList:
    case Type.Map:
      return makeData({ ...base, valueOffsets: w.offsets, child: fromWire(w.children[0]!, type.children[0]!.type as DataType) } as never);
    case Type.FixedSizeList:
      return makeData({ ...base, child: fromWire(w.children[0]!, type.children[0]!.type as DataType) } as never);
    case Type.Utf8:
    case Type.Binary:
    case Type.LargeUtf8:
    case Type.LargeBinary:
      return makeData({ ...base, valueOffsets: w.offsets, data: w.values } as never);
    default:
      return makeData({ ...base, data: w.values } as never);
  }
}
