/**
 * Tables end to end, the same suite on local disk and on S3 (moto): catalog operations, column
 * groups (nested structs), schema evolution and dropped columns, snapshots by version and time,
 * transactions and abort, pruning, compaction and vacuum, key types.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  Binary,
  Bool,
  Field,
  Int8,
  Int32,
  Int64,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  tableFromArrays,
  TimestampMicrosecond,
  Uint16,
  Uint64,
  Utf8,
  vectorFromArray,
  type Data,
  type DataType,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';

import { open } from '../../storage/tables/catalog.js';
import { eq, ne } from '../../storage/vortex/predicate.js';
import { tableBackends } from '../helpers/table-backends.js';

const rows = (t: { toArray(): { toJSON(): Record<string, unknown> }[] }): Record<string, unknown>[] =>
  t.toArray().map((r) => JSON.parse(JSON.stringify(r.toJSON(), (_, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))) as Record<string, unknown>);

function col(values: unknown[], type: DataType): Data {
  return vectorFromArray(values as never[], type).data[0]!;
}

function struct(fields: [string, Data][]): Data {
  const type = new Struct(fields.map(([n, d]) => new Field(n, d.type, true)));
  return makeData({ type, length: fields[0]![1].length, nullCount: 0, children: fields.map(([, d]) => d) });
}

function batch(cols: Record<string, Data>): RecordBatch {
  const fields = Object.entries(cols).map(([n, d]) => new Field(n, d.type, true));
  const n = Object.values(cols)[0]!.length;
  return new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: n, nullCount: 0, children: Object.values(cols) }));
}

const media = (n: number, from = 0): RecordBatch => {
  const ks = Array.from({ length: n }, (_, i) => from + i);
  return batch({
    page_url: col(ks.map((k) => `https://p/${k % 3}`), new Utf8()),
    key: col(ks.map((k) => BigInt(k)), new Int64()),
    caption: col(ks.map((k) => `caption ${k}`), new Utf8()),
    context: struct([['page_description', col(ks.map((k) => `long text ${k}`), new Utf8())]]),
  });
};

for (const backend of tableBackends()) {
  describe(`tables — ${backend.name}`, () => {
    it('catalog: create, list, rename, move, drop, existOk, projects', async () => {
      const db = await backend.db();
      const key = { id: new Int64() };
      await db.createTable('raw.events', { keySchema: key });
      await db.createTable('clips', { keySchema: key });
      await db.project('lab').createTable('ds.t', { keySchema: key });
      expect((await db.listTables()).map((t) => t.identifier)).toEqual(['default.default.clips', 'default.raw.events', 'lab.ds.t']);
      expect((await db.project('lab').listTables()).map((t) => t.name)).toEqual(['t']);
      await expect(db.createTable('raw.events', { keySchema: key })).rejects.toMatchObject({ code: 'table-exists' });
      const again = await db.createTable('raw.events', { keySchema: key, existOk: true });
      expect(again.identifier).toBe('default.raw.events');
      await expect(db.createTable('raw.events', { keySchema: { other: new Utf8() }, existOk: true })).rejects.toMatchObject({ code: 'table-exists' });
      const t = await db.table('raw.events');
      await t.write(tableFromArrays({ id: BigInt64Array.from([1n, 2n]), v: Int32Array.from([10, 20]) }));
      await db.renameTable('raw.events', 'events2');
      await db.moveTable('raw.events2', 'curated');
      await expect(db.table('raw.events')).rejects.toMatchObject({ code: 'table-not-found' });
      const moved = await db.table('curated.events2');
      expect(moved.id).toBe(t.id);
      expect(rows(await moved.read())).toEqual([{ id: 1, v: 10 }, { id: 2, v: 20 }]);
      await expect(db.renameTable('curated.events2', 'clips')).resolves.toBeUndefined();
      await expect(db.moveTable('curated.clips', 'default')).rejects.toMatchObject({ code: 'table-exists' });
      await db.dropTable('curated.clips');
      await expect(db.table('curated.clips')).rejects.toMatchObject({ code: 'table-not-found' });
      await expect(db.dropTable('curated.clips')).rejects.toMatchObject({ code: 'table-not-found' });
      expect((await db.store.list(`tables/${t.id}/`)).length).toBe(0);
      await db.close();
    });

    it('column groups: structs are groups, scans read only the groups they need', async () => {
      const db = await backend.db();
      const t = await db.createTable('media', { keySchema: { page_url: new Utf8(), key: new Int64() } });
      await t.write(media(300));
      // Enrichment: a new nested group for existing keys, without rewriting the others.
      const ks = Array.from({ length: 300 }, (_, i) => i).filter((k) => k % 2 === 0);
      await t.write(
        batch({
          page_url: col(ks.map((k) => `https://p/${k % 3}`), new Utf8()),
          key: col(ks.map((k) => BigInt(k)), new Int64()),
          image: struct([
            ['bytes', col(ks.map((k) => new Uint8Array([k & 255, 1, 2])), new Binary())],
            ['meta', struct([['status_code', col(ks.map((k) => (k % 10 === 0 ? 404 : 200)), new Uint16())]])],
          ]),
        }),
      );
      const schema = await t.schema();
      expect(schema.fields.map((f) => f.name)).toEqual(['page_url', 'key', 'caption', 'context', 'image']);
      expect(String(schema.fields[4]!.type)).toBe('Struct<{bytes:Binary, meta:Struct<{status_code:Uint16}>}>');
      const snap = await t.snapshot();
      expect(snap.manifests().groups.map((g) => g.path)).toEqual(['', 'context', 'image', 'image.meta']);
      const failed = await snap.read({ columns: ['caption', 'image.meta.status_code'], where: ne('image.meta.status_code', 200) });
      expect(String(failed.schema)).toBe('Schema<{ 0: caption: Utf8, 1: image: Struct<{meta:Struct<{status_code:Uint16}>}> }>');
      expect(failed.numRows).toBe(30);
      expect(rows(failed).every((r) => (r.image as { meta: { status_code: number } }).meta.status_code === 404)).toBe(true);
      // Only the root and image.meta groups were read (1 fragment each).
      expect(snap.metrics.fragmentsRead).toBe(2);
      const one = await t.read({ columns: ['image'], where: eq('page_url', 'https://p/0'), limit: 2 });
      expect(rows(one)).toEqual([
        { image: { bytes: { 0: 0, 1: 1, 2: 2 }, meta: { status_code: 404 } } },
        { image: { bytes: { 0: 6, 1: 1, 2: 2 }, meta: { status_code: 200 } } },
      ]);
      // Keys without a value in a group read as nulls when zipped with a group that has them.
      const odd = await t.take([['https://p/1', 1n]], { columns: ['key', 'caption', 'image.meta.status_code'] });
      expect(rows(odd)).toEqual([{ key: 1, caption: 'caption 1', image: { meta: { status_code: null } } }]);
      await db.close();
    });

    it('explicit column groups keep other structs inline', async () => {
      const db = await backend.db();
      const t = await db.createTable('x', { keySchema: { id: new Int32() }, columnGroups: ['big'] });
      await t.write(batch({ id: col([1, 2], new Int32()), small: struct([['a', col([1, 2], new Int32())]]), big: struct([['b', col(['x', 'y'], new Utf8())]]) }));
      expect((await t.snapshot()).manifests().groups.map((g) => g.path)).toEqual(['', 'big']);
      expect(rows(await t.read({ columns: ['small.a', 'big.b'] }))).toEqual([
        { small: { a: 1 }, big: { b: 'x' } },
        { small: { a: 2 }, big: { b: 'y' } },
      ]);
      await db.close();
    });

    it('schema errors are coded; dropped columns stay dropped when re-added', async () => {
      const db = await backend.db();
      const t = await db.createTable('s', { keySchema: { id: new Int64() } });
      await t.write(tableFromArrays({ id: BigInt64Array.from([1n, 2n]), a: Int32Array.from([1, 2]), b: Float64Array.from([0.5, 1.5]) }));
      await expect(t.write(tableFromArrays({ id: BigInt64Array.from([3n]), a: Float64Array.from([1]) }))).rejects.toMatchObject({ code: 'schema-mismatch' });
      await expect(t.write(tableFromArrays({ a: Int32Array.from([1]) }))).rejects.toMatchObject({ code: 'schema-mismatch' });
      await expect(t.write(tableFromArrays({ id: Int32Array.from([1]) }))).rejects.toMatchObject({ code: 'schema-mismatch' });
      await expect(t.dropColumns(['nope'])).rejects.toMatchObject({ code: 'unknown-column' });
      await expect(t.dropColumns(['id'])).rejects.toMatchObject({ code: 'invalid-argument' });
      await t.dropColumns(['a']);
      expect((await t.schema()).fields.map((f) => f.name)).toEqual(['id', 'b']);
      await expect(t.read({ columns: ['a'] })).rejects.toMatchObject({ code: 'unknown-column' });
      // Re-added with another type: old values never come back.
      await t.write(tableFromArrays({ id: BigInt64Array.from([2n]), a: ['two'] }));
      expect(rows(await t.read())).toEqual([{ id: 1, b: 0.5, a: null }, { id: 2, b: 1.5, a: 'two' }]);
      await t.compact();
      expect(rows(await t.read())).toEqual([{ id: 1, b: 0.5, a: null }, { id: 2, b: 1.5, a: 'two' }]);
      await db.close();
    });

    it('snapshots by version and time; transactions commit atomically or abort cleanly', async () => {
      const db = await backend.db();
      const t = await db.createTable('v', { keySchema: { id: new Int64() } });
      const c1 = await t.write(tableFromArrays({ id: BigInt64Array.from([1n, 2n, 3n]), v: ['a', 'b', 'c'] }));
      await new Promise((r) => setTimeout(r, 5));
      const between = new Date();
      await new Promise((r) => setTimeout(r, 5));
      const txn = await t.txn();
      await txn.write(tableFromArrays({ id: BigInt64Array.from([2n, 4n]), v: ['B', 'd'] }));
      await txn.delete([[1n]]);
      // Not visible before commit.
      expect(rows(await t.read()).map((r) => r.v)).toEqual(['a', 'b', 'c']);
      const c2 = await txn.commit();
      expect(c2.version).toBe(c1.version + 1);
      await expect(txn.commit()).rejects.toMatchObject({ code: 'transaction-closed' });
      expect(rows(await t.read())).toEqual([{ id: 2, v: 'B' }, { id: 3, v: 'c' }, { id: 4, v: 'd' }]);
      expect(rows(await t.read({ asof: c1.version })).map((r) => r.v)).toEqual(['a', 'b', 'c']);
      expect(rows(await t.read({ asof: between })).map((r) => r.v)).toEqual(['a', 'b', 'c']);
      expect((await t.snapshot(between)).version).toBe(c1.version);
      await expect(t.read({ asof: new Date(0) })).rejects.toMatchObject({ code: 'snapshot-not-found' });
      await expect(t.read({ asof: 99 })).rejects.toMatchObject({ code: 'snapshot-not-found' });
      // Abort: nothing visible, its fragments deleted.
      const before = (await db.store.list(`tables/${t.id}/fragments/`)).length;
      const ab = await t.txn();
      await ab.write(tableFromArrays({ id: BigInt64Array.from([9n]), v: ['z'] }));
      expect((await db.store.list(`tables/${t.id}/fragments/`)).length).toBeGreaterThan(before);
      await ab.abort();
      expect((await db.store.list(`tables/${t.id}/fragments/`)).length).toBe(before);
      expect(rows(await t.read()).map((r) => r.id)).toEqual([2, 3, 4]);
      const log = await t.transactions();
      expect(log.map((x) => x.txn.kind)).toEqual(['create', 'write', 'mixed']);
      await db.close();
    });

    it('prunes fragments by key span and zone maps; limit stops early', async () => {
      const db = await backend.db();
      const t = await db.createTable('p', { keySchema: { id: new Int64() } });
      for (let i = 0; i < 4; i++) await t.write(tableFromArrays({ id: BigInt64Array.from({ length: 1000 }, (_, j) => BigInt(i * 1000 + j)), v: Int32Array.from({ length: 1000 }, (_, j) => j) }));
      const snap = await t.snapshot();
      const got = await snap.read({ where: eq('id', 2500n) });
      expect(rows(got)).toEqual([{ id: 2500, v: 500 }]);
      expect(snap.metrics.fragmentsPruned).toBe(3);
      const lim = await t.read({ limit: 1500 });
      expect(lim.numRows).toBe(1500);
      expect(rows(lim)[1499]).toEqual({ id: 1499, v: 499 });
      await db.close();
    });

    it('compaction merges overlapping fragments; vacuum deletes what no snapshot needs', async () => {
      const db = await backend.db();
      const t = await db.createTable('c', { keySchema: { id: new Int64() } });
      for (let i = 0; i < 4; i++) {
        await t.write(tableFromArrays({ id: BigInt64Array.from({ length: 500 }, (_, j) => BigInt(j * 4 + i)), v: Int32Array.from({ length: 500 }, () => i) }));
      }
      await t.delete(Array.from({ length: 100 }, (_, j) => [BigInt(j)]));
      await t.deletePrefix(t.key(1999n));
      const want = rows(await t.read());
      expect(want.length).toBe(1899);
      const before = await t.snapshot();
      const res = await t.compact({ targetRows: 700 });
      expect(res.fragmentsRemoved).toBeGreaterThan(0);
      const after = await t.snapshot();
      const root = after.manifests().groups.find((g) => g.path === '')!;
      expect(root.fragments.every((f) => f.level === 1 && f.compactedAt !== null && !f.tombstone)).toBe(true);
      expect(root.fragments.map((f) => f.rows)).toEqual([700, 700, 499]);
      expect(rows(await after.read())).toEqual(want);
      // The old snapshot still reads (its fragments are still there).
      expect(rows(await before.read())).toEqual(want);
      const vac = await t.vacuum({ olderThan: new Date(Date.now() + 1000), orphanGraceMs: 0 });
      expect(vac.filesDeleted).toBeGreaterThan(0);
      expect(rows(await t.read())).toEqual(want);
      await expect(t.read({ asof: 2 })).rejects.toMatchObject({ code: 'snapshot-not-found' });
      const left = (await db.store.list(`tables/${t.id}/fragments/`)).length;
      expect(left).toBe(after.manifests().keySpace.length + root.fragments.length);
      await db.close();
    });

    it('key types: bool, int8, uint64, timestamp, binary', async () => {
      const db = await backend.db();
      const t = await db.createTable('k', { keySchema: [new Field('b', new Bool()), new Field('i', new Int8()), new Field('u', new Uint64()), new Field('ts', new TimestampMicrosecond()), new Field('bin', new Binary())] });
      const n = 6;
      const data = batch({
        b: col([true, false, true, false, true, false], new Bool()),
        i: col([-128, 127, 0, -1, 5, 5], new Int8()),
        u: col([0n, 2n ** 64n - 1n, 5n, 5n, 1n, 1n], new Uint64()),
        ts: makeData({ type: new TimestampMicrosecond(), length: n, data: BigInt64Array.from([-5n, 0n, 10n, 3n, 3n, 3n]) }),
        bin: col([new Uint8Array([0]), new Uint8Array([]), new Uint8Array([0, 0]), new Uint8Array([255]), new Uint8Array([1]), new Uint8Array([1, 0])], new Binary()),
        v: col(Array.from({ length: n }, (_, i) => i), new Int32()),
      });
      await t.write(data);
      const got = rows(await t.read({ columns: ['b', 'i', 'v'] }));
      expect(got.map((r) => [r.b, r.i])).toEqual([[false, -1], [false, 5], [false, 127], [true, -128], [true, 0], [true, 5]]);
      const one = await t.take([[true, 0, 5n, 10n, new Uint8Array([0, 0])]], { columns: ['v'] });
      expect(rows(one)).toEqual([{ v: 2 }]);
      await db.close();
    });
  });
}

describe('empty results', () => {
  it('keep readable struct columns', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gyre-empty-'));
    const db = await open(dir);
    const t = await db.createTable('e', { keySchema: { k: new Int32() } });
    await t.write(batch({ k: col([1], new Int32()), meta: struct([['m', col([1.5], new Int32())]]) }));
    const none = await t.read({ where: eq('k', 99) });
    expect(none.numRows).toBe(0);
    expect(none.getChild('meta')!.getChildAt(0)!.length).toBe(0);
    expect((await t.take([[5]])).getChild('meta')!.getChildAt(0)!.length).toBe(0);
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
