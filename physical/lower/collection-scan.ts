/**
 * CollectionScan: a `collection_scan` plan node (level expressions over a dataset, built by the
 * SQL binder) run through the collection planner: the dataset is opened and the scan planned
 * on the first pull (lowering is synchronous, opening a dataset is not), as `Dataset.scan`
 * does. Output columns are cast to the node's declared types where the planner's differ (e.g.
 * a computed expression planned as DOUBLE for a BIGINT column).
 */
import type { RecordBatch, Schema } from 'apache-arrow';

import { PlanError } from '../../errors.js';
import { formatExpr, levelOf } from '../../logical/expr.js';
import { ExprRef } from '../../logical/fluent.js';
import { sameType } from '../../logical/functions.js';
import type { Database } from '../../storage/tables/catalog.js';
import { Dataset, DatasetScan } from '../dataset.js';
import { compileScalar } from '../expr/compile.js';
import { toData } from '../expr/col.js';
import type { ExecContext, Ordering, PhysicalOperator } from '../operator.js';
import { BaseOperator, list } from '../run.js';
import { physicalSchema, UNORDERED } from '../rel/common.js';
import { batchFrom } from '../rel/gather.js';
import type { CollectionScanNode } from './types.js';

export class CollectionScanOp extends BaseOperator {
  readonly name = 'CollectionScan';

  constructor(
    readonly node: CollectionScanNode,
    private readonly db: Database,
  ) {
    super(physicalSchema(node.schema), [], UNORDERED);
  }

  requiredInputOrdering(): readonly (Ordering | null)[] {
    return [];
  }

  maintainsInputOrder(): readonly boolean[] {
    return [];
  }

  displayParams(): readonly (readonly [string, string])[] {
    const n = this.node;
    // Level filters ride on the items' levels (`where` of a collection): show each once.
    const filters = new Set<string>();
    for (const i of n.items) for (const f of levelOf(i.expr)?.filters ?? []) filters.add(formatExpr(f.pred));
    return [
      ['dataset', n.dataset + (n.asof !== null ? ` AS OF ${String(n.asof)}` : '')],
      ['items', list(n.items.map((i) => `${formatExpr(i.expr)} AS ${i.name}`))],
      ...(filters.size ? [['filters', list([...filters])] as const] : []),
      ...(n.where ? [['where', formatExpr(n.where)] as const] : []),
    ];
  }

  withChildren(): PhysicalOperator {
    return new CollectionScanOp(this.node, this.db);
  }

  /** The dataset scan this node runs (EXPLAIN DATA explains it). */
  async datasetScan(): Promise<DatasetScan> {
    const n = this.node;
    const ds = await Dataset.open(this.db, n.dataset);
    const outputs = n.items.map((i) => ({ name: i.name, expr: i.expr }));
    const shape = n.items.map((i) => ({ name: i.name, column: i.name }));
    return new DatasetScan(ds, outputs, { ...(n.where ? { where: new ExprRef(n.where) } : {}), ...(n.asof !== null ? { asof: n.asof } : {}) }, shape);
  }

  protected async *run(ctx: ExecContext): AsyncGenerator<RecordBatch, void, undefined> {
    const scan = await this.datasetScan();
    let casts: ((b: RecordBatch) => RecordBatch) | null | undefined;
    for await (const b of scan.toRecordBatches(ctx)) {
      casts ??= conformer(b.schema, this.schema);
      this.hold(b.numRows);
      yield casts ? casts(b) : b;
    }
  }
}

/** A function casting batches of `from` to the types of `to` (null when they already match). */
function conformer(from: Schema, to: Schema): ((b: RecordBatch) => RecordBatch) | null {
  if (from.fields.length !== to.fields.length) throw new PlanError('internal', `collection scan produced ${from.fields.length} columns, ${to.fields.length} expected`);
  if (from.fields.every((f, i) => sameType(f.type, to.fields[i]!.type))) return null;
  const exprs = to.fields.map((f, i) => {
    const src = from.fields[i]!;
    return sameType(src.type, f.type) ? null : compileScalar({ kind: 'cast', arg: { kind: 'column', name: src.name, type: src.type }, type: f.type, safe: false }, from);
  });
  return (b) => batchFrom(to, b.data.children.map((d, i) => (exprs[i] ? toData(exprs[i].evaluate(b.data.children, b.numRows)) : d)), b.numRows);
}

/** The lowering of collection scans over a Database's datasets. */
export const collectionScanOf = (db: Database) => (node: CollectionScanNode): PhysicalOperator => new CollectionScanOp(node, db);
