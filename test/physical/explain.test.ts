/**
 * EXPLAIN of dataset scans: the plan, ANALYZE metrics (rows match the result), and DATA — the
 * per-scan forecast from manifests and zone maps — against the bytes and reads the run then
 * makes (fresh files, so nothing is cached yet).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Float64, Utf8 } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { datasetSchema, keyed, positional, scalar } from '../../logical/schema.js';
import { Dataset } from '../../physical/dataset.js';
import { type Database, open } from '../../storage/tables/catalog.js';

const schema = datasetSchema('ex', {
  scenes: keyed(new Utf8(), {
    location: scalar(new Utf8()),
    clips: keyed(new Utf8(), { duration: scalar(new Float64()), dets: positional({ conf: scalar(new Float64()) }) }),
  }),
});

let dir: string;
let db: Database;
let ds: Dataset<NonNullable<(typeof schema)['__roots']>>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gyre-explain-'));
  db = await open(dir);
  ds = await Dataset.open(db, 'ex', { schema });
  // Three commits → three fragments per collection, with disjoint scene ranges.
  for (let k = 0; k < 3; k++) {
    await ds.write(
      'scenes',
      Array.from({ length: 40 }, (_, s) => ({
        _id: `s${k}${String(s).padStart(2, '0')}`,
        location: ['a', 'b'][s % 2]!,
        clips: Array.from({ length: 3 }, (_, c) => ({ _id: `c${c}`, duration: c * 10, dets: Array.from({ length: 200 }, (_, d) => ({ conf: (d % 100) / 100 })) })),
      })),
    );
  }
});

afterAll(async () => {
  await ds.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The lines of the physical plan section of an EXPLAIN text. */
const physicalSection = (text: string): string[] => text.split('\n').slice(text.split('\n').indexOf('physical plan:') + 1);

describe('EXPLAIN of dataset scans', () => {
  it('shows the plan: broadcast joins, the reduction and the scans', async () => {
    const { scenes } = ds.collections;
    const text = await ds.scan([scenes.clips.duration, scenes.location, scenes.clips.dets.conf.mean()]).explain();
    expect(text.split('\n').filter((l) => /^\S/.test(l))).toEqual(['logical plan:', 'optimized plan:', 'physical plan:']);
    const ops = physicalSection(text).map((l) => l.trim().split(' ')[0]);
    expect(ops).toEqual(['Project', 'MergeJoin', 'MergeJoin', 'Scan', 'Scan', 'GroupBy', 'Scan']);
    expect(text).toContain('kind=broadcast');
    expect(text).toContain('table=ex.scenes.clips.dets');
  });

  it('DATA ANALYZE: predicted bytes and reads match the run; ANALYZE rows match the result', async () => {
    const { scenes } = ds.collections;
    const q = ds.scan([scenes.clips.dets.conf, scenes.location]);
    // The forecast does not model sideways seeks (they can only skip data, after reading a zone map).
    const e = await q.explain({ analyze: true, data: true, sideways: false, format: 'json' });
    expect(e.plan.metrics!.rowsOut).toBe(3 * 40 * 3 * 200);
    expect(e.reads!.length).toBe(2);
    for (const r of e.reads!) {
      expect(r.actualBytes).toBeGreaterThan(0);
      expect(Math.abs(r.predictedBytes - r.actualBytes)).toBeLessThanOrEqual(r.actualBytes * 0.1);
      expect(r.predictedGets).toBe(r.actualGets);
    }
    const text = await ds.scan([scenes.location]).explain({ data: true });
    expect(text).toMatch(/↳ data: 3 of 3 fragments; 120 rows to decode; [\d.]+ (B|KiB) in \d+ reads/);
  });

  it('row selection prunes fragments by key range', async () => {
    const { scenes } = ds.collections;
    const e = await ds.scan([scenes.get('s105').clips.duration]).explain({ data: true, format: 'json' });
    const scans: { params: readonly (readonly [string, string])[]; data?: { fragmentsKept: number; fragmentsTotal: number; pruned: Record<string, number> } }[] = [];
    const walk = (n: typeof e.plan): void => {
      if (n.name === 'Scan') scans.push(n);
      n.children.forEach(walk);
    };
    walk(e.plan);
    expect(scans.length).toBeGreaterThan(0);
    for (const s of scans) {
      expect(s.data!.fragmentsKept).toBe(1);
      expect(s.data!.pruned['key range']).toBe(2);
    }
    expect(await ds.scan([scenes.get('s105').clips.duration]).toArrow().then((t) => t.numRows)).toBe(3);
  });

  it('level filters on stored columns run in storage: zone maps prune fragments', async () => {
    const { scenes } = ds.collections;
    const none = ds.scan([scenes.where(scenes.location.eq('zzz')).clips.duration]);
    const e = await none.explain({ data: true, format: 'json' });
    const scenesScan = JSON.stringify(e.plan);
    expect(scenesScan).toContain('"zone maps":3');
    expect((await none.toArrow()).numRows).toBe(0);
    const some = await ds.scan([scenes.where(scenes.location.eq('a').and(scenes._id.ge('s1'))).clips.duration]).toArrow();
    expect(some.numRows).toBe(2 * 20 * 3);
    const text = await ds.scan([scenes.where(scenes.location.eq('a')).location]).explain();
    expect(physicalSection(text).join('\n')).not.toContain('Filter');
    expect(text).toContain('where=');
  });

  it('DATA marks forecasts that sideways seeks can undercut as upper bounds', async () => {
    const { scenes } = ds.collections;
    const clips = scenes.clips.where(scenes.clips.dets.conf.max().gt(2));
    const text = await ds.scan([clips.dets.conf]).explain({ data: true });
    expect(text).toMatch(/↳ data: .*at most [\d,]+ rows to decode; .*\(sideways seeks may skip more\)/);
    const plain = await ds.scan([scenes.clips.duration, scenes.location]).explain({ data: true });
    expect(plain).not.toContain('at most');
  });
});
