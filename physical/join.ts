/**
 * MergeJoin: the sort-merge join of a collection tree, on a shared key prefix (seed 002: "joins
 * between them are sort-merge joins"). One side drives (every output row is one of its rows, in
 * its order); the other is looked up by the driver's first k key columns, where it is unique.
 *
 * - `broadcast` (inner): left = parent, keyed by P; right = child, keyed by C with P a prefix
 *   of C. Every child row that has a parent gets the parent's columns; orphans are dropped.
 *   Output ordering = the child's keys.
 * - `left`: left = a domain keyed by L; right = rows keyed by a prefix P of L (normally P = L,
 *   e.g. a reduction of the domain's children). Every left row is kept, with right's columns or,
 *   where right has no row, nulls or per-column fill values (count → 0, list → []).
 *   Output ordering = the left keys.
 *
 * Output columns: the driver's keys, then left's non-key columns, then right's. Both streams are
 * walked forward once; output pieces are cut where either side's batch ends.
 */
import { type Data, type DataType, type Field, type RecordBatch, Schema } from 'apache-arrow';

import { ExecutionError } from '../errors.js';
import { takeData } from '../storage/arrow/take.js';
import { compareBytes, keyAt } from '../storage/tables/key-codec.js';
import { batchOf, columnOf, Emitter, Grow, NONE, sameType, scalarData, takeOrFill } from './batches.js';
import { KeyCursor, runEnd, seekTo } from './key-cursor.js';
import { type ExecContext, fieldsOf, isPrefix, type Ordering, type PhysicalOperator } from './operator.js';
import { BaseOperator, closeAll, list } from './run.js';

export type MergeJoinKind = 'broadcast' | 'left';

export interface MergeJoinSpec {
  readonly kind: MergeJoinKind;
  /** `left` only: the value of a right column where a left row has no match (default null). */
  readonly fill?: Readonly<Record<string, unknown>>;
  /** Send seek bounds to the inputs as the walk moves on (default true; ExecContext.sideways can veto). */
  readonly sideways?: boolean;
}

/** Where an output column comes from. */
interface OutCol {
  readonly field: Field;
  readonly fromDriver: boolean;
  readonly fill: Data | undefined;
}

export class MergeJoinOp extends BaseOperator {
  readonly name = 'MergeJoin';
  private readonly driver: 0 | 1;
  private readonly prefix: readonly string[];
  private readonly cols: readonly OutCol[];

  /**
   * @param left  broadcast: the parent (keys P); left: the domain (keys L)
   * @param right broadcast: the child (keys C, P a prefix of C); left: rows keyed by P, a prefix of L
   */
  constructor(
    left: PhysicalOperator,
    right: PhysicalOperator,
    readonly spec: MergeJoinSpec,
  ) {
    const broadcast = spec.kind === 'broadcast';
    const [parent, child] = broadcast ? [left, right] : [right, left];
    const prefix = parent.ordering.keys;
    const keys = child.ordering.keys;
    if (prefix.length === 0 || !isPrefix(prefix, keys)) {
      const [pn, cn] = broadcast ? ['left (parent)', 'right (child)'] : ['right', 'left'];
      throw new ExecutionError('invalid-argument', `MergeJoin(${spec.kind}): the ${pn} keys ${list(prefix)} must be a non-empty prefix of the ${cn} keys ${list(keys)}`);
    }
    fieldsOf(parent.schema, prefix).forEach((f, i) => {
      const g = fieldsOf(child.schema, prefix)[i]!;
      if (!sameType(f, g)) throw new ExecutionError('invalid-argument', `MergeJoin: key "${f.name}" is ${String(f.type)} on one side and ${String(g.type)} on the other`);
    });
    if (!broadcast && spec.fill) {
      for (const name of Object.keys(spec.fill)) fieldsOf(right.schema, [name]);
    } else if (spec.fill && Object.keys(spec.fill).length > 0) {
      throw new ExecutionError('invalid-argument', 'MergeJoin: fill values only apply to a left join');
    }
    const cols: OutCol[] = fieldsOf(child.schema, keys).map((field) => ({ field, fromDriver: true, fill: undefined }));
    const add = (op: PhysicalOperator, fromDriver: boolean): void => {
      for (const f of op.schema.fields) {
        if (op.ordering.keys.includes(f.name)) continue;
        if (cols.some((c) => c.field.name === f.name)) throw new ExecutionError('invalid-argument', `MergeJoin: both inputs have a column "${f.name}"`);
        const fillValue = fromDriver ? undefined : spec.fill?.[f.name];
        const fill = fillValue === undefined ? undefined : scalarData(f.type as DataType, fillValue, `MergeJoin fill for "${f.name}"`);
        const nullable = f.nullable || (!broadcast && !fromDriver && fill === undefined);
        cols.push({ field: nullable === f.nullable ? f : f.clone({ nullable }), fromDriver, fill });
      }
    };
    add(left, !broadcast);
    add(right, broadcast);
    super(new Schema(cols.map((c) => c.field)), [left, right], { keys });
    this.driver = broadcast ? 1 : 0;
    this.prefix = prefix;
    this.cols = cols;
  }

  requiredInputOrdering(): readonly (Ordering | null)[] {
    return [this.children[0]!.ordering, this.children[1]!.ordering];
  }

  maintainsInputOrder(): readonly boolean[] {
    return this.driver === 1 ? [false, true] : [true, false];
  }

  displayParams(): readonly (readonly [string, string])[] {
    const ps: [string, string][] = [
      ['kind', this.spec.kind],
      ['on', list(this.prefix)],
    ];
    if (this.spec.sideways === true) ps.push(['sideways', 'on']);
    if (this.spec.fill) ps.push(['fill', JSON.stringify(this.spec.fill, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v))]);
    return ps;
  }

  withChildren(children: readonly PhysicalOperator[]): PhysicalOperator {
    if (children.length !== 2) throw new ExecutionError('invalid-argument', 'MergeJoin takes two children');
    return new MergeJoinOp(children[0]!, children[1]!, this.spec);
  }

  protected async *run(ctx: ExecContext): AsyncGenerator<RecordBatch, void, undefined> {
    const inner = this.spec.kind === 'broadcast';
    const di = this.input(this.driver, ctx), ui = this.input(1 - this.driver, ctx);
    const sides = inner ? ['right (child)', 'left (parent)'] : ['left', 'right'];
    const D = new KeyCursor(di, fieldsOf(this.children[this.driver]!.schema, this.prefix), { op: 'MergeJoin', side: sides[0]!, strict: false });
    const U = new KeyCursor(ui, fieldsOf(this.children[1 - this.driver]!.schema, this.prefix), { op: 'MergeJoin', side: sides[1]!, strict: true });
    const out = new Emitter(ctx.batchRows);
    const keep = new Grow(Uint32Array, 256);
    const look = new Grow(Uint32Array, 256);
    const flush = (): void => {
      if (keep.length > 0) out.push(this.piece(D.batch!, keep.drain(), U.batch, look.drain()));
    };
    const sip = this.spec.sideways !== false && ctx.sideways !== false;
    try {
      // Inner: the lookup side's first key is where the driver can start (sent before it reads anything).
      if (inner && (await U.ready()) && sip) this.sideways(this.driver, keyAt(U.keys, U.row));
      // Inner: once the lookup side is used up no driver row can match, so the driver is not read on.
      while (!(inner && U.done) && (await D.ready())) {
        const dk = D.keys, n = D.length;
        for (let i = 0; i < n; ) {
          const e = runEnd(dk, i);
          let match = NONE;
          for (;;) {
            if (!U.hasRow) {
              if (U.done) break;
              flush(); // the pending piece refers to the lookup batch about to be dropped
              // Sideways: the lookup side's rows below the driver's key are never needed.
              if (sip) this.sideways(1 - this.driver, keyAt(dk, i));
              await U.load();
              continue;
            }
            U.row = seekTo(U.keys, U.row, dk, i);
            if (U.row < U.length) {
              if (U.compareTo(dk, i) === 0) match = U.row;
              // Sideways (inner): driver rows below the next parent have no parent: skip them.
              else if (inner && sip) this.sideways(this.driver, keyAt(U.keys, U.row));
              break;
            }
          }
          if (match !== NONE || !inner) {
            keep.pushRange(i, e);
            for (let k = i; k < e; k++) look.push(match);
          }
          i = e;
        }
        flush();
        D.row = n;
        this.hold(n + U.length + out.heldRows);
        yield* out.drain();
      }
      out.flush();
      yield* out.drain();
    } finally {
      await closeAll([di, ui]);
    }
  }

  private lastSeek: [Uint8Array | null, Uint8Array | null] = [null, null];

  /** Passes a seek bound on the join prefix to child `side` (once per new bound). */
  private sideways(side: number, bytes: Uint8Array): void {
    const prev = this.lastSeek[side as 0 | 1];
    if (prev && compareBytes(bytes, prev) <= 0) return;
    this.lastSeek[side as 0 | 1] = bytes;
    this.metrics.seeks++;
    this.children[side]!.seek({ keys: this.prefix, bytes });
  }

  /** Driver rows `keep` of `db` with lookup rows `look` (NONE: no match) of `ub`. */
  private piece(db: RecordBatch, keep: Uint32Array, ub: RecordBatch | null, look: Uint32Array): RecordBatch {
    const n = keep.length;
    const contiguous = keep[n - 1]! - keep[0]! === n - 1;
    const cols = this.cols.map((c) => {
      if (c.fromDriver) {
        const d = columnOf(db, c.field.name, 'MergeJoin');
        return contiguous ? (n === d.length ? d : d.slice(keep[0]!, n)) : takeData(d, keep);
      }
      const d = ub ? columnOf(ub, c.field.name, 'MergeJoin') : null;
      return takeOrFill(c.field.type as DataType, d, look, c.fill);
    });
    return batchOf(this.schema, cols, n);
  }
}
