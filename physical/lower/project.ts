/** Project → RelProjectOp; a Filter below (logical or a scan's) is fused in (only the used columns are gathered). */
import type { Plan } from '../../logical/plan.js';
import type { PhysicalOperator } from '../operator.js';
import { physicalSchema } from '../rel/common.js';
import { RelProjectOp } from '../rel/project.js';
import { lowerFiltered, needing } from './fuse.js';
import type { Recurse } from './types.js';

export function lowerProject(p: Plan & { kind: 'project' }, recurse: Recurse): PhysicalOperator {
  const { input, predicate } = lowerFiltered(p.input, recurse, needing(new Set(), p.exprs.map((e) => e.expr)));
  return new RelProjectOp(input, p.exprs, physicalSchema(p.schema), predicate);
}
