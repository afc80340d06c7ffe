/**
 * Row selection (`get`, `at`, key tables) reads as seeks: the scans read the selected key
 * ranges only, and results equal a full scan filtered in JS.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Float64, tableFromArrays, Utf8 } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { CollectionRef, ExprRef } from '../../logical/fluent.js';
import { datasetSchema, keyed, positional, scalar } from '../../logical/schema.js';
import { Dataset, type DatasetScan } from '../../physical/dataset.js';
import { defaultContext, type PhysicalOperator } from '../../physical/operator.js';
import { ScanOp } from '../../physical/scan.js';
import { type Database, open } from '../../storage/tables/catalog.js';

const schema = datasetSchema('rec', {
  scenes: keyed(new Utf8(), {
    location: scalar(new Utf8()),
    clips: keyed(new Utf8(), {
      duration: scalar(new Float64()),
      frames: positional({ v: scalar(new Float64()) }),
    }),
  }),
});

const sceneIds = Array.from({ length: 30 }, (_, i) => `s${String(i).padStart(2, '0')}`);
const clipCount = (s: number): number => s % 4; // 0..3 clips
const frameCount = (s: number, c: number): number => (s + c) % 5; // 0..4 frames

let dir: string;
let db: Database;
let ds: Dataset;
let scenes: CollectionRef;
const child = (c: CollectionRef, name: string): CollectionRef => c[name] as CollectionRef;
const field = (c: CollectionRef, name: string): ExprRef => c[name] as ExprRef;

/** Runs a scan's plan, returning its rows and the Scan operators (with their metrics). */
async function run(scan: DatasetScan): Promise<{ rows: Record<string, unknown>[]; scans: ScanOp[] }> {
  const plan = await scan.plan();
  const scans: ScanOp[] = [];
  const walk = (op: PhysicalOperator): void => {
    if (op instanceof ScanOp) scans.push(op);
    op.children.forEach(walk);
  };
  walk(plan);
  const rows: Record<string, unknown>[] = [];
  for await (const b of plan.execute(defaultContext())) {
    for (const r of b.toArray()) rows.push({ ...(r as { toJSON(): Record<string, unknown> }).toJSON() });
  }
  return { rows, scans };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gyre-rowsel-'));
  db = await open(dir);
  ds = await Dataset.open(db, 'rec', { schema });
  await ds.write(
    'scenes',
    sceneIds.map((id, s) => ({
      _id: id,
      location: `loc${s % 3}`,
      clips: Array.from({ length: clipCount(s) }, (_, c) => ({
        _id: `c${c}`,
        duration: s * 10 + c,
        frames: Array.from({ length: frameCount(s, c) }, (_, f) => ({ v: s * 100 + c * 10 + f })),
      })),
    })),
  );
  scenes = ds.collections.scenes!;
});

afterAll(async () => {
  await ds.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('row selection as seeks', () => {
  it('get() on a root reads only that key', async () => {
    const s = scenes.get('s05');
    const { rows, scans } = await run(ds.scan([field(s, 'location')]));
    expect(rows.map((r) => r['location'])).toEqual(['loc2']);
    expect(scans).toHaveLength(1);
    expect(scans[0]!.metrics.seeks).toBe(1);
    expect(scans[0]!.metrics.rowsOut).toBe(1);
  });

  it('a pinned scene scopes its clips and frames; ancestors are read by seek too', async () => {
    const clips = child(scenes.get(['s07', 's03', 's07']), 'clips'); // unsorted, with a duplicate
    const frames = child(clips, 'frames');
    const { rows, scans } = await run(ds.scan([field(frames, 'v'), field(clips, 'duration'), field(scenes, 'location')]));
    const expected: number[] = [];
    for (const s of [3, 7]) for (let c = 0; c < clipCount(s); c++) for (let f = 0; f < frameCount(s, c); f++) expected.push(s * 100 + c * 10 + f);
    expect(rows.map((r) => r['v'])).toEqual(expected);
    for (const sc of scans) expect(sc.metrics.seeks).toBe(2);
    const total = scans.reduce((n, sc) => n + sc.metrics.rowsOut, 0);
    // frames + their clips + their scenes: nothing else was read.
    expect(total).toBe(expected.length + clipCount(3) + clipCount(7) + 2);
  });

  it('nested get() multiplies into full key prefixes; at() selects positions', async () => {
    const clip = child(scenes.get(['s06', 's10']), 'clips').get(['c1', 'c0']);
    const frames = child(clip, 'frames').at([1, 0]);
    const { rows, scans } = await run(ds.scan([field(frames, 'v')]));
    const expected: number[] = [];
    for (const s of [6, 10]) for (const c of [0, 1]) for (const f of [0, 1]) if (c < clipCount(s) && f < frameCount(s, c)) expected.push(s * 100 + c * 10 + f);
    expect(rows.map((r) => r['v'])).toEqual(expected);
    const frameScan = scans.find((sc) => sc.label === 'rec.scenes.clips.frames')!;
    expect(frameScan.metrics.seeks).toBe(8);
    expect(frameScan.metrics.rowsOut).toBe(expected.length);
  });

  it('a multi-level key table selects exactly its rows', async () => {
    const keys = tableFromArrays({ scenes: ['s09', 's01', 's05', 's05', 's02'], 'scenes.clips': ['c2', 'c0', 'c1', 'c9', 'c0'] });
    const clips = child(scenes, 'clips').get(keys);
    const { rows, scans } = await run(ds.scan([field(clips, 'duration')]));
    // s01 and s02 have a clip c0; s09 has one clip (no c2), s05 one clip (no c1, no c9).
    expect(rows.map((r) => r['duration'])).toEqual([10, 20]);
    expect(scans[0]!.metrics.seeks).toBe(5);
    expect(scans[0]!.metrics.rowsOut).toBe(2);
  });

  it('a selection below an unpinned level stays a filter and is still exact', async () => {
    const clips = child(scenes, 'clips').get('c2');
    const { rows } = await run(ds.scan([field(clips, 'duration')]));
    const expected = sceneIds.flatMap((_, s) => (clipCount(s) > 2 ? [s * 10 + 2] : []));
    expect(rows.map((r) => r['duration'])).toEqual(expected);
  });

  it('value() reads one fully specified value', async () => {
    const f = child(child(scenes.get('s07'), 'clips').get('c2'), 'frames').at(3);
    expect(await ds.value(field(f, 'v'))).toBe(723);
  });

  it('bad selections give coded errors', () => {
    expect(() => scenes.get(null)).toThrow(expect.objectContaining({ code: 'null-key' }));
    expect(() => child(scenes, 'clips').get(tableFromArrays({ scene: ['s1'], clip: ['c1'] }))).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    expect(() => scenes.at(0)).toThrow(expect.objectContaining({ code: 'level-error' }));
  });

  it('nested output maps become struct columns', async () => {
    const clips = child(scenes.get('s05'), 'clips');
    const t = await ds.scan([{ d: field(clips, 'duration'), meta: { loc: field(scenes, 'location'), deep: { twice: field(clips, 'duration').mul(2) } } }]).toArrow();
    expect(t.schema.fields.map((f) => f.name)).toEqual(['d', 'meta']);
    expect(t.toArray().map((r) => JSON.parse(JSON.stringify(r)) as unknown)).toEqual([
      { d: 50, meta: { loc: 'loc2', deep: { twice: 100 } } },
    ]);
  });
});
