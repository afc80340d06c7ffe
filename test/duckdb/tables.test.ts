/**
 * gyre tables and dataset scans in DuckDB, and DuckDB results written into gyre tables: random
 * rows through a real table (view and materialized), the view's laziness (a real scan's metrics
 * show unused column groups are not read), live views, row options, dataset scans.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  Binary,
  Bool,
  type DataType,
  DateDay,
  Decimal,
  Field,
  FixedSizeList,
  Float32,
  Float64,
  Int8,
  Int32,
  Int64,
  List,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  TimeMicrosecond,
  Timestamp,
  TimeUnit,
  Uint64,
  Utf8,
} from 'apache-arrow';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { datasetSchema, keyed, scalar } from '../../logical/schema.js';
import { type CollectionRef, type ExprRef } from '../../logical/fluent.js';
import { Dataset } from '../../physical/dataset.js';
import { type Database, open } from '../../storage/tables/catalog.js';
import { gt } from '../../storage/vortex/predicate.js';
import { buildData, LEAVES } from './arrow-arb.js';
import { columns, duckdbConnection, expectSameTable } from './helpers.js';

const conn = duckdbConnection();
let dir: string;
let db: Database;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gyre-duckdb-'));
  db = await open(dir);
});
afterAll(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

const item = (t: DataType): Field => new Field('item', t, true);
/** Value columns of every kind a table stores (struct = its own column group). */
const VALUE_FIELDS = [
  new Field('i8', new Int8(), true),
  new Field('u64', new Uint64(), true),
  new Field('f32', new Float32(), true),
  new Field('f64', new Float64(), true),
  new Field('dec', new Decimal(2, 12, 128), true),
  new Field('s', new Utf8(), true),
  new Field('bin', new Binary(), true),
  new Field('flag', new Bool(), true),
  new Field('day', new DateDay(), true),
  new Field('tod', new TimeMicrosecond(), true),
  new Field('ts_ns', new Timestamp(TimeUnit.NANOSECOND), true),
  new Field('ts_tz', new Timestamp(TimeUnit.MICROSECOND, 'Europe/Paris'), true),
  new Field('ints', new List(item(new Int32())), true),
  new Field('pair', new FixedSizeList(2, item(new Float64())), true),
  new Field('meta', new Struct([new Field('a', new Int32(), true), new Field('b', new Utf8(), true)]), true),
];

const leaf = (t: DataType): fc.Arbitrary<unknown> => {
  const spec = LEAVES.find((l) => String(l.type) === String(t) && ((l.type as { timezone?: string }).timezone ?? null) === ((t as { timezone?: string }).timezone ?? null));
  if (!spec) throw new Error(`no leaf ${String(t)}`);
  return spec.value;
};
const opt = <T,>(a: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.option(a, { nil: null, freq: 5 });
const valueArb: Record<string, fc.Arbitrary<unknown>> = {
  ...Object.fromEntries(VALUE_FIELDS.slice(0, 12).filter((f) => f.name !== 'dec').map((f) => [f.name, leaf(f.type)])),
  dec: fc.bigInt({ min: -(10n ** 12n) + 1n, max: 10n ** 12n - 1n }),
  ints: fc.array(opt(fc.integer()), { maxLength: 4 }),
  pair: fc.array(opt(fc.double()), { minLength: 2, maxLength: 2 }),
  meta: fc.record({ a: opt(fc.integer()), b: opt(fc.string()) }),
};

const rowsArb = fc.uniqueArray(fc.tuple(fc.bigInt({ min: -(1n << 40n), max: 1n << 40n }), fc.record(Object.fromEntries(VALUE_FIELDS.map((f) => [f.name, opt(valueArb[f.name]!)])))), {
  minLength: 1,
  maxLength: 60,
  selector: (r) => r[0],
});

function batchOf(rows: readonly (readonly [bigint, Record<string, unknown>])[]): RecordBatch {
  const fields = [new Field('id', new Int64(), false), ...VALUE_FIELDS];
  const data = [buildData(fields[0]!.type, rows.map((r) => r[0])), ...VALUE_FIELDS.map((f) => buildData(f.type, rows.map((r) => r[1][f.name] ?? null)))];
  return new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: rows.length, nullCount: 0, children: data }));
}

let tables = 0;

describe('gyre tables in DuckDB', () => {
  it('random rows: table → DuckDB (view and table) → gyre reads back exactly what gyre reads', async () => {
    await fc.assert(
      fc.asyncProperty(rowsArb, async (rows) => {
        const t = await db.createTable(`t${tables++}`, { keySchema: { id: new Int64() } });
        await t.write(batchOf(rows));
        const expected = await t.read();
        const schema = await t.schema();
        const view = await t.toDuckDB(conn(), { name: 'rt_view', replace: true });
        expectSameTable(await (await db.fromDuckDB(conn(), 'SELECT * FROM rt_view ORDER BY id', { schema })).toArrow(), expected);
        const copy = await t.toDuckDB(conn(), { name: 'rt_table', materialize: true, replace: true });
        expect(copy.rows).toBe(rows.length);
        expectSameTable(await (await db.fromDuckDB(conn(), 'SELECT * FROM rt_table ORDER BY id', { schema })).toArrow(), expected);
        // … and back into a gyre table, written straight from the DuckDB result.
        const back = await db.createTable(`t${tables++}`, { keySchema: { id: new Int64() } });
        await back.write(await db.fromDuckDB(conn(), 'SELECT * FROM rt_table', { schema }));
        expectSameTable(await back.read(), expected);
        await view.drop();
        await copy.drop();
      }),
      { numRuns: 12 },
    );
  });

  it('the view is lazy: a query reads only the column groups of the columns it uses', async () => {
    const t = await db.createTable('lazy', { keySchema: { id: new Int64() } });
    const n = 3000;
    const fields = [
      new Field('id', new Int64(), false),
      new Field('a', new Int32(), true),
      new Field('big', new Struct([new Field('payload', new Utf8(), true)]), true),
      new Field('other', new Struct([new Field('x', new Float64(), true)]), true),
    ];
    for (let part = 0; part < 3; part++) {
      const ids = Array.from({ length: n }, (_, i) => BigInt(part * n + i));
      const data = [
        buildData(fields[0]!.type, ids),
        buildData(fields[1]!.type, ids.map((i) => Number(i % 100n))),
        buildData(fields[2]!.type, ids.map((i) => ({ payload: `payload ${i} `.repeat(20) }))),
        buildData(fields[3]!.type, ids.map((i) => ({ x: Number(i) / 2 }))),
      ];
      await t.write(new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: n, nullCount: 0, children: data })));
    }
    const view = await t.toDuckDB(conn(), { name: 'lazy_view' });
    const sum = await (await db.fromDuckDB(conn(), 'SELECT sum(a) AS s, count(*) AS c FROM lazy_view')).toArrow();
    expect(columns(sum)).toEqual(new Map([['s', [String(3 * 30 * (99 * 100) / 2)]], ['c', [String(3 * n)]]]));
    const onlyA = view.lastScan!;
    expect(onlyA.columns).toEqual(['a']);
    expect(onlyA.rows).toBe(3 * n);
    // The same scan run directly: its fragments are the ones the view read, and fewer than a full scan's.
    const direct = await t.snapshot();
    for await (const b of direct.scan({ columns: ['a'] })) void b;
    const full = await t.snapshot();
    for await (const b of full.scan()) void b;
    expect(onlyA.metrics!.fragmentsRead).toBe(direct.metrics.fragmentsRead);
    expect(onlyA.metrics!.fragmentsRead).toBeLessThan(full.metrics.fragmentsRead);

    await (await db.fromDuckDB(conn(), 'SELECT max(big.payload) FROM lazy_view WHERE id < 10')).toArrow();
    expect(view.lastScan!.columns).toEqual(['id', 'big']);
    await (await db.fromDuckDB(conn(), 'SELECT * FROM lazy_view LIMIT 5')).toArrow();
    expect(view.lastScan!.columns).toEqual(['id', 'a', 'big', 'other']);
    expect(view.scans).toHaveLength(3);
    await view.drop();
  });

  it('views are live; scan options narrow the rows; asof pins a version', async () => {
    const t = await db.createTable('live', { keySchema: { id: new Int64() } });
    const batch = (ids: number[]): RecordBatch => {
      const fields = [new Field('id', new Int64(), false), new Field('v', new Int32(), true)];
      return new RecordBatch(
        new Schema(fields),
        makeData({ type: new Struct(fields), length: ids.length, nullCount: 0, children: [buildData(fields[0]!.type, ids.map(BigInt)), buildData(fields[1]!.type, ids)] }),
      );
    };
    const v1 = await t.write(batch([1, 2, 3]));
    await t.toDuckDB(conn(), { name: 'live_all' });
    await t.toDuckDB(conn(), { name: 'live_big', scan: { where: gt('v', 1) } });
    await t.toDuckDB(conn(), { name: 'live_v1', scan: { asof: v1.version } });
    const count = async (view: string): Promise<unknown> => columns(await (await db.fromDuckDB(conn(), `SELECT count(*) AS n FROM ${view}`)).toArrow()).get('n')![0];
    expect([await count('live_all'), await count('live_big'), await count('live_v1')]).toEqual(['3', '2', '3']);
    await t.write(batch([4, 5]));
    expect([await count('live_all'), await count('live_big'), await count('live_v1')]).toEqual(['5', '4', '3']);
  });
});

describe('temporary and shared objects', () => {
  it('views are TEMP by default (this connection only); tables are not; both can be either', async () => {
    const t = await db.createTable('scopes', { keySchema: { id: new Int64() } });
    const fields = [new Field('id', new Int64(), false)];
    await t.write(new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: 2, nullCount: 0, children: [buildData(fields[0]!.type, [1n, 2n])] })));
    const objects = async (): Promise<unknown[]> =>
      columns(await (await db.fromDuckDB(conn(), "SELECT table_name || ':' || temporary::VARCHAR AS o FROM duckdb_tables() WHERE table_name LIKE 'scope%' UNION ALL SELECT view_name || ':' || temporary::VARCHAR FROM duckdb_views() WHERE view_name LIKE 'scope%' ORDER BY 1")).toArrow()).get('o')!;
    const made = [
      await t.toDuckDB(conn(), { name: 'scope_view' }),
      await t.toDuckDB(conn(), { name: 'scope_shared_view', temporary: false }),
      await t.toDuckDB(conn(), { name: 'scope_table', materialize: true }),
      await t.toDuckDB(conn(), { name: 'scope_temp_table', materialize: true, temporary: true }),
    ];
    expect(await objects()).toEqual(['scope_shared_view:false', 'scope_table:false', 'scope_temp_table:true', 'scope_view:true']);
    for (const m of made) expect(columns(await (await db.fromDuckDB(conn(), `SELECT count(*) AS n FROM ${m.name}`)).toArrow()).get('n')).toEqual(['2']);
    for (const m of made) await m.drop();
    expect(await objects()).toEqual([]);
  });
});

describe('dataset scans in DuckDB', () => {
  const schema = datasetSchema('rec', {
    scenes: keyed(new Utf8(), { location: scalar(new Utf8()), clips: keyed(new Utf8(), { duration: scalar(new Float64()), camera: scalar(new Utf8()) }) }),
  });
  let ds: Dataset;
  let scenes: CollectionRef, clips: CollectionRef;
  const f = (c: CollectionRef, name: string): ExprRef => c[name] as ExprRef;
  beforeAll(async () => {
    ds = await Dataset.open(db, 'rec', { schema });
    await ds.write('scenes', [
      { _id: 's1', location: 'downtown', clips: [{ _id: 'c1', duration: 30, camera: 'front' }, { _id: 'c2', duration: 12.5, camera: 'rear' }] },
      { _id: 's2', location: 'harbor', clips: [{ _id: 'c3', duration: 7, camera: 'front' }] },
      { _id: 's3', location: 'empty', clips: [] },
    ]);
    ({ scenes, clips } = ds.collections as { scenes: CollectionRef; clips: CollectionRef });
    clips = scenes.clips as CollectionRef;
  });

  it('a scan as a view and as a table gives the scan’s rows; a query computes only the columns it uses', async () => {
    const scan = ds.scan([f(clips, 'duration'), f(scenes, 'location'), f(clips, 'camera')]);
    const expected = await scan.toArrow();
    const view = await scan.toDuckDB(conn(), { name: 'clips_view' });
    expectSameTable(await (await db.fromDuckDB(conn(), 'SELECT * FROM clips_view')).toArrow(), expected);
    const copy = await scan.toDuckDB(conn(), { name: 'clips_table', materialize: true });
    expect(copy.rows).toBe(3);
    expectSameTable(await (await db.fromDuckDB(conn(), 'SELECT * FROM clips_table')).toArrow(), expected);

    const per = await (await db.fromDuckDB(conn(), 'SELECT location, sum(duration) AS total FROM clips_view GROUP BY location ORDER BY location')).toArrow();
    expect(columns(per)).toEqual(new Map([['location', ['downtown', 'harbor']], ['total', [42.5, 7]]]));
    expect(view.lastScan!.columns).toEqual(['duration', 'location']);
    await (await db.fromDuckDB(conn(), 'SELECT max(duration) FROM clips_view')).toArrow();
    expect(view.lastScan!.columns).toEqual(['duration']);
    // An ancestor's column alone still has one row per clip (the scan keeps its row level).
    const loc = await (await db.fromDuckDB(conn(), 'SELECT location FROM clips_view ORDER BY location')).toArrow();
    expect(columns(loc).get('location')).toEqual(['downtown', 'downtown', 'harbor']);
  });

  it('a scan whose expressions hold JS functions cannot be a lazy view, but materializes', async () => {
    const scan = ds.scan([{ longest: f(clips, 'duration').agg((vs) => Math.max(...(vs as number[]))) }, f(scenes, 'location')]);
    const err = await scan.toDuckDB(conn(), { name: 'fn_view' }).catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe('duckdb-unsupported-source');
    const copy = await scan.toDuckDB(conn(), { name: 'fn_table', materialize: true });
    expect(copy.rows).toBe(3);
    const t = await (await db.fromDuckDB(conn(), 'SELECT location, longest FROM fn_table ORDER BY location')).toArrow();
    expect(columns(t)).toEqual(new Map([['location', ['downtown', 'empty', 'harbor']], ['longest', [30, null, 7]]]));
  });
});
