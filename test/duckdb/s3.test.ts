/**
 * Lazy views reopen the table's store on the scan worker: the same view test on local disk and
 * on a real S3-compatible server (moto), whose endpoint, region and credentials the worker gets
 * as plain data.
 */
import { Field, Int64, makeData, RecordBatch, Schema, Struct, Utf8 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';

import { tableBackends } from '../helpers/table-backends.js';
import { buildData } from './arrow-arb.js';
import { duckdbConnection, expectSameTable } from './helpers.js';

const conn = duckdbConnection();

describe.each(tableBackends())('a table on $name', (backend) => {
  it('is read through a lazy view and a materialized copy', async () => {
    const db = await backend.db();
    const t = await db.createTable('s3_view', { keySchema: { id: new Int64() } });
    const fields = [new Field('id', new Int64(), false), new Field('name', new Utf8(), true)];
    const n = 5000;
    const ids = Array.from({ length: n }, (_, i) => BigInt(i));
    await t.write(
      new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: n, nullCount: 0, children: [buildData(fields[0]!.type, ids), buildData(fields[1]!.type, ids.map((i) => `name number ${i}`))] })),
    );
    const expected = await t.read();
    const name = `v_${backend.name.replace(/\W/g, '_')}`;
    const view = await t.toDuckDB(conn(), { name });
    expectSameTable(await (await db.fromDuckDB(conn(), `SELECT * FROM ${name} ORDER BY id`)).toArrow(), expected);
    expect(view.lastScan!.rows).toBe(n);
    const copy = await t.toDuckDB(conn(), { name: `${name}_copy`, materialize: true });
    expect(copy.rows).toBe(n);
    await db.close();
  });
});
