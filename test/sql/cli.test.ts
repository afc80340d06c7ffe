/**
 * `gyre sql`: one-shot commands in every output format, and the shell driven through stdin
 * (multi-line statements, dot-commands, errors that do not end the session).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';

import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { sqlCommand, type SqlIO } from '../../cli/sql.js';
import { statementComplete } from '../../cli/sql-repl.js';

const dir = mkdtempSync(join(tmpdir(), 'gyre-cli-sql-'));
const root = join(dir, 'db');
process.env['GYRE_HISTORY'] = join(dir, 'history');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[], stdin = ''): Promise<{ code: number; out: string; err: string; bytes: Uint8Array }> {
  const out: string[] = [], err: string[] = [];
  let bytes: Uint8Array = new Uint8Array();
  const io: SqlIO = {
    out: (s) => out.push(s),
    err: (s) => err.push(s),
    bytes: (b) => (bytes = b),
    input: Readable.from([stdin]),
    output: new PassThrough(),
  };
  const code = await sqlCommand([root, ...args], io);
  return { code, out: out.join('\n'), err: err.join('\n'), bytes };
}

beforeAll(async () => {
  expect((await run(['-c', "CREATE TABLE t (k INTEGER PRIMARY KEY, s VARCHAR, x DOUBLE); INSERT INTO t VALUES (1, 'a', 1.5), (2, NULL, 2.0)"])).code).toBe(0);
});

describe('gyre sql -c', () => {
  it('prints an aligned table', async () => {
    const r = await run(['-c', 'SELECT k, s, x FROM t ORDER BY k']);
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      [
        '┌─────────┬─────────┬────────┐',
        '│    k    │    s    │   x    │',
        '│ integer │ varchar │ double │',
        '├─────────┼─────────┼────────┤',
        '│       1 │ a       │    1.5 │',
        '│       2 │ NULL    │    2.0 │',
        '└─────────┴─────────┴────────┘',
      ].join('\n'),
    );
  });

  it('csv, json and arrow', async () => {
    expect((await run(['-c', 'SELECT k, s FROM t ORDER BY k', '--format', 'csv'])).out).toBe('k,s\n1,a\n2,');
    expect((await run(['-c', 'SELECT k, s FROM t ORDER BY k', '--format', 'json'])).out).toBe('{"k":1,"s":"a"}\n{"k":2,"s":null}');
    const a = await run(['-c', 'SELECT k, x FROM t ORDER BY k', '--format', 'arrow']);
    const t = tableFromIPC(a.bytes);
    expect(t.numRows).toBe(2);
    expect(t.getChild('x')!.toArray()).toEqual(new Float64Array([1.5, 2]));
  });

  it('errors exit 1 with code, position and caret', async () => {
    const r = await run(['-c', 'SELECT nope FROM t']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('Error [sql-unknown-column]: 1:8: no column "nope"');
    expect(r.err).toContain('         ^^^^');
  });
});

describe('gyre sql shell (stdin)', () => {
  it('runs multi-line statements and dot-commands, survives errors', async () => {
    const script = ['SELECT k', '  FROM t', '  WHERE k > 1;', '.mode csv', 'SELECT s FROM t ORDER BY k;', 'SELECT bad;', '.tables', '.schema t', '.explain on', 'SELECT k FROM t;', '.explain off', ".mode json", "SELECT 'x;y' AS v;", '.quit', 'SELECT 1;'].join('\n');
    const r = await run([], script);
    expect(r.code).toBe(0);
    expect(r.out).toContain('│       2 │');
    expect(r.out).toContain('s\na\nNULL'.replace('NULL', ''));
    expect(r.out).toContain('name,kind\nt,table');
    expect(r.out).toContain('column_name,column_type,null,key\nk,INTEGER,NO,PRI');
    expect(r.out).toContain('optimized_logical_plan:');
    expect(r.out).toContain('{"v":"x;y"}');
    expect(r.out).toMatch(/Run Time: \d+\.\d{3} s, 1 rows/);
    expect(r.err).toContain('Error [sql-unknown-column]');
    // Nothing after .quit runs.
    expect(r.out.split('Run Time').length - 1).toBe(6);
    expect(() => readFileSync(process.env['GYRE_HISTORY']!)).toThrow(); // no history for a pipe
  });

  it('statement ends: a semicolon outside quotes and comments', () => {
    expect(statementComplete('SELECT 1;')).toBe(true);
    expect(statementComplete("SELECT ';'")).toBe(false);
    expect(statementComplete('SELECT 1; -- done')).toBe(true);
    expect(statementComplete('SELECT 1 -- ;')).toBe(false);
  });
});
