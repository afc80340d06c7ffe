/**
 * `npm run bench:sql [-- --sf 1] [--runs 3] [--queries Q1,Q6] [--gyre-only]`: TPC-H-style Q1, Q3,
 * Q5, Q6 and Q10 through `db.sql()` and through DuckDB on the same data, in one process run.
 *
 * The data (bench/sql-tpch.ts) is generated once per scale factor into bench/data/tpch-sfN/:
 * a gyre catalog (tables keyed by their primary keys) and a DuckDB database file with the same
 * rows. Each query runs once to warm up, then `--runs` times per engine; the best time is
 * reported, with gyre/DuckDB ratios against DuckDB with its default threads (2 on these
 * machines) and with one thread. Results are compared (sorted rows, float tolerance 1e-9).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { DuckDBInstance } from '@duckdb/node-api';
import { type RecordBatch, Table as ArrowTable } from 'apache-arrow';

import { open, toDuckDB } from '../index.js';
import { plainValue } from '../parser/bind/result-values.js';
import { diffResults } from '../test/sql/fuzz/harness.js';
import { generateTpch, TPCH_QUERIES } from './sql-tpch.js';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const sf = Number(arg('--sf') ?? process.env['GYRE_BENCH_SF'] ?? 1);
const runs = Number(arg('--runs') ?? 3);
const only = arg('--queries')?.split(',');
const gyreOnly = process.argv.includes('--gyre-only');
const dir = fileURLToPath(new URL(`data/tpch-sf${sf}/`, import.meta.url));
const marker = join(dir, 'ready.json');

const secs = (ms: number): string => `${(ms / 1000).toFixed(3)} s`;

async function load(): Promise<void> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let t0 = performance.now();
  const tables = generateTpch(sf);
  console.log(`generated SF ${sf}: ${tables.map((t) => `${t.name} ${t.rows.toLocaleString('en-US')}`).join(', ')} in ${secs(performance.now() - t0)}`);
  const db = await open(join(dir, 'gyre'));
  const duck = await DuckDBInstance.create(join(dir, 'duck.db'));
  const con = await duck.connect();
  for (const t of tables) {
    const batch = t.batch();
    t0 = performance.now();
    const keySchema = batch.schema.fields.filter((f) => t.key.includes(f.name));
    const table = await db.createTable(t.name, { keySchema });
    const slices: RecordBatch[] = [];
    for (let o = 0; o < batch.numRows; o += 1 << 20) slices.push(batch.slice(o, Math.min(batch.numRows, o + (1 << 20))));
    await table.write(slices);
    const tg = performance.now() - t0;
    t0 = performance.now();
    await toDuckDB(con, new ArrowTable([batch]), { name: t.name, materialize: true });
    console.log(`  ${t.name}: gyre ${secs(tg)}, DuckDB ${secs(performance.now() - t0)}`);
  }
  con.closeSync();
  duck.closeSync();
  await db.close();
  writeFileSync(marker, JSON.stringify({ sf, at: new Date().toISOString() }));
}

type Cell = null | number | string | boolean;
const rowsOf = (batches: readonly RecordBatch[]): Cell[][] => {
  const out: Cell[][] = [];
  for (const b of batches) {
    for (let i = 0; i < b.numRows; i++) {
      out.push(b.data.children.map((c) => {
        const v = plainValue(c, i);
        return v === null ? null : typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.toISOString() : (v as Cell);
      }));
    }
  }
  return out;
};

async function main(): Promise<void> {
  if (!existsSync(marker)) await load();
  else console.log(`data: ${dir} (${JSON.parse(readFileSync(marker, 'utf8')).at as string}); delete it to regenerate`);
  const db = await open(join(dir, 'gyre'));
  const duck = gyreOnly ? null : await DuckDBInstance.create(join(dir, 'duck.db'), { access_mode: 'READ_ONLY' });
  const con = duck ? await duck.connect() : null;
  const names = Object.keys(TPCH_QUERIES).filter((q) => !only || only.includes(q));
  const results: { q: string; gyre: number; duck: number; duck1: number; same: string }[] = [];
  for (const q of names) {
    const sql = TPCH_QUERIES[q]!;
    const gyreRun = async (): Promise<RecordBatch[]> => (await (await db.sql(sql)).toArrow()).batches;
    const time = async <T>(f: () => Promise<T>): Promise<{ ms: number; value: T }> => {
      let best = Infinity, value!: T;
      for (let i = 0; i <= runs; i++) {
        const t0 = performance.now();
        value = await f();
        const ms = performance.now() - t0;
        if (i > 0) best = Math.min(best, ms); // the first run warms up
      }
      return { ms: best, value };
    };
    const g = await time(gyreRun);
    let d = { ms: NaN }, d1 = { ms: NaN }, same = 'n/a';
    if (con) {
      await con.run('SET threads = 2');
      d = await time(() => con.runAndReadAll(sql));
      await con.run('SET threads = 1');
      d1 = await time(() => con.runAndReadAll(sql));
      await con.run('RESET threads');
      const { fromDuckDB } = await import('../storage/duckdb/api.js');
      const duckRows: RecordBatch[] = [];
      for await (const b of await fromDuckDB(con, sql)) duckRows.push(b);
      same = diffResults(rowsOf(g.value), rowsOf(duckRows)) ?? 'same';
    }
    results.push({ q, gyre: g.ms, duck: d.ms, duck1: d1.ms, same });
    console.log(`${q}: gyre ${secs(g.ms)}, DuckDB ${secs(d.ms)} (1 thread ${secs(d1.ms)}), results ${same}`);
  }
  console.log(`\nTPC-H-style SF ${sf}, best of ${runs} runs after a warm-up`);
  console.log('query | gyre     | DuckDB   | gyre/DuckDB | DuckDB 1 thr | gyre/DuckDB 1 thr | results');
  for (const r of results) {
    console.log(`${r.q.padEnd(5)} | ${secs(r.gyre).padStart(8)} | ${secs(r.duck).padStart(8)} | ${(r.gyre / r.duck).toFixed(2).padStart(10)}× | ${secs(r.duck1).padStart(12)} | ${(r.gyre / r.duck1).toFixed(2).padStart(16)}× | ${r.same}`);
  }
  con?.closeSync();
  duck?.closeSync();
  await db.close();
}

await main();
