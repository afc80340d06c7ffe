/**
 * What the writer records besides the data: whole-file statistics (min / max / null and NaN
 * counts, 64-byte string bounds) and zone maps that let readers skip chunks, checked through
 * gyre's reader for both zone-map forms.
 */
import { Field, Float64, Int64, makeData, RecordBatch, Schema, Struct, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';

import { type ByteSink, gt, lt, VortexFile } from 'gyre';

async function roundTrip(table: Table, options = {}): Promise<VortexFile> {
  const chunks: Uint8Array[] = [];
  const sink: ByteSink = { write: (b) => void chunks.push(b.slice()), close: () => undefined, abort: () => undefined };
  await VortexFile.write(sink, table, options);
  return VortexFile.open(Buffer.concat(chunks));
}

function table(rows: number): Table {
  const id = BigInt64Array.from({ length: rows }, (_, i) => BigInt(i - 100));
  const x = Float64Array.from({ length: rows }, (_, i) => (i % 1000 === 7 ? NaN : i / 4));
  const long = 'y'.repeat(80);
  const s = Array.from({ length: rows }, (_, i) => (i % 10 === 0 ? null : i === 5 ? long : `s${String(i).padStart(6, '0')}`));
  const fields = [new Field('id', new Int64(), false), new Field('x', new Float64(), false), new Field('s', new Utf8(), true)];
  const children = [
    makeData({ type: new Int64(), length: rows, data: id }),
    makeData({ type: new Float64(), length: rows, data: x }),
    vectorFromArray(s, new Utf8()).data[0]!,
  ];
  const schema = new Schema(fields);
  return new Table(schema, [new RecordBatch(schema, makeData({ type: new Struct(fields), length: rows, nullCount: 0, children }))]);
}

describe('file statistics', () => {
  it('records exact min/max, null and NaN counts, and bounded long strings', async () => {
    const f = await roundTrip(table(50_000));
    const st = f.statistics;
    expect(st.id).toMatchObject({ min: -100n, max: 49_899n, minExact: true, maxExact: true, nullCount: 0 });
    expect(st.x).toMatchObject({ min: 0, max: 49_999 / 4, nullCount: 0, nanCount: 50 });
    expect(st.s).toMatchObject({ min: 's000001', minExact: true, nullCount: 5000 });
    // The longest-sorting value is 80 bytes: the max is an inexact upper bound of ≤ 64 bytes.
    expect(st.s!.maxExact).toBe(false);
    expect(String(st.s!.max) >= 'y'.repeat(64)).toBe(true);
    expect(String(st.s!.max).length).toBeLessThanOrEqual(64);
  });
});

describe('zone maps', () => {
  for (const zoneMaps of ['zoned', 'stats'] as const) {
    it(`prune chunks (${zoneMaps})`, async () => {
      const f = await roundTrip(table(100_000), { chunkRows: 8192, zoneMaps });
      expect(f.nodes.some((n) => n.encoding === `vortex.${zoneMaps}`)).toBe(true);
      let rows = 0;
      for await (const b of f.scan({ where: gt('id', 90_000n) })) rows += b.numRows;
      expect(rows).toBe(100_000 - 100 - 90_001);
      expect(f.lastScan.chunksPruned).toBeGreaterThan(8);
      rows = 0;
      for await (const b of f.scan({ where: lt('s', 's000100') })) rows += b.numRows;
      expect(rows).toBe(89); // s000001 … s000099, less the 9 nulls (multiples of 10) and row 5 (the long string)
      expect(f.lastScan.chunksPruned).toBeGreaterThan(8);
    });
  }
});
