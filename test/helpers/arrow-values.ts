/**
 * Converts Arrow vectors to plain JS values for exact comparisons across readers. Fixed-width
 * values come from the raw buffers (so nanosecond timestamps and i64 stay exact); floats keep
 * their bits (NaN and -0 are distinguished via a tagged string).
 */
import { type Data, type Vector, Type, DataType } from 'apache-arrow';

function valid(d: Data, i: number): boolean {
  if (d.nullCount === 0 || !d.nullBitmap || d.nullBitmap.length === 0) return d.typeId !== Type.Null;
  const j = d.offset + i;
  return ((d.nullBitmap[j >> 3]! >> (j & 7)) & 1) === 1;
}

function floatValue(x: number): unknown {
  if (Number.isNaN(x)) return 'NaN';
  if (Object.is(x, -0)) return '-0';
  return x;
}

function hex(u: Uint8Array): string {
  return Buffer.from(u).toString('hex');
}

/** Plain value of row i of `d`. */
export function dataValue(d: Data, i: number): unknown {
  if (!valid(d, i)) return null;
  const t = d.type as DataType;
  // Arrow JS slices value/offset buffers and children, but not validity or boolean bits.
  const j = i;
  switch (t.typeId) {
    case Type.Null: return null;
    case Type.Bool: {
      const v = d.values as Uint8Array;
      const b = d.offset + i;
      return ((v[b >> 3]! >> (b & 7)) & 1) === 1;
    }
    case Type.Int:
    case Type.Date:
    case Type.Time:
    case Type.Timestamp:
    case Type.Duration: {
      const v = (d.values as unknown as ArrayLike<number | bigint>)[j * ((d as unknown as { stride: number }).stride || 1)];
      return typeof v === 'bigint' ? v.toString() : v;
    }
    case Type.Float: {
      if ((t as unknown as { precision: number }).precision === 0) {
        return (d.values as Uint16Array)[j];
      }
      return floatValue((d.values as Float32Array | Float64Array)[j]!);
    }
    case Type.Decimal: {
      const words = (t as unknown as { bitWidth: number }).bitWidth / 32;
      const v = d.values as Uint32Array;
      let x = 0n;
      for (let k = words - 1; k >= 0; k--) x = (x << 32n) | BigInt(v[j * words + k]!);
      const bits = BigInt(words * 32);
      if (x >> (bits - 1n)) x -= 1n << bits;
      return x.toString();
    }
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Binary:
    case Type.LargeBinary: {
      const offs = d.valueOffsets as unknown as ArrayLike<number | bigint>;
      const s = Number(offs[j]), e = Number(offs[j + 1]);
      const bytes = (d.values as Uint8Array).subarray(s, e);
      return t.typeId === Type.Utf8 || t.typeId === Type.LargeUtf8 ? Buffer.from(bytes).toString('utf8') : hex(bytes);
    }
    case Type.List:
    case Type.LargeList: {
      const offs = d.valueOffsets as unknown as ArrayLike<number | bigint>;
      const s = Number(offs[j]), e = Number(offs[j + 1]);
      const child = d.children[0]!;
      const out: unknown[] = [];
      for (let k = s; k < e; k++) out.push(dataValue(child, k));
      return out;
    }
    case Type.FixedSizeList: {
      const n = (t as unknown as { listSize: number }).listSize;
      const child = d.children[0]!;
      const out: unknown[] = [];
      for (let k = 0; k < n; k++) out.push(dataValue(child, j * n + k));
      return out;
    }
    case Type.Map: {
      // A map is compared as its list of entries {key, value} (entry field names may differ).
      const offs = d.valueOffsets as unknown as ArrayLike<number | bigint>;
      const s = Number(offs[j]), e = Number(offs[j + 1]);
      const entries = d.children[0]!;
      const out: unknown[] = [];
      for (let k = s; k < e; k++) {
        out.push({ key: dataValue(entries.children[0]!, k), value: dataValue(entries.children[1]!, k) });
      }
      return out;
    }
    case Type.Utf8View:
    case Type.BinaryView:
      return viewValue(d, j);
    case Type.Struct: {
      const out: Record<string, unknown> = {};
      t.children.forEach((f, k) => {
        out[f.name] = dataValue(d.children[k]!, j);
      });
      return out;
    }
    default: {
      // View types and anything else: fall back to the vector accessor.
      return null;
    }
  }
}

/** Plain values of every row of a vector (all chunks). */
export function vectorValues(v: Vector): unknown[] {
  const out: unknown[] = [];
  for (const d of v.data) {
    for (let i = 0; i < d.length; i++) out.push(dataValue(d, i));
  }
  return out;
}

/** Value at index j of a Utf8View / BinaryView Data (a sliced Data has its views buffer sliced). */
function viewValue(d: Data, j: number): unknown {
  const views = d.values as unknown as Uint8Array;
  const view = new DataView(views.buffer, views.byteOffset + j * 16, 16);
  const size = view.getInt32(0, true);
  let bytes: Uint8Array;
  if (size <= 12) bytes = views.subarray(j * 16 + 4, j * 16 + 4 + size);
  else {
    const buf = view.getInt32(8, true), off = view.getInt32(12, true);
    const vb = (d as unknown as { variadicBuffers: Uint8Array[] }).variadicBuffers[buf]!;
    bytes = vb.subarray(off, off + size);
  }
  return d.typeId === Type.Utf8View ? Buffer.from(bytes).toString('utf8') : hex(bytes);
}

/** A logical type name that treats physical variants (views, large offsets) alike. */
export function logicalTypeName(t: DataType): string {
  switch (t.typeId) {
    case Type.Utf8View:
    case Type.LargeUtf8: return 'Utf8';
    case Type.BinaryView:
    case Type.LargeBinary: return 'Binary';
    case Type.LargeList: return `List<${logicalTypeName(t.children[0]!.type as DataType)}>`;
    case Type.List: return `List<${logicalTypeName(t.children[0]!.type as DataType)}>`;
    case Type.FixedSizeList:
      return `FixedSizeList[${(t as unknown as { listSize: number }).listSize}]<${logicalTypeName(t.children[0]!.type as DataType)}>`;
    case Type.Struct: return `Struct<${t.children.map((f) => `${f.name}: ${logicalTypeName(f.type as DataType)}`).join(', ')}>`;
    case Type.Map: {
      const entries = t.children[0]!.type as DataType;
      const [k, v] = entries.children.map((f) => logicalTypeName(f.type as DataType));
      return `Map<${k}, ${v}>`;
    }
    case Type.Dictionary: return logicalTypeName((t as unknown as { dictionary: DataType }).dictionary);
    default: return String(t);
  }
}
