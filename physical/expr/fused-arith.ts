/**
 * Fused double arithmetic: a tree of + - * / over DOUBLE operands (e.g. TPC-H's
 * `l_extendedprice * (1 - l_discount) * (1 + l_tax)`) runs as one generated loop writing one
 * result array, instead of one kernel and one intermediate array per operator. Operands that
 * are not arithmetic (columns, casts, other calls) are evaluated as usual and read inside the
 * loop; constants are passed in. Double arithmetic never raises, so evaluating every row is
 * exact; the result is NULL where any operand is (validities ANDed), as the kernels do.
 */
import { type DataType, Type } from 'apache-arrow';

import type { Scalar } from '../../logical/plan.js';
import { andAll } from './bits.js';
import { type Col, constCol, flatCol } from './col.js';
import { gen, physicalType } from './kernel.js';

/** What fusion needs of a compiled operand (compile.ts's node). */
export interface FusionLeaf {
  readonly type: DataType;
  readonly constant: { value: unknown } | undefined;
  readonly inputs: ReadonlySet<number>;
  run(cols: readonly import('apache-arrow').Data[], n: number): Col;
}

const OPS = new Set(['+', '-', '*', '/']);
const isDouble = (t: DataType): boolean => t.typeId === Type.Float && (t as unknown as { precision: number }).precision === 2;

/** Whether `s` is a double + - * / call (its result; operand types are checked when fusing). */
const isArith = (s: Scalar): s is Scalar & { kind: 'call' } => s.kind === 'call' && OPS.has(s.fn) && s.args.length === 2 && isDouble(physicalType(s.type));

/** Number of fusable operators in the tree rooted at `s`. */
function opCount(s: Scalar): number {
  return isArith(s) ? 1 + opCount(s.args[0]!) + opCount(s.args[1]!) : 0;
}

type Loop = (out: Float64Array, n: number, a: readonly unknown[], k: readonly number[]) => void;

/**
 * The fused node of `s` when it has at least two fusable operators and every operand is a
 * double; null otherwise. `leaf` compiles an operand.
 */
export function fusedArith(s: Scalar, leaf: (s: Scalar) => FusionLeaf): FusionLeaf | null {
  if (!isArith(s) || opCount(s) < 2) return null;
  const arrays: FusionLeaf[] = [];
  const consts: number[] = [];
  const kinds: string[] = [];
  let ok = true;
  const build = (x: Scalar): string => {
    if (isArith(x)) return `(${build(x.args[0]!)} ${x.fn} ${build(x.args[1]!)})`;
    const l = leaf(x);
    if (!isDouble(l.type)) ok = false;
    if (l.constant !== undefined) {
      if (l.constant.value === null || typeof l.constant.value !== 'number') ok = false;
      consts.push(Number(l.constant.value));
      return `k${consts.length - 1}`;
    }
    arrays.push(l);
    return `a${arrays.length - 1}[i]`;
  };
  const expr = build(s);
  if (!ok || arrays.length === 0) return null;
  const head = [...arrays.map((_, j) => `const a${j} = a[${j}];`), ...consts.map((_, j) => `const k${j} = k[${j}];`)].join(' ');
  const type = physicalType(s.type);
  const inputs = new Set<number>();
  for (const l of arrays) for (const i of l.inputs) inputs.add(i);
  return {
    type,
    constant: undefined,
    inputs,
    run(cols, n) {
      const cs = arrays.map((l) => l.run(cols, n));
      if (cs.some((c) => c.isConst && c.value === null)) return constCol(type, null, n);
      for (const c of cs) kinds.push(c.isConst ? 'const' : (c.values?.constructor.name ?? 'none'));
      const vals = cs.map((c) => (c.isConst ? new Float64Array(n).fill(Number(c.value)) : c.values));
      const key = `fused|${expr}|${kinds.join(',')}`;
      kinds.length = 0;
      const f = gen<Loop>(key, ['out', 'n', 'a', 'k'], `${head} for (let i = 0; i < n; i++) out[i] = ${expr};`);
      const out = new Float64Array(n);
      f(out, n, vals, consts);
      return flatCol(type, n, out, andAll(cs.map((c) => c.validity), n));
    },
  };
}
