export { compilePredicate, compileScalar, type CompiledPredicate, type CompiledScalar, defaultKernelContext, evaluate, inputCol } from './compile.js';
export { type Col, constCol, constData, flatCol, fromData, nullColumn, toData, valueAt } from './col.js';
export { type KernelContext, physicalType } from './kernel.js';
