/**
 * npm run bench:vortex — full-column reads of the same default-written files (10M rows each of
 * ints, floats, strings, timestamps) by gyre and by the official vortex-data (to Arrow), side by
 * side in one run. Prints throughput in decoded Arrow bytes/s, the gyre/official ratio and peak
 * memory relative to the decoded size.
 *
 *   GYRE_BENCH_ROWS=1000000 npm run bench:vortex     (smaller run)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const rows = Number(process.env.GYRE_BENCH_ROWS ?? 10_000_000);
const iters = Number(process.env.GYRE_BENCH_ITERS ?? 3);
const version = process.env.GYRE_BENCH_VORTEX ?? '0.76';
const dir = join(root, 'bench', 'data', `${version}-${rows}`);

const { ensureVenvs } = (await import(join(root, 'test', 'compat', 'setup-venvs.mjs'))) as {
  ensureVenvs: () => Record<string, string>;
};
const python = (await ensureVenvs())[version]!;
const files = ['ints', 'floats', 'strings', 'timestamps'];
if (!files.every((f) => existsSync(join(dir, `${f}.vortex`)))) {
  mkdirSync(dir, { recursive: true });
  console.log(`generating ${rows}-row files with vortex-data ${version} …`);
  execFileSync(python, [join(root, 'test', 'compat', 'bench_data.py'), dir, '--rows', String(rows)], { stdio: 'inherit' });
}

interface Result {
  rows: number;
  arrow_bytes: number;
  seconds_per_iter: number[];
  peak_rss_bytes: number;
  baseline_rss_bytes?: number;
}

function runJson(cmd: string, args: string[]): Result {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Result;
}

const best = (r: Result): number => Math.min(...r.seconds_per_iter);
const gbps = (bytes: number, s: number): string => `${(bytes / s / 1e9).toFixed(2)} GB/s`;
const mib = (b: number): string => `${(b / 2 ** 20).toFixed(0)} MiB`;

console.log(`\nfull-column reads, ${rows} rows, best of ${iters}; vortex-data ${version}; memcpy ceiling ≈ 5-6 GB/s\n`);
console.log('file        gyre                    official                ratio   gyre peak/decoded');
for (const f of files) {
  const path = join(dir, `${f}.vortex`);
  const g = runJson(process.execPath, ['--expose-gc', '--import', 'tsx', join(root, 'bench', 'read-one.ts'), path, String(iters)]);
  const o = runJson(python, [join(root, 'test', 'compat', 'bench_read.py'), path, '--iters', String(iters)]);
  const gs = best(g), os = best(o);
  // Both readers decode the same logical data: measure both against the size of the input as
  // Arrow IPC (offsets + values), since summing batch byte lengths over-counts shared buffers.
  const decoded = statSync(join(dir, `${f}.arrow`)).size;
  const extra = g.peak_rss_bytes - (g.baseline_rss_bytes ?? 0);
  console.log(
    `${f.padEnd(11)} ${`${(gs * 1000).toFixed(0)} ms ${gbps(decoded, gs)}`.padEnd(23)} ` +
      `${`${(os * 1000).toFixed(0)} ms ${gbps(decoded, os)}`.padEnd(23)} ` +
      `${(os / gs).toFixed(2)}×   ${(extra / decoded).toFixed(2)} (${mib(extra)} / ${mib(decoded)})`,
  );
}
