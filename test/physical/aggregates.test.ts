/**
 * Every reducer over every value type it applies to, against a plain reference: groups (some
 * empty) fed as several add() calls over differently cut input batches (sliced or copied), with
 * take() at random group boundaries.
 */
import { Bool, type Data, type DataType, Float32, Float64, Int8, Int32, Int64, makeVector, Uint32, Uint64, Utf8, type Vector } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { makeAccumulator, type Reducer, reducerType, SelectAcc } from '../../physical/aggregates.js';
import { concatColumn } from '../../physical/batches.js';
import { takeData } from '../../storage/arrow/take.js';
import { dataValue } from '../helpers/arrow-values.js';
import { byteOrder, columnData } from './helpers.js';

type V = number | bigint | string | boolean | null;

interface TypeCase { readonly type: DataType; readonly arb: fc.Arbitrary<V>; readonly kind: 'int' | 'big' | 'ubig' | 'float' | 'str' | 'bool' }
const nullable = (a: fc.Arbitrary<V>): fc.Arbitrary<V> => fc.option(a, { nil: null, freq: 4 });
const TYPES: TypeCase[] = [
  { type: new Int8(), arb: fc.integer({ min: -128, max: 127 }), kind: 'int' },
  { type: new Int32(), arb: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), kind: 'int' },
  { type: new Uint32(), arb: fc.integer({ min: 0, max: 2 ** 32 - 1 }), kind: 'int' },
  { type: new Int64(), arb: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), kind: 'big' },
  { type: new Uint64(), arb: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), kind: 'ubig' },
  { type: new Float32(), arb: fc.float({ noDefaultInfinity: true }).map((x) => Math.fround(x)), kind: 'float' },
  { type: new Float64(), arb: fc.oneof(fc.double(), fc.constant(NaN), fc.integer({ min: -9, max: 9 })), kind: 'float' },
  { type: new Utf8(), arb: fc.string({ maxLength: 4 }), kind: 'str' },
  { type: new Bool(), arb: fc.boolean(), kind: 'bool' },
];

/** The any() predicate of the test: positive numbers, strings longer than 1, true. */
const holds = (x: unknown): boolean => (typeof x === 'string' ? x.length > 1 : typeof x === 'boolean' ? x : (x as number) > 0);
const positive = (v: Vector): Uint8Array => Uint8Array.from({ length: v.length }, (_, i) => (holds(v.get(i)) ? 1 : 0));
const nonNull: Reducer = { fn: (v: Vector) => v.length - v.nullCount, type: new Int32(), name: 'nonNull' };
const REDUCERS: Reducer[] = ['sum', 'mean', 'min', 'max', 'count', 'countRows', 'first', 'last', 'list', { any: positive }, { any: () => true }, nonNull];

const cmp = (kind: TypeCase['kind']) => (a: V, b: V): number => {
  if (kind === 'str') return byteOrder(a as string, b as string);
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
    if (Number.isNaN(b)) return -1;
  }
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
};

/** The reference result of `r` over one group, in dataValue's plain form. */
function reference(r: Reducer, tc: TypeCase, vals: V[]): unknown {
  const nn = vals.filter((v) => v !== null);
  const plain = (v: V): unknown => (v === null ? null : typeof v === 'bigint' ? String(v) : typeof v === 'number' && tc.kind === 'float' ? (Number.isNaN(v) ? 'NaN' : Object.is(v, -0) ? '-0' : v) : v);
  if (typeof r !== 'string') {
    if ('any' in r) return r.any === positive ? nn.some(holds) : nn.length > 0;
    return nn.length;
  }
  switch (r) {
    case 'sum': {
      if (nn.length === 0) return null;
      if (tc.kind === 'float') return plain(nn.reduce<number>((s, x) => s + (x as number), 0));
      const s = nn.reduce<bigint>((s, x) => s + BigInt(x as number), 0n);
      return String(tc.kind === 'ubig' || (tc.kind === 'int' && tc.type instanceof Uint32) ? BigInt.asUintN(64, s) : BigInt.asIntN(64, s));
    }
    case 'mean':
      return nn.length === 0 ? null : plain(nn.reduce<number>((s, x) => s + Number(x), 0) / nn.length);
    case 'min':
    case 'max': {
      if (nn.length === 0) return null;
      const c = cmp(tc.kind);
      return plain(nn.reduce((a, b) => ((r === 'min' ? c(b, a) < 0 : c(b, a) > 0) ? b : a)));
    }
    case 'count':
      return String(nn.length);
    case 'countRows':
      return String(vals.length);
    case 'first':
      return vals.length ? plain(vals[0]!) : null;
    case 'last':
      return vals.length ? plain(vals.at(-1)!) : null;
    case 'list':
      return vals.map(plain);
  }
}

describe('accumulators', () => {
  for (const tc of TYPES) {
    it(`agree with the reference on ${String(tc.type)} values`, async () => {
      const arb = fc.record({
        values: fc.array(nullable(tc.arb), { maxLength: 40 }),
        groups: fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 12 }),
        cuts: fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 6 }),
        takes: fc.array(fc.boolean(), { maxLength: 12 }),
      });
      fc.assert(
        fc.property(arb, ({ values, groups, cuts, takes }) => {
          // Group sizes consume the values in order; the rest is one last group.
          const sizes: number[] = [];
          let used = 0;
          for (const g of groups) {
            if (used + g > values.length) continue;
            sizes.push(g);
            used += g;
          }
          if (used < values.length) sizes.push(values.length - used);
          const whole = columnData(tc.type, values);
          // Input batches: cut points cycle through `cuts`; odd batches are copies (offset 0).
          const batches: { data: Data; start: number }[] = [];
          for (let at = 0, k = 0; at < values.length; k++) {
            const n = Math.min(cuts[k % cuts.length]!, values.length - at);
            const data = k % 2 ? takeData(whole, Uint32Array.from({ length: n }, (_, i) => at + i)) : whole.slice(at, n);
            batches.push({ data, start: at });
            at += n;
          }
          for (const r of REDUCERS) {
            try {
              reducerType(r, tc.type, 'test');
            } catch {
              continue;
            }
            const acc = makeAccumulator(r, tc.type, 'test');
            const out: Data[] = [];
            let row = 0;
            sizes.forEach((size, g) => {
              for (const b of batches) {
                const s = Math.max(row, b.start), e = Math.min(row + size, b.start + b.data.length);
                if (s < e) acc.add(b.data, s - b.start, e - b.start);
              }
              row += size;
              acc.close();
              if (takes[g]) out.push(acc.take());
            });
            out.push(acc.take());
            const got = concatColumn(acc.type, out);
            const expected: unknown[] = [];
            row = 0;
            for (const size of sizes) {
              expected.push(reference(r, tc, values.slice(row, row + size)));
              row += size;
            }
            const actual = Array.from({ length: got.length }, (_, i) => dataValue(got, i));
            const name = typeof r === 'string' ? r : 'any' in r ? 'any' : 'fn';
            expect({ name, actual }).toEqual({ name, actual: expected });
          }
        }),
        { seed: 9000 + TYPES.indexOf(tc), numRuns: 60 },
      );
    });
  }

  it('a sticky last pick (forward fill) survives groups and batches until reset', () => {
    const d = columnData(new Utf8(), ['a', 'b', null, 'c']);
    const acc = new SelectAcc(new Utf8(), 'last', true);
    acc.close(); // nothing yet → null
    acc.add(d.slice(0, 2), 0, 2);
    acc.close(); // b
    acc.close(); // still b
    acc.add(d.slice(2, 2), 0, 0); // a new batch, nothing added: b is carried
    acc.close(); // b
    acc.add(d.slice(2, 2), 0, 1);
    acc.close(); // null (the row's value)
    acc.reset();
    acc.close(); // null after reset
    acc.add(d.slice(2, 2), 1, 2);
    acc.close(); // c
    const got = acc.take();
    expect(Array.from({ length: got.length }, (_, i) => dataValue(got, i))).toEqual([null, 'b', 'b', 'b', null, null, 'c']);
  });

  it('a custom aggregate gets the values as one vector and must return its declared type', () => {
    const acc = makeAccumulator({ fn: (v) => (v.toArray() as Float64Array).join(','), type: new Utf8() }, new Float64(), 'test');
    const d = columnData(new Float64(), [1, 2, 3]);
    acc.add(d.slice(0, 1), 0, 1);
    acc.add(d.slice(1, 2), 0, 2);
    acc.close();
    acc.close();
    expect(makeVector(acc.take()).toArray()).toEqual(['1,2,3', '']);
    const bad = makeAccumulator({ fn: () => 'x', type: new Int32() }, new Float64(), 'test');
    expect(() => bad.close()).toThrow(/returned "x", not a Int32 value/);
  });
});
