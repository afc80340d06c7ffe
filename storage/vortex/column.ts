/**
 * Wraps a decoded native column (Arrow-layout buffers) as apache-arrow Data without copying.
 */
import { type DataType, type Data, makeData, Type } from 'apache-arrow';

import { NativeError } from '../../errors.js';
import type { RawColumn } from '../../native/index.js';

function bytes(b: ArrayBuffer | undefined): Uint8Array {
  return b ? new Uint8Array(b) : new Uint8Array(0);
}

/** A typed view of buffer `b` of Arrow type `T`'s value array. */
function values<T extends DataType>(type: T, b: ArrayBuffer | undefined): T['TArray'] {
  const Ctor = type.ArrayType as unknown as { new (b: ArrayBuffer, o: number, n: number): T['TArray']; BYTES_PER_ELEMENT: number };
  const buf = b ?? new ArrayBuffer(0);
  return new Ctor(buf, 0, Math.floor(buf.byteLength / Ctor.BYTES_PER_ELEMENT));
}

function offsets(raw: RawColumn): Int32Array {
  if (raw.large) throw new NativeError('vortex-limit', 'a column chunk holds more than 2 GiB of variable-length data');
  const b = raw.buffers[0] ?? new ArrayBuffer(4);
  return new Int32Array(b, 0, raw.length + 1);
}

export function toArrowData(type: DataType, raw: RawColumn): Data {
  const nullBitmap = raw.validity ? new Uint8Array(raw.validity) : null;
  const base = { length: raw.length, nullCount: raw.nullCount, nullBitmap };
  switch (type.typeId) {
    case Type.Null:
      return makeData({ type, length: raw.length, nullCount: raw.length });
    case Type.Bool:
      return makeData({ ...base, type, data: bytes(raw.buffers[0]) } as never);
    case Type.Utf8:
    case Type.Binary:
      return makeData({ ...base, type, valueOffsets: offsets(raw), data: bytes(raw.buffers[1]) } as never);
    case Type.List:
    case Type.Map: {
      // Map: the same layout as List, its child being the entries struct {key, value}.
      const child = raw.children[0];
      if (!child) throw new NativeError('vortex-corrupt', 'list column without elements');
      const childType = (type.children[0] as { type: DataType }).type;
      return makeData({ ...base, type, valueOffsets: offsets(raw), child: toArrowData(childType, child) } as never);
    }
    case Type.FixedSizeList: {
      const child = raw.children[0];
      if (!child) throw new NativeError('vortex-corrupt', 'fixed-size list column without elements');
      const childType = (type.children[0] as { type: DataType }).type;
      return makeData({ ...base, type, child: toArrowData(childType, child) } as never);
    }
    case Type.Struct: {
      const children = type.children.map((f, i) => {
        const c = raw.children[i];
        if (!c) throw new NativeError('vortex-corrupt', 'struct column missing a field');
        return toArrowData((f as { type: DataType }).type, c);
      });
      return makeData({ ...base, type, children } as never);
    }
    default:
      // Fixed-width: ints, floats, decimals, dates, times, timestamps.
      return makeData({ ...base, type, data: values(type, raw.buffers[0]) } as never);
  }
}
