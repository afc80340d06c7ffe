/**
 * Writer failure behaviour: a failing sink or input leaves no file (and no temporary file)
 * visible; an Arrow type Vortex cannot store is a coded error naming the column and the type,
 * raised before anything is written; a successful write appears atomically.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  Duration, Field, FixedSizeBinary, Int32, Map_, type RecordBatch, Schema, Struct, Table, TimeUnit, tableFromArrays,
  Utf8, vectorFromArray,
} from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';

import { type ByteSink, VortexFile } from 'gyre';

const dir = mkdtempSync(join(tmpdir(), 'gyre-writer-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sample(rows = 50_000): Table {
  return tableFromArrays({
    id: Int32Array.from({ length: rows }, (_, i) => i),
    name: Array.from({ length: rows }, (_, i) => `name-${i % 977}`),
  });
}

function recordingSink(failOnWrite = Infinity): ByteSink & { calls: string[] } {
  const calls: string[] = [];
  let writes = 0;
  return {
    calls,
    write() {
      calls.push('write');
      if (++writes >= failOnWrite) throw new Error('disk full');
    },
    close() {
      calls.push('close');
    },
    abort() {
      calls.push('abort');
    },
  };
}

async function* batchesThenFail(t: Table): AsyncGenerator<RecordBatch> {
  yield* t.batches;
  throw new Error('upstream failed');
}

describe('atomic writes', () => {
  it('a successful write appears under its name with no temporary file left', async () => {
    const path = join(dir, 'ok.vortex');
    const r = await VortexFile.write(path, sample());
    expect(r.rows).toBe(50_000);
    expect(readdirSync(dir).filter((f) => f.includes('ok.vortex'))).toEqual(['ok.vortex']);
    const f = await VortexFile.open(path);
    expect(f.rowCount).toBe(50_000);
    await f.close();
  });

  it('a failing input leaves no file and no temporary file', async () => {
    const path = join(dir, 'broken-input.vortex');
    await expect(VortexFile.write(path, batchesThenFail(sample()))).rejects.toThrow(/upstream failed/);
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('broken-input'))).toEqual([]);
  });

  it('a failing sink is aborted, never closed', async () => {
    const sink = recordingSink(1);
    await expect(VortexFile.write(sink, sample(), { chunkRows: 8192 })).rejects.toMatchObject({ code: 'io-error' });
    expect(sink.calls).toContain('abort');
    expect(sink.calls).not.toContain('close');
  });

  it('a failing input aborts the sink', async () => {
    const sink = recordingSink();
    await expect(VortexFile.write(sink, batchesThenFail(sample()))).rejects.toThrow(/upstream failed/);
    expect(sink.calls.at(-1)).toBe('abort');
    expect(sink.calls).not.toContain('close');
  });

  it('an existing file is replaced only when the new one is complete', async () => {
    const path = join(dir, 'replace.vortex');
    await VortexFile.write(path, sample(10));
    await expect(VortexFile.write(path, batchesThenFail(sample(20)))).rejects.toThrow();
    const f = await VortexFile.open(path);
    expect(f.rowCount).toBe(10);
    await f.close();
  });
});

describe('unsupported Arrow types', () => {
  const cases: [string, Field][] = [
    ['duration', new Field('elapsed', new Duration(TimeUnit.SECOND), true)],
    ['fixed-size binary', new Field('digest', new FixedSizeBinary(16), true)],
    ['map', new Field('attrs', new Map_(new Field('entries', new Struct([new Field('key', new Utf8(), false), new Field('value', new Int32(), true)]), false) as never), true)],
    ['nested in a struct', new Field('outer', new Struct([new Field('inner', new Duration(TimeUnit.MILLISECOND), true)]), true)],
  ];
  for (const [what, field] of cases) {
    it(`${what}: coded error naming the column and type, nothing written`, async () => {
      const schema = new Schema([new Field('ok', new Int32(), true), field]);
      const table = new Table(schema);
      const path = join(dir, `unsupported-${what.replace(/\W/g, '_')}.vortex`);
      const sink = recordingSink();
      const err = await VortexFile.write(sink, table).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'vortex-unsupported-type' });
      expect(String((err as Error).message)).toContain(field.name);
      expect(String((err as Error).message)).toContain(String(field.name === 'outer' ? 'Duration' : field.type).split('<')[0]);
      expect(sink.calls).toEqual([]);
      await expect(VortexFile.write(path, table)).rejects.toMatchObject({ code: 'vortex-unsupported-type' });
      expect(readdirSync(dir).filter((f) => f.includes('unsupported'))).toEqual([]);
    });
  }

  it('the schema of an async stream is checked before anything is written', async () => {
    const t = new Table({ d: vectorFromArray([1n, 2n], new Duration(TimeUnit.SECOND)) });
    async function* gen(): AsyncGenerator<RecordBatch> {
      yield* t.batches;
    }
    const sink = recordingSink();
    await expect(VortexFile.write(sink, gen())).rejects.toMatchObject({ code: 'vortex-unsupported-type' });
    expect(sink.calls).toEqual([]);
  });
});

describe('argument checks', () => {
  it('rejects an empty stream (no schema) and bad options', async () => {
    await expect(VortexFile.write(recordingSink(), [])).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(VortexFile.write(recordingSink(), sample(1), { chunkRows: 0 })).rejects.toMatchObject({ code: 'invalid-argument' });
  });

  it('writes an empty table (schema only)', async () => {
    const path = join(dir, 'empty.vortex');
    const schema = new Schema([new Field('a', new Int32(), true), new Field('s', new Utf8(), true)]);
    await VortexFile.write(path, new Table(schema));
    const f = await VortexFile.open(path);
    expect(f.rowCount).toBe(0);
    expect(f.schema.fields.map((x) => x.name)).toEqual(['a', 's']);
    await f.close();
  });
});
