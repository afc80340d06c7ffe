/** Aggregate → HashAggregate; a Filter directly below is fused in (no copy of the filtered rows). */
import type { Plan } from '../../logical/plan.js';
import type { PhysicalOperator } from '../operator.js';
import { physicalSchema } from '../rel/common.js';
import { HashAggregateOp } from '../rel/hash-aggregate.js';
import type { Recurse } from './types.js';

export function lowerAggregate(p: Plan & { kind: 'aggregate' }, recurse: Recurse): PhysicalOperator {
  const schema = physicalSchema(p.schema);
  if (p.input.kind === 'filter') return new HashAggregateOp(recurse(p.input.input), p.groups, p.aggs, schema, p.input.predicate);
  return new HashAggregateOp(recurse(p.input), p.groups, p.aggs, schema);
}
