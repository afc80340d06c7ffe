import { describe, expect, test } from 'vitest';

import { expectRoundTrip, sql } from './helpers.js';

describe('CREATE', () => {
  test('CREATE TABLE with column constraints and a composite PRIMARY KEY', () => {
    expect(
      sql`CREATE TABLE IF NOT EXISTS example.media (page_url VARCHAR NOT NULL, key BIGINT, price DECIMAL(12, 2) NULL, tags VARCHAR[], meta STRUCT(status INT), PRIMARY KEY (page_url, key))`,
    ).toMatchInlineSnapshot(
      `"(create-table example.media ifNotExists columns=[(column-definition page_url (simple-type VARCHAR) notNull) (column-definition key (simple-type BIGINT)) (column-definition price (simple-type DECIMAL [12 2])) (column-definition tags (list-type (simple-type VARCHAR))) (column-definition meta (struct-type [(status (simple-type INT))]))] primaryKey=[page_url key])"`,
    );
    expect(sql`CREATE TABLE t (id INTEGER PRIMARY KEY, ts TIMESTAMP WITH TIME ZONE)`).toMatchInlineSnapshot(
      `"(create-table t columns=[(column-definition id (simple-type INTEGER) primaryKey) (column-definition ts (simple-type "TIMESTAMP WITH TIME ZONE"))])"`,
    );
  });

  test('CREATE TABLE … AS query', () => {
    expect(sql`CREATE TABLE big AS SELECT * FROM t WHERE x > 10`).toMatchInlineSnapshot(
      `"(create-table-as big (query (select [(star)] from=[(table t)] where=(binary > (column x) (number 10)))))"`,
    );
  });

  test('CREATE DATASET: keyed and positional collections, structs, lists', () => {
    expect(sql`
      CREATE DATASET recordings (
        scenes COLLECTION KEY (_id VARCHAR) (
          location VARCHAR,
          metadata STRUCT(weather VARCHAR, lighting VARCHAR),
          clips COLLECTION KEY (_id VARCHAR) (
            duration DOUBLE,
            frames COLLECTION (rgb BLOB)
          )
        )
      )`).toMatchInlineSnapshot(
      `"(create-dataset recordings [(collection-definition scenes key=(simple-type VARCHAR) [(column-definition location (simple-type VARCHAR)) (column-definition metadata (struct-type [(weather (simple-type VARCHAR)) (lighting (simple-type VARCHAR))])) (collection-definition clips key=(simple-type VARCHAR) [(column-definition duration (simple-type DOUBLE)) (collection-definition frames [(column-definition rgb (simple-type BLOB))])])])])"`,
    );
  });
});

describe('INSERT, DELETE, DROP', () => {
  test('INSERT VALUES, INSERT … SELECT, with and without a column list', () => {
    expect(sql`INSERT INTO t VALUES (1, 'a'), (2, $1)`).toMatchInlineSnapshot(
      `"(insert t (query (values [[(number 1) (string a)] [(number 2) (parameter 1)]])))"`,
    );
    expect(sql`INSERT INTO s.t (a, b) SELECT x, y FROM u`).toMatchInlineSnapshot(
      `"(insert s.t columns=[a b] (query (select [(expr-item (column x)) (expr-item (column y))] from=[(table u)])))"`,
    );
    expect(sql`INSERT INTO t (SELECT * FROM u)`).toMatchInlineSnapshot(
      `"(insert t (query (query (select [(star)] from=[(table u)]))))"`,
    );
    expect(sql`INSERT INTO t (a) (SELECT 1)`).toMatchInlineSnapshot(
      `"(insert t columns=[a] (query (query (select [(expr-item (number 1))]))))"`,
    );
  });

  test('DELETE with and without WHERE', () => {
    expect(sql`DELETE FROM t WHERE a = 1 AND b IN (SELECT b FROM u)`).toMatchInlineSnapshot(
      `"(delete t where=(binary and (binary "=" (column a) (number 1)) (in-subquery (column b) (query (select [(expr-item (column b))] from=[(table u)])))))"`,
    );
    expect(sql`DELETE FROM t`).toMatchInlineSnapshot(`"(delete t)"`);
  });

  test('DROP TABLE / DATASET [IF EXISTS]', () => {
    expect(sql`DROP TABLE IF EXISTS example.media; DROP DATASET recordings`).toMatchInlineSnapshot(`
      "(drop table example.media ifExists)
      (drop dataset recordings)"
    `);
  });
});

describe('EXPLAIN, SHOW, DESCRIBE', () => {
  test('EXPLAIN modes', () => {
    expect(
      sql`EXPLAIN SELECT 1; EXPLAIN VERBOSE SELECT 1; EXPLAIN ANALYZE SELECT 1; EXPLAIN DATA SELECT 1; EXPLAIN DATA ANALYZE DELETE FROM t`,
    ).toMatchInlineSnapshot(`
      "(explain mode=plain (query (select [(expr-item (number 1))])))
      (explain mode=verbose (query (select [(expr-item (number 1))])))
      (explain mode=analyze (query (select [(expr-item (number 1))])))
      (explain mode=data (query (select [(expr-item (number 1))])))
      (explain mode=data-analyze (delete t))"
    `);
  });

  test('SHOW TABLES, DESCRIBE', () => {
    expect(sql`SHOW TABLES; DESCRIBE recordings.scenes`).toMatchInlineSnapshot(`
      "(show-tables)
      (describe recordings.scenes)"
    `);
  });
});

describe('several statements', () => {
  test('separated by semicolons; empty statements are skipped', () => {
    expect(sql`;SELECT 1;; SELECT 2;`).toMatchInlineSnapshot(`
      "(query (select [(expr-item (number 1))]))
      (query (select [(expr-item (number 2))]))"
    `);
    expect(sql``).toMatchInlineSnapshot(`""`);
    expect(sql`-- only a comment
      /* and another */`).toMatchInlineSnapshot(`""`);
  });

  test('keywords are case-insensitive', () => {
    expect(sql`select A from T where B is not null order by A desc limit 1`).toMatchInlineSnapshot(
      `"(query (select [(expr-item (column A))] from=[(table T)] where=(is-null (column B) negated)) orderBy=[(order-item (column A) direction=desc)] limit=(number 1))"`,
    );
  });
});

test('every statement above prints and parses back to the same AST', () => {
  const texts = [
    'CREATE TABLE IF NOT EXISTS example.media (page_url VARCHAR NOT NULL, key BIGINT, price DECIMAL(12, 2), PRIMARY KEY (page_url, key))',
    'CREATE TABLE t (id INTEGER PRIMARY KEY, ts TIMESTAMP WITH TIME ZONE, m MAP(VARCHAR, DOUBLE[]))',
    'CREATE TABLE big AS SELECT * FROM t',
    'CREATE DATASET d (s COLLECTION KEY (_id BIGINT) (a VARCHAR, c COLLECTION (b DOUBLE NOT NULL)))',
    "INSERT INTO t VALUES (1, 'a'), (2, $1)",
    'INSERT INTO t (a) (SELECT 1)',
    'INSERT INTO t (SELECT * FROM u)',
    'DELETE FROM t WHERE a = 1',
    'DROP DATASET IF EXISTS recordings',
    'EXPLAIN DATA ANALYZE SELECT 1',
    'SHOW TABLES',
    'DESCRIBE a.b',
    'SELECT 1; SELECT 2',
  ];
  for (const t of texts) expectRoundTrip(t);
});
