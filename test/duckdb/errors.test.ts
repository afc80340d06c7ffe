/**
 * Failures both ways give coded errors and leave nothing half-made: closed connections,
 * cancelled queries and loads, sources failing mid-way, DuckDB errors mid-result while a gyre
 * table is written, name clashes, sources a view cannot reopen, and gyre errors raised inside a
 * DuckDB query.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DuckDBInstance } from '@duckdb/node-api';
import { Field, Int32, Int64, makeData, RecordBatch, Schema, Struct, Utf8 } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { EngineError, isErrorCode } from '../../errors.js';
import { LocalStore } from '../../storage/object-store/local-store.js';
import type { ObjectStore } from '../../storage/object-store/object-store.js';
import { arrowSource } from '../../storage/duckdb/arrow-source.js';
import type { DuckDBSource } from '../../storage/duckdb/source.js';
import { fromDuckDB } from '../../storage/duckdb/from-duckdb.js';
import { toDuckDB } from '../../storage/duckdb/to-duckdb.js';
import { type Database, open } from '../../storage/tables/catalog.js';
import { eq } from '../../storage/vortex/predicate.js';
import { buildData } from './arrow-arb.js';
import { columns, duckdbConnection } from './helpers.js';

const conn = duckdbConnection();
let dir: string;
let db: Database;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gyre-duckdb-err-'));
  db = await open(dir);
});
afterAll(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

const codeOf = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'no error',
    (e: unknown) => (e instanceof EngineError ? e.code : `not coded: ${String(e)}`),
  );

function ints(from: number, n: number): RecordBatch {
  const fields = [new Field('id', new Int64(), false), new Field('v', new Int32(), true), new Field('s', new Utf8(), true)];
  const ids = Array.from({ length: n }, (_, i) => from + i);
  return new RecordBatch(
    new Schema(fields),
    makeData({
      type: new Struct(fields),
      length: n,
      nullCount: 0,
      children: [buildData(fields[0]!.type, ids.map(BigInt)), buildData(fields[1]!.type, ids), buildData(fields[2]!.type, ids.map((i) => `row ${i} of a long run`))],
    }),
  );
}

/** A source yielding `good` batches, then failing with `fail()`. */
function failing(good: number, fail: () => unknown): DuckDBSource {
  return {
    defaultName: 'failing',
    schema: () => Promise.resolve(ints(0, 1).schema),
    async *batches() {
      for (let i = 0; i < good; i++) yield ints(i * 5000, 5000);
      throw fail();
    },
    reopen: () => Promise.resolve('a test source'),
  };
}

const exists = async (name: string): Promise<boolean> =>
  columns(await (await fromDuckDB(conn(), `SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = '${name}'`)).toArrow()).get('n')![0] !== '0';

describe('closed connections', () => {
  it('toDuckDB (view, table) and fromDuckDB: duckdb-connection-closed', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const c = await instance.connect();
    const t = await db.createTable('closed', { keySchema: { id: new Int64() } });
    await t.write(ints(0, 10));
    c.closeSync();
    expect(await codeOf(t.toDuckDB(c))).toBe('duckdb-connection-closed');
    expect(await codeOf(t.toDuckDB(c, { materialize: true }))).toBe('duckdb-connection-closed');
    expect(await codeOf(db.fromDuckDB(c, 'SELECT 1'))).toBe('duckdb-connection-closed');
    instance.closeSync();
  });

  it('a connection closed during a load: duckdb-connection-closed, and the load is rolled back', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const c = await instance.connect();
    const other = await instance.connect();
    const source: DuckDBSource = {
      ...failing(0, () => null),
      async *batches() {
        for (let i = 0; i < 10; i++) {
          if (i === 2) c.closeSync();
          yield ints(i * 5000, 5000);
        }
      },
    };
    expect(await codeOf(toDuckDB(c, source, { name: 'closed_load', materialize: true }))).toBe('duckdb-connection-closed');
    const left = await other.runAndReadAll("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'closed_load'");
    expect(left.getRows()[0]![0]).toBe(0n);
    other.closeSync();
    instance.closeSync();
  });
});

describe('cancellation', () => {
  it('a long DuckDB query is interrupted through its AbortSignal: cancelled', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const t0 = performance.now();
    const err = await (async () => (await fromDuckDB(conn(), 'SELECT sum(hash(x) % 7) FROM range(50000000000) t(x)', { signal: ac.signal })).toArrow())().catch((e: unknown) => e);
    expect(isErrorCode(err, 'cancelled'), String(err)).toBe(true);
    expect(performance.now() - t0).toBeLessThan(20_000);
    // The connection is usable afterwards.
    expect(columns(await (await fromDuckDB(conn(), 'SELECT 42 AS x')).toArrow()).get('x')).toEqual([42]);
  });

  it('a result cancelled while it streams into table.write leaves the gyre table unchanged', async () => {
    const t = await db.createTable('cancel_write', { keySchema: { id: new Int64() } });
    await t.write(ints(0, 10));
    const before = await t.read();
    const ac = new AbortController();
    const src = await db.fromDuckDB(conn(), 'SELECT i AS id, i::INTEGER AS v, i::VARCHAR AS s FROM range(10000000) t(i)', { signal: ac.signal });
    let n = 0;
    async function* aborting(): AsyncGenerator<RecordBatch> {
      for await (const b of src) {
        yield b;
        if (++n === 5) ac.abort();
      }
    }
    expect(await codeOf(t.write(aborting()))).toBe('cancelled');
    expect((await t.read()).numRows).toBe(before.numRows);
    expect((await t.transactions()).length).toBe(2);
  });

  it('a cancelled materialization leaves no table', async () => {
    const ac = new AbortController();
    const source: DuckDBSource = {
      ...failing(0, () => null),
      async *batches() {
        for (let i = 0; ; i++) {
          if (i === 3) ac.abort();
          yield ints(i * 5000, 5000);
        }
      },
    };
    expect(await codeOf(toDuckDB(conn(), source, { name: 'cancelled_load', materialize: true, signal: ac.signal }))).toBe('cancelled');
    expect(await exists('cancelled_load')).toBe(false);
  });

  it('an interrupted query on a view: the connection and the view keep working', async () => {
    const rows = 400_000;
    const big = arrowSource([ints(0, rows)], 'big_src');
    const view = await toDuckDB(conn(), big, { name: 'interrupt_view' });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 30);
    const err = await (async () => (await fromDuckDB(conn(), 'SELECT count(DISTINCT s || v::VARCHAR || hash(id)) FROM interrupt_view, range(20)', { signal: ac.signal })).toArrow())().catch((e: unknown) => e);
    expect(isErrorCode(err, 'cancelled'), String(err)).toBe(true);
    expect(columns(await (await fromDuckDB(conn(), 'SELECT count(*) AS n FROM interrupt_view')).toArrow()).get('n')).toEqual([String(rows)]);
    await view.drop();
  });
});

describe('nothing half-made', () => {
  it('a source failing mid-load: its own error, and no DuckDB table', async () => {
    const boom = new EngineError('io-error', 'disk on fire');
    expect(await codeOf(toDuckDB(conn(), failing(2, () => boom), { name: 'half', materialize: true }))).toBe('io-error');
    expect(await exists('half')).toBe(false);
  });

  it('inside the caller’s transaction, a failed load drops its table and leaves the transaction usable', async () => {
    await conn().run('BEGIN TRANSACTION');
    await conn().run('CREATE TABLE keep_me AS SELECT 1 AS x');
    expect(await codeOf(toDuckDB(conn(), failing(1, () => new EngineError('io-error', 'no')), { name: 'half_txn', materialize: true }))).toBe('io-error');
    expect(await exists('half_txn')).toBe(false);
    expect(await exists('keep_me')).toBe(true);
    await conn().run('COMMIT');
    expect(await exists('keep_me')).toBe(true);
  });

  it('a DuckDB error mid-result: duckdb-error, and the gyre table written from it is unchanged', async () => {
    const t = await db.createTable('unchanged', { keySchema: { id: new Int64() } });
    await t.write(ints(0, 100));
    const before = await t.read();
    // Fails at once (the message is DuckDB's) …
    const early = "SELECT i AS id, CASE WHEN i < 10 THEN error('boom at ' || i) ELSE i::INTEGER END AS v, 'x' AS s FROM range(100000) t(i)";
    const err = await (async () => t.write(await db.fromDuckDB(conn(), early)))().catch((e: unknown) => e);
    expect(isErrorCode(err, 'duckdb-error'), String(err)).toBe(true);
    expect(String(err)).toContain('boom at');
    // … or after millions of rows have streamed into the write.
    const late = "SELECT i AS id, CASE WHEN i > 3000000 THEN error('boom') ELSE i::INTEGER END AS v, 'x' AS s FROM range(10000000) t(i)";
    const err2 = await (async () => t.write(await db.fromDuckDB(conn(), late)))().catch((e: unknown) => e);
    expect(isErrorCode(err2, 'duckdb-error'), String(err2)).toBe(true);
    const after = await t.read();
    expect(after.numRows).toBe(before.numRows);
    expect(columns(after)).toEqual(columns(before));
  });

  it('a name DuckDB already has: table-exists (views and tables), unless replace', async () => {
    const t = await db.createTable('names', { keySchema: { id: new Int64() } });
    await t.write(ints(0, 3));
    await conn().run('CREATE TABLE taken AS SELECT 1 AS x');
    expect(await codeOf(t.toDuckDB(conn(), { name: 'taken', materialize: true }))).toBe('table-exists');
    expect(columns(await (await fromDuckDB(conn(), 'SELECT * FROM taken')).toArrow()).get('x')).toEqual([1]);
    await t.toDuckDB(conn(), { name: 'names_view' });
    expect(await codeOf(t.toDuckDB(conn(), { name: 'names_view' }))).toBe('table-exists');
    await t.toDuckDB(conn(), { name: 'names_view', replace: true });
    const copy = await t.toDuckDB(conn(), { name: 'taken', materialize: true, replace: true });
    expect(copy.rows).toBe(3);
  });

  it('a source a worker cannot reopen (custom store): duckdb-unsupported-source; materialize works', async () => {
    const local = new LocalStore(mkdtempSync(join(tmpdir(), 'gyre-custom-')));
    const custom: ObjectStore = {
      get: (k, r) => local.get(k, r),
      head: (k) => local.head(k),
      list: (p) => local.list(p),
      put: (k, b) => local.put(k, b),
      putIfAbsent: (k, b) => local.putIfAbsent(k, b),
      delete: (k) => local.delete(k),
    };
    const cdb = await open('unused', { store: custom });
    const t = await cdb.createTable('custom', { keySchema: { id: new Int64() } });
    await t.write(ints(0, 7));
    expect(await codeOf(t.toDuckDB(conn(), { name: 'custom_view' }))).toBe('duckdb-unsupported-source');
    expect((await t.toDuckDB(conn(), { name: 'custom_table', materialize: true })).rows).toBe(7);
    rmSync(local.root, { recursive: true, force: true });
  });
});

describe('gyre errors inside DuckDB queries', () => {
  it('a scan failing in the worker fails the DuckDB query with the gyre code', async () => {
    const t = await db.createTable('bad_filter', { keySchema: { id: new Int64() } });
    await t.write(ints(0, 3));
    await t.toDuckDB(conn(), { name: 'bad_filter_view', scan: { where: eq('no_such_column', 1) } });
    expect(await codeOf((async () => (await fromDuckDB(conn(), 'SELECT * FROM bad_filter_view')).toArrow())())).toBe('unknown-column');
  });

  it('a dropped view’s source: duckdb-unsupported-source', async () => {
    const t = await db.createTable('dropped', { keySchema: { id: new Int64() } });
    await t.write(ints(0, 3));
    const view = await t.toDuckDB(conn(), { name: 'dropped_view', temporary: false });
    const sql = (await (await fromDuckDB(conn(), "SELECT sql FROM duckdb_views() WHERE view_name = 'dropped_view'")).toArrow()).getChild('sql')!.get(0) as string;
    const call = /gyre_scan\('[^']+'\)/.exec(sql)![0];
    await view.drop();
    expect(await codeOf(fromDuckDB(conn(), `SELECT * FROM ${call}`))).toBe('duckdb-unsupported-source');
  });
});
