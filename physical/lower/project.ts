/** Project → RelProjectOp; a Filter directly below is fused in (only the used columns are gathered). */
import type { Plan } from '../../logical/plan.js';
import type { PhysicalOperator } from '../operator.js';
import { physicalSchema } from '../rel/common.js';
import { RelProjectOp } from '../rel/project.js';
import type { Recurse } from './types.js';

export function lowerProject(p: Plan & { kind: 'project' }, recurse: Recurse): PhysicalOperator {
  if (p.input.kind === 'filter') return new RelProjectOp(recurse(p.input.input), p.exprs, physicalSchema(p.schema), p.input.predicate);
  return new RelProjectOp(recurse(p.input), p.exprs, physicalSchema(p.schema));
}
