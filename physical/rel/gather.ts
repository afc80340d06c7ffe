/**
 * Gathers rows of Arrow Data by index (take) with generated, per-array-type loops for the
 * common layouts (fixed width, Bool, Utf8) and storage's takeData for the rest. An index of
 * {@link NONE} yields a null row (outer joins, lag/lead).
 */
import { type Data, type DataType, makeData, RecordBatch, type Schema, Struct, Type } from 'apache-arrow';

import { concatData } from '../../storage/arrow/concat.js';
import { takeData } from '../../storage/arrow/take.js';
import { bytesFor, getBit } from '../expr/bits.js';
import { nullColumn } from '../expr/col.js';
import { gen } from '../expr/kernel.js';

/** "No row": the gathered row is null. */
export const NONE = 0xffffffff;

type Copy = (src: unknown, idx: Uint32Array, out: unknown, n: number) => void;

const copyLoop = (kind: string): Copy => gen<Copy>(`gather|${kind}`, ['src', 'idx', 'out', 'n'], 'for (let i = 0; i < n; i++) out[i] = src[idx[i]];');

function gatherValidity(d: Data, idx: Uint32Array, withNone: boolean): { nullBitmap: Uint8Array | null; nullCount: number } {
  const n = idx.length;
  const has = d.nullCount > 0;
  if (!has && !withNone) return { nullBitmap: null, nullCount: 0 };
  const bm = has ? d.nullBitmap : null;
  const off = d.offset;
  const out = new Uint8Array(bytesFor(n));
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const r = idx[i]!;
    if (r === NONE || (has && (!bm || bm.length === 0 || !getBit(bm, off + r)))) nulls++;
    else out[i >> 3]! |= 1 << (i & 7);
  }
  return nulls === 0 ? { nullBitmap: null, nullCount: 0 } : { nullBitmap: out, nullCount: nulls };
}

const isFixed = (d: Data): boolean => {
  switch (d.type.typeId) {
    case Type.Int:
    case Type.Float:
    case Type.Date:
    case Type.Timestamp:
    case Type.Time:
    case Type.Duration:
      return true;
    default:
      return false;
  }
};

/** Rows `idx` of `d` (NONE entries become nulls when `withNone`). */
export function gather(d: Data, idx: Uint32Array, withNone = false): Data {
  const n = idx.length;
  if (withNone && d.length === 0) return nullColumn(d.type, n);
  const type = d.type as DataType;
  if (isFixed(d)) {
    const v = d.values as unknown as { constructor: new (n: number) => unknown; length: number };
    const out = new v.constructor(n);
    let src = idx;
    if (withNone) {
      src = new Uint32Array(n);
      for (let i = 0; i < n; i++) src[i] = idx[i] === NONE ? 0 : idx[i]!;
    }
    copyLoop(v.constructor.name)(v, src, out, n);
    return makeData({ type, length: n, ...gatherValidity(d, idx, withNone), data: out } as never);
  }
  if (type.typeId === Type.Utf8 || type.typeId === Type.Binary) {
    const offs = d.valueOffsets as Int32Array, vals = d.values as Uint8Array;
    const outOffs = new Int32Array(n + 1);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const r = idx[i]!;
      if (r !== NONE) total += offs[r + 1]! - offs[r]!;
      outOffs[i + 1] = total;
    }
    const out = new Uint8Array(total);
    for (let i = 0; i < n; i++) {
      const r = idx[i]!;
      if (r === NONE) continue;
      const s = offs[r]!, e = offs[r + 1]!, at = outOffs[i]!;
      if (e - s < 32) for (let k = s; k < e; k++) out[at + k - s] = vals[k]!;
      else out.set(vals.subarray(s, e), at);
    }
    return makeData({ type, length: n, ...gatherValidity(d, idx, withNone), valueOffsets: outOffs, data: out } as never);
  }
  if (type.typeId === Type.Bool) {
    const src = d.values as Uint8Array, off = d.offset;
    const out = new Uint8Array(bytesFor(n));
    for (let i = 0; i < n; i++) {
      const r = idx[i]!;
      if (r !== NONE && getBit(src, off + r)) out[i >> 3]! |= 1 << (i & 7);
    }
    return makeData({ type, length: n, ...gatherValidity(d, idx, withNone), data: out } as never);
  }
  if (!withNone) return takeData(d, idx);
  // Nested types with "no row" entries: take row 0 for them, then null them out.
  const safe = new Uint32Array(n);
  for (let i = 0; i < n; i++) safe[i] = idx[i] === NONE ? 0 : idx[i]!;
  const t = takeData(d, safe);
  const v = gatherValidity(d, idx, true);
  return makeData({ type, length: n, nullCount: v.nullCount, nullBitmap: v.nullBitmap, data: t.values, valueOffsets: t.valueOffsets, children: t.children } as never);
}

/** A record batch from column Data. */
export function batchFrom(schema: Schema, columns: readonly Data[], length: number): RecordBatch {
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length, nullCount: 0, children: columns as Data[] }));
}

/** Rows `idx` of every column of a batch. */
export function gatherBatch(b: RecordBatch, idx: Uint32Array, schema: Schema = b.schema): RecordBatch {
  return batchFrom(schema, b.data.children.map((c) => gather(c, idx)), idx.length);
}

/** One Data of all parts (empty parts allowed; none: an empty column). */
export function concatAll(type: DataType, parts: readonly Data[]): Data {
  if (parts.length === 0) return nullColumn(type, 0);
  const live = parts.filter((p) => p.length > 0);
  if (live.length === 0) return parts[0]!;
  return live.length === 1 ? live[0]! : concatData(type, live);
}

/** The rows of several batches as one batch (columns concatenated). */
export function concatBatches(schema: Schema, batches: readonly RecordBatch[]): RecordBatch {
  if (batches.length === 1) return batches[0]!;
  const n = batches.reduce((s, b) => s + b.numRows, 0);
  return batchFrom(schema, schema.fields.map((f, i) => concatAll(f.type, batches.map((b) => b.data.children[i]!))), n);
}
