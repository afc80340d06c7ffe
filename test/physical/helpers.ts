/**
 * Shared pieces of the physical operator tests: a random tree of collections (scenes → clips →
 * detections) as plain JS rows, Arrow batches built from rows and split at random boundaries
 * (including empty and one-row batches, sliced or freshly built), plain values of the output,
 * and the contract checks every operator test runs (ordering, metrics).
 */
import {
  type Data, type DataType, Field, Float64, Int32, Int64, List, makeData, RecordBatch, Schema, Struct, Type, Uint64, Utf8,
  vectorFromArray,
} from 'apache-arrow';
import fc from 'fast-check';
import { expect } from 'vitest';

import { batchOf } from '../../physical/batches.js';
import { concatData } from '../../storage/arrow/concat.js';
import { takeData } from '../../storage/arrow/take.js';
import { compareKeys, KeyCodec } from '../../storage/tables/key-codec.js';
import { defaultContext, type ExecContext, fieldsOf, type Ordering, type PhysicalOperator } from '../../physical/operator.js';
import { BaseOperator } from '../../physical/run.js';
import { ValuesOp } from '../../physical/values.js';
import { dataValue } from '../helpers/arrow-values.js';

export type Row = Record<string, unknown>;

export const f64 = new Float64();
export const i32 = new Int32();
export const i64 = new Int64();
export const u64 = new Uint64();
export const utf8 = new Utf8();
export const listOf = (t: DataType): List => new List(new Field('item', t, true));

export const field = (name: string, type: DataType, nullable = true): Field => new Field(name, type, nullable);

/** One column of plain values as Arrow Data of `type` (64-bit ints given as numbers or bigints). */
export function columnData(type: DataType, values: readonly unknown[]): Data {
  const is64 = type.typeId === Type.Int && (type as Int64).bitWidth === 64;
  const vs = is64 ? values.map((v) => (v === null || v === undefined ? null : BigInt(v as number))) : values;
  const vec = vectorFromArray(vs as unknown[], type);
  return vec.data.length === 1 ? vec.data[0]! : concatData(type, vec.data);
}

/** One batch holding `rows` (every row has every column of `schema`). */
export function batchOfRows(schema: Schema, rows: readonly Row[]): RecordBatch {
  const children = schema.fields.map((f) => columnData(f.type as DataType, rows.map((r) => r[f.name] ?? null)));
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: rows.length, nullCount: 0, children }));
}

/**
 * `rows` cut into batches of the sizes in `sizes` (used in turn, cycling; 0 makes an empty
 * batch). Odd cuts are zero-copy slices of one batch (non-zero offsets), even cuts are built
 * fresh, so both layouts are exercised.
 */
export function splitRows(schema: Schema, rows: readonly Row[], sizes: readonly number[]): RecordBatch[] {
  const whole = batchOfRows(schema, rows);
  const cuts = sizes.length > 0 ? sizes : [rows.length];
  const out: RecordBatch[] = [];
  let at = 0, k = 0, stalled = 0;
  do {
    let n = Math.min(cuts[k % cuts.length]!, rows.length - at);
    if (n === 0 && at < rows.length && ++stalled > cuts.length) n = 1;
    if (n > 0) stalled = 0;
    out.push(k % 2 ? whole.slice(at, at + n) : fresh(whole, at, n));
    at += n;
    k++;
  } while (at < rows.length);
  return out;
}

/** Rows [at, at+n) of `b` copied into new buffers (offset 0). */
function fresh(b: RecordBatch, at: number, n: number): RecordBatch {
  const idx = Uint32Array.from({ length: n }, (_, i) => at + i);
  return batchOf(b.schema, b.data.children.map((c) => takeData(c, idx)), n);
}

/** A Values source over `rows` split by `sizes`. */
export function source(schema: Schema, rows: readonly Row[], sizes: readonly number[], keys: readonly string[]): ValuesOp {
  return new ValuesOp(schema, splitRows(schema, rows, sizes), { keys });
}

/** Batch sizes: 0 (empty batch), 1, and a few larger, in random order. */
export const arbSizes = fc.array(fc.oneof(fc.constant(0), fc.constant(1), fc.integer({ min: 1, max: 9 })), { minLength: 1, maxLength: 8 });

/** Plain values of the rows of batches (Int64 as decimal strings, NaN as 'NaN'). */
export function rowsOf(batches: readonly RecordBatch[]): Row[] {
  const out: Row[] = [];
  for (const b of batches) {
    for (let i = 0; i < b.numRows; i++) {
      const r: Row = {};
      b.schema.fields.forEach((f, k) => (r[f.name] = dataValue(b.data.children[k]!, i)));
      out.push(r);
    }
  }
  return out;
}

/** Runs an operator; checks the ordering contract and the row/batch metrics; returns the batches. */
export async function run(op: PhysicalOperator, ctx: ExecContext = { ...defaultContext(), batchRows: 7 }): Promise<RecordBatch[]> {
  const out: RecordBatch[] = [];
  for await (const b of op.execute(ctx)) {
    expect(b.schema.names).toEqual(op.schema.names);
    out.push(b);
  }
  expectAscending(out, op.ordering.keys);
  const rows = out.reduce((s, b) => s + b.numRows, 0);
  expect(op.metrics.rowsOut).toBe(rows);
  expect(op.metrics.batchesOut).toBe(out.filter((b) => b.numRows > 0).length);
  expect(op.metrics.elapsedMs).toBeGreaterThanOrEqual(0);
  return out;
}

/** Output keys strictly ascending across all batches (the ordering contract). */
export function expectAscending(batches: readonly RecordBatch[], keys: readonly string[]): void {
  if (keys.length === 0 || batches.length === 0) return;
  const codec = new KeyCodec(fieldsOf(batches[0]!.schema, keys));
  let prev: { block: ReturnType<KeyCodec['encode']>; i: number } | null = null;
  for (const b of batches) {
    if (b.numRows === 0) continue;
    const block = codec.encode(keys.map((k) => b.getChild(k)!.data[0]!));
    for (let i = 0; i < block.length; i++) {
      if (prev && compareKeys(prev.block, prev.i, block, i) >= 0) {
        throw new Error(`output keys not strictly ascending: (${codec.format(codec.encode(keys.map((k) => b.getChild(k)!.data[0]!), i, i + 1).bytes)})`);
      }
      prev = { block, i };
    }
  }
}

/** Sorts strings the way the key codec does (UTF-8 bytes). */
export const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

// ---------------------------------------------------------------- a random tree of collections

export interface Detection { readonly pos: number; readonly confidence: number | null; readonly ts: number | null; readonly label: string | null; readonly count: number | null }
export interface Clip { readonly id: number; readonly duration: number | null; readonly camera: string | null; readonly dets: readonly Detection[] }
export interface Scene { readonly id: string; readonly location: string | null; readonly clips: readonly Clip[] }

const nullable = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.option(a, { nil: null, freq: 4 });
const smallFloat = fc.integer({ min: -40, max: 40 }).map((x) => x / 4);
const label = fc.constantFrom('car', 'person', 'bike', '', 'a\u0000b', 'é');

const arbDets = (max: number): fc.Arbitrary<Detection[]> =>
  fc.array(
    fc.record({ confidence: nullable(smallFloat), step: fc.integer({ min: 0, max: 3 }), label: nullable(label), count: nullable(fc.integer({ min: -1000, max: 1000 })), nullTs: fc.integer({ min: 0, max: 15 }) }),
    { maxLength: max },
  ).map((ds) => {
    let t = -0.5;
    return ds.map((d, pos) => {
      t += d.step / 2;
      return { pos, confidence: d.confidence, ts: d.nullTs === 0 ? null : t, label: d.label, count: d.count };
    });
  });

/** A random tree: scenes with 0..maxFan clips, clips with 0..maxDets detections. */
export function arbTree(maxScenes = 5, maxFan = 4, maxDets = 6): fc.Arbitrary<Scene[]> {
  const clip = fc.record({ duration: nullable(smallFloat), camera: nullable(fc.constantFrom('front', 'rear', '')), dets: arbDets(maxDets) });
  const scene = fc.record({ location: nullable(fc.constantFrom('downtown', 'highway', 'park')), clips: fc.array(fc.tuple(fc.integer({ min: -50, max: 50 }), clip), { maxLength: maxFan }) });
  return fc.uniqueArray(fc.tuple(fc.string({ unit: fc.constantFrom('a', 'b', 'é', '\u0000'), maxLength: 3 }), scene), { selector: (s) => s[0], maxLength: maxScenes }).map((scenes) =>
    scenes
      .map(([id, s]) => ({
        id,
        location: s.location,
        clips: dedupe(s.clips.map(([cid, c]) => ({ id: cid, ...c }))).sort((a, b) => a.id - b.id),
      }))
      .sort((a, b) => byteOrder(a.id, b.id)),
  );
}

function dedupe<T extends { id: number }>(xs: T[]): T[] {
  const seen = new Set<number>();
  return xs.filter((x) => (seen.has(x.id) ? false : (seen.add(x.id), true)));
}

export const SCENE_KEYS = ['scenes._id'];
export const CLIP_KEYS = ['scenes._id', 'clips._id'];
export const DET_KEYS = ['scenes._id', 'clips._id', '_pos'];

export const sceneSchema = new Schema([field('scenes._id', utf8, false), field('location', utf8)]);
export const clipSchema = new Schema([field('scenes._id', utf8, false), field('clips._id', i32, false), field('duration', f64), field('camera', utf8)]);
export const detSchema = new Schema([
  field('scenes._id', utf8, false), field('clips._id', i32, false), field('_pos', u64, false),
  field('confidence', f64), field('ts', f64), field('label', utf8), field('count', i64),
]);

export const sceneRows = (t: readonly Scene[]): Row[] => t.map((s) => ({ 'scenes._id': s.id, location: s.location }));
export const clipRows = (t: readonly Scene[]): Row[] =>
  t.flatMap((s) => s.clips.map((c) => ({ 'scenes._id': s.id, 'clips._id': c.id, duration: c.duration, camera: c.camera })));
export const detRows = (t: readonly Scene[]): Row[] =>
  t.flatMap((s) =>
    s.clips.flatMap((c) =>
      c.dets.map((d) => ({ 'scenes._id': s.id, 'clips._id': c.id, _pos: d.pos, confidence: d.confidence, ts: d.ts, label: d.label, count: d.count })),
    ),
  );

/** Row values as the output reader shows them (Int64/Uint64 as strings). */
export function plain(r: Row, int64Cols: readonly string[]): Row {
  const out: Row = { ...r };
  for (const c of int64Cols) if (out[c] !== null && out[c] !== undefined) out[c] = String(out[c]);
  return out;
}

/** Awaits a promise that must reject with an EngineError of `code`. */
export async function expectCode(p: Promise<unknown>, code: string): Promise<void> {
  await expect(p).rejects.toMatchObject({ code });
}

/** Drains an operator's stream. */
export async function drain(op: PhysicalOperator, ctx: ExecContext = defaultContext()): Promise<number> {
  let n = 0;
  for await (const b of op.execute(ctx)) n += b.numRows;
  return n;
}

/**
 * A large synthetic stream without JS row objects: keys (p: int32, _pos: u64) with `fanout`
 * rows per p, a float64 `v` (= row number, every 7th null) and an int32 `w` (= row % 10).
 */
export const synthSchema = new Schema([field('p', i32, false), field('_pos', u64, false), field('v', f64), field('w', i32)]);

export function synthBatches(total: number, batchRows: number, fanout: number, firstRow = 0): RecordBatch[] {
  const out: RecordBatch[] = [];
  for (let at = 0; at < total; at += batchRows) {
    const n = Math.min(batchRows, total - at);
    const p = new Int32Array(n), pos = new BigUint64Array(n), v = new Float64Array(n), w = new Int32Array(n);
    const valid = new Uint8Array((n + 7) >> 3);
    let nulls = 0;
    for (let i = 0; i < n; i++) {
      const r = firstRow + at + i;
      p[i] = Math.floor(r / fanout);
      pos[i] = BigInt(r % fanout);
      v[i] = r;
      w[i] = r % 10;
      if (r % 7 === 0) nulls++;
      else valid[i >> 3]! |= 1 << (i & 7);
    }
    const children = [
      makeData({ type: i32, length: n, data: p }),
      makeData({ type: u64, length: n, data: pos }),
      makeData({ type: f64, length: n, nullCount: nulls, nullBitmap: valid, data: v }),
      makeData({ type: i32, length: n, data: w }),
    ];
    out.push(new RecordBatch(synthSchema, makeData({ type: new Struct(synthSchema.fields), length: n, nullCount: 0, children })));
  }
  return out;
}

/**
 * A source that reports when it is closed and aborts `ctx.signal` (through `abort`) when its
 * `abortAt`-th batch is pulled: cancellation tests check the error and that children were closed.
 */
export class TrackedSource extends BaseOperator {
  readonly name = 'Tracked';
  closed = false;
  pulled = 0;

  constructor(
    private readonly inner: ValuesOp,
    private readonly abortAt = Infinity,
    readonly controller = new AbortController(),
  ) {
    super(inner.schema, [], inner.ordering);
  }

  requiredInputOrdering(): readonly (Ordering | null)[] {
    return [];
  }
  maintainsInputOrder(): readonly boolean[] {
    return [];
  }
  displayParams(): readonly (readonly [string, string])[] {
    return [];
  }
  withChildren(): PhysicalOperator {
    return this;
  }

  protected async *run(): AsyncGenerator<RecordBatch, void, undefined> {
    try {
      for (const b of this.inner.batches) {
        if (++this.pulled >= this.abortAt) this.controller.abort(new Error('stop'));
        yield b;
      }
    } finally {
      this.closed = true;
    }
  }
}

/** A context whose signal belongs to `src`. */
export const ctxOf = (src: TrackedSource, batchRows = 16): ExecContext => ({ batchRows, signal: src.controller.signal });
