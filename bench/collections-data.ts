/**
 * The recordings dataset of `npm run bench:collections` (seed 002: scenes ⊃ clips ⊃ frames /
 * detections / audio), defined by integer formulas of the row numbers so that gyre (Arrow
 * batches built here) and DuckDB (`duckdbLoadSql`, computed from `range()`) hold exactly the same
 * rows without moving them between processes. Clip j (global number) belongs to scene ⌊j / 20⌋:
 *
 *   scenes      _id 's' ‖ pad5(i); location 'loc_' ‖ (7i mod 50)
 *   clips       _id 'c' ‖ pad6(j); camera front|rear|left|right (j mod 4); n = 200 + (7919j + 13) mod 201
 *               steps of 0.1 s; duration n/10 s (20–40 s); start_time 60 · (j mod 20)
 *   frames      3n per clip (30 fps over the duration); rgb 'f' ‖ pad6(j) ‖ pad4(pos) (11 bytes);
 *               brightness ((7j + 13 pos) mod 256) / 256 (f32)
 *   detections  (31j + 7) mod 21 per clip (0–20, sorted by ts); label car|person|truck|bicycle;
 *               confidence ((101j + 17d) mod 1000) / 1000 (f32); ts = start_time + (ms + 0.5) / 1000
 *               with ms = ⌊100 d n / count⌋ + (13j + 7d) mod 50 (never within 0.5 ms of a 0.1 s step)
 *   audio       ⌊(10n + 2) / 3⌋ chunks per clip of 480 samples at 16 kHz (30 ms, covering the
 *               duration); pcm 'a' ‖ pad6(j) ‖ pad4(pos) (11 bytes, a stand-in for 960 bytes of PCM);
 *               level_db −((j + 3 pos) mod 60) (f32)
 *
 * Per 1,000 scenes: 20,000 clips, 18.0M frames, 200k detections, 20.0M audio chunks.
 * Payloads are short stand-ins so that the benchmark measures the engine, not memcpy of pixels.
 */
import { Binary, Field, Float32, Float64, makeData, RecordBatch, Schema, Struct, Uint64, Utf8, type Data } from 'apache-arrow';

export const CLIPS_PER_SCENE = 20;
export const CAMERAS = ['front', 'rear', 'left', 'right'] as const;
export const LABELS = ['car', 'person', 'truck', 'bicycle'] as const;

export interface Clip {
  /** Steps of 0.1 s. */
  readonly n: number;
  readonly frames: number;
  readonly audio: number;
  readonly detections: number;
  readonly start: number;
  readonly duration: number;
}

export function clipOf(j: number): Clip {
  const n = 200 + ((j * 7919 + 13) % 201);
  return { n, frames: 3 * n, audio: Math.floor((10 * n + 2) / 3), detections: (j * 31 + 7) % 21, start: (j % 20) * 60, duration: n / 10 };
}

export interface Sizes {
  scenes: number;
  clips: number;
  frames: number;
  detections: number;
  audio: number;
  steps: number;
}

export function sizesOf(scenes: number): Sizes {
  const s: Sizes = { scenes, clips: scenes * CLIPS_PER_SCENE, frames: 0, detections: 0, audio: 0, steps: 0 };
  for (let j = 0; j < s.clips; j++) {
    const c = clipOf(j);
    s.frames += c.frames;
    s.detections += c.detections;
    s.audio += c.audio;
    s.steps += c.n;
  }
  return s;
}

// ---- Arrow batches for gyre --------------------------------------------------------------------

const enc = new TextEncoder();

/** Growable byte column (utf8 / binary) with fixed-width digit writers (no per-row strings). */
class Bytes {
  bytes: Uint8Array;
  offsets: Int32Array;
  len = 0;
  at = 0;
  constructor(rows: number, width: number) {
    this.bytes = new Uint8Array(rows * width);
    this.offsets = new Int32Array(rows + 1);
  }
  private room(n: number): void {
    if (this.at + n <= this.bytes.length) return;
    const b = new Uint8Array(Math.max(this.bytes.length * 2, this.at + n));
    b.set(this.bytes.subarray(0, this.at));
    this.bytes = b;
  }
  /** `prefix` then each (value, width) as zero-padded digits. */
  pad(prefix: number, ...parts: number[]): void {
    const w = 1 + parts.reduce((s, _, i) => (i % 2 ? s + parts[i]! : s), 0);
    this.room(w);
    this.bytes[this.at++] = prefix;
    for (let p = 0; p < parts.length; p += 2) {
      let v = parts[p]!;
      const width = parts[p + 1]!;
      for (let k = width - 1; k >= 0; k--) {
        this.bytes[this.at + k] = 48 + (v % 10);
        v = Math.floor(v / 10);
      }
      this.at += width;
    }
    this.offsets[++this.len] = this.at;
  }
  str(b: Uint8Array): void {
    this.room(b.length);
    this.bytes.set(b, this.at);
    this.at += b.length;
    this.offsets[++this.len] = this.at;
  }
  data(type: Utf8 | Binary): Data {
    return makeData({ type, length: this.len, valueOffsets: this.offsets.subarray(0, this.len + 1), data: this.bytes.subarray(0, this.at) } as never);
  }
}

const S = 115, C = 99, F = 102, A = 97; // 's', 'c', 'f', 'a'
const CAMERA_BYTES = CAMERAS.map((c) => enc.encode(c));
const LABEL_BYTES = LABELS.map((c) => enc.encode(c));

function batch(fields: Field[], cols: Data[], length: number): RecordBatch {
  const schema = new Schema(fields);
  return new RecordBatch(schema, makeData({ type: new Struct(fields), length, nullCount: 0, children: cols }));
}

const f = (name: string, type: Utf8 | Binary | Float32 | Float64 | Uint64, nullable = true): Field => new Field(name, type, nullable);

export function* scenesBatches(scenes: number): Generator<RecordBatch> {
  const id = new Bytes(scenes, 6), loc = new Bytes(scenes, 6);
  for (let i = 0; i < scenes; i++) {
    id.pad(S, i, 5);
    loc.str(enc.encode(`loc_${(i * 7) % 50}`));
  }
  yield batch([f('_id', new Utf8(), false), f('location', new Utf8())], [id.data(new Utf8()), loc.data(new Utf8())], scenes);
}

export function* clipsBatches(scenes: number): Generator<RecordBatch> {
  const n = scenes * CLIPS_PER_SCENE;
  const sid = new Bytes(n, 6), id = new Bytes(n, 7), cam = new Bytes(n, 5);
  const start = new Float64Array(n), dur = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const c = clipOf(j);
    sid.pad(S, Math.floor(j / CLIPS_PER_SCENE), 5);
    id.pad(C, j, 6);
    cam.str(CAMERA_BYTES[j % 4]!);
    start[j] = c.start;
    dur[j] = c.duration;
  }
  yield batch(
    [f('scenes._id', new Utf8(), false), f('_id', new Utf8(), false), f('camera', new Utf8()), f('start_time', new Float64()), f('duration', new Float64())],
    [sid.data(new Utf8()), id.data(new Utf8()), cam.data(new Utf8()), makeData({ type: new Float64(), length: n, data: start }), makeData({ type: new Float64(), length: n, data: dur })],
    n,
  );
}

/** Rows of a positional child collection, cut into batches of about `batchRows` (whole clips). */
function* childBatches(
  scenes: number,
  batchRows: number,
  count: (c: Clip) => number,
  valueFields: Field[],
  make: (cap: number) => { row(j: number, c: Clip, k: number, r: number): void; cols(len: number): Data[] },
): Generator<RecordBatch> {
  const clips = scenes * CLIPS_PER_SCENE;
  const cap = batchRows + 2000;
  const fields = [f('scenes._id', new Utf8(), false), f('clips._id', new Utf8(), false), f('_pos', new Uint64(), false), ...valueFields];
  let sid = new Bytes(cap, 6), cid = new Bytes(cap, 7), pos = new BigUint64Array(cap), vals = make(cap);
  let r = 0;
  const flush = (): RecordBatch => {
    const b = batch(fields, [sid.data(new Utf8()), cid.data(new Utf8()), makeData({ type: new Uint64(), length: r, data: pos.subarray(0, r) }), ...vals.cols(r)], r);
    sid = new Bytes(cap, 6);
    cid = new Bytes(cap, 7);
    pos = new BigUint64Array(cap);
    vals = make(cap);
    r = 0;
    return b;
  };
  const posw = (): Uint32Array => new Uint32Array(pos.buffer);
  let pw = posw();
  for (let j = 0; j < clips; j++) {
    const c = clipOf(j);
    const m = count(c);
    const s = Math.floor(j / CLIPS_PER_SCENE);
    for (let k = 0; k < m; k++) {
      sid.pad(S, s, 5);
      cid.pad(C, j, 6);
      pw[2 * r] = k;
      vals.row(j, c, k, r);
      r++;
    }
    if (r >= batchRows) {
      yield flush();
      pw = posw();
    }
  }
  if (r > 0) yield flush();
}

export function framesBatches(scenes: number, batchRows = 1 << 20): Generator<RecordBatch> {
  return childBatches(scenes, batchRows, (c) => c.frames, [f('rgb', new Binary()), f('brightness', new Float32())], (cap) => {
    const rgb = new Bytes(cap, 11), br = new Float32Array(cap);
    return {
      row(j, _c, k, r) {
        rgb.pad(F, j, 6, k, 4);
        br[r] = ((j * 7 + k * 13) % 256) / 256;
      },
      cols: (len) => [rgb.data(new Binary()), makeData({ type: new Float32(), length: len, data: br.subarray(0, len) })],
    };
  });
}

/** Milliseconds (integer) of detection d of clip j: sorted by d, never at a 100 ms boundary ± 0.5. */
export const detectionMs = (j: number, c: Clip, d: number): number => Math.floor((d * c.n * 100) / c.detections) + ((j * 13 + d * 7) % 50);

export function detectionsBatches(scenes: number, batchRows = 1 << 20): Generator<RecordBatch> {
  return childBatches(scenes, batchRows, (c) => c.detections, [f('label', new Utf8()), f('confidence', new Float32()), f('ts', new Float64())], (cap) => {
    const label = new Bytes(cap, 6), conf = new Float32Array(cap), ts = new Float64Array(cap);
    return {
      row(j, c, d, r) {
        label.str(LABEL_BYTES[(j + d) % 4]!);
        conf[r] = ((j * 101 + d * 17) % 1000) / 1000;
        ts[r] = c.start + (detectionMs(j, c, d) + 0.5) / 1000;
      },
      cols: (len) => [label.data(new Utf8()), makeData({ type: new Float32(), length: len, data: conf.subarray(0, len) }), makeData({ type: new Float64(), length: len, data: ts.subarray(0, len) })],
    };
  });
}

export function audioBatches(scenes: number, batchRows = 1 << 20): Generator<RecordBatch> {
  return childBatches(scenes, batchRows, (c) => c.audio, [f('pcm', new Binary()), f('level_db', new Float32())], (cap) => {
    const pcm = new Bytes(cap, 11), db = new Float32Array(cap);
    return {
      row(j, _c, k, r) {
        pcm.pad(A, j, 6, k, 4);
        db[r] = -((j + k * 3) % 60);
      },
      cols: (len) => [pcm.data(new Binary()), makeData({ type: new Float32(), length: len, data: db.subarray(0, len) })],
    };
  });
}

/** The same tree as nested records (for measuring `ds.write`), scenes [from, to). */
export function nestedRecords(from: number, to: number): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const pad = (v: number, w: number): string => String(v).padStart(w, '0');
  for (let i = from; i < to; i++) {
    const clips: Record<string, unknown>[] = [];
    for (let j = i * CLIPS_PER_SCENE; j < (i + 1) * CLIPS_PER_SCENE; j++) {
      const c = clipOf(j);
      clips.push({
        _id: `c${pad(j, 6)}`,
        camera: CAMERAS[j % 4],
        start_time: c.start,
        duration: c.duration,
        frames: Array.from({ length: c.frames }, (_, k) => ({ rgb: enc.encode(`f${pad(j, 6)}${pad(k, 4)}`), brightness: ((j * 7 + k * 13) % 256) / 256 })),
        detections: Array.from({ length: c.detections }, (_, d) => ({ label: LABELS[(j + d) % 4], confidence: ((j * 101 + d * 17) % 1000) / 1000, ts: c.start + (detectionMs(j, c, d) + 0.5) / 1000 })),
        audio: Array.from({ length: c.audio }, (_, k) => ({ pcm: enc.encode(`a${pad(j, 6)}${pad(k, 4)}`), level_db: -((j + k * 3) % 60) })),
      });
    }
    out.push({ _id: `s${pad(i, 5)}`, location: `loc_${(i * 7) % 50}`, clips });
  }
  return out;
}

// ---- the same rows in DuckDB -------------------------------------------------------------------

/** Statements creating tables scenes, clips, frames, detections, audio with the rows above. */
export function duckdbLoadSql(scenes: number): string[] {
  const clips = scenes * CLIPS_PER_SCENE;
  const sid = (x: string): string => `'s' || lpad(CAST(${x} AS VARCHAR), 5, '0')`;
  const cid = (x: string): string => `'c' || lpad(CAST(${x} AS VARCHAR), 6, '0')`;
  return [
    `CREATE TEMP TABLE cg AS SELECT j, j // ${CLIPS_PER_SCENE} AS s, 200 + (j * 7919 + 13) % 201 AS n, (j * 31 + 7) % 21 AS nd,
       CAST((j % 20) * 60 AS DOUBLE) AS start_time FROM range(${clips}) r(j)`,
    `CREATE TABLE scenes AS SELECT ${sid('i')} AS scene_id, 'loc_' || CAST(i * 7 % 50 AS VARCHAR) AS location FROM range(${scenes}) r(i)`,
    `CREATE TABLE clips AS SELECT ${sid('s')} AS scene_id, ${cid('j')} AS clip_id, ['front', 'rear', 'left', 'right'][j % 4 + 1] AS camera,
       start_time, n / 10 AS duration FROM cg`,
    `CREATE TABLE frames AS SELECT ${sid('s')} AS scene_id, ${cid('j')} AS clip_id, pos,
       encode('f' || lpad(CAST(j AS VARCHAR), 6, '0') || lpad(CAST(pos AS VARCHAR), 4, '0')) AS rgb,
       CAST(((j * 7 + pos * 13) % 256) / 256 AS FLOAT) AS brightness
     FROM cg, range(3 * cg.n) r(pos)`,
    `CREATE TABLE detections AS SELECT ${sid('s')} AS scene_id, ${cid('j')} AS clip_id, d AS pos,
       ['car', 'person', 'truck', 'bicycle'][(j + d) % 4 + 1] AS label,
       CAST(((j * 101 + d * 17) % 1000) / 1000 AS FLOAT) AS confidence,
       start_time + ((d * n * 100) // nd + (j * 13 + d * 7) % 50 + 0.5) / 1000 AS ts
     FROM cg, range(cg.nd) r(d)`,
    `CREATE TABLE audio AS SELECT ${sid('s')} AS scene_id, ${cid('j')} AS clip_id, pos,
       encode('a' || lpad(CAST(j AS VARCHAR), 6, '0') || lpad(CAST(pos AS VARCHAR), 4, '0')) AS pcm,
       CAST(-((j + pos * 3) % 60) AS FLOAT) AS level_db
     FROM cg, range((10 * cg.n + 2) // 3) r(pos)`,
  ];
}
