import { makeData, Schema } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { batchOf } from '../../physical/batches.js';
import { ExplodeOp } from '../../physical/explode.js';
import { agg, GroupByOp } from '../../physical/group-by.js';
import { ValuesOp } from '../../physical/values.js';
import {
  arbSizes, arbTree, CLIP_KEYS, clipSchema, ctxOf, drain, expectCode, f64, field, listOf, type Row, rowsOf, run, type Scene, source, synthBatches,
  synthSchema, TrackedSource, utf8,
} from './helpers.js';

const schema = new Schema([...clipSchema.fields.slice(0, 3), field('xs', listOf(f64)), field('labels', listOf(utf8))]);

/** Clips with list columns: confidences (null list when the duration is null) and labels. */
const listRows = (tree: readonly Scene[]): Row[] =>
  tree.flatMap((s) =>
    s.clips.map((c) => ({
      'scenes._id': s.id, 'clips._id': c.id, duration: c.duration,
      xs: c.duration === null ? null : c.dets.map((d) => d.confidence),
      labels: c.dets.length % 3 === 2 ? null : c.dets.map((d) => d.label),
    })),
  );

function reference(rows: readonly Row[], col: string): Row[] {
  return rows.flatMap((r) => ((r[col] as unknown[] | null) ?? []).map((x, k) => ({ ...r, [col]: x, _pos: String(k) })));
}

describe('ExplodeOp', () => {
  for (const [col, seed] of [['xs', 6001], ['labels', 6002]] as const) {
    it(`turns each element of ${col} into a row, repeating the other columns`, async () => {
      await fc.assert(
        fc.asyncProperty(arbTree(5, 4, 7), arbSizes, fc.integer({ min: 1, max: 6 }), async (tree, sizes, batchRows) => {
          const rows = listRows(tree);
          const op = new ExplodeOp(source(schema, rows, sizes, CLIP_KEYS), col);
          expect(op.ordering.keys).toEqual([...CLIP_KEYS, '_pos']);
          expect(rowsOf(await run(op, { batchRows }))).toEqual(reference(rows, col));
        }),
        { seed, numRuns: 100 },
      );
    });
  }

  it('is the inverse of list: explode(list(x)) gives back the rows', async () => {
    await fc.assert(
      fc.asyncProperty(arbTree(4, 3, 6), arbSizes, async (tree, sizes) => {
        const rows = listRows(tree).filter((r) => r.xs !== null);
        const exploded = new ExplodeOp(source(schema, rows, sizes, CLIP_KEYS), 'xs');
        const back = new GroupByOp(exploded, CLIP_KEYS, [agg.list('xs')]);
        expect(rowsOf(await run(back))).toEqual(rows.filter((r) => (r.xs as unknown[]).length > 0).map((r) => ({ 'scenes._id': r['scenes._id'], 'clips._id': r['clips._id'], xs_list: r.xs })));
      }),
      { seed: 6003, numRuns: 80 },
    );
  });

  it('skips the elements a null list still spans in its offsets', async () => {
    const s2 = new Schema([field('k', utf8, false), field('xs', listOf(f64))]);
    const keys = source(s2, [{ k: 'a' }, { k: 'b' }, { k: 'c' }], [3], ['k']).batches[0]!.data.children[0]!;
    const child = makeData({ type: f64, length: 5, data: Float64Array.of(1, 2, 3, 4, 5) });
    const xs = makeData({ type: listOf(f64), length: 3, nullCount: 1, nullBitmap: Uint8Array.of(0b101), valueOffsets: Int32Array.of(0, 2, 4, 5), child });
    const op = new ExplodeOp(new ValuesOp(s2, [batchOf(s2, [keys, xs], 3)], { keys: ['k'] }), 'xs');
    expect(rowsOf(await run(op))).toEqual([{ k: 'a', xs: 1, _pos: '0' }, { k: 'a', xs: 2, _pos: '1' }, { k: 'c', xs: 5, _pos: '0' }]);
  });

  it('checks its arguments', () => {
    const src = source(schema, [], [1], CLIP_KEYS);
    expect(() => new ExplodeOp(src, 'duration')).toThrow(/not a list/);
    expect(() => new ExplodeOp(src, 'nope')).toThrow(/no column "nope"/);
    expect(() => new ExplodeOp(src, 'xs', { indexName: 'labels' })).toThrow(/already has a column "labels"/);
    const e = new ExplodeOp(src, 'xs', { indexName: 'i' });
    expect(e.schema.names).toEqual(['scenes._id', 'clips._id', 'duration', 'xs', 'labels', 'i']);
    expect(String(e.schema.fields[3]!.type)).toBe('Float64');
    expect(e.withChildren(e.children).ordering.keys).toEqual([...CLIP_KEYS, 'i']);
  });

  it('is cancelled through the signal and closes its child', async () => {
    const rows = Array.from({ length: 100 }, (_, i) => ({ 'scenes._id': 'a', 'clips._id': i, duration: 1, xs: [1, 2], labels: [] }));
    const src = new TrackedSource(source(schema, rows, [3], CLIP_KEYS), 4);
    await expectCode(drain(new ExplodeOp(src, 'xs'), ctxOf(src)), 'cancelled');
    expect(src.closed).toBe(true);
  });

  it('holds a bounded number of rows on a long stream', async () => {
    // 200k list elements: list(v) per p (fan-out 4) then exploded again.
    const lists = new GroupByOp(new ValuesOp(synthSchema, synthBatches(200_000, 1000, 4), { keys: ['p', '_pos'] }), ['p'], [agg.list('v', 'vs')]);
    const op = new ExplodeOp(lists, 'vs', { indexName: 'i' });
    expect(await drain(op, { batchRows: 1024 })).toBe(200_000);
    expect(op.metrics.peakRowsHeld).toBeLessThanOrEqual(2 * (1024 + 4 * 1024));
  });
});
