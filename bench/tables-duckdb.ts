/**
 * One DuckDB measurement of `npm run bench:tables`, in a process of its own. Prints one JSON line.
 *
 *   tables-duckdb.ts load DB ROWS DIR                  the dataset into a PRIMARY KEY table (timed: INSERT +
 *                                                      CHECKPOINT), then DIR/data.parquet (table order) and
 *                                                      DIR/sorted.parquet (ordered by id) with COPY
 *   tables-duckdb.ts take DB SOURCE VARIANT KEYS.json  SOURCE table|parquet|sorted, VARIANT in|join
 *   tables-duckdb.ts scan DB SOURCE ITERS              SELECT * consumed chunk by chunk, ITERS times (best reported)
 *
 * The rows are produced inside DuckDB from `range(N)` by the formulas of tables-data.ts into a
 * temporary staging table first (not timed), so the timed INSERT only moves rows into the
 * indexed table, as gyre's write only gets Arrow batches already in memory.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { DuckDBInstance } from '@duckdb/node-api';

import { datasetSql, digest, type Row } from './tables-data.js';

const [cmd, dbPath, a1, a2, a3] = process.argv.slice(2);
const now = (): number => performance.now();
const size = (p: string): number => statSync(p).size;

const parquetDir = (): string => join(dbPath!, '..');
function source(name: string): string {
  if (name === 'table') return 't';
  if (name === 'parquet') return `read_parquet('${join(parquetDir(), 'data.parquet')}')`;
  if (name === 'sorted') return `read_parquet('${join(parquetDir(), 'sorted.parquet')}')`;
  throw new Error(`unknown source ${name}`);
}

let result: Record<string, unknown>;
if (cmd === 'load') {
  const n = Number(a1);
  const dir = a2!;
  const db = await DuckDBInstance.create(dbPath);
  const c = await db.connect();
  let t0 = now();
  await c.run(`CREATE TEMP TABLE staging AS ${datasetSql(n)}`);
  const stagingSeconds = (now() - t0) / 1000;
  t0 = now();
  await c.run('CREATE TABLE t (id BIGINT PRIMARY KEY, v_int BIGINT, v_float DOUBLE, v_str VARCHAR)');
  await c.run('INSERT INTO t SELECT * FROM staging');
  await c.run('CHECKPOINT');
  const seconds = (now() - t0) / 1000;
  t0 = now();
  await c.run(`COPY t TO '${join(dir, 'data.parquet')}' (FORMAT parquet)`);
  await c.run(`COPY (SELECT * FROM t ORDER BY id) TO '${join(dir, 'sorted.parquet')}' (FORMAT parquet)`);
  const copySeconds = (now() - t0) / 1000;
  c.closeSync();
  db.closeSync();
  result = {
    seconds,
    stagingSeconds,
    copySeconds,
    rows: n,
    dbBytes: size(dbPath!),
    parquetBytes: size(join(dir, 'data.parquet')),
    sortedBytes: size(join(dir, 'sorted.parquet')),
  };
} else if (cmd === 'take') {
  const [src, variant, keysPath] = [a1!, a2!, a3!];
  const sets = JSON.parse(readFileSync(keysPath, 'utf8')) as number[][];
  const db = await DuckDBInstance.create(
    src === 'table' ? dbPath : ':memory:',
    src === 'table' ? { access_mode: 'READ_ONLY' } : {},
  );
  const c = await db.connect();
  const sql = (keys: readonly number[]): string =>
    variant === 'in'
      ? `SELECT * FROM ${source(src)} WHERE id IN (${keys.join(',')})`
      : `SELECT s.* FROM ${source(src)} s JOIN (SELECT unnest([${keys.join(',')}]::BIGINT[]) AS id) k ON s.id = k.id`;
  const times: number[] = [];
  let check = '';
  for (const [k, set] of sets.entries()) {
    const s = now();
    const reader = await c.runAndReadAll(sql(set));
    const rows = reader.getRowObjectsJS() as unknown as Row[];
    times.push(now() - s);
    if (rows.length !== set.length) throw new Error(`DuckDB returned ${rows.length} rows for ${set.length} keys`);
    if (k === 0) check = digest(rows);
  }
  const plan = (await c.runAndReadAll(`EXPLAIN ${sql(sets[0]!)}`)).getRows().flat().join('\n');
  c.closeSync();
  db.closeSync();
  result = { coldMs: times[0], warmMs: times.slice(1), check, indexScan: /index.?scan/i.test(plan) };
} else if (cmd === 'scan') {
  const src = a1!;
  const db = await DuckDBInstance.create(
    src === 'table' ? dbPath : ':memory:',
    src === 'table' ? { access_mode: 'READ_ONLY' } : {},
  );
  const c = await db.connect();
  const all: number[] = [];
  let rows = 0;
  for (let i = 0; i < Number(a2 ?? 1); i++) {
    const t0 = now();
    const r = await c.stream(`SELECT * FROM ${source(src)}`);
    rows = 0;
    for (;;) {
      const chunk = await r.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      rows += chunk.rowCount;
    }
    all.push((now() - t0) / 1000);
  }
  result = { seconds: Math.min(...all), all, rows };
  c.closeSync();
  db.closeSync();
} else throw new Error(`unknown command ${cmd}`);
console.log(JSON.stringify(result));
