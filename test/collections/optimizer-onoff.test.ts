/**
 * The collection optimizer changes how a scan reads, never what it returns: random scans
 * (fast-check, fixed seed) over random trees give identical results with every collection rule
 * on and with all of them off. The scans mix row selections (`get`, `at`), filters on every
 * level (stored fields, ancestor fields, reductions), broadcasts, reductions (with `per` and
 * filtered arguments) and rolling windows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Float64, Utf8 } from 'apache-arrow';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';

import { COLLECTION_RULES, Dataset, datasetSchema, keyed, open, positional, scalar } from '../../index.js';
import type { CollectionRef, ExprRef } from '../../logical/fluent.js';

const schema = datasetSchema('rec', {
  scenes: keyed(new Utf8(), {
    location: scalar(new Utf8()),
    clips: keyed(new Utf8(), {
      duration: scalar(new Float64()),
      detections: positional({ label: scalar(new Utf8()), confidence: scalar(new Float64()) }),
    }),
  }),
});

const sid = (s: number): string => `s${String(s).padStart(2, '0')}`;
const cid = (c: number): string => `c${String(c).padStart(2, '0')}`;
const treeArb = fc.uniqueArray(fc.integer({ min: 0, max: 12 }), { maxLength: 6 }).chain((sids) =>
  fc.tuple(
    ...[...sids].sort((a, b) => a - b).map((s) =>
      fc
        .record({
          location: fc.constantFrom('downtown', 'highway', 'park'),
          clips: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { maxLength: 4 }).chain((cids) =>
            fc.tuple(
              ...[...cids].sort((a, b) => a - b).map((c) =>
                fc
                  .record({
                    duration: fc.integer({ min: 1, max: 60 }),
                    detections: fc.array(fc.record({ label: fc.constantFrom('car', 'person'), confidence: fc.option(fc.integer({ min: 0, max: 10 }).map((x) => x / 10), { nil: null }) }), { maxLength: 5 }),
                  })
                  .map((r) => ({ _id: cid(c), ...r })),
              ),
            ),
          ),
        })
        .map((r) => ({ _id: sid(s), ...r })),
    ),
  ),
);

/** `a` in about a third of the draws, else null. */
const sometimes = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.oneof({ arbitrary: fc.constant(null), weight: 2 }, { arbitrary: a, weight: 1 });

/** A random scan, as choices the test turns into fluent expressions. */
const queryArb = fc.record({
  level: fc.integer({ min: 0, max: 2 }),
  sceneGet: sometimes(fc.uniqueArray(fc.integer({ min: 0, max: 12 }), { minLength: 2, maxLength: 5 })),
  clipGet: sometimes(fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 3 })),
  detAt: sometimes(fc.integer({ min: 0, max: 3 })),
  filters: fc.array(fc.record({ depth: fc.integer({ min: 0, max: 2 }), which: fc.integer({ min: 0, max: 2 }), v: fc.integer({ min: 0, max: 10 }) }), { maxLength: 2 }),
  outputs: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 3 }),
  where: fc.option(fc.integer({ min: 0, max: 10 }), { nil: null }),
});
type Query = typeof queryArb extends fc.Arbitrary<infer T> ? T : never;

/** Soak runs: GYRE_OPTIMIZER_RUNS_SCALE=20. */
const SCALE = Number(process.env.GYRE_OPTIMIZER_RUNS_SCALE ?? 1);

const f = (c: CollectionRef, k: string): ExprRef => c[k] as ExprRef;

/** The fluent scan of a query: its items and `where`. */
function build(ds: Dataset, q: Query): { items: ExprRef[]; where: ExprRef | null } {
  let sc = ds.collections.scenes!;
  if (q.sceneGet) sc = sc.get(q.sceneGet.map(sid));
  const filt = (d: number, c: CollectionRef, cl: CollectionRef | null, de: CollectionRef | null): CollectionRef => {
    let out = c;
    for (const x of q.filters.filter((y) => y.depth === d)) {
      const v = x.v;
      const pred =
        d === 0 ? [f(c, 'location').ne(['downtown', 'highway', 'park'][v % 3]!), f(c, '_id').ge(sid(v)), f(cl!, 'duration').max().gt(v * 6)][x.which]!
        : d === 1 ? [f(c, 'duration').gt(v * 6), f(ds.collections.scenes!, 'location').eq(['downtown', 'park'][v % 2]!), f(de!, 'confidence').count().ge(v % 4)][x.which]!
        : [f(c, 'confidence').gt(v / 10), f(c, 'label').eq(v % 2 ? 'car' : 'person'), f(c, 'confidence').isNull()][x.which]!;
      out = out.where(pred);
    }
    return out;
  };
  sc = filt(0, sc, sc.clips as CollectionRef, null);
  let cl = sc.clips as CollectionRef;
  if (q.clipGet) cl = cl.get(q.clipGet.map(cid));
  cl = filt(1, cl, null, cl.detections as CollectionRef);
  let de = cl.detections as CollectionRef;
  if (q.detAt !== null) de = de.at(q.detAt);
  de = filt(2, de, null, null);
  const pick = [
    [f(sc, 'location'), f(sc, '_id'), f(cl, 'duration').sum(), f(de, 'confidence').per(sc).mean(), f(cl, 'duration').count(), f(de, 'label').per(sc).count()],
    [f(cl, 'duration'), f(sc, 'location'), f(de, 'confidence').max(), f(de.where(f(de, 'confidence').gt(0.5)), 'confidence').count(), f(cl, '_id'), f(de, 'label').list()],
    [f(de, 'confidence'), f(cl, 'duration'), f(sc, 'location'), f(de, 'confidence').rolling({ before: 1, after: 1, agg: 'sum' }), f(de, 'label'), f(de, '_pos')],
  ][q.level]!;
  const items = q.outputs.map((i) => pick[i]!);
  const where = q.where === null ? null : [f(sc, 'location').ne('park'), f(cl, 'duration').lt(q.where * 6), f(de, 'confidence').ge(q.where / 10)][Math.min(q.level, q.where % 3)]!;
  return { items, where };
}

const rowsOf = async (ds: Dataset, q: Query, disabled: readonly string[]): Promise<unknown[]> => {
  const { items, where } = build(ds, q);
  const t = await ds.scan(items, { ...(where ? { where } : {}), rules: { disabled } }).toArrow();
  return t.toArray().map((r) => JSON.stringify((r as { toJSON(): unknown }).toJSON(), (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v && typeof v === 'object' && 'toArray' in v ? Array.from((v as { toArray(): ArrayLike<unknown> }).toArray()) : v)));
};

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('collection optimizer on vs off', () => {
  it('random scans over random trees return the same rows', async () => {
    const all = COLLECTION_RULES.map((r) => r.name);
    let n = 0, nonEmpty = 0;
    await fc.assert(
      fc.asyncProperty(treeArb, fc.array(queryArb, { minLength: 6, maxLength: 6 }), async (scenes, queries) => {
        const dir = mkdtempSync(join(tmpdir(), 'gyre-onoff-'));
        dirs.push(dir);
        const ds = await Dataset.open(await open(dir), `r${n++}`, { schema });
        if (scenes.length) await ds.write('scenes', scenes as unknown as Record<string, unknown>[]);
        for (const q of queries) {
          const on = await rowsOf(ds, q, []);
          const off = await rowsOf(ds, q, all);
          expect(on, `scan ${JSON.stringify(q)}`).toEqual(off);
          if (on.length) nonEmpty++;
          // Each rule alone off, too (a rule may depend on an earlier one having run).
          const one = all[q.outputs[0]! % all.length]!;
          expect(await rowsOf(ds, q, [one]), `scan ${JSON.stringify(q)} without ${one}`).toEqual(off);
        }
        await ds.close();
      }),
      { numRuns: 30 * SCALE, seed: 20261122, endOnFailure: true },
    );
    // The property is only evidence if many scans returned rows.
    expect(nonEmpty).toBeGreaterThan(60 * SCALE);
  });
});
