import { describe, expect, test } from 'vitest';

import { expr, expectRoundTrip } from './helpers.js';

describe('precedence', () => {
  test('OR < AND < NOT < comparison', () => {
    expect(expr`a OR b AND NOT c = d`).toMatchInlineSnapshot(
      `"(binary or (column a) (binary and (column b) (unary not (binary "=" (column c) (column d)))))"`,
    );
    expect(expr`NOT a IS NULL`).toMatchInlineSnapshot(`"(unary not (is-null (column a)))"`);
    expect(expr`NOT NOT a`).toMatchInlineSnapshot(`"(unary not (unary not (column a)))"`);
  });

  test('comparison < || < + - < * / % (left to right within a level)', () => {
    expect(expr`a = b || c + d * e`).toMatchInlineSnapshot(
      `"(binary "=" (column a) (binary || (column b) (binary + (column c) (binary * (column d) (column e)))))"`,
    );
    expect(expr`a - b - c`).toMatchInlineSnapshot(`"(binary - (binary - (column a) (column b)) (column c))"`);
    expect(expr`a / b * c % d`).toMatchInlineSnapshot(
      `"(binary % (binary * (binary / (column a) (column b)) (column c)) (column d))"`,
    );
    expect(expr`a * b + c * d || e`).toMatchInlineSnapshot(
      `"(binary || (binary + (binary * (column a) (column b)) (binary * (column c) (column d))) (column e))"`,
    );
    expect(expr`(a + b) * c`).toMatchInlineSnapshot(`"(binary * (binary + (column a) (column b)) (column c))"`);
  });

  test('unary minus < :: < member access and indexing', () => {
    expect(expr`-x::INT`).toMatchInlineSnapshot(`"(unary - (cast (column x) (simple-type INT)))"`);
    expect(expr`- -x`).toMatchInlineSnapshot(`"(unary - (unary - (column x)))"`);
    expect(expr`-a * b`).toMatchInlineSnapshot(`"(binary * (unary - (column a)) (column b))"`);
    expect(expr`f(x).a[1].b`).toMatchInlineSnapshot(
      `"(field (index (field (call f args=[(column x)]) a) (number 1)) b)"`,
    );
    expect(expr`a.b.c[2]`).toMatchInlineSnapshot(`"(index (column a.b.c) (number 2))"`);
    expect(expr`(a).b`).toMatchInlineSnapshot(`"(field (column a) b)"`);
  });

  test('predicates chain left to right at one level', () => {
    expect(expr`a = b IS NULL`).toMatchInlineSnapshot(`"(is-null (binary "=" (column a) (column b)))"`);
    expect(expr`a BETWEEN 1 AND 2 AND b`).toMatchInlineSnapshot(
      `"(binary and (between (column a) low=(number 1) high=(number 2)) (column b))"`,
    );
    expect(expr`a BETWEEN b + 1 AND c * 2`).toMatchInlineSnapshot(
      `"(between (column a) low=(binary + (column b) (number 1)) high=(binary * (column c) (number 2)))"`,
    );
  });
});

describe('literals and parameters', () => {
  test('numbers, strings, booleans, null', () => {
    expect(expr`1, 1.5, .5, 1e5, 2.5E-3`).toMatchInlineSnapshot(
      `"(number 1) (number 1.5) (number .5) (number 1e5) (number 2.5E-3)"`,
    );
    expect(expr`'it''s'`).toMatchInlineSnapshot(`"(string it's)"`);
    expect(expr`TRUE`).toMatchInlineSnapshot(`"(boolean true)"`);
    expect(expr`NULL`).toMatchInlineSnapshot(`"(null)"`);
  });

  test('typed literals are constant casts', () => {
    expect(expr`DATE '2024-01-01'`).toMatchInlineSnapshot(`"(cast (string 2024-01-01) (simple-type DATE))"`);
    expect(expr`TIMESTAMP '2024-01-01 10:00:00'`).toMatchInlineSnapshot(
      `"(cast (string "2024-01-01 10:00:00") (simple-type TIMESTAMP))"`,
    );
  });

  test('intervals', () => {
    expect(expr`INTERVAL '3 days'`).toMatchInlineSnapshot(`"(interval "3 days")"`);
    expect(expr`INTERVAL 3 DAY`).toMatchInlineSnapshot(`"(interval 3 day)"`);
    expect(expr`INTERVAL '2' HOURS`).toMatchInlineSnapshot(`"(interval 2 hour)"`);
    expect(expr`d + INTERVAL '1' MONTH`).toMatchInlineSnapshot(`"(binary + (column d) (interval 1 month))"`);
  });

  test('parameters: $n, or ? numbered in order', () => {
    expect(expr`$2 + $1`).toMatchInlineSnapshot(`"(binary + (parameter 2) (parameter 1))"`);
    expect(expr`? + ?`).toMatchInlineSnapshot(`"(binary + (parameter 1) (parameter 2))"`);
  });

  test('list literals', () => {
    expect(expr`[1, 2, 3]`).toMatchInlineSnapshot(`"(array [(number 1) (number 2) (number 3)])"`);
    expect(expr`[]`).toMatchInlineSnapshot(`"(array)"`);
  });
});

describe('names', () => {
  test('quoted names keep their text; non-reserved keywords are names', () => {
    expect(expr`"Select"."a""b"`).toMatchInlineSnapshot(`"(column Select."a\\"b")"`);
    expect(expr`date + first + key + range`).toMatchInlineSnapshot(
      `"(binary + (binary + (binary + (column date) (column first)) (column key)) (column range))"`,
    );
  });
});

describe('predicates', () => {
  test('IS [NOT] NULL, IS [NOT] DISTINCT FROM', () => {
    expect(expr`a IS NOT NULL`).toMatchInlineSnapshot(`"(is-null (column a) negated)"`);
    expect(expr`a IS DISTINCT FROM b`).toMatchInlineSnapshot(`"(is-distinct-from (column a) (column b))"`);
    expect(expr`a IS NOT DISTINCT FROM b`).toMatchInlineSnapshot(`"(is-distinct-from (column a) (column b) negated)"`);
  });

  test('[NOT] BETWEEN, [NOT] LIKE / ILIKE [ESCAPE]', () => {
    expect(expr`a NOT BETWEEN 1 AND 2`).toMatchInlineSnapshot(
      `"(between (column a) low=(number 1) high=(number 2) negated)"`,
    );
    expect(expr`s LIKE 'a!%%' ESCAPE '!'`).toMatchInlineSnapshot(`"(like (column s) (string a!%%) escape=(string !))"`);
    expect(expr`s NOT ILIKE 'abc%'`).toMatchInlineSnapshot(`"(like (column s) (string abc%) negated caseInsensitive)"`);
  });

  test('IN lists and subqueries, EXISTS, scalar subqueries', () => {
    expect(expr`a IN (1, 2)`).toMatchInlineSnapshot(`"(in-list (column a) list=[(number 1) (number 2)])"`);
    expect(expr`a NOT IN (SELECT b FROM t)`).toMatchInlineSnapshot(
      `"(in-subquery (column a) (query (select [(expr-item (column b))] from=[(table t)])) negated)"`,
    );
    expect(expr`a IN ((SELECT 1) UNION (SELECT 2))`).toMatchInlineSnapshot(
      `"(in-subquery (column a) (query (set-operation union (query (select [(expr-item (number 1))])) (query (select [(expr-item (number 2))])))))"`,
    );
    expect(expr`a IN ((SELECT 1), 2)`).toMatchInlineSnapshot(
      `"(in-list (column a) list=[(subquery (query (select [(expr-item (number 1))]))) (number 2)])"`,
    );
    expect(expr`NOT EXISTS (SELECT 1 FROM t WHERE t.a = u.a)`).toMatchInlineSnapshot(
      `"(unary not (exists (query (select [(expr-item (number 1))] from=[(table t)] where=(binary "=" (column t.a) (column u.a))))))"`,
    );
    expect(expr`(SELECT max(a) FROM t) + 1`).toMatchInlineSnapshot(
      `"(binary + (subquery (query (select [(expr-item (call max args=[(column a)]))] from=[(table t)]))) (number 1))"`,
    );
    expect(expr`((SELECT 1) + 1)`).toMatchInlineSnapshot(
      `"(binary + (subquery (query (select [(expr-item (number 1))]))) (number 1))"`,
    );
  });
});

describe('CASE and CAST', () => {
  test('simple and searched CASE', () => {
    expect(expr`CASE x WHEN 1 THEN 'one' WHEN 2 THEN 'two' ELSE 'many' END`).toMatchInlineSnapshot(
      `"(case (column x) whens=[((number 1) (string one)) ((number 2) (string two))] else=(string many))"`,
    );
    expect(expr`CASE WHEN a > 0 THEN a END`).toMatchInlineSnapshot(
      `"(case whens=[((binary > (column a) (number 0)) (column a))])"`,
    );
  });

  test('CAST, TRY_CAST and ::', () => {
    expect(expr`CAST(a AS BIGINT)`).toMatchInlineSnapshot(`"(cast (column a) (simple-type BIGINT))"`);
    expect(expr`TRY_CAST(a AS DATE)`).toMatchInlineSnapshot(`"(cast (column a) (simple-type DATE) try)"`);
    expect(expr`a::VARCHAR::INT`).toMatchInlineSnapshot(
      `"(cast (cast (column a) (simple-type VARCHAR)) (simple-type INT))"`,
    );
  });

  test('type names', () => {
    expect(expr`x::DECIMAL(12, 2)`).toMatchInlineSnapshot(`"(cast (column x) (simple-type DECIMAL [12 2]))"`);
    expect(expr`x::varchar(10)`).toMatchInlineSnapshot(`"(cast (column x) (simple-type VARCHAR [10]))"`);
    expect(expr`x::DOUBLE PRECISION`).toMatchInlineSnapshot(`"(cast (column x) (simple-type DOUBLE))"`);
    expect(expr`x::TIMESTAMP WITH TIME ZONE`).toMatchInlineSnapshot(
      `"(cast (column x) (simple-type "TIMESTAMP WITH TIME ZONE"))"`,
    );
    expect(expr`x::TIMESTAMP WITHOUT TIME ZONE`).toMatchInlineSnapshot(`"(cast (column x) (simple-type TIMESTAMP))"`);
    expect(expr`x::INTEGER[]`).toMatchInlineSnapshot(`"(cast (column x) (list-type (simple-type INTEGER)))"`);
    expect(expr`x::FLOAT[3][]`).toMatchInlineSnapshot(
      `"(cast (column x) (list-type (array-type (simple-type FLOAT) size=3)))"`,
    );
    expect(expr`x::LIST(VARCHAR)`).toMatchInlineSnapshot(`"(cast (column x) (list-type (simple-type VARCHAR)))"`);
    expect(expr`x::STRUCT(a INT, "b c" STRUCT(d DOUBLE))`).toMatchInlineSnapshot(
      `"(cast (column x) (struct-type [(a (simple-type INT)) ("b c" (struct-type [(d (simple-type DOUBLE))]))]))"`,
    );
    expect(expr`x::MAP(VARCHAR, INT[])`).toMatchInlineSnapshot(
      `"(cast (column x) (map-type key=(simple-type VARCHAR) (list-type (simple-type INT))))"`,
    );
  });
});

describe('function calls', () => {
  test('arguments, DISTINCT, count(*), named arguments', () => {
    expect(expr`coalesce(a, b, 0)`).toMatchInlineSnapshot(`"(call coalesce args=[(column a) (column b) (number 0)])"`);
    expect(expr`count(*)`).toMatchInlineSnapshot(`"(call count star)"`);
    expect(expr`count(DISTINCT a)`).toMatchInlineSnapshot(`"(call count args=[(column a)] distinct)"`);
    expect(expr`now()`).toMatchInlineSnapshot(`"(call now)"`);
    expect(expr`timeline(fps => 10, stop => clips.duration)`).toMatchInlineSnapshot(
      `"(call timeline args=[(fps (number 10)) (stop (column clips.duration))])"`,
    );
    expect(expr`left(s, 2) || right(s, 2)`).toMatchInlineSnapshot(
      `"(binary || (call left args=[(column s) (number 2)]) (call right args=[(column s) (number 2)]))"`,
    );
  });

  test('ORDER BY inside aggregates, FILTER', () => {
    expect(expr`string_agg(name, ', ' ORDER BY name DESC)`).toMatchInlineSnapshot(
      `"(call string_agg args=[(column name) (string ", ")] orderBy=[(order-item (column name) direction=desc)])"`,
    );
    expect(expr`sum(x) FILTER (WHERE x > 0)`).toMatchInlineSnapshot(
      `"(call sum args=[(column x)] filter=(binary > (column x) (number 0)))"`,
    );
  });

  test('extract(field FROM …) and substring(… FROM … FOR …)', () => {
    expect(expr`extract(year FROM d)`).toMatchInlineSnapshot(`"(call date_part args=[(string year) (column d)])"`);
    expect(expr`substring(s FROM 2 FOR 3)`).toMatchInlineSnapshot(
      `"(call substring args=[(column s) (number 2) (number 3)])"`,
    );
    expect(expr`substring(s, 2)`).toMatchInlineSnapshot(`"(call substring args=[(column s) (number 2)])"`);
  });

  test('window functions', () => {
    expect(expr`row_number() OVER ()`).toMatchInlineSnapshot(`"(call row_number over=(window))"`);
    expect(expr`sum(x) OVER (PARTITION BY a, b ORDER BY c DESC NULLS LAST)`).toMatchInlineSnapshot(
      `"(call sum args=[(column x)] over=(window partitionBy=[(column a) (column b)] orderBy=[(order-item (column c) direction=desc nulls=last)]))"`,
    );
    expect(expr`avg(x) OVER (ORDER BY t ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)`).toMatchInlineSnapshot(
      `"(call avg args=[(column x)] over=(window orderBy=[(order-item (column t))] frame=(frame rows start=(preceding offset=(number 2)) end=(current-row))))"`,
    );
    expect(
      expr`sum(x) OVER (ORDER BY t RANGE BETWEEN INTERVAL '1' DAY PRECEDING AND UNBOUNDED FOLLOWING)`,
    ).toMatchInlineSnapshot(
      `"(call sum args=[(column x)] over=(window orderBy=[(order-item (column t))] frame=(frame range start=(preceding offset=(interval 1 day)) end=(unbounded-following))))"`,
    );
    expect(expr`count(*) OVER (ROWS UNBOUNDED PRECEDING)`).toMatchInlineSnapshot(
      `"(call count star over=(window frame=(frame rows start=(unbounded-preceding))))"`,
    );
    expect(expr`rank() OVER w`).toMatchInlineSnapshot(`"(call rank over=(window base=w))"`);
    expect(expr`rank() OVER (w ORDER BY x)`).toMatchInlineSnapshot(
      `"(call rank over=(window base=w orderBy=[(order-item (column x))]))"`,
    );
  });
});

test('every expression above prints and parses back to the same AST', () => {
  const texts = [
    'a OR b AND NOT c = d',
    'NOT a IS NULL',
    'a = b || c + d * e',
    'a - (b - c)',
    '-x::INT',
    '- -x',
    'f(x).a[1].b',
    '(a).b',
    '(1).b',
    "'s'.b",
    'a = b IS NULL',
    'a BETWEEN (b = c) AND d',
    "INTERVAL '3' DAY",
    '? + ?',
    '[1, [2]]',
    '"Select"."a""b"',
    'date + first',
    "s NOT ILIKE 'a' ESCAPE '!'",
    'a IN ((SELECT 1) UNION (SELECT 2))',
    'CASE x WHEN 1 THEN 2 END',
    'x::STRUCT(a INT, "b c" MAP(VARCHAR, INT[3]))',
    'count(DISTINCT a ORDER BY b)',
    'sum(x) FILTER (WHERE x > 0) OVER (w PARTITION BY a ROWS 3 PRECEDING)',
    'extract(year FROM d)',
    'NOT (a AND b)',
    '(NOT a) = b',
    '-(a + b)',
    'CAST(a + b AS INT)[1]',
    'x::TIMESTAMP(3) WITH TIME ZONE[]',
  ];
  for (const t of texts) expectRoundTrip(`SELECT ${t}`);
});
