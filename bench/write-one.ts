/**
 * Child process of bench/vortex-write.ts: loads one Arrow IPC file into memory (not timed), then
 * writes it with gyre's VortexFile.write N times, timing only the write, and prints JSON
 * (seconds per iteration, file size, peak RSS) so each measurement runs in isolation.
 *
 *   node --import tsx bench/write-one.ts IN.arrow OUT.vortex [iters]
 */
import { readFileSync, rmSync, statSync } from 'node:fs';

import { tableFromIPC } from 'apache-arrow';

import { VortexFile } from '../index.js';

function peakRss(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : process.memoryUsage().rss;
}

const [input, output, itersArg] = process.argv.slice(2);
const iters = Number(itersArg ?? 3);
const table = tableFromIPC(readFileSync(input!));
const baseline = peakRss();
const secs: number[] = [];
for (let i = 0; i < iters; i++) {
  rmSync(output!, { force: true });
  (globalThis as { gc?: () => void }).gc?.();
  const t0 = performance.now();
  await VortexFile.write(output!, table);
  secs.push((performance.now() - t0) / 1000);
}
process.stdout.write(
  JSON.stringify({
    file: output,
    rows: table.numRows,
    vortex_bytes: statSync(output!).size,
    seconds_per_iter: secs,
    peak_rss_bytes: peakRss(),
    baseline_rss_bytes: baseline,
  }),
);
