/**
 * Object stores described as plain data, so a worker thread can open the same store (a lazy
 * DuckDB view scans gyre data off the main thread, see scan-host.ts).
 */
import { LocalStore } from '../object-store/local-store.js';
import type { ObjectStore } from '../object-store/object-store.js';
import { S3Store } from '../object-store/s3-store.js';

export type StoreSpec =
  | { readonly kind: 'local'; readonly root: string }
  | {
      readonly kind: 's3';
      readonly bucket: string;
      readonly prefix: string;
      readonly region: string;
      readonly endpoint?: string;
      readonly forcePathStyle: boolean;
      readonly credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
    };

interface Endpoint {
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
}

/** The store as plain data, or null for stores only this thread can use (custom implementations). */
export async function describeStore(store: ObjectStore): Promise<StoreSpec | null> {
  if (store instanceof LocalStore) return { kind: 'local', root: store.root };
  if (!(store instanceof S3Store)) return null;
  const cfg = store.client.config as unknown as {
    region: () => Promise<string>;
    endpoint?: () => Promise<Endpoint>;
    forcePathStyle?: boolean;
    credentials: () => Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string }>;
  };
  const ep = cfg.endpoint ? await cfg.endpoint() : undefined;
  const c = await cfg.credentials();
  return {
    kind: 's3',
    bucket: store.bucket,
    prefix: store.prefix,
    region: await cfg.region(),
    ...(ep ? { endpoint: `${ep.protocol}//${ep.hostname}${ep.port ? `:${ep.port}` : ''}${ep.path === '/' ? '' : ep.path}` } : {}),
    forcePathStyle: cfg.forcePathStyle ?? false,
    credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}) },
  };
}

const opened = new Map<string, ObjectStore>();

/** Opens (once per thread) the store a spec describes. */
export function openStore(spec: StoreSpec): ObjectStore {
  const key = JSON.stringify(spec);
  let s = opened.get(key);
  if (!s) {
    s = spec.kind === 'local' ? new LocalStore(spec.root) : new S3Store({ ...spec });
    opened.set(key, s);
  }
  return s;
}
