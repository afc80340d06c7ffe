/**
 * Arrow `Data` → the writer's raw columns (native/bindings.ts `RawWriteColumn`): byte views of the
 * Arrow buffers, normalised to offset 0 without copying. Only bit buffers that start mid-byte
 * (slices at a row offset that is not a multiple of 8) are copied, because the native side takes
 * every bitmap as starting at bit 0.
 */
import { type Data, type DataType, Field, Schema, Type } from 'apache-arrow';

import type { RawWriteColumn } from '../../native/index.js';

/** Bits [offset, offset + length) of `bits` as a bitmap starting at bit 0. */
function bitSlice(bits: Uint8Array, offset: number, length: number): Uint8Array {
  const bytes = (length + 7) >> 3;
  if ((offset & 7) === 0) return bits.subarray(offset >> 3, (offset >> 3) + bytes);
  const out = new Uint8Array(bytes);
  for (let i = 0; i < length; i++) {
    const j = offset + i;
    if ((bits[j >> 3]! >> (j & 7)) & 1) out[i >> 3]! |= 1 << (i & 7);
  }
  return out;
}

function bytesOf(a: ArrayBufferView, byteLength = a.byteLength): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, byteLength);
}

const EMPTY = new Uint8Array(0);

function validity(d: Data): Uint8Array | null {
  if (d.typeId === Type.Null || d.nullCount === 0 || !d.nullBitmap || d.nullBitmap.length === 0) return null;
  return bitSlice(d.nullBitmap, d.offset, d.length);
}

function indexPtype(type: DataType): string {
  const t = type as unknown as { bitWidth: number; isSigned: boolean };
  return `${t.isSigned ? 'i' : 'u'}${t.bitWidth}`;
}

/** The raw column of one Arrow Data (any offset). */
export function rawColumn(d: Data): RawWriteColumn {
  const base = { length: d.length, validity: validity(d), children: [] as RawWriteColumn[] };
  const values = d.values as ArrayBufferView | undefined;
  switch (d.typeId) {
    case Type.Null: return { ...base, buffers: [] };
    case Type.Bool: return { ...base, buffers: [bitSlice(d.values as Uint8Array, d.offset, d.length)] };
    case Type.Utf8:
    case Type.Binary:
    case Type.LargeUtf8:
    case Type.LargeBinary:
      return {
        ...base,
        buffers: [bytesOf(d.valueOffsets as ArrayBufferView), values ? bytesOf(values) : EMPTY],
        large: d.typeId === Type.LargeUtf8 || d.typeId === Type.LargeBinary,
      };
    case Type.Utf8View:
    case Type.BinaryView:
      return { ...base, buffers: [], views: bytesOf(values!, d.length * 16), variadic: [...d.variadicBuffers] };
    case Type.List:
    case Type.LargeList:
      return {
        ...base,
        buffers: [bytesOf(d.valueOffsets as ArrayBufferView)],
        children: [rawColumn(d.children[0]!)],
        large: d.typeId === Type.LargeList,
      };
    case Type.FixedSizeList:
    case Type.Struct:
      return { ...base, buffers: [], children: d.children.map(rawColumn) };
    case Type.Dictionary: {
      const dict = d.dictionary!;
      return {
        ...base,
        buffers: [bytesOf(values!)],
        dictionary: dict.data.map(rawColumn),
        indexPtype: indexPtype((d.type as unknown as { indices: DataType }).indices),
      };
    }
    case Type.Decimal: {
      const width = ((d.type as unknown as { bitWidth: number }).bitWidth / 8) | 0;
      return { ...base, buffers: [bytesOf(values!, d.length * width)], width };
    }
    default: {
      // Fixed width (ints, floats, dates, times, timestamps): values already start at the offset.
      const v = values!;
      const width = (v as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT * d.stride;
      return { ...base, buffers: [bytesOf(v, d.length * width)] };
    }
  }
}

/** `field` made nullable wherever the data holds nulls (Arrow allows nulls in non-nullable fields). */
function widenField(field: Field, datas: readonly Data[]): Field {
  const t = field.type as DataType;
  const hasNulls = datas.some((d) => d.nullCount > 0);
  let type = t;
  if (t.typeId === Type.Struct || t.typeId === Type.List || t.typeId === Type.LargeList || t.typeId === Type.FixedSizeList) {
    const kids = (t.children as Field[]).map((f, i) => widenField(f, datas.map((d) => d.children[i]!).filter(Boolean)));
    if (kids.some((k, i) => k !== t.children[i])) {
      type = Object.assign(Object.create(Object.getPrototypeOf(t) as object) as DataType, t, { children: kids });
    }
  }
  if (type === t && (field.nullable || !hasNulls)) return field;
  return new Field(field.name, type, field.nullable || hasNulls, field.metadata);
}

/** The schema with nullability widened to what the batches actually hold. */
export function widenSchema(schema: Schema, columns: readonly (readonly Data[])[]): Schema {
  const fields = schema.fields.map((f, i) => widenField(f, columns[i] ?? []));
  return fields.every((f, i) => f === schema.fields[i]) ? schema : new Schema(fields, schema.metadata);
}
