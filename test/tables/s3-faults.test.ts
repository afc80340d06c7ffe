/**
 * Tables on S3 under heavy faults: moto behind test/setup/fault-proxy.ts (500s, 503 SlowDown,
 * connection resets before and after forwarding, replies replaced by 500 after forwarding,
 * truncated bodies, slow replies past the request deadline). A single writer runs writes
 * (upserts), deletes, compactions, reads, point lookups and vacuums through the proxy:
 *
 * - every operation returns the right result or throws an EngineError with a code;
 * - a failed change has an unknown outcome: after it, the versions are read through a direct
 *   connection to moto, and the change must have landed as a whole (one more version, whose
 *   content is the model with the change) or not at all (no new version); the model follows;
 * - with faults off, the table opens, every version reads (asof) as the model after it, and
 *   the newest version equals the model of all acknowledged changes plus the failed ones that
 *   landed.
 *
 * A last case forces the rare path deterministically: a version create whose reply is lost and
 * whose read-back fails must still commit exactly once and delete nothing the version names.
 *
 * GYRE_FAULT_SEED=<n> picks another sequence of fault decisions.
 */
import {
  Field,
  Int32,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  type Table as ArrowTable,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  type Database,
  EngineError,
  ERROR_CODES,
  type ObjectStore,
  open,
  S3Store,
  type S3StoreOptions,
  StorageError,
  type Table,
} from '../../index.js';
import { type FaultKind, type FaultProxy, type FaultyBucket, seededRandom, startFaultyBucket } from '../setup/fault-proxy.js';
import type { S3Server } from '../setup/s3-server.js';

const BUCKET = 'gyre-table-faults';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const KINDS: readonly FaultKind[] = [
  'error500',
  'throttle503',
  'resetBefore',
  'resetAfter',
  'error500After',
  'truncateBody',
  'slow',
];
const HEAVY = {
  error500: 0.07,
  throttle503: 0.07,
  resetBefore: 0.05,
  resetAfter: 0.05,
  error500After: 0.04,
  truncateBody: 0.06,
  slow: 0.04,
  slowMs: 700,
} as const;
/** Longer than any slow reply: a request given up on has landed or failed by then. */
const SETTLE_MS = 900;

let server: S3Server | undefined;
let proxy: FaultProxy;
let direct: S3Store;

let env: FaultyBucket | undefined;
beforeAll(async () => {
  env = await startFaultyBucket(BUCKET, Number(process.env.GYRE_FAULT_SEED ?? 4_2026));
  ({ server, proxy, direct } = env);
});
afterAll(() => env?.stop());

function faulty(prefix: string, options: Partial<S3StoreOptions> = {}): S3Store {
  return new S3Store({
    endpoint: proxy.endpoint,
    bucket: BUCKET,
    prefix,
    credentials,
    retryBaseDelayMs: 2,
    retryMaxDelayMs: 20,
    requestTimeoutMs: 500,
    ...options,
  });
}

const FIELDS = [
  new Field('k', new Int32(), false),
  new Field('v', new Int32(), true),
  new Field('tag', new Utf8(), true),
];
interface Row {
  readonly k: number;
  readonly v: number | null;
  readonly tag: string;
}

function batchOf(rows: readonly Row[]): RecordBatch {
  const children = [
    vectorFromArray(
      rows.map((r) => r.k),
      new Int32(),
    ).data[0]!,
    vectorFromArray(
      rows.map((r) => r.v),
      new Int32(),
    ).data[0]!,
    vectorFromArray(
      rows.map((r) => r.tag),
      new Utf8(),
    ).data[0]!,
  ];
  return new RecordBatch(
    new Schema(FIELDS),
    makeData({ type: new Struct(FIELDS), length: rows.length, nullCount: 0, children }),
  );
}

const lines = (t: ArrowTable): string[] => {
  const [k, v, tag] = ['k', 'v', 'tag'].map((c) => t.getChild(c));
  return Array.from({ length: t.numRows }, (_, i) => `${k?.get(i)}|${v?.get(i) ?? null}|${tag?.get(i) ?? null}`);
};
const modelLines = (m: ReadonlyMap<number, Row>): string[] =>
  [...m.values()].sort((a, b) => a.k - b.k).map((r) => `${r.k}|${r.v}|${r.tag}`);

type Op =
  | { readonly kind: 'write'; readonly rows: readonly Row[] }
  | { readonly kind: 'delete'; readonly keys: readonly number[] }
  | { readonly kind: 'compact' }
  | { readonly kind: 'read' }
  | { readonly kind: 'take'; readonly keys: readonly number[] };

interface Tally {
  ok: Record<Op['kind'], number>;
  failed: Record<Op['kind'], number>;
  /** Changes that failed with a coded error and still landed (one whole version). */
  landedAfterError: number;
  codes: Record<string, number>;
}

/** Asserts a failure is a coded EngineError and counts its code. */
function coded(e: unknown, tally: Tally): EngineError {
  expect(e, String((e as Error)?.stack ?? e)).toBeInstanceOf(EngineError);
  const err = e as EngineError;
  expect(Object.keys(ERROR_CODES), err.message).toContain(err.code);
  tally.codes[err.code] = (tally.codes[err.code] ?? 0) + 1;
  return err;
}

/** Version numbers present, read through the direct (fault-free) connection. */
async function versionsOf(prefix: string, tableId: string): Promise<number[]> {
  const dir = `${prefix}/tables/${tableId}/versions/`;
  return (await direct.list(dir)).map((o) => Number(o.key.slice(dir.length, dir.length + 12))).sort((a, b) => a - b);
}

/**
 * Runs `count` operations through `table` (faults on). Returns the model of the newest version
 * and the expected content of each version.
 */
async function runOps(
  prefix: string,
  table: Table,
  count: number,
  seed: number,
  tally: Tally,
): Promise<{ model: Map<number, Row>; byVersion: Map<number, string[]> }> {
  const rnd = seededRandom(seed);
  const int = (n: number): number => Math.floor(rnd() * n);
  const model = new Map<number, Row>();
  const byVersion = new Map<number, string[]>([[1, []]]);
  let version = 1;
  const someKeys = (n: number): number[] => {
    const live = [...model.keys()];
    return Array.from({ length: n }, () => (live.length > 0 && rnd() < 0.6 ? live[int(live.length)]! : int(200)));
  };
  for (let i = 0; i < count; i++) {
    const x = rnd();
    const op: Op =
      x < 0.4
        ? {
            kind: 'write',
            rows: someKeys(1 + int(30)).map((k) => ({ k, v: (k + i) % 7 === 0 ? null : k * 1000 + i, tag: `op${i}` })),
          }
        : x < 0.58
          ? { kind: 'delete', keys: someKeys(1 + int(6)) }
          : x < 0.7
            ? { kind: 'compact' }
            : x < 0.88
              ? { kind: 'read' }
              : { kind: 'take', keys: someKeys(1 + int(10)) };
    const apply = (m: Map<number, Row>): void => {
      if (op.kind === 'write') for (const r of op.rows) m.set(r.k, r);
      if (op.kind === 'delete') for (const k of op.keys) m.delete(k);
    };
    let committed: number | null | undefined;
    let error: EngineError | undefined;
    try {
      switch (op.kind) {
        case 'write':
          committed = (await table.write(batchOf(op.rows))).version;
          break;
        case 'delete':
          committed = (await table.delete(op.keys.map((k) => [k]))).version;
          break;
        case 'compact':
          committed = (await table.compact()).version;
          break;
        case 'read':
          expect(lines(await table.read()), `op ${i}: read`).toEqual(modelLines(model));
          break;
        case 'take': {
          const want = new Map([...model].filter(([k]) => op.keys.includes(k)));
          expect(lines(await table.take(op.keys.map((k) => [k]))), `op ${i}: take`).toEqual(modelLines(want));
          break;
        }
      }
      tally.ok[op.kind]++;
    } catch (e) {
      error = coded(e, tally);
      tally.failed[op.kind]++;
      await new Promise((r) => setTimeout(r, SETTLE_MS));
    }
    const now = await versionsOf(prefix, table.id);
    expect(now, `op ${i} (${op.kind}): versions stay 1..n`).toEqual(
      Array.from({ length: now.length }, (_, j) => j + 1),
    );
    const latest = now.length;
    if (op.kind === 'read' || op.kind === 'take') {
      expect(latest, `op ${i}: a read committed something`).toBe(version);
      continue;
    }
    if (error === undefined) {
      // Acknowledged: exactly its version (a compaction with nothing to do commits none).
      expect(latest, `op ${i} (${op.kind})`).toBe(committed ?? version);
      expect(
        committed === null || committed === version + 1,
        `op ${i}: committed as ${committed} after ${version}`,
      ).toBe(true);
    } else {
      expect([version, version + 1], `op ${i} (${op.kind}) failed with ${error.code}: ${error.message}`).toContain(
        latest,
      );
      if (latest === version + 1) tally.landedAfterError++;
    }
    if (latest === version + 1) {
      apply(model);
      byVersion.set(latest, modelLines(model));
    }
    version = latest;
  }
  return { model, byVersion };
}

describe('tables on S3 through a fault-injecting proxy', () => {
  for (const [name, maxAttempts, ops, seed] of [
    ['few attempts (many failures)', 2, 45, 1],
    ['more attempts', 6, 35, 2],
  ] as const) {
    it(`${name}: each operation succeeds or fails with a code; the table equals the model`, async () => {
      const prefix = `t${seed}`;
      const tally: Tally = {
        ok: { write: 0, delete: 0, compact: 0, read: 0, take: 0 },
        failed: { write: 0, delete: 0, compact: 0, read: 0, take: 0 },
        landedAfterError: 0,
        codes: {},
      };
      proxy.setFaults({});
      const setup = await open(`s3://${BUCKET}/${prefix}`, { store: faulty(prefix) });
      const created = await setup.createTable('faults', { keySchema: { k: new Int32() } });
      const tableId = created.id;
      await setup.close();

      proxy.setFaults(HEAVY);
      const before = proxy.stats();
      // Opening the table under faults: retried until it works (each failure coded).
      let db: Database | undefined;
      let table: Table | undefined;
      for (let i = 0; !table; i++) {
        expect(i, 'opening the table kept failing').toBeLessThan(50);
        try {
          db = await open(`s3://${BUCKET}/${prefix}`, { store: faulty(prefix, { maxAttempts }) });
          table = await db.table('faults');
        } catch (e) {
          coded(e, tally);
        }
      }
      expect(table.id).toBe(tableId);
      const { model, byVersion } = await runOps(prefix, table, ops, seed, tally);

      // A vacuum under faults keeps every version (olderThan in the past) and drops orphans.
      try {
        await table.vacuum({ olderThan: new Date(0), orphanGraceMs: 0 });
      } catch (e) {
        coded(e, tally);
      }
      await db!.close();
      const during = proxy.stats();
      proxy.setFaults({});
      await new Promise((r) => setTimeout(r, SETTLE_MS));

      // Faults off: the table opens and every version is the model after its changes.
      const calm = await open(`s3://${BUCKET}/${prefix}`, {
        store: faulty(prefix, { maxAttempts: 3, requestTimeoutMs: 10_000 }),
      });
      try {
        const t = await calm.table('faults');
        const log = await t.transactions();
        expect(log.map((x) => x.version)).toEqual([...byVersion.keys()]);
        for (const [v, want] of byVersion) expect(lines(await t.read({ asof: v })), `version ${v}`).toEqual(want);
        expect(lines(await t.read())).toEqual(modelLines(model));
        const after = await t.write(batchOf([{ k: 10_000, v: 1, tag: 'calm' }]));
        expect(after.version).toBe(log.length + 1);
      } finally {
        await calm.close();
      }
      const injected = Object.fromEntries(KINDS.map((k) => [k, during[k] - before[k]]));
      console.log(
        `${name}: ${ops} operations, ok ${JSON.stringify(tally.ok)}, failed ${JSON.stringify(tally.failed)}, ` +
          `changes landed despite an error ${tally.landedAfterError}, error codes ${JSON.stringify(tally.codes)}; ` +
          `requests ${during.requests - before.requests}, faults injected ${JSON.stringify(injected)}`,
      );
      for (const k of KINDS) expect(injected[k], k).toBeGreaterThan(0);
      if (maxAttempts === 2)
        expect(
          Object.values(tally.failed).reduce((a, b) => a + b, 0),
          'some operations must fail',
        ).toBeGreaterThan(0);
    }, 600_000);
  }
});

describe('a commit whose outcome the store could not report', () => {
  it('a version create whose reply is lost, then a failed read-back: committed once, nothing it names deleted', async () => {
    // Deterministic: the create of the next version takes effect but its reply is lost, and
    // the read-back of that version fails once (the proxy makes this rare; here it is forced).
    const s3 = new S3Store({ endpoint: server!.endpoint, bucket: BUCKET, prefix: 'lost', credentials });
    let armed = false;
    let failVersionGets = 0;
    const store: ObjectStore = {
      get: (k, r) => {
        if (failVersionGets > 0 && k.includes('/versions/')) {
          failVersionGets--;
          return Promise.reject(new StorageError('io-error', 'injected: GET failed'));
        }
        return s3.get(k, r);
      },
      head: (k) => s3.head(k),
      list: (p) => s3.list(p),
      put: (k, b) => s3.put(k, b),
      delete: (k) => s3.delete(k),
      async putIfAbsent(k, b) {
        const created = await s3.putIfAbsent(k, b);
        if (armed && k.includes('/versions/')) {
          armed = false;
          failVersionGets = 1;
          throw new StorageError('io-error', 'injected: reply lost after the create took effect');
        }
        return created;
      },
    };
    const db = await open('s3://unused/', { store });
    const t = await db.createTable('lost', { keySchema: { k: new Int32() } });
    await t.write(batchOf([{ k: 1, v: 10, tag: 'a' }]));
    armed = true;
    const tally: Tally = {
      ok: { write: 0, delete: 0, compact: 0, read: 0, take: 0 },
      failed: { write: 0, delete: 0, compact: 0, read: 0, take: 0 },
      landedAfterError: 0,
      codes: {},
    };
    let version: number | null = null;
    try {
      version = (await t.write(batchOf([{ k: 2, v: 20, tag: 'b' }]))).version;
    } catch (e) {
      coded(e, tally);
    }
    expect(armed, 'the fault was injected').toBe(false);
    await db.close();
    const again = await open('s3://unused/', { store: s3 });
    try {
      const t2 = await again.table('lost');
      const log = await t2.transactions();
      // The write landed exactly once (as version 3), whatever the call reported.
      expect(log.map((x) => x.version)).toEqual([1, 2, 3]);
      if (version !== null) expect(version).toBe(3);
      for (const { version: v } of log) await t2.read({ asof: v });
      expect(lines(await t2.read())).toEqual(['1|10|a', '2|20|b']);
      expect((await t2.write(batchOf([{ k: 3, v: 30, tag: 'c' }]))).version).toBe(4);
    } finally {
      await again.close();
    }
  }, 120_000);
});
