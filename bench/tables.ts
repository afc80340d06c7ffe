/**
 * npm run bench:tables — gyre tables against DuckDB on one dataset (tables-data.ts: 10M rows of
 * a shuffled unique int64 key `id`, int64, float64 and short utf8 values), side by side in one run:
 *
 *   upsert   gyre `table.write` of every row (one transaction) vs DuckDB INSERT into a PRIMARY KEY
 *            table (+ CHECKPOINT), both from rows already in memory;
 *   take     1,000 random existing keys: gyre `table.take` vs DuckDB on the PK table, on a Parquet
 *            file it wrote (table order) and on one sorted by id; cold = first call in a fresh
 *            process, warm = median of 30 calls with fresh keys (steady state, after JIT warm-up); DuckDB runs `WHERE id IN (…)` and
 *            a join with an unnested key list, and the faster one is reported;
 *   scan     every column of every row: gyre `table.scan` vs DuckDB `SELECT *` consumed chunk by chunk.
 *
 * gyre is measured right after the write (overlapping L0 fragments, one per 1M-row slice) and
 * after `compact` (non-overlapping L1). Every measurement runs in a child process (tables-gyre.ts,
 * tables-duckdb.ts); takes and scans run in GYRE_BENCH_ITERS fresh processes (default 3): the
 * best first call is "cold" (gyre caches decoded segments in the process, so a second scan in
 * one process would only measure that cache), warm takes are the median of all later calls.
 * Writes run once. Data lives in
 * bench/data/tables-ROWS/ and is rewritten each run (the write is a measurement); with
 * GYRE_BENCH_REUSE=1 existing data is reused and only compaction (if needed), take and scan run.
 *
 *   GYRE_BENCH_ROWS=1000000 npm run bench:tables     (default 10,000,000)
 *   GYRE_BENCH_PROF=1 …                               CPU profiles of gyre's take runs in DIR/prof
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { keySets, median } from './tables-data.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const rows = Number(process.env.GYRE_BENCH_ROWS ?? 10_000_000);
const reuse = process.env.GYRE_BENCH_REUSE === '1';
const prof = process.env.GYRE_BENCH_PROF === '1';
const iters = Number(process.env.GYRE_BENCH_ITERS ?? 3);
const dir = join(root, 'bench', 'data', `tables-${rows}`);
const gyreRoot = join(dir, 'gyre');
const duckPath = join(dir, 'duck.db');
const keysPath = join(dir, 'keys.json');

type Json = Record<string, unknown>;

function child(script: string, args: string[], nodeFlags: string[] = []): Json {
  const r = spawnSync(
    process.execPath,
    ['--max-old-space-size=12000', ...nodeFlags, '--import', 'tsx', join(root, 'bench', script), ...args],
    {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    },
  );
  if (r.status !== 0) throw new Error(`${script} ${args.join(' ')} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Json;
}
const gyre = (...args: string[]): Json =>
  child('tables-gyre.ts', args, prof && args[0] === 'take' ? ['--cpu-prof', '--cpu-prof-dir', join(dir, 'prof')] : []);
const duck = (...args: string[]): Json => child('tables-duckdb.ts', args);

const num = (x: unknown): number => x as number;
const ms = (x: number): string => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(1)} ms`);
const perSec = (n: number, s: number): string => {
  const r = n / s;
  return r >= 1e6 ? `${(r / 1e6).toFixed(2)}M rows/s` : `${(r / 1e3).toFixed(0)}k rows/s`;
};
const mb = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;
const x = (r: number): string => `${r >= 10 ? r.toFixed(0) : r.toFixed(2)}×`;
const log = (s: string): void => console.log(s);

interface Take {
  /** Best first call over the fresh processes. */
  cold: number;
  /** Median of every warm call. */
  warm: number;
  check: string;
  how: string;
}

/** The best of `iters` scans, each the first of a fresh process. */
function scans(run: () => Json): Json {
  const rs = Array.from({ length: iters }, run);
  return rs.reduce((a, b) => (num(b.seconds) < num(a.seconds) ? b : a));
}

/** Runs a take child `iters` times. */
function takes(run: () => Json, how = ''): Take {
  const rs = Array.from({ length: iters }, run);
  return {
    cold: Math.min(...rs.map((r) => num(r.coldMs))),
    warm: median(rs.flatMap((r) => r.warmMs as number[])),
    check: rs[0]!.check as string,
    how: how || (rs[0]!.indexScan ? 'index scan' : ''),
  };
}

interface GyreState {
  label: string;
  take: Take;
  scan: Json;
}

mkdirSync(dir, { recursive: true });
writeFileSync(keysPath, JSON.stringify(keySets(rows, 31, 1000)));
log(
  `\ngyre tables vs DuckDB, ${rows.toLocaleString('en-US')} rows (id int64 shuffled unique; v_int int64, v_float float64, v_str utf8)`,
);
log(`data in ${dir}; takes of 1,000 keys and full scans: ${iters} fresh processes each\n`);

// ---- gyre -------------------------------------------------------------------------------------
const states: GyreState[] = [];
const measure = (name: string, frags: Json): void => {
  const take = takes(() => gyre('take', gyreRoot, keysPath));
  const scan = scans(() => gyre('scan', gyreRoot));
  const label = `${name} (${frags.fragments} ${frags.levels})`;
  states.push({ label, take, scan });
  log(`gyre    take  ${label.padEnd(24)} cold ${ms(take.cold)}, warm ${ms(take.warm)}; ${take.check}`);
  log(
    `gyre    scan  ${label.padEnd(24)} ${ms(num(scan.seconds) * 1000)}, ${perSec(num(scan.rows), num(scan.seconds))}`,
  );
};
let write: Json | undefined;
if (!reuse || !existsSync(gyreRoot)) {
  rmSync(gyreRoot, { recursive: true, force: true });
  write = gyre('write', gyreRoot, String(rows));
  log(
    `gyre    write ${ms(num(write.seconds) * 1000)}, ${perSec(rows, num(write.seconds))}; ${write.fragments} fragments (${write.levels}), ${mb(num(write.bytes))}`,
  );
  measure('written', write);
}
const compact = gyre('compact', gyreRoot);
log(
  `gyre    compact ${ms(num(compact.seconds) * 1000)}: ${compact.fragmentsRemoved} → ${compact.fragmentsAdded} fragments, ${num(compact.rowsRewritten).toLocaleString('en-US')} rows rewritten; ${mb(num(compact.bytes))}`,
);
if (compact.version !== null || states.length === 0) measure('compacted', compact);

// ---- DuckDB -----------------------------------------------------------------------------------
let load: Json | undefined;
if (!reuse || !existsSync(duckPath)) {
  for (const f of ['duck.db', 'duck.db.wal', 'data.parquet', 'sorted.parquet']) rmSync(join(dir, f), { force: true });
  load = duck('load', duckPath, String(rows), dir);
  log(
    `duckdb  insert ${ms(num(load.seconds) * 1000)}, ${perSec(rows, num(load.seconds))} (staging ${ms(num(load.stagingSeconds) * 1000)}, not timed); db ${mb(num(load.dbBytes))}, parquet ${mb(num(load.parquetBytes))}, sorted parquet ${mb(num(load.sortedBytes))}`,
  );
}
const sources = [
  ['table', 'PK table'],
  ['parquet', 'Parquet'],
  ['sorted', 'Parquet sorted by id'],
] as const;
const duckTake = new Map<string, Take>();
const duckScan = new Map<string, Json>();
for (const [src, label] of sources) {
  const variants = (['in', 'join'] as const).map((v) => {
    const t = takes(() => duck('take', duckPath, src, v, keysPath));
    return { ...t, how: v === 'in' ? `IN list${t.how ? `, ${t.how}` : ''}` : 'join unnest(list)' };
  });
  for (const v of variants)
    log(`duckdb  take  ${label.padEnd(21)} ${v.how.padEnd(18)} cold ${ms(v.cold)}, warm ${ms(v.warm)}; ${v.check}`);
  duckTake.set(
    src,
    variants.reduce((a, b) => (b.warm < a.warm ? b : a)),
  );
  const s = scans(() => duck('scan', duckPath, src));
  duckScan.set(src, s);
  log(`duckdb  scan  ${label.padEnd(21)} ${ms(num(s.seconds) * 1000)}, ${perSec(num(s.rows), num(s.seconds))}`);
}

// ---- summary ----------------------------------------------------------------------------------
const table: string[][] = [['', 'gyre', 'DuckDB', 'DuckDB time / gyre time']];
const both = (f: (s: GyreState) => string): string => states.map((s) => `${f(s)} ${s.label}`).join('; ');
if (write && load) {
  table.push([
    'upsert all rows',
    `${ms(num(write.seconds) * 1000)} (${perSec(rows, num(write.seconds))})`,
    `${ms(num(load.seconds) * 1000)} (${perSec(rows, num(load.seconds))}) INSERT into PK table`,
    x(num(load.seconds) / num(write.seconds)),
  ]);
}
for (const kind of ['cold', 'warm'] as const) {
  for (const [src, label] of sources) {
    const d = duckTake.get(src)!;
    table.push([
      `take 1k keys ${kind}, ${label}`,
      both((s) => ms(s.take[kind])),
      `${ms(d[kind])} (${d.how})`,
      both((s) => x(d[kind] / s.take[kind])),
    ]);
  }
}
for (const [src, label] of sources) {
  const d = duckScan.get(src)!;
  table.push([
    `scan all columns, ${label}`,
    both((s) => perSec(rows, num(s.scan.seconds))),
    perSec(rows, num(d.seconds)),
    both((s) => x(num(d.seconds) / num(s.scan.seconds))),
  ]);
}
const widths = table[0]!.map((_, k) => Math.max(...table.map((r) => r[k]!.length)));
log(`\nsummary (${rows.toLocaleString('en-US')} rows; a ratio above 1 means gyre is faster)\n`);
for (const [i, r] of table.entries()) {
  log(
    r
      .map((c, k) => c.padEnd(widths[k]!))
      .join('  ')
      .trimEnd(),
  );
  if (i === 0) log(widths.map((w) => '─'.repeat(w)).join('  '));
}
const pq = duckTake.get('parquet')!;
const last = states[states.length - 1]!;
log(
  `\ntarget: gyre take ≥ 10× faster than DuckDB over Parquet: ${last.label} warm ${x(pq.warm / last.take.warm)}, cold ${x(pq.cold / last.take.cold)}`,
);
const checks = new Set([...states.map((s) => s.take.check), ...[...duckTake.values()].map((t) => t.check)]);
log(checks.size === 1 ? `take results agree: ${[...checks][0]}` : `take results DIFFER: ${[...checks].join(' / ')}`);
if (prof) log(`CPU profiles of gyre take: ${join(dir, 'prof')}`);
