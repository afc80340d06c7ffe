import { Schema } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { batchOf } from '../../physical/batches.js';
import { MergeJoinOp } from '../../physical/join.js';
import { ValuesOp } from '../../physical/values.js';
import {
  arbSizes, arbTree, CLIP_KEYS, clipRows, clipSchema, ctxOf, DET_KEYS, detRows, detSchema, drain, expectCode, field, i32, i64, listOf, f64,
  plain, type Row, rowsOf, run, SCENE_KEYS, sceneRows, sceneSchema, source, synthBatches, synthSchema, TrackedSource,
} from './helpers.js';

const key = (r: Row, keys: readonly string[]): string => JSON.stringify(keys.map((k) => r[k]));
const pick = (r: Row, cols: readonly string[]): Row => Object.fromEntries(cols.map((c) => [c, r[c] ?? null]));

/** Per-clip reductions: n = number of detections (int64), xs = their confidences. */
const redSchema = new Schema([clipSchema.fields[0]!, clipSchema.fields[1]!, field('n', i64, false), field('xs', listOf(f64), false)]);

describe('MergeJoinOp broadcast', () => {
  it('gives every child row its parent columns and drops orphans (detections ⋈ clips)', async () => {
    await fc.assert(
      fc.asyncProperty(arbTree(), fc.array(fc.boolean(), { maxLength: 30 }), arbSizes, arbSizes, fc.integer({ min: 1, max: 9 }), async (tree, mask, ps, cs, batchRows) => {
        const parents = clipRows(tree).filter((_, i) => mask[i] ?? true);
        const children = detRows(tree);
        const op = new MergeJoinOp(source(clipSchema, parents, ps, CLIP_KEYS), source(detSchema, children, cs, DET_KEYS), { kind: 'broadcast' });
        expect(op.schema.names).toEqual([...DET_KEYS, 'duration', 'camera', 'confidence', 'ts', 'label', 'count']);
        const byKey = new Map(parents.map((p) => [key(p, CLIP_KEYS), p]));
        const expected = children.flatMap((c) => {
          const p = byKey.get(key(c, CLIP_KEYS));
          return p ? [plain({ ...pick(c, DET_KEYS), duration: p.duration, camera: p.camera, ...pick(c, ['confidence', 'ts', 'label', 'count']) }, ['_pos', 'count'])] : [];
        });
        expect(rowsOf(await run(op, { batchRows }))).toEqual(expected);
        expect(op.ordering.keys).toEqual(DET_KEYS);
      }),
      { seed: 4001, numRuns: 100 },
    );
  });

  it('broadcasts a one-column key (clips ⋈ scenes)', async () => {
    await fc.assert(
      fc.asyncProperty(arbTree(6, 3, 0), fc.array(fc.boolean(), { maxLength: 8 }), arbSizes, arbSizes, async (tree, mask, ps, cs) => {
        const parents = sceneRows(tree).filter((_, i) => mask[i] ?? true);
        const op = new MergeJoinOp(source(sceneSchema, parents, ps, SCENE_KEYS), source(clipSchema, clipRows(tree), cs, CLIP_KEYS), { kind: 'broadcast' });
        const loc = new Map(parents.map((p) => [p['scenes._id'], p.location]));
        const expected = clipRows(tree).flatMap((c) => (loc.has(c['scenes._id']) ? [{ ...pick(c, CLIP_KEYS), location: loc.get(c['scenes._id']), duration: c.duration, camera: c.camera }] : []));
        expect(rowsOf(await run(op))).toEqual(expected);
      }),
      { seed: 4002, numRuns: 100 },
    );
  });
});

describe('MergeJoinOp left', () => {
  it('keeps every domain row and attaches reductions, null or filled where missing', async () => {
    await fc.assert(
      fc.asyncProperty(arbTree(), fc.array(fc.boolean(), { maxLength: 30 }), fc.array(fc.boolean(), { maxLength: 30 }), arbSizes, arbSizes, fc.boolean(), async (tree, lmask, rmask, ls, rs, filled) => {
        const domain = clipRows(tree).filter((_, i) => lmask[i] ?? true);
        const reds = tree.flatMap((s) => s.clips.map((c) => ({ 'scenes._id': s.id, 'clips._id': c.id, n: c.dets.length, xs: c.dets.map((d) => d.confidence) }))).filter((_, i) => rmask[i] ?? true);
        const spec = filled ? { kind: 'left' as const, fill: { n: 0, xs: [] } } : { kind: 'left' as const };
        const op = new MergeJoinOp(source(clipSchema, domain, ls, CLIP_KEYS), source(redSchema, reds, rs, CLIP_KEYS), spec);
        expect(op.schema.names).toEqual([...CLIP_KEYS, 'duration', 'camera', 'n', 'xs']);
        expect(op.schema.fields[4]!.nullable).toBe(!filled);
        const byKey = new Map(reds.map((r) => [key(r, CLIP_KEYS), r]));
        const expected = domain.map((d) => {
          const r = byKey.get(key(d, CLIP_KEYS));
          return { ...d, n: r ? String(r.n) : filled ? '0' : null, xs: r ? r.xs : filled ? [] : null };
        });
        expect(rowsOf(await run(op))).toEqual(expected);
        expect(op.ordering.keys).toEqual(CLIP_KEYS);
      }),
      { seed: 4003, numRuns: 100 },
    );
  });

  it('looks up by a key prefix of the domain (clips with their scene, missing scenes null)', async () => {
    await fc.assert(
      fc.asyncProperty(arbTree(6, 3, 0), fc.array(fc.boolean(), { maxLength: 8 }), arbSizes, arbSizes, async (tree, mask, ls, rs) => {
        const scenes = sceneRows(tree).filter((_, i) => mask[i] ?? true);
        const op = new MergeJoinOp(source(clipSchema, clipRows(tree), ls, CLIP_KEYS), source(sceneSchema, scenes, rs, SCENE_KEYS), { kind: 'left', fill: { location: '?' } });
        const loc = new Map(scenes.map((p) => [p['scenes._id'], p.location]));
        const expected = clipRows(tree).map((c) => ({ ...c, location: loc.has(c['scenes._id']) ? loc.get(c['scenes._id']) : '?' }));
        expect(rowsOf(await run(op))).toEqual(expected);
      }),
      { seed: 4004, numRuns: 100 },
    );
  });
});

describe('MergeJoinOp contract', () => {
  const clip = (s: string, c: number): Row => ({ 'scenes._id': s, 'clips._id': c, duration: 1, camera: null });
  const det = (s: string, c: number, p: number): Row => ({ 'scenes._id': s, 'clips._id': c, _pos: p, confidence: null, ts: null, label: null, count: null });

  it('fails with unsorted-input on unsorted or duplicate parents and on unsorted children', async () => {
    const kids = [det('a', 1, 0), det('b', 1, 0), det('c', 1, 0)];
    const bad = async (parents: Row[], children: Row[]): Promise<void> =>
      expectCode(drain(new MergeJoinOp(source(clipSchema, parents, [1], CLIP_KEYS), source(detSchema, children, [1], DET_KEYS), { kind: 'broadcast' })), 'unsorted-input');
    await bad([clip('b', 1), clip('a', 1)], kids);
    await bad([clip('a', 1), clip('a', 1), clip('b', 1)], kids);
    await bad([clip('a', 1), clip('b', 1)], [det('b', 1, 0), det('a', 1, 0)]);
    // Only what is read is checked: parents past the last child are never pulled.
    expect(await drain(new MergeJoinOp(source(clipSchema, [clip('b', 1), clip('a', 1)], [1], CLIP_KEYS), source(detSchema, [det('b', 1, 0)], [1], DET_KEYS), { kind: 'broadcast' }))).toBe(1);
  });

  it('checks its inputs at construction', () => {
    const clips = source(clipSchema, [], [1], CLIP_KEYS), dets = source(detSchema, [], [1], DET_KEYS);
    expect(() => new MergeJoinOp(dets, clips, { kind: 'broadcast' })).toThrow(/prefix/);
    expect(() => new MergeJoinOp(clips, dets, { kind: 'left' })).toThrow(/prefix/);
    expect(() => new MergeJoinOp(clips, clips, { kind: 'broadcast' })).toThrow(/both inputs have a column "duration"/);
    expect(() => new MergeJoinOp(clips, dets, { kind: 'broadcast', fill: { confidence: 0 } })).toThrow(/left join/);
    expect(() => new MergeJoinOp(clips, source(redSchema, [], [1], CLIP_KEYS), { kind: 'left', fill: { n: 'x' } })).toThrow(/not a Int64 value/);
    const j = new MergeJoinOp(clips, dets, { kind: 'broadcast' });
    expect(j.withChildren(j.children).schema.names).toEqual(j.schema.names);
    expect(j.maintainsInputOrder()).toEqual([false, true]);
    expect(j.displayParams()).toEqual([['kind', 'broadcast'], ['on', '[scenes._id, clips._id]']]);
  });

  it('is cancelled through the signal and closes both children', async () => {
    const pSchema = new Schema([field('p', i32, false), field('pv', f64)]);
    const parents = synthBatches(300, 10, 1).map((b) => batchOf(pSchema, [b.data.children[0]!, b.data.children[2]!], b.numRows));
    const p = new TrackedSource(new ValuesOp(pSchema, parents, { keys: ['p'] }));
    const c = new TrackedSource(new ValuesOp(synthSchema, synthBatches(1000, 10, 3), { keys: ['p', '_pos'] }), 5);
    await expectCode(drain(new MergeJoinOp(p, c, { kind: 'broadcast' }), ctxOf(c)), 'cancelled');
    expect(p.closed && c.closed).toBe(true);
  });

  it('holds a bounded number of rows on long streams', async () => {
    const pSchema = new Schema([field('p', i32, false), field('pv', f64)]);
    // 50k parents with 4 children each, parents in batches of 700 and children in batches of 1000.
    const parents = synthBatches(50_000, 700, 1).map((b) => batchOf(pSchema, [b.data.children[0]!, b.data.children[2]!], b.numRows));
    const op = new MergeJoinOp(new ValuesOp(pSchema, parents, { keys: ['p'] }), new ValuesOp(synthSchema, synthBatches(200_000, 1000, 4), { keys: ['p', '_pos'] }), { kind: 'broadcast' });
    expect(await drain(op, { batchRows: 1024 })).toBe(200_000);
    expect(op.metrics.peakRowsHeld).toBeLessThanOrEqual(1000 + 700 + 1024);
    const left = new MergeJoinOp(new ValuesOp(synthSchema, synthBatches(200_000, 1000, 4), { keys: ['p', '_pos'] }), new ValuesOp(pSchema, parents, { keys: ['p'] }), { kind: 'left' });
    expect(await drain(left, { batchRows: 1024 })).toBe(200_000);
    expect(left.metrics.peakRowsHeld).toBeLessThanOrEqual(1000 + 700 + 1024);
  });
});
