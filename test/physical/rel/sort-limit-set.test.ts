import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { SortKey } from '../../../logical/plan.js';
import { col, distinct, limit, project, named, setOp, sort, sortKey, unnest, values, lit, call } from '../../../logical/plan-build.js';
import { defaultContext } from '../../../physical/operator.js';
import { expectSameRows, groupEq, norm, type Row, rowKey, rowsArb, run, runOp, schemaFor, sizes, table } from './helpers.js';

const S = schemaFor('');
const COLS = ['k', 's', 'x', 'g'] as const;

const utf8Cmp = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));
function cmpValue(a: unknown, b: unknown): number {
  if (typeof a === 'string') return utf8Cmp(a, b as string);
  if (typeof a === 'bigint') return a < (b as bigint) ? -1 : a > (b as bigint) ? 1 : 0;
  const x = a as number, y = b as number;
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : -1;
  return x < y ? -1 : x > y ? 1 : 0;
}

function refSort(rows: readonly Row[], keys: readonly { c: string; desc: boolean; nullsFirst: boolean }[]): Row[] {
  return rows
    .map((r, i) => [r, i] as const)
    .sort(([a, i], [b, j]) => {
      for (const k of keys) {
        const x = a[k.c], y = b[k.c];
        if (x === null || y === null) {
          if (x === y) continue;
          return (x === null ? -1 : 1) * (k.nullsFirst ? 1 : -1);
        }
        const d = cmpValue(x, y) * (k.desc ? -1 : 1);
        if (d) return d;
      }
      return i - j;
    })
    .map(([r]) => r);
}

const keysArb = fc.array(fc.record({ c: fc.constantFrom(...COLS), desc: fc.boolean(), nullsFirst: fc.boolean() }), { minLength: 1, maxLength: 3 });

describe('Sort', () => {
  it('is stable and orders like Array.sort with SQL rules (NULLS FIRST/LAST, NaN greatest, UTF-8 bytes)', async () => {
    await fc.assert(
      fc.asyncProperty(rowsArb('', 40), sizes, keysArb, async (rows, sz, keys) => {
        const p = table(S, rows.map((r, i) => ({ ...r, id: i })), sz);
        const sk: SortKey[] = keys.map((k) => sortKey(col(p, k.c), { descending: k.desc, nullsFirst: k.nullsFirst }));
        const out = await run(sort(p, sk));
        expect(out.map((r) => rowKey(r, COLS))).toEqual(refSort(rows, keys).map((r) => rowKey(r, COLS)));
      }),
      { numRuns: 150 },
    );
  });

  it('radix path (over 256 rows) agrees with the comparison path', async () => {
    await fc.assert(
      fc.asyncProperty(rowsArb('', 600, 300), keysArb, async (rows, keys) => {
        const p = table(S, rows, [97]);
        const out = await run(sort(p, keys.map((k) => sortKey(col(p, k.c), { descending: k.desc, nullsFirst: k.nullsFirst }))));
        expect(out.map((r) => rowKey(r, COLS))).toEqual(refSort(rows, keys).map((r) => rowKey(r, COLS)));
      }),
      { numRuns: 25 },
    );
  });

  it('LIMIT over a sort is a top-N with offset; memory stays near N', async () => {
    await fc.assert(
      fc.asyncProperty(rowsArb('', 60), sizes, keysArb, fc.nat(10), fc.nat(5), async (rows, sz, keys, n, off) => {
        const p = table(S, rows, sz);
        const out = await run(limit(sort(p, keys.map((k) => sortKey(col(p, k.c), { descending: k.desc, nullsFirst: k.nullsFirst }))), n, off));
        expect(out.map((r) => rowKey(r, COLS))).toEqual(refSort(rows, keys).slice(off, off + n).map((r) => rowKey(r, COLS)));
      }),
      { numRuns: 100 },
    );
    const big = table(S, Array.from({ length: 200_000 }, (_, i) => ({ k: (i * 7919) % 200_000 })), [4096]);
    const { rows, op } = await runOp(limit(sort(big, [sortKey(col(big, 'k'))]), 5), { ...defaultContext(), batchRows: 4096 });
    expect(rows.map((r) => r.k)).toEqual([0, 1, 2, 3, 4]);
    expect(op.children[0]!.metrics.peakRowsHeld).toBeLessThan(3 * 4096);
  });

  it('LIMIT stops pulling its input early', async () => {
    let pulled = 0;
    const rows = Array.from({ length: 1000 }, (_, i) => ({ k: i }));
    const p = table(S, rows, [10]);
    const src = { ...p, open: (signal?: AbortSignal) => (async function* () {
      for await (const b of (p as { open: (s?: AbortSignal) => AsyncIterable<import('apache-arrow').RecordBatch> }).open(signal)) {
        pulled++;
        yield b;
      }
    })() } as typeof p;
    expect(await run(limit(src, 15, 5), { ...defaultContext(), batchRows: 10 })).toHaveLength(15);
    expect(pulled).toBeLessThanOrEqual(3);
  });
});

describe('Distinct and set operations (multiset semantics)', () => {
  const key = (r: Row): string => rowKey(r, COLS);
  const multiset = (rows: readonly Row[]): Map<string, { row: Row; n: number }> => {
    const m = new Map<string, { row: Row; n: number }>();
    for (const r of rows) {
      const k = key(r);
      const e = m.get(k);
      if (e) e.n++;
      else m.set(k, { row: r, n: 1 });
    }
    return m;
  };
  it('DISTINCT keeps first occurrences in order', async () => {
    await fc.assert(
      fc.asyncProperty(rowsArb('', 40), sizes, async (rows, sz) => {
        const p = table(S, rows, sz);
        const q = project(p, [named('k', col(p, 'k')), named('s', col(p, 's'))]);
        const seen: Row[] = [];
        for (const r of rows) if (!seen.some((x) => groupEq(x.k, r.k) && groupEq(x.s, r.s))) seen.push({ k: r.k, s: r.s });
        expect((await run(distinct(q))).map((r) => rowKey(r))).toEqual(seen.map((r) => rowKey(r)));
      }),
      { numRuns: 80 },
    );
  });
  for (const op of ['union', 'intersect', 'except'] as const) {
    for (const all of [false, true]) {
      it(`${op}${all ? ' all' : ''}`, async () => {
        await fc.assert(
          fc.asyncProperty(rowsArb('', 20), rowsArb('', 20), sizes, async (a, b, sz) => {
            // Few distinct rows so that the sides overlap.
            const lim = (rs: Row[]): Row[] => rs.map((r) => ({ k: r.k, s: r.s === null ? null : (Array.from(r.s as string)[0] ?? ""), x: null, g: null }));
            const A = lim(a), B = lim(b);
            const out = await run(setOp(op, all, table(S, A, sz), table(S, B, sz)));
            const ma = multiset(A), mb = multiset(B);
            const expected: Row[] = [];
            const keys = new Set([...ma.keys(), ...mb.keys()]);
            for (const k of keys) {
              const na = ma.get(k)?.n ?? 0, nb = mb.get(k)?.n ?? 0;
              const row = (ma.get(k) ?? mb.get(k))!.row;
              const n = op === 'union' ? (all ? na + nb : 1) : op === 'intersect' ? (all ? Math.min(na, nb) : na && nb ? 1 : 0) : all ? Math.max(0, na - nb) : na && !nb ? 1 : 0;
              for (let i = 0; i < n; i++) expected.push(row);
            }
            expectSameRows(out, expected, COLS);
          }),
          { numRuns: 60 },
        );
      });
    }
  }
});

describe('Unnest and Values', () => {
  it('one row per element, ordinality 1-based, outer keeps empty and NULL lists', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.option(fc.array(fc.option(fc.integer({ min: -5, max: 5 }), { nil: null }), { maxLength: 4 }), { nil: null }), { maxLength: 12 }), fc.boolean(), async (lists, outer) => {
        const v = values(['id', 'l'], lists.map((l, i) => [lit(i), l === null ? lit(null, listI32) : lit(l, listI32)]), [I32t, listI32]);
        const out = await run(unnest(v, col(v, 'l'), 'e', { ordinality: 'o', outer }));
        const expected: Row[] = [];
        lists.forEach((l, i) => {
          if (!l || l.length === 0) {
            if (outer) expected.push({ id: i, e: null });
            return;
          }
          l.forEach((e, j) => expected.push({ id: i, e, o: BigInt(j + 1) }));
        });
        expect(out.map((r) => norm([r.id, r.e]))).toEqual(expected.map((r) => norm([r.id, r.e])));
        expect(out.filter((r) => r.e !== null || !outer).every((r, k) => k >= 0 && typeof r.o === 'bigint')).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
  it('VALUES evaluates constant expressions', async () => {
    const v = values(['a', 'b'], [[call('+', [lit(1), lit(2)]), lit('x')], [lit(null), call('upper', [lit('y')])]]);
    expect(await run(v)).toEqual([{ a: 3, b: 'x' }, { a: null, b: 'Y' }]);
  });
});

import { Int32 } from 'apache-arrow';
import { listType } from '../../../logical/functions.js';
const I32t = new Int32();
const listI32 = listType(I32t);
