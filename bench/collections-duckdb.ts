/**
 * One DuckDB step of `npm run bench:collections`, in a process of its own (peak RSS is this
 * step's alone). Prints one JSON line.
 *
 *   collections-duckdb.ts load  DB SCENES DIR   the tables from collections-data.ts's SQL (+ CHECKPOINT),
 *                                               then DIR/*.parquet for the polars side
 *   collections-duckdb.ts a|b   DB [VARIANT]    a query consumed chunk by chunk (values stay in DuckDB
 *                                               vectors), then its checksum by SQL aggregates (not timed)
 *
 * Query A joins frames ⋈ clips ⋈ scenes with a GROUP BY of detections; query B builds the 10 fps
 * timeline with range() and aligns frames with an ASOF JOIN ('asof', default) or a GROUP BY on the
 * bin ('groupby'), detections and audio with a GROUP BY on the bin; both LEFT JOINed to the steps.
 * No ORDER BY: gyre's results come sorted by key, DuckDB's in any order (checksums do not care).
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';

import { DuckDBInstance } from '@duckdb/node-api';

import { type Checksum, sqlChecksumA, sqlChecksumB } from './collections-check.js';
import { duckdbLoadSql } from './collections-data.js';

const [cmd, dbPath, a1, a2] = process.argv.slice(2);
const now = (): number => performance.now();

const QUERY_A = `
SELECT f.brightness, c.camera, c.duration, s.location, d.confidence_mean
FROM frames f
JOIN clips c ON c.scene_id = f.scene_id AND c.clip_id = f.clip_id
JOIN scenes s ON s.scene_id = f.scene_id
LEFT JOIN (SELECT scene_id, clip_id, avg(confidence) AS confidence_mean FROM detections GROUP BY scene_id, clip_id) d
  ON d.scene_id = f.scene_id AND d.clip_id = f.clip_id`;

/** Steps of every clip: step k at time k/10 below the duration (gyre: ceil(duration · fps − 1e-9) steps). */
const TIMELINE = `
SELECT c.scene_id, c.clip_id, c.start_time, r.step, r.step / 10 AS time
FROM clips c, range(CAST(ceil(c.duration * 10 - 1e-9) AS BIGINT)) r(step)`;

/** Frames: the first frame of each step's bin [k/10, (k+1)/10). */
const RGB: Record<string, string> = {
  asof: `
SELECT tl.scene_id, tl.clip_id, tl.step, tl.time, CASE WHEN fr.t < (tl.step + 1) / 10 THEN fr.rgb END AS rgb
FROM tl ASOF LEFT JOIN (SELECT scene_id, clip_id, pos / 30 AS t, rgb FROM frames) fr
  ON tl.scene_id = fr.scene_id AND tl.clip_id = fr.clip_id AND fr.t >= tl.time`,
  groupby: `
SELECT tl.scene_id, tl.clip_id, tl.step, tl.time, fr.rgb
FROM tl LEFT JOIN (SELECT scene_id, clip_id, CAST(floor(pos / 30 * 10) AS BIGINT) AS step, arg_min(rgb, pos) AS rgb
                   FROM frames GROUP BY ALL) fr
  ON tl.scene_id = fr.scene_id AND tl.clip_id = fr.clip_id AND tl.step = fr.step`,
};

const queryB = (variant: string): string => `
WITH tl AS (${TIMELINE}),
rgb AS (${RGB[variant]!}),
dets AS (
  SELECT d.scene_id, d.clip_id, CAST(floor((d.ts - c.start_time) * 10) AS BIGINT) AS step,
         list(struct_pack(label := d.label, confidence := d.confidence, ts := d.ts) ORDER BY d.pos) AS detections
  FROM detections d JOIN clips c ON c.scene_id = d.scene_id AND c.clip_id = d.clip_id
  GROUP BY ALL),
au AS (
  SELECT scene_id, clip_id, (pos * 3) // 10 AS step, string_agg(pcm, '' ORDER BY pos) AS pcm
  FROM audio GROUP BY ALL)
SELECT rgb.clip_id AS _id, rgb.time, rgb.rgb, coalesce(dets.detections, []) AS detections, coalesce(au.pcm, '') AS pcm
FROM rgb
LEFT JOIN dets ON dets.scene_id = rgb.scene_id AND dets.clip_id = rgb.clip_id AND dets.step = rgb.step
LEFT JOIN au ON au.scene_id = rgb.scene_id AND au.clip_id = rgb.clip_id AND au.step = rgb.step`;

/** CPU time of the process so far (every thread), seconds. */
const cpuSeconds = (): number => {
  const u = process.resourceUsage();
  return (u.userCPUTime + u.systemCPUTime) / 1e6;
};
const toNumbers = (r: Record<string, unknown>): Checksum => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number(v)]));

let result: Record<string, unknown>;
if (cmd === 'load') {
  const scenes = Number(a1), dir = a2!;
  const db = await DuckDBInstance.create(dbPath!);
  const c = await db.connect();
  const t0 = now();
  for (const s of duckdbLoadSql(scenes)) await c.run(s);
  await c.run('CHECKPOINT');
  const seconds = (now() - t0) / 1000;
  const p0 = now();
  for (const t of ['scenes', 'clips', 'frames', 'detections', 'audio']) await c.run(`COPY ${t} TO '${join(dir, `${t}.parquet`)}' (FORMAT parquet)`);
  const parquetSeconds = (now() - p0) / 1000;
  c.closeSync();
  db.closeSync();
  result = { seconds, parquetSeconds, dbBytes: statSync(dbPath!).size };
} else if (cmd === 'a' || cmd === 'b') {
  const variant = a1 ?? 'asof';
  const sql = cmd === 'a' ? QUERY_A : queryB(variant);
  const db = await DuckDBInstance.create(dbPath!, { access_mode: 'READ_ONLY' });
  const c = await db.connect();
  const base = process.memoryUsage().rss;
  const cpu0 = cpuSeconds();
  const t0 = now();
  const r = await c.stream(sql);
  let rows = 0;
  for (;;) {
    const chunk = await r.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    rows += chunk.rowCount;
  }
  const seconds = (now() - t0) / 1000;
  const cpu = cpuSeconds() - cpu0;
  const peakRss = process.resourceUsage().maxRSS * 1024;
  const c0 = now();
  const check = await c.runAndReadAll(cmd === 'a' ? sqlChecksumA(sql) : sqlChecksumB(sql));
  const checkSeconds = (now() - c0) / 1000;
  const checksum = toNumbers(check.getRowObjectsJS()[0] as Record<string, unknown>);
  c.closeSync();
  db.closeSync();
  result = { seconds, rows, checkSeconds, checksum, baseRss: base, peakRss, variant, cpu };
} else throw new Error(`unknown command ${cmd}`);
console.log(JSON.stringify(result));
