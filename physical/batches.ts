/**
 * Small Arrow helpers shared by the physical operators: assembling batches from column Data,
 * gathering rows with "no row" markers filled in, growable typed arrays for building result
 * columns without per-row objects, and the {@link Emitter} that coalesces small output pieces.
 */
import { type Data, type DataType, type Field, makeData, RecordBatch, type Schema, Struct, Type, vectorFromArray } from 'apache-arrow';

import { ExecutionError } from '../errors.js';
import { concatData, nullData } from '../storage/arrow/concat.js';
import { takeData } from '../storage/arrow/take.js';

/** Marks "no source row" in a gather index: the output row gets the fill value (null by default). */
export const NONE = 0xffffffff;

/** A record batch of `schema` whose columns are `columns` (each `length` rows). */
export function batchOf(schema: Schema, columns: readonly Data[], length: number): RecordBatch {
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length, nullCount: 0, children: columns as Data[] }));
}

/** The index of column `name` in `schema`, or an 'unknown-column' error naming the operator. */
export function columnIndex(schema: Schema, name: string, op: string): number {
  const i = schema.fields.findIndex((f) => f.name === name);
  if (i < 0) throw new ExecutionError('unknown-column', `${op}: no column "${name}" in (${schema.fields.map((f) => f.name).join(', ')})`);
  return i;
}

/** Column `name` of a batch. */
export function columnOf(batch: RecordBatch, name: string, op: string): Data {
  return batch.data.children[columnIndex(batch.schema, name, op)]!;
}

/** Rows [start, end) of `d`, zero-copy. */
export function sliceData(d: Data, start: number, end: number): Data {
  return start === 0 && end === d.length ? d : d.slice(start, end - start);
}

/** True when two fields have the same Arrow type (names aside). */
export function sameType(a: Field, b: Field): boolean {
  return String(a.type) === String(b.type);
}

/**
 * Rows `idx` of `d`; entries equal to {@link NONE} take the one-row `fill` instead (nulls when
 * `fill` is omitted). `d` may be null when every entry is NONE. Only the span of `d` that `idx`
 * touches is copied.
 */
export function takeOrFill(type: DataType, d: Data | null, idx: Uint32Array, fill?: Data): Data {
  let lo = Infinity, hi = -1;
  for (let i = 0; i < idx.length; i++) {
    const r = idx[i]!;
    if (r === NONE) continue;
    if (r < lo) lo = r;
    if (r > hi) hi = r;
  }
  if (idx.length === 0) return nullData(type, 0);
  const missing = hi < 0 ? idx.length : countNone(idx);
  if (missing === 0) return takeData(d!, idx);
  const f = fill ?? nullData(type, 1);
  if (hi < 0) return takeData(f, new Uint32Array(idx.length));
  const span = d!.slice(lo, hi - lo + 1);
  const src = concatColumn(type, [span, f]);
  const j = new Uint32Array(idx.length);
  const fillAt = hi - lo + 1;
  for (let i = 0; i < idx.length; i++) j[i] = idx[i] === NONE ? fillAt : idx[i]! - lo;
  return takeData(src, j);
}

function countNone(idx: Uint32Array): number {
  let n = 0;
  for (let i = 0; i < idx.length; i++) if (idx[i] === NONE) n++;
  return n;
}

/**
 * The rows of `parts` (all of `type`) in order, as one Data. Like storage's concatData, but also
 * when every part, or every list's elements, is empty (concatData needs a non-empty part).
 */
export function concatColumn(type: DataType, parts: readonly Data[]): Data {
  return concatData(type, parts);
}

/** One record batch holding the rows of `parts` (all of `schema`) in order. */
export function concatRecordBatches(schema: Schema, parts: readonly RecordBatch[]): RecordBatch {
  if (parts.length === 1) return parts[0]!;
  const n = parts.reduce((s, p) => s + p.numRows, 0);
  return batchOf(schema, schema.fields.map((f, i) => concatColumn(f.type as DataType, parts.map((p) => p.data.children[i]!))), n);
}

/** A one-row column of `type` holding the JS value `value` (64-bit ints may be numbers). */
export function scalarData(type: DataType, value: unknown, what: string): Data {
  const wide = type.typeId === Type.Int && (type as unknown as { bitWidth: number }).bitWidth === 64;
  const v = wide && typeof value === 'number' ? BigInt(value) : value;
  try {
    const vec = vectorFromArray([v], type);
    const d = vec.data.length === 1 ? vec.data[0]! : concatData(type, vec.data);
    if (d.length !== 1) throw new Error(`got ${d.length} rows`);
    return d;
  } catch (e) {
    throw new ExecutionError('invalid-argument', `${what}: ${JSON.stringify(value) ?? String(value)} is not a ${String(type)} value`, { cause: e });
  }
}

/**
 * The validity bitmap of `d` for tight loops (null when every row is valid); test row i with
 * `bitSet(bm, d.offset + i)`. Reading `nullCount` / `nullBitmap` per row is much slower.
 */
export function validityBits(d: Data): Uint8Array | null {
  if (d.nullCount === 0) return null;
  const bm = d.nullBitmap;
  return bm && bm.length > 0 ? bm : new Uint8Array((d.offset + d.length + 7) >> 3);
}

export const bitSet = (bm: Uint8Array, j: number): boolean => ((bm[j >> 3]! >> (j & 7)) & 1) === 1;

/** True when row i of `d` is valid (not null). */
export function isValid(d: Data, i: number): boolean {
  if (d.nullCount === 0) return true;
  const bm = d.nullBitmap;
  if (!bm || bm.length === 0) return d.nullCount < d.length;
  const j = d.offset + i;
  return ((bm[j >> 3]! >> (j & 7)) & 1) === 1;
}

/** Validity bitmap of `bytes` (one byte per row, nonzero = valid) and its null count. */
export function bitmapOf(bytes: Uint8Array): { nullBitmap: Uint8Array | null; nullCount: number } {
  let nullCount = 0;
  const bm = new Uint8Array((bytes.length + 7) >> 3);
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i]) bm[i >> 3]! |= 1 << (i & 7);
    else nullCount++;
  }
  return nullCount === 0 ? { nullBitmap: null, nullCount: 0 } : { nullBitmap: bm, nullCount };
}

type NumArray = Uint8Array | Uint32Array | Int32Array | Float64Array;

/** An append-only typed array (doubling capacity) for building columns and index lists. */
export class Grow<T extends NumArray> {
  private buf: T;
  length = 0;

  constructor(private readonly Ctor: new (n: number) => T, capacity = 64) {
    this.buf = new Ctor(capacity);
  }

  push(v: number): void {
    if (this.length === this.buf.length) this.reserve(this.length + 1);
    this.buf[this.length++] = v;
  }

  /** Appends start, start+1, …, end-1. */
  pushRange(start: number, end: number): void {
    if (end <= start) return;
    this.reserve(this.length + end - start);
    const b = this.buf;
    let at = this.length;
    for (let v = start; v < end; v++) b[at++] = v;
    this.length = at;
  }

  at(i: number): number {
    return this.buf[i]!;
  }

  /** The values pushed so far (a copy); empties the array. */
  drain(): T {
    const out = (this.buf as NumArray).slice(0, this.length) as T;
    this.length = 0;
    return out;
  }

  private reserve(n: number): void {
    if (n <= this.buf.length) return;
    const b = new this.Ctor(Math.max(n, this.buf.length * 2));
    (b as NumArray).set(this.buf as ArrayLike<number>);
    this.buf = b;
  }
}

/**
 * Coalesces output pieces into batches of about `batchRows` rows. Pieces at least that large pass
 * through untouched (zero-copy); smaller ones are held and concatenated.
 */
export class Emitter {
  private pending: RecordBatch[] = [];
  private pendingRows = 0;
  private readonly ready: RecordBatch[] = [];

  constructor(private readonly batchRows: number) {}

  get heldRows(): number {
    return this.pendingRows;
  }

  push(piece: RecordBatch): void {
    if (piece.numRows === 0) return;
    if (piece.numRows >= this.batchRows) {
      this.flush();
      this.ready.push(piece);
      return;
    }
    this.pending.push(piece);
    this.pendingRows += piece.numRows;
    if (this.pendingRows >= this.batchRows) this.flush();
  }

  /** Moves held pieces to the ready list as one batch. */
  flush(): void {
    if (this.pending.length === 0) return;
    this.ready.push(concatRecordBatches(this.pending[0]!.schema, this.pending));
    this.pending = [];
    this.pendingRows = 0;
  }

  /** Batches ready to yield (the list is emptied). */
  *drain(): Generator<RecordBatch> {
    while (this.ready.length > 0) yield this.ready.shift()!;
  }
}
