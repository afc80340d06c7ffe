/** Window → RelWindowOp. */
import type { Plan } from '../../logical/plan.js';
import type { PhysicalOperator } from '../operator.js';
import { physicalSchema } from '../rel/common.js';
import { RelWindowOp } from '../rel/window.js';
import type { Recurse } from './types.js';

export const lowerWindow = (p: Plan & { kind: 'window' }, recurse: Recurse): PhysicalOperator => new RelWindowOp(recurse(p.input), p.calls, physicalSchema(p.schema));
