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

/** Opaque, type-tagged writer handle (native/src/glue/write.cc). */
export type WriterHandle = { readonly __brand: 'gyre.WriterHandle' };

/** A dtype handed to the writer: the shape of storage/vortex/dtype.ts `VortexDType`. */
export interface RawWriteDType {
  kind: string;
  nullable: boolean;
  ptype?: string;
  precision?: number;
  scale?: number;
  fields?: { name: string; type: RawWriteDType }[];
  element?: RawWriteDType;
  size?: number;
  id?: string;
  storage?: RawWriteDType;
  metadata?: number[];
}

export interface RawWriterOptions {
  compress: boolean;
  /** Rows per chunk; absent = chunks of ~1 MiB uncompressed in multiples of 8192 rows. */
  chunkRows?: number;
  /** Zone-map layout: 'zoned' (default), legacy 'stats', or 'none'. */
  zones?: 'zoned' | 'stats' | 'none';
  fileStatistics?: boolean;
}

/**
 * A column handed to the writer in Arrow layout (offset 0): views of JS memory, not copied, kept
 * alive by the native side until the write's promise settles.
 */
export interface RawWriteColumn {
  length: number;
  /** Bit i = row i is valid; null when the column has no nulls. */
  validity: Uint8Array | null;
  /** bool: [bits]; fixed width: [values]; utf8/binary: [offsets, data]; list: [offsets]. */
  buffers: Uint8Array[];
  children: RawWriteColumn[];
  /** 64-bit offsets (LargeUtf8 / LargeBinary / LargeList). */
  large?: boolean;
  /** Utf8View / BinaryView: the 16-byte views and their data buffers (buffers is then empty). */
  views?: Uint8Array;
  variadic?: Uint8Array[];
  /** Decimal: bytes per value in buffers[0]. */
  width?: number;
  /** Dictionary-encoded: buffers[0] holds indices of `indexPtype` into these concatenated values. */
  dictionary?: RawWriteColumn[];
  indexPtype?: string;
}

export interface NativeBindings {
  parsePostscript(tail: Uint8Array, fileSize: number): RawPostscript;
  openFile(region: Uint8Array, regionOffset: number, postscript: RawPostscript): RawOpenedFile;
  /** Segment ids a read of rows [start, end) of a node needs; `skipCached` leaves out decoded ones. */
  planRead(handle: FileHandle, nodeId: number, start: number, end: number, skipCached?: boolean): number[];
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
  /** The shared decoded-segment cache; sets its capacity (bytes) when given. */
  segmentCache(capacity?: number): { capacity: number; used: number };
  fileStatistics(handle: FileHandle): RawFieldStatistics[];
  createWriter(dtype: RawWriteDType, options: RawWriterOptions): WriterHandle;
  /** Encodes a batch off the JS thread; resolves with the bytes to append to the file. */
  writeBatch(handle: WriterHandle, length: number, columns: RawWriteColumn[]): Promise<Uint8Array>;
  /** Resolves with the file's last bytes (final chunks, zone maps, footer). */
  finishWriter(handle: WriterHandle): Promise<Uint8Array>;
}
