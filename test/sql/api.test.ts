/**
 * `db.sql(text, params)`: results (schema, Arrow table, batches, rows), parameters bound as
 * values (never spliced into the text), several statements, coded errors with line:column,
 * carets, "did you mean" and several diagnostics, EXPLAIN in every mode.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Database, open, PlanError } from '../../index.js';
import { diagnosticsOf } from '../../parser/diagnostics.js';

let dir: string;
let db: Database;
const sql = async (text: string, params?: unknown[]): Promise<Record<string, unknown>[]> => (await db.sql(text, params)).rows();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gyre-sql-api-'));
  db = await open(dir);
  await sql(`CREATE TABLE people (id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, born DATE, score DOUBLE);
             INSERT INTO people VALUES (1, 'ada', DATE '1815-12-10', 9.5), (2, 'alan', DATE '1912-06-23', 9.0), (3, 'grace', '1906-12-09', NULL)`);
});
afterAll(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('results', () => {
  it('schema, Arrow table, batches and rows', async () => {
    const r = await db.sql('SELECT id, name AS who, born, score * 2 AS s2 FROM people ORDER BY id');
    expect(r.schema.fields.map((f) => `${f.name}:${String(f.type)}`)).toEqual(['id:Int32', 'who:Utf8', 'born:Date32<DAY>', 's2:Float64']);
    const t = await r.toArrow();
    expect(t.numRows).toBe(3);
    let rows = 0;
    for await (const b of r.toRecordBatches()) rows += b.numRows;
    expect(rows).toBe(3);
    expect((await r.rows())[0]).toEqual({ id: 1, who: 'ada', born: new Date('1815-12-10T00:00:00Z'), s2: 19 });
  });

  it('runs every statement and returns the last result; DML returns counts', async () => {
    const r = await db.sql("CREATE TABLE tmp (k VARCHAR PRIMARY KEY); INSERT INTO tmp VALUES ('a'), ('b'); SELECT count(*) AS n FROM tmp");
    expect(await r.rows()).toEqual([{ n: 2n }]);
    expect(await sql("DELETE FROM tmp WHERE k = 'a'")).toEqual([{ count: 1n }]);
  });
});

describe('parameters', () => {
  it('$n and ? are values, never text', async () => {
    expect(await sql('SELECT name FROM people WHERE id = $1 OR name = $2 ORDER BY id', [1, 'grace'])).toEqual([{ name: 'ada' }, { name: 'grace' }]);
    expect(await sql('SELECT name FROM people WHERE score > ? ORDER BY id', [9.2])).toEqual([{ name: 'ada' }]);
    const evil = "x'); DROP TABLE people; --";
    expect(await sql('SELECT $1 AS v', [evil])).toEqual([{ v: evil }]);
    expect(await sql('SELECT count(*) AS n FROM people WHERE name = $1', [evil])).toEqual([{ n: 0n }]);
    expect(await sql('SELECT count(*) AS n FROM people')).toEqual([{ n: 3n }]);
    expect(await sql('SELECT name FROM people WHERE born < $1', [new Date('1900-01-01')])).toEqual([{ name: 'ada' }]);
    expect(await sql('SELECT $1 IS NULL AS z', [null])).toEqual([{ z: true }]);
  });

  it('AS OF a timestamp (a parameter or a literal) reads the version committed then', async () => {
    await sql('CREATE TABLE hist (k INTEGER PRIMARY KEY); INSERT INTO hist VALUES (1)');
    await new Promise((r) => setTimeout(r, 20));
    const between = new Date();
    await new Promise((r) => setTimeout(r, 20));
    await sql('INSERT INTO hist VALUES (2)');
    expect(await sql('SELECT count(*) AS n FROM hist AS OF $1', [between])).toEqual([{ n: 1n }]);
    expect(await sql(`SELECT count(*) AS n FROM hist AS OF TIMESTAMP '${new Date(Date.now() + 60_000).toISOString().replace('T', ' ').slice(0, 19)}'`)).toEqual([{ n: 2n }]);
    expect(await sql('SELECT count(*) AS n FROM hist')).toEqual([{ n: 2n }]);
    await expect(db.sql("SELECT count(*) FROM hist AS OF TIMESTAMP '2000-01-01'")).rejects.toMatchObject({ code: 'snapshot-not-found' });
  });

  it('a missing parameter is an error', async () => {
    await expect(db.sql('SELECT $2', [1])).rejects.toMatchObject({ code: 'sql-invalid' });
  });
});

describe('errors', () => {
  it('carry code, line:column, a caret excerpt and suggestions', async () => {
    const e = await db.sql('SELECT id,\n       nmae\nFROM people').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PlanError);
    expect(e).toMatchObject({ code: 'sql-unknown-column', span: { line: 2, column: 8 } });
    expect((e as Error).message).toBe('2:8: no column "nmae" in scope (did you mean name?)\n         nmae\n         ^^^^');
  });

  it('collect several diagnostics before failing', async () => {
    const e = (await db.sql('SELECT nmae, scor, frobnicate(id) FROM people').catch((x: unknown) => x)) as PlanError;
    expect(e.message.split('\n')[0]).toBe('3 errors in SQL:');
    expect(e.message).toContain('1:8: no column "nmae" in scope (did you mean name?)');
    expect(e.message).toContain('1:14: no column "scor" in scope (did you mean score?)');
    expect(e.message).toContain('1:20: unknown function frobnicate');
    expect((e.details['diagnostics'] as unknown[]).length).toBe(3);
    // Bind diagnostics are the parser's Diagnostic type, with the binder's codes.
    expect(diagnosticsOf(e).map((d) => [d.code, d.span.start.column, d.suggestion ?? null])).toEqual([
      ['sql-unknown-column', 8, 'name'],
      ['sql-unknown-column', 14, 'score'],
      ['sql-unknown-function', 20, null],
    ]);
  });

  it('unknown tables suggest close names; syntax errors come from the parser', async () => {
    await expect(db.sql('SELECT * FROM peple')).rejects.toThrow('no table or collection peple (did you mean people?)');
    await expect(db.sql('SELECT * FORM people')).rejects.toMatchObject({ code: 'sql-syntax' });
  });

  it('constraints', async () => {
    await expect(db.sql('INSERT INTO people (id, name) VALUES (9, NULL)')).rejects.toMatchObject({ code: 'sql-constraint' });
  });
});

describe('EXPLAIN', () => {
  const text = async (q: string): Promise<string> => (await sql(q)).map((r) => String(r['explain'])).join('\n');
  it('plain: logical, optimized and physical plans', async () => {
    const t = await text('EXPLAIN SELECT name FROM people WHERE id > 1');
    expect(t).toContain('logical_plan:');
    expect(t).toContain('optimized_logical_plan:');
    expect(t).toContain('physical_plan:');
    expect(t).toContain('TableScan table=default.default.people');
  });
  it('VERBOSE shows each rule, ANALYZE actual rows, DATA what storage reads', async () => {
    expect(await text('EXPLAIN VERBOSE SELECT name FROM people WHERE id > 1')).toMatch(/logical_plan after push-down-filter|SAME TEXT AS ABOVE|no rule changed/);
    expect(await text('EXPLAIN ANALYZE SELECT name FROM people WHERE id > 1')).toMatch(/TableScan .*\(rows=2,/);
    expect(await text('EXPLAIN DATA SELECT name FROM people WHERE id > 1')).toMatch(/table scan default\.default\.people: \d+ of \d+ fragments/);
  });
  it('DATA for a collection scan shows its forecast', async () => {
    await sql('CREATE DATASET shows (episodes COLLECTION KEY (_id VARCHAR) (title VARCHAR, scenes COLLECTION (line VARCHAR)))');
    await sql("INSERT INTO shows.episodes (_id, title) VALUES ('e1', 'pilot'), ('e2', 'finale')");
    await sql(`INSERT INTO shows.episodes.scenes ("episodes._id", _pos, line) VALUES ('e1', 0, 'hello'), ('e1', 1, 'bye'), ('e2', 0, 'end')`);
    expect(await sql("SELECT title, count(scenes.line) AS n FROM shows.episodes WHERE episodes._id = 'e1'")).toEqual([{ title: 'pilot', n: 2n }]);
    const t = await text("EXPLAIN DATA SELECT title FROM shows.episodes WHERE episodes._id = 'e1'");
    expect(t).toContain('collection scan shows:');
    expect(t).toMatch(/data: \d+ of \d+ fragments/);
  });
});
