/**
 * An object store in an S3 bucket (AWS or any S3-compatible server), optionally under a key
 * prefix. Range GETs for reads, `If-None-Match: *` on PutObject for atomic create, paginated
 * ListObjectsV2. Retries (throttling, 5xx, network) come from the SDK's standard retry strategy.
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';

import { StorageError } from '../../errors.js';
import type { ByteRange } from '../vortex/byte-source.js';
import { notFound, validateKey, type ObjectInfo, type ObjectStore } from './object-store.js';

export interface S3StoreOptions {
  readonly bucket: string;
  /** Key prefix inside the bucket (e.g. `warehouse/`); a trailing `/` is added if missing. */
  readonly prefix?: string;
  /** Use this client as is (the options below are then ignored). */
  readonly client?: S3Client;
  readonly region?: string;
  /** Endpoint override for S3-compatible servers, e.g. `http://127.0.0.1:9000`. */
  readonly endpoint?: string;
  /** Path-style addressing (`endpoint/bucket/key`); defaults to true when `endpoint` is set. */
  readonly forcePathStyle?: boolean;
  readonly credentials?: S3ClientConfig['credentials'];
  /** Total attempts per request, SDK standard retry mode (default 3). */
  readonly maxAttempts?: number;
}

interface SdkError {
  name?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
  message?: string;
}

function status(e: unknown): number | undefined {
  return (e as SdkError | undefined)?.$metadata?.httpStatusCode;
}

function errName(e: unknown): string {
  const s = e as SdkError | undefined;
  return s?.Code ?? s?.name ?? '';
}

function s3Error(what: string, key: string, cause: unknown): StorageError {
  return new StorageError('io-error', `S3 ${what} ${JSON.stringify(key)} failed: ${errName(cause)} ${(cause as Error).message ?? ''}`.trim(), {
    cause,
    details: { key, status: status(cause) },
  });
}

const CONFLICT_RETRIES = 5;

export class S3Store implements ObjectStore {
  readonly client: S3Client;
  readonly bucket: string;
  readonly prefix: string;

  constructor(options: S3StoreOptions) {
    this.bucket = options.bucket;
    const p = options.prefix ?? '';
    this.prefix = p === '' || p.endsWith('/') ? p : `${p}/`;
    this.client =
      options.client ??
      new S3Client({
        region: options.region ?? process.env.AWS_REGION ?? 'us-east-1',
        ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
        forcePathStyle: options.forcePathStyle ?? options.endpoint !== undefined,
        ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
        maxAttempts: options.maxAttempts ?? 3,
        retryMode: 'standard',
      });
  }

  private fullKey(key: string): string {
    validateKey(key);
    return this.prefix + key;
  }

  async get(key: string, range?: ByteRange): Promise<Uint8Array> {
    const Key = this.fullKey(key);
    if (range && (range.offset < 0 || range.length < 0)) throw new StorageError('io-error', `invalid byte range for ${JSON.stringify(key)}`);
    if (range?.length === 0) {
      if (!(await this.head(key))) throw notFound(key);
      return new Uint8Array(0);
    }
    try {
      const res = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key,
          ...(range ? { Range: `bytes=${range.offset}-${range.offset + range.length - 1}` } : {}),
        }),
      );
      const bytes = res.Body ? await res.Body.transformToByteArray() : new Uint8Array(0);
      if (range && bytes.byteLength !== range.length) {
        throw new StorageError('io-error', `byte range [${range.offset}, ${range.offset + range.length}) outside ${JSON.stringify(key)}`);
      }
      return bytes;
    } catch (e) {
      if (e instanceof StorageError) throw e;
      if (errName(e) === 'NoSuchKey' || status(e) === 404) throw notFound(key, e);
      if (status(e) === 416) throw new StorageError('io-error', `byte range outside ${JSON.stringify(key)}`, { cause: e });
      throw s3Error('GET', key, e);
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const Key = this.fullKey(key);
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key }));
      return {
        key,
        size: res.ContentLength ?? 0,
        ...(res.ETag === undefined ? {} : { etag: res.ETag }),
        ...(res.LastModified === undefined ? {} : { lastModified: res.LastModified }),
      };
    } catch (e) {
      if (status(e) === 404 || errName(e) === 'NotFound' || errName(e) === 'NoSuchKey') return undefined;
      throw s3Error('HEAD', key, e);
    }
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const out: ObjectInfo[] = [];
    let token: string | undefined;
    try {
      do {
        const res = await this.client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix + prefix, ...(token ? { ContinuationToken: token } : {}) }),
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
    } catch (e) {
      throw s3Error('LIST', prefix, e);
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const Key = this.fullKey(key);
    try {
      await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key, Body: bytes, ContentLength: bytes.byteLength }));
    } catch (e) {
      throw s3Error('PUT', key, e);
    }
  }

  async putIfAbsent(key: string, bytes: Uint8Array): Promise<boolean> {
    const Key = this.fullKey(key);
    for (let attempt = 0; ; attempt++) {
      try {
        await this.client.send(
          new PutObjectCommand({ Bucket: this.bucket, Key, Body: bytes, ContentLength: bytes.byteLength, IfNoneMatch: '*' }),
        );
        return true;
      } catch (e) {
        if (status(e) === 412 || errName(e) === 'PreconditionFailed') return false;
        // 409 ConditionalRequestConflict: a concurrent conditional write is in flight; AWS asks to retry.
        if (status(e) === 409 && attempt < CONFLICT_RETRIES) {
          await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
          continue;
        }
        throw s3Error('conditional PUT', key, e);
      }
    }
  }

  async delete(key: string): Promise<void> {
    const Key = this.fullKey(key);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key }));
    } catch (e) {
      if (status(e) === 404) return;
      throw s3Error('DELETE', key, e);
    }
  }
}
