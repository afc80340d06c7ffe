/**
 * The two places tables live in tests: a temp directory on local disk, and a bucket on a real
 * S3-compatible server (moto on 127.0.0.1, started once per test file). Suites take a backend
 * and run unchanged on both.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll } from 'vitest';

import { type Database, open } from '../../storage/tables/catalog.js';
import { S3Store } from '../../storage/object-store/s3-store.js';
import { startS3Server, type S3Server } from '../setup/s3-server.js';

export interface Backend {
  readonly name: string;
  /** A fresh, empty catalog. */
  db(): Promise<Database>;
}

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/** Registers setup/teardown hooks in the calling test file and returns both backends. */
export function tableBackends(): Backend[] {
  const dirs: string[] = [];
  let server: S3Server | undefined;
  let n = 0;
  const bucket = `gyre-tables-${process.pid}`;
  beforeAll(async () => {
    server = await startS3Server();
    const s = new S3Store({ endpoint: server.endpoint, bucket, credentials });
    await s.client.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  afterAll(async () => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    await server?.stop();
  });
  return [
    {
      name: 'local disk',
      db: () => {
        const d = mkdtempSync(join(tmpdir(), 'gyre-tables-'));
        dirs.push(d);
        return open(d);
      },
    },
    {
      name: 'S3 (moto)',
      db: () => open(`s3://${bucket}/run-${n++}`, { s3: { endpoint: server!.endpoint, credentials, retryBaseDelayMs: 5 } }),
    },
  ];
}
