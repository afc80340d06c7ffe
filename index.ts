/**
 * gyre: a query engine over tables and trees of collections stored as Vortex files.
 * This is the only entry point users import.
 */
export { VortexFile } from './storage/vortex/vortex-file.js';
export type { ReadOptions, VortexSource, LayoutTree, ScanStats } from './storage/vortex/vortex-file.js';
export type { ByteSource, ByteRange } from './storage/vortex/byte-source.js';
export type { ByteSink, WriteData, WriteOptions, WriteResult, WriteTarget } from './storage/vortex/write.js';
export { LocalFileSource, MemorySource } from './storage/vortex/byte-source.js';
export type { Predicate, Literal } from './storage/vortex/predicate.js';
export { eq, ne, lt, le, gt, ge, isNull, isNotNull, isIn, and, or, not } from './storage/vortex/predicate.js';
export type { VortexDType } from './storage/vortex/dtype.js';
export * from './errors.js';
