/**
 * Types both ways: random Arrow batches of every mapped type (nested two levels, with nulls and
 * sliced offsets) go gyre → DuckDB (materialized through the Appender, and through the lazy
 * view's table function) → gyre, and come back exactly (values and types, with the original
 * schema given to fromDuckDB). DuckDB's own values read back as their canonical Arrow types.
 */
import {
  Binary,
  type DataType,
  DateDay,
  Decimal,
  DenseUnion,
  Duration,
  Field,
  FixedSizeList,
  Float32,
  Int32,
  IntervalDayTime,
  List,
  Map_,
  Null,
  Struct,
  TimeMicrosecond,
  TimeMillisecond,
  Timestamp,
  TimestampMicrosecond,
  TimestampNanosecond,
  TimestampSecond,
  TimeUnit,
  Utf8,
  Int64,
  Float16,
  Float64,
  Int8,
  Uint16,
  DateMillisecond,
  LargeUtf8,
  FixedSizeBinary,
  TimeNanosecond,
} from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { arrowSource } from '../../storage/duckdb/arrow-source.js';
import { fromDuckDB } from '../../storage/duckdb/from-duckdb.js';
import { toDuckDB } from '../../storage/duckdb/to-duckdb.js';
import { arrowTypeOf, duckdbTypeOf, typesEqual } from '../../storage/duckdb/types.js';
import { isErrorCode } from '../../errors.js';
import { batchArb, buildData } from './arrow-arb.js';
import { columns, duckdbConnection, expectSameTable } from './helpers.js';

const conn = duckdbConnection();
let n = 0;

describe('gyre → DuckDB → gyre is exact', () => {
  it('materialized through the data-chunk Appender', async () => {
    await fc.assert(
      fc.asyncProperty(batchArb(40), async (batch) => {
        const name = `m${n++}`;
        const out = await toDuckDB(conn(), arrowSource(batch), { name, materialize: true });
        expect(out.rows).toBe(batch.numRows);
        const back = await (await fromDuckDB(conn(), `SELECT * FROM ${name}`, { schema: batch.schema })).toArrow();
        expectSameTable(back, batch);
        await out.drop();
      }),
      { numRuns: 120 },
    );
  });

  it('through the lazy view (the table function, fed by the scan worker)', async () => {
    await fc.assert(
      fc.asyncProperty(batchArb(40), async (batch) => {
        const name = `v${n++}`;
        const view = await toDuckDB(conn(), arrowSource(batch), { name });
        const back = await (await fromDuckDB(conn(), `SELECT * FROM ${name}`, { schema: batch.schema })).toArrow();
        expectSameTable(back, batch);
        await view.drop();
      }),
      { numRuns: 60 },
    );
  });

  it('batches longer than a DuckDB chunk (2048 rows) and strings around the 12-byte inline limit', async () => {
    const rows = 5000;
    const s = Array.from({ length: rows }, (_, i) => (i % 7 === 0 ? null : `${(i * 7919) % 101}|${'y'.repeat(i % 25)}`));
    const ints = Array.from({ length: rows }, (_, i) => (i % 5 === 0 ? null : BigInt(i) * 1_000_003n));
    const lists = Array.from({ length: rows }, (_, i) => (i % 11 === 0 ? null : Array.from({ length: i % 4 }, (_, k) => `${i}:${k}`)));
    const fields = [new Field('s', new Utf8(), true), new Field('i', new Int64(), true), new Field('l', new List(new Field('item', new Utf8(), true)), true)];
    const data = [buildData(fields[0]!.type, s), buildData(fields[1]!.type, ints), buildData(fields[2]!.type, lists)];
    const { RecordBatch, Schema, makeData } = await import('apache-arrow');
    const batch = new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: rows, nullCount: 0, children: data }));
    for (const materialize of [true, false]) {
      const out = await toDuckDB(conn(), arrowSource(batch), { name: `big_${materialize}`, materialize });
      expectSameTable(await (await fromDuckDB(conn(), `SELECT * FROM big_${materialize}`)).toArrow(), batch);
      const agg = await (await fromDuckDB(conn(), `SELECT count(s), sum(length(s)), count(i), sum(len(l)) FROM big_${materialize}`)).toArrow();
      expect(columns(agg).get('count(s)')).toEqual([String(s.filter((x) => x !== null).length)]);
      // DuckDB compares, hashes and sorts the copied strings by their slots (length, prefix, pointer).
      const q = `SELECT s, count(*) AS n FROM big_${materialize} WHERE s > '5' AND s <> '99|yyyyyyyyyyyyyyyyyyyy' GROUP BY s ORDER BY s DESC LIMIT 3`;
      const top = columns(await (await fromDuckDB(conn(), q)).toArrow());
      const want = [...new Set(s.filter((x): x is string => x !== null && x > '5' && x !== `99|${'y'.repeat(20)}`))].sort().reverse().slice(0, 3);
      expect(top.get('s')).toEqual(want);
      expect(top.get('n')).toEqual(want.map((w) => String(s.filter((x) => x === w).length)));
      await out.drop();
    }
  });
});

describe('dictionary-encoded columns', () => {
  it('travel decoded (view and table) and read back as their value type', async () => {
    const { vectorFromArray, Dictionary, RecordBatch, Schema, makeData } = await import('apache-arrow');
    const words = ['red', 'green', null, 'a rather long colour name', 'red'];
    const dict = vectorFromArray(words, new Dictionary(new Utf8(), new Int32())).data[0]!;
    const fields = [new Field('colour', dict.type, true)];
    const batch = new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: words.length, nullCount: 0, children: [dict] }));
    for (const materialize of [false, true]) {
      const out = await toDuckDB(conn(), arrowSource(batch), { name: `dict_${materialize}`, materialize });
      const back = await (await fromDuckDB(conn(), `SELECT * FROM dict_${materialize}`)).toArrow();
      expect(typesEqual(back.schema.fields[0]!.type as DataType, new Utf8())).toBe(true);
      expect(columns(back).get('colour')).toEqual(words);
      await out.drop();
    }
  });
});

describe('type mapping', () => {
  const canonical: [DataType, string, DataType][] = [
    [new Float16(), 'FLOAT', new Float32()],
    [new LargeUtf8(), 'VARCHAR', new Utf8()],
    [new FixedSizeBinary(4), 'BLOB', new Binary()],
    [new DateMillisecond(), 'DATE', new DateDay()],
    [new TimeMillisecond(), 'TIME', new TimeMicrosecond()],
    [new TimeNanosecond(), 'TIME_NS', new TimeNanosecond()],
    [new TimestampSecond(), 'TIMESTAMP_S', new TimestampSecond()],
    [new TimestampNanosecond(), 'TIMESTAMP_NS', new TimestampNanosecond()],
    [new Timestamp(TimeUnit.MILLISECOND, 'Asia/Tokyo'), 'TIMESTAMP WITH TIME ZONE', new TimestampMicrosecond('UTC')],
    [new Decimal(3, 12, 256), 'DECIMAL(12,3)', new Decimal(3, 12, 128)],
    [new Null(), 'INTEGER', new Int32()],
    [new FixedSizeList(3, new Field('item', new Int32(), true)), 'INTEGER[3]', new FixedSizeList(3, new Field('item', new Int32(), true))],
  ];
  it.each(canonical)('%s → %s → canonical Arrow', (arrow, duck, back) => {
    const t = duckdbTypeOf(arrow, 'c');
    expect(t.toString()).toBe(duck);
    expect(typesEqual(arrowTypeOf(t, 'c'), back)).toBe(true);
  });

  it('DuckDB values read as their canonical Arrow types', async () => {
    const t = await (
      await fromDuckDB(
        conn(),
        `SELECT 1::TINYINT AS i8, 300::USMALLINT AS u16, 12.5::DECIMAL(4,1) AS d4, 123456789012.345::DECIMAL(18,3) AS d18,
           -1.5::DECIMAL(30,2) AS d30, 'héllo wörld, long enough'::VARCHAR AS s, '\\xAA\\xBB'::BLOB AS b,
           DATE '2024-02-29' AS dt, TIME '12:34:56.789' AS tm, TIMESTAMP '2024-01-02 03:04:05.123456' AS ts,
           TIMESTAMPTZ '2024-01-02 03:04:05+00' AS tz, [1, NULL, 3] AS l, {'x': 1, 'y': 'z'} AS st,
           MAP {'k1': 1.5::DOUBLE, 'k2': NULL} AS m, [1.5, 2.5]::DOUBLE[2] AS a, NULL AS n`,
      )
    ).toArrow();
    const item = (t: DataType): Field => new Field('item', t, true);
    const expected: DataType[] = [
      new Int8(), new Uint16(), new Decimal(1, 4, 128), new Decimal(3, 18, 128), new Decimal(2, 30, 128), new Utf8(), new Binary(), new DateDay(),
      new TimeMicrosecond(), new TimestampMicrosecond(), new TimestampMicrosecond('UTC'), new List(item(new Int32())),
      new Struct([new Field('x', new Int32(), true), new Field('y', new Utf8(), true)]),
      new Map_(new Field('entries', new Struct([new Field('key', new Utf8(), false), new Field('value', new Float64(), true)]), false) as never),
      new FixedSizeList(2, item(new Float64())), new Int32(),
    ];
    t.schema.fields.forEach((f, i) => expect(typesEqual(f.type as DataType, expected[i]!), `${f.name}: ${String(f.type)}`).toBe(true));
    const c = columns(t);
    expect(c.get('i8')).toEqual([1]);
    expect(c.get('u16')).toEqual([300]);
    expect(c.get('d4')).toEqual(['125']);
    expect(c.get('d18')).toEqual(['123456789012345']);
    expect(c.get('d30')).toEqual(['-150']);
    expect(c.get('s')).toEqual(['héllo wörld, long enough']);
    expect(c.get('b')).toEqual(['aabb']);
    expect(c.get('dt')).toEqual([19782]);
    expect(c.get('tm')).toEqual([String((12 * 3600 + 34 * 60 + 56) * 1_000_000 + 789_000)]);
    expect(c.get('ts')).toEqual([String(Date.UTC(2024, 0, 2, 3, 4, 5) * 1000 + 123_456)]);
    expect(c.get('tz')).toEqual([String(Date.UTC(2024, 0, 2, 3, 4, 5) * 1000)]);
    expect(c.get('l')).toEqual([[1, null, 3]]);
    expect(c.get('st')).toEqual([{ x: 1, y: 'z' }]);
    expect(c.get('m')).toEqual([[{ key: 'k1', value: 1.5 }, { key: 'k2', value: null }]]);
    expect(c.get('a')).toEqual([[1.5, 2.5]]);
    expect(c.get('n')).toEqual([null]);
  });
});

describe('types the other side cannot hold', () => {
  const refused: [string, DataType][] = [
    ['a nanosecond timestamp with a zone', new Timestamp(TimeUnit.NANOSECOND, 'UTC')],
    ['a decimal of 40 digits', new Decimal(0, 40, 256)],
    ['a duration', new Duration(TimeUnit.SECOND)],
    ['an interval', new IntervalDayTime()],
    ['a union', new DenseUnion([0], [new Field('a', new Int32())])],
    ['a struct without fields', new Struct([])],
    ['a list of durations', new List(new Field('item', new Duration(TimeUnit.MILLISECOND)))],
  ];
  it.each(refused)('%s: duckdb-unsupported-type before anything is created', async (_, type) => {
    const schema = new (await import('apache-arrow')).Schema([new Field('ok', new Int32()), new Field('bad', type)]);
    const source = { defaultName: 'refused', schema: () => Promise.resolve(schema), batches: () => (async function* () {})(), reopen: () => Promise.resolve('unused') };
    for (const materialize of [true, false]) {
      const err = await toDuckDB(conn(), source, { materialize }).catch((e: unknown) => e);
      expect(isErrorCode(err, 'duckdb-unsupported-type'), String(err)).toBe(true);
      expect(String(err)).toContain('"bad');
    }
    const left = await (await fromDuckDB(conn(), "SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = 'refused'")).toArrow();
    expect(columns(left).get('n')).toEqual(['0']);
  });

  it('values out of DuckDB range: a Date64 that is not a whole day, seconds that overflow TIMESTAMPTZ', async () => {
    const { RecordBatch, Schema, makeData } = await import('apache-arrow');
    const one = (type: DataType, v: unknown): InstanceType<typeof RecordBatch> => {
      const f = [new Field('v', type, true)];
      return new RecordBatch(new Schema(f), makeData({ type: new Struct(f), length: 1, nullCount: 0, children: [buildData(type, [v])] }));
    };
    for (const b of [one(new DateMillisecond(), 86_400_001n), one(new Timestamp(TimeUnit.SECOND, 'UTC'), 10n ** 14n)]) {
      const err = await toDuckDB(conn(), arrowSource(b), { name: 'overflow', materialize: true }).catch((e: unknown) => e);
      expect(isErrorCode(err, 'duckdb-unsupported-type'), String(err)).toBe(true);
      const left = await (await fromDuckDB(conn(), "SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = 'overflow'")).toArrow();
      expect(columns(left).get('n')).toEqual(['0']);
    }
  });

  it.each(['1::UHUGEINT', 'uuid()', "INTERVAL '1 day'", "TIMETZ '12:00:00+01'", "'101'::BIT", "union_value(a := 1)"])('DuckDB %s: duckdb-unsupported-type naming the column', async (expr) => {
    const err = await fromDuckDB(conn(), `SELECT 1 AS fine, ${expr} AS odd`).catch((e: unknown) => e);
    expect(isErrorCode(err, 'duckdb-unsupported-type'), String(err)).toBe(true);
    expect(String(err)).toContain('"odd"');
  });

  it('HUGEINT (sums of integers) reads as DECIMAL(38, 0), convertible to Int64 on request', async () => {
    const q = 'SELECT sum(x) AS s, -(1::HUGEINT << 100) AS big FROM range(10) t(x)';
    const t = await (await fromDuckDB(conn(), q)).toArrow();
    expect(typesEqual(t.schema.fields[0]!.type as DataType, new Decimal(0, 38, 128))).toBe(true);
    expect(columns(t)).toEqual(new Map([['s', ['45']], ['big', [String(-(2n ** 100n))]]]));
    const asInt = await (await fromDuckDB(conn(), 'SELECT sum(x) AS s FROM range(10) t(x)', { schema: { s: new Int64() } })).toArrow();
    expect(columns(asInt).get('s')).toEqual(['45']);
    const err = await (await fromDuckDB(conn(), q, { schema: { big: new Int64() } })).toArrow().catch((e: unknown) => e);
    expect(isErrorCode(err, 'schema-mismatch'), String(err)).toBe(true);
  });

  it('a Map_ column maps to MAP', () => {
    const m = new Map_(new Field('entries', new Struct([new Field('key', new Utf8(), false), new Field('value', new Int32(), true)]), false) as never);
    expect(duckdbTypeOf(m, 'm').toString()).toBe('MAP(VARCHAR, INTEGER)');
  });
});
