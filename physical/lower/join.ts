/**
 * Join → HashJoin when there are equi keys (build side = right), AsofJoin for ASOF, a
 * NestedLoopJoin for cross joins and conditions without an equality. Inner, semi and right
 * hash joins take a Filter on their probe side as their `probeFilter`; inner hash joins
 * output only the columns read above them (`need`), so dead columns are never gathered.
 */
import { Schema } from 'apache-arrow';

import type { Plan } from '../../logical/plan.js';
import type { PhysicalOperator } from '../operator.js';
import { AsofJoinOp } from '../rel/asof-join.js';
import { physicalSchema } from '../rel/common.js';
import { HashJoinOp } from '../rel/hash-join.js';
import { NestedLoopJoinOp } from '../rel/nested-loop-join.js';
import { lowerFiltered, needing } from './fuse.js';
import type { Recurse } from './types.js';

export function lowerJoin(p: Plan & { kind: 'join' }, recurse: Recurse, need?: ReadonlySet<string>): PhysicalOperator {
  const schema = physicalSchema(p.schema);
  if ((p.type === 'inner' || p.type === 'semi' || p.type === 'right') && p.on.length > 0) return lowerHashJoin(p, recurse, need);
  const left = recurse(p.left), right = recurse(p.right);
  if (p.type === 'asof') return new AsofJoinOp(left, right, { on: p.on, asof: p.asof!, residual: p.residual, outer: p.asofLeft ?? false }, schema);
  if (p.type === 'cross' || p.on.length === 0) return new NestedLoopJoinOp(left, right, p.type, p.residual, schema);
  return new HashJoinOp(left, right, { type: p.type, on: p.on, residual: p.residual }, schema);
}

/** Inner / semi / right hash joins: the probe side's filter fused, inner joins pruned to `need`. */
function lowerHashJoin(p: Plan & { kind: 'join' }, recurse: Recurse, need: ReadonlySet<string> | undefined): PhysicalOperator {
  const names = p.schema.fields.map((f) => f.name);
  // Prune only when names are unambiguous (the plan's schemas qualify them).
  const prune = p.type === 'inner' && need !== undefined && new Set(names).size === names.length;
  const both = prune ? needing(need, [...p.on.flatMap((k) => [k.left, k.right]), p.residual]) : undefined;
  const { input: left, predicate } = lowerFiltered(p.left, recurse, both);
  const right = recurse(p.right, both);
  const spec = { type: p.type as 'inner' | 'semi' | 'right', on: p.on, residual: p.residual, probeFilter: predicate };
  if (!prune) return new HashJoinOp(left, right, spec, physicalSchema(p.schema));
  const fields = [...left.schema.fields, ...right.schema.fields];
  const keep = fields.flatMap((f, i) => (need.has(f.name) ? [i] : []));
  if (keep.length === fields.length) return new HashJoinOp(left, right, spec, new Schema(fields));
  return new HashJoinOp(left, right, { ...spec, keep }, new Schema(keep.map((i) => fields[i]!)));
}
