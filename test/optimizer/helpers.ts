/** Shared fixtures of the optimizer tests: small tables, and a runner that applies one rule (to a fixpoint) and validates. */
import { Bool, DateDay, Float64, Int32, Int64, Utf8 } from 'apache-arrow';

import type { Plan, Scalar } from '../../logical/plan.js';
import * as b from '../../logical/plan-build.js';
import { assertValidPlan, sameSchema } from '../../logical/validate.js';
import { planText } from '../../optimizer/explain.js';
import { runOptimizer } from '../../optimizer/optimizer.js';
import type { OptimizerRule } from '../../optimizer/rule.js';

export const i32 = new Int32(), i64 = new Int64(), f64 = new Float64(), utf8 = new Utf8(), bool = new Bool(), date = new DateDay();

/** orders(o_id NOT NULL, o_cust, o_total, o_status, o_date) */
export const orders = (filters: readonly Scalar[] = []): Plan =>
  b.tableScan('shop.orders', [
    { column: 'o_id', type: i64, nullable: false },
    { column: 'o_cust', type: i32 },
    { column: 'o_total', type: f64 },
    { column: 'o_status', type: utf8 },
    { column: 'o_date', type: date },
  ], filters);

/** customers(c_id NOT NULL, c_name, c_region, c_vip) */
export const customers = (): Plan =>
  b.tableScan('shop.customers', [
    { column: 'c_id', type: i32, nullable: false },
    { column: 'c_name', type: utf8 },
    { column: 'c_region', type: utf8 },
    { column: 'c_vip', type: bool },
  ]);

/** items(i_order, i_qty, i_price) */
export const items = (): Plan =>
  b.tableScan('shop.items', [
    { column: 'i_order', type: i64 },
    { column: 'i_qty', type: i32 },
    { column: 'i_price', type: f64 },
  ]);

export const col = b.col;
export const lit = b.lit;
export const call = b.call;

/** `rule` applied to `plan` until it changes nothing (validated after each application); the plan text. */
export function applyRule(rule: OptimizerRule, plan: Plan): string {
  return planText(applyRulePlan(rule, plan));
}

export function applyRulePlan(rule: OptimizerRule, plan: Plan): Plan {
  const r = runOptimizer(plan, [rule], { validate: true, maxPasses: 10 });
  assertValidPlan(r.plan);
  if (!sameSchema(r.plan.schema, plan.schema)) throw new Error('schema changed');
  if (!r.fixpoint) throw new Error(`rule ${rule.name} did not reach a fixpoint`);
  return r.plan;
}

export { planText };
