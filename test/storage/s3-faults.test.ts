/**
 * S3Store under injected faults: moto behind test/setup/fault-proxy.ts (500s, 503 SlowDown,
 * resets before and after forwarding, replies replaced by 500 after forwarding, truncated
 * bodies, slow replies). Every operation either returns the right result or throws a coded
 * EngineError; conditional creates stay exactly-once even when their replies are lost.
 * Checks go through a second store that talks to moto directly. GYRE_FAULT_SEED=<n> picks
 * another sequence of fault decisions.
 */
import { randomBytes, randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { EngineError } from '../../errors.js';
import { ObjectSource } from '../../storage/object-store/object-store.js';
import { S3Store, type S3StoreOptions } from '../../storage/object-store/s3-store.js';
import { startFaultyBucket, type FaultyBucket, type FaultKind, type FaultProxy } from '../setup/fault-proxy.js';

const BUCKET = 'gyre-faults';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

let proxy: FaultProxy;
let direct: S3Store;

let env: FaultyBucket | undefined;
beforeAll(async () => {
  env = await startFaultyBucket(BUCKET, Number(process.env.GYRE_FAULT_SEED ?? 20240917));
  ({ proxy, direct } = env);
});
afterAll(() => env?.stop());

/** A store that goes through the proxy, with test-sized backoff and deadlines. */
function faulty(options: Partial<S3StoreOptions> = {}): S3Store {
  return new S3Store({
    endpoint: proxy.endpoint,
    bucket: BUCKET,
    credentials,
    retryBaseDelayMs: 2,
    retryMaxDelayMs: 20,
    requestTimeoutMs: 500,
    ...options,
  });
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: EngineError };

/** Runs `p`; a failure must be a coded EngineError (anything else fails the test). */
async function outcome<T>(p: Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await p };
  } catch (e) {
    expect(e, String(e)).toBeInstanceOf(EngineError);
    expect((e as EngineError).code).toMatch(/^[a-z]+(-[a-z]+)*$/);
    return { ok: false, error: e as EngineError };
  }
}

const MIXED = {
  error500: 0.06,
  throttle503: 0.06,
  resetBefore: 0.04,
  resetAfter: 0.04,
  error500After: 0.03,
  truncateBody: 0.06,
  slow: 0.05,
  slowMs: 700,
} as const;

/** put / get / range get / head / list / delete on `n` objects through `store`, checked against moto. */
async function exercise(
  store: S3Store,
  prefix: string,
  n: number,
): Promise<{ ok: number; failed: number; errors: string[] }> {
  const tally = { ok: 0, failed: 0, errors: [] as string[] };
  const count = <T>(o: Outcome<T>): Outcome<T> => {
    tally[o.ok ? 'ok' : 'failed']++;
    if (!o.ok) tally.errors.push(o.error.message);
    return o;
  };
  const objects = Array.from({ length: n }, (_, i) => ({
    key: `${prefix}/o${String(i).padStart(3, '0')}`,
    bytes: new Uint8Array(randomBytes(1 + ((i * 7919) % 40_000))),
  }));

  await Promise.all(
    objects.map(async ({ key, bytes }) => {
      const put = count(await outcome(store.put(key, bytes)));
      const stored = await direct.head(key);
      if (put.ok) expect(stored?.size).toBe(bytes.byteLength);
      // A failed put may or may not have landed; when it did, it is whole. Make it land for the reads below.
      if (stored) expect(Buffer.from(await direct.get(key)).equals(bytes)).toBe(true);
      if (!put.ok) await direct.put(key, bytes);
    }),
  );

  await Promise.all(
    objects.map(async ({ key, bytes }, i) => {
      const whole = count(await outcome(store.get(key)));
      if (whole.ok) expect(Buffer.from(whole.value).equals(bytes)).toBe(true);
      const offset = (i * 131) % bytes.byteLength;
      const length = Math.min(bytes.byteLength - offset, 1 + ((i * 977) % 5000));
      const part = count(await outcome(store.get(key, { offset, length })));
      if (part.ok) expect(Buffer.from(part.value).equals(bytes.subarray(offset, offset + length))).toBe(true);
      const head = count(await outcome(store.head(key)));
      if (head.ok) expect(head.value?.size).toBe(bytes.byteLength);
    }),
  );

  const expected = (await direct.list(`${prefix}/`)).map((o) => [o.key, o.size]);
  expect(expected.length).toBe(n);
  for (let i = 0; i < 5; i++) {
    const listed = count(await outcome(store.list(`${prefix}/`)));
    if (listed.ok) expect(listed.value.map((o) => [o.key, o.size])).toEqual(expected);
  }

  const missing = await outcome(store.get(`${prefix}/missing`));
  expect(missing.ok, 'a missing object was read').toBe(false);
  if (!missing.ok) {
    expect(['object-not-found', 'io-error']).toContain(missing.error.code);
    tally[missing.error.code === 'object-not-found' ? 'ok' : 'failed']++;
  }

  await Promise.all(
    objects.map(async ({ key }) => {
      const del = count(await outcome(store.delete(key)));
      if (del.ok) expect(await direct.head(key)).toBeUndefined();
    }),
  );
  return tally;
}

describe('S3Store through a fault-injecting proxy', () => {
  it('few attempts: every operation returns the right result or a coded error', async () => {
    proxy.setFaults(MIXED);
    const tally = await exercise(faulty({ maxAttempts: 3 }), 'few', 40);
    console.log(`maxAttempts 3: ${tally.ok} ok, ${tally.failed} coded failures`, tally.errors.slice(0, 5));
    expect(tally.ok).toBeGreaterThan(tally.failed);
  });

  it('enough attempts: every operation succeeds despite the faults', async () => {
    proxy.setFaults(MIXED);
    const store = faulty({ maxAttempts: 15 });
    const tally = await exercise(store, 'many', 40);
    expect(tally.errors).toEqual([]);
    expect(store.stats.retries).toBeGreaterThan(0);
  });

  it('ObjectSource range reads through faults are never short', async () => {
    proxy.setFaults({ truncateBody: 0.3, resetBefore: 0.1, error500: 0.1 });
    const bytes = new Uint8Array(randomBytes(200_000));
    await direct.put('src/blob', bytes);
    const src = await ObjectSource.open(faulty({ maxAttempts: 15 }), 'src/blob');
    const ranges = Array.from({ length: 40 }, (_, i) => ({ offset: i * 4999, length: 1 + ((i * 3571) % 8000) }));
    const parts = await src.read(ranges);
    parts.forEach((p, i) =>
      expect(Buffer.from(p).equals(bytes.subarray(ranges[i]!.offset, ranges[i]!.offset + ranges[i]!.length))).toBe(
        true,
      ),
    );
  });

  it('concurrent putIfAbsent with lost replies: exactly one winner, and the stored bytes are its own', async () => {
    proxy.setFaults({ resetAfter: 0.3, error500After: 0.1, slow: 0.05, slowMs: 700, methods: ['PUT'] });
    const store = faulty({ maxAttempts: 12 });
    for (let round = 0; round < 10; round++) {
      const key = `race/r${round}`;
      const payloads = Array.from({ length: 8 }, (_, i) => enc(`writer-${i}-${randomUUID()}`));
      const results = await Promise.all(payloads.map((p) => store.putIfAbsent(key, p)));
      expect(results.filter(Boolean).length, `round ${round}: ${results.join(',')}`).toBe(1);
      expect(dec(await direct.get(key))).toBe(dec(payloads[results.indexOf(true)]!));
    }
    expect(store.stats.conditionalResolutions).toBeGreaterThan(0);
  });

  it('a sequence of putIfAbsent on fresh keys: none lost to a lost reply', async () => {
    proxy.setFaults({ resetAfter: 0.35, error500After: 0.1, methods: ['PUT'] });
    const store = faulty({ maxAttempts: 12 });
    for (let i = 0; i < 60; i++) {
      const key = `seq/k${i}`;
      const bytes = enc(`commit-${i}-${randomUUID()}`);
      expect(await store.putIfAbsent(key, bytes), key).toBe(true);
      expect(dec(await direct.get(key))).toBe(dec(bytes));
      expect(await store.putIfAbsent(key, enc('other'))).toBe(false);
    }
    expect(store.stats.conditionalResolutions).toBeGreaterThan(0);
  });

  it('faults off: everything passes on the first attempt', async () => {
    proxy.setFaults({});
    const before = proxy.stats();
    // A generous deadline: with one attempt, a slow moto on a loaded machine must not fail the test.
    const store = faulty({ maxAttempts: 1, requestTimeoutMs: 10_000 });
    expect((await exercise(store, 'calm', 20)).errors).toEqual([]);
    expect(await store.putIfAbsent('calm/c', enc('x'))).toBe(true);
    expect(await store.putIfAbsent('calm/c', enc('y'))).toBe(false);
    const after = proxy.stats();
    for (const k of [
      'error500',
      'throttle503',
      'resetBefore',
      'resetAfter',
      'error500After',
      'truncateBody',
      'slow',
    ] as const)
      expect(after[k]).toBe(before[k]);
    expect(store.stats.retries).toBe(0);
  });

  it('out of attempts: io-error with key, status and attempts', async () => {
    await direct.put('fail/x', enc('x'));
    for (const [faults, status] of [
      [{ error500: 1 }, 500],
      [{ throttle503: 1 }, 503],
      [{ resetBefore: 1 }, undefined],
    ] as const) {
      proxy.setFaults(faults);
      for (const maxAttempts of [1, 3]) {
        const store = faulty({ maxAttempts });
        const ops: [string, () => Promise<unknown>][] = [
          ['get', () => store.get('fail/x')],
          ['range get', () => store.get('fail/x', { offset: 0, length: 1 })],
          ['head', () => store.head('fail/x')],
          ['list', () => store.list('fail/')],
          ['put', () => store.put('fail/x', enc('y'))],
          ['putIfAbsent', () => store.putIfAbsent('fail/new', enc('y'))],
          ['delete', () => store.delete('fail/x')],
        ];
        for (const [name, op] of ops) {
          const o = await outcome(op());
          expect(o.ok, name).toBe(false);
          if (o.ok) continue;
          expect(o.error.code, name).toBe('io-error');
          expect(o.error.details, name).toMatchObject({ key: expect.stringMatching(/^fail\//), attempts: maxAttempts });
          expect(o.error.details.status, name).toBe(status);
        }
        expect(store.stats.retries).toBe(ops.length * (maxAttempts - 1));
      }
    }
    proxy.setFaults({});
    expect(dec(await direct.get('fail/x'))).toBe('x');
    expect(await direct.head('fail/new')).toBeUndefined();
  });

  it('every fault kind was injected (counters so far)', () => {
    const s = proxy.stats();
    const kinds: FaultKind[] = [
      'error500',
      'throttle503',
      'resetBefore',
      'resetAfter',
      'error500After',
      'truncateBody',
      'slow',
    ];
    for (const k of kinds) expect(s[k], k).toBeGreaterThan(0);
    expect(s.forwarded).toBeGreaterThan(0);
    expect(s.requests).toBeGreaterThan(s.forwarded);
  });

  it('maxConcurrency bounds the requests in flight', async () => {
    proxy.setFaults({ slow: 1, slowMs: 30 });
    await direct.put('conc/x', enc('x'));
    proxy.resetStats();
    const store = faulty({ maxConcurrency: 3, maxAttempts: 1, requestTimeoutMs: 2000 });
    await Promise.all(Array.from({ length: 20 }, () => store.get('conc/x')));
    expect(proxy.stats().maxInFlight).toBe(3);
    proxy.setFaults({});
  });
});
