/** Project → RelProjectOp. */
import type { Plan } from '../../logical/plan.js';
import type { PhysicalOperator } from '../operator.js';
import { physicalSchema } from '../rel/common.js';
import { RelProjectOp } from '../rel/project.js';
import type { Recurse } from './types.js';

export const lowerProject = (p: Plan & { kind: 'project' }, recurse: Recurse): PhysicalOperator => new RelProjectOp(recurse(p.input), p.exprs, physicalSchema(p.schema));
