import { describe, expect, it } from 'vitest';

import type { JoinType, Plan } from '../../logical/plan.js';
import * as b from '../../logical/plan-build.js';
import { emptyValues } from '../../optimizer/plan-util.js';
import { propagateEmpty } from '../../optimizer/rules/propagate-empty.js';
import { applyRule, col, customers, items, orders, planText } from './helpers.js';

const o = orders(), c = customers();
const noOrders = emptyValues(o.schema), noCustomers = emptyValues(c.schema);
const on = [{ left: col(o, 'o_cust'), right: col(c, 'c_id') }];
const join = (type: JoinType, l: Plan, r: Plan): Plan => b.join(type, l, r, { on, ...(type === 'mark' ? { mark: 'm' } : {}) });

describe('propagate-empty', () => {
  it('empties one-input nodes and grouped aggregates, not a global aggregate', () => {
    const grouped = b.aggregate(noOrders, [b.named('s', col(o, 'o_status'))], [b.aggregateCall('count_star', [], 'n')]);
    expect(applyRule(propagateEmpty, b.sort(b.project(grouped, [b.named('n', col(grouped, 'n'))]), []))).toMatchInlineSnapshot(`"Values columns=[n] rows=0"`);
    const global = b.aggregate(noOrders, [], [b.aggregateCall('count_star', [], 'n')]);
    expect(applyRule(propagateEmpty, global)).toBe(planText(global));
  });

  it('joins: empty unless a preserved side survives (NULL-extended, or marked false)', () => {
    const lines = (['inner', 'left', 'right', 'full', 'semi', 'anti', 'mark', 'single'] as const).map((t) => `${t}: ${applyRule(propagateEmpty, join(t, o, noCustomers)).split('\n')[0]}`);
    expect(lines).toMatchInlineSnapshot(`
      [
        "inner: Values columns=[o_id, o_cust, o_total, o_status, o_date, c_id, c_name, c_region, c_vip] rows=0",
        "left: Project exprs=[o_id, o_cust, o_total, o_status, o_date, NULL AS c_id, NULL AS c_name, NULL AS c_region, NULL AS c_vip]",
        "right: Values columns=[o_id, o_cust, o_total, o_status, o_date, c_id, c_name, c_region, c_vip] rows=0",
        "full: Project exprs=[o_id, o_cust, o_total, o_status, o_date, NULL AS c_id, NULL AS c_name, NULL AS c_region, NULL AS c_vip]",
        "semi: Values columns=[o_id, o_cust, o_total, o_status, o_date] rows=0",
        "anti: TableScan table=shop.orders columns=[o_id, o_cust, o_total, o_status, o_date]",
        "mark: Project exprs=[o_id, o_cust, o_total, o_status, o_date, false AS m]",
        "single: Project exprs=[o_id, o_cust, o_total, o_status, o_date, NULL AS c_id, NULL AS c_name, NULL AS c_region, NULL AS c_vip]",
      ]
    `);
    expect(applyRule(propagateEmpty, join('right', noOrders, c))).toMatchInlineSnapshot(`
      "Project exprs=[NULL AS o_id, NULL AS o_cust, NULL AS o_total, NULL AS o_status, NULL AS o_date, c_id, c_name, c_region, c_vip]
        TableScan table=shop.customers columns=[c_id, c_name, c_region, c_vip]"
    `);
  });

  it('set operations', () => {
    const i = items();
    const k = b.project(o, [b.named('k', col(o, 'o_id'))]);
    const q = b.project(i, [b.named('q', col(i, 'i_qty'))]);
    const none = emptyValues(k.schema);
    expect(applyRule(propagateEmpty, b.setOp('union', false, none, q))).toMatchInlineSnapshot(`
      "Distinct
        Project exprs=[CAST(q AS BIGINT) AS k]
          Project exprs=[i_qty AS q]
            TableScan table=shop.items columns=[i_order, i_qty, i_price]"
    `);
    expect(applyRule(propagateEmpty, b.setOp('except', true, k, emptyValues(q.schema)))).toBe(planText(k));
    expect(applyRule(propagateEmpty, b.setOp('intersect', true, k, emptyValues(q.schema)))).toMatchInlineSnapshot(`"Values columns=[k] rows=0"`);
  });
});
