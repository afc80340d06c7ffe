/**
 * Collection rule tests: naive plans built from fluent expressions over a schema (no data),
 * one rule run to its fixpoint by the driver (validation on), the plan text compared.
 */
import { Float32, Float64, Utf8 } from 'apache-arrow';

import { buildStreamPlan } from '../../../logical/collection-plan-build.js';
import { conjunctsOf, type ScanNode, type StreamPlan, streamPlanText } from '../../../logical/collection-plan.js';
import type { Expr } from '../../../logical/expr.js';
import { type ExprRef, refs } from '../../../logical/fluent.js';
import { datasetSchema, keyed, positional, scalar } from '../../../logical/schema.js';
import { COLLECTION_RULES, type CollectionRule } from '../../../optimizer/collections/index.js';
import { runRules, type PlanKind } from '../../../optimizer/optimizer.js';
import type { CollectionRuleContext } from '../../../optimizer/collections/context.js';
import { validateStreamPlan } from '../../../optimizer/collections/validate.js';

export const schema = datasetSchema('rec', {
  scenes: keyed(new Utf8(), {
    location: scalar(new Utf8()),
    clips: keyed(new Utf8(), {
      duration: scalar(new Float64()),
      frames: positional({ brightness: scalar(new Float32()) }),
      detections: positional({ label: scalar(new Utf8()), confidence: scalar(new Float32()), ts: scalar(new Float64()) }),
    }),
  }),
});

export const roots = () => refs(schema);

/** What storage takes in these tests: own stored fields, or own or ancestor keys, compared with a literal. */
export function storable(c: Expr, scan: ScanNode): boolean {
  if (c.kind === 'binary' && (c.op === 'and' || c.op === 'or')) return storable(c.left, scan) && storable(c.right, scan);
  if (c.kind !== 'binary' || !['=', '!=', '<', '<=', '>', '>='].includes(c.op)) return false;
  const at = scan.path.join('.');
  const own = (x: Expr): boolean => (x.kind === 'field' && x.level.path.join('.') === at) || (x.kind === 'key' && `${at}.`.startsWith(`${x.level.path.join('.')}.`));
  return (own(c.left) && c.right.kind === 'literal') || (own(c.right) && c.left.kind === 'literal');
}

/** The naive plan of a scan of `items` (named by position) with an optional `where`. */
export function naive(items: readonly ExprRef[], where?: ExprRef): StreamPlan {
  return buildStreamPlan(schema, items.map((e, i) => ({ name: `o${i}`, expr: e.expr })), where?.expr);
}

const kind: PlanKind<StreamPlan, CollectionRuleContext> = {
  context: (config, pass) => ({ config, pass, storable }),
  checkSchema: () => undefined,
  validate: validateStreamPlan,
};

/** `plan` after `rules` (default: all) to a fixpoint, with validation after every change. */
export function apply(plan: StreamPlan, rules: readonly CollectionRule[] = COLLECTION_RULES): StreamPlan {
  const r = runRules(plan, rules, kind, { validate: true });
  if (!r.fixpoint) throw new Error('no fixpoint');
  return r.plan;
}

export const text = streamPlanText;
export { conjunctsOf };
