/** Filter → RelFilterOp. */
import type { Plan } from '../../logical/plan.js';
import type { PhysicalOperator } from '../operator.js';
import { RelFilterOp } from '../rel/filter.js';
import type { Recurse } from './types.js';

export const lowerFilter = (p: Plan & { kind: 'filter' }, recurse: Recurse): PhysicalOperator => new RelFilterOp(recurse(p.input), p.predicate);
