/** Sort → SortOp; Limit → LimitOp, and a Limit over a Sort becomes a top-N sort. */
import type { Plan } from '../../logical/plan.js';
import type { PhysicalOperator } from '../operator.js';
import { LimitOp } from '../rel/limit.js';
import { SortOp } from '../rel/sort.js';
import { needing } from './fuse.js';
import type { Recurse } from './types.js';

export const lowerSort = (p: Plan & { kind: 'sort' }, recurse: Recurse, need?: ReadonlySet<string>): PhysicalOperator =>
  new SortOp(recurse(p.input, needing(need, p.keys.map((k) => k.expr))), p.keys);

export function lowerLimit(p: Plan & { kind: 'limit' }, recurse: Recurse, need?: ReadonlySet<string>): PhysicalOperator {
  if (p.input.kind === 'sort' && p.limit !== null) {
    const s = p.input;
    return new LimitOp(new SortOp(recurse(s.input, needing(need, s.keys.map((k) => k.expr))), s.keys, p.limit + p.offset), p.limit, p.offset);
  }
  return new LimitOp(recurse(p.input, need), p.limit, p.offset);
}
