/**
 * A fault-injecting HTTP proxy for S3 tests: listens on 127.0.0.1:<free port>, forwards to an
 * S3 endpoint (moto) and, per request, with probabilities settable at run time, injects:
 *
 * - `error500`       reply 500 InternalError without forwarding;
 * - `throttle503`    reply 503 SlowDown without forwarding;
 * - `resetBefore`    reset the connection without forwarding;
 * - `resetAfter`     forward, let the request take effect, then reset before any reply byte
 *                    (the reply is lost: a conditional PUT may have created the object);
 * - `error500After`  forward, then replace the reply by 500 InternalError (same ambiguity);
 * - `truncateBody`   forward, send the headers (with the true Content-Length) and half of the
 *                    body, then reset (only for replies with a body of ≥ 2 bytes);
 * - `slow`           hold the (forwarded) reply back for `slowMs` before sending it.
 *
 * The first six are exclusive: one uniform draw picks at most one of them, in that order of
 * cumulative probability. `slow` is an independent second draw. Draws come from a seeded
 * PRNG (mulberry32), so a sequence of requests gets a deterministic sequence of decisions.
 * `methods` restricts injection to some HTTP methods (e.g. `['PUT']`).
 */
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateBucketCommand } from '@aws-sdk/client-s3';

import { S3Store } from '../../storage/object-store/s3-store.js';
import { startS3Server, type S3Server } from './s3-server.js';

export type FaultKind =
  'error500' | 'throttle503' | 'resetBefore' | 'resetAfter' | 'error500After' | 'truncateBody' | 'slow';

/** Probabilities in [0, 1] per fault kind (missing = 0), the slow delay, and a method filter. */
export interface FaultConfig extends Partial<Record<FaultKind, number>> {
  /** Delay of a `slow` reply in ms (default 200). */
  readonly slowMs?: number;
  /** Inject only into requests with these HTTP methods (default: all). */
  readonly methods?: readonly string[];
}

export interface FaultStats extends Record<FaultKind, number> {
  /** Requests received. */
  requests: number;
  /** Requests forwarded to the target (some of them then faulted). */
  forwarded: number;
  /** Requests being handled right now, and the most seen at once. */
  inFlight: number;
  maxInFlight: number;
}

export interface FaultProxy {
  /** `http://127.0.0.1:<port>`, to use as the S3 endpoint. */
  readonly endpoint: string;
  /** Replaces the fault configuration; `setFaults({})` turns all faults off. */
  setFaults(config: FaultConfig): void;
  /** A snapshot of the counters since start (or the last `resetStats`). */
  stats(): FaultStats;
  resetStats(): void;
  stop(): Promise<void>;
}

const EXCLUSIVE: readonly FaultKind[] = [
  'error500',
  'throttle503',
  'resetBefore',
  'resetAfter',
  'error500After',
  'truncateBody',
];
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'expect',
  'te',
  'trailer',
]);

/** mulberry32: a small seeded PRNG with uniform output in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function zeroStats(): FaultStats {
  return {
    requests: 0,
    forwarded: 0,
    inFlight: 0,
    maxInFlight: 0,
    error500: 0,
    throttle503: 0,
    resetBefore: 0,
    resetAfter: 0,
    error500After: 0,
    truncateBody: 0,
    slow: 0,
  };
}

function s3ErrorXml(code: string, message: string, id: number): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>fault-${id}</RequestId></Error>`;
}

function forwardHeaders(h: IncomingHttpHeaders): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const [k, v] of Object.entries(h)) if (!HOP_BY_HOP.has(k) && v !== undefined) out[k] = v;
  return out;
}

interface Upstream {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** Starts the proxy in front of `targetEndpoint` (e.g. moto's `http://127.0.0.1:<port>`). */
export async function startFaultProxy(targetEndpoint: string, options: { seed?: number } = {}): Promise<FaultProxy> {
  const target = new URL(targetEndpoint);
  const random = seededRandom(options.seed ?? 0x5eed);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  let config: FaultConfig = {};
  let counters = zeroStats();
  let nextId = 0;

  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

  const readAll = (s: IncomingMessage): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      const parts: Buffer[] = [];
      s.on('data', (d: Buffer) => parts.push(d));
      s.once('end', () => resolve(Buffer.concat(parts)));
      s.once('error', reject);
      s.once('aborted', () => reject(new Error('aborted')));
    });

  const forward = (req: IncomingMessage, body: Buffer): Promise<Upstream> =>
    new Promise((resolve, reject) => {
      counters.forwarded++;
      const up = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...forwardHeaders(req.headers), 'content-length': String(body.byteLength) },
          agent,
        },
        (res) => {
          readAll(res).then((b) => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: b }), reject);
        },
      );
      up.once('error', reject);
      up.end(body);
    });

  const reply = (res: ServerResponse, status: number, headers: IncomingHttpHeaders, body: Buffer | string): void => {
    const h = forwardHeaders(headers);
    h['content-length'] = String(Buffer.byteLength(body));
    res.writeHead(status, h);
    res.end(body);
  };

  const fakeError = (res: ServerResponse, status: number, code: string, message: string, id: number): void => {
    reply(
      res,
      status,
      { 'content-type': 'application/xml', 'x-amz-request-id': `fault-${id}` },
      s3ErrorXml(code, message, id),
    );
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const id = nextId++;
    counters.requests++;
    const cfg = config;
    const eligible = cfg.methods === undefined || cfg.methods.includes(req.method ?? '');
    let fault: FaultKind | undefined;
    let slow = false;
    if (eligible) {
      const r = random();
      let acc = 0;
      for (const k of EXCLUSIVE) {
        acc += cfg[k] ?? 0;
        if (r < acc) {
          fault = k;
          break;
        }
      }
      slow = random() < (cfg.slow ?? 0);
    }

    if (fault === 'resetBefore') {
      counters.resetBefore++;
      req.socket.destroy();
      return;
    }
    const body = await readAll(req);
    if (fault === 'error500') {
      counters.error500++;
      fakeError(res, 500, 'InternalError', 'We encountered an internal error. Please try again.', id);
      return;
    }
    if (fault === 'throttle503') {
      counters.throttle503++;
      fakeError(res, 503, 'SlowDown', 'Please reduce your request rate.', id);
      return;
    }
    let up: Upstream;
    try {
      up = await forward(req, body);
    } catch {
      req.socket.destroy();
      return;
    }
    if (slow) {
      counters.slow++;
      await sleep(cfg.slowMs ?? 200);
    }
    if (res.destroyed || req.socket.destroyed) return;
    if (fault === 'resetAfter') {
      counters.resetAfter++;
      req.socket.destroy();
      return;
    }
    if (fault === 'error500After') {
      counters.error500After++;
      fakeError(res, 500, 'InternalError', 'We encountered an internal error. Please try again.', id);
      return;
    }
    if (fault === 'truncateBody' && req.method !== 'HEAD' && up.body.byteLength >= 2) {
      counters.truncateBody++;
      const h = forwardHeaders(up.headers);
      h['content-length'] = String(up.body.byteLength);
      res.writeHead(up.status, h);
      res.write(up.body.subarray(0, up.body.byteLength >> 1), () => req.socket.destroy());
      return;
    }
    if (req.method === 'HEAD') {
      res.writeHead(up.status, forwardHeaders(up.headers));
      res.end();
      return;
    }
    reply(res, up.status, up.headers, up.body);
  };

  const server = createServer((req, res) => {
    counters.inFlight++;
    counters.maxInFlight = Math.max(counters.maxInFlight, counters.inFlight);
    res.on('error', () => undefined);
    req.on('error', () => undefined);
    handle(req, res)
      .catch(() => req.socket.destroy())
      .finally(() => counters.inFlight--);
  });
  // A client that goes away mid-request (its own timeout) must not take the proxy down.
  server.on('clientError', (_e, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    setFaults(c: FaultConfig): void {
      config = { ...c };
    },
    stats(): FaultStats {
      return { ...counters };
    },
    resetStats(): void {
      counters = { ...zeroStats(), inFlight: counters.inFlight };
    },
    async stop(): Promise<void> {
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      agent.destroy();
      await closed;
    },
  };
}

/** A moto server with a bucket, a fault proxy in front of it, and a fault-free store on it. */
export interface FaultyBucket {
  readonly server: S3Server;
  readonly proxy: FaultProxy;
  /** A store talking to moto directly (no faults). */
  readonly direct: S3Store;
  stop(): Promise<void>;
}

export async function startFaultyBucket(bucket: string, seed: number): Promise<FaultyBucket> {
  const server = await startS3Server();
  const proxy = await startFaultProxy(server.endpoint, { seed });
  const direct = new S3Store({ endpoint: server.endpoint, bucket, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  await direct.client.send(new CreateBucketCommand({ Bucket: bucket }));
  return {
    server,
    proxy,
    direct,
    stop: async () => {
      await proxy.stop();
      await server.stop();
    },
  };
}
