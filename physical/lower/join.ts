/**
 * Join → HashJoin when there are equi keys (build side = right), AsofJoin for ASOF, a
 * NestedLoopJoin for cross joins and conditions without an equality. Inner, semi and right
 * hash joins take a Filter on their probe side as their `probeFilter`.
 */
import type { Plan } from '../../logical/plan.js';
import type { PhysicalOperator } from '../operator.js';
import { AsofJoinOp } from '../rel/asof-join.js';
import { physicalSchema } from '../rel/common.js';
import { HashJoinOp } from '../rel/hash-join.js';
import { NestedLoopJoinOp } from '../rel/nested-loop-join.js';
import { lowerFiltered } from './fuse.js';
import type { Recurse } from './types.js';

export function lowerJoin(p: Plan & { kind: 'join' }, recurse: Recurse): PhysicalOperator {
  const schema = physicalSchema(p.schema);
  if ((p.type === 'inner' || p.type === 'semi' || p.type === 'right') && p.on.length > 0) {
    // The probe side's filter runs inside the join (lower/fuse.ts): no copy of the probe rows.
    const { input: left, predicate } = lowerFiltered(p.left, recurse);
    return new HashJoinOp(left, recurse(p.right), { type: p.type, on: p.on, residual: p.residual, probeFilter: predicate }, schema);
  }
  const left = recurse(p.left), right = recurse(p.right);
  if (p.type === 'asof') return new AsofJoinOp(left, right, { on: p.on, asof: p.asof!, residual: p.residual, outer: p.asofLeft ?? false }, schema);
  if (p.type === 'cross' || p.on.length === 0) return new NestedLoopJoinOp(left, right, p.type, p.residual, schema);
  return new HashJoinOp(left, right, { type: p.type, on: p.on, residual: p.residual }, schema);
}
