import { describe, expect, it } from 'vitest';

import * as b from '../../logical/plan-build.js';
import { explainJson, explainText, planJson, planText } from '../../optimizer/index.js';
import { call, col, lit, orders } from './helpers.js';

const o = orders();
const f = b.filter(o, b.and(call('>', [col(o, 'o_total'), call('*', [lit(2), lit(50)])]), lit(true)));
const query = b.project(f, [b.named('id', col(f, 'o_id'))]);

describe('EXPLAIN', () => {
  it('shows the logical, optimized and (through the caller) physical plans', () => {
    const text = explainText(query, { physical: (p) => ({ text: `PhysicalProject\n  PhysicalScan ${p.kind}` }) });
    expect(text).toMatchInlineSnapshot(`
      "logical_plan:
        Project exprs=[o_id AS id]
          Filter predicate=((o_total > CAST((2 * 50) AS DOUBLE)) AND true)
            TableScan table=shop.orders columns=[o_id, o_cust, o_total, o_status, o_date]
      optimized_logical_plan:
        Project exprs=[o_id AS id]
          TableScan table=shop.orders columns=[o_id, o_total] filters=[(o_total > 100)]
      physical_plan:
        PhysicalProject
          PhysicalScan project"
    `);
  });

  it('VERBOSE shows the plan after each rule, collapsing rules and passes that changed nothing', () => {
    expect(explainText(query, { verbose: true })).toMatchInlineSnapshot(`
      "logical_plan:
        Project exprs=[o_id AS id]
          Filter predicate=((o_total > CAST((2 * 50) AS DOUBLE)) AND true)
            TableScan table=shop.orders columns=[o_id, o_cust, o_total, o_status, o_date]
      logical_plan after simplify-expressions (pass 1):
        Project exprs=[o_id AS id]
          Filter predicate=(o_total > 100)
            TableScan table=shop.orders columns=[o_id, o_cust, o_total, o_status, o_date]
      logical_plan after eliminate-limit (pass 1): SAME TEXT AS ABOVE
      logical_plan after propagate-empty (pass 1): SAME TEXT AS ABOVE
      logical_plan after push-down-filter (pass 1):
        Project exprs=[o_id AS id]
          TableScan table=shop.orders columns=[o_id, o_cust, o_total, o_status, o_date] filters=[(o_total > 100)]
      logical_plan after push-down-limit (pass 1): SAME TEXT AS ABOVE
      logical_plan after push-down-projection (pass 1):
        Project exprs=[o_id AS id]
          TableScan table=shop.orders columns=[o_id, o_total] filters=[(o_total > 100)]
      logical_plan after eliminate-identity-project (pass 1): SAME TEXT AS ABOVE
      pass 2: no rule changed the plan (fixpoint)
      optimized_logical_plan:
        Project exprs=[o_id AS id]
          TableScan table=shop.orders columns=[o_id, o_total] filters=[(o_total > 100)]"
    `);
  });

  it('renders schemas on request, and JSON for tools', () => {
    expect(planText(b.limit(o, 1), { schema: true })).toMatchInlineSnapshot(`
      "Limit limit=1 schema=[o_id: BIGINT NOT NULL, o_cust: INTEGER, o_total: DOUBLE, o_status: VARCHAR, o_date: DATE]
        TableScan table=shop.orders columns=[o_id, o_cust, o_total, o_status, o_date] schema=[o_id: BIGINT NOT NULL, o_cust: INTEGER, o_total: DOUBLE, o_status: VARCHAR, o_date: DATE]"
    `);
    expect(planJson(query)).toMatchInlineSnapshot(`
      {
        "children": [
          {
            "children": [
              {
                "children": [],
                "node": "TableScan",
                "params": {
                  "columns": "[o_id, o_cust, o_total, o_status, o_date]",
                  "table": "shop.orders",
                },
              },
            ],
            "node": "Filter",
            "params": {
              "predicate": "((o_total > CAST((2 * 50) AS DOUBLE)) AND true)",
            },
          },
        ],
        "node": "Project",
        "params": {
          "exprs": "[o_id AS id]",
        },
      }
    `);
    const json = explainJson(query, { verbose: true, physical: () => ({ text: 'P', json: { op: 'P' } }) });
    expect(json.physical_plan).toEqual({ op: 'P' });
    expect(json.steps?.filter((s) => s.changed).map((s) => s.rule)).toEqual(['simplify-expressions', 'push-down-filter', 'push-down-projection']);
    expect(json.fixpoint).toBe(true);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json); // plain JSON, no bigints or functions
    expect(explainText(query, { timings: true })).toMatch(/optimizer_timings:\n {2}simplify-expressions: \d+\.\d{3} ms, 2 runs, 1 changes/);
  });
});
