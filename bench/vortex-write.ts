/**
 * npm run bench:vortex-write — writes the same datasets with gyre (VortexFile.write) and with the
 * official vortex-data default writer (vx.io.write, 0.90) in one run, then reads every file back
 * with both readers. Prints, per dataset: file size ratio gyre/official (target ≤ 1.10), write
 * throughput ratio gyre/official (target ≥ 1.0), read-back throughput of both files by both readers,
 * and the encodings each writer chose for the first data segment of every column.
 *
 * Datasets: ints, floats, strings, timestamps (10M rows each, from test/compat/bench_data.py) and
 * flights (the 3M real rows of vega-datasets' flights-3m.parquet, loaded through DuckDB into an
 * Arrow table here). Throughputs are in input Arrow bytes/s (the size of the input as Arrow IPC).
 * Each measurement runs in its own child process (bench/write-one.ts, bench/official_write.py,
 * bench/read-one.ts, test/compat/bench_read.py) and reports the best of GYRE_BENCH_ITERS (3).
 *
 *   GYRE_BENCH_ROWS=1000000 npm run bench:vortex-write     (smaller run)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { DuckDBInstance } from '@duckdb/node-api';
import {
  Int64,
  makeData,
  RecordBatch,
  Struct,
  Table,
  TimestampMicrosecond,
  tableToIPC,
  Utf8,
  vectorFromArray,
  Field,
  Schema,
  type Data,
  type DataType,
} from 'apache-arrow';

import { VortexFile, type LayoutTree } from '../index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const rows = Number(process.env.GYRE_BENCH_ROWS ?? 10_000_000);
const iters = Number(process.env.GYRE_BENCH_ITERS ?? 3);
const version = '0.90';
const BATCH_ROWS = 1 << 20; // record batch size of the .arrow inputs (as in bench_data.py)
const FLIGHTS_ROWS = 3_000_000;

const { ensureVenvs } = (await import(join(root, 'test', 'compat', 'setup-venvs.mjs'))) as {
  ensureVenvs: () => Record<string, string>;
};
const python = ensureVenvs()[version]!;

// ---- inputs -------------------------------------------------------------------------------------

/** The bench_data.py inputs: the .arrow files are the same for every vortex-data version (fixed seed). */
function syntheticInputs(): Record<string, string> {
  const names = ['ints', 'floats', 'strings', 'timestamps'];
  const candidates = [`${version}-${rows}`, `0.76-${rows}`].map((d) => join(root, 'bench', 'data', d));
  let dir = candidates.find((d) => names.every((n) => existsSync(join(d, `${n}.arrow`))));
  if (!dir) {
    dir = candidates[0]!;
    mkdirSync(dir, { recursive: true });
    console.log(`generating ${rows}-row inputs with test/compat/bench_data.py …`);
    execFileSync(python, [join(root, 'test', 'compat', 'bench_data.py'), dir, '--rows', String(rows)], {
      stdio: 'inherit',
    });
  }
  return Object.fromEntries(names.map((n) => [n, join(dir, `${n}.arrow`)]));
}

/**
 * vega-datasets' flights-3m.parquet (date, delay, distance, origin, destination), read with DuckDB
 * into an Arrow table (timestamp[us], int64, int64, utf8, utf8) and saved as Arrow IPC once.
 */
async function flightsInput(): Promise<string> {
  const n = Math.min(rows, FLIGHTS_ROWS);
  const path = join(root, 'bench', 'data', `flights-${n}.arrow`);
  if (existsSync(path)) return path;
  const require = createRequire(import.meta.url);
  const parquet = join(dirname(require.resolve('vega-datasets')), '..', 'data', 'flights-3m.parquet');
  console.log(`loading ${parquet} (${n} rows) …`);
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  const reader = await conn.runAndReadAll(
    `SELECT epoch_us(date) AS date, delay, distance, origin, destination FROM read_parquet('${parquet}') LIMIT ${n}`,
  );
  const cols = reader.getColumns();
  conn.closeSync();
  db.closeSync();
  const [date, delay, distance, origin, destination] = cols as [bigint[], bigint[], bigint[], string[], string[]];
  const types: [string, DataType][] = [
    ['date', new TimestampMicrosecond()],
    ['delay', new Int64()],
    ['distance', new Int64()],
    ['origin', new Utf8()],
    ['destination', new Utf8()],
  ];
  const fields = types.map(([name, type]) => new Field(name, type, false));
  const schema = new Schema(fields);
  const batches: RecordBatch[] = [];
  for (let at = 0; at < n; at += BATCH_ROWS) {
    const end = Math.min(n, at + BATCH_ROWS);
    const ints = (v: bigint[], type: DataType): Data =>
      makeData({ type, length: end - at, nullCount: 0, data: BigInt64Array.from(v.slice(at, end)) } as never);
    const strs = (v: string[]): Data => vectorFromArray(v.slice(at, end), new Utf8()).data[0]!;
    const children = [
      ints(date, types[0]![1]),
      ints(delay, types[1]![1]),
      ints(distance, types[2]![1]),
      strs(origin),
      strs(destination),
    ];
    const data = makeData({ type: new Struct(fields), length: end - at, nullCount: 0, children });
    batches.push(new RecordBatch(schema, data));
  }
  const table = new Table(batches);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.tmp`, tableToIPC(table, 'file'));
  renameSync(`${path}.tmp`, path);
  return path;
}

// ---- measurements -------------------------------------------------------------------------------

interface Result {
  rows: number;
  seconds_per_iter: number[];
  vortex_bytes?: number;
}

function runJson(cmd: string, args: string[]): Result {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Result;
}

const best = (r: Result): number => Math.min(...r.seconds_per_iter);
const node = (script: string, ...args: string[]): Result =>
  runJson(process.execPath, ['--expose-gc', '--import', 'tsx', join(root, 'bench', script), ...args]);
const py = (script: string, ...args: string[]): Result => runJson(python, [join(root, script), ...args]);

function checkRows(r: Result, want: number, what: string): void {
  if (r.rows !== want) throw new Error(`${what}: ${r.rows} rows, expected ${want}`);
}

// ---- encodings ----------------------------------------------------------------------------------

interface EncodingNode {
  encoding: string;
  children: EncodingNode[];
}

/** `fastlanes.for(fastlanes.bitpacked(vortex.primitive))` → `for(bitpacked(primitive))`, repeated children once. */
function compact(n: EncodingNode): string {
  const id = n.encoding.slice(n.encoding.lastIndexOf('.') + 1);
  const kids = [...new Set(n.children.map(compact))];
  return kids.length ? `${id}(${kids.join(',')})` : id;
}

/** The array encodings of the first data segment under a column's layout (dict layouts: values and codes). */
async function columnEncodings(file: VortexFile, n: LayoutTree): Promise<string> {
  if (n.segment !== undefined && n.children.length === 0) {
    return compact((await file.describeSegment(n.segment.id)) as EncodingNode);
  }
  if (n.encoding === 'vortex.dict' && n.children.length === 2) {
    return `dict[values ${await columnEncodings(file, n.children[0]!)}; codes ${await columnEncodings(file, n.children[1]!)}]`;
  }
  // zoned/stats: child 0 is the data, chunked: the first chunk.
  const first = n.children.find((c) => c.name !== 'zones');
  return first ? columnEncodings(file, first) : n.encoding;
}

async function encodingsOf(path: string): Promise<Map<string, string>> {
  const file = await VortexFile.open(path);
  try {
    const out = new Map<string, string>();
    for (const c of file.layout.children) {
      if (c.name !== undefined && c.name !== '(validity)') out.set(c.name, await columnEncodings(file, c));
    }
    return out;
  } finally {
    await file.close();
  }
}

// ---- run ----------------------------------------------------------------------------------------

const inputs: Record<string, string> = { ...syntheticInputs(), flights: await flightsInput() };
const outDir = join(root, 'bench', 'data', `write-${rows}`);
mkdirSync(outDir, { recursive: true });

const mib = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;
const tput = (bytes: number, s: number): string => `${(bytes / s / 2 ** 20).toFixed(0)} MiB/s`;
const pad = (s: string, w: number): string => s.padEnd(w);

interface Row {
  name: string;
  rows: number;
  arrow: number;
  gyreBytes: number;
  offBytes: number;
  gyreWrite: number;
  offWrite: number;
  reads: { gg: number; go: number; og: number; oo: number };
  enc: { gyre: Map<string, string>; off: Map<string, string> };
}
const results: Row[] = [];
let offVersion = version;
for (const [name, input] of Object.entries(inputs)) {
  const arrow = statSync(input).size;
  const gyrePath = join(outDir, `${name}.gyre.vortex`);
  const offPath = join(outDir, `${name}.official.vortex`);
  process.stderr.write(`${name}: writing …`);
  const gw = node('write-one.ts', input, gyrePath, String(iters));
  const ow = py('bench/official_write.py', input, offPath, '--iters', String(iters)) as Result & {
    vortex_version: string;
  };
  offVersion = ow.vortex_version;
  checkRows(ow, gw.rows, `${name} official write`);
  process.stderr.write(' reading …');
  const gg = node('read-one.ts', gyrePath, String(iters));
  const go = node('read-one.ts', offPath, String(iters));
  const og = py('test/compat/bench_read.py', gyrePath, '--iters', String(iters));
  const oo = py('test/compat/bench_read.py', offPath, '--iters', String(iters));
  for (const [r, what] of [
    [gg, 'gyre reading gyre'],
    [go, 'gyre reading official'],
    [og, 'official reading gyre'],
    [oo, 'official reading official'],
  ] as const) {
    checkRows(r, gw.rows, `${name}: ${what}`);
  }
  process.stderr.write(' done\n');
  results.push({
    name,
    rows: gw.rows,
    arrow,
    gyreBytes: statSync(gyrePath).size,
    offBytes: statSync(offPath).size,
    gyreWrite: best(gw),
    offWrite: best(ow),
    reads: { gg: best(gg), go: best(go), og: best(og), oo: best(oo) },
    enc: { gyre: await encodingsOf(gyrePath), off: await encodingsOf(offPath) },
  });
}

console.log(
  `\ngyre vs vortex-data ${offVersion} default writer (vx.io.write); best of ${iters}; ` +
    `throughput = input Arrow IPC bytes / s\n`,
);
console.log('## size and write');
console.log(
  `${pad('dataset', 11)}${pad('rows', 10)}${pad('arrow', 12)}${pad('gyre', 12)}${pad('official', 12)}` +
    `${pad('size g/o', 10)}${pad('write gyre', 24)}${pad('write official', 24)}write g/o`,
);
for (const r of results) {
  console.log(
    `${pad(r.name, 11)}${pad(String(r.rows), 10)}${pad(mib(r.arrow), 12)}${pad(mib(r.gyreBytes), 12)}` +
      `${pad(mib(r.offBytes), 12)}${pad(`${(r.gyreBytes / r.offBytes).toFixed(3)}`, 10)}` +
      `${pad(`${(r.gyreWrite * 1000).toFixed(0)} ms ${tput(r.arrow, r.gyreWrite)}`, 24)}` +
      `${pad(`${(r.offWrite * 1000).toFixed(0)} ms ${tput(r.arrow, r.offWrite)}`, 24)}` +
      `${(r.offWrite / r.gyreWrite).toFixed(2)}×`,
  );
}
const sum = (f: (r: Row) => number): number => results.reduce((a, r) => a + f(r), 0);
console.log(
  `${pad('total', 21)}${pad(mib(sum((r) => r.arrow)), 12)}${pad(mib(sum((r) => r.gyreBytes)), 12)}` +
    `${pad(mib(sum((r) => r.offBytes)), 12)}${pad((sum((r) => r.gyreBytes) / sum((r) => r.offBytes)).toFixed(3), 10)}` +
    `${pad(`${(sum((r) => r.gyreWrite) * 1000).toFixed(0)} ms`, 24)}${pad(`${(sum((r) => r.offWrite) * 1000).toFixed(0)} ms`, 24)}` +
    `${(sum((r) => r.offWrite) / sum((r) => r.gyreWrite)).toFixed(2)}×`,
);
console.log('targets: size g/o ≤ 1.10, write g/o ≥ 1.0 (throughput ratio)');

console.log('\n## read-back (reader ← file)');
console.log(
  `${pad('dataset', 11)}${pad('gyre ← gyre', 24)}${pad('gyre ← official', 24)}` +
    `${pad('official ← gyre', 24)}official ← official`,
);
for (const r of results) {
  const cell = (s: number): string => `${(s * 1000).toFixed(0)} ms ${tput(r.arrow, s)}`;
  console.log(
    `${pad(r.name, 11)}${pad(cell(r.reads.gg), 24)}${pad(cell(r.reads.go), 24)}${pad(cell(r.reads.og), 24)}${cell(r.reads.oo)}`,
  );
}

console.log('\n## encodings of the first data segment of each column (gyre | official)');
for (const r of results) {
  for (const [col, g] of r.enc.gyre) {
    const o = r.enc.off.get(col) ?? '?';
    console.log(`${r.name}.${col}: ${g}${g === o ? '  (same)' : `  |  ${o}`}`);
  }
}
