import { type Data, type RecordBatch, Schema } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { batchOf, concatColumn, Emitter, Grow, NONE, scalarData, takeOrFill } from '../../physical/batches.js';
import { dataValue } from '../helpers/arrow-values.js';
import { columnData, f64, field, i64, listOf, rowsOf, utf8 } from './helpers.js';

const values = (d: Data): unknown[] => Array.from({ length: d.length }, (_, i) => dataValue(d, i));

describe('batch helpers', () => {
  it('Emitter keeps rows and order, passes large pieces through and coalesces small ones', () => {
    const schema = new Schema([field('x', f64)]);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 12 }), { maxLength: 20 }), fc.integer({ min: 1, max: 8 }), (sizes, batchRows) => {
        const e = new Emitter(batchRows);
        const out: RecordBatch[] = [];
        const big = new Set<unknown>();
        let at = 0;
        for (const n of sizes) {
          const piece = batchOf(schema, [columnData(f64, Array.from({ length: n }, (_, i) => at + i))], n);
          if (n >= batchRows) big.add(piece);
          at += n;
          e.push(piece);
          out.push(...e.drain());
          expect(e.heldRows).toBeLessThan(batchRows);
        }
        e.flush();
        out.push(...e.drain());
        expect(rowsOf(out).map((r) => r.x)).toEqual(Array.from({ length: at }, (_, i) => i));
        for (const b of out) expect(big.has(b) || b.numRows < 2 * batchRows).toBe(true);
      }),
      { seed: 9201, numRuns: 200 },
    );
  });

  it('takeOrFill gathers rows, filling NONE with null or the fill value', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.string({ maxLength: 3 }), { nil: null }), { maxLength: 10 }), fc.array(fc.nat(12), { maxLength: 12 }), fc.boolean(), (vs, picks, filled) => {
        const d = vs.length ? columnData(utf8, vs) : null;
        const idx = Uint32Array.from(picks, (p) => (p < vs.length ? p : NONE));
        const got = takeOrFill(utf8, d, idx, filled ? scalarData(utf8, 'fill', 'test') : undefined);
        expect(values(got)).toEqual(Array.from(idx, (p) => (p === NONE ? (filled ? 'fill' : null) : vs[p])));
      }),
      { seed: 9202, numRuns: 200 },
    );
  });

  it('concatColumn handles all-empty parts and lists whose elements are all empty', () => {
    const t = listOf(f64);
    const empty = columnData(t, [[], []]);
    expect(values(concatColumn(t, [empty, empty.slice(1, 1), columnData(t, [null])]))).toEqual([[], [], [], null]);
    expect(concatColumn(f64, [columnData(f64, [])]).length).toBe(0);
    expect(values(concatColumn(t, [columnData(t, [[1], null]).slice(1, 1), columnData(t, [[2, null]])]))).toEqual([null, [2, null]]);
  });

  it('scalarData makes one-row columns and rejects values of another type', () => {
    expect(values(scalarData(i64, 3, 'test'))).toEqual(['3']);
    expect(values(scalarData(listOf(f64), [], 'test'))).toEqual([[]]);
    expect(() => scalarData(i64, 'x', 'fill')).toThrow(/fill: "x" is not a Int64 value/);
  });

  it('Grow appends and drains', () => {
    const g = new Grow(Uint32Array, 1);
    g.pushRange(3, 7);
    g.push(9);
    expect(Array.from(g.drain())).toEqual([3, 4, 5, 6, 9]);
    expect(g.length).toBe(0);
  });
});
