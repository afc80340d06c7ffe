/**
 * Zone-map verdicts must agree with row-by-row evaluation: 'none' ⇒ no row matches, 'all' ⇒
 * every row matches. Checked against a naive reference on random zones (fast-check).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  and, compare, eq, evalRow, evalZone, ge, gt, isIn, isNotNull, isNull, le, lt, ne, not, or,
  type Predicate, type ZoneStats,
} from '../../storage/vortex/predicate.js';

const value = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constant(null));
const lit = fc.integer({ min: -6, max: 6 });

const leaf: fc.Arbitrary<Predicate> = fc.oneof(
  fc.tuple(fc.constantFrom(eq, ne, lt, le, gt, ge), fc.constantFrom('x', 'y'), lit).map(([f, c, v]) => f(c, v)),
  fc.constantFrom('x', 'y').map(isNull),
  fc.constantFrom('x', 'y').map(isNotNull),
  fc.tuple(fc.constantFrom('x', 'y'), fc.array(lit, { minLength: 1, maxLength: 3 })).map(([c, v]) => isIn(c, v)),
);
const predicate: fc.Arbitrary<Predicate> = fc.letrec<{ p: Predicate }>((tie) => ({
  p: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('p'), { minLength: 1, maxLength: 3 }).map((a) => and(...a)),
    fc.array(tie('p'), { minLength: 1, maxLength: 3 }).map((a) => or(...a)),
    tie('p').map(not),
  ),
})).p;

function stats(values: (number | null)[]): ZoneStats {
  const nn = values.filter((v): v is number => v !== null);
  return {
    rows: values.length,
    nullCount: values.length - nn.length,
    min: nn.length ? Math.min(...nn) : null,
    max: nn.length ? Math.max(...nn) : null,
  };
}

describe('zone-map verdicts', () => {
  it('agree with row evaluation', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(value, value), { minLength: 1, maxLength: 12 }),
        predicate,
        (rows, p) => {
          const xs = rows.map((r) => r[0]), ys = rows.map((r) => r[1]);
          const zone = { x: stats(xs), y: stats(ys) } as Record<string, ZoneStats>;
          const verdict = evalZone(p, (c) => zone[c]);
          const results = rows.map(([x, y]) => evalRow(p, (c) => (c === 'x' ? x : y)));
          if (verdict === 'none') expect(results.every((r) => r !== true)).toBe(true);
          if (verdict === 'all') expect(results.every((r) => r === true)).toBe(true);
        },
      ),
      { numRuns: 5000, seed: 42 },
    );
  });

  it('compares mixed number and bigint values', () => {
    expect(compare(3n, 2.5)).toBe(1);
    expect(compare(2, 2n)).toBe(0);
    expect(compare(Number.NaN, 1)).toBe(1);
  });

  it('follows SQL null semantics per row', () => {
    expect(evalRow(gt('x', 1), () => null)).toBe(null);
    expect(evalRow(or(gt('x', 1), eq('x', null)), () => 5)).toBe(true);
    expect(evalRow(and(gt('x', 1), eq('x', null)), () => 5)).toBe(null);
    expect(evalRow(not(isNull('x')), () => 0)).toBe(true);
  });
});
