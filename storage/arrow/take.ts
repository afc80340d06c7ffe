/**
 * take: gathers rows of Arrow Data by index, for every type the Vortex reader produces.
 * Used to apply exact row filters after zone-map pruning.
 */
import { type Data, type DataType, makeData, Type } from 'apache-arrow';

import { InternalError } from '../../errors.js';

function bit(b: Uint8Array, i: number): boolean {
  return ((b[i >> 3]! >> (i & 7)) & 1) === 1;
}

function takeBits(src: Uint8Array, offset: number, idx: Uint32Array): Uint8Array {
  const out = new Uint8Array((idx.length + 7) >> 3);
  for (let i = 0; i < idx.length; i++) if (bit(src, offset + idx[i]!)) out[i >> 3]! |= 1 << (i & 7);
  return out;
}

/**
 * Rows `idx` of `data`, as new Data. Arrow JS slices value and offset buffers and children of a
 * sliced Data, but not its validity bitmap or boolean bits: those are indexed with `data.offset`.
 */
export function takeData(data: Data, idx: Uint32Array): Data {
  const type: DataType = data.type;
  const n = idx.length;
  let nullBitmap: Uint8Array | null = null;
  let nullCount = 0;
  if (data.nullCount > 0 && data.nullBitmap) {
    nullBitmap = takeBits(data.nullBitmap, data.offset, idx);
    for (let i = 0; i < n; i++) if (!bit(nullBitmap, i)) nullCount++;
  }
  const base = { type, length: n, nullCount, nullBitmap };
  switch (type.typeId) {
    case Type.Null:
      return makeData({ type, length: n, nullCount: n } as never);
    case Type.Bool:
      return makeData({ ...base, data: takeBits(data.values as Uint8Array, data.offset, idx) } as never);
    case Type.Utf8:
    case Type.Binary: {
      const offs = data.valueOffsets as Int32Array;
      const vals = data.values as Uint8Array;
      const outOffs = new Int32Array(n + 1);
      let total = 0;
      for (let i = 0; i < n; i++) {
        const r = idx[i]!;
        total += offs[r + 1]! - offs[r]!;
        outOffs[i + 1] = total;
      }
      const out = new Uint8Array(total);
      for (let i = 0; i < n; i++) {
        const r = idx[i]!;
        const s = offs[r]!, e = offs[r + 1]!;
        // Short values (ids, labels) byte by byte: a subarray per row costs more than the copy.
        if (e - s <= 32) for (let k = s, o = outOffs[i]!; k < e; k++, o++) out[o] = vals[k]!;
        else out.set(vals.subarray(s, e), outOffs[i]!);
      }
      return makeData({ ...base, valueOffsets: outOffs, data: out } as never);
    }
    case Type.List:
    case Type.Map: {
      const offs = data.valueOffsets as Int32Array;
      const outOffs = new Int32Array(n + 1);
      const childIdx: number[] = [];
      for (let i = 0; i < n; i++) {
        const r = idx[i]!;
        for (let k = offs[r]!; k < offs[r + 1]!; k++) childIdx.push(k);
        outOffs[i + 1] = childIdx.length;
      }
      const child = takeData(data.children[0]!, Uint32Array.from(childIdx));
      return makeData({ ...base, valueOffsets: outOffs, child } as never);
    }
    case Type.FixedSizeList: {
      const size = (type as unknown as { listSize: number }).listSize;
      const childIdx = new Uint32Array(n * size);
      for (let i = 0; i < n; i++) for (let k = 0; k < size; k++) childIdx[i * size + k] = idx[i]! * size + k;
      return makeData({ ...base, child: takeData(data.children[0]!, childIdx) } as never);
    }
    case Type.Struct: {
      return makeData({ ...base, children: data.children.map((c) => takeData(c, idx)) } as never);
    }
    default: {
      const stride = (data as unknown as { stride: number }).stride;
      if (!stride) throw new InternalError(`take: unsupported type ${String(type)}`);
      const v0 = data.values as unknown;
      if (v0 instanceof BigInt64Array || v0 instanceof BigUint64Array) {
        // 64-bit integers move as pairs of 32-bit words (no BigInt per value).
        const words = new Uint32Array(v0.buffer, v0.byteOffset, v0.length * 2);
        const out = new Uint32Array(n * stride * 2);
        const w = stride * 2;
        for (let i = 0; i < n; i++) {
          const r = idx[i]! * w;
          for (let k = 0; k < w; k++) out[i * w + k] = words[r + k]!;
        }
        const T = v0.constructor as BigInt64ArrayConstructor;
        return makeData({ ...base, data: new T(out.buffer, 0, n * stride) } as never);
      }
      const vals = data.values as unknown as { constructor: new (n: number) => ArrayLike<unknown> & { [k: number]: unknown } } & ArrayLike<unknown>;
      const out = new vals.constructor(n * stride);
      for (let i = 0; i < n; i++) {
        const r = idx[i]! * stride;
        for (let k = 0; k < stride; k++) out[i * stride + k] = vals[r + k];
      }
      return makeData({ ...base, data: out } as never);
    }
  }
}
