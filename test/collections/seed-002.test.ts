/**
 * The collections spec (seed 002) as tests: its recordings dataset, its queries and their shown
 * results, its errors. Data is chosen so each shown table is the true answer.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Binary, Float32, Float64, Utf8 } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type CollectionRef, type ExprRef, timeline } from '../../logical/fluent.js';
import { datasetSchema, formatSchema, keyed, positional, scalar, struct } from '../../logical/schema.js';
import { Dataset, type DatasetScan } from '../../physical/dataset.js';
import { type Database, open } from '../../storage/tables/catalog.js';

const schema = datasetSchema('recordings', {
  scenes: keyed(new Utf8(), {
    location: scalar(new Utf8()),
    clips: keyed(new Utf8(), {
      camera: scalar(new Utf8()),
      start_time: scalar(new Float64()),
      duration: scalar(new Float64()),
      frames: positional({ rgb: scalar(new Binary()), depth: scalar(new Binary()) }, 'one per video frame (e.g. 30fps)'),
      detections: positional({ label: scalar(new Utf8()), confidence: scalar(new Float32()), ts: scalar(new Float64()) }, 'one per detected object (variable rate)'),
      audio: positional({ pcm: scalar(new Binary()), level_db: scalar(new Float32()) }, 'one per chunk (e.g. 512 samples at 16kHz)'),
    }),
    metadata: struct({ weather: scalar(new Utf8()), lighting: scalar(new Utf8()) }),
  }),
  models: keyed(new Utf8(), { name: scalar(new Utf8()), config: struct({ lr: scalar(new Float64()) }) }),
});

const b = (s: string): Uint8Array => new TextEncoder().encode(s);
let dir: string;
let db: Database;
let ds: Dataset;
let scenes: CollectionRef, clips: CollectionRef, frames: CollectionRef, detections: CollectionRef;
const f = (c: CollectionRef, name: string): ExprRef => c[name] as ExprRef;

const rows = async (s: DatasetScan): Promise<Record<string, unknown>[]> =>
  (await s.toArrow()).toArray().map((r) =>
    JSON.parse(JSON.stringify((r as { toJSON(): unknown }).toJSON(), (_, v: unknown) => (v instanceof Uint8Array ? new TextDecoder().decode(v) : typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? Math.round(v * 1e6) / 1e6 : v))) as Record<string, unknown>,
  );

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gyre-seed002-'));
  db = await open(dir);
  ds = await Dataset.open(db, 'recordings', { schema });
  await ds.write('scenes', [
    {
      _id: 's1',
      location: 'downtown',
      metadata: { weather: 'sunny', lighting: 'natural' },
      clips: [
        { _id: 'c1', camera: 'front', start_time: 0, duration: 30, frames: [{ rgb: b('f0'), depth: b('d0') }, { rgb: b('f1'), depth: b('d1') }], detections: [{ label: 'car', confidence: 0.85, ts: 0.05 }] },
        { _id: 'c2', camera: 'front', start_time: 30, duration: 15, frames: [{ rgb: b('f2'), depth: b('d2') }], detections: [{ label: 'person', confidence: 0.92, ts: 30.1 }] },
      ],
    },
    { _id: 's2', location: 'highway', clips: [{ _id: 'c3', camera: 'rear', start_time: 0, duration: 20, frames: [{ rgb: b('f3'), depth: b('d3') }], detections: [{ label: 'truck', confidence: 0.78, ts: 1 }] }] },
  ]);
  await ds.write('models', [{ _id: 'm1', name: 'world-model', config: { lr: 0.001 } }]);
  const c = ds.collections;
  scenes = c.scenes!;
  clips = scenes.clips as CollectionRef;
  frames = clips.frames as CollectionRef;
  detections = clips.detections as CollectionRef;
});

afterAll(async () => {
  await ds.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('seed 002: collections', () => {
  it('prints the schema tree', () => {
    const text = formatSchema(ds.schema);
    expect(text).toContain('├── scenes {_id: utf8}');
    expect(text).toContain('│   │   ├── frames [] one per video frame (e.g. 30fps)');
    expect(text).toContain('└── models {_id: utf8}');
  });

  it('scan of one level', async () => {
    expect(await rows(ds.scan([f(clips, 'duration'), f(clips, 'camera')]))).toEqual([
      { duration: 30, camera: 'front' },
      { duration: 15, camera: 'front' },
      { duration: 20, camera: 'rear' },
    ]);
  });

  it('scan level is the deepest; ancestors broadcast; child reductions', async () => {
    expect(await rows(ds.scan([f(clips, 'duration'), f(scenes, 'location'), f(detections, 'confidence').mean()]))).toEqual([
      { duration: 30, location: 'downtown', confidence_mean: 0.85 },
      { duration: 15, location: 'downtown', confidence_mean: 0.92 },
      { duration: 20, location: 'highway', confidence_mean: 0.78 },
    ]);
  });

  it('implicit broadcasting to frames', async () => {
    expect(await rows(ds.scan([f(frames, 'rgb'), f(clips, 'duration'), f(scenes, 'location')]))).toEqual([
      { rgb: 'f0', duration: 30, location: 'downtown' },
      { rgb: 'f1', duration: 30, location: 'downtown' },
      { rgb: 'f2', duration: 15, location: 'downtown' },
      { rgb: 'f3', duration: 20, location: 'highway' },
    ]);
  });

  it('siblings and unrelated branches are level errors', () => {
    return Promise.all([
      expect(ds.scan([f(frames, 'rgb'), f(detections, 'label')]).toArrow()).rejects.toThrow("cannot scan 'frames' and 'detections' — they are siblings"),
      expect(ds.scan([f(clips, 'duration'), f(ds.collections.models!, 'name')]).toArrow()).rejects.toThrow("'clips' and 'models' share no ancestor path"),
    ]);
  });

  it('reductions: sum, mean, list, count, first, any; per() skips levels', async () => {
    expect(
      await rows(ds.scan([f(scenes, 'location'), f(clips, 'duration').sum(), f(clips, 'duration').mean(), f(clips, 'duration').list(), f(clips, 'duration').count(), f(clips, 'duration').first(), f(clips, 'duration').any((d) => d.gt(25))])),
    ).toEqual([
      { location: 'downtown', duration_sum: 45, duration_mean: 22.5, duration_list: [30, 15], duration_count: 2, duration_first: 30, duration_any: true },
      { location: 'highway', duration_sum: 20, duration_mean: 20, duration_list: [20], duration_count: 1, duration_first: 20, duration_any: false },
    ]);
    const conf = f(detections, 'confidence');
    expect(await rows(ds.scan([f(scenes, 'location'), conf.per(scenes).mean(), conf.mean().list(), conf.count({ per: scenes })]))).toEqual([
      { location: 'downtown', confidence_mean: 0.885, confidence_mean_list: [0.85, 0.92], confidence_count: 2 },
      { location: 'highway', confidence_mean: 0.78, confidence_mean_list: [0.78], confidence_count: 1 },
    ]);
  });

  it('filtered collections; where=; ancestor predicates; filters affect reductions', async () => {
    const long = clips.where(f(clips, 'duration').gt(10));
    const want = [
      { duration: 30, location: 'downtown' },
      { duration: 15, location: 'downtown' },
      { duration: 20, location: 'highway' },
    ];
    expect(await rows(ds.scan([f(long, 'duration'), f(scenes, 'location')]))).toEqual(want);
    expect(await rows(ds.scan([f(clips, 'duration'), f(scenes, 'location')], { where: f(clips, 'duration').gt(10) }))).toEqual(want);
    expect(await rows(ds.scan([f(clips, 'duration')], { where: f(scenes, 'location').eq('downtown') }))).toEqual([{ duration: 30 }, { duration: 15 }]);
    const high = detections.where(f(detections, 'confidence').gt(0.9));
    expect(await rows(ds.scan([f(clips, 'camera'), f(high, 'confidence').count()]))).toEqual([
      { camera: 'front', confidence_count: 0 },
      { camera: 'front', confidence_count: 1 },
      { camera: 'rear', confidence_count: 0 },
    ]);
  });

  it('row selection: a scene, its clips, and a fully specified value', async () => {
    const s1 = scenes.get('s1');
    expect(await rows(ds.scan([f(s1.clips as CollectionRef, 'duration'), f(scenes, 'location')]))).toEqual([
      { duration: 30, location: 'downtown' },
      { duration: 15, location: 'downtown' },
    ]);
    expect(await ds.value(f(s1, 'location'))).toBe('downtown');
    expect(await ds.value(f((s1.clips as CollectionRef).get('c1'), 'duration'))).toBe(30);
    await expect(ds.value(f(scenes, 'location'))).rejects.toMatchObject({ code: 'invalid-argument' });
    expect(await rows(ds.scan([f(scenes.get(['s1', 's2']), 'location')]))).toEqual([{ location: 'downtown' }, { location: 'highway' }]);
  });

  it('bare collections and select(exclude)', async () => {
    expect(await rows(ds.scan([frames, f(clips, 'duration')]))).toEqual([
      { rgb: 'f0', depth: 'd0', duration: 30 },
      { rgb: 'f1', depth: 'd1', duration: 30 },
      { rgb: 'f2', depth: 'd2', duration: 15 },
      { rgb: 'f3', depth: 'd3', duration: 20 },
    ]);
    expect((await rows(ds.scan([frames.select({ exclude: ['depth'] }), f(clips, 'duration')])))[0]).toEqual({ rgb: 'f0', duration: 30 });
  });

  it('writes are upserts; positional collections are replaced whole; all levels commit together', async () => {
    const before = (await ds.scan([f(frames, 'rgb')]).toArrow()).numRows;
    await ds.write('scenes', [{ _id: 's2', location: 'highway_v2', clips: [{ _id: 'c3', camera: 'rear', start_time: 0, duration: 21, frames: [{ rgb: b('g0'), depth: b('h0') }, { rgb: b('g1'), depth: b('h1') }] }] }]);
    expect(await ds.value(f(scenes.get('s2'), 'location'))).toBe('highway_v2');
    expect(await rows(ds.scan([f(scenes.get('s2').clips as CollectionRef, 'duration')]))).toEqual([{ duration: 21 }]);
    const fr = await rows(ds.scan([f(frames, 'rgb'), clips._id]));
    expect(fr.length).toBe(before + 1);
    expect(fr.slice(-2).map((r) => r.rgb)).toEqual(['g0', 'g1']);
  });
});

describe('seed 002: windows', () => {
  it('rolling windows stay within the parent', async () => {
    const rgb = f(frames, 'rgb');
    const got = await rows(ds.scan([rgb, rgb.rolling({ before: 2 })]));
    // Frames of each clip only: the first frame of a clip never sees the previous clip's.
    expect(got.map((r) => r.rgb_rolling)).toEqual([['f0'], ['f0', 'f1'], ['f2'], ['g0'], ['g0', 'g1']]);
    const conf = f(detections, 'confidence');
    expect((await rows(ds.scan([conf.rolling({ before: 2, after: 2, agg: 'mean' })]))).length).toBe(3);
  });
});

describe('seed 002: aligning siblings with a timeline', () => {
  it('frames (30 fps), detections and audio resampled to 10 fps zip into one scan', async () => {
    const d = await Dataset.open(db, 'aligned', {
      schema: datasetSchema('aligned', {
        scenes: keyed(new Utf8(), {
          clips: keyed(new Utf8(), {
            start_time: scalar(new Float64()),
            duration: scalar(new Float64()),
            frames: positional({ rgb: scalar(new Utf8()) }),
            detections: positional({ label: scalar(new Utf8()), confidence: scalar(new Float64()), ts: scalar(new Float64()) }),
            audio: positional({ pcm: scalar(new Utf8()) }),
          }),
        }),
      }),
    });
    // c1: 0.2 s (2 steps at 10 fps), c2 and c3: 0.1 s (1 step). Frames at 30 fps: f0 opens c1's
    // first step, f1 (3rd frame) its second; audio chunks of 512 samples at 16 kHz (32 ms).
    await d.write('scenes', [
      {
        _id: 's1',
        clips: [
          { _id: 'c1', start_time: 5, duration: 0.2, frames: ['f0', 'x', 'x', 'f1', 'x', 'x'].map((rgb) => ({ rgb })), detections: [{ label: 'car', confidence: 0.9, ts: 5.02 }], audio: [{ pcm: 'a0' }, { pcm: 'a1' }, { pcm: 'a2' }, { pcm: 'a3' }] },
          { _id: 'c2', start_time: 0, duration: 0.1, frames: [{ rgb: 'f2' }], detections: [{ label: 'person', confidence: 0.85, ts: 0.05 }], audio: [{ pcm: 'a4' }] },
        ],
      },
      { _id: 's2', clips: [{ _id: 'c3', start_time: 0, duration: 0.1, frames: [{ rgb: 'f3' }], audio: [{ pcm: 'a5' }] }] },
    ]);
    const scenes2 = d.collections.scenes!;
    const cl = scenes2.clips as CollectionRef;
    const fr = cl.frames as CollectionRef, de = cl.detections as CollectionRef, au = cl.audio as CollectionRef;
    const tl = timeline({ fps: 10, stop: f(cl, 'duration') });
    const rgb = f(fr, 'rgb').resample(tl, { on: fr._pos.div(30), method: 'first' });
    const dets = de.resample(tl, { on: f(de, 'ts').sub(f(cl, 'start_time')), method: 'list' });
    const audio = f(au, 'pcm').resample(tl, { on: au._pos.mul(512).div(16000), method: (xs) => xs.join('') });
    const got = await rows(d.scan([cl._id, rgb, dets, audio]));
    expect(got).toEqual([
      { _id: 'c1', rgb: 'f0', detections: [{ label: 'car', confidence: 0.9, ts: 5.02 }], pcm: 'a0a1a2a3' },
      { _id: 'c1', rgb: 'f1', detections: [], pcm: '' },
      { _id: 'c2', rgb: 'f2', detections: [{ label: 'person', confidence: 0.85, ts: 0.05 }], pcm: 'a4' },
      { _id: 'c3', rgb: 'f3', detections: [], pcm: 'a5' },
    ]);
    // Two timelines with the same parameters are different row domains.
    const other = timeline({ fps: 10, stop: f(cl, 'duration') });
    await expect(d.scan([rgb, f(fr, 'rgb').resample(other, { on: fr._pos.div(30) })]).toArrow()).rejects.toMatchObject({ code: 'level-error' });
    await d.close();
  });
});

describe('seed 002: reductions broadcast back down', () => {
  it('a per-scene total next to every clip', async () => {
    const got = await rows(ds.scan([clips._id, f(clips, 'duration'), f(clips, 'duration').sum()]));
    const total = new Map<string, number>();
    for (const r of await rows(ds.scan([scenes._id, f(clips, 'duration').sum()]))) total.set(r._id as string, r.duration_sum as number);
    const parent = new Map((await rows(ds.scan([scenes._id, clips._id]))).map((r) => [r._id_2 as string, r._id as string]));
    expect(got.length).toBe(parent.size);
    for (const r of got) expect(r.duration_sum).toBe(total.get(parent.get(r._id as string)!));
  });
});

describe('seed 002: deleting data', () => {
  it('deletes a clip with its frames and detections, and a whole scene subtree, atomically', async () => {
    const before = await rows(ds.scan([clips._id, f(frames, 'rgb').count(), f(detections, 'label').count()]));
    expect(before.map((r) => r._id)).toContain('c2');
    await ds.delete(['scenes', 'clips'], [['s1', 'c2']]);
    const after = await rows(ds.scan([clips._id]));
    expect(after.map((r) => r._id)).not.toContain('c2');
    expect((await rows(ds.scan([f(frames, 'rgb')]))).map((r) => r.rgb)).not.toContain('f2');
    await ds.delete(['scenes'], [['s2']]);
    expect((await rows(ds.scan([scenes._id]))).map((r) => r._id)).toEqual(['s1']);
    expect((await rows(ds.scan([clips._id]))).map((r) => r._id)).toEqual(['c1']);
    expect((await rows(ds.scan([f(detections, 'label')]))).map((r) => r.label)).toEqual(['car']);
    // Deleting a key that does not exist changes nothing.
    await ds.delete(['scenes'], [['nope']]);
    expect((await rows(ds.scan([scenes._id]))).map((r) => r._id)).toEqual(['s1']);
  });
});

describe('seed 002: scalar writes on fully specified paths', () => {
  it('set() writes one value and keeps the record’s other fields', async () => {
    const c1 = (scenes.get('s1').clips as CollectionRef).get('c1');
    await ds.set(f(c1, 'duration'), 45);
    expect(await ds.value(f(c1, 'duration'))).toBe(45);
    expect(await ds.value(f(c1, 'camera'))).toBe('front');
    await ds.set(f(scenes.get('s1'), 'location'), 'downtown_v2');
    expect(await ds.value(f(scenes.get('s1'), 'location'))).toBe('downtown_v2');
    await expect(ds.set(f(clips, 'duration'), 1)).rejects.toMatchObject({ code: 'invalid-argument' });
  });
});
