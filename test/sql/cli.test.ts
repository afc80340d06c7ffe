/**
 * `gyre sql`: one-shot commands in every output format, and the shell driven through stdin
 * (multi-line statements, dot-commands, errors that do not end the session).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';

import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { sqlCommand, type SqlIO } from '../../cli/sql.js';
import { historyLine, splitStatements, statementComplete } from '../../cli/sql-repl.js';

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
    expect(r.out).toMatch(/Run Time: \d+\.\d{3} s, 1 row$/m);
    expect(r.out).toMatch(/Run Time: \d+\.\d{3} s, 2 rows$/m);
    expect(r.err).toContain('Error [sql-unknown-column]');
    // Nothing after .quit runs.
    expect(r.out.split('Run Time').length - 1).toBe(6);
    expect(() => readFileSync(process.env['GYRE_HISTORY']!)).toThrow(); // no history for a pipe
  });

  it('several statements on a line each print their result; .schema alone shows every table', async () => {
    const r = await run([], "SELECT 1 AS one; SELECT 'b' AS two;\n.mode csv\n.schema\nSELECT 3 AS three; SELECT nope; SELECT 4 AS four;\n");
    expect(r.out).toMatch(/│ +one +│[^]*│ +1 │[^]*│ +two +│[^]*│ b +│/);
    expect(r.out).toContain('table t:\ncolumn_name,column_type,null,key\nk,INTEGER,NO,PRI');
    // An error in one statement does not stop the next.
    expect(r.out).toContain('three\n3');
    expect(r.out).toContain('four\n4');
    expect(r.err).toContain('Error [sql-unknown-column]: 1:8: no column "nope" in scope');
  });

  it('statement ends: a semicolon outside quotes and comments', () => {
    expect(statementComplete('SELECT 1;')).toBe(true);
    expect(statementComplete("SELECT ';'")).toBe(false);
    expect(statementComplete('SELECT 1; -- done')).toBe(true);
    expect(statementComplete('SELECT 1 -- ;')).toBe(false);
    expect(statementComplete('SELECT 1; /* done */')).toBe(true);
    expect(statementComplete('SELECT 1 /* ; */')).toBe(false);
    expect(statementComplete('SELECT 1 /* ;')).toBe(false);
    expect(splitStatements("SELECT 1; SELECT ';' -- x\n;")).toEqual(['SELECT 1', "SELECT ';'"]);
    expect(splitStatements('SELECT 1; SELEC 2;')).toEqual(['SELECT 1; SELEC 2;']);
  });

  it('a multi-line statement is one history line that still runs when recalled', () => {
    const line = historyLine("SELECT k -- the key\n  FROM t -- '--' stays in strings\nWHERE s = '--x';");
    expect(line).toBe("SELECT k /* the key */ FROM t /* '--' stays in strings */ WHERE s = '--x';");
    expect(statementComplete(line)).toBe(true);
    expect(splitStatements(`${line} SELECT 2;`)).toEqual(["SELECT k /* the key */ FROM t /* '--' stays in strings */ WHERE s = '--x'", 'SELECT 2']);
  });
});

describe('gyre sql shell (terminal)', () => {
  it('prompts, recalls history from the history file with the arrow keys, and appends to it', async () => {
    writeFileSync(process.env['GYRE_HISTORY']!, 'SELECT 7 AS seven;\n');
    const input = Object.assign(new PassThrough(), { isTTY: true });
    const output = new PassThrough();
    let echoed = '';
    output.on('data', (b: Buffer) => (echoed += b.toString()));
    const out: string[] = [], err: string[] = [];
    const io: SqlIO = { out: (x) => out.push(x), err: (x) => err.push(x), bytes: () => undefined, input, output };
    const done = sqlCommand([root], io);
    // Up arrow + Enter runs the last line of the history file; a multi-line statement continues at '...>'.
    input.write('\x1b[A\r');
    input.write('SELECT k\r');
    input.write('FROM t WHERE k = 2;\r');
    input.end();
    expect(await done).toBe(0);
    expect(err).toEqual([]);
    expect(out[0]).toMatch(/^gyre SQL shell/);
    expect(out[1]).toMatch(/^catalog .*db: 1 table or dataset/);
    expect(out.join('\n')).toMatch(/│ +seven +│[^]*│ +7 │/);
    expect(out.join('\n')).toMatch(/│ +2 │/);
    expect(echoed).toContain('gyre> ');
    expect(echoed).toContain('   ...> ');
    expect(readFileSync(process.env['GYRE_HISTORY']!, 'utf8')).toBe('SELECT 7 AS seven;\nSELECT 7 AS seven;\nSELECT k FROM t WHERE k = 2;\n');
  });
});
