/**
 * Sideways information passing: as a filtered parent stream skips keys, the merge join passes
 * seek bounds to the child scan, which skips whole fragments and decode units in storage. The
 * result is the same with and without; the child reads far less.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Float64, Utf8 } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { datasetSchema, keyed, positional, scalar } from '../../logical/schema.js';
import { Dataset } from '../../physical/dataset.js';
import { collect } from '../../physical/run.js';
import { type Database, open } from '../../storage/tables/catalog.js';

const schema = datasetSchema('sip', {
  scenes: keyed(new Utf8(), {
    clips: keyed(new Utf8(), { duration: scalar(new Float64()), frames: positional({ v: scalar(new Float64()) }) }),
  }),
});

let dir: string;
let db: Database;
let ds: Dataset<NonNullable<(typeof schema)['__roots']>>;
const COMMITS = 8;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gyre-sip-'));
  db = await open(dir);
  ds = await Dataset.open(db, 'sip', { schema });
  // One commit per block of scenes: every collection gets one fragment per commit, in key order.
  for (let k = 0; k < COMMITS; k++) {
    await ds.write(
      'scenes',
      Array.from({ length: 10 }, (_, s) => ({
        _id: `s${k}${s}`,
        clips: Array.from({ length: 3 }, (_, c) => ({ _id: `c${c}`, duration: k * 100 + s * 10 + c, frames: Array.from({ length: 400 }, (_, f) => ({ v: f })) })),
      })),
    );
  }
});

afterAll(async () => {
  await ds.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('sideways information passing', () => {
  it('a selective parent filter makes the child scan skip fragments; results are unchanged', async () => {
    const { scenes } = ds.collections;
    // Two clips of the last block match (≈1% of clips).
    const clips = scenes.clips.where(scenes.clips.duration.ge((COMMITS - 1) * 100 + 90));
    const q = ds.scan([clips.frames.v, clips.duration]);
    const plan = async (sideways: boolean): Promise<{ rows: number; bytes: number }> => {
      const e = await q.explain({ analyze: true, data: true, sideways, format: 'json' });
      const frames = e.reads!.find((r) => r.collection.endsWith('.frames'))!;
      return { rows: e.plan.metrics!.rowsOut, bytes: frames.actualBytes };
    };
    const off = await plan(false);
    const on = await plan(true);
    expect(on.rows).toBe(off.rows);
    expect(on.rows).toBe(3 * 400);
    expect(on.bytes).toBeLessThan(off.bytes * 0.3);
    // Same rows either way, and the same as the plan run directly.
    const a = await collect(await q.plan(), { batchRows: 8192, sideways: true });
    const b = await collect(await q.plan(), { batchRows: 8192, sideways: false });
    const text = (t: typeof a): string[] => t.toArray().map((r) => JSON.stringify(r, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v)));
    expect(text(a)).toEqual(text(b));
    expect(text(a)).toHaveLength(3 * 400);
  });
});
