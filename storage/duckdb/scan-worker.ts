/**
 * The scan worker's entry (see scan-host.ts): reopens each requested source with
 * `import(spec.module)[spec.name](spec.args, columns)` and streams the requested columns of its
 * batches, converted to the declared types, as plain buffers (wire.ts), at most `window` batches
 * ahead of the consumer. Imports nothing of DuckDB.
 */
import { parentPort } from 'node:worker_threads';

import { type Data, type DataType, type RecordBatch, tableFromIPC } from 'apache-arrow';

import { EngineError } from '../../errors.js';
import { plainData } from '../arrow/concat.js';
import { typesEqual } from './arrow-types.js';
import { conformData } from './conform.js';
import type { ScanMetrics, ScanRequest, WorkerMessage } from './scan-host.js';
import { toWire, type WireData } from './wire.js';

/** What a reopen function returns. */
export interface WorkerSource {
  readonly batches: AsyncIterable<RecordBatch>;
  metrics?(): ScanMetrics;
}

/** `Atomics.waitAsync` (Node ≥ 16; not in the ES2023 lib typings). */
interface WaitAsync {
  waitAsync(a: Int32Array, index: number, value: number): { async: boolean; value: Promise<unknown> | string };
}

type Opener = (args: unknown, columns: readonly string[]) => Promise<WorkerSource>;

/** Column `name` of `b` as `type` (dictionaries decoded, widened types converted exactly). */
function columnOf(b: RecordBatch, name: string, type: DataType): Data {
  const j = b.schema.fields.findIndex((f) => f.name === name);
  if (j < 0) throw new EngineError('unknown-column', `the scan returned no column "${name}"`);
  const d = plainData(b.data.children[j]!);
  return typesEqual(d.type as DataType, type) ? d : conformData(d, type, name);
}

async function run(req: ScanRequest): Promise<void> {
  const control = new Int32Array(req.control);
  const post = (m: WorkerMessage, transfer: ArrayBuffer[] = []): void => {
    req.port.postMessage(m, transfer);
    Atomics.add(control, 0, 1);
    Atomics.notify(control, 0);
  };
  const beat = setInterval(() => Atomics.add(control, 3, 1), 100);
  const cancelled = (): boolean => Atomics.load(control, 2) === 1;
  try {
    const mod = (await import(req.spec.module)) as Record<string, Opener>;
    const open = mod[req.spec.name];
    if (typeof open !== 'function') throw new Error(`${req.spec.module} has no function ${req.spec.name}`);
    const source = await open(req.spec.args, req.columns);
    const fields = tableFromIPC(req.schema).schema.fields;
    let sent = 0;
    for await (const b of source.batches) {
      if (cancelled()) break;
      if (b.numRows === 0) continue;
      const transfer: ArrayBuffer[] = [];
      const columns: WireData[] = fields.map((f) => toWire(columnOf(b, f.name, f.type as DataType), transfer));
      post({ kind: 'batch', length: b.numRows, columns }, transfer);
      sent++;
      for (;;) {
        const consumed = Atomics.load(control, 1);
        if (sent - consumed < req.window || cancelled()) break;
        const w = (Atomics as unknown as WaitAsync).waitAsync(control, 1, consumed);
        if (w.async) await w.value;
      }
    }
    if (!cancelled()) post({ kind: 'end', metrics: source.metrics?.() ?? {} });
  } catch (e) {
    const err = e as { code?: unknown; message?: unknown };
    if (!cancelled()) post({ kind: 'error', code: typeof err.code === 'string' ? err.code : 'internal', message: String(err.message ?? e) });
  } finally {
    clearInterval(beat);
    req.port.close();
  }
}

parentPort?.on('message', (m: ScanRequest) => {
  if (m.op === 'scan') void run(m);
});
