/**
 * The raw surface of the native addon (native/src/glue/addon.cc). Hand-written: keep each
 * signature in step with the C++ comment above the matching binding.
 * @internal
 */

/** [offset, length] of a footer blob. */
export type BlobLoc = [number, number];

export interface RawPostscript {
  dtype: BlobLoc | null;
  layout: BlobLoc;
  statistics: BlobLoc | null;
  footer: BlobLoc;
}

/** Opaque, type-tagged file handle. */
export type FileHandle = { readonly __brand: 'gyre.FileHandle' };

export interface RawOpenedFile {
  handle: FileHandle;
  /** JSON of the root DType. */
  dtype: string;
  /** JSON array of layout nodes (see storage/vortex/layout.ts). */
  layout: string;
  arrayIds: string[];
  /** Triples [offset, length, alignmentExponent] per segment id. */
  segments: Float64Array;
  statistics?: Uint8Array;
}

/** A decoded column in Arrow layout; buffers are external (zero-copy) ArrayBuffers. */
export interface RawColumn {
  length: number;
  nullCount: number;
  validity: ArrayBuffer | null;
  buffers: ArrayBuffer[];
  children: RawColumn[];
  large: boolean;
}

/** Whole-file statistics of one top-level column; min/max/sum are 1-row columns. */
export interface RawFieldStatistics {
  min?: RawColumn;
  minExact?: boolean;
  max?: RawColumn;
  maxExact?: boolean;
  sum?: RawColumn;
  nullCount?: number;
  nanCount?: number;
  uncompressedSize?: number;
  isSorted?: boolean;
  isStrictSorted?: boolean;
  isConstant?: boolean;
}

export interface NativeBindings {
  parsePostscript(tail: Uint8Array, fileSize: number): RawPostscript;
  openFile(region: Uint8Array, regionOffset: number, postscript: RawPostscript): RawOpenedFile;
  planRead(handle: FileHandle, nodeId: number, start: number, end: number): number[];
  readLayout(
    handle: FileHandle,
    nodeId: number,
    start: number,
    end: number,
    segmentIds: number[],
    segments: Uint8Array[],
    budgetBytes: number,
  ): Promise<RawColumn>;
  describeSegment(handle: FileHandle, segment: Uint8Array): string;
  fileStatistics(handle: FileHandle): RawFieldStatistics[];
}
