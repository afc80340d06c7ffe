/**
 * Explode: a list column becomes a child level (seed 002: ".explode() is the inverse of
 * .list()"). Each element becomes a row; the other columns repeat; a u64 key column (0-based
 * position within the list) extends the key. Empty and null lists produce no rows.
 */
import { type Data, type DataType, Field, makeData, type RecordBatch, Schema, Type, Uint64 } from 'apache-arrow';

import { ExecutionError } from '../errors.js';
import { takeData } from '../storage/arrow/take.js';
import { batchOf, columnIndex, isValid } from './batches.js';
import type { ExecContext, Ordering, PhysicalOperator } from './operator.js';
import { BaseOperator, closeAll, list } from './run.js';

export interface ExplodeOptions {
  /** Name of the new key column (position within the list). Default `_pos`. */
  readonly indexName?: string;
}

export class ExplodeOp extends BaseOperator {
  readonly name = 'Explode';
  readonly indexName: string;

  /**
   * @param child      a stream sorted and unique by its keys
   * @param listColumn a List column of the child
   * Output: the child's columns with `listColumn` holding one element per row, then the index
   * column; ordering = the child's keys + the index.
   */
  constructor(
    child: PhysicalOperator,
    readonly listColumn: string,
    opts: ExplodeOptions = {},
  ) {
    const indexName = opts.indexName ?? '_pos';
    const at = columnIndex(child.schema, listColumn, 'Explode');
    const lf = child.schema.fields[at]!;
    if (lf.type.typeId !== Type.List) throw new ExecutionError('invalid-argument', `Explode: column "${listColumn}" is ${String(lf.type)}, not a list`);
    if (child.ordering.keys.includes(listColumn)) throw new ExecutionError('invalid-argument', `Explode: "${listColumn}" is a key column`);
    if (child.schema.fields.some((f) => f.name === indexName)) throw new ExecutionError('invalid-argument', `Explode: the input already has a column "${indexName}"`);
    const element = new Field(listColumn, (lf.type as DataType).children[0]!.type as DataType, true);
    const fields = child.schema.fields.map((f, i) => (i === at ? element : f));
    super(new Schema([...fields, new Field(indexName, new Uint64(), false)]), [child], { keys: [...child.ordering.keys, indexName] });
    this.indexName = indexName;
  }

  requiredInputOrdering(): readonly (Ordering | null)[] {
    return [null];
  }

  maintainsInputOrder(): readonly boolean[] {
    return [true];
  }

  displayParams(): readonly (readonly [string, string])[] {
    return [
      ['list', this.listColumn],
      ['index', this.indexName],
      ['keys', list(this.ordering.keys)],
    ];
  }

  withChildren(children: readonly PhysicalOperator[]): PhysicalOperator {
    if (children.length !== 1) throw new ExecutionError('invalid-argument', 'Explode takes one child');
    return new ExplodeOp(children[0]!, this.listColumn, { indexName: this.indexName });
  }

  protected async *run(ctx: ExecContext): AsyncGenerator<RecordBatch, void, undefined> {
    const input = this.input(0, ctx);
    try {
      for (let b = await input.next(); b !== null; b = await input.next()) {
        if (b.numRows === 0) continue;
        const out = this.explode(b);
        this.hold(b.numRows + out.numRows);
        for (let at = 0; at < out.numRows; at += ctx.batchRows) yield out.slice(at, Math.min(out.numRows, at + ctx.batchRows));
      }
    } finally {
      await closeAll([input]);
    }
  }

  private explode(b: RecordBatch): RecordBatch {
    const la = columnIndex(b.schema, this.listColumn, 'Explode');
    const lists = b.data.children[la]!;
    const offs = lists.valueOffsets as Int32Array;
    const n = b.numRows;
    let total = 0;
    let contiguous = true; // every list's elements lie back to back (null lists are empty)
    for (let i = 0; i < n; i++) {
      const len = offs[i + 1]! - offs[i]!;
      if (isValid(lists, i)) total += len;
      else if (len > 0) contiguous = false;
    }
    const rep = new Uint32Array(total);
    const words = new Uint32Array(total * 2);
    const elem = contiguous ? null : new Uint32Array(total);
    let t = 0;
    for (let i = 0; i < n; i++) {
      if (!isValid(lists, i)) continue;
      const a = offs[i]!, len = offs[i + 1]! - a;
      for (let k = 0; k < len; k++, t++) {
        rep[t] = i;
        words[2 * t] = k;
        if (elem) elem[t] = a + k;
      }
    }
    const values = lists.children[0]!;
    const elements: Data = elem ? takeData(values, elem) : values.slice(offs[0]!, total);
    const cols = b.data.children.map((c, k) => (k === la ? elements : takeData(c, rep)));
    cols.push(makeData({ type: new Uint64(), length: total, nullCount: 0, data: new BigUint64Array(words.buffer) }));
    return batchOf(this.schema, cols, total);
  }
}
