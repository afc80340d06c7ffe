/** Filter → RelFilterOp. */
import type { Plan } from '../../logical/plan.js';
import type { PhysicalOperator } from '../operator.js';
import { RelFilterOp } from '../rel/filter.js';
import { needing } from './fuse.js';
import type { Recurse } from './types.js';

export const lowerFilter = (p: Plan & { kind: 'filter' }, recurse: Recurse, need?: ReadonlySet<string>): PhysicalOperator =>
  new RelFilterOp(recurse(p.input, needing(need, [p.predicate])), p.predicate);
