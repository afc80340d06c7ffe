/**
 * npm run bench:collections — gyre's collections against DuckDB (and nodejs-polars when it is
 * installed) on the recordings dataset of seed 002 (collections-data.ts), side by side in one run:
 *
 *   A  broadcast + reduction: every frame with its clip's camera and duration, its scene's location
 *      and its clip's mean detection confidence (gyre fluent API vs joins + GROUP BY);
 *   B  the seed's resample query: frames (30 fps, first), detections (list) and audio chunks
 *      (concatenated) aligned to a 10 fps timeline per clip (gyre timeline + resample vs range()
 *      + ASOF JOIN / GROUP BY on the bin).
 *
 * Every step runs in a child process of its own, so each side's peak RSS is its own (the query
 * process: open, run, consume every batch). Results are checked equal by checksums
 * (collections-check.ts) in the same run. Data is generated once into bench/data/collections-N/
 * (N scenes) and reused when GYRE_BENCH_REUSE=1.
 *
 *   GYRE_BENCH_SCALE=0.1 npm run bench:collections   100 scenes (default 1: 1k scenes, 20k clips,
 *                                                    18M frames, 200k detections, 20M audio chunks)
 *   GYRE_BENCH_REUSE=1 …                             keep the data written by an earlier run
 *   GYRE_BENCH_ITERS=3 …                             best of 3 fresh processes per query (default 1)
 *   GYRE_BENCH_PROF=1 …                              CPU profiles of gyre's queries (DIR/prof) + summary
 *   GYRE_BENCH_SEGMENT_CACHE_MB=64 …                 the native decoded-segment cache of gyre's second
 *                                                    run of each query (the first runs with the default, 1 GiB)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { type Checksum, sameChecksum } from './collections-check.js';
import { sizesOf } from './collections-data.js';
import { summarize } from './collections-prof.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const scenes = Math.max(1, Math.round(1000 * Number(process.env.GYRE_BENCH_SCALE ?? 1)));
const reuse = process.env.GYRE_BENCH_REUSE === '1';
const iters = Number(process.env.GYRE_BENCH_ITERS ?? 1);
const prof = process.env.GYRE_BENCH_PROF === '1';
const dir = join(root, 'bench', 'data', `collections-${scenes}`);
const gyreRoot = join(dir, 'gyre');
const duckPath = join(dir, 'duck.db');
const profDir = join(dir, 'prof');

type Json = Record<string, unknown>;
const log = (s: string): void => console.log(s);
const num = (x: unknown): number => x as number;

function child(script: string, args: string[], nodeFlags: string[] = [], env: Record<string, string> = {}): Json {
  const r = spawnSync(process.execPath, ['--max-old-space-size=16000', ...nodeFlags, '--import', 'tsx', join(root, 'bench', script), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0) throw new Error(`${script} ${args.join(' ')} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Json;
}

/** Best (fastest) of `iters` fresh processes. */
const best = (run: () => Json): Json => Array.from({ length: iters }, run).reduce((a, b) => (num(b.seconds) < num(a.seconds) ? b : a));

const secs = (s: number): string => (s >= 100 ? `${s.toFixed(0)} s` : s >= 1 ? `${s.toFixed(2)} s` : `${(s * 1000).toFixed(0)} ms`);
const mib = (b: number): string => `${(b / 2 ** 20).toFixed(0)} MiB`;
const x = (r: number): string => `${r >= 10 ? r.toFixed(0) : r.toFixed(2)}×`;
const rate = (rows: number, s: number): string => `${(rows / s / 1e6).toFixed(2)}M rows/s`;
const du = (p: string): number => {
  const st = statSync(p);
  return st.isDirectory() ? readdirSync(p).reduce((s, f) => s + du(join(p, f)), 0) : st.size;
};

const sz = sizesOf(scenes);
const total = sz.scenes + sz.clips + sz.frames + sz.detections + sz.audio;
const n = (v: number): string => v.toLocaleString('en-US');
log(`\ngyre collections vs DuckDB: ${n(sz.scenes)} scenes, ${n(sz.clips)} clips, ${n(sz.frames)} frames, ${n(sz.detections)} detections, ${n(sz.audio)} audio chunks`);
log(`(${n(total)} rows; the 10 fps timeline has ${n(sz.steps)} steps); data in ${dir}\n`);
mkdirSync(dir, { recursive: true });

// ---- data ---------------------------------------------------------------------------------------
const gyreReady = join(gyreRoot, 'ready.json'), duckReady = join(dir, 'duck.ready.json');
if (!reuse || !existsSync(gyreReady)) {
  rmSync(gyreRoot, { recursive: true, force: true });
  const nestedScenes = Math.min(scenes, 5);
  const nested = child('collections-gyre.ts', ['nested', join(dir, 'nested'), String(nestedScenes)]);
  rmSync(join(dir, 'nested'), { recursive: true, force: true });
  log(`gyre    ds.write of nested records (${nestedScenes} scenes, ${n(num(nested.rows))} rows): ${secs(num(nested.seconds))}, ${rate(num(nested.rows), num(nested.seconds))}`);
  const load = child('collections-gyre.ts', ['load', gyreRoot, String(scenes)]);
  const per = Object.entries(load.per as Record<string, number>).map(([k, v]) => `${k.split('.').pop()} ${secs(v)}`).join(', ');
  log(`gyre    load (Arrow batches, one transaction): ${secs(num(load.seconds))}, ${rate(total, num(load.seconds))} (${per}; commit ${secs(num(load.commitSeconds))}); generating the batches ${secs(num(load.genSeconds))} (not counted); ${mib(du(gyreRoot))} on disk`);
  writeFileSync(gyreReady, JSON.stringify(load));
}
if (!reuse || !existsSync(duckReady)) {
  for (const f of readdirSync(dir)) if (f.startsWith('duck.db') || f.endsWith('.parquet')) rmSync(join(dir, f), { force: true });
  const load = child('collections-duckdb.ts', ['load', duckPath, String(scenes), dir]);
  log(`duckdb  load (CREATE TABLE AS from range(), CHECKPOINT): ${secs(num(load.seconds))}, ${rate(total, num(load.seconds))}; ${mib(num(load.dbBytes))} on disk; Parquet copies for polars ${secs(num(load.parquetSeconds))}`);
  writeFileSync(duckReady, JSON.stringify(load));
}

// ---- polars (optional) -----------------------------------------------------------------------------
let polars = false;
try {
  await import('nodejs-polars' as string);
  polars = true;
} catch {
  log('polars: not installed');
}

// ---- queries --------------------------------------------------------------------------------------
interface Side {
  name: string;
  r: Json;
}
/** Capacity of the native decoded-segment cache in gyre's second run of each query. */
const smallCacheMb = Number(process.env.GYRE_BENCH_SEGMENT_CACHE_MB ?? 64);
const results: { query: string; sides: Side[] }[] = [];
const profiles: string[] = [];
const line = (who: string, title: string, r: Json, extra = ''): void =>
  log(`${who.padEnd(7)} ${title}: ${secs(num(r.seconds))} (CPU ${secs(num(r.cpu))}), peak RSS ${mib(num(r.peakRss))}${extra}`);
const load0 = loadavg()[0]!;
for (const q of ['a', 'b'] as const) {
  const title = q === 'a' ? 'A broadcast + reduction' : 'B resample to 10 fps';
  if (prof) rmSync(join(profDir, q), { recursive: true, force: true });
  const sides: Side[] = [];
  const gyre = best(() => child('collections-gyre.ts', [q, gyreRoot], prof ? ['--cpu-prof', '--cpu-prof-dir', join(profDir, q)] : []));
  sides.push({ name: 'gyre', r: gyre });
  line('gyre', title, gyre, ` (checksum ${secs(num(gyre.checkSeconds))}, not counted)`);
  if (prof) {
    // One profile per thread: the main thread's is the one with the most samples that are not idle.
    const files = readdirSync(join(profDir, q)).map((f) => join(profDir, q, f));
    const main = files.map((f) => ({ f, s: summarize(f) })).sort((a, b) => b.s.busy - a.s.busy)[0]!;
    profiles.push(`query ${q.toUpperCase()} (${main.f}):\n${main.s.text}`);
  }
  const small = best(() => child('collections-gyre.ts', [q, gyreRoot], [], { GYRE_BENCH_SEGMENT_CACHE_MB: String(smallCacheMb) }));
  sides.push({ name: `gyre, ${smallCacheMb} MiB segment cache`, r: small });
  line('gyre', `${title}, decoded-segment cache ${smallCacheMb} MiB (default 1 GiB)`, small);
  for (const v of q === 'a' ? [''] : ['asof', 'groupby']) {
    const r = best(() => child('collections-duckdb.ts', v ? [q, duckPath, v] : [q, duckPath]));
    sides.push({ name: v ? `DuckDB (${v})` : 'DuckDB', r });
    line('duckdb', `${title}${v ? ` (${v})` : ''}`, r);
  }
  if (polars) {
    const r = best(() => child('collections-polars.ts', [q, dir]));
    sides.push({ name: 'polars', r });
    line('polars', title, r);
  }
  results.push({ query: title, sides });
}

// ---- summary --------------------------------------------------------------------------------------
const table: string[][] = [['query', 'system', 'time', 'CPU time', 'peak RSS', 'its time / gyre time', 'gyre RSS / its RSS', 'result vs gyre']];
for (const { query, sides } of results) {
  const g = sides[0]!.r;
  for (const [i, o] of sides.entries()) {
    const bad = sameChecksum(g.checksum as Checksum, o.r.checksum as Checksum);
    table.push([
      i === 0 ? query : '',
      o.name,
      secs(num(o.r.seconds)),
      secs(num(o.r.cpu)),
      mib(num(o.r.peakRss)),
      i === 0 ? '' : x(num(o.r.seconds) / num(g.seconds)),
      i === 0 ? '' : x(num(g.peakRss) / num(o.r.peakRss)),
      i === 0 ? `${n((g.checksum as Checksum).rows!)} rows` : bad.length === 0 ? 'equal' : `DIFFER: ${bad.slice(0, 4).join('; ')}`,
    ]);
  }
}
const widths = table[0]!.map((_, k) => Math.max(...table.map((r) => r[k]!.length)));
log(`\nsummary (${n(scenes)} scenes; time ratio above 1: gyre faster; RSS ratio below 1: gyre smaller)\n`);
for (const [i, r] of table.entries()) {
  log(r.map((c, k) => c.padEnd(widths[k]!)).join('  ').trimEnd());
  if (i === 0) log(widths.map((w) => '─'.repeat(w)).join('  '));
}
const duckBest = (i: number): Json => results[i]!.sides.filter((o) => o.name.startsWith('DuckDB')).map((o) => o.r).reduce((a, b) => (num(b.seconds) < num(a.seconds) ? b : a));
const [ga, gb, gbs] = [results[0]!.sides[0]!.r, results[1]!.sides[0]!.r, results[1]!.sides[1]!.r];
const [da, db] = [duckBest(0), duckBest(1)];
const yes = (ok: boolean): string => (ok ? 'met' : 'NOT met');
log(`\ntargets (vs the faster DuckDB variant):`);
const faster = (g: Json, d: Json): string =>
  `wall clock ${yes(num(g.seconds) < num(d.seconds))} (${x(num(d.seconds) / num(g.seconds))}), CPU time ${yes(num(g.cpu) < num(d.cpu))} (${x(num(d.cpu) / num(g.cpu))})`;
log(`  A faster than DuckDB: ${faster(ga, da)}`);
log(`  B faster than DuckDB: ${faster(gb, db)}`);
log(`  B peak memory ≤ 1/10 of DuckDB's: ${yes(num(gb.peakRss) * 10 <= num(db.peakRss))} (${x(num(gb.peakRss) / num(db.peakRss))}); with a ${smallCacheMb} MiB segment cache ${yes(num(gbs.peakRss) * 10 <= num(db.peakRss))} (${x(num(gbs.peakRss) / num(db.peakRss))})`);
log(`  peak RSS includes each process's baseline (node + libraries, before the query): gyre ${mib(num(ga.baseRss))}, DuckDB ${mib(num(da.baseRss))}`);
log(`  load average (1 min) at the start of the queries ${load0.toFixed(1)}, at the end ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores: times are wall clock; under load, compare CPU times too`);
if (prof) log(`\nCPU profiles of gyre's queries\n\n${profiles.join('\n\n')}`);
