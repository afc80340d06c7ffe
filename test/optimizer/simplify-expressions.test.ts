import { describe, expect, it } from 'vitest';

import { formatScalar } from '../../logical/display.js';
import * as b from '../../logical/plan-build.js';
import type { Scalar } from '../../logical/plan.js';
import { envOf, simplifyPredicate, simplifyScalar } from '../../optimizer/expr/simplify.js';
import { simplifyExpressions } from '../../optimizer/rules/simplify-expressions.js';
import { applyRule, bool, call, col, customers, f64, i32, items, lit, orders, planText, utf8 } from './helpers.js';

const o = orders();
const env = envOf(o.schema);
const value = (s: Scalar): string => formatScalar(simplifyScalar(s, env));
const pred = (s: Scalar): string => formatScalar(simplifyPredicate(s, env));
const total = col(o, 'o_total'), cust = col(o, 'o_cust'), status = col(o, 'o_status'), id = col(o, 'o_id');

describe('simplify-expressions: expressions', () => {
  it('folds constants with the kernels\' semantics', () => {
    expect(value(call('+', [lit(1), call('*', [lit(2), lit(3)])]))).toBe('7');
    expect(value(call('+', [lit(2 ** 31 - 1), lit(1)]))).toBe('(2147483647 + 1)'); // overflows at run time, as the kernel would
    expect(value(call('+', [lit(2n ** 31n - 1n), lit(1n)]))).toBe('2147483648'); // BIGINT does not overflow
    expect(value(call('/', [lit(1), lit(0)]))).toBe('NULL');
    expect(value(call('%', [lit(-7), lit(2)]))).toBe('-1');
    expect(value(call('+', [cust, lit(null, i32)]))).toBe('NULL'); // strict function of a NULL
    expect(value(call('=', [lit('a'), lit('b')]))).toBe('false');
    expect(value(call('<', [lit('Z'), lit('a')]))).toBe('true');
    expect(value(call('is_distinct_from', [lit(null, i32), lit(1)]))).toBe('true');
    const badCast: Scalar = { kind: 'cast', arg: lit('abc'), type: i32, safe: false };
    expect(value(badCast)).toBe("CAST('abc' AS INTEGER)"); // fails at run time, if a row reaches it
    expect(value(b.cast(lit(null, utf8), i32))).toBe('NULL');
  });

  it('simplifies boolean logic under three-valued semantics', () => {
    const p = call('>', [total, lit(1.5)]);
    expect(value(b.and(p, lit(true)))).toBe('(o_total > 1.5)');
    expect(value(b.or(p, lit(false)))).toBe('(o_total > 1.5)');
    expect(value(b.and(p, lit(false)))).toBe('false'); // NULL AND FALSE is FALSE too
    expect(value(b.or(p, lit(true)))).toBe('true');
    expect(value(b.not(b.not(p)))).toBe('(o_total > 1.5)');
    expect(value(b.not(call('<', [total, lit(1.5)])))).toBe('(o_total >= 1.5)');
    expect(value(b.not(call('is_null', [total])))).toBe('(o_total IS NOT NULL)');
    expect(value(b.and(p, b.and(p, call('=', [status, lit('x')]))))).toBe("((o_total > 1.5) AND (o_status = 'x'))");
    // not legal outside a predicate: x AND NULL is NULL or FALSE, x OR NULL is NULL or TRUE
    expect(value(b.and(p, lit(null, bool)))).toBe('((o_total > 1.5) AND NULL)');
    expect(value(b.or(p, lit(null, bool)))).toBe('((o_total > 1.5) OR NULL)');
    expect(value(call('=', [total, total]))).toBe('(o_total = o_total)'); // NULL when o_total is NULL
  });

  it('in a predicate NULL rejects like FALSE', () => {
    const p = call('>', [total, lit(1.5)]);
    expect(pred(b.and(p, lit(null, bool)))).toBe('false');
    expect(pred(b.or(p, lit(null, bool)))).toBe('(o_total > 1.5)');
    expect(pred(call('>', [total, lit(null, f64)]))).toBe('false');
  });

  it('uses column nullability, CASE, COALESCE and IN on constants', () => {
    expect(value(call('is_null', [id]))).toBe('false');
    expect(value(call('is_not_null', [id]))).toBe('true');
    expect(value(call('coalesce', [lit(null, i32), cust, lit(0), cust]))).toBe('coalesce(o_cust, 0)');
    expect(value(call('coalesce', [id, lit(5n)]))).toBe('o_id');
    expect(value(b.caseWhen([{ when: lit(false), then: lit(1) }, { when: call('>', [cust, lit(1)]), then: lit(2) }, { when: lit(true), then: lit(3) }], lit(4)))).toBe('CASE WHEN (o_cust > 1) THEN 2 ELSE 3 END');
    expect(value(b.caseWhen([{ when: lit(null, bool), then: lit(1) }], lit(2)))).toBe('2');
    expect(value(b.inList(cust, [lit(7)]))).toBe('(o_cust = 7)');
    expect(value(b.inList(lit(3), [lit(1), lit(null, i32)]))).toBe('NULL');
    expect(value(b.inList(lit(3), [lit(1), lit(3)], true))).toBe('false');
  });
});

describe('simplify-expressions: casts in comparisons', () => {
  it('unwraps a widening integer cast compared with a constant that fits (so storage sees column op constant)', () => {
    const widened = b.cast(cust, b.lit(1n).type);
    expect(value(call('=', [widened, lit(5n)]))).toBe('(o_cust = 5)');
    expect(value(call('<', [lit(5n), widened]))).toBe('(o_cust > 5)');
    expect(value(call('=', [widened, lit(2n ** 40n)]))).toBe('(CAST(o_cust AS BIGINT) = 1099511627776)'); // does not fit: left alone
    expect(value(call('=', [b.cast(cust, f64), lit(2.5)]))).toBe('(CAST(o_cust AS DOUBLE) = 2.5)'); // not an integer cast
  });
});

describe('simplify-expressions: plans', () => {
  it('folds a filter predicate, drops Filter(true), merges filters', () => {
    const f1 = b.filter(o, b.not(b.not(call('=', [status, lit('open')]))));
    const f2 = b.filter(f1, b.and(call('>', [col(f1, 'o_total'), call('+', [lit(1), lit(2)])]), lit(true)));
    const f3 = b.filter(f2, call('is_not_null', [col(f2, 'o_id')]));
    expect(planText(f3)).toMatchInlineSnapshot(`
      "Filter predicate=(o_id IS NOT NULL)
        Filter predicate=((o_total > CAST((1 + 2) AS DOUBLE)) AND true)
          Filter predicate=(NOT (NOT (o_status = 'open')))
            TableScan table=shop.orders columns=[o_id, o_cust, o_total, o_status, o_date]"
    `);
    expect(applyRule(simplifyExpressions, f3)).toMatchInlineSnapshot(`
      "Filter predicate=((o_status = 'open') AND (o_total > 3))
        TableScan table=shop.orders columns=[o_id, o_cust, o_total, o_status, o_date]"
    `);
  });

  it('turns Filter(false), Filter(NULL) and a false scan filter into an empty relation', () => {
    expect(applyRule(simplifyExpressions, b.filter(o, b.and(call('>', [total, lit(1)]), lit(false))))).toMatchInlineSnapshot(`"Values columns=[o_id, o_cust, o_total, o_status, o_date] rows=0"`);
    expect(applyRule(simplifyExpressions, b.filter(o, call('=', [cust, lit(null, i32)])))).toMatchInlineSnapshot(`"Values columns=[o_id, o_cust, o_total, o_status, o_date] rows=0"`);
    expect(applyRule(simplifyExpressions, orders([call('<', [lit(2), lit(1)])]))).toMatchInlineSnapshot(`"Values columns=[o_id, o_cust, o_total, o_status, o_date] rows=0"`);
  });

  it('merges projects unless a computed expression would be computed twice', () => {
    const p1 = b.project(o, [b.named('x', call('*', [total, lit(2)])), b.named('c', cust)]);
    const once = b.project(p1, [b.named('y', call('+', [col(p1, 'x'), lit(1)])), b.named('c2', col(p1, 'c')), b.named('c3', col(p1, 'c'))]);
    expect(applyRule(simplifyExpressions, once)).toMatchInlineSnapshot(`
      "Project exprs=[((o_total * 2) + 1) AS y, o_cust AS c2, o_cust AS c3]
        TableScan table=shop.orders columns=[o_id, o_cust, o_total, o_status, o_date]"
    `);
    const twice = b.project(p1, [b.named('y', call('+', [col(p1, 'x'), col(p1, 'x')]))]);
    expect(applyRule(simplifyExpressions, twice)).toMatchInlineSnapshot(`
      "Project exprs=[(x + x) AS y]
        Project exprs=[(o_total * 2) AS x, o_cust AS c]
          TableScan table=shop.orders columns=[o_id, o_cust, o_total, o_status, o_date]"
    `);
    const r = b.project(o, [b.named('r', call('random', []))]);
    const volatileTwice = b.project(r, [b.named('a', col(r, 'r')), b.named('b', col(r, 'r'))]);
    expect(applyRule(simplifyExpressions, volatileTwice)).toBe(planText(volatileTwice));
  });

  it('simplifies join conditions by join type', () => {
    const c = customers();
    const on = [{ left: col(o, 'o_cust'), right: col(c, 'c_id') }];
    expect(applyRule(simplifyExpressions, b.join('inner', o, c, { on, residual: lit(true) }))).toMatchInlineSnapshot(`
      "Join type=inner on=[o_cust = c_id]
        TableScan table=shop.orders columns=[o_id, o_cust, o_total, o_status, o_date]
        TableScan table=shop.customers columns=[c_id, c_name, c_region, c_vip]"
    `);
    expect(applyRule(simplifyExpressions, b.join('inner', o, c, { on, residual: lit(false) }))).toMatchInlineSnapshot(`"Values columns=[o_id, o_cust, o_total, o_status, o_date, c_id, c_name, c_region, c_vip] rows=0"`);
    expect(applyRule(simplifyExpressions, b.join('anti', o, c, { on, residual: call('<', [lit(2), lit(1)]) }))).toMatchInlineSnapshot(`"TableScan table=shop.orders columns=[o_id, o_cust, o_total, o_status, o_date]"`);
    // a false condition keeps every left row of a left join (NULL-extended): not empty
    expect(applyRule(simplifyExpressions, b.join('left', o, c, { on, residual: lit(false) }))).toMatchInlineSnapshot(`
      "Join type=left on=[o_cust = c_id] residual=false
        TableScan table=shop.orders columns=[o_id, o_cust, o_total, o_status, o_date]
        TableScan table=shop.customers columns=[c_id, c_name, c_region, c_vip]"
    `);
    // a mark join's residual is a predicate too (its NULL marks come from NULL keys): FALSE marks everywhere
    const cond = b.and(call('=', [col(c, 'c_region'), lit('EU')]), lit(null, bool));
    expect(applyRule(simplifyExpressions, b.join('mark', o, c, { on, residual: cond, mark: 'm' }))).toMatchInlineSnapshot(`
      "Project exprs=[o_id, o_cust, o_total, o_status, o_date, false AS m]
        TableScan table=shop.orders columns=[o_id, o_cust, o_total, o_status, o_date]"
    `);
  });

  it('drops FILTER (WHERE true) of aggregates', () => {
    const i = items();
    const a = b.aggregate(i, [], [b.aggregateCall('sum', [col(i, 'i_qty')], 's', { filter: call('=', [lit(1), lit(1)]) })]);
    expect(applyRule(simplifyExpressions, a)).toMatchInlineSnapshot(`
      "Aggregate groups=[] aggs=[sum(i_qty) AS s]
        TableScan table=shop.items columns=[i_order, i_qty, i_price]"
    `);
  });

  it('reports no change on a simplified plan', () => {
    const p = b.filter(o, call('>', [total, lit(1)]));
    const r = simplifyExpressions.rewrite(p, { config: { disabled: new Set(), maxPasses: 1, validate: true }, pass: 1, freshName: (x) => x });
    expect(r.changed).toBe(false);
    expect(r.plan).toBe(p);
  });
});
