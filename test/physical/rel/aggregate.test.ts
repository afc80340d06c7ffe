import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { AggregateCall, Plan } from '../../../logical/plan.js';
import { aggregate, aggregateCall, call, col, filter, lit, named, sortKey } from '../../../logical/plan-build.js';
import { expectSameRows, groupEq, type Row, rowsArb, run, runOp, schemaFor, sizes, table } from './helpers.js';

const S = schemaFor('');
const GROUPINGS = [[], ['k'], ['k', 's'], ['x'], ['g'], ['s', 'g']] as const;

const utf8Cmp = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));
const numCmp = (a: number, b: number): number => (Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : Number.isNaN(b) ? -1 : a < b ? -1 : a > b ? 1 : 0);
const cmp = (a: unknown, b: unknown): number =>
  typeof a === 'string' ? utf8Cmp(a, b as string) : typeof a === 'bigint' ? (a < (b as bigint) ? -1 : a > (b as bigint) ? 1 : 0) : numCmp(a as number, b as number);

/** Aggregates under test: the call and its reference over the group's rows. */
function cases(p: Plan): { call: AggregateCall; ref: (rows: readonly Row[]) => unknown }[] {
  const vals = (rows: readonly Row[], c: string): unknown[] => rows.map((r) => r[c]).filter((v) => v !== null);
  const extreme = (c: string, max: boolean) => (rows: readonly Row[]): unknown => {
    const v = vals(rows, c);
    return v.length ? v.reduce((b, x) => ((max ? 1 : -1) * cmp(x, b) > 0 ? x : b)) : null;
  };
  const distinctVals = (rows: readonly Row[], c: string): unknown[] => {
    const out: unknown[] = [];
    for (const v of vals(rows, c)) if (!out.some((o) => groupEq(o, v))) out.push(v);
    return out;
  };
  const sortedBy = (rows: readonly Row[], cols: readonly string[]): Row[] =>
    [...rows].sort((a, b) => {
      for (const c of cols) {
        const x = a[c], y = b[c];
        if (x === null || y === null) {
          if (x !== y) return x === null ? 1 : -1;
          continue;
        }
        const d = cmp(x, y);
        if (d) return d;
      }
      return 0;
    });
  const positive = call('>', [col(p, 'k'), lit(0)]);
  return [
    { call: aggregateCall('count_star', [], 'n'), ref: (r) => BigInt(r.length) },
    { call: aggregateCall('count', [col(p, 'x')], 'cx'), ref: (r) => BigInt(vals(r, 'x').length) },
    { call: aggregateCall('sum', [col(p, 'k')], 'sk'), ref: (r) => (vals(r, 'k').length ? vals(r, 'k').reduce<bigint>((s, v) => s + BigInt(v as number), 0n) : null) },
    { call: aggregateCall('sum', [col(p, 'x')], 'sx'), ref: (r) => (vals(r, 'x').length ? vals(r, 'x').reduce<number>((s, v) => s + (v as number), 0) : null) },
    { call: aggregateCall('avg', [col(p, 'k')], 'ak'), ref: (r) => (vals(r, 'k').length ? vals(r, 'k').reduce<number>((s, v) => s + (v as number), 0) / vals(r, 'k').length : null) },
    { call: aggregateCall('min', [col(p, 'x')], 'mnx'), ref: extreme('x', false) },
    { call: aggregateCall('max', [col(p, 'x')], 'mxx'), ref: extreme('x', true) },
    { call: aggregateCall('min', [col(p, 's')], 'mns'), ref: extreme('s', false) },
    { call: aggregateCall('max', [col(p, 'g')], 'mxg'), ref: extreme('g', true) },
    { call: aggregateCall('count', [col(p, 'k')], 'dk', { distinct: true }), ref: (r) => BigInt(distinctVals(r, 'k').length) },
    { call: aggregateCall('sum', [col(p, 'k')], 'dsk', { distinct: true }), ref: (r) => (distinctVals(r, 'k').length ? distinctVals(r, 'k').reduce<bigint>((s, v) => s + BigInt(v as number), 0n) : null) },
    { call: aggregateCall('count_star', [], 'fn', { filter: positive }), ref: (r) => BigInt(r.filter((x) => (x.k as number) > 0).length) },
    { call: aggregateCall('bool_and', [positive], 'ba'), ref: (r) => (vals(r, 'k').length ? vals(r, 'k').every((v) => (v as number) > 0) : null) },
    { call: aggregateCall('bool_or', [positive], 'bo'), ref: (r) => (vals(r, 'k').length ? vals(r, 'k').some((v) => (v as number) > 0) : null) },
    {
      call: aggregateCall('stddev_samp', [col(p, 'k')], 'sd'),
      ref: (r) => {
        const v = vals(r, 'k') as number[];
        if (v.length < 2) return null;
        const m = v.reduce((s, x) => s + x, 0) / v.length;
        return Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1));
      },
    },
    { call: aggregateCall('list', [col(p, 's')], 'ls', { orderBy: [sortKey(col(p, 's')), sortKey(col(p, 'k'))] }), ref: (r) => (r.length ? sortedBy(r, ['s', 'k']).map((x) => x.s) : null) },
    { call: aggregateCall('string_agg', [col(p, 's'), lit('/')], 'sa', { orderBy: [sortKey(col(p, 's'), { descending: true })] }), ref: (r) => (vals(r, 's').length ? (vals(r, 's') as string[]).sort((a, b) => utf8Cmp(b, a)).join('/') : null) },
    { call: aggregateCall('max', [col(p, 'k')], 'fmk', { filter: positive, distinct: true }), ref: (r) => extreme('k', true)(r.filter((x) => (x.k as number) > 0)) },
  ];
}

function reference(rows: readonly Row[], groups: readonly string[], cs: ReturnType<typeof cases>): Row[] {
  const buckets: { key: Row; rows: Row[] }[] = [];
  for (const r of rows) {
    let b = buckets.find((x) => groups.every((g) => groupEq(x.key[g], r[g])));
    if (!b) buckets.push((b = { key: Object.fromEntries(groups.map((g) => [g, r[g]])), rows: [] }));
    b.rows.push(r);
  }
  if (groups.length === 0 && buckets.length === 0) buckets.push({ key: {}, rows: [] });
  return buckets.map((b) => ({ ...b.key, ...Object.fromEntries(cs.map((c) => [c.call.name, c.ref(b.rows)])) }));
}

describe('HashAggregate matches a Map-based group-by', () => {
  it('every aggregate, grouping, null, NaN, -0 and batch split', async () => {
    await fc.assert(
      fc.asyncProperty(rowsArb('', 40), sizes, fc.constantFrom(...GROUPINGS), async (rows, sz, groups) => {
        const p = table(S, rows, sz);
        const cs = cases(p);
        const agg = aggregate(p, groups.map((g) => named(g, col(p, g))), cs.map((c) => c.call));
        expectSameRows(await run(agg), reference(rows, groups, cs));
      }),
      { numRuns: 150 },
    );
  });

  it('a filter below is fused (prefilter) with the same result', async () => {
    await fc.assert(
      fc.asyncProperty(rowsArb('', 40), sizes, async (rows, sz) => {
        const p = table(S, rows, sz);
        const f = filter(p, call('<>', [col(p, 's'), lit('a')]));
        const cs = cases(f);
        const agg = aggregate(f, [named('k', col(f, 'k'))], cs.map((c) => c.call));
        expectSameRows(await run(agg), reference(rows.filter((r) => r.s !== null && r.s !== 'a'), ['k'], cs));
      }),
      { numRuns: 60 },
    );
  });

  it('global aggregates of empty input give one row', async () => {
    const p = table(S, []);
    const rows = await run(aggregate(p, [], [aggregateCall('count_star', [], 'n'), aggregateCall('sum', [col(p, 'x')], 's')]));
    expect(rows).toEqual([{ n: 0n, s: null }]);
    expect(await run(aggregate(p, [named('k', col(p, 'k'))], [aggregateCall('count_star', [], 'n')]))).toEqual([]);
  });

  it('integer sums are exact beyond 2^53 and overflow is an error', async () => {
    const p = table(S, [{ g: 2n ** 62n }, { g: 2n ** 62n - 1n }, { g: -(2n ** 62n) }, { g: 3n }]);
    expect((await run(aggregate(p, [], [aggregateCall('sum', [col(p, 'g')], 's')])))[0]!.s).toBe(2n ** 62n + 2n);
    const q = table(S, [{ g: 2n ** 62n }, { g: 2n ** 62n }]);
    await expect(run(aggregate(q, [], [aggregateCall('sum', [col(q, 'g')], 's')]))).rejects.toThrow(/Overflow/);
  });

  it('holds the groups, not the input (200k rows, 10 groups)', async () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => ({ k: i % 10, x: i }));
    const p = table(S, rows, [8192]);
    const { rows: out, op } = await runOp(aggregate(p, [named('k', col(p, 'k'))], [aggregateCall('sum', [col(p, 'x')], 's')]));
    expect(out).toHaveLength(10);
    expect(op.metrics.peakRowsHeld).toBeLessThanOrEqual(8192 + 10);
  });
});
