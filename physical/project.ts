/**
 * Project: computes output columns from each input batch (column picks, renames, scalar
 * expressions). Keeps the input's order; the output ordering is the input's keys when all of
 * them are kept under the same names, else none.
 */
import { type Data, Field, type RecordBatch, Schema } from 'apache-arrow';

import { ExecutionError } from '../errors.js';
import { batchOf } from './batches.js';
import type { ExecContext, Ordering, PhysicalOperator } from './operator.js';
import { BaseOperator, closeAll } from './run.js';

export interface ProjectColumn {
  readonly field: Field;
  /** The column's values for one input batch. */
  readonly compute: (batch: RecordBatch) => Data;
  /** How EXPLAIN shows it. */
  readonly label: string;
}

/** A column copied from the input (optionally renamed). */
export function pickColumn(input: Schema, name: string, as = name): ProjectColumn {
  const i = input.fields.findIndex((f) => f.name === name);
  if (i < 0) throw new ExecutionError('unknown-column', `Project: no column "${name}" in (${input.fields.map((f) => f.name).join(', ')})`);
  const f = input.fields[i]!;
  return { field: new Field(as, f.type, f.nullable), compute: (b) => b.data.children[i]!, label: as === name ? name : `${name} AS ${as}` };
}

export class ProjectOp extends BaseOperator {
  readonly name = 'Project';

  constructor(
    child: PhysicalOperator,
    readonly columns: readonly ProjectColumn[],
  ) {
    const names = new Set(columns.map((c) => c.field.name));
    const keys = child.ordering.keys;
    super(new Schema(columns.map((c) => c.field)), [child], { keys: keys.every((k) => names.has(k)) ? [...keys] : [] });
  }

  requiredInputOrdering(): readonly (Ordering | null)[] {
    return [null];
  }

  maintainsInputOrder(): readonly boolean[] {
    return [true];
  }

  displayParams(): readonly (readonly [string, string])[] {
    return [['columns', this.columns.map((c) => c.label).join(', ')]];
  }

  withChildren(children: readonly PhysicalOperator[]): PhysicalOperator {
    if (children.length !== 1) throw new ExecutionError('invalid-argument', 'Project takes one child');
    return new ProjectOp(children[0]!, this.columns);
  }

  protected async *run(ctx: ExecContext): AsyncGenerator<RecordBatch, void, undefined> {
    const input = this.input(0, ctx);
    try {
      for (let b = await input.next(); b !== null; b = await input.next()) {
        if (b.numRows === 0) continue;
        this.hold(b.numRows);
        yield batchOf(this.schema, this.columns.map((c) => c.compute(b)), b.numRows);
      }
    } finally {
      await closeAll([input]);
    }
  }
}
