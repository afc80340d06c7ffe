/** Unnest → UnnestOp. */
import type { Plan } from '../../logical/plan.js';
import type { PhysicalOperator } from '../operator.js';
import { physicalSchema } from '../rel/common.js';
import { UnnestOp } from '../rel/unnest.js';
import type { Recurse } from './types.js';

export const lowerUnnest = (p: Plan & { kind: 'unnest' }, recurse: Recurse): PhysicalOperator =>
  new UnnestOp(recurse(p.input), p.list, p.outer, p.ordinality !== null, physicalSchema(p.schema));
