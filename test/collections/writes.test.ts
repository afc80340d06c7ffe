/**
 * The write spellings of a dataset: nested records, records and Arrow tables under a pinned
 * parent, bulk upserts of fully keyed Arrow tables, and scoped writers committing as one
 * transaction (or not at all). Each is checked by reading back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Float64, tableFromArrays, Utf8 } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { datasetSchema, keyed, positional, scalar, struct } from '../../logical/schema.js';
import { Dataset } from '../../physical/dataset.js';
import { type Database, open } from '../../storage/tables/catalog.js';

const schema = datasetSchema('w', {
  scenes: keyed(new Utf8(), {
    location: scalar(new Utf8()),
    meta: struct({ weather: scalar(new Utf8()) }),
    clips: keyed(new Utf8(), {
      duration: scalar(new Float64()),
      frames: positional({ v: scalar(new Float64()) }),
    }),
  }),
});

let dir: string;
let db: Database;
let ds: Dataset<NonNullable<(typeof schema)['__roots']>>;

const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (_, x: unknown) => (typeof x === 'bigint' ? Number(x) : x))) as unknown;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gyre-writes-'));
  db = await open(dir);
  ds = await Dataset.open(db, 'w', { schema });
});

afterAll(async () => {
  await ds.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('dataset writes', () => {
  it('a scoped writer commits everything as one version, or nothing when it throws', async () => {
    const before = (await ds.table('scenes').transactions()).length;
    await ds.write('scenes', async (w) => {
      for (const id of ['s1', 's2']) {
        await Promise.resolve();
        w.put({ _id: id, location: `at-${id}`, meta: { weather: 'sunny' }, clips: [{ _id: 'c1', duration: 10, frames: [{ v: 1 }, { v: 2 }] }] });
      }
    });
    expect((await ds.table('scenes').transactions()).length).toBe(before + 1);
    await expect(
      ds.write('scenes', (w) => {
        w.put({ _id: 's3', location: 'never' });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const { scenes } = ds.collections;
    expect(plain((await ds.scan([scenes._id, scenes.location, scenes.meta.weather]).toArrow()).toArray())).toEqual([
      { _id: 's1', location: 'at-s1', weather: 'sunny' },
      { _id: 's2', location: 'at-s2', weather: 'sunny' },
    ]);
  });

  it('records and Arrow tables under a pinned parent; positional collections are replaced whole', async () => {
    const { scenes } = ds.collections;
    const frames = scenes.get('s1').clips.get('c1').frames;
    await ds.write(frames, tableFromArrays({ v: new Float64Array([7, 8, 9]) }));
    expect(plain((await ds.scan([frames.v]).toArrow()).toArray())).toEqual([{ v: 7 }, { v: 8 }, { v: 9 }]);
    await ds.write(frames, [{ v: 5 }]);
    expect(plain((await ds.scan([frames._pos, frames.v]).toArrow()).toArray())).toEqual([{ _pos: 0, v: 5 }]);
    // Keyed: an upsert by _id (other clips stay).
    await ds.write(scenes.get('s1').clips, [{ _id: 'c2', duration: 20 }]);
    await ds.write(scenes.get('s1').clips, tableFromArrays({ _id: ['c1'], duration: new Float64Array([11]) }));
    const clips = scenes.get('s1').clips;
    expect(plain((await ds.scan([clips._id, clips.duration]).toArrow()).toArray())).toEqual([
      { _id: 'c1', duration: 11 },
      { _id: 'c2', duration: 20 },
    ]);
    // Frames of s2 were not touched by any of this.
    expect(plain((await ds.scan([scenes.get('s2').clips.frames.v]).toArrow()).toArray())).toEqual([{ v: 1 }, { v: 2 }]);
  });

  it('bulk upserts of fully keyed Arrow tables, column by column', async () => {
    const n = 5000;
    // Parents first: a child row is visible through its parent (every child has a parent).
    const ids = Array.from({ length: 14 }, (_, i) => i);
    await ds.write('scenes.clips', tableFromArrays({ 'scenes._id': ids.map((i) => (i < 7 ? 's1' : 's2')), _id: ids.map((i) => `k${i % 7}`), duration: Float64Array.from(ids) }));
    const t = tableFromArrays({
      'scenes._id': Array.from({ length: n }, (_, i) => `s${i % 2 ? 1 : 2}`),
      'clips._id': Array.from({ length: n }, (_, i) => `k${i % 7}`),
      _pos: BigUint64Array.from({ length: n }, (_, i) => BigInt(i)),
      v: Float64Array.from({ length: n }, (_, i) => i),
    });
    await ds.write('scenes.clips.frames', t);
    const { scenes } = ds.collections;
    const fr = scenes.get('s1').clips.get('k3').frames;
    const got = plain((await ds.scan([fr._pos, fr.v]).toArrow()).toArray()) as { _pos: number; v: number }[];
    const expected = Array.from({ length: n }, (_, i) => i).filter((i) => i % 2 === 1 && i % 7 === 3).map((i) => ({ _pos: i, v: i }));
    expect(got).toEqual(expected);
  });

  it('mistakes are coded errors and write nothing', async () => {
    const { scenes } = ds.collections;
    await expect(ds.write(scenes.clips, [{ _id: 'x', duration: 1 }])).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(ds.write('scenes.clips', tableFromArrays({ duration: new Float64Array([1]) }))).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(ds.write('scenes.clips.frames', tableFromArrays({ 'scenes._id': ['s1'], 'clips._id': ['c1'], _pos: BigUint64Array.of(0n), nope: [1] }))).rejects.toMatchObject({ code: 'unknown-column' });
    await expect(ds.write('scenes', [{ _id: 's9', bogus: 1 }])).rejects.toMatchObject({ code: 'unknown-column' });
    expect(plain((await ds.scan([scenes._id]).toArrow()).toArray())).toEqual([{ _id: 's1' }, { _id: 's2' }]);
  });
});
