/**
 * `gyre vortex write IN OUT.vortex [--chunk-rows N] [--compression default|none]`: converts an
 * Arrow IPC file/stream or a CSV/TSV file to Vortex. Both inputs stream: IPC batch by batch; CSV
 * in two passes (infer every column's type over all rows, then parse into 64k-row batches), so
 * memory stays bounded by a batch whatever the input size.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { extname } from 'node:path';

import { parse } from 'csv-parse';
import { Field, makeData, RecordBatch, RecordBatchReader, Schema, Struct } from 'apache-arrow';

import { EngineError } from '../errors.js';
import { VortexFile } from '../storage/vortex/vortex-file.js';
import { arrowType, columnData, converter, TypeGuess } from './csv-types.js';

const BATCH_ROWS = 65536;

export interface WriteCliOptions {
  chunkRows?: number;
  compression?: 'default' | 'none';
}

async function isArrowIpc(path: string): Promise<boolean> {
  const ext = extname(path).toLowerCase();
  if (['.arrow', '.arrows', '.ipc', '.feather'].includes(ext)) return true;
  if (['.csv', '.tsv', '.txt'].includes(ext)) return false;
  const f = await open(path, 'r');
  try {
    const head = Buffer.alloc(6);
    await f.read(head, 0, 6, 0);
    return head.toString('latin1') === 'ARROW1' || head.readUInt32LE(0) === 0xffffffff;
  } finally {
    await f.close();
  }
}

function csvRows(path: string): AsyncIterable<string[]> {
  const delimiter = extname(path).toLowerCase() === '.tsv' ? '\t' : ',';
  return createReadStream(path).pipe(parse({ delimiter, relax_column_count: true, bom: true })) as AsyncIterable<string[]>;
}

/** Pass 1: header and the inferred type of every column. */
async function inferCsv(path: string): Promise<{ names: string[]; guesses: TypeGuess[] }> {
  let names: string[] | undefined;
  const guesses: TypeGuess[] = [];
  for await (const row of csvRows(path)) {
    if (!names) {
      names = row.map((h, i) => h || `column_${i}`);
      names.forEach(() => guesses.push(new TypeGuess()));
      continue;
    }
    for (let i = 0; i < names.length; i++) guesses[i]!.add(row[i] ?? '');
  }
  if (!names) throw new EngineError('invalid-argument', `${path} is empty (a CSV file needs a header row)`);
  return { names, guesses };
}

/** Pass 2: the rows as record batches of the inferred schema. */
async function* csvBatches(path: string): AsyncGenerator<RecordBatch> {
  const { names, guesses } = await inferCsv(path);
  const types = guesses.map(arrowType);
  const schema = new Schema(names.map((n, i) => new Field(n, types[i]!, true)));
  const convert = guesses.map((g) => converter(g.type));
  let columns: unknown[][] = names.map(() => []);
  let rows = 0, header = true;
  const flush = (): RecordBatch => {
    const children = columns.map((vals, i) => columnData(types[i]!, guesses[i]!.type, vals));
    const batch = new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: rows, nullCount: 0, children }));
    columns = names.map(() => []);
    rows = 0;
    return batch;
  };
  for await (const row of csvRows(path)) {
    if (header) {
      header = false;
      continue;
    }
    for (let i = 0; i < names.length; i++) {
      const s = row[i] ?? '';
      columns[i]!.push(s === '' ? null : convert[i]!(s));
    }
    if (++rows === BATCH_ROWS) yield flush();
  }
  if (rows > 0 || header === false) yield flush();
}

async function* ipcBatches(path: string): AsyncGenerator<RecordBatch> {
  const reader = await RecordBatchReader.from(createReadStream(path));
  let any = false;
  for await (const batch of reader) {
    any = true;
    yield batch;
  }
  if (!any) yield new RecordBatch(reader.schema);  // a schema-only stream still makes an (empty) file
}

export async function writeCommand(input: string, output: string, opts: WriteCliOptions, out: (s: string) => void = console.log): Promise<void> {
  const started = performance.now();
  const batches = (await isArrowIpc(input)) ? ipcBatches(input) : csvBatches(input);
  const r = await VortexFile.write(output, batches, opts);
  const secs = (performance.now() - started) / 1000;
  out(`wrote ${output}: ${r.rows} rows, ${r.bytes} bytes in ${secs.toFixed(2)} s`);
}
