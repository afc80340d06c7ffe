/**
 * Child process of bench/vortex-read.ts: reads one file fully with gyre N times and prints JSON
 * (seconds per iteration, decoded Arrow bytes, peak RSS) so peak memory is measured in isolation.
 */
import { readFileSync } from 'node:fs';

import { VortexFile } from '../index.js';

function arrowBytes(t: { batches: { data: { byteLength: number } }[] }): number {
  return t.batches.reduce((a, b) => a + b.data.byteLength, 0);
}

function peakRss(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : process.memoryUsage().rss;
}

const [path, itersArg] = process.argv.slice(2);
const iters = Number(itersArg ?? 3);
const secs: number[] = [];
let bytes = 0;
let rows = 0;
const baseline = peakRss();
let firstPeak = 0;
for (let i = 0; i < iters; i++) {
  (globalThis as { gc?: () => void }).gc?.();
  const t0 = performance.now();
  const f = await VortexFile.open(path!);
  const t = await f.read();
  secs.push((performance.now() - t0) / 1000);
  bytes = arrowBytes(t as never);
  rows = t.numRows;
  if (i === 0) firstPeak = peakRss(); // peak of one read, before later iterations overlap with garbage
  await f.close();
}
process.stdout.write(JSON.stringify({ file: path, rows, arrow_bytes: bytes, seconds_per_iter: secs, peak_rss_bytes: firstPeak, baseline_rss_bytes: baseline }));
