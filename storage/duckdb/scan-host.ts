/**
 * Runs gyre scans on a worker thread for DuckDB's table function callbacks.
 *
 * DuckDB calls a JS table function synchronously on the JS thread and blocks its own thread
 * until the callback returns, so the callback cannot await gyre's asynchronous reads (object
 * store I/O, native decoding): the JS thread would have to run its event loop to make progress,
 * and it is stuck in the callback. The scan therefore runs on one shared worker thread (its own
 * event loop), which posts each batch's requested columns, in the types the consumer declared,
 * as plain buffers (wire.ts) on a MessageChannel and bumps a shared counter; the callback blocks
 * in `Atomics.wait` until the next batch is there and takes it with `receiveMessageOnPort`. The
 * worker runs at most `window` batches ahead of DuckDB.
 *
 * Control words (Int32 in a SharedArrayBuffer, one set per scan):
 *   [0] messages posted by the worker   [1] batches consumed by DuckDB
 *   [2] 1 once the consumer cancelled   [3] worker heartbeat (ticks every 100 ms while scanning)
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';

import { type Data, type DataType, type Field, Schema, Table, tableToIPC } from 'apache-arrow';

import { EngineError, type ErrorCode, ERROR_CODES } from '../../errors.js';
import { fromWire, type WireData } from './wire.js';

/** How a worker thread reopens a source: `import(module)[name](args, columns)`. */
export interface ReopenSpec {
  readonly module: string;
  readonly name: string;
  readonly args: unknown;
}

/** What the worker reports about a finished scan. */
export type ScanMetrics = Readonly<Record<string, number>>;

export type WorkerMessage =
  | { readonly kind: 'batch'; readonly length: number; readonly columns: readonly WireData[] }
  | { readonly kind: 'end'; readonly metrics: ScanMetrics }
  | { readonly kind: 'error'; readonly code: string; readonly message: string };

export interface ScanRequest {
  readonly op: 'scan';
  readonly port: MessagePort;
  readonly control: SharedArrayBuffer;
  readonly spec: ReopenSpec;
  readonly columns: readonly string[];
  /** Arrow IPC of an empty table whose schema gives the columns' types (as the consumer declared them). */
  readonly schema: Uint8Array;
  readonly window: number;
}

/** A worker that sees no progress of its heartbeat for this long is taken as gone. */
const STALL_MS = 120_000;

interface Host {
  readonly worker: Worker;
  /** [0]: 0 while loading, 1 ready, 2 failed (its error then waits on `errors`). */
  readonly status: Int32Array;
  readonly errors: MessagePort;
  readonly started: number;
}

let host: Host | null = null;

/** A worker that has not loaded after this long is taken as broken. */
const START_MS = 60_000;

/** The ESM entry of tsx's loader API (`tsx/esm/api`), resolved from this checkout. */
function tsxLoader(from: string): string {
  const pkgPath = createRequire(from).resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  return pathToFileURL(join(dirname(pkgPath), pkg.exports['./esm/api']!.import.default)).href;
}

function spawn(): Host {
  const here = import.meta.url;
  const ts = here.endsWith('.ts');
  const entry = new URL(ts ? './scan-worker.ts' : './scan-worker.js', here).href;
  // A TypeScript checkout (tests, benches run with tsx) loads the worker through tsx's loader.
  const tsx = ts ? tsxLoader(here) : null;
  const status = new Int32Array(new SharedArrayBuffer(4));
  const errors = new MessageChannel();
  const code = `const { workerData } = require('node:worker_threads');
(async () => {
  if (workerData.tsx) (await import(workerData.tsx)).register();
  await import(workerData.entry);
  Atomics.store(workerData.status, 0, 1);
})().catch((e) => {
  workerData.errors.postMessage(String(e && e.stack || e));
  Atomics.store(workerData.status, 0, 2);
  Atomics.notify(workerData.status, 0);
});`;
  const w = new Worker(code, { eval: true, workerData: { tsx, entry, status, errors: errors.port2 }, transferList: [errors.port2], execArgv: [], name: 'gyre-duckdb-scans' });
  w.unref();
  w.on('error', () => {
    if (host?.worker === w) host = null;
  });
  w.on('exit', () => {
    if (host?.worker === w) host = null;
  });
  host = { worker: w, status, errors: errors.port1, started: performance.now() };
  return host;
}

/** Starts the shared scan worker now (it takes a moment to load), so the first query does not wait for it. */
export function warmUp(): void {
  host ??= spawn();
}

/** Throws when the worker failed to load. */
function checkHost(h: Host): void {
  const s = Atomics.load(h.status, 0);
  if (s === 1) return;
  if (s === 2 || performance.now() - h.started > START_MS) {
    if (host === h) host = null;
    void h.worker.terminate();
    const why = receiveMessageOnPort(h.errors)?.message as string | undefined;
    throw new EngineError('internal', `the gyre scan worker did not start${why ? `: ${why}` : ` within ${START_MS / 1000} s`}`);
  }
}

/** Stops the scan worker (a new one starts on the next scan). Open scans fail. */
export async function stopScanWorker(): Promise<void> {
  const h = host;
  host = null;
  if (h) await h.worker.terminate();
}

function asCode(code: string): ErrorCode {
  return code in ERROR_CODES ? (code as ErrorCode) : 'internal';
}

/** One scan running on the worker, read synchronously batch by batch. */
export class WorkerScan {
  private readonly port: MessagePort;
  private readonly control: Int32Array;
  private readonly host: Host;
  private done = false;
  /** Set when the scan ended normally. */
  metrics: ScanMetrics | null = null;

  private readonly types: readonly DataType[];

  /** Starts scanning the columns `fields` (by name; values converted to their types). */
  constructor(spec: ReopenSpec, fields: readonly Field[], window = 4) {
    const channel = new MessageChannel();
    this.types = fields.map((f) => f.type as DataType);
    const schema = tableToIPC(new Table(new Schema([...fields])), 'stream');
    const columns = fields.map((f) => f.name);
    const sab = new SharedArrayBuffer(16);
    this.port = channel.port1;
    this.control = new Int32Array(sab);
    this.host = host ??= spawn();
    const request: ScanRequest = { op: 'scan', port: channel.port2, control: sab, spec, columns, schema, window };
    this.host.worker.postMessage(request, [channel.port2]);
  }

  /** The next batch's columns, blocking this thread until the worker has them; null at the end. */
  next(): { length: number; columns: Data[] } | null {
    if (this.done) return null;
    let beat = Atomics.load(this.control, 3);
    let since = performance.now();
    for (;;) {
      const seen = Atomics.load(this.control, 0);
      const got = receiveMessageOnPort(this.port);
      if (got) return this.handle(got.message as WorkerMessage);
      Atomics.wait(this.control, 0, seen, 1000);
      try {
        checkHost(this.host);
      } catch (e) {
        this.close();
        throw e;
      }
      const b = Atomics.load(this.control, 3);
      if (b !== beat) {
        beat = b;
        since = performance.now();
      } else if (Atomics.load(this.host.status, 0) === 1 && performance.now() - since > STALL_MS) {
        this.close();
        throw new EngineError('internal', `the gyre scan worker made no progress for ${STALL_MS / 1000} s`);
      }
    }
  }

  private handle(m: WorkerMessage): { length: number; columns: Data[] } | null {
    switch (m.kind) {
      case 'batch':
        Atomics.add(this.control, 1, 1);
        Atomics.notify(this.control, 1);
        return { length: m.length, columns: m.columns.map((w, i) => fromWire(w, this.types[i]!)) };
      case 'end':
        this.metrics = m.metrics;
        this.finish();
        return null;
      case 'error':
        this.finish();
        throw new EngineError(asCode(m.code), m.message, { details: { worker: true } });
    }
  }

  private finish(): void {
    this.done = true;
    this.port.close();
  }

  /** Stops the scan early (the worker closes its reads). */
  close(): void {
    if (this.done) return;
    Atomics.store(this.control, 2, 1);
    Atomics.notify(this.control, 1);
    this.finish();
  }
}
