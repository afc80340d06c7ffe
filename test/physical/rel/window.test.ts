import { Int32 } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { FrameBound, WindowFrame } from '../../../logical/plan.js';
import { col, frame, lit, sortKey, window, windowCall, type WindowOptions } from '../../../logical/plan-build.js';
import { groupEq, norm, type Row, run, schemaOf, sizes, table } from './helpers.js';

const I32 = new Int32();
const S = schemaOf({ id: I32, p: I32, k: I32, v: I32 });

const rowsArb = fc.array(
  fc.record({
    p: fc.option(fc.integer({ min: 0, max: 2 }), { nil: null, freq: 6 }),
    k: fc.option(fc.integer({ min: -3, max: 3 }), { nil: null, freq: 6 }),
    v: fc.option(fc.integer({ min: -5, max: 5 }), { nil: null, freq: 5 }),
  }),
  { maxLength: 30 },
).map((rs) => rs.map((r, id) => ({ id, ...r })));

const boundArb: fc.Arbitrary<{ kind: FrameBound['kind']; n: number }> = fc.record({ kind: fc.constantFrom('unbounded_preceding', 'preceding', 'current_row', 'following', 'unbounded_following'), n: fc.nat(3) });
const frameArb = fc
  .record({ mode: fc.constantFrom('rows', 'range', 'groups') as fc.Arbitrary<WindowFrame['mode']>, a: boundArb, b: boundArb })
  .filter(({ a, b }) => {
    const r = ['unbounded_preceding', 'preceding', 'current_row', 'following', 'unbounded_following'];
    return a.kind !== 'unbounded_following' && b.kind !== 'unbounded_preceding' && r.indexOf(a.kind) <= r.indexOf(b.kind);
  });

const toBound = (b: { kind: FrameBound['kind']; n: number }): FrameBound => (b.kind === 'preceding' || b.kind === 'following' ? { kind: b.kind, offset: lit(b.n) } : { kind: b.kind } as FrameBound);

interface Spec {
  desc: boolean;
  nullsFirst: boolean;
  frame: { mode: WindowFrame['mode']; a: { kind: FrameBound['kind']; n: number }; b: { kind: FrameBound['kind']; n: number } } | null;
}

/** Sorted partitions of the rows: [rows in window order]. */
function partitions(rows: readonly Row[], s: Spec): Row[][] {
  const parts: Row[][] = [];
  for (const r of rows) {
    const p = parts.find((x) => groupEq(x[0]!.p, r.p));
    if (p) p.push(r);
    else parts.push([r]);
  }
  const cmp = (a: Row, b: Row): number => {
    const x = a.k as number | null, y = b.k as number | null;
    if (x === null || y === null) return x === y ? 0 : (x === null ? -1 : 1) * (s.nullsFirst ? 1 : -1);
    return (x - y) * (s.desc ? -1 : 1);
  };
  return parts.map((p) => [...p].sort((a, b) => cmp(a, b) || (a.id as number) - (b.id as number)));
}

/** Frame positions [lo, hi) of position i by the definitions of ROWS / RANGE / GROUPS. */
function frameOf(part: readonly Row[], i: number, s: Spec): number[] {
  const peers = (j: number): boolean => groupEq(part[j]!.k, part[i]!.k);
  const idx = part.map((_, j) => j);
  if (!s.frame) return idx.filter((j) => j <= i || peers(j));
  const { mode, a, b } = s.frame;
  const group = (j: number): number => {
    let g = 0;
    for (let t = 1; t <= j; t++) if (!groupEq(part[t]!.k, part[t - 1]!.k)) g++;
    return g;
  };
  const within = (j: number): boolean => {
    const test = (bd: typeof a, isStart: boolean): boolean => {
      if (bd.kind === 'unbounded_preceding' || bd.kind === 'unbounded_following') return true;
      const off = bd.kind === 'current_row' ? 0 : bd.kind === 'preceding' ? -bd.n : bd.n;
      if (mode === 'rows') return isStart ? j >= i + off : j <= i + off;
      if (mode === 'groups' || bd.kind === 'current_row') return isStart ? group(j) >= group(i) + off : group(j) <= group(i) + off;
      // RANGE with an offset: frames are contiguous in sort order; NULL keys sit first or last.
      const ki = part[i]!.k as number | null, kj = part[j]!.k as number | null;
      if (ki === null) return isStart ? group(j) >= group(i) : group(j) <= group(i);
      if (kj === null) return isStart ? !s.nullsFirst : s.nullsFirst;
      const d = (kj - ki) * (s.desc ? -1 : 1);
      return isStart ? d >= off : d <= off;
    };
    return test(a, true) && test(b, false);
  };
  return idx.filter(within);
}

const agg = {
  sum: (vs: (number | null)[]) => (vs.some((v) => v !== null) ? BigInt(vs.reduce<number>((t, v) => t + (v ?? 0), 0)) : null),
  min: (vs: (number | null)[]) => (vs.some((v) => v !== null) ? Math.min(...(vs.filter((v) => v !== null) as number[])) : null),
  count: (vs: (number | null)[]) => BigInt(vs.filter((v) => v !== null).length),
};

describe('Window matches a naive evaluation', () => {
  it('ranking, navigation and framed aggregates', async () => {
    await fc.assert(
      fc.asyncProperty(rowsArb, sizes, fc.boolean(), fc.boolean(), fc.option(frameArb, { nil: null }), async (rows, sz, desc, nullsFirst, fr) => {
        const spec: Spec = { desc, nullsFirst, frame: fr };
        const t = table(S, rows, sz);
        const over: WindowOptions = { partitionBy: [col(t, 'p')], orderBy: [sortKey(col(t, 'k'), { descending: desc, nullsFirst })] };
        const framed: WindowOptions = { ...over, frame: fr ? frame(fr.mode, toBound(fr.a), toBound(fr.b)) : null };
        const calls = [
          windowCall('row_number', [], 'rn', over),
          windowCall('rank', [], 'rk', over),
          windowCall('dense_rank', [], 'dr', over),
          windowCall('percent_rank', [], 'pr', over),
          windowCall('cume_dist', [], 'cd', over),
          windowCall('ntile', [lit(3)], 'nt', over),
          windowCall('lag', [col(t, 'v')], 'lg', over),
          windowCall('lead', [col(t, 'v'), lit(2), lit(-9)], 'ld', over),
          windowCall('sum', [col(t, 'v')], 'sm', framed),
          windowCall('min', [col(t, 'v')], 'mn', framed),
          windowCall('count', [col(t, 'v')], 'ct', framed),
          windowCall('first_value', [col(t, 'v')], 'fv', framed),
          windowCall('last_value', [col(t, 'v')], 'lv', framed),
          windowCall('nth_value', [col(t, 'v'), lit(2)], 'nv', framed),
          windowCall('count_star', [], 'cs', { partitionBy: [col(t, 'p')] }),
        ];
        const out = await run(window(t, calls));
        const expected = new Map<number, Row>();
        for (const part of partitions(rows, spec)) {
          const n = part.length;
          part.forEach((r, i) => {
            const firstPeer = part.findIndex((x) => groupEq(x.k, r.k));
            let lastPeer = firstPeer;
            while (lastPeer + 1 < n && groupEq(part[lastPeer + 1]!.k, r.k)) lastPeer++;
            let dense = 0;
            for (let j = 1; j <= i; j++) if (!groupEq(part[j]!.k, part[j - 1]!.k)) dense++;
            const size = Math.floor(n / 3), rem = n % 3;
            const nt = i < rem * (size + 1) ? Math.floor(i / (size + 1)) + 1 : Math.floor((i - rem * (size + 1)) / Math.max(1, size)) + rem + 1;
            const f = frameOf(part, i, spec).map((j) => part[j]!.v as number | null);
            expected.set(r.id as number, {
              ...r,
              rn: BigInt(i + 1), rk: BigInt(firstPeer + 1), dr: BigInt(dense + 1),
              pr: n > 1 ? firstPeer / (n - 1) : 0, cd: (lastPeer + 1) / n, nt: BigInt(nt),
              lg: i > 0 ? part[i - 1]!.v : null, ld: i + 2 < n ? part[i + 2]!.v : -9,
              sm: agg.sum(f), mn: agg.min(f), ct: agg.count(f),
              fv: f.length ? f[0] : null, lv: f.length ? f[f.length - 1] : null, nv: f.length > 1 ? f[1] : null,
              cs: BigInt(n),
            });
          });
        }
        expect(out.map((r) => norm(r))).toEqual(rows.map((r) => norm(expected.get(r.id as number))));
      }),
      { numRuns: 200 },
    );
  });
});
