/**
 * npm run bench:duckdb — DuckDB interop throughput, both ways, for one column at a time of
 * int64, double, varchar (8–40 bytes: about half inline, half on DuckDB's string heap) and
 * struct<a int64, b double>, next to what @duckdb/node-api itself achieves on the same machine
 * in the same run:
 *
 *   into DuckDB   materialize = toDuckDB(arrowSource, { materialize: true }) (CREATE TABLE +
 *                 data-chunk Appender filled from the Arrow buffers + COMMIT), against three
 *                 Appender ceilings: the row API (appendX + endRow per row), data chunks filled
 *                 by the client's own setColumnValues, and one prebuilt chunk appended over and
 *                 over (DuckDB's append cost alone, no filling at all). The first two build a JS
 *                 value per row, so they run on min(ROWS, 250,000) rows.
 *   view scan     a DuckDB aggregate over the lazy view (table function fed by the scan worker),
 *                 against the same aggregate over the materialized DuckDB table (native scan) and a
 *                 JS table function emitting one prebuilt chunk repeatedly (the table-function
 *                 ceiling: callback + copy only). Also over a gyre table on local disk (storage
 *                 decode included).
 *   fromDuckDB    `SELECT col FROM t` read as Arrow batches, against the client's own chunk loop
 *                 (fetchChunk only, no conversion: the ceiling) and its getColumns() conversion.
 *
 * Variants of one comparison run round-robin, best of GYRE_BENCH_ITERS rounds (default 5). GYRE_BENCH_ROWS sets the rows (default 2,000,000).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import duckdb from '@duckdb/node-bindings';
import {
  BIGINT,
  DOUBLE,
  type DuckDBAppender,
  DuckDBDataChunk,
  DuckDBInstance,
  DuckDBTableFunction,
  type DuckDBType,
  type DuckDBValue,
  STRUCT,
  structValue,
  VARCHAR,
} from '@duckdb/node-api';
import { type Data, Field, Float64, Int64, makeData, RecordBatch, Schema, Struct, Utf8 } from 'apache-arrow';

import { arrowSource } from '../storage/duckdb/arrow-source.js';
import { fromDuckDB } from '../storage/duckdb/from-duckdb.js';
import { stopScanWorker } from '../storage/duckdb/scan-host.js';
import { toDuckDB } from '../storage/duckdb/to-duckdb.js';
import { writeVector } from '../storage/duckdb/write-vector.js';
import { open } from '../storage/tables/catalog.js';

const ROWS = Number(process.env.GYRE_BENCH_ROWS ?? 2_000_000);
const ITERS = Number(process.env.GYRE_BENCH_ITERS ?? 5);
const BATCH = 65_536;
const CHUNK = duckdb.vector_size();

// ---------------------------------------------------------------------------------------------
// Data: one Arrow table per column kind, in 64K-row batches.

interface Kind {
  readonly name: string;
  readonly field: Field;
  readonly duck: DuckDBType;
  /** SQL aggregate reading every value of column `v`. */
  readonly agg: string;
  readonly make: (from: number, n: number) => Data;
  /** One value as the client's DuckDBValue (for the row and setColumnValues ceilings). */
  readonly value: (i: number) => DuckDBValue;
  readonly append: (a: DuckDBAppender, i: number) => void;
}

const str = (i: number): string => `value-${i}-${'x'.repeat(i % 33)}`;
const enc = new TextEncoder();

function utf8(from: number, n: number): Data {
  const parts = Array.from({ length: n }, (_, k) => enc.encode(str(from + k)));
  const offs = new Int32Array(n + 1);
  parts.forEach((p, k) => (offs[k + 1] = offs[k]! + p.length));
  const bytes = new Uint8Array(offs[n]!);
  parts.forEach((p, k) => bytes.set(p, offs[k]!));
  return makeData({ type: new Utf8(), length: n, nullCount: 0, valueOffsets: offs, data: bytes });
}
const i64 = (from: number, n: number): Data =>
  makeData({
    type: new Int64(),
    length: n,
    nullCount: 0,
    data: BigInt64Array.from({ length: n }, (_, k) => BigInt(from + k)),
  });
const f64 = (from: number, n: number): Data =>
  makeData({
    type: new Float64(),
    length: n,
    nullCount: 0,
    data: Float64Array.from({ length: n }, (_, k) => (from + k) * 0.5),
  });
const structType = new Struct([new Field('a', new Int64(), true), new Field('b', new Float64(), true)]);

const KINDS: Kind[] = [
  {
    name: 'int64',
    field: new Field('v', new Int64(), true),
    duck: BIGINT,
    agg: 'sum(v)',
    make: i64,
    value: (i) => BigInt(i),
    append: (a, i) => a.appendBigInt(BigInt(i)),
  },
  {
    name: 'double',
    field: new Field('v', new Float64(), true),
    duck: DOUBLE,
    agg: 'sum(v)',
    make: f64,
    value: (i) => i * 0.5,
    append: (a, i) => a.appendDouble(i * 0.5),
  },
  {
    name: 'varchar',
    field: new Field('v', new Utf8(), true),
    duck: VARCHAR,
    agg: 'sum(length(v))',
    make: utf8,
    value: str,
    append: (a, i) => a.appendVarchar(str(i)),
  },
  {
    name: 'struct',
    field: new Field('v', structType, true),
    duck: STRUCT({ a: BIGINT, b: DOUBLE }),
    agg: 'sum(v.a) + sum(v.b)',
    make: (from, n) => makeData({ type: structType, length: n, nullCount: 0, children: [i64(from, n), f64(from, n)] }),
    value: (i) => structValue({ a: BigInt(i), b: i * 0.5 }),
    append: (a, i) => a.appendStruct({ a: BigInt(i), b: i * 0.5 }, STRUCT({ a: BIGINT, b: DOUBLE })),
  },
];

function batches(kind: Kind): RecordBatch[] {
  const schema = new Schema([kind.field]);
  const out: RecordBatch[] = [];
  for (let at = 0; at < ROWS; at += BATCH) {
    const n = Math.min(BATCH, ROWS - at);
    out.push(
      new RecordBatch(
        schema,
        makeData({ type: new Struct(schema.fields), length: n, nullCount: 0, children: [kind.make(at, n)] }),
      ),
    );
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

type Runs = Record<string, { readonly rows: number; readonly run: () => Promise<void> }>;

/**
 * Rows/s of each variant, best of ITERS rounds. The variants of one comparison run round-robin
 * (a, b, c, a, b, c, …), so a busy spell of the machine hits all of them alike.
 */
async function race(variants: Runs): Promise<Record<string, number>> {
  const bestSeconds: Record<string, number> = {};
  for (let i = 0; i < ITERS; i++) {
    for (const [k, v] of Object.entries(variants)) {
      const t0 = performance.now();
      await v.run();
      bestSeconds[k] = Math.min(bestSeconds[k] ?? Infinity, (performance.now() - t0) / 1000);
    }
  }
  return Object.fromEntries(Object.entries(bestSeconds).map(([k, t]) => [k, variants[k]!.rows / t]));
}

/** The row-API and setColumnValues ceilings build JS values per row: measured on fewer rows. */
const SLOW_ROWS = Math.min(ROWS, 250_000);

const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
const m = (x: number): string => `${(x / 1e6).toFixed(2)}M`;

/** A table function emitting one prebuilt chunk of `kind` until ROWS rows: the callback ceiling. */
function ceilingFunction(kind: Kind): void {
  const col = kind.make(0, CHUNK);
  conn.registerTableFunction(
    DuckDBTableFunction.create({
      name: `ceiling_${kind.name}`,
      bindFunction: (b) => b.addResultColumn('v', kind.duck),
      initFunction: (i) => i.setInitData({ left: ROWS }),
      mainFunction: (info, out) => {
        const st = info.initData as { left: number };
        const n = Math.min(CHUNK, st.left);
        if (n > 0) writeVector(duckdb.data_chunk_get_vector(out.chunk, 0), n === CHUNK ? col : col.slice(0, n), n);
        duckdb.data_chunk_set_size(out.chunk, n);
        st.left -= n;
      },
    }),
  );
}

/** Loading into DuckDB: materialize and the three Appender ceilings. */
function intoDuckDB(kind: Kind, src: ReturnType<typeof arrowSource>, name: string): Runs {
  const table = `ceil_${kind.name}`;
  const fresh = async (): Promise<DuckDBAppender> => {
    await conn.run(`CREATE OR REPLACE TABLE ${table} (v ${kind.duck.toString()})`);
    return conn.createAppender(table);
  };
  const pre = DuckDBDataChunk.create([kind.duck]);
  writeVector(duckdb.data_chunk_get_vector(pre.chunk, 0), kind.make(0, CHUNK), CHUNK);
  duckdb.data_chunk_set_size(pre.chunk, CHUNK);
  return {
    materialize: {
      rows: ROWS,
      run: async () => void (await toDuckDB(conn, src, { name, materialize: true, replace: true })),
    },
    rowAPI: {
      rows: SLOW_ROWS,
      run: async () => {
        const a = await fresh();
        for (let i = 0; i < SLOW_ROWS; i++) {
          kind.append(a, i);
          a.endRow();
        }
        a.closeSync();
      },
    },
    chunkValues: {
      rows: SLOW_ROWS,
      run: async () => {
        const a = await fresh();
        const chunk = DuckDBDataChunk.create([kind.duck]);
        for (let at = 0; at < SLOW_ROWS; at += CHUNK) {
          const n = Math.min(CHUNK, SLOW_ROWS - at);
          chunk.reset();
          chunk.rowCount = n;
          chunk.setColumnValues(
            0,
            Array.from({ length: n }, (_, k) => kind.value(at + k)),
          );
          a.appendDataChunk(chunk);
        }
        a.closeSync();
      },
    },
    prebuilt: {
      rows: ROWS,
      run: async () => {
        const a = await fresh();
        for (let at = 0; at < ROWS; at += CHUNK) a.appendDataChunk(pre);
        a.closeSync();
      },
    },
  };
}

interface Line {
  kind: string;
  [k: string]: string | number;
}
const lines: { into: Line[]; view: Line[]; back: Line[] } = { into: [], view: [], back: [] };

const dir = mkdtempSync(join(tmpdir(), 'gyre-bench-duckdb-'));
const db = await open(dir);
console.error(`bench:duckdb — ${ROWS.toLocaleString()} rows per column, best of ${ITERS}`);

for (const kind of KINDS) {
  console.error(`  ${kind.name} …`);
  const data = batches(kind);
  const src = arrowSource(data);
  const name = `t_${kind.name}`;

  // Into DuckDB.
  const into = await race(intoDuckDB(kind, src, name));
  lines.into.push({
    kind: kind.name,
    materialize: into.materialize!,
    rowAPI: into.rowAPI!,
    chunkValues: into.chunkValues!,
    prebuilt: into.prebuilt!,
  });

  // Scans from DuckDB: lazy view over Arrow, over a gyre table, the native table, the table-function ceiling.
  const view = await toDuckDB(conn, src, { name: `v_${kind.name}` });
  const gt = await db.createTable(`g_${kind.name}`, { keySchema: { id: new Int64() } });
  const ids = (b: RecordBatch, at: number): RecordBatch => {
    const fields = [new Field('id', new Int64(), false), kind.field];
    return new RecordBatch(
      new Schema(fields),
      makeData({
        type: new Struct(fields),
        length: b.numRows,
        nullCount: 0,
        children: [i64(at, b.numRows), b.data.children[0]!],
      }),
    );
  };
  await gt.write(data.map((b, k) => ids(b, k * BATCH)));
  await gt.toDuckDB(conn, { name: `gv_${kind.name}` });
  ceilingFunction(kind);
  const agg = (from: string) => ({
    rows: ROWS,
    run: () => conn.run(`SELECT ${kind.agg} FROM ${from}`).then(() => undefined),
  });
  await agg(`v_${kind.name}`).run(); // starts the scan worker
  const scans = await race({
    viewArrow: agg(`v_${kind.name}`),
    viewGyreTable: agg(`gv_${kind.name}`),
    tableFunctionCeiling: agg(`ceiling_${kind.name}()`),
    nativeTable: agg(name),
  });
  lines.view.push({
    kind: kind.name,
    viewArrow: scans.viewArrow!,
    viewGyreTable: scans.viewGyreTable!,
    tableFunctionCeiling: scans.tableFunctionCeiling!,
    nativeTable: scans.nativeTable!,
  });
  await view.drop();

  // Out of DuckDB.
  const chunkLoop = (convert: boolean) => async (): Promise<void> => {
    const r = await conn.stream(`SELECT v FROM ${name}`);
    for (;;) {
      const c = await r.fetchChunk();
      if (!c || c.rowCount === 0) break;
      if (convert) c.getColumns();
    }
  };
  const back = await race({
    fromDuckDB: {
      rows: ROWS,
      run: async () => {
        for await (const b of await fromDuckDB(conn, `SELECT v FROM ${name}`)) void b;
      },
    },
    fetchChunkOnly: { rows: ROWS, run: chunkLoop(false) },
    clientGetColumns: { rows: ROWS, run: chunkLoop(true) },
  });
  lines.back.push({
    kind: kind.name,
    fromDuckDB: back.fromDuckDB!,
    fetchChunkOnly: back.fetchChunkOnly!,
    clientGetColumns: back.clientGetColumns!,
  });
}

const pct = (a: number, b: number): string => `${((100 * a) / b).toFixed(0)}%`;
console.log(`\nbench:duckdb — ${ROWS.toLocaleString()} rows per column, rows/s (best of ${ITERS})\n`);
console.log('gyre → DuckDB table (materialize) vs the Appender ceilings');
console.log(
  '  column    materialize   row API   chunk+setColumnValues   prebuilt chunk   materialize/row  /setColumnValues  /prebuilt',
);
for (const l of lines.into) {
  const [mt, r, v, p] = [l.materialize, l.rowAPI, l.chunkValues, l.prebuilt] as number[];
  console.log(
    `  ${l.kind.padEnd(8)}  ${m(mt!).padStart(11)}  ${m(r!).padStart(8)}  ${m(v!).padStart(22)}  ${m(p!).padStart(15)}  ${(mt! / r!).toFixed(2).padStart(15)}x  ${(mt! / v!).toFixed(2).padStart(15)}x  ${pct(mt!, p!).padStart(9)}`,
  );
}
console.log('\nDuckDB aggregate over a lazy gyre view vs the table-function ceiling and a native DuckDB table');
console.log(
  '  column    view(Arrow)   view(gyre table)   table-fn ceiling   native table   view/ceiling   gyre-view/ceiling',
);
for (const l of lines.view) {
  const [va, vg, c, nt] = [l.viewArrow, l.viewGyreTable, l.tableFunctionCeiling, l.nativeTable] as number[];
  console.log(
    `  ${l.kind.padEnd(8)}  ${m(va!).padStart(11)}  ${m(vg!).padStart(17)}  ${m(c!).padStart(17)}  ${m(nt!).padStart(13)}  ${pct(va!, c!).padStart(13)}  ${pct(vg!, c!).padStart(18)}`,
  );
}
console.log('\nDuckDB → gyre (fromDuckDB, Arrow batches) vs the client reading the same result');
console.log(
  '  column    fromDuckDB   fetchChunk only   client getColumns()   fromDuckDB/fetchChunk   fromDuckDB/getColumns',
);
for (const l of lines.back) {
  const [f, c, v] = [l.fromDuckDB, l.fetchChunkOnly, l.clientGetColumns] as number[];
  console.log(
    `  ${l.kind.padEnd(8)}  ${m(f!).padStart(10)}  ${m(c!).padStart(16)}  ${m(v!).padStart(20)}  ${pct(f!, c!).padStart(22)}  ${(f! / v!).toFixed(2).padStart(21)}x`,
  );
}

await stopScanWorker();
await db.close();
conn.closeSync();
instance.closeSync();
rmSync(dir, { recursive: true, force: true });
