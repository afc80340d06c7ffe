/**
 * Zip: the lockstep walk of two streams with identical key sets (seed 002: "when two streams
 * have identical key sets … the join degenerates to a zip"). Batches of the two sides need not
 * line up: each step takes the longest run both current batches still have, checks that the run's
 * keys are equal with one byte comparison (normalized keys are self-delimiting, so equal bytes
 * mean equal key sequences), and emits zero-copy slices of both sides. When both sides' batches
 * align, output batches are the input batches' columns side by side, without any copy.
 */
import type { Data, Field, RecordBatch } from 'apache-arrow';
import { Schema } from 'apache-arrow';

import { ExecutionError, InternalError } from '../errors.js';
import { compareKeys, keyAt } from '../storage/tables/key-codec.js';
import { batchOf, columnOf, Emitter, sameType } from './batches.js';
import { KeyCursor, sameKeyRun } from './key-cursor.js';
import { type ExecContext, fieldsOf, type Ordering, type PhysicalOperator } from './operator.js';
import { BaseOperator, closeAll, list } from './run.js';

export class ZipOp extends BaseOperator {
  readonly name = 'Zip';
  private readonly keyFields: readonly Field[];
  private readonly leftCols: readonly Field[];
  private readonly rightCols: readonly Field[];

  /**
   * @param left  a stream sorted and unique by its ordering keys
   * @param right a stream with the same key columns and exactly the same keys
   * Output: the keys, then left's non-key columns, then right's; ordering = the keys.
   */
  constructor(left: PhysicalOperator, right: PhysicalOperator) {
    const keys = left.ordering.keys;
    if (keys.length === 0) throw new ExecutionError('invalid-argument', 'Zip: the inputs have no key ordering');
    if (keys.join('\u0000') !== right.ordering.keys.join('\u0000')) {
      throw new ExecutionError('invalid-argument', `Zip: inputs are ordered by different keys: ${list(keys)} vs ${list(right.ordering.keys)}`);
    }
    const keyFields = fieldsOf(left.schema, keys);
    fieldsOf(right.schema, keys).forEach((f, i) => {
      if (!sameType(f, keyFields[i]!)) throw new ExecutionError('invalid-argument', `Zip: key "${f.name}" is ${String(keyFields[i]!.type)} on the left, ${String(f.type)} on the right`);
    });
    const leftCols = left.schema.fields.filter((f) => !keys.includes(f.name));
    const rightCols = right.schema.fields.filter((f) => !keys.includes(f.name));
    const clash = rightCols.find((f) => leftCols.some((g) => g.name === f.name));
    if (clash) throw new ExecutionError('invalid-argument', `Zip: both inputs have a column "${clash.name}"`);
    super(new Schema([...keyFields, ...leftCols, ...rightCols]), [left, right], { keys });
    this.keyFields = keyFields;
    this.leftCols = leftCols;
    this.rightCols = rightCols;
  }

  requiredInputOrdering(): readonly (Ordering | null)[] {
    return [this.ordering, this.ordering];
  }

  maintainsInputOrder(): readonly boolean[] {
    return [true, true];
  }

  displayParams(): readonly (readonly [string, string])[] {
    return [['keys', list(this.ordering.keys)]];
  }

  withChildren(children: readonly PhysicalOperator[]): PhysicalOperator {
    if (children.length !== 2) throw new ExecutionError('invalid-argument', 'Zip takes two children');
    return new ZipOp(children[0]!, children[1]!);
  }

  protected async *run(ctx: ExecContext): AsyncGenerator<RecordBatch, void, undefined> {
    const li = this.input(0, ctx), ri = this.input(1, ctx);
    const L = new KeyCursor(li, this.keyFields, { op: 'Zip', side: 'left', strict: true });
    // The right side is compared key by key with the (checked) left side, so equal ⇒ sorted.
    const R = new KeyCursor(ri, this.keyFields, { op: 'Zip', side: 'right', strict: false });
    const out = new Emitter(ctx.batchRows);
    try {
      for (;;) {
        const hasL = await L.ready(), hasR = await R.ready();
        if (!hasL || !hasR) {
          if (hasL || hasR) this.misaligned(hasL ? L : R, hasL ? 'left' : 'right', null);
          break;
        }
        const n = Math.min(L.length - L.row, R.length - R.row);
        if (!sameKeyRun(L.keys, L.row, R.keys, R.row, n)) this.mismatch(L, R, n);
        out.push(this.piece(L, R, n));
        L.row += n;
        R.row += n;
        this.hold(L.length + R.length + out.heldRows);
        yield* out.drain();
      }
      out.flush();
      yield* out.drain();
    } finally {
      await closeAll([li, ri]);
    }
  }

  private piece(L: KeyCursor, R: KeyCursor, n: number): RecordBatch {
    const lb = L.batch!, rb = R.batch!;
    const cut = (b: RecordBatch, at: number, f: Field): Data => {
      const d = columnOf(b, f.name, 'Zip');
      return at === 0 && n === d.length ? d : d.slice(at, n);
    };
    const cols = [
      ...this.keyFields.map((f) => cut(lb, L.row, f)),
      ...this.leftCols.map((f) => cut(lb, L.row, f)),
      ...this.rightCols.map((f) => cut(rb, R.row, f)),
    ];
    return batchOf(this.schema, cols, n);
  }

  private mismatch(L: KeyCursor, R: KeyCursor, n: number): never {
    for (let k = 0; k < n; k++) {
      const c = compareKeys(L.keys, L.row + k, R.keys, R.row + k);
      if (c !== 0) {
        L.row += k;
        R.row += k;
        // The smaller key is the one the other side lacks.
        this.misaligned(c < 0 ? L : R, c < 0 ? 'left' : 'right', c < 0 ? R : L);
      }
    }
    throw new InternalError('Zip: key runs differ but no single key does');
  }

  private misaligned(extra: KeyCursor, side: string, other: KeyCursor | null): never {
    const key = extra.codec.format(keyAt(extra.keys, extra.row));
    const there = other ? `; the ${side === 'left' ? 'right' : 'left'} side has (${other.codec.format(keyAt(other.keys, other.row))}) there` : ', the other side has ended';
    throw new ExecutionError('misaligned-input', `Zip: only the ${side} input has the key (${key})${there}`, { details: { side } });
  }
}
