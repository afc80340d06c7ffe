/**
 * Round-trip property of the writer: random Arrow tables (1–4 columns of any type from the
 * generators, random length, null pattern, row-offset slice, chunk size and compression) are
 * written by gyre and read back — by gyre for every generated case (fast-check shrinks failures),
 * and by vortex-data 0.76 and 0.90 for a fixed-seed sample written to files.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type DataType, Field, makeData, makeVector, RecordBatch, Schema, Struct, Table, type Vector } from 'apache-arrow';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';

import { type ByteSink, VortexFile, type WriteOptions } from 'gyre';

import { GENERATORS, type Nulls, Rng } from '../helpers/arrow-gen.js';
import { logicalTypeName, vectorValues } from '../helpers/arrow-values.js';
import { readBackAll } from '../helpers/read-back.js';
import { VERSIONS } from '../setup/fixtures.js';

interface Spec {
  columns: { gen: number; nulls: Nulls }[];
  rows: number;
  slice: [number, number];
  seed: number;
  options: WriteOptions;
}

const specArb: fc.Arbitrary<Spec> = fc.record({
  columns: fc.array(
    fc.record({ gen: fc.nat(GENERATORS.length - 1), nulls: fc.constantFrom<Nulls>('nonnull', 'mixed', 'allnull') }),
    { minLength: 1, maxLength: 4 },
  ),
  rows: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 20000 })),
  slice: fc.tuple(fc.nat(37), fc.nat(37)),
  seed: fc.nat(),
  options: fc.record(
    {
      compression: fc.constantFrom<'default' | 'none'>('default', 'none'),
      chunkRows: fc.integer({ min: 1, max: 9000 }),
      zoneMaps: fc.constantFrom<'zoned' | 'stats'>('zoned', 'stats'),
    },
    { requiredKeys: ['compression'] },
  ),
});

/** The table of a spec (sliced, so buffers start at a row offset) and the expected plain columns. */
function build(spec: Spec): { table: Table; expected: Vector[] } {
  const rng = new Rng(spec.seed);
  const parts = spec.columns.map((c) => {
    const gen = GENERATORS[c.gen]!;
    const nulls = gen.name === 'null' ? 'allnull' : c.nulls;
    return { ...gen.make(spec.rows, nulls, rng), nulls };
  });
  const fields = parts.map((p, i) => new Field(`c${i}`, p.data.type, p.nulls !== 'nonnull' || p.data.type.typeId === 1));
  const schema = new Schema(fields);
  const root = makeData({ type: new Struct(fields), length: spec.rows, nullCount: 0, children: parts.map((p) => p.data) });
  const start = Math.min(spec.slice[0], spec.rows), end = Math.max(start, spec.rows - spec.slice[1]);
  const batch = new RecordBatch(schema, root).slice(start, end);
  const expected = parts.map((p) => makeVector((p.plain ?? p.data).slice(start, end - start)) as Vector);
  return { table: new Table(schema, [batch]), expected };
}

function expectSame(actual: Table, expected: Vector[], fields: readonly Field[]): void {
  expect(actual.numRows).toBe(expected[0]!.length);
  expected.forEach((want, i) => {
    const f = actual.schema.fields[i]!;
    expect(f.name).toBe(fields[i]!.name);
    expect(logicalTypeName(f.type as DataType)).toBe(logicalTypeName(want.type as DataType));
    const got = vectorValues(actual.getChild(f.name)!);
    expect(JSON.stringify(got)).toBe(JSON.stringify(vectorValues(want)));
  });
}

function memorySink(): ByteSink & { bytes(): Uint8Array } {
  const chunks: Uint8Array[] = [];
  return {
    write: (b) => void chunks.push(b.slice()),
    close: () => undefined,
    abort: () => undefined,
    bytes: () => Buffer.concat(chunks),
  };
}

describe('writer round trip (fast-check)', () => {
  it('gyre reads back every random table exactly', async () => {
    await fc.assert(
      fc.asyncProperty(specArb, async (spec) => {
        const { table, expected } = build(spec);
        const sink = memorySink();
        await VortexFile.write(sink, table, spec.options);
        const file = await VortexFile.open(sink.bytes());
        expectSame(await file.read(), expected, table.schema.fields);
      }),
      { numRuns: 120, seed: 20261122 },
    );
  });

  let dir = '';
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('vortex-data 0.76 and 0.90 read back a random sample exactly', async () => {
    dir = mkdtempSync(join(tmpdir(), 'gyre-writer-prop-'));
    const specs = fc.sample(specArb, { numRuns: 60, seed: 4242 });
    const paths: string[] = [];
    for (const [i, spec] of specs.entries()) {
      const path = join(dir, `case${i}.vortex`);
      await VortexFile.write(path, build(spec).table, spec.options);
      paths.push(path);
    }
    const oracle = await readBackAll(paths, dir);
    for (const version of VERSIONS) {
      for (const [i, spec] of specs.entries()) {
        const r = oracle.result(version, paths[i]!);
        expect(r?.error ?? 'ok', `${version} case${i} ${JSON.stringify(spec)}`).toBe('ok');
        const { table, expected } = build(spec);
        expectSame(oracle.table(version, paths[i]!), expected, table.schema.fields);
      }
    }
  }, 600_000);
});
