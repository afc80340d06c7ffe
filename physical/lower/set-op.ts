/**
 * Distinct → DistinctOp; SetOp → SetOpOp, the right input cast to the left's column types
 * (and names) by a Project when they differ.
 */
import type { Plan } from '../../logical/plan.js';
import { cast } from '../../logical/plan-build.js';
import { sameType } from '../../logical/functions.js';
import type { PhysicalOperator } from '../operator.js';
import { physicalSchema } from '../rel/common.js';
import { DistinctOp } from '../rel/distinct.js';
import { RelProjectOp } from '../rel/project.js';
import { SetOpOp } from '../rel/set-op.js';
import type { Recurse } from './types.js';

export const lowerDistinct = (p: Plan & { kind: 'distinct' }, recurse: Recurse): PhysicalOperator => new DistinctOp(recurse(p.input));

export function lowerSetOp(p: Plan & { kind: 'set_op' }, recurse: Recurse): PhysicalOperator {
  const schema = physicalSchema(p.schema);
  let right = recurse(p.right);
  const lf = p.left.schema.fields, rf = p.right.schema.fields;
  if (rf.some((f, i) => !sameType(f.type, lf[i]!.type))) {
    const exprs = rf.map((f, i) => ({ name: lf[i]!.name, expr: cast({ kind: 'column', name: f.name, type: f.type }, lf[i]!.type) }));
    right = new RelProjectOp(right, exprs, physicalSchema(p.left.schema));
  }
  return new SetOpOp(recurse(p.left), right, p.op, p.all, schema);
}
