import { type Data, Float64, makeData, type RecordBatch, Schema, type Vector } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { batchOf } from '../../physical/batches.js';
import { ResampleOp, type ResampleMethod } from '../../physical/resample.js';
import { ValuesOp } from '../../physical/values.js';
import { ZipOp } from '../../physical/zip.js';
import {
  arbSizes, arbTree, CLIP_KEYS, ctxOf, DET_KEYS, detRows, detSchema, drain, expectCode, f64, field, i32, type Row, rowsOf, run, type Scene, source,
  synthBatches, synthSchema, TrackedSource, u64, utf8,
} from './helpers.js';

const TL_KEYS = [...CLIP_KEYS, 'step'];
const tlSchema = new Schema([detSchema.fields[0]!, detSchema.fields[1]!, field('step', u64, false), field('time', f64, false), field('tag', utf8)]);

interface TlSpec { readonly include: boolean; readonly start: number; readonly incs: readonly number[] }
const arbTl = fc.array(fc.record({ include: fc.boolean(), start: fc.integer({ min: -4, max: 4 }).map((x) => x / 2), incs: fc.array(fc.constantFrom(0, 0.5, 1, 1.5), { maxLength: 5 }) }), { maxLength: 30 });

/** Timeline rows: for clip k (in tree order) spec k decides whether it has steps and their times. */
function timelineRows(tree: readonly Scene[], specs: readonly TlSpec[]): Row[] {
  const clips = tree.flatMap((s) => s.clips.map((c) => [s.id, c.id] as const));
  return clips.flatMap(([s, c], k) => {
    const sp = specs[k] ?? { include: true, start: 0, incs: [1, 1] };
    if (!sp.include) return [];
    const times = [sp.start];
    for (const inc of sp.incs) times.push(times.at(-1)! + inc);
    return times.map((time, step) => ({ 'scenes._id': s, 'clips._id': c, step, time, tag: step % 2 ? 'odd' : null }));
  });
}

type Agg = (rows: Row[], col: string) => unknown;
const nn = (rows: Row[], col: string): number[] => rows.map((r) => r[col]).filter((x) => x !== null) as number[];
const AGGS: Record<string, Agg> = {
  first: (rows, col) => (rows.length ? rows[0]![col] : null),
  list: (rows, col) => rows.map((r) => r[col]),
  mean: (rows, col) => (nn(rows, col).length ? nn(rows, col).reduce((s, x) => s + x, 0) / nn(rows, col).length : null),
  sum: (rows, col) => (nn(rows, col).length ? nn(rows, col).reduce((s, x) => s + x, 0) : null),
  count: (rows, col) => String(nn(rows, col).length),
};

/** The reference: for each timeline row, the source rows of its parent in its bin (or as of its time). */
function reference(tl: readonly Row[], src: readonly Row[], method: string, cols: readonly string[], lastWidth?: number): Row[] {
  const key = (r: Row): string => JSON.stringify(CLIP_KEYS.map((k) => r[k]));
  return tl.map((t, i) => {
    const next = tl[i + 1], prev = tl[i - 1];
    const same = (o: Row | undefined): boolean => o !== undefined && key(o) === key(t);
    const a = t.time as number;
    const b = same(next) ? (next!.time as number) : a + (lastWidth ?? (same(prev) ? a - (prev!.time as number) : Infinity));
    const mine = src.filter((r) => key(r) === key(t) && r.ts !== null);
    const out: Row = { ...t, step: String(t.step) };
    for (const c of cols) {
      if (method === 'ffill') {
        const before = mine.filter((r) => (r.ts as number) <= a);
        out[c] = before.length ? before.at(-1)![c] : null;
      } else out[c] = AGGS[method]!(mine.filter((r) => (r.ts as number) >= a && (r.ts as number) < b), c);
    }
    return out;
  });
}

const METHODS: [ResampleMethod, string, string[], number][] = [
  ['first', 'first', ['confidence', 'label'], 7001],
  ['ffill', 'ffill', ['confidence', 'label'], 7002],
  ['list', 'list', ['confidence', 'label'], 7003],
  ['mean', 'mean', ['confidence'], 7004],
  ['sum', 'sum', ['confidence'], 7005],
  ['count', 'count', ['label'], 7006],
];

describe('ResampleOp', () => {
  for (const [method, name, cols, seed] of METHODS) {
    it(`outputs exactly the timeline rows with the source ${name}-aggregated per step`, async () => {
      await fc.assert(
        fc.asyncProperty(arbTree(4, 4, 8), arbTl, arbSizes, arbSizes, fc.option(fc.constantFrom(0.5, 2), { nil: undefined }), async (tree, specs, ts, ss, lastWidth) => {
          const tl = timelineRows(tree, specs), src = detRows(tree);
          const spec = { prefixKeys: CLIP_KEYS, on: 'ts', method, columns: cols, ...(lastWidth === undefined ? {} : { lastWidth }) };
          const op = new ResampleOp(source(tlSchema, tl, ts, TL_KEYS), source(detSchema, src, ss, DET_KEYS), spec);
          expect(op.ordering.keys).toEqual(TL_KEYS);
          expect(rowsOf(await run(op, { batchRows: 5 }))).toEqual(reference(tl, src, name, cols, lastWidth));
        }),
        { seed, numRuns: 60 },
      );
    });
  }

  it('applies a custom function to each bin and zips two resampled sources', async () => {
    const spread = { fn: (v: Vector) => (v.length === 0 ? null : Math.max(...(v.toArray() as number[])) - Math.min(...(v.toArray() as number[]))), type: new Float64(), name: 'spread' };
    await fc.assert(
      fc.asyncProperty(arbTree(4, 4, 8), arbTl, arbSizes, arbSizes, arbSizes, async (tree, specs, ts, s1, s2) => {
        const tl = timelineRows(tree, specs), src = detRows(tree).map((r) => ({ ...r, confidence: r.confidence ?? 0 }));
        const a = new ResampleOp(source(tlSchema, tl, ts, TL_KEYS), source(detSchema, src, s1, DET_KEYS), { prefixKeys: CLIP_KEYS, on: 'ts', method: spread, columns: ['confidence'] });
        // The second timeline copy names its time column t2, so the zipped columns stay distinct.
        const bSchema = new Schema([...tlSchema.fields.slice(0, 3), field('t2', f64, false)]);
        const tl2 = tl.map((r) => ({ 'scenes._id': r['scenes._id'], 'clips._id': r['clips._id'], step: r.step, t2: r.time }));
        const b = new ResampleOp(source(bSchema, tl2, ts.slice().reverse(), TL_KEYS), source(detSchema, src, s2, DET_KEYS), { prefixKeys: CLIP_KEYS, on: 'ts', method: 'list', columns: ['label'], time: 't2' });
        const zipped = new ZipOp(a, b);
        expect(zipped.schema.names).toEqual([...TL_KEYS, 'time', 'tag', 'confidence', 't2', 'label']);
        const ref = reference(tl, src, 'list', ['confidence', 'label']).map((r) => {
          const xs = r.confidence as number[];
          return { ...r, confidence: xs.length ? Math.max(...xs) - Math.min(...xs) : null, t2: r.time };
        });
        expect(rowsOf(await run(zipped))).toEqual(ref);
      }),
      { seed: 7007, numRuns: 60 },
    );
  });

  it('fails with unsorted-input when on decreases within a parent or times decrease', async () => {
    const det = (pos: number, ts: number): Row => ({ 'scenes._id': 's', 'clips._id': 1, _pos: pos, confidence: 1, ts, label: null, count: null });
    const step = (s: number, time: number): Row => ({ 'scenes._id': 's', 'clips._id': 1, step: s, time, tag: null });
    const tl = [step(0, 0), step(1, 1), step(2, 2)];
    for (const sizes of [[1], [2], [5]]) {
      const op = new ResampleOp(source(tlSchema, tl, sizes, TL_KEYS), source(detSchema, [det(0, 0.5), det(1, 1.5), det(2, 1)], sizes, DET_KEYS), { prefixKeys: CLIP_KEYS, on: 'ts', method: 'list', columns: ['confidence'] });
      await expectCode(drain(op), 'unsorted-input');
      const back = new ResampleOp(source(tlSchema, [step(0, 0), step(1, 2), step(2, 1)], sizes, TL_KEYS), source(detSchema, [], [1], DET_KEYS), { prefixKeys: CLIP_KEYS, on: 'ts', method: 'first' });
      await expectCode(drain(back), 'unsorted-input');
    }
  });

  it('checks its arguments', () => {
    const tl = source(tlSchema, [], [1], TL_KEYS), src = source(detSchema, [], [1], DET_KEYS);
    expect(() => new ResampleOp(tl, src, { prefixKeys: ['clips._id'], on: 'ts', method: 'first' })).toThrow(/prefix/);
    expect(() => new ResampleOp(tl, src, { prefixKeys: CLIP_KEYS, on: 'label', method: 'first' })).toThrow(/must be Float64/);
    expect(() => new ResampleOp(tl, src, { prefixKeys: CLIP_KEYS, on: 'ts', method: 'sum', columns: ['label'] })).toThrow(/sum does not apply/);
    expect(() => new ResampleOp(tl, src, { prefixKeys: CLIP_KEYS, on: 'ts', method: 'first', lastWidth: -1 })).toThrow(/lastWidth/);
    const r = new ResampleOp(tl, src, { prefixKeys: CLIP_KEYS, on: 'ts', method: 'first' });
    expect(r.schema.names).toEqual([...TL_KEYS, 'time', 'tag', 'confidence', 'label', 'count']);
    expect(r.withChildren(r.children).schema.names).toEqual(r.schema.names);
  });

  const synthTimeline = (parents: number, steps: number, batchRows: number): ValuesOp => {
    const schema = new Schema([field('p', i32, false), field('step', u64, false), field('time', f64, false)]);
    const batches = synthBatches(parents * steps, batchRows, steps).map((b) => {
      const pos = b.data.children[1]!.values as BigUint64Array;
      const time = Float64Array.from(pos, (x) => Number(x) * 0.75);
      return batchOf(schema, [b.data.children[0]!, b.data.children[1]!, makeF64(time)], b.numRows);
    });
    return new ValuesOp(schema, batches, { keys: ['p', 'step'] });
  };

  it('is cancelled through the signal and closes both children', async () => {
    const src = new TrackedSource(new ValuesOp(synthSchema, synthBatches(2000, 10, 20).map(withOn), { keys: ['p', '_pos'] }), 6);
    const tl = new TrackedSource(synthTimeline(100, 5, 10));
    await expectCode(drain(new ResampleOp(tl, src, { prefixKeys: ['p'], on: 'v', method: 'mean', columns: ['w'] }), ctxOf(src)), 'cancelled');
    expect(src.closed && tl.closed).toBe(true);
  });

  it('holds a bounded number of rows on long streams', async () => {
    // 200k source rows (2000 per parent, on = position / 100) onto 100 parents × 30 steps of 0.75.
    const src = new ValuesOp(synthSchema, synthBatches(200_000, 1000, 2000).map(withOn), { keys: ['p', '_pos'] });
    const op = new ResampleOp(synthTimeline(100, 30, 1000), src, { prefixKeys: ['p'], on: 'v', method: 'mean', columns: ['w'] });
    expect(await drain(op, { batchRows: 1024 })).toBe(3000);
    expect(op.metrics.rowsIn).toBe(203_000);
    expect(op.metrics.peakRowsHeld).toBeLessThanOrEqual(1000 + 1000 + 2 * 1024);
  });
});

function makeF64(values: Float64Array): Data {
  return makeData({ type: f64, length: values.length, data: values });
}

/** Replaces v (row number, some nulls) with a non-decreasing time per parent: position / 100. */
function withOn(b: RecordBatch): RecordBatch {
  const pos = b.data.children[1]!.values as BigUint64Array;
  return batchOf(synthSchema, [b.data.children[0]!, b.data.children[1]!, makeF64(Float64Array.from(pos, (x) => Number(x) / 100)), b.data.children[3]!], b.numRows);
}
