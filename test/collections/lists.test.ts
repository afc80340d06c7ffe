/**
 * Lists and child collections are one abstraction (seed 002): a list column explodes into a
 * child level, reductions on a list column work on each row's elements, and `list()` of a
 * child collection explodes back to the same values. Checked against a naive model on random
 * lists (empty, null, with null elements).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Field, Float64, List, Utf8 } from 'apache-arrow';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { CollectionRef, ExprRef } from '../../logical/fluent.js';
import { datasetSchema, keyed, scalar } from '../../logical/schema.js';
import { Dataset } from '../../physical/dataset.js';
import { type Database, open } from '../../storage/tables/catalog.js';

const schema = datasetSchema('lists', {
  scenes: keyed(new Utf8(), {
    location: scalar(new Utf8()),
    tags: scalar(new List(new Field('item', new Utf8(), true))),
    scores: scalar(new List(new Field('item', new Float64(), true))),
    clips: keyed(new Utf8(), { duration: scalar(new Float64()) }),
  }),
});

interface Scene {
  _id: string;
  location: string;
  tags: (string | null)[] | null;
  scores: (number | null)[] | null;
  clips: { _id: string; duration: number }[];
}

const sceneArb = fc.record({
  tags: fc.option(fc.array(fc.option(fc.constantFrom('car', 'bus', 'x', ''), { nil: null }), { maxLength: 5 }), { nil: null }),
  scores: fc.option(fc.array(fc.option(fc.integer({ min: -50, max: 50 }), { nil: null }), { maxLength: 6 }), { nil: null }),
  clips: fc.array(fc.integer({ min: 0, max: 100 }), { maxLength: 3 }),
});

let dir: string;
let db: Database;
let n = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gyre-lists-'));
  db = await open(dir);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const f = (c: CollectionRef, name: string): ExprRef => c[name] as ExprRef;
const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (_, x: unknown) => (typeof x === 'bigint' ? Number(x) : x))) as unknown;

interface Raw {
  tags: (string | null)[] | null;
  scores: (number | null)[] | null;
  clips: number[];
}

async function load(raw: Raw[]): Promise<{ ds: Dataset; scenes: CollectionRef; model: Scene[] }> {
  const model: Scene[] = raw.map((r, i) => ({
    _id: `s${String(i).padStart(3, '0')}`,
    location: `l${i % 3}`,
    tags: r.tags,
    scores: r.scores,
    clips: r.clips.map((d, j) => ({ _id: `c${j}`, duration: d })),
  }));
  const ds = await Dataset.open(db, `lists${n++}`, { schema: { ...schema, name: `lists${n}` } });
  if (model.length) await ds.write('scenes', model.map((s) => ({ ...s })));
  return { ds, scenes: ds.collections.scenes!, model };
}

const nonNull = <T,>(xs: readonly (T | null)[] | null): T[] => (xs ?? []).filter((x): x is T => x !== null);

describe('lists as child levels', () => {
  it('explode, element reductions, len and list() agree with a naive model', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(sceneArb, { maxLength: 8 }), async (raw) => {
        const { ds, scenes, model } = await load(raw);
        try {
          const tags = f(scenes, 'tags'), scores = f(scenes, 'scores');
          // explode: one row per element, the scene's fields broadcast.
          const ex = plain((await ds.scan([{ tag: tags.explode(), loc: f(scenes, 'location') }]).toArrow()).toArray());
          expect(ex).toEqual(model.flatMap((s) => (s.tags ?? []).map((t) => ({ tag: t, loc: s.location }))));
          // element reductions stay at the scene level.
          const red = plain(
            (await ds.scan([{ id: scenes._id, n: tags.count(), len: tags.len(), sum: scores.sum(), max: scores.max(), mean: scores.mean(), anyCar: tags.any((t) => t.eq('car')) }]).toArrow()).toArray(),
          );
          expect(red).toEqual(
            model.map((s) => {
              const xs = nonNull(s.scores);
              return {
                id: s._id,
                n: nonNull(s.tags).length,
                len: s.tags === null ? null : s.tags.length,
                sum: xs.length ? xs.reduce((a, b) => a + b, 0) : null,
                max: xs.length ? Math.max(...xs) : null,
                mean: xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null,
                anyCar: (s.tags ?? []).includes('car'),
              };
            }),
          );
          // list() of a child collection explodes back to the child's values.
          const back = plain((await ds.scan([{ d: f(scenes.clips as CollectionRef, 'duration').list().explode() }]).toArrow()).toArray());
          expect(back).toEqual(model.flatMap((s) => s.clips.map((c) => ({ d: c.duration }))));
        } finally {
          await ds.close();
        }
      }),
      { numRuns: 25 },
    );
  });

  it('list() of a list column is the list itself; explode of a non-list is an error', async () => {
    const { ds, scenes } = await load([{ tags: ['a', 'b'], scores: [1], clips: [] }]);
    try {
      const t = f(scenes, 'tags');
      expect(t.list()).toBe(t);
      await expect(ds.scan([f(scenes, 'location').explode()]).toArrow()).rejects.toMatchObject({ code: 'invalid-argument' });
    } finally {
      await ds.close();
    }
  });
});
