/**
 * Values: a source over in-memory record batches (tests, literals, small inputs). It yields the
 * batches as given and trusts the declared ordering; operators that depend on order check it.
 */
import type { RecordBatch, Schema } from 'apache-arrow';

import { ExecutionError } from '../errors.js';
import { checkAbort, type ExecContext, fieldsOf, type Ordering, type PhysicalOperator } from './operator.js';
import { BaseOperator, list } from './run.js';

export class ValuesOp extends BaseOperator {
  readonly name = 'Values';

  /**
   * @param schema   the schema of every batch
   * @param batches  the rows, in order (empty batches allowed)
   * @param ordering the key columns the rows are sorted and unique by (`{ keys: [] }`: none)
   */
  constructor(
    schema: Schema,
    readonly batches: readonly RecordBatch[],
    ordering: Ordering,
  ) {
    super(schema, [], ordering);
    fieldsOf(schema, ordering.keys);
    for (const b of batches) {
      if (b.schema.fields.length !== schema.fields.length || b.schema.fields.some((f, i) => f.name !== schema.fields[i]!.name)) {
        throw new ExecutionError('invalid-argument', `Values: a batch has columns (${b.schema.names.join(', ')}), expected (${schema.names.join(', ')})`);
      }
    }
  }

  requiredInputOrdering(): readonly (Ordering | null)[] {
    return [];
  }

  maintainsInputOrder(): readonly boolean[] {
    return [];
  }

  displayParams(): readonly (readonly [string, string])[] {
    const rows = this.batches.reduce((s, b) => s + b.numRows, 0);
    return [
      ['rows', String(rows)],
      ['batches', String(this.batches.length)],
      ['keys', list(this.ordering.keys)],
    ];
  }

  withChildren(children: readonly PhysicalOperator[]): PhysicalOperator {
    if (children.length !== 0) throw new ExecutionError('invalid-argument', 'Values has no children');
    return new ValuesOp(this.schema, this.batches, this.ordering);
  }

  protected async *run(ctx: ExecContext): AsyncGenerator<RecordBatch, void, undefined> {
    for (const b of this.batches) {
      checkAbort(ctx);
      this.hold(b.numRows);
      yield b;
    }
  }
}
