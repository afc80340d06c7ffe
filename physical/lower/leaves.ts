/** Lowering of the leaves: table and collection scans, VALUES, external sources. */
import type { Plan, Scalar } from '../../logical/plan.js';
import { and } from '../../logical/plan-build.js';
import type { PhysicalOperator } from '../operator.js';
import { physicalSchema } from '../rel/common.js';
import { RelFilterOp } from '../rel/filter.js';
import { RelProjectOp } from '../rel/project.js';
import { SourceOp } from '../rel/source.js';
import { RelValuesOp } from '../rel/values.js';
import type { LowerContext, TableScanNode } from './types.js';

export function lowerTableScan(p: TableScanNode, ctx: LowerContext): PhysicalOperator {
  return ctx.openTable(p.table, p.columns, p.filters, p.schema);
}

export function lowerValues(p: Plan & { kind: 'values' }): PhysicalOperator {
  return new RelValuesOp(p.rows, physicalSchema(p.schema));
}

/** A source; decimal columns are converted to Float64 by a Project on top. */
export function lowerSource(p: Plan & { kind: 'source' }): PhysicalOperator {
  const op = new SourceOp(p.describe, p.open, p.schema);
  const phys = physicalSchema(p.schema);
  if (phys === p.schema) return op;
  return new RelProjectOp(op, p.schema.fields.map((f) => ({ name: f.name, expr: { kind: 'column', name: f.name, type: f.type } })), phys);
}

/** Applies all filters exactly on top of a scan that may apply only some of them. */
export function withFilters(op: PhysicalOperator, filters: readonly Scalar[]): PhysicalOperator {
  return filters.length ? new RelFilterOp(op, and(...filters)) : op;
}
