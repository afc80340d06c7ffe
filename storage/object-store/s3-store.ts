/**
 * An object store in an S3 bucket (AWS or any S3-compatible server), optionally under a key
 * prefix. Range GETs for reads, `If-None-Match: *` on PutObject for atomic create, paginated
 * ListObjectsV2.
 *
 * Every HTTP request goes through one loop here (the SDK's own retries are off, so retries are
 * ours and counted in {@link S3Store.stats}):
 * - at most `maxConcurrency` attempts in flight per store; the rest queue ({@link Limiter});
 * - each attempt has a deadline (`requestTimeoutMs`) covering the response and its body;
 * - transient failures are retried with exponential backoff and full jitter: HTTP 5xx, 429,
 *   408, throttling/internal S3 codes, network errors (reset, refused, broken pipe, timeouts),
 *   and GET bodies cut short or failing mid-stream (never returned truncated);
 * - other 4xx are final (404 → 'object-not-found', 412 → `putIfAbsent` false); after the last
 *   attempt the error is StorageError 'io-error' with details `{ key, status, attempts, s3Code }`.
 *
 * A conditional PUT whose reply was lost may have created the object; when a retry then gets
 * 412 the stored bytes are compared with ours (callers put a unique id in bytes they create
 * conditionally, so equal bytes mean our earlier attempt won).
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';

import { StorageError } from '../../errors.js';
import type { ByteRange } from '../vortex/byte-source.js';
import { Limiter } from './limiter.js';
import { notFound, validateKey, type ObjectInfo, type ObjectStore } from './object-store.js';

export interface S3StoreOptions {
  readonly bucket: string;
  /** Key prefix inside the bucket (e.g. `warehouse/`); a trailing `/` is added if missing. */
  readonly prefix?: string;
  /**
   * Use this client as is: region, endpoint, path style, credentials and the HTTP handler
   * options below are then ignored (retries, deadlines and the concurrency limit still apply).
   */
  readonly client?: S3Client;
  readonly region?: string;
  /** Endpoint override for S3-compatible servers, e.g. `http://127.0.0.1:9000`. */
  readonly endpoint?: string;
  /** Path-style addressing (`endpoint/bucket/key`); defaults to true when `endpoint` is set. */
  readonly forcePathStyle?: boolean;
  readonly credentials?: S3ClientConfig['credentials'];
  /** Attempts per request, the first one included (default 6). */
  readonly maxAttempts?: number;
  /** Deadline of one attempt in ms, from sending to the last body byte (default 30 000). */
  readonly requestTimeoutMs?: number;
  /** Requests in flight at once per store (default 32); more wait their turn. */
  readonly maxConcurrency?: number;
  /** Backoff before retry n is uniform in [0, min(retryMaxDelayMs, retryBaseDelayMs·2^(n-1))] ms. */
  readonly retryBaseDelayMs?: number;
  /** Cap of the backoff (default 2000 ms). */
  readonly retryMaxDelayMs?: number;
}

export interface S3StoreStats {
  /** HTTP attempts started. */
  attempts: number;
  /** Attempts that failed transiently and were retried. */
  retries: number;
  /** Conditional PUTs whose 412 was resolved by comparing the stored bytes with ours. */
  conditionalResolutions: number;
}

interface SdkError {
  name?: string;
  Code?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  message?: string;
}

/** A failure known to be transient (short body, broken body stream, attempt deadline). */
class TransientError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientError';
  }
}

const RETRYABLE_S3_CODES = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalError',
  'ServiceUnavailable',
  'TimeoutError',
]);
const RETRYABLE_NET_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
]);
const RETRYABLE_MESSAGE = /socket hang up|aborted|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|premature close/i;

function sdk(e: unknown): SdkError {
  return (typeof e === 'object' && e !== null ? e : {}) as SdkError;
}

function status(e: unknown): number | undefined {
  return sdk(e).$metadata?.httpStatusCode;
}

function errName(e: unknown): string {
  const s = sdk(e);
  return s.Code ?? s.name ?? '';
}

/** Whether another attempt may succeed where this one failed. */
function isRetryableS3Error(e: unknown): boolean {
  if (e instanceof TransientError) return true;
  const st = status(e);
  if (st !== undefined && (st >= 500 || st === 429 || st === 408)) return true;
  if (RETRYABLE_S3_CODES.has(errName(e))) return true;
  if (st !== undefined && st >= 300) return false;
  for (let c: unknown = e, depth = 0; c && depth < 4; c = (c as { cause?: unknown }).cause, depth++) {
    const s = sdk(c);
    if (s.code !== undefined && RETRYABLE_NET_CODES.has(s.code)) return true;
    if (s.name === 'TimeoutError' || s.name === 'AbortError') return true;
    if (s.message !== undefined && RETRYABLE_MESSAGE.test(s.message)) return true;
  }
  return false;
}

/** The HTTP status of a failed request, as recorded by {@link S3Store} in the error's details. */
function failedStatus(e: unknown): number | undefined {
  return e instanceof StorageError ? (e.details.status as number | undefined) : undefined;
}

function failedCode(e: unknown): string | undefined {
  return e instanceof StorageError ? (e.details.s3Code as string | undefined) : undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}

/** Reads a response body; an abort of `signal` destroys the stream, any stream error is transient. */
async function readBody(body: unknown, signal: AbortSignal): Promise<Uint8Array> {
  if (body === undefined || body === null) return new Uint8Array(0);
  const b = body as { transformToByteArray(): Promise<Uint8Array>; destroy?: (e?: Error) => void };
  const onAbort = (): void => b.destroy?.(new TransientError('attempt deadline passed while reading the body'));
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await b.transformToByteArray();
  } catch (e) {
    throw new TransientError(`response body failed: ${(e as Error).message}`, { cause: e });
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

export class S3Store implements ObjectStore {
  readonly client: S3Client;
  readonly bucket: string;
  readonly prefix: string;
  readonly stats: S3StoreStats = { attempts: 0, retries: 0, conditionalResolutions: 0 };
  private readonly limiter: Limiter;
  private readonly maxAttempts: number;
  private readonly requestTimeoutMs: number;
  private readonly retryBaseDelayMs: number;
  private readonly retryMaxDelayMs: number;

  constructor(options: S3StoreOptions) {
    this.bucket = options.bucket;
    const p = options.prefix ?? '';
    this.prefix = p === '' || p.endsWith('/') ? p : `${p}/`;
    const maxConcurrency = options.maxConcurrency ?? 32;
    this.limiter = new Limiter(maxConcurrency);
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 6);
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.retryBaseDelayMs = options.retryBaseDelayMs ?? 50;
    this.retryMaxDelayMs = options.retryMaxDelayMs ?? 2000;
    const agent = { keepAlive: true, maxSockets: maxConcurrency };
    this.client =
      options.client ??
      new S3Client({
        region: options.region ?? process.env.AWS_REGION ?? 'us-east-1',
        ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
        forcePathStyle: options.forcePathStyle ?? options.endpoint !== undefined,
        ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
        maxAttempts: 1,
        requestHandler: new NodeHttpHandler({
          connectionTimeout: this.requestTimeoutMs,
          requestTimeout: this.requestTimeoutMs,
          throwOnRequestTimeout: true,
          socketTimeout: this.requestTimeoutMs,
          httpAgent: new HttpAgent(agent),
          httpsAgent: new HttpsAgent(agent),
        }),
      });
  }

  private fullKey(key: string): string {
    validateKey(key);
    return this.prefix + key;
  }

  /** One attempt: holds a permit, and fails with a transient error when its deadline passes. */
  private attempt<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return this.limiter.run(async () => {
      this.stats.attempts++;
      const ac = new AbortController();
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const e = new TransientError(`no complete response within ${this.requestTimeoutMs} ms`);
          ac.abort(e);
          reject(e);
        }, this.requestTimeoutMs);
      });
      try {
        return await Promise.race([fn(ac.signal), deadline]);
      } finally {
        clearTimeout(timer);
      }
    });
  }

  /**
   * Runs `fn` until it succeeds, fails for good, or runs out of attempts. Our own StorageErrors
   * pass through; any other failure becomes an 'io-error' whose details carry the HTTP status
   * and S3 code, so callers can map expected ones (404, 412, 416).
   */
  private async request<T>(
    what: string,
    key: string,
    fn: (signal: AbortSignal) => Promise<T>,
    opts: { retry409?: boolean; onRetry?: (e: unknown) => void } = {},
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(fn);
      } catch (e) {
        if (e instanceof StorageError) throw e;
        const transient = isRetryableS3Error(e) || (opts.retry409 === true && status(e) === 409);
        if (!transient || attempt >= this.maxAttempts) {
          const st = status(e);
          const tail = transient ? ` (gave up after ${attempt} attempt${attempt === 1 ? '' : 's'})` : '';
          throw new StorageError(
            'io-error',
            `S3 ${what} ${JSON.stringify(key)} failed: ${errName(e)} ${sdk(e).message ?? ''}`.trim() + tail,
            {
              cause: e,
              details: { key, status: st, attempts: attempt, s3Code: errName(e) },
            },
          );
        }
        this.stats.retries++;
        opts.onRetry?.(e);
        const cap = Math.min(this.retryMaxDelayMs, this.retryBaseDelayMs * 2 ** (attempt - 1));
        await sleep(Math.random() * cap);
      }
    }
  }

  async get(key: string, range?: ByteRange): Promise<Uint8Array> {
    const Key = this.fullKey(key);
    if (range && (range.offset < 0 || range.length < 0))
      throw new StorageError('io-error', `invalid byte range for ${JSON.stringify(key)}`);
    if (range?.length === 0) {
      if (!(await this.head(key))) throw notFound(key);
      return new Uint8Array(0);
    }
    const Range = range ? `bytes=${range.offset}-${range.offset + range.length - 1}` : undefined;
    try {
      return await this.request('GET', key, async (signal) => {
        const res = await this.client.send(
          new GetObjectCommand({ Bucket: this.bucket, Key, ...(Range ? { Range } : {}) }),
          {
            abortSignal: signal,
          },
        );
        const bytes = await readBody(res.Body, signal);
        if (res.ContentLength !== undefined && bytes.byteLength !== res.ContentLength) {
          throw new TransientError(
            `short body for ${JSON.stringify(key)}: ${bytes.byteLength} of ${res.ContentLength} bytes`,
          );
        }
        if (range && bytes.byteLength !== range.length) {
          throw new StorageError(
            'io-error',
            `byte range [${range.offset}, ${range.offset + range.length}) outside ${JSON.stringify(key)}`,
            {
              details: { key },
            },
          );
        }
        return bytes;
      });
    } catch (e) {
      if (failedStatus(e) === 404 || failedCode(e) === 'NoSuchKey') throw notFound(key, e);
      if (failedStatus(e) === 416) {
        throw new StorageError('io-error', `byte range outside ${JSON.stringify(key)}`, {
          cause: e,
          details: { key, status: 416 },
        });
      }
      throw e;
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const Key = this.fullKey(key);
    try {
      const res = await this.request('HEAD', key, (signal) =>
        this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key }), { abortSignal: signal }),
      );
      return {
        key,
        size: res.ContentLength ?? 0,
        ...(res.ETag === undefined ? {} : { etag: res.ETag }),
        ...(res.LastModified === undefined ? {} : { lastModified: res.LastModified }),
      };
    } catch (e) {
      if (failedStatus(e) === 404 || failedCode(e) === 'NotFound' || failedCode(e) === 'NoSuchKey') return undefined;
      throw e;
    }
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const out: ObjectInfo[] = [];
    let token: string | undefined;
    do {
      const res = await this.request('LIST', prefix, (signal) =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: this.prefix + prefix,
            ...(token ? { ContinuationToken: token } : {}),
          }),
          { abortSignal: signal },
        ),
      );
      for (const o of res.Contents ?? []) {
        if (o.Key === undefined || !o.Key.startsWith(this.prefix)) continue;
        out.push({
          key: o.Key.slice(this.prefix.length),
          size: o.Size ?? 0,
          ...(o.ETag === undefined ? {} : { etag: o.ETag }),
          ...(o.LastModified === undefined ? {} : { lastModified: o.LastModified }),
        });
      }
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const Key = this.fullKey(key);
    await this.request('PUT', key, (signal) =>
      this.client.send(
        new PutObjectCommand({ Bucket: this.bucket, Key, Body: bytes, ContentLength: bytes.byteLength }),
        {
          abortSignal: signal,
        },
      ),
    );
  }

  async putIfAbsent(key: string, bytes: Uint8Array): Promise<boolean> {
    const Key = this.fullKey(key);
    // Set once an attempt failed in a way that may hide a write that took effect.
    let ambiguous = false;
    // An object seen (412) and then gone (deleted meanwhile): try to create it again, a few times.
    for (let round = 0; ; round++) {
      try {
        await this.request(
          'conditional PUT',
          key,
          (signal) =>
            this.client.send(
              new PutObjectCommand({
                Bucket: this.bucket,
                Key,
                Body: bytes,
                ContentLength: bytes.byteLength,
                IfNoneMatch: '*',
              }),
              { abortSignal: signal },
            ),
          {
            // 409 ConditionalRequestConflict: a concurrent conditional write is in flight; AWS asks to retry.
            retry409: true,
            onRetry: () => {
              ambiguous = true;
            },
          },
        );
        return true;
      } catch (e) {
        if (failedStatus(e) !== 412 && failedCode(e) !== 'PreconditionFailed') throw e;
        if (!ambiguous) return false;
      }
      this.stats.conditionalResolutions++;
      try {
        return sameBytes(await this.get(key), bytes);
      } catch (e) {
        if (!(e instanceof StorageError && e.code === 'object-not-found') || round >= 2) throw e;
      }
    }
  }

  async delete(key: string): Promise<void> {
    const Key = this.fullKey(key);
    try {
      await this.request('DELETE', key, (signal) =>
        this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key }), { abortSignal: signal }),
      );
    } catch (e) {
      if (failedStatus(e) === 404) return;
      throw e;
    }
  }
}
