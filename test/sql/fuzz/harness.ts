/**
 * The differential harness: the same random tables in a gyre catalog and an in-memory DuckDB
 * database, the same query text run on both, results compared as multisets of rows (sorted;
 * numbers compared with a relative tolerance of 1e-9, so sums in another order agree; BIGINT,
 * HUGEINT and DOUBLE compared by value).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { Data, RecordBatch } from 'apache-arrow';
import fc from 'fast-check';

import { type Database, open } from '../../../index.js';
import { plainValue } from '../../../parser/bind/result-values.js';
import { fromDuckDB } from '../../../storage/duckdb/api.js';
import { queryArb, type Shape, type TableData, tableArb, tableSql } from './gen.js';

type Cell = null | number | string | boolean;

function norm(d: Data, i: number): Cell {
  const v = plainValue(d, i);
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return Object.is(v, -0) ? 0 : v;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Date) return v.toISOString();
  return JSON.stringify(v, (_, x: unknown) => (typeof x === 'bigint' ? Number(x) : x));
}

function rowsOf(batches: readonly RecordBatch[]): Cell[][] {
  const out: Cell[][] = [];
  for (const b of batches) for (let i = 0; i < b.numRows; i++) out.push(b.data.children.map((c) => norm(c, i)));
  return out;
}

const sortKey = (c: Cell): string => (c === null ? '\u0000' : typeof c === 'number' ? `n${c.toPrecision(6)}` : `${typeof c}:${String(c)}`);
const sorted = (rows: Cell[][]): Cell[][] => [...rows].sort((a, b) => {
  const x = a.map(sortKey).join('\u0001'), y = b.map(sortKey).join('\u0001');
  return x < y ? -1 : x > y ? 1 : 0;
});

function sameCell(a: Cell, b: Cell): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
    return a === b || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  }
  return a === b;
}

/** Why two results differ, or null when they agree. */
export function diffResults(gyre: Cell[][], duck: Cell[][]): string | null {
  if (gyre.length !== duck.length) return `${gyre.length} rows from gyre, ${duck.length} from DuckDB`;
  const g = sorted(gyre), d = sorted(duck);
  for (let i = 0; i < g.length; i++) {
    const x = g[i]!, y = d[i]!;
    if (x.length !== y.length) return `${x.length} columns from gyre, ${y.length} from DuckDB`;
    if (!x.every((c, j) => sameCell(c, y[j]!))) return `row ${i}: gyre ${JSON.stringify(x)}, DuckDB ${JSON.stringify(y)}`;
  }
  return null;
}

export interface Databases {
  readonly gyre: Database;
  readonly duck: DuckDBConnection;
  readonly tables: readonly string[];
  close(): Promise<void>;
}

/** A fresh gyre catalog (in a temporary directory, removed on close) and an in-memory DuckDB. */
export async function openBoth(prefix: string, tables: readonly string[] = []): Promise<Databases> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const gyre = await open(dir);
  const instance = await DuckDBInstance.create(':memory:');
  const duck = await instance.connect();
  return {
    gyre,
    duck,
    tables,
    async close() {
      duck.closeSync();
      instance.closeSync();
      await gyre.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Both databases with the same tables. */
export async function loadBoth(tables: readonly TableData[]): Promise<Databases> {
  const dbs = await openBoth('gyre-fuzz-', tables.map((t) => t.name));
  for (const t of tables) {
    for (const s of tableSql(t)) {
      await (await dbs.gyre.sql(s)).toArrow();
      await dbs.duck.run(s);
    }
  }
  return dbs;
}

export interface Outcome {
  readonly shape: Shape;
  /** null: same result (or both engines rejected the query). */
  readonly mismatch: string | null;
}

/** Runs one query on both engines and compares. */
export async function compare(dbs: Databases, q: Shape): Promise<Outcome> {
  let gyreRows: Cell[][] | null = null, duckRows: Cell[][] | null = null;
  let gyreErr: unknown = null, duckErr: unknown = null;
  try {
    gyreRows = rowsOf((await (await dbs.gyre.sql(q.sql)).toArrow()).batches);
  } catch (e) {
    gyreErr = e;
  }
  try {
    const bs: RecordBatch[] = [];
    for await (const b of await fromDuckDB(dbs.duck, q.sql)) bs.push(b);
    duckRows = rowsOf(bs);
  } catch (e) {
    duckErr = e;
  }
  if (gyreErr && duckErr) return { shape: q, mismatch: null };
  if (gyreErr) return { shape: q, mismatch: `gyre failed: ${(gyreErr as Error).message}` };
  if (duckErr) return { shape: q, mismatch: `DuckDB failed: ${(duckErr as Error).message.split('\n')[0]}` };
  return { shape: q, mismatch: diffResults(gyreRows!, duckRows!) };
}

export interface FuzzReport {
  readonly queries: number;
  readonly byShape: Record<string, number>;
  readonly mismatches: { readonly sql: string; readonly why: string; readonly tables: readonly TableData[] }[];
}

/**
 * `databases` random databases (three tables each), `perDatabase` random queries on each;
 * deterministic for a seed. Mismatching queries are shrunk by fast-check before they are reported.
 */
export async function fuzz(opts: { seed: number; databases: number; perDatabase: number; onProgress?: (n: number) => void }): Promise<FuzzReport> {
  const byShape: Record<string, number> = {};
  const mismatches: FuzzReport['mismatches'][number][] = [];
  let queries = 0;
  const dbArb = fc.tuple(tableArb('t0'), tableArb('t1'), tableArb('t2', 12));
  const samples = fc.sample(dbArb, { seed: opts.seed, numRuns: opts.databases });
  for (const [i, tables] of samples.entries()) {
    const dbs = await loadBoth(tables);
    try {
      const seen = new Set<string>();
      const details = await fc.check(
        fc.asyncProperty(queryArb(dbs.tables), async (q) => {
          const r = await compare(dbs, q);
          if (!seen.has(q.sql)) {
            seen.add(q.sql);
            queries++;
            byShape[q.kind] = (byShape[q.kind] ?? 0) + 1;
            opts.onProgress?.(queries);
          }
          if (r.mismatch) throw new Error(r.mismatch);
        }),
        { seed: opts.seed + i, numRuns: opts.perDatabase },
      );
      if (details.failed) {
        const q = details.counterexample?.[0];
        mismatches.push({ sql: q?.sql ?? '?', why: String((details.errorInstance as Error | undefined)?.message ?? 'failed'), tables });
      }
    } finally {
      await dbs.close();
    }
  }
  return { queries, byShape, mismatches };
}
