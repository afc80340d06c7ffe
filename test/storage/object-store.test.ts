/**
 * One contract suite for every ObjectStore: LocalStore on a temp dir, S3Store against a real
 * S3-compatible server (moto, started on 127.0.0.1 by test/setup/s3-server.ts).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { EngineError } from '../../errors.js';
import { LocalStore } from '../../storage/object-store/local-store.js';
import { ObjectSource, putNew, validateKey, type ObjectStore } from '../../storage/object-store/object-store.js';
import { S3Store } from '../../storage/object-store/s3-store.js';
import { VortexFile } from '../../storage/vortex/vortex-file.js';
import { startS3Server, type S3Server } from '../setup/s3-server.js';

const SAMPLE = join(import.meta.dirname, '..', 'fixtures', 'sample', 'clips.vortex');
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    if (e instanceof EngineError) return e.code;
    throw e;
  }
  return undefined;
}

const HOSTILE = ['', '/etc/passwd', '../x', 'a/../../x', 'a/./b', 'a//b', 'a/', '.', '..', 'a\u0000b', 'a\nb', 'a\\b', 'C:x', 'x\uD800'];

function contract(name: string, makeStore: () => ObjectStore): void {
  describe(name, () => {
    let store: ObjectStore;
    beforeAll(() => {
      store = makeStore();
    });

    it('put / get / head / range get', async () => {
      await store.put('t/a.txt', enc('hello world'));
      expect(dec(await store.get('t/a.txt'))).toBe('hello world');
      expect(dec(await store.get('t/a.txt', { offset: 6, length: 5 }))).toBe('world');
      expect((await store.get('t/a.txt', { offset: 3, length: 0 })).byteLength).toBe(0);
      expect((await store.head('t/a.txt'))?.size).toBe(11);
      await store.put('t/a.txt', enc('replaced'));
      expect(dec(await store.get('t/a.txt'))).toBe('replaced');
      expect(await codeOf(store.get('t/a.txt', { offset: 4, length: 10 }))).toBe('io-error');
    });

    it('missing objects', async () => {
      expect(await store.head('t/missing')).toBeUndefined();
      expect(await codeOf(store.get('t/missing'))).toBe('object-not-found');
      expect(await codeOf(store.get('t/missing', { offset: 0, length: 1 }))).toBe('object-not-found');
      await store.delete('t/missing');
    });

    it('list by prefix, sorted, complete', async () => {
      const keys = Array.from({ length: 23 }, (_, i) => `l/d${i % 3}/k${String(i).padStart(2, '0')}`);
      await Promise.all(keys.map((k) => store.put(k, enc(k))));
      await store.put('lx', enc('outside'));
      const all = await store.list('l/');
      expect(all.map((o) => o.key)).toEqual([...keys].sort());
      expect(all.every((o) => o.size === o.key.length)).toBe(true);
      expect((await store.list('l/d1/')).length).toBe(8);
      expect((await store.list('l/d1/k1')).map((o) => o.key)).toEqual(['l/d1/k10', 'l/d1/k13', 'l/d1/k16', 'l/d1/k19']);
      expect(await store.list('nothing/')).toEqual([]);
      expect((await store.list('l')).length).toBe(24);
    });

    it('putIfAbsent creates once and never overwrites', async () => {
      expect(await store.putIfAbsent('c/once', enc('first'))).toBe(true);
      expect(await store.putIfAbsent('c/once', enc('second'))).toBe(false);
      expect(dec(await store.get('c/once'))).toBe('first');
      expect(await codeOf(putNew(store, 'c/once', enc('third')))).toBe('object-exists');
      await putNew(store, 'c/new', enc('x'));
      expect(dec(await store.get('c/new'))).toBe('x');
    });

    it('concurrent putIfAbsent: exactly one wins', async () => {
      for (let round = 0; round < 5; round++) {
        const key = `race/r${round}`;
        const results = await Promise.all(Array.from({ length: 8 }, (_, i) => store.putIfAbsent(key, enc(`writer-${i}`))));
        expect(results.filter(Boolean).length).toBe(1);
        expect(dec(await store.get(key))).toBe(`writer-${results.indexOf(true)}`);
      }
    });

    it('delete', async () => {
      await store.put('del/x', enc('x'));
      await store.delete('del/x');
      expect(await store.head('del/x')).toBeUndefined();
      expect(await store.list('del/')).toEqual([]);
      expect(await store.putIfAbsent('del/x', enc('again'))).toBe(true);
    });

    it('rejects hostile keys with a coded error', async () => {
      for (const k of HOSTILE) {
        expect(() => validateKey(k), JSON.stringify(k)).toThrow(EngineError);
        expect(await codeOf(store.put(k, enc('x'))), JSON.stringify(k)).toBe('invalid-object-key');
        expect(await codeOf(store.putIfAbsent(k, enc('x'))), JSON.stringify(k)).toBe('invalid-object-key');
        expect(await codeOf(store.get(k)), JSON.stringify(k)).toBe('invalid-object-key');
        expect(await codeOf(store.head(k)), JSON.stringify(k)).toBe('invalid-object-key');
        expect(await codeOf(store.delete(k)), JSON.stringify(k)).toBe('invalid-object-key');
      }
      expect((await store.list('')).some((o) => o.key.includes('..') || o.key.startsWith('/'))).toBe(false);
    });

    it('VortexFile.open reads an object through ObjectSource with range GETs', async () => {
      const bytes = new Uint8Array(readFileSync(SAMPLE));
      await store.put('tables/clips/data.vortex', bytes);
      const src = await ObjectSource.open(store, 'tables/clips/data.vortex');
      expect(src.size).toBe(bytes.byteLength);
      const remote = await VortexFile.open(src);
      const local = await VortexFile.open(SAMPLE);
      expect(remote.rowCount).toBe(local.rowCount);
      expect(remote.schema.fields.map((f) => f.name)).toEqual(local.schema.fields.map((f) => f.name));
      const [a, b] = [await remote.read(), await local.read()];
      expect(a.numRows).toBe(b.numRows);
      const show = (t: typeof a): string => JSON.stringify(t.toArray().slice(0, 50), (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
      expect(show(a)).toBe(show(b));
      expect(src.stats.requests).toBeGreaterThan(0);
      expect(src.stats.bytes).toBeLessThanOrEqual(bytes.byteLength * 2);
      expect(await codeOf(ObjectSource.open(store, 'tables/none.vortex'))).toBe('object-not-found');
      await local.close();
    });
  });
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

contract('LocalStore', () => {
  const d = mkdtempSync(join(tmpdir(), 'gyre-store-'));
  dirs.push(d);
  return new LocalStore(d);
});

describe('LocalStore specifics', () => {
  it('keeps temporary files out of listings and reserves their directory', async () => {
    const d = mkdtempSync(join(tmpdir(), 'gyre-store-'));
    dirs.push(d);
    const s = new LocalStore(d);
    await s.put('a', enc('1'));
    expect(await s.putIfAbsent('a', enc('2'))).toBe(false);
    expect((await s.list('')).map((o) => o.key)).toEqual(['a']);
    expect(await codeOf(s.put('.gyre-tmp/x', enc('x')))).toBe('invalid-object-key');
  });
});

let server: S3Server | undefined;
let s3Options: { endpoint: string; bucket: string } | undefined;
beforeAll(async () => {
  server = await startS3Server();
  s3Options = { endpoint: server.endpoint, bucket: 'gyre-test' };
  const s = new S3Store({ ...s3Options, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  await s.client.send(new CreateBucketCommand({ Bucket: s3Options.bucket }));
});
afterAll(async () => {
  await server?.stop();
});

contract('S3Store (moto server)', () => new S3Store({ ...s3Options!, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }));
contract('S3Store with a key prefix', () =>
  new S3Store({ ...s3Options!, prefix: 'warehouse', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
);
