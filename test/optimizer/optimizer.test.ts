import { describe, expect, it } from 'vitest';

import { isErrorCode } from '../../errors.js';
import type { Plan } from '../../logical/plan.js';
import * as b from '../../logical/plan-build.js';
import { DEFAULT_RULES, optimize, optimizeWithReport, type OptimizerStep, runOptimizer } from '../../optimizer/index.js';
import type { OptimizerRule } from '../../optimizer/rule.js';
import { call, col, customers, items, lit, orders, planText } from './helpers.js';

const o = orders(), c = customers();

/** A rule that wraps the root in `Limit ALL` n times (one per pass), then stops. */
const countdown = (n: number): OptimizerRule => {
  let left = n;
  return {
    name: 'countdown',
    description: 'test rule',
    rewrite: (plan) => (left-- > 0 ? { plan: b.limit(plan, null, 0), changed: true } : { plan, changed: false }),
  };
};
const never: OptimizerRule = { name: 'never', description: 'test rule', rewrite: (plan) => ({ plan, changed: false }) };

describe('optimizer driver', () => {
  it('repeats the rule list to a fixpoint, capped by maxPasses', () => {
    const r = runOptimizer(o, [countdown(2), never]);
    expect(r.passes).toBe(3);
    expect(r.fixpoint).toBe(true);
    const capped = runOptimizer(o, [countdown(5), never], { maxPasses: 2 });
    expect(capped.passes).toBe(2);
    expect(capped.fixpoint).toBe(false);
    expect(() => runOptimizer(o, [never], { maxPasses: 0 })).toThrow(/maxPasses/);
  });

  it('records per-rule timing, runs and changes', () => {
    const r = runOptimizer(o, [countdown(1), never]);
    expect(r.timings.map((t) => [t.rule, t.runs, t.changes])).toEqual([['countdown', 2, 1], ['never', 2, 0]]);
    for (const t of r.timings) expect(t.ms).toBeGreaterThanOrEqual(0);
  });

  it('disables rules by name; an unknown name is an error', () => {
    const f = b.filter(o, call('>', [col(o, 'o_total'), call('+', [lit(1), lit(1)])]));
    const off = optimizeWithReport(f, { disabled: ['simplify-expressions', 'push-down-filter'] });
    expect(off.timings.map((t) => t.rule)).not.toContain('simplify-expressions');
    expect(planText(off.plan)).toBe(planText(f));
    let err: unknown;
    try {
      optimize(f, { disabled: ['push-down-filters'] });
    } catch (e) {
      err = e;
    }
    expect(isErrorCode(err, 'invalid-argument')).toBe(true);
    expect(String(err)).toContain('unknown optimizer rule "push-down-filters"');
  });

  it('the schema check catches a rule that changes the plan\'s output', () => {
    const renames: OptimizerRule = {
      name: 'broken-rename',
      description: 'renames a column',
      rewrite: (plan) => ({ plan: b.project(plan, plan.schema.fields.map((f, i) => b.named(i === 0 ? 'oops' : f.name, b.col(plan, f.name)))), changed: true }),
    };
    expect(() => runOptimizer(o, [renames])).toThrow(/rule broken-rename changed the schema \(o_id: BIGINT, .*\) into \(oops: BIGINT/);
    const retypes: OptimizerRule = {
      name: 'broken-cast',
      description: 'changes a type',
      rewrite: (plan) => ({ plan: b.project(plan, plan.schema.fields.map((f, i) => b.named(f.name, i === 0 ? b.cast(b.col(plan, f.name), lit(1.5).type) : b.col(plan, f.name)))), changed: true }),
    };
    expect(() => runOptimizer(o, [retypes])).toThrow(/rule broken-cast changed the schema/);
  });

  it('validation after each rule catches a rule that edits a node by hand', () => {
    const stale: OptimizerRule = {
      name: 'broken-edit',
      description: 'bypasses the constructors',
      rewrite: (plan) => ({ plan: { ...plan, kind: 'filter', input: o, predicate: { kind: 'column', name: 'nope', type: lit(true).type } } as Plan, changed: true }),
    };
    expect(() => runOptimizer(o, [stale], { validate: true })).toThrow(/the plan after rule broken-edit \(pass 1\) is invalid/);
  });

  it('a rule that throws is reported as an internal error naming it', () => {
    const throws: OptimizerRule = { name: 'broken-throw', description: 'throws', rewrite: () => b.col(o, 'missing') as never };
    let err: unknown;
    try {
      runOptimizer(o, [throws]);
    } catch (e) {
      err = e;
    }
    expect(isErrorCode(err, 'internal')).toBe(true);
    expect(String(err)).toContain('optimizer rule broken-throw failed: no column "missing"');
  });

  it('reports every rule application to the observer', () => {
    const steps: OptimizerStep[] = [];
    const passes: [number, boolean][] = [];
    let start: Plan | null = null;
    runOptimizer(o, [countdown(1), never], { observer: { onStart: (p) => (start = p), onStep: (s) => steps.push(s), onPass: (n, ch) => passes.push([n, ch]) } });
    expect(start).toBe(o);
    expect(steps.map((s) => `${s.pass}:${s.rule}:${s.changed}`)).toEqual(['1:countdown:true', '1:never:false', '2:countdown:false', '2:never:false']);
    expect(steps[1]!.plan).toBe(steps[0]!.plan);
    expect(passes).toEqual([[1, true], [2, false]]);
  });

  it('the default rules optimize a join query end to end', () => {
    const j = b.join('left', o, c, { on: [{ left: col(o, 'o_cust'), right: col(c, 'c_id') }] });
    const f = b.filter(j, b.and(call('=', [col(j, 'c_region'), lit('EU')]), call('>=', [col(j, 'o_date'), lit('2024-01-01')]), lit(true)));
    const a = b.aggregate(f, [b.named('name', col(f, 'c_name'))], [b.aggregateCall('sum', [col(f, 'o_total')], 'total'), b.aggregateCall('count_star', [], 'n')]);
    const s = b.sort(a, [b.sortKey(col(a, 'total'), { descending: true })]);
    const top = b.limit(b.project(s, [b.named('customer', col(s, 'name')), b.named('total', col(s, 'total'))]), 10);
    const r = optimizeWithReport(top);
    expect(r.fixpoint).toBe(true);
    expect(planText(r.plan)).toMatchInlineSnapshot(`
      "Project exprs=[name AS customer, total]
        Limit limit=10
          Sort keys=[total DESC] fetch=10
            Aggregate groups=[c_name AS name] aggs=[sum(o_total) AS total]
              Join type=inner on=[o_cust = c_id]
                TableScan table=shop.orders columns=[o_cust, o_total, o_date] filters=[(o_date >= DATE '2024-01-01')]
                TableScan table=shop.customers columns=[c_id, c_name, c_region] filters=[(c_region = 'EU')]"
    `);
    expect(DEFAULT_RULES.map((x) => x.name)).toMatchInlineSnapshot(`
      [
        "simplify-expressions",
        "eliminate-limit",
        "propagate-empty",
        "push-down-filter",
        "push-down-limit",
        "push-down-projection",
        "eliminate-identity-project",
      ]
    `);
  });

  it('plan equivalence: a TPC-H Q3-like query optimizes to the hand-optimised plan', () => {
    const i = items();
    // SELECT o_id, sum(i_qty * i_price) AS revenue FROM customers, orders, items
    // WHERE c_region = 'EU' AND c_id = o_cust AND i_order = o_id AND o_date < DATE '2024-03-15'
    // GROUP BY o_id ORDER BY revenue DESC LIMIT 10
    const co = b.join('cross', c, o);
    const coi = b.join('cross', co, i);
    const where = b.filter(coi, b.and(
      call('=', [col(coi, 'c_region'), lit('EU')]),
      call('=', [col(coi, 'c_id'), col(coi, 'o_cust')]),
      call('=', [col(coi, 'i_order'), col(coi, 'o_id')]),
      call('<', [col(coi, 'o_date'), lit('2024-03-15')]),
    ));
    const agg = b.aggregate(where, [b.named('o_id', col(where, 'o_id'))], [b.aggregateCall('sum', [call('*', [col(where, 'i_qty'), col(where, 'i_price')])], 'revenue')]);
    const query = b.limit(b.sort(agg, [b.sortKey(col(agg, 'revenue'), { descending: true })]), 10);

    const cs = b.tableScan('shop.customers', [{ column: 'c_id', type: c.schema.fields[0]!.type, nullable: false }, { column: 'c_region', type: c.schema.fields[2]!.type }], [call('=', [col(c, 'c_region'), lit('EU')])]);
    const os = b.tableScan('shop.orders', [o.schema.fields[0]!, o.schema.fields[1]!, o.schema.fields[4]!].map((f) => ({ column: f.name, type: f.type, nullable: f.nullable })), [call('<', [col(o, 'o_date'), lit('2024-03-15')])]);
    const is = b.tableScan('shop.items', i.schema.fields.map((f) => ({ column: f.name, type: f.type })));
    const j1 = b.join('inner', cs, os, { on: [{ left: col(cs, 'c_id'), right: col(os, 'o_cust') }] });
    const j2 = b.join('inner', j1, is, { on: [{ left: col(j1, 'o_id'), right: col(is, 'i_order') }] });
    const hAgg = b.aggregate(j2, [b.named('o_id', col(j2, 'o_id'))], [b.aggregateCall('sum', [call('*', [col(j2, 'i_qty'), col(j2, 'i_price')])], 'revenue')]);
    const hand = b.limit({ ...(b.sort(hAgg, [b.sortKey(col(hAgg, 'revenue'), { descending: true })]) as Plan & { kind: 'sort' }), fetch: 10 }, 10);

    expect(planText(optimize(query))).toBe(planText(hand));
    expect(planText(hand)).toMatchInlineSnapshot(`
      "Limit limit=10
        Sort keys=[revenue DESC] fetch=10
          Aggregate groups=[o_id] aggs=[sum((CAST(i_qty AS DOUBLE) * i_price)) AS revenue]
            Join type=inner on=[o_id = i_order]
              Join type=inner on=[c_id = o_cust]
                TableScan table=shop.customers columns=[c_id, c_region] filters=[(c_region = 'EU')]
                TableScan table=shop.orders columns=[o_id, o_cust, o_date] filters=[(o_date < DATE '2024-03-15')]
              TableScan table=shop.items columns=[i_order, i_qty, i_price]"
    `);
  });
});
