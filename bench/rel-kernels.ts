/**
 * Relational kernel micro-benchmarks, gyre vs DuckDB in one run (ratios printed):
 *
 *   filter+project   10M rows: sum(a + b * 2) WHERE a < 500
 *   hash join        1M (build) × 10M (probe) on an integer key, counted
 *   hash aggregate   10M rows, sum/count grouped by 1k and by 1M keys
 *   sort             10M doubles, fully sorted and materialised
 *   Q1 / Q6 shapes   on a 6M-row lineitem-like table (TPC-H's columns and predicates)
 *
 * gyre reads in-memory Arrow batches (a `source` plan: operators only, no storage); DuckDB
 * reads its in-memory tables built from the same formulas. Each query runs `--runs` times
 * (default 5) after one warm-up; the fastest run is reported (the machine is shared). DuckDB uses its default threads
 * (this machine: the number of cores) and, for reference, one thread.
 *
 *   node --import tsx bench/rel-kernels.ts [--rows 10000000] [--runs 3] [--only join]
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { DateDay, Field, Float64, Int32, makeData, RecordBatch, Schema, Struct, Utf8 } from 'apache-arrow';

import type { Plan, Scalar } from '../logical/plan.js';
import { aggregate, aggregateCall, and, call, col, filter, join, lit, named, project, sort, sortKey, source } from '../logical/plan-build.js';
import { catalogContext, lower } from '../physical/lower.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const ROWS = arg('rows', 10_000_000);
const RUNS = arg('runs', 5);
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : null;
const BATCH = 65_536;
/** lineitem rows for the Q1 / Q6 shapes (SF1: 6M). */
const LROWS = Math.round(ROWS * 0.6);

const I32 = new Int32(), F64 = new Float64();

/** Batches of `n` rows with columns from `gen` (typed arrays filled by formula). */
function batches(schema: Schema, n: number, gen: (start: number, len: number) => (Int32Array | Float64Array)[]): RecordBatch[] {
  const out: RecordBatch[] = [];
  for (let s = 0; s < n; s += BATCH) {
    const len = Math.min(BATCH, n - s);
    const cols = gen(s, len).map((v, i) => makeData({ type: schema.fields[i]!.type, length: len, nullCount: 0, data: v } as never));
    out.push(new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: len, nullCount: 0, children: cols })));
  }
  return out;
}

const tSchema = new Schema([new Field('a', I32, false), new Field('b', I32, false), new Field('x', F64, false), new Field('k1', I32, false), new Field('k2', I32, false)]);
function tData(n: number): RecordBatch[] {
  return batches(tSchema, n, (s, len) => {
    const a = new Int32Array(len), b = new Int32Array(len), x = new Float64Array(len), k1 = new Int32Array(len), k2 = new Int32Array(len);
    for (let j = 0; j < len; j++) {
      const i = s + j;
      a[j] = (i * 7919) % 1000;
      b[j] = i % 97;
      x[j] = (i % 1000003) * 0.25 + (i % 7);
      k1[j] = (i * 31) % 1000;
      k2[j] = (i * 7919) % 1_000_000;
    }
    return [a, b, x, k1, k2];
  });
}
const T_SQL = (n: number): string =>
  `CREATE OR REPLACE TABLE t AS SELECT ((i * 7919) % 1000)::INTEGER a, (i % 97)::INTEGER b, ((i % 1000003) * 0.25 + (i % 7))::DOUBLE x, ((i * 31) % 1000)::INTEGER k1, ((i * 7919) % 1000000)::INTEGER k2 FROM range(${n}) r(i)`;

const dSchema = new Schema([new Field('dk', I32, false), new Field('dv', I32, false)]);
const DIM = Math.max(1, Math.floor(ROWS / 10));
function dData(n: number): RecordBatch[] {
  return batches(dSchema, n, (s, len) => {
    const k = new Int32Array(len), v = new Int32Array(len);
    for (let j = 0; j < len; j++) {
      k[j] = (s + j) * 2;
      v[j] = (s + j) % 13;
    }
    return [k, v];
  });
}
const D_SQL = (n: number): string => `CREATE OR REPLACE TABLE d AS SELECT (i * 2)::INTEGER dk, (i % 13)::INTEGER dv FROM range(${n}) r(i)`;
/** Probe keys for the join: (i * 7919) % (2 · DIM) — half of them hit. */
const pSchema = new Schema([new Field('pk', I32, false), new Field('pv', I32, false)]);
function pData(n: number): RecordBatch[] {
  return batches(pSchema, n, (s, len) => {
    const k = new Int32Array(len), v = new Int32Array(len);
    for (let j = 0; j < len; j++) {
      k[j] = ((s + j) * 7919) % (2 * DIM);
      v[j] = (s + j) % 5;
    }
    return [k, v];
  });
}
const P_SQL = (n: number): string => `CREATE OR REPLACE TABLE p AS SELECT ((i * 7919) % ${2 * DIM})::INTEGER pk, (i % 5)::INTEGER pv FROM range(${n}) r(i)`;

/** A lineitem-like table for a Q1-shaped query: two one-letter string keys, four doubles, a date. */
const lSchema = new Schema([
  new Field('l_returnflag', new Utf8(), false), new Field('l_linestatus', new Utf8(), false), new Field('l_quantity', F64, false),
  new Field('l_extendedprice', F64, false), new Field('l_discount', F64, false), new Field('l_tax', F64, false), new Field('l_shipdate', new DateDay(), false),
]);
function lData(n: number): RecordBatch[] {
  const out: RecordBatch[] = [];
  const letters = ['A', 'N', 'R'], status = ['F', 'O'];
  for (let s = 0; s < n; s += BATCH) {
    const len = Math.min(BATCH, n - s);
    const rf = new Uint8Array(len), ls = new Uint8Array(len), offs = new Int32Array(len + 1);
    const q = new Float64Array(len), p = new Float64Array(len), d = new Float64Array(len), t = new Float64Array(len), sd = new Int32Array(len);
    for (let j = 0; j < len; j++) {
      const i = s + j;
      rf[j] = letters[i % 3]!.charCodeAt(0);
      ls[j] = status[(i >> 1) % 2]!.charCodeAt(0);
      offs[j + 1] = j + 1;
      q[j] = (i % 50) + 1;
      p[j] = ((i * 7) % 100000) + 900;
      d[j] = (i % 11) / 100;
      t[j] = (i % 9) / 100;
      sd[j] = 8036 + (i % 2526);
    }
    const str = (b: Uint8Array): import('apache-arrow').Data => makeData({ type: new Utf8(), length: len, nullCount: 0, valueOffsets: offs, data: b } as never);
    const num = (v: Float64Array | Int32Array, type: import('apache-arrow').DataType): import('apache-arrow').Data => makeData({ type, length: len, nullCount: 0, data: v } as never);
    const cols = [str(rf), str(ls), num(q, F64), num(p, F64), num(d, F64), num(t, F64), num(sd, new DateDay())];
    out.push(new RecordBatch(lSchema, makeData({ type: new Struct(lSchema.fields), length: len, nullCount: 0, children: cols })));
  }
  return out;
}
const L_SQL = (n: number): string =>
  `CREATE OR REPLACE TABLE lineitem AS SELECT ['A','N','R'][(i % 3) + 1] l_returnflag, ['F','O'][((i >> 1) % 2) + 1] l_linestatus, ((i % 50) + 1)::DOUBLE l_quantity, (((i * 7) % 100000) + 900)::DOUBLE l_extendedprice, ((i % 11) / 100)::DOUBLE l_discount, ((i % 9) / 100)::DOUBLE l_tax, (DATE '1992-01-01' + (i % 2526)::INTEGER) l_shipdate FROM range(${n}) r(i)`;
const Q1_SQL = `SELECT l_returnflag, l_linestatus, sum(l_quantity), sum(l_extendedprice), sum(l_extendedprice * (1 - l_discount)), sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)), avg(l_quantity), avg(l_extendedprice), avg(l_discount), count(*) FROM lineitem WHERE l_shipdate <= DATE '1998-12-01' - INTERVAL 90 DAY GROUP BY l_returnflag, l_linestatus ORDER BY l_returnflag, l_linestatus`;
const Q6_SQL = `SELECT sum(l_extendedprice * l_discount) FROM lineitem WHERE l_shipdate >= DATE '1994-01-01' AND l_shipdate < DATE '1995-01-01' AND l_discount BETWEEN 0.05 AND 0.07 AND l_quantity < 24`;

function q1(l: Plan): Plan {
  const f = filter(l, call('<=', [col(l, 'l_shipdate'), lit('1998-09-02', new DateDay())]));
  const c = (n: string): Scalar => col(f, n);
  const disc = call('*', [c('l_extendedprice'), call('-', [lit(1), c('l_discount')])]);
  const a = aggregate(f, [named('l_returnflag', c('l_returnflag')), named('l_linestatus', c('l_linestatus'))], [
    aggregateCall('sum', [c('l_quantity')], 'sum_qty'),
    aggregateCall('sum', [c('l_extendedprice')], 'sum_base_price'),
    aggregateCall('sum', [disc], 'sum_disc_price'),
    aggregateCall('sum', [call('*', [disc, call('+', [lit(1), c('l_tax')])])], 'sum_charge'),
    aggregateCall('avg', [c('l_quantity')], 'avg_qty'),
    aggregateCall('avg', [c('l_extendedprice')], 'avg_price'),
    aggregateCall('avg', [c('l_discount')], 'avg_disc'),
    aggregateCall('count_star', [], 'count_order'),
  ]);
  return sort(a, [sortKey(col(a, 'l_returnflag')), sortKey(col(a, 'l_linestatus'))]);
}

function q6(l: Plan): Plan {
  const c = (n: string): Scalar => col(l, n);
  const f = filter(l, and(
    call('>=', [c('l_shipdate'), lit('1994-01-01', new DateDay())]),
    call('<', [c('l_shipdate'), lit('1995-01-01', new DateDay())]),
    call('>=', [c('l_discount'), lit(0.05)]),
    call('<=', [c('l_discount'), lit(0.07)]),
    call('<', [c('l_quantity'), lit(24)]),
  ));
  return aggregate(f, [], [aggregateCall('sum', [call('*', [col(f, 'l_extendedprice'), col(f, 'l_discount')])], 'revenue')]);
}

const src = (name: string, schema: Schema, data: readonly RecordBatch[]): Plan =>
  source(name, schema, async function* () {
    yield* data;
  });

interface Bench {
  readonly name: string;
  readonly plan: () => Plan;
  readonly sql: string;
}

function benches(t: Plan, d: Plan, p: Plan, l: Plan): Bench[] {
  const fp = filter(t, call('<', [col(t, 'a'), lit(500)]));
  const pr = project(fp, [named('c', call('+', [col(fp, 'a'), call('*', [col(fp, 'b'), lit(2)])]))]);
  const j = join('inner', p, d, { on: [{ left: col(p, 'pk'), right: col(d, 'dk') }] });
  return [
    {
      name: 'filter+project (sum)',
      plan: () => aggregate(pr, [], [aggregateCall('sum', [col(pr, 'c')], 's')]),
      sql: 'SELECT sum(a + b * 2) FROM t WHERE a < 500',
    },
    {
      name: `hash join ${DIM / 1e6}M x ${ROWS / 1e6}M (count)`,
      plan: () => aggregate(j, [], [aggregateCall('count_star', [], 'n'), aggregateCall('sum', [col(j, 'dv')], 's')]),
      sql: 'SELECT count(*), sum(dv) FROM p JOIN d ON pk = dk',
    },
    {
      name: 'hash aggregate 1k groups',
      plan: () => aggregate(t, [named('k1', col(t, 'k1'))], [aggregateCall('sum', [col(t, 'x')], 's'), aggregateCall('count_star', [], 'n')]),
      sql: 'SELECT k1, sum(x), count(*) FROM t GROUP BY k1',
    },
    {
      name: 'hash aggregate 1M groups',
      plan: () => aggregate(t, [named('k2', col(t, 'k2'))], [aggregateCall('sum', [col(t, 'x')], 's'), aggregateCall('count_star', [], 'n')]),
      sql: 'SELECT k2, sum(x), count(*) FROM t GROUP BY k2',
    },
    { name: 'Q1-like (2 string keys, 8 aggs)', plan: () => q1(l), sql: Q1_SQL },
    { name: 'Q6-like (filter, global sum)', plan: () => q6(l), sql: Q6_SQL },
    {
      name: 'sort 10M doubles',
      plan: () => sort(project(t, [named('x', col(t, 'x'))]), [sortKey(col(t, 'x'))]),
      sql: 'CREATE OR REPLACE TEMP TABLE sorted AS SELECT x FROM t ORDER BY x',
    },
  ];
}

async function timeGyre(plan: Plan): Promise<number> {
  const ctx = catalogContext({ table: () => Promise.reject(new Error('no catalog')) });
  const t0 = performance.now();
  let rows = 0;
  for await (const b of lower(plan, ctx).execute({ batchRows: BATCH })) rows += b.numRows;
  const ms = performance.now() - t0;
  if (rows < 0) console.log(rows);
  return ms;
}

/** The fastest run: this machine is shared, and the minimum is the least disturbed measurement. */
const median = (xs: number[]): number => Math.min(...xs);

async function main(): Promise<void> {
  console.log(`rows ${ROWS}, runs ${RUNS} (fastest), gyre batch ${BATCH} rows, Node ${process.version}`);
  let t0 = performance.now();
  const t = src('t', tSchema, tData(ROWS)), d = src('d', dSchema, dData(DIM)), p = src('p', pSchema, pData(ROWS)), l = src('lineitem', lSchema, lData(LROWS));
  console.log(`generated gyre data in ${(performance.now() - t0).toFixed(0)} ms`);
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  t0 = performance.now();
  for (const q of [T_SQL(ROWS), D_SQL(DIM), P_SQL(ROWS), L_SQL(LROWS)]) await conn.run(q);
  console.log(`generated DuckDB tables in ${(performance.now() - t0).toFixed(0)} ms`);
  const threads = Number((await conn.runAndReadAll("SELECT current_setting('threads')")).getRows()[0]![0]);
  console.log('');
  console.log(`${'benchmark'.padEnd(34)} ${'gyre ms'.padStart(9)} ${`duckdb(${threads}t)`.padStart(11)} ${'ratio'.padStart(7)} ${'duckdb(1t)'.padStart(11)} ${'ratio'.padStart(7)}`);
  for (const b of benches(t, d, p, l)) {
    if (only && !b.name.includes(only)) continue;
    const g: number[] = [], dm: number[] = [], d1: number[] = [];
    await timeGyre(b.plan());
    for (let r = 0; r < RUNS; r++) g.push(await timeGyre(b.plan()));
    for (const [threadsNow, out] of [[threads, dm], [1, d1]] as const) {
      await conn.run(`SET threads = ${threadsNow}`);
      await conn.run(b.sql);
      for (let r = 0; r < RUNS; r++) {
        const s = performance.now();
        await conn.run(b.sql);
        out.push(performance.now() - s);
      }
    }
    await conn.run(`SET threads = ${threads}`);
    const G = median(g), D = median(dm), D1 = median(d1);
    console.log(`${b.name.padEnd(34)} ${G.toFixed(0).padStart(9)} ${D.toFixed(0).padStart(11)} ${(G / D).toFixed(2).padStart(6)}x ${D1.toFixed(0).padStart(11)} ${(G / D1).toFixed(2).padStart(6)}x`);
  }
  conn.closeSync();
}

await main();
