/** Sort → SortOp; Limit → LimitOp, and a Limit over a Sort becomes a top-N sort. */
import type { Plan } from '../../logical/plan.js';
import type { PhysicalOperator } from '../operator.js';
import { LimitOp } from '../rel/limit.js';
import { SortOp } from '../rel/sort.js';
import type { Recurse } from './types.js';

export const lowerSort = (p: Plan & { kind: 'sort' }, recurse: Recurse): PhysicalOperator => new SortOp(recurse(p.input), p.keys);

export function lowerLimit(p: Plan & { kind: 'limit' }, recurse: Recurse): PhysicalOperator {
  if (p.input.kind === 'sort' && p.limit !== null) return new LimitOp(new SortOp(recurse(p.input.input), p.input.keys, p.limit + p.offset), p.limit, p.offset);
  return new LimitOp(recurse(p.input), p.limit, p.offset);
}
