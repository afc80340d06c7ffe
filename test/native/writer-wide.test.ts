/**
 * Wide values (image-sized binaries) are chunked by bytes, not by zone: a chunk is the unit every
 * read and seek decodes, so ~1 MiB chunks (a power of two of rows) rather than one chunk of many
 * MiB per 8192-row zone. The files stay valid Vortex: vortex-data 0.76 and 0.90 read them back
 * equal, and zone-map pruning and row ranges still work across chunks smaller than a zone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Binary, Int64, makeData, RecordBatch, Schema, Field, Struct, Table, vectorFromArray } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';

import { gt } from '../../storage/vortex/predicate.js';
import { VortexFile } from '../../storage/vortex/vortex-file.js';
import { readBackAll } from '../helpers/read-back.js';
import { VERSIONS } from '../setup/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'gyre-wide-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ROWS = 10_000, WIDTH = 3000;

function table(): Table {
  let x = 12345;
  const blobs = Array.from({ length: ROWS }, (_, i) => {
    const a = new Uint8Array(WIDTH);
    for (let k = 0; k < WIDTH; k++) a[k] = (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 24;
    a[0] = i & 255;
    return a;
  });
  const id = makeData({ type: new Int64(), length: ROWS, nullCount: 0, data: BigInt64Array.from({ length: ROWS }, (_, i) => BigInt(i)) });
  const img = vectorFromArray(blobs, new Binary()).data[0]!;
  const schema = new Schema([new Field('id', new Int64(), false), new Field('img', new Binary(), false)]);
  return new Table(schema, [new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: ROWS, nullCount: 0, children: [id, img] }))]);
}

describe('wide values', () => {
  it('are written in ~1 MiB chunks, read back equal by gyre and vortex-data, and pruned by zone maps', async () => {
    const t = table();
    const path = join(dir, 'wide.vortex');
    await VortexFile.write(path, t);
    const f = await VortexFile.open(path);
    const bounds = f.chunkBounds('img');
    // 1 MiB / 3000 bytes → 349 rows → 256-row chunks (a power of two, tiling the 8192-row zones).
    expect(bounds.slice(0, 4)).toEqual([0, 256, 512, 768]);
    expect(bounds[bounds.length - 1]).toBe(ROWS);
    // The narrow key column keeps zone-multiple chunks.
    expect(f.chunkBounds('id')).toEqual([0, ROWS]);
    const back = await f.read();
    expect(back.numRows).toBe(ROWS);
    const want = t.getChild('img')!, got = back.getChild('img')!;
    for (const i of [0, 1, 255, 256, 8191, 8192, ROWS - 1]) expect(Buffer.from(got.get(i) as Uint8Array).equals(Buffer.from(want.get(i) as Uint8Array))).toBe(true);
    // Zone maps prune whole zones (8192 rows = 32 chunks).
    let rows = 0;
    for await (const b of f.scan({ columns: ['id', 'img'], where: gt('id', BigInt(ROWS - 100)) })) rows += b.numRows;
    expect(rows).toBe(99);
    expect(f.lastScan.chunksPruned).toBeGreaterThanOrEqual(32);
    await f.close();

    const oracle = await readBackAll([path], dir);
    for (const v of VERSIONS) {
      expect(oracle.result(v, path)?.error ?? 'ok').toBe('ok');
      const o = oracle.table(v, path);
      expect(o.numRows).toBe(ROWS);
      for (const i of [0, 300, 8200, ROWS - 1]) expect(Buffer.from(o.getChild('img')!.get(i) as Uint8Array).equals(Buffer.from(want.get(i) as Uint8Array))).toBe(true);
    }
  });
});
