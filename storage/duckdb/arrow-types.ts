/**
 * Arrow type helpers free of DuckDB imports (the scan worker uses them without loading DuckDB's
 * client): structural type equality, dictionary-free types, half-float conversions.
 */
import { type DataType, Field, FixedSizeList, LargeList, List, Map_, Struct, Type } from 'apache-arrow';

/** Arrow types equal in every parameter, nested names and nullability included. */
export function typesEqual(a: DataType, b: DataType): boolean {
  if (a.typeId !== b.typeId) return false;
  const x = a as unknown as Record<string, unknown>, y = b as unknown as Record<string, unknown>;
  for (const k of ['bitWidth', 'isSigned', 'precision', 'scale', 'unit', 'listSize', 'byteWidth', 'keysSorted']) if (x[k] !== y[k]) return false;
  if ((x.timezone ?? null) !== (y.timezone ?? null)) return false;
  if (a.typeId === Type.Dictionary) {
    const da = a as unknown as { dictionary: DataType; indices: DataType }, db = b as unknown as { dictionary: DataType; indices: DataType };
    return typesEqual(da.dictionary, db.dictionary) && typesEqual(da.indices, db.indices);
  }
  const ca = a.children ?? [], cb = b.children ?? [];
  return ca.length === cb.length && ca.every((f, i) => f.name === cb[i]!.name && f.nullable === cb[i]!.nullable && typesEqual(f.type as DataType, cb[i]!.type as DataType));
}

/** `type` with every dictionary replaced by its value type (what DuckDB and the views carry). */
export function plainType(type: DataType): DataType {
  if (type.typeId === Type.Dictionary) return plainType((type as unknown as { dictionary: DataType }).dictionary);
  const kids = type.children ?? [];
  if (kids.length === 0) return type;
  const fields = kids.map((f) => new Field(f.name, plainType(f.type as DataType), f.nullable, f.metadata));
  if (fields.every((f, i) => f.type === kids[i]!.type)) return type;
  switch (type.typeId) {
    case Type.Struct:
      return new Struct(fields);
    case Type.List:
      return new List(fields[0]!);
    case Type.LargeList:
      return new LargeList(fields[0]!);
    case Type.FixedSizeList:
      return new FixedSizeList((type as FixedSizeList).listSize, fields[0]!);
    case Type.Map:
      return new Map_(fields[0] as never, (type as Map_).keysSorted);
    default:
      return type;
  }
}

/** IEEE 754 half → single precision (exact). */
export function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/** IEEE 754 single → half precision, round to nearest even. */
export function floatToHalf(v: number): number {
  const f32 = new Float32Array([v]);
  const x = new Uint32Array(f32.buffer)[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let h = mant >>> shift;
    const rem = mant & ((1 << shift) - 1), half = 1 << (shift - 1);
    if (rem > half || (rem === half && h & 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && h & 1)) h++;
  e = h >>> 10;
  return sign | (e >= 31 ? 0x7c00 : h);
}
