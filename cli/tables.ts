/**
 * Table commands of the `gyre` CLI, over the catalog at `--root` (else $GYRE_ROOT, else
 * `./gyre-data`, the default of `open()`):
 *
 *   gyre tables ls [--project P]                      tables with id, creation time, version, fragments, size
 *   gyre tables manifests --table T [--project P]     the key space's and every column group's fragments
 *   gyre tables import --table T [--key a,b] FILE     CSV/TSV, Arrow IPC or Vortex → one upsert transaction
 *   gyre tables compact --table T [--target-rows N]   rewrite overlapping / small fragments into L1
 *   gyre txn ls --table T [--project P]               the table's committed transactions
 *
 * Coded errors print `error [code]: message` and exit 1.
 */
import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import { parseArgs } from 'node:util';

import { Field, makeData, RecordBatch, RecordBatchReader, Schema, Struct } from 'apache-arrow';
import { parse } from 'csv-parse';

import { EngineError } from '../errors.js';
import { type Database, open } from '../storage/tables/catalog.js';
import { fromHex, KeyCodec } from '../storage/tables/key-codec.js';
import { type FragmentEntry, formatMicros } from '../storage/tables/manifest.js';
import type { Table } from '../storage/tables/table.js';
import { VortexFile } from '../storage/vortex/vortex-file.js';
import { arrowType, columnData, converter, TypeGuess } from './csv-types.js';
import { Progress, type ProgressStream, thousands } from './progress.js';

export interface CliIO {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
  /** Where progress bars draw (only when it is a terminal). */
  readonly progress: ProgressStream;
}

const defaultIO: CliIO = { out: (s) => console.log(s), err: (s) => console.error(s), progress: process.stderr };

/** 1536 → "1.5KB": one decimal, powers of 1024. */
export function humanSize(n: number): string {
  const units = ['KB', 'MB', 'GB', 'TB'];
  if (n < 1024) return `${Math.round(n)}B`;
  let v = n / 1024,
    u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)}${units[u]}`;
}

/** A box-drawn table: a heavy header, light body; `right` columns are right-aligned. */
export function boxTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  right: ReadonlySet<number> = new Set(),
): string {
  const w = headers.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k]!.length)));
  const cells = (r: readonly string[], bar: string): string =>
    `${bar} ${r.map((c, k) => (right.has(k) ? c.padStart(w[k]!) : c.padEnd(w[k]!))).join(` ${bar} `)} ${bar}`;
  const rule = (l: string, fill: string, m: string, r: string): string =>
    `${l}${w.map((x) => fill.repeat(x + 2)).join(m)}${r}`;
  return [
    rule('┏', '━', '┳', '┓'),
    cells(headers, '┃'),
    rule('┡', '━', '╇', '┩'),
    ...rows.map((r) => cells(r, '│')),
    rule('└', '─', '┴', '┘'),
  ].join('\n');
}

function rootOf(flag: string | undefined): string {
  return flag ?? (process.env.GYRE_ROOT || './gyre-data');
}

async function openTable(db: Database, table: string | undefined, project: string | undefined): Promise<Table> {
  if (!table) throw new EngineError('invalid-argument', '--table is required');
  return project ? db.project(project).table(table) : db.table(table);
}

/** `tables ls`: one row per table; version, fragments and size come from its newest version. */
async function listTables(db: Database, project: string | undefined, io: CliIO): Promise<void> {
  const entries = await db.listTables(project);
  const rows = await Promise.all(
    entries.map(async (e) => {
      let version = '?',
        fragments = '?',
        size = '?';
      try {
        const snap = await (await db.table(e.identifier)).snapshot();
        const m = snap.manifests();
        const all = [...m.keySpace, ...m.groups.flatMap((g) => g.fragments)];
        const unique = new Map(all.map((f) => [f.path, f.size]));
        version = String(snap.version);
        fragments = thousands(all.length);
        size = humanSize([...unique.values()].reduce((a, b) => a + b, 0));
      } catch (err) {
        if (!(err instanceof EngineError)) throw err;
      }
      return [e.identifier, e.id, formatMicros(e.createdAt), version, fragments, size];
    }),
  );
  if (rows.length === 0) {
    io.out(project ? `no tables in project ${project}` : 'no tables');
    return;
  }
  io.out(boxTable(['Table', 'ID', 'Created At', 'Version', 'Fragments', 'Size'], rows, new Set([3, 4, 5])));
}

/** `tables manifests`: the key space, then every column group, each with its fragments in key order. */
async function showManifests(t: Table, io: CliIO): Promise<void> {
  const snap = await t.snapshot();
  const codec = new KeyCodec(t.keySchema.fields);
  const multi = codec.fields.length > 1;
  const key = (hex: string): string => (multi ? `(${codec.format(fromHex(hex))})` : codec.format(fromHex(hex)));
  const m = snap.manifests();
  io.out(`Table ${t.identifier} (${t.id}), version ${snap.version} of ${snap.asof.toISOString()}`);
  const section = (title: string, fragments: readonly FragmentEntry[]): void => {
    const total = fragments.reduce((s, f) => s + f.size, 0);
    const meta = fragments.reduce((s, f) => s + f.metadataSize, 0);
    const avg = fragments.length ? total / fragments.length : 0;
    io.out('');
    io.out(
      `${title}  ${thousands(fragments.length)} fragment${fragments.length === 1 ? '' : 's'}, total: ${humanSize(total)}, avg: ${humanSize(avg)}, metadata: ${humanSize(meta)}`,
    );
    // Lowercase hex strings order like the bytes they encode.
    const sorted = [...fragments].sort((a, b) =>
      a.minKey < b.minKey ? -1 : a.minKey > b.minKey ? 1 : a.seq - b.seq || a.ord - b.ord,
    );
    const rows = sorted.map((f) => [
      f.id,
      `${humanSize(f.size)} (${humanSize(f.metadataSize)})`,
      f.tombstone ? 'vortex (tombstones)' : 'vortex',
      `${key(f.minKey)}..${key(f.maxKey)}`,
      `L${f.level}`,
      formatMicros(f.committedAt),
      f.compactedAt === null ? 'N/A' : formatMicros(f.compactedAt),
    ]);
    io.out(boxTable(['ID', 'Size (Metadata)', 'Format', 'Key Span', 'Level', 'Committed At', 'Compacted At'], rows));
  };
  section('Key Space manifest', m.keySpace);
  for (const g of m.groups) section(`Column Group manifest for ${t.id}${g.path ? `.${g.path}` : ''}`, g.fragments);
}

/** `txn ls`: every committed transaction, oldest first. */
async function listTxns(t: Table, io: CliIO): Promise<void> {
  const rows = (await t.transactions()).map(({ version, committedAt, txn }) => [
    String(version),
    txn.id,
    txn.columnsDropped.length ? `${txn.kind} (${txn.columnsDropped.join(', ')})` : txn.kind,
    formatMicros(committedAt),
    thousands(txn.rowsWritten),
    thousands(txn.keysDeleted) + (txn.prefixesDeleted ? ` + ${txn.prefixesDeleted} prefixes` : ''),
    thousands(txn.fragmentsAdded),
    thousands(txn.fragmentsRemoved),
    String(txn.attempts),
  ]);
  io.out(`Transactions of ${t.identifier} (${t.id})`);
  io.out(
    boxTable(
      [
        'Version',
        'Txn ID',
        'Kind',
        'Committed At',
        'Rows Written',
        'Keys Deleted',
        'Frags Added',
        'Frags Removed',
        'Attempts',
      ],
      rows,
      new Set([0, 4, 5, 6, 7, 8]),
    ),
  );
}

// ---- import -------------------------------------------------------------------------------

interface Source {
  readonly schema: Schema;
  /** Row count when known up front (for the progress bar). */
  readonly rows?: number;
  readonly batches: () => AsyncGenerator<RecordBatch>;
}

const CSV_BATCH_ROWS = 65536;

function csvRows(path: string): AsyncIterable<string[]> {
  const delimiter = extname(path).toLowerCase() === '.tsv' ? '\t' : ',';
  return createReadStream(path).pipe(parse({ delimiter, relax_column_count: true, bom: true })) as AsyncIterable<
    string[]
  >;
}

/** CSV/TSV in two passes, as `gyre vortex write` reads it: infer every column's type over all rows, then parse. */
async function csvSource(path: string): Promise<Source> {
  let names: string[] | undefined;
  const guesses: TypeGuess[] = [];
  let rows = 0;
  for await (const row of csvRows(path)) {
    if (!names) {
      names = row.map((h, i) => h || `column_${i}`);
      names.forEach(() => guesses.push(new TypeGuess()));
      continue;
    }
    rows++;
    for (let i = 0; i < names.length; i++) guesses[i]!.add(row[i] ?? '');
  }
  if (!names) throw new EngineError('invalid-argument', `${path} is empty (a CSV file needs a header row)`);
  const cols = names;
  const types = guesses.map(arrowType);
  const schema = new Schema(cols.map((n, i) => new Field(n, types[i]!, true)));
  const convert = guesses.map((g) => converter(g.type));
  async function* batches(): AsyncGenerator<RecordBatch> {
    let values: unknown[][] = cols.map(() => []);
    let n = 0,
      header = true;
    const flush = (): RecordBatch => {
      const children = values.map((v, i) => columnData(types[i]!, guesses[i]!.type, v));
      const b = new RecordBatch(
        schema,
        makeData({ type: new Struct(schema.fields), length: n, nullCount: 0, children }),
      );
      values = cols.map(() => []);
      n = 0;
      return b;
    };
    for await (const row of csvRows(path)) {
      if (header) {
        header = false;
        continue;
      }
      for (let i = 0; i < cols.length; i++) {
        const s = row[i] ?? '';
        values[i]!.push(s === '' ? null : convert[i]!(s));
      }
      if (++n === CSV_BATCH_ROWS) yield flush();
    }
    if (n > 0) yield flush();
  }
  return { schema, rows, batches };
}

async function vortexSource(path: string): Promise<Source> {
  const head = await VortexFile.open(path);
  const { schema, rowCount } = head;
  await head.close();
  return {
    schema,
    rows: rowCount,
    batches: async function* () {
      const f = await VortexFile.open(path);
      try {
        yield* f.scan();
      } finally {
        await f.close();
      }
    },
  };
}

async function ipcSource(path: string): Promise<Source> {
  const reader = await RecordBatchReader.from(createReadStream(path));
  await reader.open();
  return {
    schema: reader.schema,
    batches: async function* () {
      yield* reader;
    },
  };
}

async function sourceOf(path: string): Promise<Source> {
  const ext = extname(path).toLowerCase();
  if (ext === '.vortex') return vortexSource(path);
  if (['.arrow', '.arrows', '.ipc', '.feather'].includes(ext)) return ipcSource(path);
  return csvSource(path);
}

async function importFile(
  db: Database,
  opts: Readonly<Record<string, string | undefined>>,
  file: string | undefined,
  io: CliIO,
): Promise<void> {
  if (!opts.table) throw new EngineError('invalid-argument', '--table is required');
  if (!file) throw new EngineError('invalid-argument', 'import needs a FILE (.csv, .tsv, .arrow or .vortex)');
  const src = await sourceOf(file);
  let table: Table;
  if (opts.key) {
    const keyFields = opts.key.split(',').map((name) => {
      const f = src.schema.fields.find((x) => x.name === name);
      if (!f)
        throw new EngineError(
          'unknown-column',
          `key column "${name}" is not in ${file} (columns: ${src.schema.fields.map((x) => x.name).join(', ')})`,
          { details: { column: name } },
        );
      return f;
    });
    const create = { keySchema: keyFields, existOk: true };
    table = await (opts.project
      ? db.project(opts.project).createTable(opts.table, create)
      : db.createTable(opts.table, create));
  } else table = await openTable(db, opts.table, opts.project);
  const started = performance.now();
  const bar = new Progress(`importing ${table.identifier}`, {
    stream: io.progress,
    ...(src.rows !== undefined ? { total: src.rows } : {}),
  });
  // The bar follows rows read from the file; write's onProgress reports rows written (per sorted slice).
  let read = 0,
    written = 0;
  async function* counted(): AsyncGenerator<RecordBatch> {
    for await (const b of src.batches()) {
      read += b.numRows;
      bar.update(read);
      yield b;
    }
  }
  let info;
  try {
    info = await table.write(counted(), {
      onProgress: (n) => {
        written = n;
        bar.update(read, `${thousands(n)} written`);
      },
    });
  } finally {
    bar.finish();
  }
  const secs = (performance.now() - started) / 1000;
  io.out(
    `imported ${thousands(written)} rows into ${table.identifier}: version ${info.version} in ${secs.toFixed(2)} s (${thousands(written / Math.max(secs, 1e-9))} rows/s)`,
  );
}

async function compactTable(t: Table, targetRows: number | undefined, io: CliIO): Promise<void> {
  const started = performance.now();
  const bar = new Progress(`compacting ${t.identifier}`, { stream: io.progress });
  let r;
  try {
    r = await t.compact({ ...(targetRows !== undefined ? { targetRows } : {}), onProgress: (n) => bar.update(n) });
  } finally {
    bar.finish();
  }
  const secs = (performance.now() - started) / 1000;
  if (r.version === null) io.out(`${t.identifier}: nothing to compact`);
  else
    io.out(
      `compacted ${t.identifier}: ${thousands(r.fragmentsRemoved)} fragments → ${thousands(r.fragmentsAdded)}, ${thousands(r.rowsRewritten)} rows rewritten, version ${r.version} in ${secs.toFixed(2)} s`,
    );
}

// ---- dispatch -------------------------------------------------------------------------------

export const TABLES_USAGE = `  gyre tables ls [--root DIR|s3://bucket/prefix] [--project P]
  gyre tables manifests --table T [--root …] [--project P]
  gyre tables import --table T [--key col1,col2] FILE.csv|FILE.tsv|FILE.arrow|FILE.vortex [--root …] [--project P]
  gyre tables compact --table T [--target-rows N] [--root …] [--project P]
  gyre txn ls --table T [--root …] [--project P]`;

function parse_(args: readonly string[]): { values: Record<string, string | undefined>; positionals: string[] } {
  try {
    const r = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        root: { type: 'string' },
        project: { type: 'string' },
        table: { type: 'string' },
        key: { type: 'string' },
        'target-rows': { type: 'string' },
      },
    });
    return { values: r.values as Record<string, string | undefined>, positionals: r.positionals };
  } catch (e) {
    throw new EngineError('invalid-argument', (e as Error).message);
  }
}

/**
 * Runs `gyre tables …` / `gyre txn …` (`group` is 'tables' or 'txn', `args` what follows it).
 * Returns the exit code: 0, 1 after a coded error, 2 for an unknown subcommand.
 */
export async function tablesCommand(group: string, args: readonly string[], io: CliIO = defaultIO): Promise<number> {
  const [sub, ...rest] = args;
  const known = group === 'tables' ? ['ls', 'manifests', 'import', 'compact'] : group === 'txn' ? ['ls'] : [];
  if (sub === undefined || !known.includes(sub)) {
    io.err(`usage:\n${TABLES_USAGE}`);
    return 2;
  }
  let db: Database | undefined;
  try {
    const { values: v, positionals } = parse_(rest);
    const targetRows = v['target-rows'] === undefined ? undefined : Number(v['target-rows']);
    if (targetRows !== undefined && !(Number.isSafeInteger(targetRows) && targetRows > 0))
      throw new EngineError('invalid-argument', '--target-rows must be a positive integer');
    db = await open(rootOf(v.root));
    if (group === 'txn') await listTxns(await openTable(db, v.table, v.project), io);
    else if (sub === 'ls') await listTables(db, v.project, io);
    else if (sub === 'manifests') await showManifests(await openTable(db, v.table, v.project), io);
    else if (sub === 'compact') await compactTable(await openTable(db, v.table, v.project), targetRows, io);
    else await importFile(db, v, positionals[0], io);
    return 0;
  } catch (e) {
    if (!(e instanceof EngineError)) throw e;
    io.err(`error [${e.code}]: ${e.message}`);
    return 1;
  } finally {
    await db?.close();
  }
}
