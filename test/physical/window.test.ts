import { Float64, type Vector } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { Reducer } from '../../physical/aggregates.js';
import { ValuesOp } from '../../physical/values.js';
import { WindowOp } from '../../physical/window.js';
import {
  arbSizes, arbTree, CLIP_KEYS, ctxOf, DET_KEYS, detRows, detSchema, drain, expectCode, plain, type Row, rowsOf, run, SCENE_KEYS, source,
  synthBatches, synthSchema, TrackedSource,
} from './helpers.js';

const nn = (xs: unknown[]): number[] => xs.filter((x) => x !== null) as number[];
const REF: Record<string, (xs: unknown[]) => unknown> = {
  list: (xs) => xs,
  sum: (xs) => (nn(xs).length ? nn(xs).reduce((s, x) => s + x, 0) : null),
  mean: (xs) => (nn(xs).length ? nn(xs).reduce((s, x) => s + x, 0) / nn(xs).length : null),
  min: (xs) => (nn(xs).length ? nn(xs).reduce((a, b) => Math.min(a, b)) : null),
  max: (xs) => (nn(xs).length ? nn(xs).reduce((a, b) => Math.max(a, b)) : null),
  count: (xs) => String(nn(xs).length),
  first: (xs) => xs[0] ?? null,
  nulls: (xs) => xs.filter((x) => x === null).length,
};
const nulls: Reducer = { fn: (v: Vector) => v.nullCount, type: new Float64(), name: 'nulls' };

function reference(rows: readonly Row[], keys: readonly string[], col: string, before: number, after: number, agg: string, as: string): Row[] {
  const part = (r: Row): string => JSON.stringify(keys.map((k) => r[k]));
  return rows.map((r, i) => {
    const xs: unknown[] = [];
    for (let j = Math.max(0, i - before); j <= Math.min(rows.length - 1, i + after); j++) if (part(rows[j]!) === part(r)) xs.push(rows[j]![col]);
    return plain({ ...r, [as]: REF[agg]!(xs) }, ['_pos', 'count']);
  });
}

const AGGS: [Reducer | undefined, string][] = [[undefined, 'list'], ['sum', 'sum'], ['mean', 'mean'], ['min', 'min'], ['max', 'max'], ['count', 'count'], ['first', 'first'], [nulls, 'nulls']];

describe('WindowOp', () => {
  for (const [keys, seed] of [[CLIP_KEYS, 8001], [SCENE_KEYS, 8002], [[], 8003]] as const) {
    it(`rolls within partitions by ${JSON.stringify(keys)} and never across them`, async () => {
      await fc.assert(
        fc.asyncProperty(arbTree(4, 4, 7), arbSizes, fc.nat(4), fc.nat(4), fc.nat(AGGS.length - 1), async (tree, sizes, before, after, k) => {
          const rows = detRows(tree);
          const [agg, name] = AGGS[k]!;
          const col = name === 'first' || name === 'list' ? (before % 2 ? 'label' : 'confidence') : 'confidence';
          const spec = { column: col, before, after, ...(agg === undefined ? {} : { agg }) };
          const op = new WindowOp(source(detSchema, rows, sizes, DET_KEYS), keys, spec);
          const as = `${col}_${name}`;
          expect(op.schema.names.at(-1)).toBe(as);
          expect(rowsOf(await run(op))).toEqual(reference(rows, keys, col, before, after, name, as));
        }),
        { seed, numRuns: 100 },
      );
    });
  }

  it('checks its arguments and input order', async () => {
    const src = source(detSchema, [], [1], DET_KEYS);
    expect(() => new WindowOp(src, ['clips._id'], { column: 'confidence' })).toThrow(/prefix/);
    expect(() => new WindowOp(src, CLIP_KEYS, { column: 'confidence', before: -1 })).toThrow(/non-negative/);
    expect(() => new WindowOp(src, CLIP_KEYS, { column: 'label', agg: 'mean' })).toThrow(/mean does not apply/);
    expect(() => new WindowOp(src, CLIP_KEYS, { column: 'confidence', as: 'label' })).toThrow(/already has a column "label"/);
    const w = new WindowOp(src, CLIP_KEYS, { column: 'confidence', before: 2 });
    expect(w.withChildren(w.children).schema.names.at(-1)).toBe('confidence_list');
    expect(String(w.schema.fields.at(-1)!.type)).toBe('List<Float64>');
    const r = (s: string, c: number): Row => ({ 'scenes._id': s, 'clips._id': c, _pos: 0, confidence: 1, ts: 0, label: null, count: null });
    await expectCode(drain(new WindowOp(source(detSchema, [r('a', 1), r('b', 1), r('a', 2)], [1], DET_KEYS), CLIP_KEYS, { column: 'confidence' })), 'unsorted-input');
  });

  it('is cancelled through the signal and closes its child', async () => {
    const src = new TrackedSource(new ValuesOp(synthSchema, synthBatches(1000, 10, 3), { keys: ['p', '_pos'] }), 5);
    await expectCode(drain(new WindowOp(src, ['p'], { column: 'v', before: 1, agg: 'sum' }), ctxOf(src)), 'cancelled');
    expect(src.closed).toBe(true);
  });

  it('holds at most before + after + one batch of rows on a long stream', async () => {
    for (const [before, after] of [[3, 2], [12, 20]] as const) {
      const op = new WindowOp(new ValuesOp(synthSchema, synthBatches(200_000, 1000, 5000), { keys: ['p', '_pos'] }), ['p'], { column: 'v', before, after, agg: 'mean' });
      expect(await drain(op, { batchRows: 1024 })).toBe(200_000);
      expect(op.metrics.peakRowsHeld).toBeLessThanOrEqual(before + after + 1000 + 1000);
    }
  });
});
