/**
 * concat and all-null columns for Arrow Data of every type the Vortex reader produces. Merges
 * assemble output batches from slices of several inputs with these.
 */
import { type Data, type DataType, makeData, RecordBatch, Struct, Type } from 'apache-arrow';

import { InternalError } from '../../errors.js';
import { takeData } from './take.js';

function bit(b: Uint8Array, i: number): boolean {
  return ((b[i >> 3]! >> (i & 7)) & 1) === 1;
}

/** Copies `n` bits of `src` from bit `from` into `dst` at bit `to`. */
function copyBits(dst: Uint8Array, to: number, src: Uint8Array, from: number, n: number): void {
  if ((to & 7) === 0 && (from & 7) === 0) {
    const whole = n >> 3;
    dst.set(src.subarray(from >> 3, (from >> 3) + whole), to >> 3);
    for (let i = whole * 8; i < n; i++) if (bit(src, from + i)) dst[(to + i) >> 3]! |= 1 << ((to + i) & 7);
    return;
  }
  for (let i = 0; i < n; i++) if (bit(src, from + i)) dst[(to + i) >> 3]! |= 1 << ((to + i) & 7);
}

function validity(parts: readonly Data[], n: number): { nullBitmap: Uint8Array | null; nullCount: number } {
  let nullCount = 0;
  for (const p of parts) nullCount += p.nullCount;
  if (nullCount === 0) return { nullBitmap: null, nullCount: 0 };
  const out = new Uint8Array((n + 7) >> 3);
  let at = 0;
  for (const p of parts) {
    if (p.nullCount === 0 || !p.nullBitmap) setRange(out, at, p.length);
    else if (p.nullBitmap.length > 0) copyBits(out, at, p.nullBitmap, p.offset, p.length);
    at += p.length;
  }
  return { nullBitmap: out, nullCount };
}

function setRange(b: Uint8Array, from: number, n: number): void {
  for (let i = from; i < from + n; i++) b[i >> 3]! |= 1 << (i & 7);
}

/** One Data holding the rows of `parts` (all of `type`) in order. */
export function concatData(type: DataType, parts: readonly Data[]): Data {
  const live = parts.filter((p) => p.length > 0);
  if (live.length === 1) return live[0]!;
  if (live.length === 0) return parts[0] ?? nullData(type, 0);
  let n = 0;
  for (const p of live) n += p.length;
  const base = { type, length: n, ...validity(live, n) };
  switch (type.typeId) {
    case Type.Null:
      return makeData({ type, length: n, nullCount: n } as never);
    case Type.Bool: {
      const out = new Uint8Array((n + 7) >> 3);
      let at = 0;
      for (const p of live) {
        copyBits(out, at, p.values as Uint8Array, p.offset, p.length);
        at += p.length;
      }
      return makeData({ ...base, data: out } as never);
    }
    case Type.Utf8:
    case Type.Binary: {
      const offs = new Int32Array(n + 1);
      let total = 0;
      for (const p of live) {
        const po = p.valueOffsets as Int32Array;
        total += po[p.length]! - po[0]!;
      }
      const vals = new Uint8Array(total);
      let row = 0, at = 0;
      for (const p of live) {
        const po = p.valueOffsets as Int32Array;
        const pv = p.values as Uint8Array;
        const a = po[0]!;
        vals.set(pv.subarray(a, po[p.length]!), at);
        for (let i = 1; i <= p.length; i++) offs[row + i] = at + po[i]! - a;
        at += po[p.length]! - a;
        row += p.length;
      }
      return makeData({ ...base, valueOffsets: offs, data: vals } as never);
    }
    case Type.LargeUtf8:
    case Type.LargeBinary: {
      const offs = new BigInt64Array(n + 1);
      let total = 0;
      for (const p of live) {
        const po = p.valueOffsets as unknown as BigInt64Array;
        total += Number(po[p.length]! - po[0]!);
      }
      const vals = new Uint8Array(total);
      let row = 0, at = 0;
      for (const p of live) {
        const po = p.valueOffsets as unknown as BigInt64Array;
        const pv = p.values as Uint8Array;
        const a = Number(po[0]!);
        vals.set(pv.subarray(a, Number(po[p.length]!)), at);
        for (let i = 1; i <= p.length; i++) offs[row + i] = BigInt(at + Number(po[i]!) - a);
        at += Number(po[p.length]!) - a;
        row += p.length;
      }
      return makeData({ ...base, valueOffsets: offs, data: vals } as never);
    }
    case Type.List:
    case Type.Map: {
      const offs = new Int32Array(n + 1);
      const children: Data[] = [];
      let row = 0, at = 0;
      for (const p of live) {
        const po = p.valueOffsets as Int32Array;
        const a = po[0]!, b = po[p.length]!;
        children.push(p.children[0]!.slice(a, b - a));
        for (let i = 1; i <= p.length; i++) offs[row + i] = at + po[i]! - a;
        at += b - a;
        row += p.length;
      }
      const child = concatData(type.children[0]!.type as DataType, children);
      return makeData({ ...base, valueOffsets: offs, child } as never);
    }
    case Type.FixedSizeList: {
      const size = (type as unknown as { listSize: number }).listSize;
      const child = concatData(
        type.children[0]!.type as DataType,
        live.map((p) => p.children[0]!.slice(0, p.length * size)),
      );
      return makeData({ ...base, child } as never);
    }
    case Type.Struct:
      return makeData({
        ...base,
        children: type.children.map((f, k) => concatData(f.type as DataType, live.map((p) => p.children[k]!))),
      } as never);
    default: {
      const stride = (live[0] as unknown as { stride: number } | undefined)?.stride;
      if (!stride) throw new InternalError(`concat: unsupported type ${String(type)}`);
      const first = live[0]!.values as unknown as { constructor: new (n: number) => { set(a: ArrayLike<unknown>, at: number): void } };
      const out = new first.constructor(n * stride);
      let at = 0;
      for (const p of live) {
        const v = p.values as unknown as { subarray(a: number, b: number): ArrayLike<unknown> };
        out.set(v.subarray(0, p.length * stride), at);
        at += p.length * stride;
      }
      return makeData({ ...base, data: out } as never);
    }
  }
}

/** A column of `n` nulls of `type` (nested types get all-null children of the right length). */
export function nullData(type: DataType, n: number): Data {
  const nullBitmap = new Uint8Array((n + 7) >> 3);
  const base = { type, length: n, nullCount: n, nullBitmap };
  switch (type.typeId) {
    case Type.Null:
      return makeData({ type, length: n, nullCount: n } as never);
    case Type.Bool:
      return makeData({ ...base, data: new Uint8Array((n + 7) >> 3) } as never);
    case Type.Utf8:
    case Type.Binary:
      return makeData({ ...base, valueOffsets: new Int32Array(n + 1), data: new Uint8Array(0) } as never);
    case Type.LargeUtf8:
    case Type.LargeBinary:
      return makeData({ ...base, valueOffsets: new BigInt64Array(n + 1), data: new Uint8Array(0) } as never);
    case Type.List:
    case Type.Map:
      return makeData({ ...base, valueOffsets: new Int32Array(n + 1), child: nullData(type.children[0]!.type as DataType, 0) } as never);
    case Type.FixedSizeList: {
      const size = (type as unknown as { listSize: number }).listSize;
      return makeData({ ...base, child: nullData(type.children[0]!.type as DataType, n * size) } as never);
    }
    case Type.Struct:
      return makeData({ ...base, children: type.children.map((f) => nullData(f.type as DataType, n)) } as never);
    default: {
      const T = (type as unknown as { ArrayType: new (n: number) => ArrayLike<unknown> }).ArrayType;
      const probe = makeData({ type, length: 0, data: new T(0) } as never) as unknown as { stride: number };
      return makeData({ ...base, data: new T(n * (probe.stride || 1)) } as never);
    }
  }
}

/** One record batch holding the rows of `parts` (all of one schema) in order. */
export function concatBatches(parts: readonly RecordBatch[]): RecordBatch {
  if (parts.length === 1) return parts[0]!;
  const schema = parts[0]!.schema;
  const n = parts.reduce((s, p) => s + p.numRows, 0);
  const children = schema.fields.map((f, i) => concatData(f.type as DataType, parts.map((p) => p.data.children[i]!)));
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: n, nullCount: 0, children }));
}

/** The data with dictionary-encoded columns (at any depth) replaced by plain values. */
export function plainData(d: Data): Data {
  if (d.type.typeId === Type.Dictionary) {
    const dict = (d as unknown as { dictionary: { data: Data[] } }).dictionary;
    const values = concatData((d.type as unknown as { dictionary: DataType }).dictionary, dict.data.map(plainData));
    const codes = d.values as ArrayLike<number | bigint>;
    const idx = new Uint32Array(d.length);
    for (let i = 0; i < d.length; i++) idx[i] = Number(codes[i] ?? 0);
    const valid = d.nullCount > 0 && d.nullBitmap ? d.nullBitmap : null;
    if (valid) for (let i = 0; i < d.length; i++) if (!((valid[(d.offset + i) >> 3]! >> ((d.offset + i) & 7)) & 1)) idx[i] = 0;
    const taken = values.length === 0 ? nullData(values.type, d.length) : takeData(values, idx);
    if (!valid) return taken;
    const bits = new Uint8Array((d.length + 7) >> 3);
    for (let i = 0; i < d.length; i++) if ((valid[(d.offset + i) >> 3]! >> ((d.offset + i) & 7)) & 1) bits[i >> 3]! |= 1 << (i & 7);
    const b = taken.buffers as unknown as unknown[];
    return taken.clone(taken.type, 0, d.length, d.nullCount, [b[0], b[1], bits, b[3]] as never, taken.children);
  }
  if (d.children.length === 0 || !d.children.some(hasDictionary)) return d;
  const children = d.children.map(plainData);
  const type = d.type.typeId === Type.Struct ? new Struct(d.type.children.map((f, i) => f.clone({ type: children[i]!.type }))) : d.type;
  return d.clone(type as DataType, d.offset, d.length, d.nullCount, d.buffers, children);
}

function hasDictionary(d: Data): boolean {
  return d.type.typeId === Type.Dictionary || d.children.some(hasDictionary);
}
