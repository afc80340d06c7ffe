/**
 * Compiles a Scalar (logical/plan.ts) once per operator into an evaluator over a batch's
 * column Data: column references become indices, constant subtrees are folded, every call
 * gets its kernel (registry.ts) built for its static types. Evaluation is column-at-a-time.
 *
 * Trees of double + - * / are fused into one loop (fused-arith.ts).
 *
 * CASE and AND / OR evaluate every branch on all rows (fast, vectorised); when a branch
 * raises an error (e.g. a failing CAST) the node re-evaluates that branch only on the rows
 * that reach it, so errors never come from rows SQL would not evaluate.
 */
import { type Data, type DataType, type RecordBatch, type Schema, Type } from 'apache-arrow';

import { EngineError, InternalError } from '../../errors.js';
import type { Scalar } from '../../logical/plan.js';
import { takeData } from '../../storage/arrow/take.js';
import { bytesFor, getBit, selectionOf, setBit } from './bits.js';
import { castKernel } from './cast.js';
import { type Col, constCol, decimalToNumber, flatCol, fromData, isNullAt, valueAt } from './col.js';
import { type Kernel, type KernelContext, physicalType, rowWriter } from './kernel.js';
import { fusedArith } from './fused-arith.js';
import { inListKernel, pickRows } from './logic.js';
import { kernelFactory, VOLATILE } from './registry.js';

/** A compiled expression. */
export interface CompiledScalar {
  /** Physical result type (decimals are Float64). */
  readonly type: DataType;
  /** Set when the expression is constant (its value, physical). */
  readonly isConst: boolean;
  readonly constValue: unknown;
  /** Input column indices the expression reads. */
  readonly inputs: readonly number[];
  /** Evaluates over the columns of a batch (`cols[i]` is input column i) with n rows. */
  evaluate(cols: readonly Data[], n: number): Col;
}

interface Node {
  readonly type: DataType;
  /** undefined: not constant. */
  readonly constant: { value: unknown } | undefined;
  readonly inputs: ReadonlySet<number>;
  run(cols: readonly Data[], n: number): Col;
}

export const defaultKernelContext = (): KernelContext => ({ now: new Date() });

/** Compiles `s` over an input of `schema`. */
export function compileScalar(s: Scalar, schema: Schema, ctx: KernelContext = defaultKernelContext()): CompiledScalar {
  const node = compileNode(s, schema, ctx);
  return {
    type: node.type,
    isConst: node.constant !== undefined,
    constValue: node.constant?.value ?? null,
    inputs: [...node.inputs].sort((a, b) => a - b),
    evaluate: (cols, n) => {
      const c = node.run(cols, n);
      return c.length === n ? c : { ...c, length: n };
    },
  };
}

/**
 * Compiles several expressions over one input with common subexpressions shared: a subtree
 * that occurs in several of them (or twice in one) is evaluated once per batch (e.g. TPC-H
 * Q1's `l_extendedprice * (1 - l_discount)` inside two sums).
 */
export function compileScalars(exprs: readonly Scalar[], schema: Schema, ctx: KernelContext = defaultKernelContext()): CompiledScalar[] {
  const memo = new Map<string, Node>();
  return exprs.map((s) => {
    const node = compileNode(s, schema, ctx, memo);
    return {
      type: node.type,
      isConst: node.constant !== undefined,
      constValue: node.constant?.value ?? null,
      inputs: [...node.inputs].sort((a, b) => a - b),
      evaluate: (cols: readonly Data[], n: number) => {
        const c = node.run(cols, n);
        return c.length === n ? c : { ...c, length: n };
      },
    };
  });
}

const structKey = (s: Scalar): string => JSON.stringify(s, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : typeof v === 'object' && v !== null && 'typeId' in v ? String(v) : v));

/** A node whose result is kept for the batch it was last run on (shared subexpressions). */
function cached(node: Node): Node {
  let lastCols: readonly Data[] | null = null, lastN = -1, last: Col | null = null;
  return {
    ...node,
    run(cols, n) {
      if (cols === lastCols && n === lastN && last) return last;
      last = node.run(cols, n);
      lastCols = cols;
      lastN = n;
      return last;
    },
  };
}

/** Evaluates a compiled expression on a batch. */
export const evaluate = (c: CompiledScalar, batch: RecordBatch): Col => c.evaluate(batch.data.children, batch.numRows);

const constNode = (type: DataType, value: unknown): Node => ({
  type,
  constant: { value },
  inputs: new Set(),
  run: (_c, n) => constCol(type, value, n),
});

/** A column of input Data as a Col, decimals converted to Float64. */
export function inputCol(d: Data): Col {
  if (d.type.typeId !== Type.Decimal) return fromData(d);
  const c = fromData(d);
  const scale = (d.type as unknown as { scale: number }).scale;
  const out = new Float64Array(d.length);
  for (let i = 0; i < d.length; i++) out[i] = decimalToNumber(c.values as Uint32Array, i, scale);
  return flatCol(physicalType(d.type), d.length, out, c.validity);
}

function compileNode(s: Scalar, schema: Schema, ctx: KernelContext, memo?: Map<string, Node>): Node {
  if (!memo || s.kind === 'column' || s.kind === 'literal') return compileFresh(s, schema, ctx, memo);
  const key = structKey(s);
  let node = memo.get(key);
  if (!node) {
    const fresh = compileFresh(s, schema, ctx, memo);
    node = fresh.constant !== undefined ? fresh : cached(fresh);
    memo.set(key, node);
  }
  return node;
}

function compileFresh(s: Scalar, schema: Schema, ctx: KernelContext, memo?: Map<string, Node>): Node {
  switch (s.kind) {
    case 'column': {
      const idx = schema.fields.findIndex((f) => f.name === s.name);
      if (idx < 0) throw new EngineError('unknown-column', `no column "${s.name}" in (${schema.names.join(', ')})`);
      return { type: physicalType(s.type), constant: undefined, inputs: new Set([idx]), run: (cols) => inputCol(cols[idx]!) };
    }
    case 'literal':
      return constNode(physicalType(s.type), s.value === null ? null : s.type.typeId === Type.Decimal ? Number(s.value) : s.value);
    case 'cast': {
      const arg = compileNode(s.arg, schema, ctx, memo);
      return kernelNode(castKernel(arg.type, s.type, s.safe), physicalType(s.type), [arg], true);
    }
    case 'call': {
      // A tree of double arithmetic runs as one loop (fused-arith.ts).
      const fused = fusedArith(s, (x) => compileNode(x, schema, ctx, memo));
      if (fused) return fused;
      const args = s.args.map((a) => compileNode(a, schema, ctx, memo));
      if (s.fn === 'and' || s.fn === 'or') return connectiveNode(s.fn, args, physicalType(s.type), ctx);
      if (s.fn === 'coalesce') return coalesceNode(args, physicalType(s.type));
      const type = physicalType(s.type);
      const consts = args.map((a) => (a.constant !== undefined ? constCol(a.type, a.constant.value, 1) : null));
      const kernel = kernelFactory(s.fn)({ name: s.fn, args: args.map((a) => a.type), result: type, consts, ctx });
      return kernelNode(kernel, type, args, !VOLATILE.has(s.fn));
    }
    case 'in_list': {
      const arg = compileNode(s.arg, schema, ctx, memo);
      const list = s.list.map((x) => compileNode(x, schema, ctx, memo));
      return kernelNode(inListKernel(physicalType(s.type), arg.type, s.negated), physicalType(s.type), [arg, ...list], true);
    }
    case 'case':
      return caseNode(s, schema, ctx, memo);
  }
}

function unionInputs(nodes: readonly Node[]): Set<number> {
  const out = new Set<number>();
  for (const n of nodes) for (const i of n.inputs) out.add(i);
  return out;
}

function kernelNode(kernel: Kernel, type: DataType, args: readonly Node[], foldable: boolean): Node {
  if (foldable && args.every((a) => a.constant !== undefined)) {
    // A constant that fails (overflow, bad cast) is not folded: it fails only if rows reach it.
    try {
      const r = kernel(args.map((a) => constCol(a.type, a.constant!.value, 1)), 1);
      return constNode(type, valueAt(r, 0));
    } catch (e) {
      if (!(e instanceof EngineError) || e instanceof InternalError) throw e;
    }
  }
  return {
    type,
    constant: undefined,
    inputs: unionInputs(args),
    run: (cols, n) => (n === 0 ? constCol(type, null, 0) : kernel(args.map((a) => a.run(cols, n)), n)),
  };
}

/** Rows `sel` of the input columns the node reads (others left as they are: unread). */
function gatherInputs(cols: readonly Data[], inputs: ReadonlySet<number>, sel: Uint32Array): Data[] {
  return cols.map((c, i) => (inputs.has(i) ? takeData(c, sel) : c));
}

/** A column of n rows holding `part` (rows of `sel`) and nulls elsewhere. */
function scatter(part: Col, sel: Uint32Array, n: number): Col {
  const w = rowWriter(part.type, n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    if (k < sel.length && sel[k] === i) w.set(i, valueAt(part, k++));
    else w.set(i, null);
  }
  return w.finish();
}

/** Runs `node` on all rows, or, when that fails, only on the rows in `sel` (others null). */
function runGuarded(node: Node, cols: readonly Data[], n: number, sel: () => Uint32Array): Col {
  try {
    return node.run(cols, n);
  } catch (e) {
    if (!(e instanceof EngineError) || e instanceof InternalError) throw e;
    const rows = sel();
    if (rows.length === n) throw e;
    return scatter(node.run(gatherInputs(cols, node.inputs, rows), rows.length), rows, n);
  }
}

function connectiveNode(fn: 'and' | 'or', args: readonly Node[], type: DataType, ctx: KernelContext): Node {
  const kernel = kernelFactory(fn)({ name: fn, args: args.map((a) => a.type), result: type, consts: args.map(() => null), ctx });
  const folded = kernelNode(kernel, type, args, true);
  if (folded.constant !== undefined) return folded;
  return {
    type,
    constant: undefined,
    inputs: unionInputs(args),
    run(cols, n) {
      const done: Col[] = [];
      for (const a of args) {
        // Rows still undecided: AND — none false so far; OR — none true so far.
        done.push(runGuarded(a, cols, n, () => undecided(fn, done, n)));
      }
      return kernel(done, n);
    },
  };
}

function undecided(fn: 'and' | 'or', done: readonly Col[], n: number): Uint32Array {
  const open = new Uint8Array(bytesFor(n)).fill(0xff);
  for (const c of done) {
    for (let i = 0; i < n; i++) {
      if (isNullAt(c, i)) continue;
      const v = c.isConst ? c.value === true : getBit(c.values as Uint8Array, i);
      if (v === (fn === 'or')) open[i >> 3]! &= ~(1 << (i & 7));
    }
  }
  return selectionOf(open, null, n);
}

/** COALESCE evaluates an argument only for the rows still NULL (errors elsewhere do not surface). */
function coalesceNode(args: readonly Node[], type: DataType): Node {
  const firstConst = args.findIndex((a) => a.constant !== undefined && a.constant.value !== null);
  const live = (firstConst >= 0 ? args.slice(0, firstConst + 1) : args).filter((a) => !(a.constant !== undefined && a.constant.value === null));
  if (live.length === 0) return constNode(type, null);
  if (live[0]!.constant !== undefined) return live[0]!;
  return {
    type,
    constant: undefined,
    inputs: unionInputs(live),
    run(cols, n) {
      const choice = new Uint8Array(n).fill(255);
      const open = new Uint8Array(bytesFor(n)).fill(0xff);
      const done: Col[] = [];
      for (let k = 0; k < live.length; k++) {
        const c = runGuarded(live[k]!, cols, n, () => selectionOf(open, null, n));
        done.push(c);
        let left = 0;
        for (let i = 0; i < n; i++) {
          if (choice[i] !== 255) continue;
          if (!isNullAt(c, i)) {
            choice[i] = k;
            open[i >> 3]! &= ~(1 << (i & 7));
          } else left++;
        }
        if (left === 0) break;
      }
      while (done.length < live.length) done.push(constCol(type, null, n));
      return pickRows(type, done, choice, n);
    },
  };
}

function caseNode(s: Scalar & { kind: 'case' }, schema: Schema, ctx: KernelContext, memo?: Map<string, Node>): Node {
  const type = physicalType(s.type);
  const whens = s.whens.map((w) => compileNode(w.when, schema, ctx, memo));
  const thens = s.whens.map((w) => compileNode(w.then, schema, ctx, memo));
  const otherwise = s.else ? compileNode(s.else, schema, ctx, memo) : constNode(type, null);
  const all = [...whens, ...thens, otherwise];
  // Constant conditions decide at compile time.
  if (whens.every((w) => w.constant !== undefined)) {
    const k = whens.findIndex((w) => w.constant!.value === true);
    return k >= 0 ? thens[k]! : otherwise;
  }
  return {
    type,
    constant: undefined,
    inputs: unionInputs(all),
    run(cols, n) {
      const choice = new Uint8Array(n).fill(255);
      const pending = new Uint8Array(bytesFor(n)).fill(0xff);
      for (let k = 0; k < whens.length; k++) {
        const c = runGuarded(whens[k]!, cols, n, () => selectionOf(pending, null, n));
        for (let i = 0; i < n; i++) {
          if (choice[i] !== 255 || isNullAt(c, i)) continue;
          if (c.isConst ? c.value === true : getBit(c.values as Uint8Array, i)) {
            choice[i] = k;
            pending[i >> 3]! &= ~(1 << (i & 7));
          }
        }
      }
      const elseAt = whens.length;
      for (let i = 0; i < n; i++) if (choice[i] === 255) choice[i] = elseAt;
      const branches = [...thens, otherwise].map((b, k) =>
        runGuarded(b, cols, n, () => {
          const m = new Uint8Array(bytesFor(n));
          for (let i = 0; i < n; i++) if (choice[i] === k) setBit(m, i);
          return selectionOf(m, null, n);
        }),
      );
      return pickRows(type, branches, choice, n);
    },
  };
}

/**
 * A predicate compiled for filtering: the selected row indices of a batch, or null when every
 * row passes (callers then keep the batch as it is).
 */
export interface CompiledPredicate {
  readonly inputs: readonly number[];
  select(cols: readonly Data[], n: number): Uint32Array | null;
}

export function compilePredicate(s: Scalar, schema: Schema, ctx: KernelContext = defaultKernelContext()): CompiledPredicate {
  const c = compileScalar(s, schema, ctx);
  if (c.type.typeId !== Type.Bool && c.type.typeId !== Type.Null) throw new InternalError(`a predicate must be BOOLEAN, got ${String(c.type)}`);
  return {
    inputs: c.inputs,
    select(cols, n) {
      const r = c.evaluate(cols, n);
      if (r.isConst) return r.value === true ? null : new Uint32Array(0);
      const sel = selectionOf(r.values as Uint8Array, r.validity, n);
      return sel.length === n ? null : sel;
    },
  };
}

