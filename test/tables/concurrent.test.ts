/**
 * Concurrent writers: N processes (writer-child.ts) commit M transactions each on one table,
 * upserting overlapping keys with rows tagged (writer, seq). Afterwards:
 *
 * - the versions are 1..K with no gap, K - 1 = the acknowledged commits (no version is
 *   claimed twice, none is lost, nothing else committed);
 * - each acknowledged commit is in transactions() with its attempts and row counts, and each
 *   writer's commits appear in its own order;
 * - applying the acknowledged transactions serially in version order gives the content of
 *   every version (read asof) and of the final table: the version order is a serial order.
 *
 * Runs on local disk and on S3 (moto). Commit retries (CommitInfo.attempts) are reported.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { CreateBucketCommand } from '@aws-sdk/client-s3';
import type { Table as ArrowTable } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Database, open, S3Store } from '../../index.js';
import { startS3Server, type S3Server } from '../setup/s3-server.js';
import { applyTxn, KEY_SCHEMA, TABLE, type WriterRow, type WriterTxn, writerTxns } from './writer-child.js';

const REPO = path.resolve(import.meta.dirname, '..', '..');
const CHILD = path.join(import.meta.dirname, 'writer-child.ts');
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

interface Ack {
  readonly version: number;
  readonly writer: number;
  readonly seq: number;
  readonly attempts: number;
}

interface WriterOutput {
  readonly lines: string[];
  readonly stderr: string;
  readonly code: number | null;
}

/** Starts the writers, releases them together once all are ready, and collects their output. */
async function runWriters(
  writers: number,
  txns: number,
  seed: number,
  storeArgs: readonly string[],
): Promise<WriterOutput[]> {
  let ready = 0;
  let release: () => void = () => undefined;
  const allReady = new Promise<void>((r) => (release = r));
  const children = Array.from({ length: writers }, (_, w) => {
    const args = [
      '--import',
      'tsx',
      CHILD,
      '--writer',
      String(w),
      '--txns',
      String(txns),
      '--seed',
      String(seed),
      ...storeArgs,
    ];
    const child = spawn(process.execPath, args, { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] });
    const out = { lines: [] as string[], stderr: '', code: null as number | null };
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        out.lines.push(line);
        if (line === 'READY' && ++ready === writers) release();
        if (line.startsWith('ERROR')) release();
      }
    });
    child.stderr.on('data', (d: Buffer) => void (out.stderr = (out.stderr + d.toString('utf8')).slice(-4000)));
    const done = new Promise<WriterOutput>((resolve) => child.once('close', (code) => resolve({ ...out, code })));
    return { child, done };
  });
  await allReady;
  for (const { child } of children) child.stdin.end('GO\n');
  return Promise.all(children.map((c) => c.done));
}

function rowsOf(t: ArrowTable): string[] {
  const cols = ['k', 'writer', 'seq', 'val'].map((c) => t.getChild(c));
  return Array.from({ length: t.numRows }, (_, i) => cols.map((c) => String(c?.get(i) ?? null)).join('|'));
}

const modelRows = (m: ReadonlyMap<number, WriterRow>): string[] =>
  [...m.values()].sort((a, b) => a.k - b.k).map((r) => `${r.k}|${r.writer}|${r.seq}|${r.val}`);

interface Figures {
  commits: number;
  failed: number;
  retries: number;
  retried: number;
  maxAttempts: number;
  versions: number;
  ms: number;
}

/** Runs the writers against the table `openDb` reaches and checks everything listed above. */
async function concurrentWriters(
  openDb: () => Promise<Database>,
  storeArgs: readonly string[],
  writers: number,
  txns: number,
  seed: number,
): Promise<Figures> {
  const start = performance.now();
  const db0 = await openDb();
  await db0.createTable(TABLE, { keySchema: KEY_SCHEMA });
  await db0.close();
  const outputs = await runWriters(writers, txns, seed, storeArgs);
  outputs.forEach((o, w) => {
    expect(
      o.lines.filter((l) => l.startsWith('ERROR')),
      `writer ${w}: ${o.stderr}`,
    ).toEqual([]);
    expect(o.code, `writer ${w} exit code`).toBe(0);
    expect(o.lines.at(-1), `writer ${w}`).toBe('DONE');
  });
  const failed = outputs.flatMap((o) => o.lines.filter((l) => l.startsWith('FAIL ')));
  const acks: Ack[] = outputs.flatMap((o) =>
    o.lines
      .filter((l) => l.startsWith('ACK '))
      .map((l) => {
        const [, version, writer, seq, attempts] = l.split(' ').map(Number);
        return { version: version!, writer: writer!, seq: seq!, attempts: attempts! };
      }),
  );
  expect(acks.length + failed.length).toBe(writers * txns);
  const plans = new Map<number, WriterTxn[]>(Array.from({ length: writers }, (_, w) => [w, writerTxns(seed, w, txns)]));
  const txnOf = (a: Ack): WriterTxn => plans.get(a.writer)![a.seq]!;

  const db = await openDb();
  try {
    const table = await db.table(TABLE);
    const log = await table.transactions();
    const K = log.length;
    // Versions 1..K, exactly the acknowledged commits after the create.
    expect(log.map((x) => x.version)).toEqual(Array.from({ length: K }, (_, i) => i + 1));
    expect(K - 1).toBe(acks.length);
    const byVersion = new Map<number, Ack>();
    for (const a of acks) {
      expect(byVersion.get(a.version), `version ${a.version} acknowledged twice`).toBeUndefined();
      byVersion.set(a.version, a);
    }
    expect([...byVersion.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: K - 1 }, (_, i) => i + 2));
    for (const a of acks) {
      const t = txnOf(a);
      const entry = log[a.version - 1]!.txn;
      expect(entry.attempts, `v${a.version}`).toBe(a.attempts);
      expect(entry.kind, `v${a.version}`).toBe(t.deletes.length > 0 ? 'mixed' : 'write');
      expect(entry.rowsWritten, `v${a.version}`).toBe(new Set(t.rows.map((r) => r.k)).size);
      expect(entry.keysDeleted, `v${a.version}`).toBe(new Set(t.deletes).size);
    }
    for (let w = 0; w < writers; w++) {
      const mine = acks.filter((a) => a.writer === w);
      expect(
        mine.map((a) => a.version),
        `writer ${w} commits in its own order`,
      ).toEqual(mine.map((a) => a.version).sort((a, b) => a - b));
    }
    // The version order is a serial order: every version equals the serial model at that point.
    const model = new Map<number, WriterRow>();
    expect(rowsOf(await table.read({ asof: 1 }))).toEqual([]);
    for (let v = 2; v <= K; v++) {
      applyTxn(model, txnOf(byVersion.get(v)!));
      expect(rowsOf(await table.read({ asof: v })), `version ${v}`).toEqual(modelRows(model));
    }
    expect(rowsOf(await table.read())).toEqual(modelRows(model));
  } finally {
    await db.close();
  }
  const attempts = acks.map((a) => a.attempts);
  return {
    commits: acks.length,
    failed: failed.length,
    retries: attempts.reduce((s, a) => s + a - 1, 0),
    retried: attempts.filter((a) => a > 1).length,
    maxAttempts: Math.max(...attempts),
    versions: acks.length + 1,
    ms: performance.now() - start,
  };
}

const report = (where: string, writers: number, txns: number, f: Figures): void =>
  console.log(
    `${where}: ${writers} writers × ${txns} transactions → ${f.commits} commits (${f.failed} failed), versions 1..${f.versions}; ` +
      `retries ${f.retries} (${f.retried} commits retried, max attempts ${f.maxAttempts}) in ${(f.ms / 1000).toFixed(1)} s`,
  );

describe('concurrent writers on one table', () => {
  it('local disk: 4 writers × 25 transactions', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gyre-conc-'));
    try {
      const f = await concurrentWriters(() => open(dir), ['--root', dir], 4, 25, 7);
      report('local', 4, 25, f);
      expect(f.failed).toBe(0);
      expect(f.retries, 'writers started together, so some commits must have raced').toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);

  describe('S3 (moto)', () => {
    const BUCKET = 'gyre-conc';
    let server: S3Server | undefined;
    beforeAll(async () => {
      server = await startS3Server();
      const s = new S3Store({ endpoint: server.endpoint, bucket: BUCKET, credentials });
      await s.client.send(new CreateBucketCommand({ Bucket: BUCKET }));
    });
    afterAll(async () => {
      await server?.stop();
    });

    it('3 writers × 12 transactions', async () => {
      const endpoint = server!.endpoint;
      const f = await concurrentWriters(
        () => open(`s3://${BUCKET}/`, { s3: { endpoint, credentials, region: 'us-east-1' } }),
        ['--s3', endpoint, '--bucket', BUCKET],
        3,
        12,
        11,
      );
      report('S3', 3, 12, f);
      expect(f.failed).toBe(0);
    }, 300_000);
  });
});
