import { Field } from 'apache-arrow';
import { describe, expect, it } from 'vitest';

import type { JoinType, Plan } from '../../logical/plan.js';
import * as b from '../../logical/plan-build.js';
import { pushDownFilter } from '../../optimizer/rules/push-down-filter/index.js';
import { applyRule, call, col, customers, i32, items, lit, orders, planText } from './helpers.js';

const push = (p: Plan): string => applyRule(pushDownFilter, p);
const o = orders(), c = customers();
const custKey = [{ left: col(o, 'o_cust'), right: col(c, 'c_id') }];
const join = (type: JoinType, opts: b.JoinOptions = { on: custKey }): Plan => b.join(type, o, c, opts);
const gt = (p: Plan, name: string, v: number): ReturnType<typeof call> => call('>', [col(p, name), lit(v)]);
const eqs = (p: Plan, name: string, v: string): ReturnType<typeof call> => call('=', [col(p, name), lit(v)]);

describe('push-down-filter: projects, scans, sort, distinct, limit', () => {
  it('moves conjuncts through a project (columns replaced by their expressions) into the scan', () => {
    const p = b.project(o, [b.named('id', col(o, 'o_id')), b.named('net', call('*', [col(o, 'o_total'), lit(0.8)]))]);
    const f = b.filter(p, b.and(gt(p, 'net', 100), call('<', [col(p, 'id'), lit(10n)])));
    expect(push(f)).toMatchInlineSnapshot(`
      "Project exprs=[o_id AS id, (o_total * 0.8) AS net]
        TableScan table=shop.orders columns=[o_id, o_cust, o_total, o_status, o_date] filters=[((o_total * 0.8) > 100), (o_id < 10)]"
    `);
  });

  it('keeps a conjunct over a volatile projected column above the project', () => {
    const p = b.project(o, [b.named('id', col(o, 'o_id')), b.named('r', call('random', []))]);
    const f = b.filter(p, b.and(call('<', [col(p, 'r'), lit(0.5)]), call('>', [col(p, 'id'), lit(3n)])));
    expect(push(f)).toMatchInlineSnapshot(`
      "Filter predicate=(r < 0.5)
        Project exprs=[o_id AS id, random() AS r]
          TableScan table=shop.orders columns=[o_id, o_cust, o_total, o_status, o_date] filters=[(o_id > 3)]"
    `);
  });

  it('never moves a filter below a limit; moves it below a sort, but not below a top-N sort', () => {
    const lim = b.limit(b.sort(o, [b.sortKey(col(o, 'o_total'))]), 10);
    expect(push(b.filter(lim, gt(lim, 'o_total', 5)))).toMatchInlineSnapshot(`
      "Filter predicate=(o_total > 5)
        Limit limit=10
          Sort keys=[o_total]
            TableScan table=shop.orders columns=[o_id, o_cust, o_total, o_status, o_date]"
    `);
    const s = b.sort(o, [b.sortKey(col(o, 'o_total'))]);
    expect(push(b.filter(s, gt(s, 'o_total', 5)))).toMatchInlineSnapshot(`
      "Sort keys=[o_total]
        TableScan table=shop.orders columns=[o_id, o_cust, o_total, o_status, o_date] filters=[(o_total > 5)]"
    `);
    const topN: Plan = { ...(s as Plan & { kind: 'sort' }), fetch: 10 };
    expect(push(b.filter(topN, gt(topN, 'o_total', 5)))).toMatchInlineSnapshot(`
      "Filter predicate=(o_total > 5)
        Sort keys=[o_total] fetch=10
          TableScan table=shop.orders columns=[o_id, o_cust, o_total, o_status, o_date]"
    `);
  });

  it('moves through distinct and unnest (not on the element column)', () => {
    const d = b.distinct(o);
    expect(push(b.filter(d, eqs(d, 'o_status', 'open')))).toMatchInlineSnapshot(`
      "Distinct
        TableScan table=shop.orders columns=[o_id, o_cust, o_total, o_status, o_date] filters=[(o_status = 'open')]"
    `);
    const u = b.unnest(o, lit([1, 2]), 'e');
    expect(push(b.filter(u, b.and(gt(u, 'e', 1), eqs(u, 'o_status', 'open'))))).toMatchInlineSnapshot(`
      "Filter predicate=(e > 1)
        Unnest list=[1, 2] AS e
          TableScan table=shop.orders columns=[o_id, o_cust, o_total, o_status, o_date] filters=[(o_status = 'open')]"
    `);
  });

  it('does not touch collection scans, values or sources', () => {
    const v = b.values(['a'], [[lit(1)], [lit(2)]]);
    const f = b.filter(v, gt(v, 'a', 1));
    expect(push(f)).toBe(planText(f));
    const cs = b.collectionScan('rec', [{ name: 'x', expr: { kind: 'literal', value: 1 } }], [new Field('x', i32)]);
    const g = b.filter(cs, gt(cs, 'x', 0));
    expect(push(g)).toBe(planText(g));
  });
});

describe('push-down-filter: joins', () => {
  it('inner: each side gets its conjuncts, two-side conjuncts join the condition', () => {
    const j = join('inner');
    const f = b.filter(j, b.and(gt(j, 'o_total', 100), eqs(j, 'c_region', 'EU'), call('<>', [col(j, 'o_status'), col(j, 'c_name')])));
    expect(push(f)).toMatchInlineSnapshot(`
      "Join type=inner on=[o_cust = c_id] residual=(o_status <> c_name)
        TableScan table=shop.orders columns=[o_id, o_cust, o_total, o_status, o_date] filters=[(o_total > 100)]
        TableScan table=shop.customers columns=[c_id, c_name, c_region, c_vip] filters=[(c_region = 'EU')]"
    `);
  });

  it('cross join + equality filters become an inner join on those keys', () => {
    const j = b.join('cross', o, c);
    const f = b.filter(j, b.and(call('=', [col(j, 'c_id'), col(j, 'o_cust')]), call('<', [col(j, 'o_total'), col(j, 'c_id')]), eqs(j, 'c_region', 'EU')));
    expect(push(f)).toMatchInlineSnapshot(`
      "Join type=inner on=[o_cust = c_id] residual=(o_total < CAST(c_id AS DOUBLE))
        TableScan table=shop.orders columns=[o_id, o_cust, o_total, o_status, o_date]
        TableScan table=shop.customers columns=[c_id, c_name, c_region, c_vip] filters=[(c_region = 'EU')]"
    `);
  });

  it('left: a filter on the null-supplying side that keeps NULLs is NOT pushed (stays above)', () => {
    const j = join('left');
    const f = b.filter(j, b.and(call('is_null', [col(j, 'c_region')]), gt(j, 'o_total', 10)));
    expect(push(f)).toMatchInlineSnapshot(`
      "Filter predicate=(c_region IS NULL)
        Join type=left on=[o_cust = c_id]
          TableScan table=shop.orders columns=[o_id, o_cust, o_total, o_status, o_date] filters=[(o_total > 10)]
          TableScan table=shop.customers columns=[c_id, c_name, c_region, c_vip]"
    `);
    const g = b.filter(j, call('=', [call('coalesce', [col(j, 'c_region'), lit('EU')]), lit('EU')]));
    expect(push(g)).toBe(planText(g));
  });

  it('left: a WHERE conjunct rejecting the right side\'s NULLs makes the join inner', () => {
    const j = join('left');
    expect(push(b.filter(j, eqs(j, 'c_region', 'EU')))).toMatchInlineSnapshot(`
      "Join type=inner on=[o_cust = c_id]
        TableScan table=shop.orders columns=[o_id, o_cust, o_total, o_status, o_date]
        TableScan table=shop.customers columns=[c_id, c_name, c_region, c_vip] filters=[(c_region = 'EU')]"
    `);
    expect(push(b.filter(j, b.or(eqs(j, 'c_region', 'EU'), eqs(j, 'c_name', 'x'))))).toMatchInlineSnapshot(`
      "Join type=inner on=[o_cust = c_id]
        TableScan table=shop.orders columns=[o_id, o_cust, o_total, o_status, o_date]
        TableScan table=shop.customers columns=[c_id, c_name, c_region, c_vip] filters=[((c_region = 'EU') OR (c_name = 'x'))]"
    `);
  });

  it('right and full joins: only the preserved side; null rejection strengthens FULL', () => {
    const r = join('right');
    expect(push(b.filter(r, b.and(gt(r, 'c_id', 1), call('is_null', [col(r, 'o_total')]))))).toMatchInlineSnapshot(`
      "Filter predicate=(o_total IS NULL)
        Join type=right on=[o_cust = c_id]
          TableScan table=shop.orders columns=[o_id, o_cust, o_total, o_status, o_date] filters=[(o_cust > 1)]
          TableScan table=shop.customers columns=[c_id, c_name, c_region, c_vip] filters=[(c_id > 1)]"
    `);
    const full = join('full');
    const keepsNulls = b.filter(full, b.and(call('is_null', [col(full, 'o_total')]), call('is_null', [col(full, 'c_name')])));
    expect(push(keepsNulls)).toBe(planText(keepsNulls));
    expect(push(b.filter(full, gt(full, 'o_total', 1)))).toMatchInlineSnapshot(`
      "Join type=left on=[o_cust = c_id]
        TableScan table=shop.orders columns=[o_id, o_cust, o_total, o_status, o_date] filters=[(o_total > 1)]
        TableScan table=shop.customers columns=[c_id, c_name, c_region, c_vip]"
    `);
    expect(push(b.filter(full, eqs(full, 'c_name', 'x')))).toMatchInlineSnapshot(`
      "Join type=right on=[o_cust = c_id]
        TableScan table=shop.orders columns=[o_id, o_cust, o_total, o_status, o_date]
        TableScan table=shop.customers columns=[c_id, c_name, c_region, c_vip] filters=[(c_name = 'x')]"
    `);
    expect(push(b.filter(full, b.and(gt(full, 'o_total', 1), eqs(full, 'c_name', 'x'))))).toMatchInlineSnapshot(`
      "Join type=inner on=[o_cust = c_id]
        TableScan table=shop.orders columns=[o_id, o_cust, o_total, o_status, o_date] filters=[(o_total > 1)]
        TableScan table=shop.customers columns=[c_id, c_name, c_region, c_vip] filters=[(c_name = 'x')]"
    `);
  });

  it('semi/anti/mark/single/asof: left conjuncts only; a mark predicate stays', () => {
    for (const type of ['semi', 'anti', 'single'] as const) {
      const j = join(type);
      expect(push(b.filter(j, gt(j, 'o_total', 1))).split('\n')[0]).toBe(`Join type=${type} on=[o_cust = c_id]`);
    }
    const m = join('mark', { on: custKey, mark: 'has_customer' });
    expect(push(b.filter(m, b.and(gt(m, 'o_total', 1), col(m, 'has_customer'))))).toMatchInlineSnapshot(`
      "Filter predicate=has_customer
        Join type=mark on=[o_cust = c_id] mark=has_customer
          TableScan table=shop.orders columns=[o_id, o_cust, o_total, o_status, o_date] filters=[(o_total > 1)]
          TableScan table=shop.customers columns=[c_id, c_name, c_region, c_vip]"
    `);
    const i = items();
    const a = b.join('asof', o, i, { asof: { left: col(o, 'o_id'), right: col(i, 'i_order'), op: '>=' } });
    expect(push(b.filter(a, b.and(gt(a, 'o_total', 1), gt(a, 'i_qty', 2))))).toMatchInlineSnapshot(`
      "Filter predicate=(i_qty > 2)
        Join type=asof asof=o_id >= i_order
          TableScan table=shop.orders columns=[o_id, o_cust, o_total, o_status, o_date] filters=[(o_total > 1)]
          TableScan table=shop.items columns=[i_order, i_qty, i_price]"
    `);
  });

  it('copies a key-column conjunct to the other side through the equi-join keys where legal', () => {
    const j = join('inner');
    expect(push(b.filter(j, call('=', [col(j, 'o_cust'), lit(7)])))).toMatchInlineSnapshot(`
      "Join type=inner on=[o_cust = c_id]
        TableScan table=shop.orders columns=[o_id, o_cust, o_total, o_status, o_date] filters=[(o_cust = 7)]
        TableScan table=shop.customers columns=[c_id, c_name, c_region, c_vip] filters=[(c_id = 7)]"
    `);
    const l = join('left');
    expect(push(b.filter(l, call('=', [col(l, 'o_cust'), lit(7)])))).toMatchInlineSnapshot(`
      "Join type=left on=[o_cust = c_id]
        TableScan table=shop.orders columns=[o_id, o_cust, o_total, o_status, o_date] filters=[(o_cust = 7)]
        TableScan table=shop.customers columns=[c_id, c_name, c_region, c_vip] filters=[(c_id = 7)]"
    `);
    const anti = join('anti');
    expect(push(b.filter(anti, call('=', [col(anti, 'o_cust'), lit(7)])))).toMatchInlineSnapshot(`
      "Join type=anti on=[o_cust = c_id]
        TableScan table=shop.orders columns=[o_id, o_cust, o_total, o_status, o_date] filters=[(o_cust = 7)]
        TableScan table=shop.customers columns=[c_id, c_name, c_region, c_vip]"
    `);
  });

  it('pushes a join\'s ON conjuncts into the sides its type allows', () => {
    const cond: b.JoinOptions = {
      on: custKey,
      residual: b.and(gt(o, 'o_total', 1), eqs(c, 'c_region', 'EU'), call('=', [col(o, 'o_status'), col(c, 'c_name')])),
    };
    expect(push(b.join('inner', o, c, cond))).toMatchInlineSnapshot(`
      "Join type=inner on=[o_cust = c_id, o_status = c_name]
        TableScan table=shop.orders columns=[o_id, o_cust, o_total, o_status, o_date] filters=[(o_total > 1)]
        TableScan table=shop.customers columns=[c_id, c_name, c_region, c_vip] filters=[(c_region = 'EU')]"
    `);
    // LEFT: an ON conjunct on the left side must stay (failing it keeps the row, NULL-extended)
    expect(push(b.join('left', o, c, cond))).toMatchInlineSnapshot(`
      "Join type=left on=[o_cust = c_id, o_status = c_name] residual=(o_total > 1)
        TableScan table=shop.orders columns=[o_id, o_cust, o_total, o_status, o_date]
        TableScan table=shop.customers columns=[c_id, c_name, c_region, c_vip] filters=[(c_region = 'EU')]"
    `);
    expect(push(b.join('anti', o, c, cond))).toMatchInlineSnapshot(`
      "Join type=anti on=[o_cust = c_id, o_status = c_name] residual=(o_total > 1)
        TableScan table=shop.orders columns=[o_id, o_cust, o_total, o_status, o_date]
        TableScan table=shop.customers columns=[c_id, c_name, c_region, c_vip] filters=[(c_region = 'EU')]"
    `);
    // MARK: a right-side ON conjunct filters the right input; the equality stays in the residual (a NULL key makes the mark NULL, a NULL residual does not)
    expect(push(b.join('mark', o, c, { ...cond, mark: 'm' }))).toMatchInlineSnapshot(`
      "Join type=mark on=[o_cust = c_id] residual=((o_total > 1) AND (o_status = c_name)) mark=m
        TableScan table=shop.orders columns=[o_id, o_cust, o_total, o_status, o_date]
        TableScan table=shop.customers columns=[c_id, c_name, c_region, c_vip] filters=[(c_region = 'EU')]"
    `);
  });
});

describe('push-down-filter: aggregates, windows, set operations', () => {
  it('aggregate: conjuncts on groups move below (group expressions substituted); HAVING stays', () => {
    const a = b.aggregate(o, [b.named('st', col(o, 'o_status')), b.named('yr', call('extract_year', [col(o, 'o_date')]))], [b.aggregateCall('sum', [col(o, 'o_total')], 'total')]);
    const f = b.filter(a, b.and(eqs(a, 'st', 'open'), call('>=', [col(a, 'yr'), lit(2020n)]), gt(a, 'total', 100)));
    expect(push(f)).toMatchInlineSnapshot(`
      "Filter predicate=(total > 100)
        Aggregate groups=[o_status AS st, extract(year FROM o_date) AS yr] aggs=[sum(o_total) AS total]
          TableScan table=shop.orders columns=[o_id, o_cust, o_total, o_status, o_date] filters=[(o_status = 'open'), (extract(year FROM o_date) >= 2020)]"
    `);
    const global = b.aggregate(o, [], [b.aggregateCall('count_star', [], 'n')]);
    const g = b.filter(global, call('>', [col(global, 'n'), lit(0n)]));
    expect(push(g)).toBe(planText(g));
  });

  it('window: only conjuncts on columns every call partitions by', () => {
    const w = b.window(o, [
      b.windowCall('rank', [], 'r', { partitionBy: [col(o, 'o_cust'), col(o, 'o_status')], orderBy: [b.sortKey(col(o, 'o_total'))] }),
      b.windowCall('sum', [col(o, 'o_total')], 's', { partitionBy: [col(o, 'o_cust')] }),
    ]);
    const f = b.filter(w, b.and(call('=', [col(w, 'o_cust'), lit(1)]), eqs(w, 'o_status', 'x'), call('=', [col(w, 'r'), lit(1n)])));
    expect(push(f)).toMatchInlineSnapshot(`
      "Filter predicate=((o_status = 'x') AND (r = 1))
        Window calls=[rank() OVER (PARTITION BY o_cust, o_status ORDER BY o_total) AS r, sum(o_total) OVER (PARTITION BY o_cust) AS s]
          TableScan table=shop.orders columns=[o_id, o_cust, o_total, o_status, o_date] filters=[(o_cust = 1)]"
    `);
  });

  it('set operations: both inputs, the right one renamed by position (and cast)', () => {
    const i = items();
    const left = b.project(o, [b.named('k', col(o, 'o_id'))]);
    const right = b.project(i, [b.named('q', col(i, 'i_qty'))]);
    for (const op of ['union', 'intersect', 'except'] as const) {
      const s = b.setOp(op, op === 'union', left, right);
      const text = push(b.filter(s, call('>', [col(s, 'k'), lit(5n)])));
      expect(text.split('\n')[0]).toBe(`SetOp op=${op}${op === 'union' ? ' all' : ''}`);
      if (op === 'union') expect(text).toMatchInlineSnapshot(`
        "SetOp op=union all
          Project exprs=[o_id AS k]
            TableScan table=shop.orders columns=[o_id, o_cust, o_total, o_status, o_date] filters=[(o_id > 5)]
          Project exprs=[i_qty AS q]
            TableScan table=shop.items columns=[i_order, i_qty, i_price] filters=[(CAST(i_qty AS BIGINT) > 5)]"
      `);
    }
  });
});
