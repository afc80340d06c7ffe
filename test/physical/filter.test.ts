import type { RecordBatch } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { isValid } from '../../physical/batches.js';
import { FilterOp } from '../../physical/filter.js';
import { ValuesOp } from '../../physical/values.js';
import {
  arbSizes, arbTree, ctxOf, DET_KEYS, detRows, detSchema, drain, expectCode, plain, rowsOf, run, source, synthBatches, synthSchema,
  TrackedSource,
} from './helpers.js';

/** confidence > 0 (nulls dropped), compiled over typed arrays. */
const positive = (b: RecordBatch): Uint8Array => {
  const d = b.getChild('confidence')!.data[0]!;
  const v = d.values as Float64Array;
  const m = new Uint8Array(b.numRows);
  for (let i = 0; i < m.length; i++) m[i] = isValid(d, i) && v[i]! > 0 ? 1 : 0;
  return m;
};

describe('FilterOp', () => {
  it('keeps exactly the rows the predicate holds for, in order', async () => {
    await fc.assert(
      fc.asyncProperty(arbTree(), arbSizes, fc.integer({ min: 1, max: 9 }), async (tree, sizes, batchRows) => {
        const rows = detRows(tree);
        const op = new FilterOp(source(detSchema, rows, sizes, DET_KEYS), positive, 'confidence > 0');
        const out = await run(op, { batchRows });
        const expected = rows.filter((r) => r.confidence !== null && (r.confidence as number) > 0).map((r) => plain(r, ['_pos', 'count']));
        expect(rowsOf(out)).toEqual(expected);
        expect(op.metrics.rowsIn).toBe(rows.length);
        expect(op.ordering.keys).toEqual(DET_KEYS);
        expect(op.maintainsInputOrder()).toEqual([true]);
      }),
      { seed: 2001, numRuns: 100 },
    );
  });

  it('accepts constant predicates', async () => {
    const rows = detRows([{ id: 'a', location: null, clips: [{ id: 1, duration: 1, camera: null, dets: [{ pos: 0, confidence: 1, ts: 0, label: null, count: 1 }] }] }]);
    expect(rowsOf(await run(new FilterOp(source(detSchema, rows, [1], DET_KEYS), () => true)))).toHaveLength(1);
    expect(rowsOf(await run(new FilterOp(source(detSchema, rows, [1], DET_KEYS), () => false)))).toHaveLength(0);
    await expectCode(drain(new FilterOp(source(detSchema, rows, [1], DET_KEYS), () => new Uint8Array(5))), 'invalid-argument');
  });

  it('is cancelled through the signal and closes its child', async () => {
    const src = new TrackedSource(new ValuesOp(synthSchema, synthBatches(1000, 10, 3), { keys: ['p', '_pos'] }), 5);
    await expectCode(drain(new FilterOp(src, () => true), ctxOf(src)), 'cancelled');
    expect(src.closed).toBe(true);
    expect(src.pulled).toBeLessThan(10);
  });

  it('holds a bounded number of rows on a long stream', async () => {
    const op = new FilterOp(new ValuesOp(synthSchema, synthBatches(200_000, 1000, 5), { keys: ['p', '_pos'] }), (b) => {
      const w = b.getChild('w')!.data[0]!.values as Int32Array;
      const m = new Uint8Array(b.numRows);
      for (let i = 0; i < m.length; i++) m[i] = w[i] === 3 ? 1 : 0;
      return m;
    });
    expect(await drain(op, { batchRows: 1024 })).toBe(20_000);
    expect(op.metrics.peakRowsHeld).toBeLessThanOrEqual(1000 + 1024);
  });
});
