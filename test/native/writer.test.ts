/**
 * The writer against the official library: every file of the matrix — all dtypes × nullability
 * (none / mixed / all null) × shapes (empty, 1 row, 65,537 rows, several chunks) × compression
 * (none / default), plus legacy `vortex.stats` zone maps for the multi-zone shapes — is written by
 * gyre, then read back by vortex-data 0.76 and 0.90 (one python process each) and by gyre, and
 * must give the input's logical types, nullability and values exactly.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type DataType, Field, makeVector, RecordBatch, Schema, Struct, Table, type Vector, makeData } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { VortexFile, type WriteOptions } from 'gyre';

import { GENERATORS, type Gen, type Generated, nullPatterns, type Nulls, Rng } from '../helpers/arrow-gen.js';
import { logicalTypeName, vectorValues } from '../helpers/arrow-values.js';
import { type ReadBack, readBackAll } from '../helpers/read-back.js';
import { VERSIONS } from '../setup/fixtures.js';

const SHAPES = {
  empty: { rows: 0 },
  one: { rows: 1 },
  n65537: { rows: 65537 },
  chunks: { rows: 50001, chunkRows: 20000 },
} as const;
type Shape = keyof typeof SHAPES;

interface Case {
  name: string;
  gen: Gen;
  nulls: Nulls;
  shape: Shape;
  options: WriteOptions;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const gen of GENERATORS)
    for (const nulls of nullPatterns(gen))
      for (const shape of Object.keys(SHAPES) as Shape[]) {
        const chunkRows = (SHAPES[shape] as { chunkRows?: number }).chunkRows;
        const base = chunkRows ? { chunkRows } : {};
        for (const compression of ['none', 'default'] as const) {
          out.push({ name: `${gen.name}_${nulls}_${shape}_${compression}`, gen, nulls, shape, options: { ...base, compression } });
        }
        if ((shape === 'n65537' || shape === 'chunks') && nulls !== 'nonnull') {
          out.push({ name: `${gen.name}_${nulls}_${shape}_stats`, gen, nulls, shape, options: { ...base, zoneMaps: 'stats' } });
        }
      }
  return out;
}

function seedOf(s: string): number {
  let h = 2166136261;
  for (const ch of s) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return h >>> 0;
}

/** Cases that share data: the same dtype × nulls × shape (all compressions and zone forms). */
function dataKey(c: Case): string {
  return `${c.gen.name}/${c.nulls}/${c.shape}`;
}

function generate(c: Case): Generated {
  return c.gen.make(SHAPES[c.shape].rows, c.nulls, new Rng(seedOf(dataKey(c))));
}

function tableOf(g: Generated, nulls: Nulls): Table {
  const field = new Field('v', g.data.type, nulls !== 'nonnull' || g.data.type.typeId === 1);
  const schema = new Schema([field]);
  const n = g.data.length;
  const root = makeData({ type: new Struct([field]), length: n, nullCount: 0, children: [g.data] });
  return new Table(schema, [new RecordBatch(schema, root)]);
}

function firstDifference(a: unknown[], b: unknown[]): number {
  if (a.length === b.length && JSON.stringify(a) === JSON.stringify(b)) return -1;
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (JSON.stringify(a[i]) !== JSON.stringify(b[i])) return i;
  return -1;
}

interface Expected {
  type: string;
  nullable: boolean;
  rows: number;
  digest: string;
}

function digest(values: unknown[]): string {
  return createHash('sha1').update(JSON.stringify(values)).digest('hex');
}

/** What every reader must return for a case: logical type, nullability, a digest of the values. */
function expectedOf(g: Generated, nulls: Nulls): Expected {
  const input = makeVector(g.plain ?? g.data) as Vector;
  return {
    type: logicalTypeName(input.type as DataType),
    nullable: nulls !== 'nonnull' || input.type.typeId === 1,
    rows: input.length,
    digest: digest(vectorValues(input)),
  };
}

/** Asserts a read-back column equals the written one: logical type, nullability, every value. */
function expectSame(actual: Table, c: Case): void {
  const want = expected.get(dataKey(c))!;
  expect(actual.numRows).toBe(want.rows);
  const f = actual.schema.fields[0]!;
  expect(f.name).toBe('v');
  expect(logicalTypeName(f.type as DataType)).toBe(want.type);
  expect(f.nullable).toBe(want.nullable);
  const got = vectorValues(actual.getChild('v')!);
  if (digest(got) === want.digest) return;
  const g = generate(c);
  const values = vectorValues(makeVector(g.plain ?? g.data) as Vector);
  const at = firstDifference(got, values);
  expect({ row: at, value: got[at] }).toEqual({ row: at, value: values[at] });
}

const CASES = cases();
let dir = '';
let oracle: ReadBack;
const paths = new Map<string, string>();
const expected = new Map<string, Expected>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gyre-writer-'));
  const started = performance.now();
  let g: Generated | undefined;
  for (const c of CASES) {
    const key = dataKey(c);
    if (!expected.has(key)) {
      g = generate(c);  // cases of one key are consecutive
      expected.set(key, expectedOf(g, c.nulls));
    }
    const path = join(dir, `${c.name}.vortex`);
    await VortexFile.write(path, tableOf(g!, c.nulls), c.options);
    paths.set(c.name, path);
  }
  const written = performance.now();
  oracle = await readBackAll([...paths.values()], dir);
  console.log(`writer matrix: wrote ${CASES.length} files in ${((written - started) / 1000).toFixed(1)} s, ` +
    `vortex-data read them in ${((performance.now() - written) / 1000).toFixed(1)} s`);
}, 900_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('writer matrix', () => {
  it('covers every dtype, nullability, shape and compression', () => {
    expect(GENERATORS.length).toBeGreaterThanOrEqual(40);
    expect(CASES.length).toBeGreaterThan(900);
  });

  for (const version of VERSIONS) {
    describe(`read by vortex-data ${version}`, () => {
      for (const c of CASES) {
        it(c.name, () => {
          const path = paths.get(c.name)!;
          const r = oracle.result(version, path);
          expect(r?.error ?? 'ok').toBe('ok');
          expectSame(oracle.table(version, path), c);
        });
      }
    });
  }

  describe('read by gyre', () => {
    for (const c of CASES) {
      it(c.name, async () => {
        const file = await VortexFile.open(paths.get(c.name)!);
        try {
          expectSame(await file.read(), c);
        } finally {
          await file.close();
        }
      });
    }
  });
});
