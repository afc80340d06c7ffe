/**
 * Writing Vortex files: Arrow record batches in, a Vortex file out, read by gyre and by the
 * official library. Batches are written as they come — each is handed to the native writer
 * (zero-copy), encoded off the JS thread, and its bytes are appended before the next batch is
 * pulled — so memory stays bounded by about one batch plus one chunk per column.
 */
import { type Data, type RecordBatch, type Schema, Table } from 'apache-arrow';

import { EngineError, StorageError } from '../../errors.js';
import { call, callAsync, type RawWriterOptions, type WriterHandle } from '../../native/index.js';
import { rawColumn, widenSchema } from './arrow-columns.js';
import { schemaDType } from './arrow-dtype.js';
import { type ByteSink, openTarget, type WriteTarget } from './write-target.js';

export type { ByteSink, WriteTarget } from './write-target.js';

export type WriteData = Table | Iterable<RecordBatch> | AsyncIterable<RecordBatch>;

export interface WriteOptions {
  /** Rows per chunk (default: ~1 MiB of uncompressed data per chunk, in multiples of 8192 rows; wide values: a power of two of rows near 1 MiB). */
  readonly chunkRows?: number;
  /** 'default' picks encodings per chunk with the cascading compressor; 'none' writes canonical arrays. */
  readonly compression?: 'default' | 'none';
  /**
   * Zone-map layout: 'zoned' (default, read by vortex-data ≥ 0.76), legacy 'stats', or 'none'.
   * @internal
   */
  readonly zoneMaps?: 'zoned' | 'stats' | 'none';
}

export interface WriteResult {
  readonly rows: number;
  readonly bytes: number;
}

/** Batches larger than this are written in slices, bounding the bytes one native call returns. */
const MAX_SLICE_ROWS = 1 << 20;

function isTable(data: WriteData): data is Table {
  return data instanceof Table || (typeof data === 'object' && 'batches' in data && 'schema' in data);
}

async function* batchesOf(data: WriteData): AsyncGenerator<RecordBatch> {
  if (isTable(data)) yield* data.batches;
  else yield* data as AsyncIterable<RecordBatch>;
}

function sameSchema(a: Schema, b: Schema): boolean {
  return (
    a.fields.length === b.fields.length &&
    a.fields.every((f, i) => f.name === b.fields[i]!.name && String(f.type) === String(b.fields[i]!.type))
  );
}

function writerOptions(opts: WriteOptions): RawWriterOptions {
  const chunkRows = opts.chunkRows;
  if (chunkRows !== undefined && (!Number.isSafeInteger(chunkRows) || chunkRows < 1)) {
    throw new EngineError('invalid-argument', `chunkRows must be a positive integer, got ${chunkRows}`);
  }
  const compression = opts.compression ?? 'default';
  if (compression !== 'default' && compression !== 'none') {
    throw new EngineError('invalid-argument', `unknown compression ${String(compression)}`);
  }
  return {
    compress: compression === 'default',
    zones: opts.zoneMaps ?? 'zoned',
    ...(chunkRows !== undefined ? { chunkRows } : {}),
  };
}

async function writeBatch(handle: WriterHandle, sink: ByteSink, batch: RecordBatch): Promise<number> {
  let bytes = 0;
  for (let at = 0; at < batch.numRows || (at === 0 && batch.numRows === 0); at += MAX_SLICE_ROWS) {
    const part = batch.numRows > MAX_SLICE_ROWS ? batch.slice(at, at + MAX_SLICE_ROWS) : batch;
    const columns = part.data.children.map((d: Data) => rawColumn(d));
    const out = await callAsync((n) => n.writeBatch(handle, part.numRows, columns), 'writing Vortex file');
    if (out.length) await sink.write(out);
    bytes += out.length;
    if (batch.numRows === 0) break;
  }
  return bytes;
}

/**
 * Writes `data` as one Vortex file to `target` (a path, written atomically, or a byte sink).
 * The schema comes from the table or the first batch; an Arrow type Vortex cannot store fails
 * with `vortex-unsupported-type` before anything is written.
 */
export async function writeVortex(target: WriteTarget, data: WriteData, opts: WriteOptions = {}): Promise<WriteResult> {
  const options = writerOptions(opts);
  const batches = batchesOf(data);
  const first = await batches.next();
  let schema: Schema;
  if (isTable(data)) {
    schema = widenSchema(data.schema, data.schema.fields.map((_, i) => data.batches.map((b) => b.data.children[i]!)));
  } else if (!first.done) {
    schema = widenSchema(first.value.schema, first.value.data.children.map((d) => [d]));
  } else {
    throw new EngineError('invalid-argument', 'cannot write an empty stream of record batches: its schema is unknown');
  }
  const dtype = schemaDType(schema);
  const handle = call((n) => n.createWriter(dtype, options), 'writing Vortex file');
  const sink = await openTarget(target);
  let rows = 0, bytes = 0;
  try {
    for (let next = first; !next.done; next = await batches.next()) {
      const batch = next.value;
      if (!sameSchema(batch.schema, schema)) {
        throw new EngineError('invalid-argument', 'all record batches must have the schema of the first one');
      }
      bytes += await writeBatch(handle, sink, batch);
      rows += batch.numRows;
    }
    const tail = await callAsync((n) => n.finishWriter(handle), 'writing Vortex file');
    await sink.write(tail);
    bytes += tail.length;
    await sink.close();
  } catch (e) {
    await Promise.resolve(sink.abort(e)).catch(() => undefined);
    await batches.return(undefined).catch(() => undefined);
    if (e instanceof EngineError) throw e;
    throw new StorageError('io-error', `writing Vortex file failed: ${(e as Error).message}`, { cause: e });
  }
  return { rows, bytes };
}
