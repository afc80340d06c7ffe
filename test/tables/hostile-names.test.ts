/**
 * Hostile identifiers and keys. Every catalog call given a bad project, dataset or table name
 * (path tricks, empty, huge, control characters, NUL, lone surrogates, '.' where a single name
 * is expected, non-ASCII) fails with 'invalid-identifier' and writes nothing: the whole
 * directory around the catalog root is listed before and after. Written rows with null keys
 * fail with 'null-key'; a missing or mistyped key column with 'schema-mismatch'; bad key
 * schemas with 'invalid-key-schema' — again with nothing committed or left behind.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import {
  type DataType,
  Field,
  Float64,
  Int32,
  Int64,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table as ArrowTable,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Database, EngineError, open, type Table } from '../../index.js';

/** Bad as a whole identifier (`table`, `dataset.table` or `project.dataset.table`). */
const BAD_IDENTIFIERS = [
  '',
  '.',
  '..',
  '../x',
  '../../etc/passwd',
  'x/../../y',
  '/abs',
  '/etc/passwd',
  'a/b',
  'a\\b',
  'C:x',
  'x'.repeat(10_000),
  'x'.repeat(129),
  'a\nb',
  'a\tb',
  '\r',
  '\u007f',
  'a\u0000b',
  '\u0000',
  'x\uD800',
  '\uDC00y',
  'a b',
  ' a',
  'a ',
  'ä',
  'téble',
  '表',
  '😀',
  '-x',
  'a.',
  '.a',
  'a..b',
  'a.b.c.d',
  'p.d.',
  '%2e%2e',
  'a*',
  'a?',
  'a:b',
  'a\u200bb',
];
/** Bad as one name part (rename target, dataset, project): everything above plus dotted names. */
const BAD_PARTS = [...BAD_IDENTIFIERS, 'a.b', 'ds.t', 'p.d.t', '...'];
/** Not strings at all (JavaScript callers). */
const NOT_STRINGS: unknown[] = [undefined, null, 42, {}, ['t'], Symbol('t')];

const show = (s: unknown): string =>
  typeof s === 'string'
    ? JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…(${s.length})` : s)
    : String(typeof s === 'symbol' ? s.toString() : s);

/** Every file under `dir` with its size and content hash, sorted. */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        out.push(`${path.relative(dir, p)}/`);
        walk(p);
      } else out.push(`${path.relative(dir, p)} ${createHash('sha1').update(readFileSync(p)).digest('hex')}`);
    }
  };
  walk(dir);
  return out.sort();
}

async function codeOf(f: () => unknown): Promise<string> {
  try {
    await f();
  } catch (e) {
    expect(e, String((e as Error)?.stack ?? e)).toBeInstanceOf(EngineError);
    return (e as EngineError).code;
  }
  return 'no error';
}

const keySchema = { k: new Int32() };

let outer: string;
let db: Database;
let table: Table;

beforeAll(async () => {
  // The catalog lives in outer/root; outer also holds a sibling a path escape would hit.
  outer = mkdtempSync(path.join(tmpdir(), 'gyre-hostile-'));
  mkdirSync(path.join(outer, 'sibling'));
  db = await open(path.join(outer, 'root'));
  table = await db.createTable('ds.t', { keySchema: { g: new Utf8(), k: new Int32() } });
  await table.write(
    new ArrowTable({
      g: vectorFromArray(['a', 'b'], new Utf8()),
      k: vectorFromArray([1, 2], new Int32()),
      v: vectorFromArray([10, 20], new Int32()),
    }),
  );
  await db.project('p2').createTable('t2', { keySchema });
});
afterAll(async () => {
  await db?.close();
  rmSync(outer, { recursive: true, force: true });
});

describe('hostile identifiers: invalid-identifier and nothing written', () => {
  it('identifiers in createTable / table / dropTable / renameTable / moveTable, also through a project', async () => {
    const before = tree(outer);
    const catalog = await db.listTables();
    for (const bad of BAD_IDENTIFIERS) {
      const calls: [string, () => unknown][] = [
        ['createTable', () => db.createTable(bad, { keySchema })],
        ['createTable existOk', () => db.createTable(bad, { keySchema, existOk: true })],
        ['table', () => db.table(bad)],
        ['dropTable', () => db.dropTable(bad)],
        ['renameTable from', () => db.renameTable(bad, 'fresh')],
        ['moveTable from', () => db.moveTable(bad, 'fresh')],
        ['project createTable', () => db.project('p2').createTable(bad, { keySchema })],
        ['project table', () => db.project('p2').table(bad)],
        ['project dropTable', () => db.project('p2').dropTable(bad)],
        ['project renameTable', () => db.project('p2').renameTable(bad, 'fresh')],
        ['project moveTable', () => db.project('p2').moveTable(bad, 'fresh')],
      ];
      for (const [name, call] of calls) expect(await codeOf(call), `${name}(${show(bad)})`).toBe('invalid-identifier');
    }
    expect(tree(outer)).toEqual(before);
    expect(await db.listTables()).toEqual(catalog);
  });

  it('single names: rename targets, move targets, projects, and the project argument', async () => {
    const before = tree(outer);
    const catalog = await db.listTables();
    for (const bad of BAD_PARTS) {
      const calls: [string, () => unknown][] = [
        ['renameTable to', () => db.renameTable('ds.t', bad)],
        ['moveTable to', () => db.moveTable('ds.t', bad)],
        ['project', () => db.project(bad)],
        ['createTable in project', () => db.createTable('x', { keySchema }, bad)],
        ['table in project', () => db.table('t2', bad)],
        ['renameTable in project', () => db.renameTable('t2', 'fresh', bad)],
        ['project renameTable to', () => db.project('p2').renameTable('t2', bad)],
        ['project moveTable to', () => db.project('p2').moveTable('t2', bad)],
      ];
      for (const [name, call] of calls) expect(await codeOf(call), `${name}(${show(bad)})`).toBe('invalid-identifier');
    }
    expect(tree(outer)).toEqual(before);
    expect(await db.listTables()).toEqual(catalog);
  });

  it('names that are not strings: identifiers, rename and move targets, projects', async () => {
    const before = tree(outer);
    for (const bad of NOT_STRINGS) {
      const id = bad as string;
      const calls: [string, () => unknown][] = [
        ['createTable', () => db.createTable(id, { keySchema })],
        ['table', () => db.table(id)],
        ['dropTable', () => db.dropTable(id)],
        ['renameTable from', () => db.renameTable(id, 'fresh')],
        ['moveTable from', () => db.moveTable(id, 'fresh')],
        ['renameTable to', () => db.renameTable('ds.t', id)],
        ['moveTable to', () => db.moveTable('ds.t', id)],
        ['project', () => db.project(id)],
      ];
      // (An undefined project argument means the default project.)
      if (bad !== undefined) {
        calls.push(['table in project', () => db.table('t2', id)]);
        calls.push(['createTable in project', () => db.createTable('x', { keySchema }, id)]);
      }
      for (const [name, call] of calls) expect(await codeOf(call), `${name}(${show(bad)})`).toBe('invalid-identifier');
    }
    expect(tree(outer)).toEqual(before);
  });

  it('the longest valid names work, one character more does not', async () => {
    const n128 = 'n'.repeat(128);
    const t = await db.createTable(`${n128}.${n128}`, { keySchema });
    expect((await db.table(`${n128}.${n128}`)).id).toBe(t.id);
    expect(await codeOf(() => db.renameTable(`${n128}.${n128}`, `${n128}x`))).toBe('invalid-identifier');
    await db.renameTable(`${n128}.${n128}`, 'Short_name-1');
    await db.moveTable(`${n128}.Short_name-1`, '_ds-2');
    expect((await db.table('_ds-2.Short_name-1')).id).toBe(t.id);
    await db.dropTable('_ds-2.Short_name-1');
    expect(await codeOf(() => db.table('_ds-2.Short_name-1'))).toBe('table-not-found');
  });
});

describe('hostile keys', () => {
  const F = (name: string, type: DataType, nullable = true): Field => new Field(name, type, nullable);
  const batch = (fields: Field[], columns: unknown[][]): RecordBatch => {
    const children = columns.map((c, i) => vectorFromArray(c, fields[i]!.type).data[0]!);
    return new RecordBatch(
      new Schema(fields),
      makeData({ type: new Struct(fields), length: columns[0]!.length, nullCount: 0, children }),
    );
  };
  const G = F('g', new Utf8()),
    K = F('k', new Int32()),
    V = F('v', new Int32());

  it('writes: null keys → null-key, missing or mistyped key column → schema-mismatch; nothing committed or left behind', async () => {
    const versions = (await table.transactions()).length;
    const before = tree(outer);
    const cases: [string, string, () => Promise<unknown>][] = [
      [
        'null in the int key',
        'null-key',
        () =>
          table.write(
            batch(
              [G, K, V],
              [
                ['a', 'b'],
                [1, null],
                [1, 2],
              ],
            ),
          ),
      ],
      [
        'null in the string key',
        'null-key',
        () =>
          table.write(
            batch(
              [G, K, V],
              [
                [null, 'b'],
                [1, 2],
                [1, 2],
              ],
            ),
          ),
      ],
      ['all keys null', 'null-key', () => table.write(batch([G, K], [[null], [null]]))],
      [
        'null key in a later batch',
        'null-key',
        () => table.write([batch([G, K, V], [['a'], [5], [1]]), batch([G, K, V], [['b'], [null], [2]])]),
      ],
      [
        'null key in a transaction',
        'null-key',
        async () => {
          const t = await table.txn();
          try {
            await t.write(batch([G, K, V], [['c'], [7], [1]]));
            await t.write(batch([G, K, V], [['c'], [null], [1]]));
          } finally {
            await t.abort();
          }
        },
      ],
      ['missing key column k', 'schema-mismatch', () => table.write(batch([G, V], [['a'], [1]]))],
      ['missing key column g', 'schema-mismatch', () => table.write(batch([K, V], [[1], [1]]))],
      ['no columns but a value', 'schema-mismatch', () => table.write(batch([V], [[1]]))],
      ['k as Int64', 'schema-mismatch', () => table.write(batch([G, F('k', new Int64()), V], [['a'], [1n], [1]]))],
      ['k as Utf8', 'schema-mismatch', () => table.write(batch([G, F('k', new Utf8()), V], [['a'], ['1'], [1]]))],
      ['k as Float64', 'schema-mismatch', () => table.write(batch([G, F('k', new Float64()), V], [['a'], [1.5], [1]]))],
      ['g as Int32', 'schema-mismatch', () => table.write(batch([F('g', new Int32()), K, V], [[1], [1], [1]]))],
      [
        'v with another type than stored',
        'schema-mismatch',
        () => table.write(batch([G, K, F('v', new Utf8())], [['a'], [1], ['x']])),
      ],
    ];
    for (const [name, code, call] of cases) expect(await codeOf(call), name).toBe(code);
    expect((await table.transactions()).length).toBe(versions);
    expect(tree(outer).filter((f) => !f.startsWith('root/.gyre-tmp/'))).toEqual(
      before.filter((f) => !f.startsWith('root/.gyre-tmp/')),
    );
    expect((await table.read()).numRows).toBe(2);
  });

  it('deletes and lookups with null or missing key columns', async () => {
    const versions = (await table.transactions()).length;
    const keys = (g: (string | null)[], k: (number | null)[]): ArrowTable =>
      new ArrowTable({ g: vectorFromArray(g, new Utf8()), k: vectorFromArray(k, new Int32()) });
    expect(await codeOf(() => table.delete(keys(['a', null], [1, 2]))), 'delete null g').toBe('null-key');
    expect(await codeOf(() => table.delete(keys(['a'], [null]))), 'delete null k').toBe('null-key');
    expect(await codeOf(() => table.take(keys(['a'], [null]))), 'take null k').toBe('null-key');
    expect(
      await codeOf(() => table.delete(new ArrowTable({ g: vectorFromArray(['a'], new Utf8()) }))),
      'delete without k',
    ).toBe('schema-mismatch');
    expect(
      await codeOf(() => table.take(new ArrowTable({ k: vectorFromArray([1], new Int32()) }))),
      'take without g',
    ).toBe('schema-mismatch');
    // Key tuples given as JavaScript values: a null part is refused with a coded error.
    for (const tuple of [
      ['a', null],
      [null, 1],
      ['a', undefined],
    ]) {
      expect(['null-key', 'invalid-argument'], `delete ${JSON.stringify(tuple)}`).toContain(
        await codeOf(() => table.delete([tuple])),
      );
      expect(['null-key', 'invalid-argument'], `take ${JSON.stringify(tuple)}`).toContain(
        await codeOf(() => table.take([tuple])),
      );
    }
    expect(await codeOf(() => table.delete([['a']])), 'a key prefix is not a key').toBe('invalid-argument');
    expect(await codeOf(() => table.delete([['a', 1.5]])), 'a fraction').toBe('invalid-argument');
    expect(await codeOf(() => table.delete([['a', 2 ** 31]])), 'out of Int32 range').toBe('invalid-argument');
    expect((await table.transactions()).length).toBe(versions);
    expect((await table.read()).numRows).toBe(2);
  });

  it('bad key schemas → invalid-key-schema, and no table', async () => {
    const catalog = await db.listTables();
    const before = tree(outer);
    const cases: [string, () => Promise<unknown>][] = [
      ['empty', () => db.createTable('bad1', { keySchema: {} })],
      ['float key', () => db.createTable('bad2', { keySchema: { x: new Float64() } })],
      ['struct key', () => db.createTable('bad3', { keySchema: { s: new Struct([F('a', new Int32())]) } })],
      ['duplicate column', () => db.createTable('bad4', { keySchema: [F('a', new Int32()), F('a', new Utf8())] })],
    ];
    for (const [name, call] of cases) expect(await codeOf(call), name).toBe('invalid-key-schema');
    expect(await db.listTables()).toEqual(catalog);
    expect(tree(outer)).toEqual(before);
  });
});
