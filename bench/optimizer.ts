/**
 * `npm run bench:optimizer`: what the collection planner's choices are worth, each measured on
 * and off in one run over a generated recordings dataset (scenes ⊃ clips ⊃ frames/detections):
 *
 *  1. sideways information passing: clips whose detections reach 0.99 confidence (≈1%), their
 *     frames — bytes read from the frames collection with and without seeks, next to a full scan;
 *  2. filter pushdown into storage: a selective clip filter evaluated in storage (zone maps) vs
 *     after the joins;
 *  3. zip vs forced join: frames and detections resampled onto one timeline.
 *
 * EXPLAIN DATA's predicted bytes are printed next to the actual bytes. Sizes: GYRE_BENCH_SCENES
 * (default 100), 5 clips per scene, 900 frames and 10 detections per clip; each frame's `rgb` is
 * GYRE_BENCH_RGB_BYTES (default 2048) incompressible bytes, the size of a small JPEG thumbnail
 * (with tiny, compressible frames the key columns dominate what a seek must read: see the
 * README's optimizer section). Exactly 1% of the clips (at random) have a detection at 0.99.
 * Data is generated once into bench/data/optimizer-<scenes>-<rgb bytes>.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { Binary, Float32, Float64, tableFromArrays, Utf8, vectorFromArray } from 'apache-arrow';

import { timeline } from '../logical/fluent.js';
import { datasetSchema, keyed, positional, scalar } from '../logical/schema.js';
import { Dataset, type DatasetScan } from '../index.js';
import type { Explained } from '../physical/explain.js';
import { call } from '../native/index.js';
import { open } from '../storage/tables/catalog.js';

const SCENES = Number(process.env.GYRE_BENCH_SCENES ?? 100);
const RGB = Number(process.env.GYRE_BENCH_RGB_BYTES ?? 2048);
const CLIPS = 5, FRAMES = 900, DETS = 10, BLOCKS = 8;

const schema = datasetSchema('recordings', {
  scenes: keyed(new Utf8(), {
    location: scalar(new Utf8()),
    clips: keyed(new Utf8(), {
      duration: scalar(new Float64()),
      frames: positional({ rgb: scalar(new Binary()), brightness: scalar(new Float32()) }),
      detections: positional({ confidence: scalar(new Float32()), ts: scalar(new Float64()) }),
    }),
  }),
});

/** Deterministic pseudo-random numbers in [0, 1). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => ((x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0) / 2 ** 32);
}

async function generate(dir: string): Promise<void> {
  const db = await open(dir);
  const ds = await Dataset.open(db, 'recordings', { schema });
  const rand = rng(42);
  // Exactly 1% of the clips (at least one), at random, are "hot".
  const clipsTotal = SCENES * CLIPS;
  const hot = new Set<number>();
  while (hot.size < Math.max(1, Math.round(clipsTotal / 100))) hot.add(Math.floor(rand() * clipsTotal));
  const per = Math.ceil(SCENES / BLOCKS);
  const sid = (s: number): string => `s${String(s).padStart(5, '0')}`;
  for (let b = 0; b < BLOCKS; b++) {
    const scenes = Array.from({ length: Math.min(per, SCENES - b * per) }, (_, i) => b * per + i);
    if (scenes.length === 0) break;
    await ds.write('scenes', tableFromArrays({ _id: scenes.map(sid), location: scenes.map((s) => ['downtown', 'highway', 'park'][s % 3]!) }));
    const clipScene = scenes.flatMap((s) => Array.from({ length: CLIPS }, () => sid(s)));
    const clipIds = scenes.flatMap(() => Array.from({ length: CLIPS }, (_, c) => `c${c}`));
    await ds.write('scenes.clips', tableFromArrays({ 'scenes._id': clipScene, _id: clipIds, duration: Float64Array.from(clipIds, () => 30) }));
    const n = clipScene.length * FRAMES;
    const rgb = Array.from({ length: n }, () => {
      const a = new Uint8Array(RGB);
      for (let k = 0; k < RGB; k += 4) {
        const x = (rand() * 2 ** 32) >>> 0;
        a[k] = x;
        a[k + 1] = x >>> 8;
        a[k + 2] = x >>> 16;
        a[k + 3] = x >>> 24;
      }
      return a;
    });
    await ds.write(
      'scenes.clips.frames',
      tableFromArrays({
        'scenes._id': clipScene.flatMap((s) => Array.from({ length: FRAMES }, () => s)),
        'clips._id': clipIds.flatMap((c) => Array.from({ length: FRAMES }, () => c)),
        _pos: BigUint64Array.from({ length: n }, (_, i) => BigInt(i % FRAMES)),
        rgb: vectorFromArray(rgb, new Binary()) as unknown as Uint8Array[],
        brightness: Float32Array.from({ length: n }, () => rand()),
      }),
    );
    const d = clipScene.length * DETS;
    await ds.write(
      'scenes.clips.detections',
      tableFromArrays({
        'scenes._id': clipScene.flatMap((s) => Array.from({ length: DETS }, () => s)),
        'clips._id': clipIds.flatMap((c) => Array.from({ length: DETS }, () => c)),
        _pos: BigUint64Array.from({ length: d }, (_, i) => BigInt(i % DETS)),
        // The hot clips have one detection at 0.99 or above.
        confidence: Float32Array.from({ length: d }, (_, i) => (i % DETS === 0 && hot.has(b * per * CLIPS + Math.floor(i / DETS)) ? 0.995 : rand() * 0.98)),
        ts: Float64Array.from({ length: d }, (_, i) => (i % DETS) * 3),
      }),
    );
  }
  await ds.close();
}

interface Run {
  ms: number;
  rows: number;
  bytes: number;
  reads: number;
  predicted: number;
}

/** Runs a scan under EXPLAIN DATA ANALYZE; reads of the collection `coll` (or all). */
async function measure(scan: DatasetScan, sideways: boolean, coll?: string): Promise<Run> {
  const t0 = performance.now();
  const e: Explained = await scan.explain({ analyze: true, data: true, sideways, format: 'json' });
  const ms = performance.now() - t0;
  const rs = e.reads!.filter((r) => !coll || r.collection.endsWith(coll));
  return {
    ms,
    rows: e.plan.metrics!.rowsOut,
    bytes: rs.reduce((n, r) => n + r.actualBytes, 0),
    reads: rs.reduce((n, r) => n + r.actualGets, 0),
    predicted: rs.reduce((n, r) => n + r.predictedBytes, 0),
  };
}

const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(2)} MiB`;

async function main(): Promise<void> {
  const dir = join('bench', 'data', `optimizer-${SCENES}-${RGB}`);
  if (!existsSync(join(dir, 'catalog'))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const t0 = performance.now();
    await generate(dir);
    console.log(`generated ${SCENES} scenes, ${SCENES * CLIPS} clips, ${SCENES * CLIPS * FRAMES} frames, ${SCENES * CLIPS * DETS} detections in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  // Every measurement opens the dataset anew with an empty decoded-segment cache (cold reads).
  const fresh = async (): Promise<Dataset<NonNullable<(typeof schema)['__roots']>>> => {
    const cap = call((n) => n.segmentCache()).capacity;
    call((n) => n.segmentCache(0));
    call((n) => n.segmentCache(cap));
    return Dataset.open(await open(dir), 'recordings', { schema });
  };
  const rows: string[][] = [['query', 'variant', 'rows', 'time', 'bytes read', 'reads', 'predicted bytes', 'predicted/actual']];
  const add = (q: string, v: string, r: Run): void => {
    rows.push([q, v, String(r.rows), `${r.ms.toFixed(0)} ms`, mb(r.bytes), String(r.reads), mb(r.predicted), r.bytes ? (r.predicted / r.bytes).toFixed(3) : 'n/a']);
  };

  // 1. Sideways information passing.
  let ds = await fresh();
  const { scenes } = ds.collections;
  const full = await measure(ds.scan([scenes.clips.frames.rgb]), false, '.frames');
  add('full frames scan', '-', full);
  await ds.close();
  const hot = (d: typeof ds): DatasetScan => {
    const clips = d.collections.scenes.clips;
    return d.scan([clips.where(clips.detections.confidence.max().ge(0.99)).frames.rgb]);
  };
  ds = await fresh();
  const sipOff = await measure(hot(ds), false, '.frames');
  add('frames of 1% clips', 'SIP off', sipOff);
  await ds.close();
  ds = await fresh();
  const sipOn = await measure(hot(ds), true, '.frames');
  add('frames of 1% clips', 'SIP on', sipOn);
  await ds.close();

  // 2. Filter pushdown (push-down-level-filters, filters-into-storage, key-seeks) on vs off: a 1% scene filter; SIP off in both (it would find the same rows at run time).
  const sel = (d: typeof ds, pushdown: boolean): DatasetScan => {
    const s = d.collections.scenes;
    const rules = pushdown ? {} : { disabled: ['push-down-level-filters', 'filters-into-storage', 'key-seeks'] };
    return d.scan([s.where(s._id.ge(`s${String(SCENES - Math.max(1, Math.round(SCENES / 100))).padStart(5, '0')}`)).clips.frames.brightness], { rules });
  };
  ds = await fresh();
  const pdOff = await measure(sel(ds, false), false);
  add('frames of 1% scenes', 'pushdown off', pdOff);
  await ds.close();
  ds = await fresh();
  const pdOn = await measure(sel(ds, true), false);
  add('frames of 1% scenes', 'pushdown on', pdOn);
  await ds.close();

  // 3. Zip vs forced join (frames and detections resampled to 10 fps).
  const resampled = (d: typeof ds, zip: boolean): DatasetScan => {
    const clips = d.collections.scenes.clips;
    const tl = timeline({ fps: 10, stop: clips.duration });
    return d.scan(
      [{ b: clips.frames.brightness.resample(tl, { on: clips.frames._pos.div(30), method: 'mean' }), c: clips.detections.confidence.resample(tl, { on: clips.detections.ts, method: 'max' }) }],
      { rules: { zip } },
    );
  };
  ds = await fresh();
  const join_ = await measure(resampled(ds, false), true);
  add('resample frames+detections', 'forced join', join_);
  await ds.close();
  ds = await fresh();
  const zip = await measure(resampled(ds, true), true);
  add('resample frames+detections', 'zip', zip);
  await ds.close();

  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));
  console.log('');
  console.log(`SIP: frames bytes ${mb(sipOn.bytes)} = ${((sipOn.bytes / full.bytes) * 100).toFixed(2)}% of the full scan (target ≤ 2% plus fragment overhead); vs SIP off ${(sipOff.bytes / Math.max(1, sipOn.bytes)).toFixed(1)}× more bytes; time ${(sipOff.ms / sipOn.ms).toFixed(2)}× faster with SIP`);
  console.log(`pushdown: ${(pdOff.ms / pdOn.ms).toFixed(2)}× faster, ${(pdOff.bytes / Math.max(1, pdOn.bytes)).toFixed(1)}× fewer bytes`);
  console.log(`zip vs forced join: ${(join_.ms / zip.ms).toFixed(2)}× faster`);
  console.log(
    `EXPLAIN DATA predicted/actual: full ${(full.predicted / full.bytes).toFixed(3)}, 1% clips without SIP ${(sipOff.predicted / sipOff.bytes).toFixed(3)}, 1% scenes ${(pdOn.predicted / pdOn.bytes).toFixed(3)} (pushdown off ${(pdOff.predicted / pdOff.bytes).toFixed(3)}), zip ${(zip.predicted / zip.bytes).toFixed(3)} (the forecast cannot know which clips a reduction keeps: with SIP it is an upper bound, ${(sipOn.predicted / sipOn.bytes).toFixed(1)}× the actual)`,
  );
}

await main();
