import { describe, expect, test } from 'vitest';

import { expectRoundTrip, sql } from './helpers.js';

describe('SELECT', () => {
  test('select list: expressions, aliases with and without AS, DISTINCT', () => {
    expect(sql`SELECT DISTINCT a, b + 1 AS c, d e FROM t`).toMatchInlineSnapshot(
      `"(query (select distinct [(expr-item (column a)) (expr-item (binary + (column b) (number 1)) c) (expr-item (column d) e)] from=[(table t)]))"`,
    );
    expect(sql`SELECT 1`).toMatchInlineSnapshot(`"(query (select [(expr-item (number 1))]))"`);
  });

  test('stars: *, t.*, a.b.*, * EXCLUDE (…)', () => {
    expect(sql`SELECT *, t.*, s.t.* EXCLUDE (a), * EXCLUDE (a, "B") FROM t`).toMatchInlineSnapshot(
      `"(query (select [(star) (star t) (star s.t exclude=[a]) (star exclude=[a B])] from=[(table t)]))"`,
    );
  });

  test('WHERE, GROUP BY (expressions, ordinals, ALL), HAVING, QUALIFY', () => {
    expect(sql`SELECT a, count(*) FROM t WHERE b > 1 GROUP BY a, 2 HAVING count(*) > 1`).toMatchInlineSnapshot(
      `"(query (select [(expr-item (column a)) (expr-item (call count star))] from=[(table t)] where=(binary > (column b) (number 1)) groupBy=(group-by keys=[(column a) (number 2)]) having=(binary > (call count star) (number 1))))"`,
    );
    expect(sql`SELECT a, sum(b) FROM t GROUP BY ALL`).toMatchInlineSnapshot(
      `"(query (select [(expr-item (column a)) (expr-item (call sum args=[(column b)]))] from=[(table t)] groupBy=(group-by-all)))"`,
    );
    expect(sql`SELECT a FROM t QUALIFY row_number() OVER (PARTITION BY a ORDER BY b) = 1`).toMatchInlineSnapshot(
      `"(query (select [(expr-item (column a))] from=[(table t)] qualify=(binary "=" (call row_number over=(window partitionBy=[(column a)] orderBy=[(order-item (column b))])) (number 1))))"`,
    );
  });

  test('named windows', () => {
    expect(
      sql`SELECT sum(x) OVER w, avg(x) OVER (w ROWS 2 PRECEDING) FROM t WINDOW w AS (PARTITION BY a ORDER BY b), v AS (w)`,
    ).toMatchInlineSnapshot(
      `"(query (select [(expr-item (call sum args=[(column x)] over=(window base=w))) (expr-item (call avg args=[(column x)] over=(window base=w frame=(frame rows start=(preceding offset=(number 2))))))] from=[(table t)] windows=[(named-window w (window partitionBy=[(column a)] orderBy=[(order-item (column b))])) (named-window v (window base=w))]))"`,
    );
  });

  test('ORDER BY with directions and NULLS, LIMIT / OFFSET in either order', () => {
    expect(
      sql`SELECT a FROM t ORDER BY a DESC NULLS FIRST, b ASC, c NULLS LAST LIMIT 10 OFFSET 20`,
    ).toMatchInlineSnapshot(
      `"(query (select [(expr-item (column a))] from=[(table t)]) orderBy=[(order-item (column a) direction=desc nulls=first) (order-item (column b) direction=asc) (order-item (column c) nulls=last)] limit=(number 10) offset=(number 20))"`,
    );
    expect(sql`SELECT a FROM t OFFSET 5 LIMIT $1`).toMatchInlineSnapshot(
      `"(query (select [(expr-item (column a))] from=[(table t)]) limit=(parameter 1) offset=(number 5))"`,
    );
    expect(sql`SELECT a FROM t OFFSET 5`).toMatchInlineSnapshot(
      `"(query (select [(expr-item (column a))] from=[(table t)]) offset=(number 5))"`,
    );
  });

  test('VALUES as a query', () => {
    expect(sql`VALUES (1, 'a'), (2, 'b')`).toMatchInlineSnapshot(
      `"(query (values [[(number 1) (string a)] [(number 2) (string b)]]))"`,
    );
  });
});

describe('WITH and set operations', () => {
  test('several CTEs with column lists; RECURSIVE', () => {
    expect(sql`WITH a (x, y) AS (SELECT 1, 2), b AS (SELECT x FROM a) SELECT * FROM b`).toMatchInlineSnapshot(
      `"(query with=[(cte a columns=[x y] (query (select [(expr-item (number 1)) (expr-item (number 2))]))) (cte b (query (select [(expr-item (column x))] from=[(table a)])))] (select [(star)] from=[(table b)]))"`,
    );
    expect(
      sql`WITH RECURSIVE r AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r WHERE n < 10) SELECT n FROM r`,
    ).toMatchInlineSnapshot(
      `"(query with=[(cte r (query (set-operation union all (select [(expr-item (number 1) n)]) (select [(expr-item (binary + (column n) (number 1)))] from=[(table r)] where=(binary < (column n) (number 10))))))] recursive (select [(expr-item (column n))] from=[(table r)]))"`,
    );
    expect(sql`WITH recursive AS (SELECT 1) SELECT * FROM recursive`).toMatchInlineSnapshot(
      `"(query with=[(cte recursive (query (select [(expr-item (number 1))])))] (select [(star)] from=[(table recursive)]))"`,
    );
  });

  test('INTERSECT binds tighter than UNION and EXCEPT, which go left to right', () => {
    expect(sql`SELECT 1 UNION SELECT 2 INTERSECT SELECT 3`).toMatchInlineSnapshot(
      `"(query (set-operation union (select [(expr-item (number 1))]) (set-operation intersect (select [(expr-item (number 2))]) (select [(expr-item (number 3))]))))"`,
    );
    expect(sql`SELECT 1 EXCEPT SELECT 2 UNION ALL SELECT 3`).toMatchInlineSnapshot(
      `"(query (set-operation union all (set-operation except (select [(expr-item (number 1))]) (select [(expr-item (number 2))])) (select [(expr-item (number 3))])))"`,
    );
    expect(sql`SELECT 1 INTERSECT ALL SELECT 2 INTERSECT DISTINCT SELECT 3`).toMatchInlineSnapshot(
      `"(query (set-operation intersect (set-operation intersect all (select [(expr-item (number 1))]) (select [(expr-item (number 2))])) (select [(expr-item (number 3))])))"`,
    );
  });

  test('parenthesised queries keep their ORDER BY / LIMIT; the outer ones apply to the whole', () => {
    expect(sql`(SELECT a FROM t ORDER BY a LIMIT 1) UNION (SELECT b FROM u) ORDER BY 1 LIMIT 5`).toMatchInlineSnapshot(
      `"(query (set-operation union (query (select [(expr-item (column a))] from=[(table t)]) orderBy=[(order-item (column a))] limit=(number 1)) (query (select [(expr-item (column b))] from=[(table u)]))) orderBy=[(order-item (number 1))] limit=(number 5))"`,
    );
    expect(sql`SELECT 1 UNION (SELECT 2 UNION SELECT 3)`).toMatchInlineSnapshot(
      `"(query (set-operation union (select [(expr-item (number 1))]) (query (set-operation union (select [(expr-item (number 2))]) (select [(expr-item (number 3))])))))"`,
    );
    expect(sql`((SELECT 1))`).toMatchInlineSnapshot(`"(query (query (query (select [(expr-item (number 1))]))))"`);
  });
});

describe('FROM', () => {
  test('tables, dotted paths, aliases with column lists, comma joins', () => {
    expect(sql`SELECT * FROM t, s.t AS x, recordings.scenes.clips c, u v (a, b)`).toMatchInlineSnapshot(
      `"(query (select [(star)] from=[(table t) (table s.t (alias x)) (table recordings.scenes.clips (alias c)) (table u (alias v columns=[a b]))]))"`,
    );
  });

  test('subqueries with and without aliases', () => {
    expect(sql`SELECT * FROM (SELECT 1 AS a) AS s, (SELECT 2) u (b), (VALUES (1)) v`).toMatchInlineSnapshot(
      `"(query (select [(star)] from=[(subquery-relation (query (select [(expr-item (number 1) a)])) (alias s)) (subquery-relation (query (select [(expr-item (number 2))])) (alias u columns=[b])) (subquery-relation (query (values [[(number 1)]])) (alias v))]))"`,
    );
    expect(sql`SELECT * FROM ((SELECT 1) UNION (SELECT 2)) AS s`).toMatchInlineSnapshot(
      `"(query (select [(star)] from=[(subquery-relation (query (set-operation union (query (select [(expr-item (number 1))])) (query (select [(expr-item (number 2))])))) (alias s))]))"`,
    );
  });

  test('table functions with arguments and aliases', () => {
    expect(
      sql`SELECT * FROM range(10), range(1, 10, 2) AS r (i), duckdb('SELECT 42') d, unnest([1, 2]) AS u (x)`,
    ).toMatchInlineSnapshot(
      `"(query (select [(star)] from=[(table-function range args=[(number 10)]) (table-function range args=[(number 1) (number 10) (number 2)] (alias r columns=[i])) (table-function duckdb args=[(string "SELECT 42")] (alias d)) (table-function unnest args=[(array [(number 1) (number 2)])] (alias u columns=[x]))]))"`,
    );
    expect(
      sql`SELECT * FROM recordings.scenes.clips, timeline(fps => 10, stop => clips.duration) AS tl`,
    ).toMatchInlineSnapshot(
      `"(query (select [(star)] from=[(table recordings.scenes.clips) (table-function timeline args=[(fps (number 10)) (stop (column clips.duration))] (alias tl))]))"`,
    );
  });

  test('joins: inner, left, right, full [outer], cross; ON and USING; left to right', () => {
    expect(
      sql`SELECT * FROM a JOIN b ON a.x = b.x INNER JOIN c USING (y) LEFT OUTER JOIN d ON TRUE`,
    ).toMatchInlineSnapshot(
      `"(query (select [(star)] from=[(join left (join inner (join inner (table a) (table b) condition=(on (binary "=" (column a.x) (column b.x)))) (table c) condition=(using columns=[y])) (table d) condition=(on (boolean true)))]))"`,
    );
    expect(
      sql`SELECT * FROM a RIGHT JOIN b USING (x, y) FULL OUTER JOIN c ON b.z = c.z CROSS JOIN d`,
    ).toMatchInlineSnapshot(
      `"(query (select [(star)] from=[(join cross (join full (join right (table a) (table b) condition=(using columns=[x y])) (table c) condition=(on (binary "=" (column b.z) (column c.z)))) (table d))]))"`,
    );
  });

  test('ASOF [LEFT] JOIN', () => {
    expect(sql`SELECT * FROM trades t ASOF JOIN quotes q ON t.sym = q.sym AND t.ts >= q.ts`).toMatchInlineSnapshot(
      `"(query (select [(star)] from=[(join inner asof (table trades (alias t)) (table quotes (alias q)) condition=(on (binary and (binary "=" (column t.sym) (column q.sym)) (binary ">=" (column t.ts) (column q.ts)))))]))"`,
    );
    expect(sql`SELECT * FROM trades ASOF LEFT JOIN quotes USING (sym, ts)`).toMatchInlineSnapshot(
      `"(query (select [(star)] from=[(join left asof (table trades) (table quotes) condition=(using columns=[sym ts]))]))"`,
    );
  });

  test('parenthesised joins nest', () => {
    expect(sql`SELECT * FROM a LEFT JOIN (b JOIN c ON b.x = c.x) ON a.y = b.y`).toMatchInlineSnapshot(
      `"(query (select [(star)] from=[(join left (table a) (join inner (table b) (table c) condition=(on (binary "=" (column b.x) (column c.x)))) condition=(on (binary "=" (column a.y) (column b.y))))]))"`,
    );
    expect(sql`SELECT * FROM (a CROSS JOIN b)`).toMatchInlineSnapshot(
      `"(query (select [(star)] from=[(join cross (table a) (table b))]))"`,
    );
  });

  test('time travel: AS OF a timestamp or a version, before the alias', () => {
    expect(sql`SELECT * FROM media AS OF TIMESTAMP '2026-11-01 00:00:00' AS m`).toMatchInlineSnapshot(
      `"(query (select [(star)] from=[(table media asOf=(as-of by=timestamp (cast (string "2026-11-01 00:00:00") (simple-type TIMESTAMP))) (alias m))]))"`,
    );
    expect(
      sql`SELECT * FROM example.media AS OF VERSION 3 m JOIN other AS OF now() - INTERVAL '1' DAY o ON m.k = o.k`,
    ).toMatchInlineSnapshot(
      `"(query (select [(star)] from=[(join inner (table example.media asOf=(as-of by=version (number 3)) (alias m)) (table other asOf=(as-of by=timestamp (binary - (call now) (interval 1 day))) (alias o)) condition=(on (binary "=" (column m.k) (column o.k))))]))"`,
    );
  });
});

test('every query above prints and parses back to the same AST', () => {
  const texts = [
    'SELECT DISTINCT a, b + 1 AS c, d e FROM t',
    'SELECT *, t.*, s.t.* EXCLUDE (a), * EXCLUDE (a, "B") FROM t',
    'SELECT a, count(*) FROM t WHERE b > 1 GROUP BY a, 2 HAVING count(*) > 1',
    'SELECT a FROM t GROUP BY ALL WINDOW w AS (ORDER BY a) QUALIFY rank() OVER w = 1',
    'SELECT a FROM t ORDER BY a DESC NULLS FIRST LIMIT 10 OFFSET 20',
    'SELECT a FROM t OFFSET 5 LIMIT $1',
    "VALUES (1, 'a'), (2, 'b')",
    'WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT n FROM r',
    'SELECT 1 UNION SELECT 2 INTERSECT SELECT 3 EXCEPT SELECT 4',
    '(SELECT a FROM t ORDER BY a LIMIT 1) UNION (SELECT b FROM u) ORDER BY 1 LIMIT 5',
    'SELECT 1 UNION (SELECT 2 UNION SELECT 3)',
    '((SELECT 1))',
    'SELECT * FROM (SELECT 1 AS a) AS s, (SELECT 2) u (b), (VALUES (1)) v',
    "SELECT * FROM range(1, 10) AS r (i), duckdb('SELECT 42') d",
    'SELECT * FROM a JOIN b ON a.x = b.x LEFT JOIN (c JOIN d USING (y)) ON TRUE CROSS JOIN e',
    'SELECT * FROM trades t ASOF LEFT JOIN quotes q ON t.ts >= q.ts',
    "SELECT * FROM media AS OF TIMESTAMP '2026-11-01' AS m, t AS OF VERSION 3",
  ];
  for (const t of texts) expectRoundTrip(t);
});
