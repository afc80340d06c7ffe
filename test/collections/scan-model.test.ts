/**
 * Whole scans against a naive in-memory reference (fast-check, fixed seed): random trees of
 * scenes ⊃ clips ⊃ detections (fan-out 0..n, null confidences), written as nested records, then
 * queries mixing broadcasts, reductions (to the parent and `per` an ancestor), filtered
 * collections and `where`, compared with the same queries evaluated over plain JS objects.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Float64, Utf8 } from 'apache-arrow';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';

import { type CollectionRef, type ExprRef, timeline } from '../../logical/fluent.js';
import { datasetSchema, keyed, positional, scalar } from '../../logical/schema.js';
import { Dataset } from '../../physical/dataset.js';
import { open } from '../../storage/tables/catalog.js';

interface Det { label: string; confidence: number | null }
interface Clip { _id: string; duration: number; detections: Det[] }
interface Scene { _id: string; location: string; clips: Clip[] }

const schema = datasetSchema('rec', {
  scenes: keyed(new Utf8(), {
    location: scalar(new Utf8()),
    clips: keyed(new Utf8(), {
      duration: scalar(new Float64()),
      detections: positional({ label: scalar(new Utf8()), confidence: scalar(new Float64()) }),
    }),
  }),
});

const detArb = fc.record({ label: fc.constantFrom('car', 'person', 'truck'), confidence: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }) });
const treeArb = fc
  .uniqueArray(fc.integer({ min: 0, max: 30 }), { maxLength: 5 })
  .chain((sids) =>
    fc.tuple(
      ...sids.map((s) =>
        fc.record({
          location: fc.constantFrom('downtown', 'highway', 'park'),
          clips: fc.uniqueArray(fc.integer({ min: 0, max: 30 }), { maxLength: 4 }).chain((cids) =>
            fc.tuple(...cids.map((c) => fc.record({ duration: fc.integer({ min: 1, max: 60 }), detections: fc.array(detArb, { maxLength: 5 }) }).map((r) => ({ _id: `c${String(c).padStart(2, '0')}`, ...r })))),
          ),
        }).map((r) => ({ _id: `s${String(s).padStart(2, '0')}`, ...r })),
      ),
    ),
  );

const byId = <T extends { _id: string }>(xs: T[]): T[] => [...xs].sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));
const round = (x: unknown): unknown => (typeof x === 'number' ? Math.round(x * 1e9) / 1e9 : typeof x === 'bigint' ? Number(x) : Array.isArray(x) ? x.map(round) : x);
const mean = (xs: number[]): number | null => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
const sum = (xs: number[]): number | null => (xs.length ? xs.reduce((a, b) => a + b, 0) : null);
const confs = (c: Clip): number[] => c.detections.map((d) => d.confidence).filter((x): x is number => x !== null);

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('dataset scans vs a naive reference', () => {
  it('broadcasts, reductions, per(), filters', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(treeArb, async (scenesIn) => {
        const dir = mkdtempSync(join(tmpdir(), 'gyre-scanmodel-'));
        dirs.push(dir);
        const db = await open(dir);
        const ds = await Dataset.open(db, `r${n++}`, { schema });
        const scenes: Scene[] = byId(scenesIn.map((s) => ({ ...s, clips: byId(s.clips) })));
        if (scenes.length) await ds.write('scenes', scenes as unknown as Record<string, unknown>[]);
        const sc = ds.collections.scenes!;
        const cl = sc.clips as CollectionRef;
        const de = cl.detections as CollectionRef;
        const f = (c: CollectionRef, k: string): ExprRef => c[k] as ExprRef;
        const got = async (items: Parameters<Dataset['scan']>[0], opts?: Parameters<Dataset['scan']>[1]): Promise<unknown[]> =>
          (await ds.scan(items, opts).toArrow()).toArray().map((r) => Object.values((r as { toJSON(): Record<string, unknown> }).toJSON()).map((v) => round(v && typeof v === 'object' && 'toArray' in v ? Array.from((v as { toArray(): ArrayLike<unknown> }).toArray()) : v)));
        const clips = scenes.flatMap((s) => s.clips.map((c) => ({ s, c })));

        // Clips with scene fields and detection reductions.
        expect(await got([f(cl, 'duration'), f(sc, 'location'), f(de, 'confidence').mean(), f(de, 'confidence').count(), f(de, 'label').list()])).toEqual(
          clips.map(({ s, c }) => round([c.duration, s.location, mean(confs(c)), confs(c).length, c.detections.map((d) => d.label)])),
        );
        // Detections with their clip and scene (broadcast two levels).
        expect(await got([f(de, 'confidence'), f(cl, 'duration'), f(sc, 'location')])).toEqual(
          clips.flatMap(({ s, c }) => c.detections.map((d) => round([d.confidence, c.duration, s.location]))),
        );
        // Per scene: sum over all detections (per), max clip duration, mean of clip means.
        expect(await got([f(sc, 'location'), f(de, 'confidence').per(sc).sum(), f(cl, 'duration').max(), f(de, 'confidence').mean().mean()])).toEqual(
          scenes.map((s) => {
            const all = s.clips.flatMap(confs);
            const means = s.clips.map((c) => mean(confs(c))).filter((x): x is number => x !== null);
            return round([s.location, sum(all), s.clips.length ? Math.max(...s.clips.map((c) => c.duration)) : null, mean(means)]);
          }),
        );
        // A filtered collection in a reduction, and where= with an ancestor predicate.
        const high = de.where(f(de, 'confidence').gt(0.5));
        expect(await got([f(cl, 'duration'), f(high, 'confidence').count()], { where: f(sc, 'location').ne('park') })).toEqual(
          clips.filter(({ s }) => s.location !== 'park').map(({ c }) => round([c.duration, confs(c).filter((x) => x > 0.5).length])),
        );
        await ds.close();
      }),
      { numRuns: 25, seed: 20261122, endOnFailure: true },
    );
  });

  it('timelines, every resample method, and rolling windows', async () => {
    const tsDet = fc.record({ q: fc.integer({ min: 0, max: 28 }), confidence: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }) });
    const clipArb = fc.record({ duration: fc.integer({ min: 1, max: 6 }), dets: fc.array(tsDet, { maxLength: 8 }) });
    const treeTs = fc.array(fc.array(clipArb, { maxLength: 3 }), { maxLength: 3 });
    const fps = 2;
    let n = 0;
    await fc.assert(
      fc.asyncProperty(treeTs, async (tree) => {
        const dir = mkdtempSync(join(tmpdir(), 'gyre-scanmodel-tl-'));
        dirs.push(dir);
        const db = await open(dir);
        const tsSchema = datasetSchema(`t${n}`, {
          scenes: keyed(new Utf8(), {
            clips: keyed(new Utf8(), {
              duration: scalar(new Float64()),
              detections: positional({ ts: scalar(new Float64()), confidence: scalar(new Float64()) }),
            }),
          }),
        });
        const ds = await Dataset.open(db, `t${n++}`, { schema: tsSchema });
        // ts on a quarter-second grid (bin edges and duplicates), sorted within each clip.
        const model = tree.map((clipsIn, si) => ({
          _id: `s${si}`,
          clips: clipsIn.map((c, ci) => ({
            _id: `c${ci}`,
            duration: c.duration,
            detections: [...c.dets].sort((a, b) => a.q - b.q).map((d) => ({ ts: d.q / 4, confidence: d.confidence })),
          })),
        }));
        if (model.length) await ds.write('scenes', model);
        const { scenes } = ds.collections;
        const clips = scenes.clips, dets = clips.detections;
        const tl = timeline({ fps, stop: clips.duration });
        const methods = { first: 'first', ffill: 'ffill', list: 'list', mean: 'mean', sum: 'sum', max: (xs: readonly unknown[]) => xs.reduce<number | null>((m, x) => (x === null ? m : m === null ? (x as number) : Math.max(m, x as number)), null) } as const;
        const items: Record<string, ExprRef> = { time: tl.time };
        for (const [k, m] of Object.entries(methods)) items[k] = dets.confidence.resample(tl, { on: dets.ts, method: m });
        const got = (await ds.scan([items]).toArrow()).toArray().map((r) => {
          const o = (r as { toJSON(): Record<string, unknown> }).toJSON();
          return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, round(v && typeof v === 'object' && 'toArray' in v ? [...(v as unknown as Iterable<unknown>)] : v)]));
        });
        const want: Record<string, unknown>[] = [];
        for (const s of model) {
          for (const c of s.clips) {
            const steps = Math.ceil(c.duration * fps);
            for (let i = 0; i < steps; i++) {
              const lo = i / fps, hi = (i + 1) / fps;
              const inBin = c.detections.filter((d) => d.ts >= lo && d.ts < hi).map((d) => d.confidence);
              const valid = inBin.filter((x): x is number => x !== null);
              const before = c.detections.filter((d) => d.ts <= lo);
              want.push({
                time: lo,
                first: inBin.length ? inBin[0] : null,
                ffill: before.length ? before[before.length - 1]!.confidence : null,
                list: inBin,
                mean: valid.length ? round(valid.reduce((a, b) => a + b, 0) / valid.length) : null,
                sum: valid.length ? valid.reduce((a, b) => a + b, 0) : null,
                max: valid.length ? Math.max(...valid) : null,
              });
            }
          }
        }
        expect(got).toEqual(want);
        // Rolling windows never cross a clip.
        const roll = (await ds.scan([{ r: dets.confidence.rolling({ before: 1, after: 2, agg: 'sum' }) }]).toArrow()).toArray().map((r) => round((r as { r: unknown }).r));
        expect(roll).toEqual(
          model.flatMap((s) =>
            s.clips.flatMap((c) =>
              c.detections.map((_, i) => {
                const w = c.detections.slice(Math.max(0, i - 1), i + 3).map((d) => d.confidence).filter((x): x is number => x !== null);
                return w.length ? w.reduce((a, b) => a + b, 0) : null;
              }),
            ),
          ),
        );
        await ds.close();
      }),
      { numRuns: 30, seed: 20261123, endOnFailure: true },
    );
  });
});
