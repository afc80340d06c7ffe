/**
 * `gyre vortex write`: CSV with inferred column types, and Arrow IPC (including the view types
 * pyarrow produces) converted to Vortex and read back with the same values.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type DataType, tableFromIPC } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';

import { VortexFile } from 'gyre';

import { writeCommand } from '../../cli/write.js';
import { logicalTypeName, vectorValues } from '../helpers/arrow-values.js';
import { FIXTURES } from '../setup/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'gyre-cli-write-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function readAll(path: string) {
  const f = await VortexFile.open(path);
  try {
    return await f.read();
  } finally {
    await f.close();
  }
}

describe('gyre vortex write', () => {
  it('converts CSV with inferred types (int, float, bool, date, timestamp, string)', async () => {
    const csv = join(dir, 'in.csv');
    writeFileSync(
      csv,
      [
        'id,price,flag,day,ts,name,mixed',
        '1,1.5,true,2024-01-02,2024-01-02T03:04:05.123456Z,alpha,1',
        '2,,false,1969-12-31,2024-01-02 03:04:05+02:00,,x',
        '-3,nan,TRUE,2000-02-29,1960-01-01T00:00:00Z,"quoted, comma",3',
        ',1e10,,,,,',
      ].join('\n'),
    );
    const out = join(dir, 'csv.vortex');
    const lines: string[] = [];
    await writeCommand(csv, out, {}, (s) => lines.push(s));
    expect(lines[0]).toMatch(/4 rows/);
    const t = await readAll(out);
    expect(t.schema.fields.map((f) => String(f.type))).toEqual([
      'Int64', 'Float64', 'Bool', 'Date32<DAY>', 'Timestamp<MICROSECOND, UTC>', 'Utf8', 'Utf8',
    ]);
    expect(vectorValues(t.getChild('id')!)).toEqual(['1', '2', '-3', null]);
    expect(vectorValues(t.getChild('price')!)).toEqual([1.5, null, 'NaN', 1e10]);
    expect(vectorValues(t.getChild('flag')!)).toEqual([true, false, true, null]);
    expect(vectorValues(t.getChild('ts')!)).toEqual(['1704164645123456', '1704157445000000', '-315619200000000', null]);
    expect(vectorValues(t.getChild('name')!)).toEqual(['alpha', null, 'quoted, comma', null]);
    expect(vectorValues(t.getChild('mixed')!)).toEqual(['1', 'x', '3', null]);
  });

  it('converts Arrow IPC (string/binary views included) with identical values', async () => {
    const input = join(FIXTURES, '0.90', 'default', 'mix_table.expected.arrow');
    if (!existsSync(input)) return;
    const out = join(dir, 'ipc.vortex');
    await writeCommand(input, out, { compression: 'default' }, () => undefined);
    const want = tableFromIPC(readFileSync(input));
    const got = await readAll(out);
    expect(got.numRows).toBe(want.numRows);
    for (const f of want.schema.fields) {
      const g = got.getChild(f.name)!;
      expect(logicalTypeName(g.type as DataType), f.name).toBe(logicalTypeName(f.type as DataType));
      expect(JSON.stringify(vectorValues(g)), f.name).toBe(JSON.stringify(vectorValues(want.getChild(f.name)!)));
    }
  });
});
