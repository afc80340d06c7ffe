/**
 * Lowering of relational logical plans (logical/plan.ts) to physical operators: one small
 * function per node kind (physical/lower/*.ts), dispatched here; plus `execute` / `collect`
 * to run a plan. The context supplies leaves that need the catalog or the collection planner
 * (`catalogContext(db)` gives the catalog one).
 *
 *     const t = await collect(plan, catalogContext(db));
 *
 * Execution types: decimals run as Float64 (operators' schemas say Float64 where the plan says
 * DECIMAL); everything else keeps its Arrow type.
 */
import type { RecordBatch, Table } from 'apache-arrow';

import { assertNever } from '../errors.js';
import type { Plan } from '../logical/plan.js';
import { lowerAggregate } from './lower/aggregate.js';
import { lowerFilter } from './lower/filter.js';
import { lowerJoin } from './lower/join.js';
import { lowerSource, lowerTableScan, lowerValues } from './lower/leaves.js';
import { lowerProject } from './lower/project.js';
import { lowerDistinct, lowerSetOp } from './lower/set-op.js';
import { lowerLimit, lowerSort } from './lower/sort.js';
import type { LowerContext } from './lower/types.js';
import { lowerUnnest } from './lower/unnest.js';
import { lowerWindow } from './lower/window.js';
import { defaultContext, type ExecContext, type PhysicalOperator } from './operator.js';
import { collect as collectOp } from './run.js';

export { catalogContext, type CatalogContextOptions, storagePredicates, type TableSource } from './lower/catalog.js';
export type { CollectionScanNode, LowerContext, TableScanNode } from './lower/types.js';

/**
 * The physical operator tree of a plan. Synchronous: nothing is opened or read. `need`: the
 * columns of the result that are read (all when absent; see {@link Recurse}).
 */
export function lower(plan: Plan, ctx: LowerContext, need?: ReadonlySet<string>): PhysicalOperator {
  const recurse = (p: Plan, n?: ReadonlySet<string>): PhysicalOperator => lower(p, ctx, n);
  switch (plan.kind) {
    case 'table_scan': return lowerTableScan(plan, ctx);
    case 'collection_scan': return ctx.collectionScan(plan);
    case 'values': return lowerValues(plan);
    case 'source': return lowerSource(plan);
    case 'filter': return lowerFilter(plan, recurse, need);
    case 'project': return lowerProject(plan, recurse);
    case 'join': return lowerJoin(plan, recurse, need);
    case 'aggregate': return lowerAggregate(plan, recurse);
    case 'window': return lowerWindow(plan, recurse);
    case 'sort': return lowerSort(plan, recurse, need);
    case 'limit': return lowerLimit(plan, recurse, need);
    case 'distinct': return lowerDistinct(plan, recurse);
    case 'set_op': return lowerSetOp(plan, recurse);
    case 'unnest': return lowerUnnest(plan, recurse);
    default: return assertNever(plan, 'plan');
  }
}

/** Runs a plan: its result batches (decimal columns as Float64). */
export function execute(plan: Plan, ctx: LowerContext, exec: ExecContext = defaultContext()): AsyncIterable<RecordBatch> {
  return lower(plan, ctx).execute(exec);
}

/** Runs a plan to completion as one Arrow Table. */
export function collect(plan: Plan, ctx: LowerContext, exec: ExecContext = defaultContext()): Promise<Table> {
  return collectOp(lower(plan, ctx), exec);
}
