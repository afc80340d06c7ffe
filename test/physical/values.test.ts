import { tableToIPC } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { collect } from '../../physical/run.js';
import { ValuesOp } from '../../physical/values.js';
import { arbSizes, arbTree, clipSchema, CLIP_KEYS, clipRows, ctxOf, expectCode, rowsOf, run, source, TrackedSource, utf8, field } from './helpers.js';
import { Schema } from 'apache-arrow';

describe('ValuesOp', () => {
  it('yields its rows in order, dropping empty batches', async () => {
    await fc.assert(
      fc.asyncProperty(arbTree(), arbSizes, async (tree, sizes) => {
        const rows = clipRows(tree);
        const op = source(clipSchema, rows, sizes, CLIP_KEYS);
        const out = await run(op);
        expect(rowsOf(out)).toEqual(rows);
        expect(out.every((b) => b.numRows > 0)).toBe(true);
      }),
      { seed: 1001, numRuns: 60 },
    );
  });

  it('collect returns a table of the operator schema, also when empty', async () => {
    const empty = await collect(new ValuesOp(clipSchema, [], { keys: CLIP_KEYS }));
    expect(empty.numRows).toBe(0);
    expect(empty.schema.names).toEqual(clipSchema.names);
    const t = await collect(source(clipSchema, [{ 'scenes._id': 'a', 'clips._id': 1, duration: 2, camera: null }], [1], CLIP_KEYS));
    expect(t.numRows).toBe(1);
    expect(tableToIPC(t).length).toBeGreaterThan(0);
  });

  it('is cancelled through the signal', async () => {
    const rows = Array.from({ length: 10 }, (_, i) => ({ 'scenes._id': 'a', 'clips._id': i, duration: i, camera: null }));
    const ac = new AbortController();
    const op = source(clipSchema, rows, [1], CLIP_KEYS);
    const seen: number[] = [];
    const p = (async () => {
      for await (const b of op.execute({ batchRows: 4, signal: ac.signal })) {
        seen.push(b.numRows);
        if (seen.length === 3) ac.abort();
      }
    })();
    await expectCode(p, 'cancelled');
    expect(seen.length).toBe(3);
  });

  it('rejects batches of another schema and unknown ordering columns', () => {
    const other = new Schema([field('x', utf8)]);
    const b = source(other, [{ x: 'a' }], [1], []).batches;
    expect(() => new ValuesOp(clipSchema, b, { keys: [] })).toThrow(/batch has columns/);
    expect(() => new ValuesOp(clipSchema, [], { keys: ['nope'] })).toThrow(/no column "nope"/);
  });

  it('TrackedSource helper reports closing', async () => {
    const src = new TrackedSource(source(clipSchema, clipRows([]), [1], CLIP_KEYS));
    await run(src, ctxOf(src));
    expect(src.closed).toBe(true);
  });
});
