/**
 * VortexFile reads against the committed sample (written by vortex-data): projections, row
 * ranges, sources, where-pruning against a naive filter, statistics and coded errors.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { and, eq, EngineError, ge, gt, isNull, lt, MemorySource, not, or, type Predicate, VortexFile } from 'gyre';
import { evalRow } from '../../storage/vortex/predicate.js';
import { vectorValues } from '../helpers/arrow-values.js';

const SAMPLE = join(import.meta.dirname, '..', 'fixtures', 'sample', 'clips.vortex');

describe('VortexFile', () => {
  it('opens from a path, bytes and a byte source alike', async () => {
    const bytes = new Uint8Array(readFileSync(SAMPLE));
    const a = await VortexFile.open(SAMPLE);
    const b = await VortexFile.open(bytes);
    const src = new MemorySource(bytes);
    const c = await VortexFile.open(src);
    expect(a.rowCount).toBe(5000);
    expect(b.schema.fields.map((f) => f.name)).toEqual(a.schema.fields.map((f) => f.name));
    const ta = await a.read({ columns: ['clip_id', 'label'] });
    const tc = await c.read({ columns: ['clip_id', 'label'] });
    expect(vectorValues(tc.getChild('label')!)).toEqual(vectorValues(ta.getChild('label')!));
    await a.close();
  });

  it('reads only the tail and the planned segments', async () => {
    const src = new MemorySource(new Uint8Array(readFileSync(SAMPLE)));
    const f = await VortexFile.open(src);
    const afterOpen = src.stats.bytes;
    expect(afterOpen).toBeLessThan(src.size);
    await f.read({ columns: ['clip_id'] });
    const clipBytes = src.stats.bytes - afterOpen;
    expect(clipBytes).toBeLessThan(src.size / 4);
  });

  it('projects columns and row ranges', async () => {
    const f = await VortexFile.open(SAMPLE);
    const all = await f.read();
    const part = await f.read({ columns: ['frames', 'camera'], rows: [1234, 4321] });
    expect(part.schema.fields.map((x) => x.name)).toEqual(['frames', 'camera']);
    expect(part.numRows).toBe(4321 - 1234);
    expect(vectorValues(part.getChild('frames')!)).toEqual(vectorValues(all.getChild('frames')!).slice(1234, 4321));
    await f.close();
  });

  const cases: [string, Predicate][] = [
    ['eq string', eq('camera', 'front')],
    ['range', and(ge('clip_id', 1000n), lt('clip_id', 1500n))],
    ['float', gt('confidence', 0.99)],
    ['nulls', isNull('label')],
    ['or/not', or(eq('label', 'car'), not(gt('duration', 5)))],
    ['nothing', gt('clip_id', 10_000_000n)],
  ];
  for (const [name, where] of cases) {
    it(`filters exactly: ${name}`, async () => {
      const f = await VortexFile.open(SAMPLE);
      const all = await f.read();
      const names = all.schema.fields.map((x) => x.name);
      const expected: number[] = [];
      for (let i = 0; i < all.numRows; i++) {
        if (evalRow(where, (c) => all.getChild(c)!.get(i)) === true) expected.push(i);
      }
      const got = await f.read({ where, columns: ['clip_id'] });
      expect(vectorValues(got.getChild('clip_id')!)).toEqual(expected.map((i) => String(all.getChild('clip_id')!.get(i))));
      expect(names.length).toBeGreaterThan(0);
      await f.close();
    });
  }

  it('exposes file statistics', async () => {
    const f = await VortexFile.open(SAMPLE);
    expect(f.statistics.clip_id).toMatchObject({ min: 0n, max: 4999n, nullCount: 0 });
    await f.close();
  });

  it('rejects unknown columns and non-Vortex bytes with coded errors', async () => {
    const f = await VortexFile.open(SAMPLE);
    await expect(f.read({ columns: ['nope'] })).rejects.toMatchObject({ code: 'unknown-column' });
    await expect(VortexFile.open(new Uint8Array(100))).rejects.toBeInstanceOf(EngineError);
    await expect(VortexFile.open(new Uint8Array(100))).rejects.toMatchObject({ code: 'vortex-corrupt' });
    await expect(VortexFile.open('/nonexistent/x.vortex')).rejects.toMatchObject({ code: 'io-error' });
    await f.close();
  });
});
