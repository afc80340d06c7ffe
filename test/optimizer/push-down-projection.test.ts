import { describe, expect, it } from 'vitest';

import * as b from '../../logical/plan-build.js';
import { pushDownProjection } from '../../optimizer/rules/push-down-projection.js';
import { applyRule, call, col, customers, items, lit, orders, planText } from './helpers.js';

const prune = (p: Parameters<typeof applyRule>[1]): string => applyRule(pushDownProjection, p);
const o = orders(), c = customers(), i = items();

describe('push-down-projection', () => {
  it('prunes scan columns to what the plan reads (a scan filter\'s columns stay)', () => {
    const s = orders([call('=', [col(o, 'o_status'), lit('open')])]);
    const f = b.filter(s, call('>', [col(s, 'o_total'), lit(1)]));
    const p = b.project(f, [b.named('id', col(f, 'o_id'))]);
    expect(prune(p)).toMatchInlineSnapshot(`
      "Project exprs=[o_id AS id]
        Filter predicate=(o_total > 1)
          TableScan table=shop.orders columns=[o_id, o_total, o_status] filters=[(o_status = 'open')]"
    `);
  });

  it('drops unused aggregates and unused window calls; keeps one column under count(*)', () => {
    const a = b.aggregate(o, [b.named('st', col(o, 'o_status'))], [b.aggregateCall('sum', [col(o, 'o_total')], 's'), b.aggregateCall('max', [col(o, 'o_date')], 'm')]);
    expect(prune(b.project(a, [b.named('st', col(a, 'st')), b.named('s', col(a, 's'))]))).toMatchInlineSnapshot(`
      "Project exprs=[st, s]
        Aggregate groups=[o_status AS st] aggs=[sum(o_total) AS s]
          TableScan table=shop.orders columns=[o_total, o_status]"
    `);
    const n = b.aggregate(o, [], [b.aggregateCall('count_star', [], 'n')]);
    expect(prune(n)).toMatchInlineSnapshot(`
      "Aggregate groups=[] aggs=[count(*) AS n]
        TableScan table=shop.orders columns=[o_id]"
    `);
    const w = b.window(o, [b.windowCall('rank', [], 'r', { orderBy: [b.sortKey(col(o, 'o_total'))] })]);
    expect(prune(b.project(w, [b.named('id', col(w, 'o_id'))]))).toMatchInlineSnapshot(`
      "Project exprs=[o_id AS id]
        TableScan table=shop.orders columns=[o_id]"
    `);
  });

  it('prunes both join inputs to the output and the condition; semi joins read only keys on the right', () => {
    const j = b.join('inner', o, c, { on: [{ left: col(o, 'o_cust'), right: col(c, 'c_id') }], residual: call('<>', [col(o, 'o_status'), col(c, 'c_name')]) });
    expect(prune(b.project(j, [b.named('id', col(j, 'o_id')), b.named('region', col(j, 'c_region'))]))).toMatchInlineSnapshot(`
      "Project exprs=[o_id AS id, c_region AS region]
        Join type=inner on=[o_cust = c_id] residual=(o_status <> c_name)
          TableScan table=shop.orders columns=[o_id, o_cust, o_status]
          TableScan table=shop.customers columns=[c_id, c_name, c_region]"
    `);
    const semi = b.join('semi', o, c, { on: [{ left: col(o, 'o_cust'), right: col(c, 'c_id') }] });
    expect(prune(b.project(semi, [b.named('id', col(semi, 'o_id'))]))).toMatchInlineSnapshot(`
      "Project exprs=[o_id AS id]
        Join type=semi on=[o_cust = c_id]
          TableScan table=shop.orders columns=[o_id, o_cust]
          TableScan table=shop.customers columns=[c_id]"
    `);
    const cross = b.join('cross', o, i);
    expect(prune(b.project(cross, [b.named('q', col(cross, 'i_qty'))]))).toMatchInlineSnapshot(`
      "Project exprs=[i_qty AS q]
        Join type=cross
          TableScan table=shop.orders columns=[o_id]
          TableScan table=shop.items columns=[i_qty]"
    `);
  });

  it('never prunes below DISTINCT or a set operation (every column takes part in row equality)', () => {
    const p = b.project(o, [b.named('a', col(o, 'o_status')), b.named('b', col(o, 'o_cust'))]);
    const d = b.distinct(p);
    expect(prune(b.project(d, [b.named('a', col(d, 'a'))]))).toMatchInlineSnapshot(`
      "Project exprs=[a]
        Distinct
          Project exprs=[o_status AS a, o_cust AS b]
            TableScan table=shop.orders columns=[o_cust, o_status]"
    `);
    const q = b.project(i, [b.named('x', lit('s')), b.named('y', col(i, 'i_qty'))]);
    const u = b.setOp('union', false, p, q);
    expect(prune(b.project(u, [b.named('a', col(u, 'a'))]))).toMatchInlineSnapshot(`
      "Project exprs=[a]
        SetOp op=union
          Project exprs=[o_status AS a, o_cust AS b]
            TableScan table=shop.orders columns=[o_cust, o_status]
          Project exprs=['s' AS x, i_qty AS y]
            TableScan table=shop.items columns=[i_qty]"
    `);
  });

  it('keeps the plan\'s own output and is idempotent', () => {
    expect(prune(o)).toBe(planText(o));
    const s = b.sort(o, [b.sortKey(col(o, 'o_total'))]);
    const p = b.project(b.limit(s, 5), [b.named('t', col(s, 'o_total'))]);
    const once = prune(p);
    expect(once).toMatchInlineSnapshot(`
      "Project exprs=[o_total AS t]
        Limit limit=5
          Sort keys=[o_total]
            TableScan table=shop.orders columns=[o_total]"
    `);
  });
});
