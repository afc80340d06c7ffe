/**
 * Function name → kernel factory, for every scalar function of logical/functions.ts. A few
 * names dispatch on argument types here (+ and - on dates and intervals, length and contains
 * on lists).
 */
import { Type } from 'apache-arrow';

import { InternalError } from '../../errors.js';
import { ARITH_KERNELS } from './arith.js';
import { COMPARE_KERNELS } from './compare.js';
import type { KernelFactory, KernelSpec } from './kernel.js';
import { LOGIC_KERNELS } from './logic.js';
import { MATH_KERNELS } from './math.js';
import { NESTED_KERNELS } from './nested.js';
import { STRING_KERNELS } from './strings.js';
import { TEMPORAL_KERNELS, temporalArith } from './temporal.js';

const isListArg = (spec: KernelSpec): boolean => [Type.List, Type.LargeList, Type.FixedSizeList].includes(spec.args[0]!.typeId);

const plusMinus = (op: '+' | '-'): KernelFactory => (spec) => temporalArith(op, spec) ?? ARITH_KERNELS[op]!(spec);

const KERNELS: Readonly<Record<string, KernelFactory>> = {
  ...ARITH_KERNELS,
  ...COMPARE_KERNELS,
  ...LOGIC_KERNELS,
  ...MATH_KERNELS,
  ...STRING_KERNELS,
  ...TEMPORAL_KERNELS,
  ...NESTED_KERNELS,
  '+': plusMinus('+'),
  '-': plusMinus('-'),
  date_add: plusMinus('+'),
  date_sub: plusMinus('-'),
  length: (spec) => (isListArg(spec) ? NESTED_KERNELS.len! : STRING_KERNELS.length!)(spec),
  len: (spec) => (isListArg(spec) ? NESTED_KERNELS.len! : STRING_KERNELS.length!)(spec),
  contains: (spec) => (isListArg(spec) ? NESTED_KERNELS.list_contains! : STRING_KERNELS.contains!)(spec),
};

/** Functions whose result differs between calls with the same arguments (never constant-folded). */
export const VOLATILE = new Set(['random']);

export function kernelFactory(name: string): KernelFactory {
  const f = KERNELS[name];
  if (!f) throw new InternalError(`no kernel for function ${name}`);
  return f;
}

export const hasKernel = (name: string): boolean => name in KERNELS;
