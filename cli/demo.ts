/**
 * `gyre demo`: the main job, growing with every feature. Today: write a sample clips dataset with
 * the official vortex-data library when its virtualenv is present (else use the committed
 * sample), inspect it, print rows, run a filtered read that zone maps prune, rewrite the
 * dataset with gyre's own writer and read it back; then keep the clips in a table (keys, an
 * enrichment column group, manifests, point lookups, a snapshot) and in a collections tree
 * (scenes ⊃ clips: broadcasts and reductions).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Bool, Field, Float64, makeData, RecordBatch, Schema, Struct, type Table as ArrowTable, Utf8, vectorFromArray } from 'apache-arrow';

import type { CollectionRef, ExprRef } from '../logical/fluent.js';
import { datasetSchema, keyed, scalar } from '../logical/schema.js';
import { Dataset } from '../index.js';
import { open } from '../storage/tables/catalog.js';
import { and, eq, gt, lt } from '../storage/vortex/predicate.js';
import { VortexFile } from '../storage/vortex/vortex-file.js';
import { tablesCommand } from './tables.js';
import { formatTable } from './format.js';
import { inspect } from './vortex.js';

function repoRoot(): string {
  // cli/demo.ts in the source tree, dist/cli/demo.js when built.
  let dir = fileURLToPath(new URL('.', import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, 'test', 'fixtures', 'sample', 'clips.vortex'))) return dir;
    dir = resolve(dir, '..');
  }
  throw new Error('cannot find the gyre repository root');
}

export async function demo(dirArg?: string): Promise<void> {
  const root = repoRoot();
  const dir = resolve(dirArg ?? 'gyre-data/demo');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'clips.vortex');
  const python = ['0.90', '0.76'].map((v) => join(root, '.venv', `vortex-${v}`, 'bin', 'python')).find(existsSync);
  let written = false;
  if (python) {
    const r = spawnSync(python, [join(root, 'test', 'fixtures', 'sample', 'make_sample.py'), path, '20000'], {
      stdio: 'inherit',
    });
    written = r.status === 0;
  }
  if (!written) {
    copyFileSync(join(root, 'test', 'fixtures', 'sample', 'clips.vortex'), path);
    console.log(`vortex-data not set up here: using the committed sample → ${path}`);
  }
  console.log('\n== inspect ==');
  await inspect(path);
  const f = await VortexFile.open(path);
  try {
    console.log('\n== first 8 clips ==');
    const head = await f.read({ columns: ['scene_id', 'clip_id', 'camera', 'duration', 'label', 'confidence', 'recorded_at'], rows: [0, 8] });
    console.log(formatTable(head, 'table'));
    const where = and(eq('camera', 'front'), gt('confidence', 0.95), lt('clip_id', 6000n));
    console.log("\n== clips where camera = 'front' and confidence > 0.95 and clip_id < 6000 ==");
    const t0 = performance.now();
    const hits = await f.read({ columns: ['clip_id', 'camera', 'label', 'confidence'], where });
    const ms = performance.now() - t0;
    console.log(formatTable(hits.slice(0, 10), 'table'));
    const s = f.lastScan;
    console.log(
      `${hits.numRows} rows in ${ms.toFixed(1)} ms; chunks: ${s.chunksTotal} total, ${s.chunksPruned} pruned by zone maps; ` +
        `${s.rowsDecoded} rows decoded of ${f.rowCount}`,
    );
    console.log('\n== rewrite with gyre\'s own writer, read back ==');
    const copy = join(dir, 'clips.gyre.vortex');
    const t1 = performance.now();
    await VortexFile.write(copy, await f.read());
    const wms = performance.now() - t1;
    const g = await VortexFile.open(copy);
    try {
      const back = await g.read({ columns: ['clip_id'] });
      console.log(
        `${copy}: ${g.source.size} bytes (official writer: ${f.source.size}), ${back.numRows} rows, written in ${wms.toFixed(1)} ms`,
      );
    } finally {
      await g.close();
    }
    await tablesDemo(dir, await f.read());
  } finally {
    await f.close();
  }
}

/** The clips as a table and as a collections tree. */
async function tablesDemo(dir: string, clips: ArrowTable): Promise<void> {
  const root = join(dir, 'catalog');
  rmSync(root, { recursive: true, force: true });
  const db = await open(root);
  console.log(`\n== a table keyed by (scene_id, clip_id) in ${root} ==`);
  const t = await db.createTable('demo.clips', { keySchema: [new Field('scene_id', new Utf8()), new Field('clip_id', clips.schema.fields[1]!.type)] });
  const c1 = await t.write(clips);
  // Enrichment: a new column group `review` for some existing keys, no rewrite of the others.
  const sub = clips.slice(0, 1000);
  const ok = Array.from({ length: sub.numRows }, (_, i) => i % 7 !== 0);
  const review = makeData({
    type: new Struct([new Field('ok', new Bool(), true), new Field('note', new Utf8(), true)]),
    length: sub.numRows,
    nullCount: 0,
    children: [vectorFromArray(ok, new Bool()).data[0]!, vectorFromArray(ok.map((x) => (x ? null : 'blurry')), new Utf8()).data[0]!],
  });
  const fields = [clips.schema.fields[0]!, clips.schema.fields[1]!, new Field('review', review.type, false)];
  const keys = sub.batches.length === 1 ? sub.batches[0]! : null;
  const sid = keys ? keys.data.children[0]! : vectorFromArray(sub.getChild('scene_id')!.toArray() as string[], new Utf8()).data[0]!;
  const cid = keys ? keys.data.children[1]! : sub.getChild('clip_id')!.data[0]!;
  await t.write(new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: sub.numRows, nullCount: 0, children: [sid, cid, review] })));
  await tablesCommand('tables', ['manifests', '--table', 'demo.clips', '--root', root]);
  const flagged = await t.read({ columns: ['scene_id', 'clip_id', 'camera', 'review.note'], where: eq('review.ok', false), limit: 5 });
  console.log("\nclips whose review says not ok (first 5):");
  console.log(formatTable(flagged, 'table'));
  const first = clips.get(0)!.toJSON() as { scene_id: string; clip_id: bigint };
  const took = await t.take([[first.scene_id, first.clip_id]], { columns: ['clip_id', 'camera', 'review'] });
  console.log(`take (${first.scene_id}, ${first.clip_id}): ${JSON.stringify(took.get(0)?.toJSON(), (_, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))}`);
  console.log(`as of version ${c1.version} (before the enrichment) the table has columns: ${(await t.schema(c1.version)).fields.map((x) => x.name).join(', ')}`);

  console.log('\n== the same clips as a tree: scenes ⊃ clips ==');
  const ds = await Dataset.open(db, 'demo_tree', {
    schema: datasetSchema('demo_tree', { scenes: keyed(new Utf8(), { clips: keyed(new Utf8(), { camera: scalar(new Utf8()), duration: scalar(new Float64()), label: scalar(new Utf8()) }) }) }),
  });
  const byScene = new Map<string, Record<string, unknown>[]>();
  for (const r of clips.toArray() as { toJSON(): Record<string, unknown> }[]) {
    const o = r.toJSON();
    const list = byScene.get(o.scene_id as string) ?? [];
    list.push({ _id: String(o.clip_id), camera: o.camera, duration: o.duration, label: o.label });
    byScene.set(o.scene_id as string, list);
  }
  await ds.write('scenes', [...byScene].map(([id, cl]) => ({ _id: id, clips: cl })));
  const scenes = ds.collections.scenes!;
  const cl = scenes.clips as CollectionRef;
  const f = (c: CollectionRef, k: string): ExprRef => c[k] as ExprRef;
  const summary = await ds.scan([scenes._id, f(cl, 'duration').count(), f(cl, 'duration').mean(), f(cl, 'duration').max()]).toArrow();
  console.log('per scene: clip count, mean and max duration (a streaming group-by of clips to scenes):');
  console.log(formatTable(summary.slice(0, 6), 'table'));
  const broadcast = await ds.scan([f(cl, 'camera'), f(cl, 'duration'), f(cl, 'duration').sum({ per: scenes })], { limit: 4 }).toArrow();
  console.log('clips with their scene total (a broadcast of a per-scene reduction):');
  console.log(formatTable(broadcast, 'table'));
  await ds.close();
  await db.close();
}
