import { describe, expect, it } from 'vitest';

import * as b from '../../logical/plan-build.js';
import { pushDownLimit } from '../../optimizer/rules/push-down-limit.js';
import { applyRule, call, col, items, lit, orders, planText } from './helpers.js';

const push = (p: Parameters<typeof applyRule>[1]): string => applyRule(pushDownLimit, p);
const o = orders(), i = items();

describe('push-down-limit', () => {
  it('moves below a project and records top-N (limit + offset) on the sort', () => {
    const s = b.sort(o, [b.sortKey(col(o, 'o_total'), { descending: true })]);
    const p = b.project(s, [b.named('t', col(s, 'o_total'))]);
    expect(push(b.limit(p, 10, 5))).toMatchInlineSnapshot(`
      "Project exprs=[o_total AS t]
        Limit limit=10 offset=5
          Sort keys=[o_total DESC] fetch=15
            TableScan table=shop.orders columns=[o_id, o_cust, o_total, o_status, o_date]"
    `);
  });

  it('limits each UNION ALL branch, keeping the outer limit', () => {
    const a = b.project(o, [b.named('k', col(o, 'o_id'))]);
    const c = b.project(i, [b.named('k2', col(i, 'i_order'))]);
    expect(push(b.limit(b.setOp('union', true, a, c), 3, 1))).toMatchInlineSnapshot(`
      "Limit limit=3 offset=1
        SetOp op=union all
          Project exprs=[o_id AS k]
            Limit limit=4
              TableScan table=shop.orders columns=[o_id, o_cust, o_total, o_status, o_date]
          Project exprs=[i_order AS k2]
            Limit limit=4
              TableScan table=shop.items columns=[i_order, i_qty, i_price]"
    `);
  });

  it('merges stacked limits', () => {
    expect(push(b.limit(b.limit(b.limit(o, 10, 2), 5, 3), null, 1))).toMatchInlineSnapshot(`
      "Limit limit=4 offset=6
        TableScan table=shop.orders columns=[o_id, o_cust, o_total, o_status, o_date]"
    `);
    expect(push(b.limit(b.limit(o, 2), 5, 3))).toMatchInlineSnapshot(`
      "Limit limit=0 offset=3
        TableScan table=shop.orders columns=[o_id, o_cust, o_total, o_status, o_date]"
    `);
  });

  it('is not legal below a filter, an aggregate, DISTINCT or UNION (distinct)', () => {
    const f = b.limit(b.filter(o, call('>', [col(o, 'o_total'), lit(1)])), 3);
    expect(push(f)).toBe(planText(f));
    const a = b.limit(b.aggregate(o, [b.named('s', col(o, 'o_status'))], []), 3);
    expect(push(a)).toBe(planText(a));
    const d = b.limit(b.distinct(o), 3);
    expect(push(d)).toBe(planText(d));
    const u = b.limit(b.setOp('union', false, o, o), 3);
    expect(push(u)).toBe(planText(u));
  });

  it('an OFFSET without a count sets no top-N', () => {
    const s = b.sort(o, [b.sortKey(col(o, 'o_total'))]);
    expect(push(b.limit(s, null, 4))).toBe(planText(b.limit(s, null, 4)));
  });
});
