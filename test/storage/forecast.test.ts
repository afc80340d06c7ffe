/**
 * EXPLAIN DATA's storage half: `VortexFile.forecast` predicts, from metadata and zone maps only,
 * the rows, bytes and requests a scan will read. Checked against what the scan then reads
 * (byte-source counters) on freshly written files (a cold segment cache): within 10%.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { tableFromArrays } from 'apache-arrow';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';

import { VortexFile } from '../../storage/vortex/vortex-file.js';
import type { Predicate } from '../../storage/vortex/predicate.js';

const dir = mkdtempSync(join(tmpdir(), 'gyre-forecast-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

async function measure(file: string, opts: { columns?: readonly string[]; where?: Predicate }): Promise<{ predicted: Awaited<ReturnType<VortexFile['forecast']>>; bytes: number; gets: number; rows: number }> {
  const f = await VortexFile.open(file);
  try {
    const predicted = await f.forecast(opts);
    const s0 = { ...f.source.stats! };
    for await (const b of f.scan(opts)) void b;
    return { predicted, bytes: f.source.stats!.bytes - s0.bytes, gets: f.source.stats!.requests - s0.requests, rows: f.lastScan.rowsDecoded };
  } finally {
    await f.close();
  }
}

describe('scan forecasts', () => {
  it('predict decoded rows exactly, bytes and requests within 10%, on random files and filters', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 120_000 }),
        fc.integer({ min: 0, max: 120_000 }),
        fc.constantFrom(['id'], ['id', 'x'], ['name'], ['x', 'name']),
        fc.boolean(),
        async (rows, cut, columns, filtered) => {
          const file = join(dir, `f${n++}.vortex`);
          const t = tableFromArrays({
            id: Int32Array.from({ length: rows }, (_, i) => i),
            x: Float64Array.from({ length: rows }, (_, i) => Math.sin(i) * 1000),
            name: Array.from({ length: rows }, (_, i) => `name-${i % 977}`),
          });
          await VortexFile.write(file, t, { chunkRows: 16_384 });
          const where: Predicate | undefined = filtered ? { op: '>=', column: 'id', value: cut } : undefined;
          const m = await measure(file, { columns, ...(where ? { where } : {}) });
          expect(m.predicted.rowsToDecode).toBe(m.rows);
          // Exact but for segments shared by decode units (dictionary values): read-ahead may
          // fetch one twice before the first fetch is cached.
          expect(Math.abs(m.predicted.bytes - m.bytes)).toBeLessThanOrEqual(m.bytes * 0.1);
          expect(Math.abs(m.predicted.gets - m.gets)).toBeLessThanOrEqual(Math.max(1, m.gets * 0.1));
          if (filtered && cut >= rows) expect(m.predicted.bytes).toBe(0);
        },
      ),
      { numRuns: 20, seed: 7 },
    );
  });

  it('a selective filter predicts a small fraction of the full scan', async () => {
    const file = join(dir, 'sel.vortex');
    const rows = 1_000_000;
    await VortexFile.write(file, tableFromArrays({ id: Int32Array.from({ length: rows }, (_, i) => i), v: Float64Array.from({ length: rows }, (_, i) => Math.sin(i)) }), { chunkRows: 8192 });
    const full = await measure(file, { columns: ['v'] });
    const one = await measure(file, { columns: ['v'], where: { op: '<', column: 'id', value: 10_000 } });
    expect(one.predicted.bytes).toBe(one.bytes);
    expect(one.predicted.bytes).toBeLessThan(full.predicted.bytes * 0.05);
    expect(one.predicted.batchesPruned).toBeGreaterThan(0);
  });
});
