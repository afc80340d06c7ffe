import { Float64, Schema, Utf8, type Vector } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { isValid } from '../../physical/batches.js';
import { agg, GroupByOp } from '../../physical/group-by.js';
import { ValuesOp } from '../../physical/values.js';
import {
  arbSizes, arbTree, byteOrder, CLIP_KEYS, ctxOf, DET_KEYS, detRows, detSchema, drain, expectCode, field, i64, type Row, rowsOf, run, SCENE_KEYS,
  source, synthBatches, synthSchema, TrackedSource, u64,
} from './helpers.js';

/** any(confidence > 1), compiled over the values' typed array. */
const above1 = (v: Vector): Uint8Array => {
  const d = v.data[0]!;
  const m = new Uint8Array(d.length);
  for (let i = 0; i < m.length; i++) m[i] = isValid(d, i) && (d.values as Float64Array)[i]! > 1 ? 1 : 0;
  return m;
};

const AGGS = [
  agg.sum('confidence'), agg.mean('confidence'), agg.min('confidence'), agg.max('confidence'), agg.count('label'), agg.countRows('n'),
  agg.first('label'), agg.last('label'), agg.list('confidence'), agg.sum('count'), agg.min('label'), agg.max('label'), agg.min('count'),
  agg.max('count'), agg.sum('_pos'), agg.any('confidence', above1),
  agg.fn('label', (v) => (v.toArray() as (string | null)[]).filter((x) => x !== null).join('|'), new Utf8(), 'labels'),
  agg.mean('count'),
];

/** The reference: a Map-based group-by over plain rows. */
function reference(rows: readonly Row[], keys: readonly string[]): Row[] {
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const k = JSON.stringify(keys.map((c) => r[c]));
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(r);
  }
  return [...groups.values()].map((g) => {
    const vals = (c: string): unknown[] => g.map((r) => r[c] ?? null);
    const nn = (c: string): number[] => vals(c).filter((x) => x !== null) as number[];
    const strs = (c: string): string[] => (vals(c).filter((x) => x !== null) as string[]).sort(byteOrder);
    const sum = (c: string): number | null => (nn(c).length ? nn(c).reduce((s, x) => s + x, 0) : null);
    const big = (c: string): string | null => (nn(c).length ? String(nn(c).reduce((s, x) => s + BigInt(x), 0n)) : null);
    const num = (xs: number[], f: (a: number, b: number) => number): number | null => (xs.length ? xs.reduce((a, b) => f(a, b)) : null);
    const str = (x: number | null): string | null => (x === null ? null : String(x));
    const out: Row = Object.fromEntries(keys.map((k) => [k, g[0]![k]]));
    Object.assign(out, {
      confidence_sum: sum('confidence'),
      confidence_mean: nn('confidence').length ? sum('confidence')! / nn('confidence').length : null,
      confidence_min: num(nn('confidence'), Math.min),
      confidence_max: num(nn('confidence'), Math.max),
      label_count: String(nn('label').length),
      n: String(g.length),
      label_first: g[0]!.label,
      label_last: g[g.length - 1]!.label,
      confidence_list: vals('confidence'),
      count_sum: big('count'),
      label_min: strs('label')[0] ?? null,
      label_max: strs('label').at(-1) ?? null,
      count_min: str(num(nn('count'), Math.min)),
      count_max: str(num(nn('count'), Math.max)),
      _pos_sum: big('_pos'),
      confidence_any: nn('confidence').some((x) => x > 1),
      labels: (vals('label').filter((x) => x !== null) as string[]).join('|'),
      count_mean: nn('count').length ? sum('count')! / nn('count').length : null,
    });
    return out;
  });
}

describe('GroupByOp', () => {
  for (const [name, keys, seed] of [['clips', CLIP_KEYS, 5001], ['scenes (per)', SCENE_KEYS, 5002]] as const) {
    it(`reduces detections to ${name} like a Map-based group-by`, async () => {
      await fc.assert(
        fc.asyncProperty(arbTree(5, 4, 8), arbSizes, fc.integer({ min: 1, max: 5 }), async (tree, sizes, batchRows) => {
          const rows = detRows(tree);
          const op = new GroupByOp(source(detSchema, rows, sizes, DET_KEYS), keys, AGGS);
          const out = rowsOf(await run(op, { batchRows }));
          expect(out).toEqual(reference(rows, keys));
          expect(op.ordering.keys).toEqual(keys);
          expect(op.metrics.rowsIn).toBe(rows.length);
        }),
        { seed, numRuns: 100 },
      );
    });
  }

  it('chooses output types', () => {
    const op = new GroupByOp(source(detSchema, [], [1], DET_KEYS), CLIP_KEYS, AGGS);
    const types = Object.fromEntries(op.schema.fields.map((f) => [f.name, String(f.type)]));
    expect(types).toMatchObject({
      confidence_sum: 'Float64', confidence_mean: 'Float64', confidence_min: 'Float64', label_count: 'Int64', n: 'Int64', label_first: 'Utf8',
      confidence_list: 'List<Float64>', count_sum: 'Int64', _pos_sum: 'Uint64', confidence_any: 'Bool', labels: 'Utf8', count_mean: 'Float64',
    });
  });

  it('sums 64-bit integers exactly, wrapping like int64 on overflow', async () => {
    const schema = new Schema([field('k', u64, false), field('_pos', u64, false), field('x', i64)]);
    const big = [2n ** 62n, 2n ** 62n - 1n, -(2n ** 63n), 12345678901234567n, -1n, 2n ** 53n + 1n];
    const rows = big.map((x, i) => ({ k: i < 3 ? 0 : 1, _pos: i, x }));
    const op = new GroupByOp(source(schema, rows, [2], ['k', '_pos']), ['k'], [agg.sum('x'), agg.min('x'), agg.max('x')]);
    const wrap = (v: bigint): string => String(BigInt.asIntN(64, v));
    expect(rowsOf(await run(op))).toEqual([
      { k: '0', x_sum: wrap(big[0]! + big[1]! + big[2]!), x_min: String(big[2]), x_max: String(big[0]) },
      { k: '1', x_sum: wrap(big[3]! + big[4]! + big[5]!), x_min: '-1', x_max: String(big[3]) },
    ]);
    const over = [2n ** 62n, 2n ** 62n, 2n ** 62n].map((x, i) => ({ k: 0, _pos: i, x }));
    const o = new GroupByOp(source(schema, over, [1], ['k', '_pos']), ['k'], [agg.sum('x')]);
    expect(rowsOf(await run(o))).toEqual([{ k: '0', x_sum: wrap(3n * 2n ** 62n) }]);
  });

  it('orders NaN above every number in min and max', async () => {
    const schema = new Schema([field('k', u64, false), field('_pos', u64, false), field('x', new Float64())]);
    const op = new GroupByOp(source(schema, [1, NaN, -2].map((x, i) => ({ k: 0, _pos: i, x })), [1], ['k', '_pos']), ['k'], [agg.min('x'), agg.max('x')]);
    expect(rowsOf(await run(op))).toEqual([{ k: '0', x_min: -2, x_max: 'NaN' }]);
  });

  it('rejects bad arguments and unsorted input', async () => {
    const dets = source(detSchema, [], [1], DET_KEYS);
    expect(() => new GroupByOp(dets, ['clips._id'], [])).toThrow(/prefix/);
    expect(() => new GroupByOp(dets, [], [])).toThrow(/non-empty prefix/);
    expect(() => new GroupByOp(dets, CLIP_KEYS, [agg.sum('label')])).toThrow(/sum does not apply to Utf8/);
    expect(() => new GroupByOp(dets, CLIP_KEYS, [agg.sum('nope')])).toThrow(/no column "nope"/);
    expect(() => new GroupByOp(dets, CLIP_KEYS, [agg.sum('count'), agg.sum('count')])).toThrow(/two output columns/);
    expect(() => new GroupByOp(dets, CLIP_KEYS, [{ reduce: 'sum' }])).toThrow(/needs a column/);
    const r = (s: string, c: number): Row => ({ 'scenes._id': s, 'clips._id': c, _pos: 0, confidence: 1, ts: 0, label: null, count: null });
    for (const sizes of [[1], [3]]) {
      await expectCode(drain(new GroupByOp(source(detSchema, [r('a', 1), r('b', 1), r('a', 2)], sizes, DET_KEYS), CLIP_KEYS, [agg.countRows()])), 'unsorted-input');
    }
    const g = new GroupByOp(dets, CLIP_KEYS, [agg.countRows()]);
    expect(g.withChildren(g.children).schema.names).toEqual([...CLIP_KEYS, 'count']);
    expect(g.displayParams()).toEqual([['by', '[scenes._id, clips._id]'], ['aggregates', '[count=countRows(*)]']]);
  });

  it('is cancelled through the signal and closes its child', async () => {
    const src = new TrackedSource(new ValuesOp(synthSchema, synthBatches(1000, 10, 3), { keys: ['p', '_pos'] }), 5);
    await expectCode(drain(new GroupByOp(src, ['p'], [agg.sum('v')]), ctxOf(src)), 'cancelled');
    expect(src.closed).toBe(true);
  });

  it('holds a bounded number of rows on a long stream, with groups spanning batches', async () => {
    for (const fanout of [1, 7, 2500]) {
      const op = new GroupByOp(new ValuesOp(synthSchema, synthBatches(200_000, 1000, fanout), { keys: ['p', '_pos'] }), ['p'], [agg.sum('v'), agg.mean('w'), agg.max('v'), agg.first('w'), agg.countRows()]);
      let groups = 0, total = 0;
      for await (const b of op.execute({ batchRows: 1024 })) {
        groups += b.numRows;
        const counts = b.getChild('count')!.toArray() as BigInt64Array;
        for (const c of counts) total += Number(c);
      }
      expect(groups).toBe(Math.ceil(200_000 / fanout));
      expect(total).toBe(200_000);
      expect(op.metrics.peakRowsHeld).toBeLessThanOrEqual(1000 + 2 * 1024);
    }
  });
});
