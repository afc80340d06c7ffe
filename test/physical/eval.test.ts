/**
 * Compiled level expressions read numeric columns straight from Arrow buffers: checked against
 * Arrow's own per-row reads on sliced columns (offsets, with and without nulls), where a sliced
 * Data's values buffer is already sliced but its validity bits are not.
 */
import { Float64, Int32, makeData, RecordBatch, Schema, Field, Struct, Uint64, vectorFromArray, type DataType } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { Expr, Level } from '../../logical/expr.js';
import { compile } from '../../physical/eval.js';

const level: Level = { dataset: 'd', path: ['t'], filters: [] };
const x: Expr = { kind: 'field', level, path: ['x'] };

function batchOf(type: DataType, values: (number | null)[], from: number, to: number): RecordBatch {
  const big = type instanceof Uint64;
  const v = vectorFromArray(values.map((y) => (y === null ? null : big ? BigInt(y) : y)), type);
  const d = v.data[0]!.slice(from, to - from);
  const schema = new Schema([new Field('t.x', type, true)]);
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: d.length, nullCount: 0, children: [d] }));
}

describe('compiled expressions over sliced numeric columns', () => {
  it('x > c and x + 1 agree with per-row reads (Int32, Float64, Uint64; nulls)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<DataType>(new Int32(), new Float64(), new Uint64()),
        fc.array(fc.option(fc.integer({ min: 0, max: 100 }), { nil: null, freq: 4 }), { minLength: 1, maxLength: 40 }),
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 0, max: 100 }),
        (type, values, a, b, c) => {
          const from = a % values.length, to = from + (b % (values.length - from + 1));
          const batch = batchOf(type, values, from, to);
          const gt = compile({ kind: 'binary', op: '>', left: x, right: { kind: 'literal', value: c } }, () => 't.x')(batch);
          const plus = compile({ kind: 'binary', op: '+', left: x, right: { kind: 'literal', value: 1 } }, () => 't.x')(batch);
          const want = values.slice(from, to);
          const get = (col: typeof gt, i: number): unknown => (col.constant ? col.constant.value : col.values[i]);
          for (let i = 0; i < want.length; i++) {
            expect(get(gt, i)).toBe(want[i] === null ? null : want[i]! > c);
            expect(get(plus, i)).toBe(want[i] === null ? null : want[i]! + 1);
          }
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });
});
