/**
 * `gyre demo`: the main job, growing with every feature. Today: write a sample clips dataset with
 * the official vortex-data library when its virtualenv is present (else use the committed
 * sample), inspect it, print rows, run a filtered read that zone maps prune, then rewrite the
 * dataset with gyre's own writer and read it back.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { and, eq, gt, lt } from '../storage/vortex/predicate.js';
import { VortexFile } from '../storage/vortex/vortex-file.js';
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
  } finally {
    await f.close();
  }
}
