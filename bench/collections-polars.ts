/**
 * One nodejs-polars step of `npm run bench:collections` (only when the optional dependency is
 * installed), in a process of its own. Prints one JSON line.
 *
 *   collections-polars.ts a|b DIR   the query over DIR/*.parquet (the tables DuckDB wrote), lazily
 *                                   scanned and collected; then its checksum from the result as
 *                                   Arrow IPC (not timed)
 *
 * Query B follows polars' idiom for the seed's resample: the timeline from int_ranges + explode,
 * frames by `join_asof` (forward, by clip) and detections and audio by a group-by on the bin.
 */
import { join } from 'node:path';

import { type RecordBatch, tableFromIPC } from 'apache-arrow';
import pl from 'nodejs-polars';

import { addA, addB, type Checksum } from './collections-check.js';

const [cmd, dir] = process.argv.slice(2);
const now = (): number => performance.now();
const scan = (t: string): pl.LazyDataFrame => pl.scanParquet(join(dir!, `${t}.parquet`));
const keys = ['scene_id', 'clip_id'];
/** Join columns (the typings want the literal names of each frame's schema, which scans do not know). */
const on = (...cols: string[]): never => cols as never;

function queryA(): pl.LazyDataFrame {
  const det = scan('detections').groupBy(keys).agg(pl.col('confidence').mean().alias('confidence_mean'));
  return scan('frames')
    .select('scene_id', 'clip_id', 'brightness')
    .join(scan('clips'), { on: on(...keys) })
    .join(scan('scenes'), { on: 'scene_id' })
    .join(det, { on: on(...keys), how: 'left' })
    .select('brightness', 'camera', 'duration', 'location', 'confidence_mean');
}

function queryB(): pl.LazyDataFrame {
  const clips = scan('clips');
  const tl = clips
    .select('scene_id', 'clip_id', 'start_time', pl.intRanges(pl.lit(0), pl.col('duration').mul(10).minus(1e-9).ceil().cast(pl.Int64)).alias('step'))
    .explode('step')
    .withColumns(pl.col('step').cast(pl.Float64).div(10).alias('time'));
  // In frame numbers (exact integers): polars divides by a constant as a multiplication by its
  // inverse, so pos / 30 would not round as gyre's and DuckDB's pos / 30 (step k starts at frame 3k).
  const frames = scan('frames').select('scene_id', 'clip_id', 'pos', 'rgb').sort('pos');
  const rgb = tl
    .withColumns(pl.col('step').mul(3).cast(pl.Int64).alias('first_frame'))
    .sort('first_frame')
    .joinAsof(frames, { leftOn: 'first_frame', rightOn: 'pos', by: keys, strategy: 'forward', checkSortedness: false })
    .withColumns(pl.when(pl.col('pos').lt(pl.col('first_frame').add(3))).then(pl.col('rgb')).otherwise(pl.lit(null)).alias('rgb'));
  const dets = scan('detections')
    .join(clips.select('scene_id', 'clip_id', 'start_time'), { on: on(...keys) })
    .sort('pos')
    .groupBy([...keys.map((k) => pl.col(k)), pl.col('ts').minus(pl.col('start_time')).mul(10).floor().cast(pl.Int64).alias('step')], { maintainOrder: true })
    .agg(pl.struct([pl.col('label'), pl.col('confidence'), pl.col('ts')]).alias('detections'));
  const audio = scan('audio')
    .sort('pos')
    .groupBy([...keys.map((k) => pl.col(k)), pl.col('pos').mul(3).cast(pl.Float64).div(10).floor().cast(pl.Int64).alias('step')], { maintainOrder: true })
    .agg(pl.col('pcm').cast(pl.Utf8).str.concat('').alias('pcm'));
  return rgb
    .join(dets, { on: on(...keys, 'step'), how: 'left' })
    .join(audio, { on: on(...keys, 'step'), how: 'left' })
    .select(pl.col('clip_id').alias('_id'), 'time', 'rgb', 'detections', pl.col('pcm').fillNull(pl.lit('')));
}

const cpuSeconds = (): number => {
  const u = process.resourceUsage();
  return (u.userCPUTime + u.systemCPUTime) / 1e6;
};
const cpu0 = cpuSeconds();
const t0 = now();
const df = await (cmd === 'a' ? queryA() : queryB()).collect();
const seconds = (now() - t0) / 1000;
const cpu = cpuSeconds() - cpu0;
const peakRss = process.resourceUsage().maxRSS * 1024;
const c0 = now();
const table = tableFromIPC(df.writeIPC());
const cs: Checksum = {};
for (const b of table.batches as RecordBatch[]) (cmd === 'a' ? addA : addB)(cs, b);
console.log(JSON.stringify({ seconds, rows: df.height, checkSeconds: (now() - c0) / 1000, checksum: cs, peakRss, baseRss: 0, cpu }));
