import { describe, expect, test } from 'vitest';

import { formatSql } from '../../parser/format-ast.js';
import { parseSql } from '../../parser/parse.js';
import { expectRoundTrip } from './helpers.js';
import { TPCH_QUERIES } from './tpch-queries.js';

describe('TPC-H', () => {
  test.each(TPCH_QUERIES.map((q, i) => [i + 1, q] as const))('Q%i parses and round-trips', (_, q) => {
    expectRoundTrip(q);
  });

  test('printing is normalised: the printed text prints to itself', () => {
    for (const q of TPCH_QUERIES) {
      const once = formatSql(parseSql(q));
      expect(formatSql(parseSql(once))).toBe(once);
    }
  });

  test('Q1 as printed', () => {
    expect(formatSql(parseSql(TPCH_QUERIES[0]!))).toMatchInlineSnapshot(
      `"SELECT l_returnflag, l_linestatus, sum(l_quantity) AS sum_qty, sum(l_extendedprice) AS sum_base_price, sum(l_extendedprice * (1 - l_discount)) AS sum_disc_price, sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) AS sum_charge, avg(l_quantity) AS avg_qty, avg(l_extendedprice) AS avg_price, avg(l_discount) AS avg_disc, count(*) AS count_order FROM lineitem WHERE l_shipdate <= CAST('1998-12-01' AS DATE) - INTERVAL '90' DAY GROUP BY l_returnflag, l_linestatus ORDER BY l_returnflag, l_linestatus"`,
    );
  });
});

test('the printer quotes names only when it must', () => {
  expect(formatSql(parseSql('SELECT "a", "A b", "select", "x""y", "date", _id FROM "t"'))).toMatchInlineSnapshot(
    `"SELECT a, "A b", "select", "x""y", date, _id FROM t"`,
  );
});
