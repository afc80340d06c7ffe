import { Schema } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { batchOf } from '../../physical/batches.js';
import { ValuesOp } from '../../physical/values.js';
import { ZipOp } from '../../physical/zip.js';
import {
  arbSizes, arbTree, ctxOf, DET_KEYS, detRows, detSchema, drain, expectCode, plain, type Row, rowsOf, run, source, synthBatches,
  synthSchema, TrackedSource,
} from './helpers.js';

const keyFields = detSchema.fields.slice(0, 3);
const leftSchema = new Schema([...keyFields, ...detSchema.fields.filter((f) => f.name === 'confidence' || f.name === 'ts')]);
const rightSchema = new Schema([...keyFields, ...detSchema.fields.filter((f) => f.name === 'label' || f.name === 'count')]);

describe('ZipOp', () => {
  it('walks two identically keyed streams in lockstep whatever their batch boundaries', async () => {
    await fc.assert(
      fc.asyncProperty(arbTree(), arbSizes, arbSizes, fc.integer({ min: 1, max: 12 }), async (tree, ls, rs, batchRows) => {
        const rows = detRows(tree);
        const op = new ZipOp(source(leftSchema, rows, ls, DET_KEYS), source(rightSchema, rows, rs, DET_KEYS));
        const out = await run(op, { batchRows });
        expect(op.schema.names).toEqual([...DET_KEYS, 'confidence', 'ts', 'label', 'count']);
        const expected = rows.map((r) => plain({ 'scenes._id': r['scenes._id'], 'clips._id': r['clips._id'], _pos: r._pos, confidence: r.confidence, ts: r.ts, label: r.label, count: r.count }, ['_pos', 'count']));
        expect(rowsOf(out)).toEqual(expected);
        expect(op.metrics.rowsIn).toBe(2 * rows.length);
      }),
      { seed: 3001, numRuns: 100 },
    );
  });

  it('fails with misaligned-input when one side has a key the other lacks', async () => {
    await fc.assert(
      fc.asyncProperty(arbTree(), arbSizes, arbSizes, fc.nat(), fc.boolean(), async (tree, ls, rs, pick, dropLeft) => {
        const rows = detRows(tree);
        fc.pre(rows.length > 0);
        const fewer = rows.filter((_, i) => i !== pick % rows.length);
        const op = new ZipOp(source(leftSchema, dropLeft ? fewer : rows, ls, DET_KEYS), source(rightSchema, dropLeft ? rows : fewer, rs, DET_KEYS));
        await expectCode(drain(op), 'misaligned-input');
      }),
      { seed: 3002, numRuns: 60 },
    );
  });

  it('fails with unsorted-input on out-of-order or duplicate keys', async () => {
    const rows: Row[] = [0, 1, 2, 3].map((p) => ({ 'scenes._id': 's', 'clips._id': 1, _pos: p, confidence: null, ts: null, label: null, count: null }));
    const swapped = [rows[0]!, rows[2]!, rows[1]!, rows[3]!];
    for (const sizes of [[1], [2], [4]]) {
      await expectCode(drain(new ZipOp(source(leftSchema, swapped, sizes, DET_KEYS), source(rightSchema, swapped, [3], DET_KEYS))), 'unsorted-input');
    }
    const dup = [rows[0]!, rows[1]!, rows[1]!];
    await expectCode(drain(new ZipOp(source(leftSchema, dup, [1], DET_KEYS), source(rightSchema, dup, [2], DET_KEYS))), 'unsorted-input');
  });

  it('checks its inputs at construction', () => {
    const l = source(leftSchema, [], [1], DET_KEYS);
    expect(() => new ZipOp(l, source(leftSchema, [], [1], DET_KEYS))).toThrow(/both inputs have a column "confidence"/);
    expect(() => new ZipOp(l, source(rightSchema, [], [1], DET_KEYS.slice(0, 2)))).toThrow(/different keys/);
    const z = new ZipOp(l, source(rightSchema, [], [1], DET_KEYS));
    expect(z.withChildren(z.children).schema.names).toEqual(z.schema.names);
    expect(z.requiredInputOrdering()).toEqual([{ keys: DET_KEYS }, { keys: DET_KEYS }]);
  });

  it('is cancelled through the signal and closes both children', async () => {
    const l = new TrackedSource(new ValuesOp(synthSchema, synthBatches(1000, 10, 3), { keys: ['p', '_pos'] }), 4);
    const rSchema = new Schema(synthSchema.fields.slice(0, 2));
    const rBatches = synthBatches(1000, 7, 3).map((b) => b.select(['p', '_pos']));
    const r = new TrackedSource(new ValuesOp(rSchema, rBatches, { keys: ['p', '_pos'] }));
    await expectCode(drain(new ZipOp(l, r), ctxOf(l)), 'cancelled');
    expect(l.closed && r.closed).toBe(true);
  });

  it('closes both children when the consumer stops early', async () => {
    const l = new TrackedSource(new ValuesOp(synthSchema, synthBatches(100, 10, 3), { keys: ['p', '_pos'] }));
    const r = new TrackedSource(new ValuesOp(new Schema(synthSchema.fields.slice(0, 2)), synthBatches(100, 7, 3).map((b) => b.select(['p', '_pos'])), { keys: ['p', '_pos'] }));
    for await (const b of new ZipOp(l, r).execute({ batchRows: 5 })) {
      expect(b.numRows).toBeGreaterThan(0);
      break;
    }
    expect(l.closed && r.closed).toBe(true);
    expect(l.pulled).toBeLessThan(10);
  });

  it('holds a bounded number of rows on a long stream with misaligned batches', async () => {
    const rSchema = new Schema([...synthSchema.fields.slice(0, 2), synthSchema.fields[3]!.clone({ name: 'w2' })]);
    const rBatches = synthBatches(200_000, 999, 4).map((b) => batchOf(rSchema, [0, 1, 3].map((k) => b.data.children[k]!), b.numRows));
    const op = new ZipOp(new ValuesOp(synthSchema, synthBatches(200_000, 1000, 4), { keys: ['p', '_pos'] }), new ValuesOp(rSchema, rBatches, { keys: ['p', '_pos'] }));
    expect(await drain(op, { batchRows: 1024 })).toBe(200_000);
    expect(op.metrics.peakRowsHeld).toBeLessThanOrEqual(1000 + 999 + 1024);
  });
});
