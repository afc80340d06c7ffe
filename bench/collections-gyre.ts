/**
 * One gyre step of `npm run bench:collections`, in a process of its own (so peak RSS is this
 * step's alone). Prints one JSON line.
 *
 *   collections-gyre.ts load   ROOT SCENES   create the dataset; every collection written from Arrow
 *                                            batches (collections-data.ts) in one transaction
 *   collections-gyre.ts nested ROOT SCENES   `ds.write` of nested records (the record API) for SCENES
 *                                            scenes, to measure its rate
 *   collections-gyre.ts a|b    ROOT          query A (broadcast + reduction) or B (resample), with the
 *                                            result's checksum; the checksum's time is not counted
 */
import { Binary, Float32, Float64, Utf8 } from 'apache-arrow';

import { native } from '../native/index.js';
import { type CollectionRef, Dataset, datasetSchema, type ExprRef, keyed, open, positional, scalar, timeline } from '../index.js';
import { addA, addB, type Checksum } from './collections-check.js';
import { audioBatches, clipsBatches, detectionsBatches, framesBatches, nestedRecords, scenesBatches, sizesOf } from './collections-data.js';

export const SCHEMA = datasetSchema('recordings', {
  scenes: keyed(new Utf8(), {
    location: scalar(new Utf8()),
    clips: keyed(new Utf8(), {
      camera: scalar(new Utf8()),
      start_time: scalar(new Float64()),
      duration: scalar(new Float64()),
      frames: positional({ rgb: scalar(new Binary()), brightness: scalar(new Float32()) }, 'one per video frame (30 fps)'),
      detections: positional({ label: scalar(new Utf8()), confidence: scalar(new Float32()), ts: scalar(new Float64()) }, 'one per detected object'),
      audio: positional({ pcm: scalar(new Binary()), level_db: scalar(new Float32()) }, 'one per chunk (480 samples at 16 kHz)'),
    }),
  }),
});

const [cmd, root, arg] = process.argv.slice(2);
const now = (): number => performance.now();
const rss = (): number => process.memoryUsage().rss;
/** CPU time of the process so far (every thread: the JS thread and the decode workers), seconds. */
const cpuSeconds = (): number => {
  const u = process.resourceUsage();
  return (u.userCPUTime + u.systemCPUTime) / 1e6;
};
const f = (c: CollectionRef, name: string): ExprRef => c[name] as ExprRef;

/** Concatenates the chunks of one step (the seed's `se.audio.concat`). */
function concat(xs: readonly unknown[]): Uint8Array {
  const parts = xs as readonly (Uint8Array | null)[];
  let n = 0;
  for (const p of parts) if (p) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    if (!p) continue;
    out.set(p, at);
    at += p.length;
  }
  return out;
}

// GYRE_BENCH_SEGMENT_CACHE_MB: capacity of the native decoded-segment cache (default 1 GiB).
const cacheMb = process.env.GYRE_BENCH_SEGMENT_CACHE_MB;
if (cacheMb !== undefined) native().segmentCache(Number(cacheMb) * 2 ** 20);
const db = await open(root!);
let result: Record<string, unknown>;
if (cmd === 'load') {
  const scenes = Number(arg);
  const ds = await Dataset.open(db, 'recordings', { schema: SCHEMA });
  const txn = await ds.table('scenes').txn();
  const per: Record<string, number> = {};
  const t0 = now();
  const parts = [
    ['scenes', scenesBatches(scenes)],
    ['scenes.clips', clipsBatches(scenes)],
    ['scenes.clips.frames', framesBatches(scenes)],
    ['scenes.clips.detections', detectionsBatches(scenes)],
    ['scenes.clips.audio', audioBatches(scenes)],
  ] as const;
  let genMs = 0;
  for (const [path, gen] of parts) {
    const s = now();
    let g = 0;
    // Generation is timed apart: the batches are made lazily, one slice at a time.
    const timed = (function* () {
      for (;;) {
        const a = now();
        const r = gen.next();
        g += now() - a;
        if (r.done) return;
        yield r.value;
      }
    })();
    await txn.collection(path).write(timed);
    per[path] = (now() - s - g) / 1000;
    genMs += g;
  }
  const c0 = now();
  const info = await txn.commit();
  const commitSeconds = (now() - c0) / 1000;
  const seconds = (now() - t0 - genMs) / 1000;
  await ds.close();
  result = { seconds, genSeconds: genMs / 1000, commitSeconds, per, version: info.version, ...sizesOf(scenes) };
} else if (cmd === 'nested') {
  const scenes = Number(arg);
  const ds = await Dataset.open(db, 'nested', { schema: SCHEMA });
  const recs = nestedRecords(0, scenes);
  const t0 = now();
  await ds.write('scenes', recs);
  const seconds = (now() - t0) / 1000;
  await ds.close();
  const s = sizesOf(scenes);
  result = { seconds, rows: s.scenes + s.clips + s.frames + s.detections + s.audio };
} else if (cmd === 'a' || cmd === 'b') {
  const ds = await Dataset.open(db, 'recordings');
  const scenes = ds.collections.scenes!;
  const clips = scenes.clips as CollectionRef;
  const frames = clips.frames as CollectionRef, detections = clips.detections as CollectionRef, audio = clips.audio as CollectionRef;
  let scan;
  if (cmd === 'a') {
    scan = ds.scan([f(frames, 'brightness'), f(clips, 'camera'), f(clips, 'duration'), f(scenes, 'location'), f(detections, 'confidence').mean()]);
  } else {
    const tl = timeline({ fps: 10, stop: f(clips, 'duration') });
    const rgb = f(frames, 'rgb').resample(tl, { on: frames._pos.div(30), method: 'first' });
    const dets = detections.resample(tl, { on: f(detections, 'ts').sub(f(clips, 'start_time')), method: 'list' });
    const pcm = f(audio, 'pcm').resample(tl, { on: audio._pos.mul(480).div(16000), method: concat });
    scan = ds.scan([clips._id, tl.time, rgb, dets, pcm]);
  }
  const add = cmd === 'a' ? addA : addB;
  const cs: Checksum = {};
  const base = rss();
  // What the memory is: the largest V8 heap and off-heap (ArrayBuffer) use seen, sampled.
  const mem = { heapUsed: 0, arrayBuffers: 0, external: 0 };
  const sample = setInterval(() => {
    const m = process.memoryUsage();
    mem.heapUsed = Math.max(mem.heapUsed, m.heapUsed);
    mem.arrayBuffers = Math.max(mem.arrayBuffers, m.arrayBuffers);
    mem.external = Math.max(mem.external, m.external);
  }, 250);
  let checkMs = 0, checkCpu = 0, batches = 0;
  const cpu0 = cpuSeconds();
  const t0 = now();
  for await (const b of scan.toRecordBatches()) {
    const s = now(), c = process.cpuUsage();
    add(cs, b);
    batches++;
    checkMs += now() - s;
    const d = process.cpuUsage(c);
    checkCpu += (d.user + d.system) / 1e6;
  }
  const seconds = (now() - t0 - checkMs) / 1000;
  // The checksum's CPU (process-wide while it runs: may include a little concurrent decode work).
  const cpu = cpuSeconds() - cpu0 - checkCpu;
  clearInterval(sample);
  await ds.close();
  result = { seconds, checkSeconds: checkMs / 1000, batches, checksum: cs, baseRss: base, peakRss: process.resourceUsage().maxRSS * 1024, mem, cpu };
} else throw new Error(`unknown command ${cmd}`);
await db.close();
console.log(JSON.stringify(result));
