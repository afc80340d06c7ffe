/**
 * VortexFile: opens a Vortex file from any byte source, reading only what it needs: the tail
 * first, then the segments of the requested columns and rows (adjacent ranges coalesced).
 * Decoding happens in the native addon off the JS thread.
 */
import {
  type Data, DataType, Decimal, Field, Float64, Int64, makeData, RecordBatch, Schema, Struct, Table, Uint64, Vector,
} from 'apache-arrow';

import { EngineError, NativeError } from '../../errors.js';
import { call, callAsync, type FileHandle, type RawColumn, type RawPostscript } from '../../native/index.js';
import { takeData } from '../arrow/take.js';
import { type ByteRange, type ByteSource, coalesce, LocalFileSource, MemorySource, readCoalesced } from './byte-source.js';
import { toArrowData } from './column.js';
import { toArrowField, type VortexDType } from './dtype.js';
import { chunkIndex, ChunkReader } from './chunk-reader.js';
import { chunkBoundaries, type LayoutNode } from './layout.js';
import { evalRow, evalZone, predicateColumns, type Predicate, type Verdict, type ZoneStats } from './predicate.js';
import { type WriteData, type WriteOptions, type WriteResult, type WriteTarget, writeVortex } from './write.js';

export type VortexSource = string | Uint8Array | ByteSource;

export interface ReadOptions {
  /** Top-level column names to read (default: all). */
  readonly columns?: readonly string[];
  /** Row range [start, end) (default: all rows). */
  readonly rows?: readonly [number, number];
  /** Rows must satisfy this; zone maps prune chunks that cannot match. */
  readonly where?: Predicate;
  /**
   * A moving lower bound (sideways information passing): before each batch is decoded, batches
   * whose zone maps show no row satisfying `skip()` are skipped. Columns: `skipColumns`.
   */
  readonly skip?: () => Predicate | undefined;
  readonly skipColumns?: readonly string[];
  /**
   * With `skip`: finer than zone maps. `below(keys, row)` is true when row `row` of the
   * `columns`' data (the sort key, ascending in the file) lies below the bound; a batch whose
   * last row does is skipped after reading only those columns (cheap key columns), not the rest.
   */
  readonly skipBefore?: { readonly columns: readonly string[]; below(keys: readonly Data[], row: number): boolean };
  /** Per-decode memory budget in bytes (default 4 GiB). */
  readonly memoryBudget?: number;
}

/** A description of one layout node with its children, for `inspect`. */
export interface LayoutTree {
  readonly encoding: string;
  readonly rows: number;
  readonly name?: string;
  readonly segment?: { readonly id: number; readonly offset: number; readonly length: number };
  readonly zoneLen?: number;
  readonly children: readonly LayoutTree[];
}

/** Counters of the last scan (chunks are batches of the scan). */
export interface ScanStats {
  chunksTotal: number;
  chunksPruned: number;
  rowsDecoded: number;
  rowsReturned: number;
  /** Batches skipped by a moving lower bound (ReadOptions.skip). */
  chunksSkipped?: number;
}

/** What a scan will read (see `VortexFile.forecast`). */
export interface ScanForecast {
  readonly batchesTotal: number;
  readonly batchesPruned: number;
  readonly rowsToDecode: number;
  /** Distinct data segments the decode units need. */
  readonly segments: number;
  /** Bytes requested (coalesced ranges, gaps included). */
  readonly bytes: number;
  /** Read requests (GETs on object stores). */
  readonly gets: number;
}

export interface ColumnStatistics {
  readonly min?: unknown;
  readonly minExact?: boolean;
  readonly max?: unknown;
  readonly maxExact?: boolean;
  readonly sum?: unknown;
  readonly nullCount?: number;
  readonly nanCount?: number;
  readonly uncompressedSize?: number;
  readonly isSorted?: boolean;
  readonly isStrictSorted?: boolean;
  readonly isConstant?: boolean;
}

/** Arrow type of a column's sum statistic (see vortex.sum: u64 / i64 / f64 / wider decimal). */
function sumType(t: DataType): DataType {
  if (DataType.isBool(t)) return new Uint64();
  if (DataType.isInt(t)) return t.isSigned ? new Int64() : new Uint64();
  if (DataType.isFloat(t)) return new Float64();
  if (DataType.isDecimal(t)) return new Decimal(t.scale, Math.min(76, t.precision + 10), t.precision + 10 <= 38 ? 128 : 256);
  return t;
}

const TAIL_BYTES = 64 * 1024;
const DEFAULT_BUDGET = 4 * 1024 ** 3;

function toSource(src: VortexSource): Promise<ByteSource> | ByteSource {
  if (typeof src === 'string') return LocalFileSource.open(src);
  if (src instanceof Uint8Array) return new MemorySource(src);
  return src;
}

export class VortexFile {
  /** Layout nodes (index = id). */
  readonly nodes: readonly LayoutNode[];
  readonly dtype: VortexDType;
  readonly schema: Schema;
  readonly rowCount: number;
  readonly arrayIds: readonly string[];
  /** Segment map: offset, length, alignment exponent per segment id. */
  readonly segments: readonly { offset: number; length: number; align: number }[];
  readonly lastScan: ScanStats = { chunksTotal: 0, chunksPruned: 0, rowsDecoded: 0, rowsReturned: 0 };
  private readonly zoneCache = new Map<number, Promise<Data | null>>();
  /** Segment bytes being fetched by a read in progress (id → bytes). */
  private readonly inflight = new Map<number, Promise<Uint8Array>>();
  private statsCache: Record<string, ColumnStatistics> | undefined;

  private constructor(
    readonly source: ByteSource,
    private readonly handle: FileHandle,
    opened: { dtype: string; layout: string; arrayIds: string[]; segments: Float64Array },
    private readonly ownsSource: boolean,
  ) {
    this.dtype = JSON.parse(opened.dtype) as VortexDType;
    this.nodes = JSON.parse(opened.layout) as LayoutNode[];
    this.arrayIds = opened.arrayIds;
    const segs: { offset: number; length: number; align: number }[] = [];
    for (let i = 0; i < opened.segments.length; i += 3) {
      segs.push({ offset: opened.segments[i]!, length: opened.segments[i + 1]!, align: opened.segments[i + 2]! });
    }
    this.segments = segs;
    this.rowCount = this.nodes[0]?.rows ?? 0;
    this.schema = new Schema(this.columnFields());
  }

  /**
   * Writes an Arrow table or (async) iterable of record batches as a Vortex file, to a path
   * (atomically: a temporary file renamed on success) or a byte sink. See storage/vortex/write.ts.
   */
  static write(target: WriteTarget, data: WriteData, options?: WriteOptions): Promise<WriteResult> {
    return writeVortex(target, data, options);
  }

  /** Opens a file from a path, bytes or a byte source. Reads the tail (and the footer if larger). */
  static async open(src: VortexSource): Promise<VortexFile> {
    const source = await toSource(src);
    const owns = typeof src === 'string';
    try {
      const size = source.size;
      const tailLen = Math.min(size, TAIL_BYTES);
      let [tail] = await source.read([{ offset: size - tailLen, length: tailLen }]);
      let tailStart = size - tailLen;
      const ps: RawPostscript = call((n) => n.parsePostscript(tail!, size), 'opening Vortex file');
      const blobs = [ps.dtype, ps.layout, ps.statistics, ps.footer].filter((b): b is [number, number] => b !== null);
      const first = Math.min(...blobs.map((b) => b[0]));
      if (first < tailStart) {
        const [more] = await source.read([{ offset: first, length: tailStart - first }]);
        const joined = new Uint8Array(size - first);
        joined.set(more!, 0);
        joined.set(tail!, tailStart - first);
        tail = joined;
        tailStart = first;
      }
      const opened = call((n) => n.openFile(tail!, tailStart, ps), 'opening Vortex file');
      return new VortexFile(source, opened.handle, opened, owns);
    } catch (e) {
      // A file we opened must not stay open when it turns out not to be a Vortex file.
      if (owns) await source.close?.();
      throw e;
    }
  }

  async close(): Promise<void> {
    if (this.ownsSource) await this.source.close?.();
  }

  /** Top-level columns: the root struct's fields, or a single `value` column. */
  private columnFields(): Field[] {
    if (this.dtype.kind === 'struct') return this.dtype.fields.map((f) => toArrowField(f.name, f.type));
    return [toArrowField('value', this.dtype)];
  }

  /**
   * Layout node ids of the top-level columns, in schema order; null when a struct file stores its
   * root in one layout (e.g. a single flat segment), so columns are fields of the root's data.
   */
  private columnNodes(): number[] | null {
    const root = this.nodes[0]!;
    if (this.dtype.kind !== 'struct') return [0];
    if (root.encoding === 'vortex.struct') return this.dtype.nullable ? root.children.slice(1) : [...root.children];
    return null;
  }

  /**
   * Decode units of one top-level column: ascending row boundaries from 0 to rowCount. Reading
   * rows inside one unit decodes just that unit. Used by point lookups (tables' `take`).
   */
  chunkBounds(column: string): number[] {
    const [c] = this.resolveColumns([column]);
    const nodes = this.columnNodes();
    return nodes === null ? chunkBoundaries(this.nodes, 0) : chunkBoundaries(this.nodes, nodes[c!]!);
  }

  /** Rows [start, end) of one top-level column, decoded (exact rows, no filtering). */
  async readColumn(column: string, start: number, end: number, memoryBudget = DEFAULT_BUDGET): Promise<Data> {
    const [c] = this.resolveColumns([column]);
    const nodes = this.columnNodes();
    if (nodes === null) {
      const all = await this.readNode(0, start, end, new Struct(this.schema.fields), memoryBudget);
      return all.children[c!]!;
    }
    return this.readNode(nodes[c!]!, start, end, this.schema.fields[c!]!.type as DataType, memoryBudget);
  }

  /** The layout tree with segment locations (no array-level detail). */
  get layout(): LayoutTree {
    const names = this.dtype.kind === 'struct' ? this.dtype.fields.map((f) => f.name) : [];
    const build = (id: number, name?: string): LayoutTree => {
      const n = this.nodes[id]!;
      const seg = n.segments[0];
      const kids = n.children.map((c, i) => {
        if (n.encoding === 'vortex.struct' && id === 0 && this.dtype.kind === 'struct') {
          const off = this.dtype.nullable ? 1 : 0;
          return build(c, i < off ? '(validity)' : names[i - off]);
        }
        if (n.encoding === 'vortex.zoned' || n.encoding === 'vortex.stats') return build(c, i === 0 ? 'data' : 'zones');
        if (n.encoding === 'vortex.dict') return build(c, i === 0 ? 'values' : 'codes');
        return build(c);
      });
      return {
        encoding: n.encoding,
        rows: n.rows,
        ...(name !== undefined ? { name } : {}),
        ...(seg !== undefined ? { segment: { id: seg, ...this.segments[seg]! } } : {}),
        ...(n.zoneLen !== undefined ? { zoneLen: n.zoneLen } : {}),
        children: kids,
      };
    };
    return build(0);
  }

  /** The array encoding tree stored in one segment (reads it). */
  async describeSegment(segment: number): Promise<unknown> {
    const s = this.segments[segment];
    if (!s) throw new EngineError('invalid-argument', `no segment ${segment}`);
    const [bytes] = await this.source.read([{ offset: s.offset, length: s.length }]);
    return JSON.parse(call((n) => n.describeSegment(this.handle, bytes!), `segment ${segment}`)) as unknown;
  }

  /** Reads rows of a layout node into Arrow Data of `type`. */
  private async readNode(id: number, start: number, end: number, type: DataType, budget: number): Promise<Data> {
    // Segments already decoded in the shared cache need no bytes; if one is evicted before the
    // decode runs, the read is retried with every segment's bytes.
    // Segments another read is fetching right now (read-ahead decodes several units at once) are
    // shared, not fetched twice (a dictionary's values serve every unit).
    for (const skipCached of [true, false]) {
      const segIds = call((n) => n.planRead(this.handle, id, start, end, skipCached));
      const mine = segIds.filter((s) => !this.inflight.has(s));
      const ranges: ByteRange[] = mine.map((s) => ({ offset: this.segments[s]!.offset, length: this.segments[s]!.length }));
      const fetched = readCoalesced(this.source, ranges);
      fetched.catch(() => undefined);
      mine.forEach((s, k) => this.inflight.set(s, fetched.then((b) => b[k]!)));
      try {
        const bytes = await Promise.all(segIds.map((s) => this.inflight.get(s)!));
        const raw = await callAsync(
          (n) => n.readLayout(this.handle, id, start, end, segIds, bytes, budget),
          `reading layout node ${id} rows [${start}, ${end})`,
        );
        return toArrowData(type, raw);
      } catch (e) {
        if (!(skipCached && e instanceof NativeError && /was not supplied/.test(e.message))) throw e;
      } finally {
        for (const s of mine) this.inflight.delete(s);
      }
    }
    throw new EngineError('internal', 'unreachable');
  }

  private resolveColumns(columns: readonly string[] | undefined): number[] {
    const names = this.schema.fields.map((f) => f.name);
    if (!columns) return names.map((_, i) => i);
    return columns.map((c) => {
      const i = names.indexOf(c);
      if (i < 0) throw new EngineError('unknown-column', `no column "${c}" in ${names.join(', ')}`);
      return i;
    });
  }

  /** Decoded zone table of a column (null when it has no usable zone map). */
  private zones(col: number, budget: number): Promise<Data | null> {
    const nodeId = this.columnNodes()?.[col];
    if (nodeId === undefined) return Promise.resolve(null);
    let p = this.zoneCache.get(nodeId);
    if (!p) {
      const n = this.nodes[nodeId]!;
      const zonesId = n.children[1];
      if ((n.encoding !== 'vortex.zoned' && n.encoding !== 'vortex.stats') || !n.zonesUsable || zonesId === undefined) {
        p = Promise.resolve(null);
      } else {
        const zn = this.nodes[zonesId]!;
        const type = toArrowField('zones', zn.dtype!).type;
        p = this.readNode(zonesId, 0, zn.rows, type, budget).catch(() => null);
      }
      this.zoneCache.set(nodeId, p);
    }
    return p;
  }

  /** Zone statistics of column `col` over rows [start, end), merged across the zones they touch. */
  private zoneStats(col: number, zones: Data, start: number, end: number): ZoneStats | undefined {
    const node = this.nodes[this.columnNodes()![col]!]!;
    const zl = node.zoneLen!;
    const vec = new Vector([zones]);
    const fields = node.zoneFields ?? [];
    const child = (name: string): Vector | null => (vec as unknown as { getChild(n: string): Vector | null }).getChild(name);
    const merged: ZoneStats = { rows: end - start, nullCount: 0, nanCount: 0 };
    const z0 = Math.floor(start / zl), z1 = Math.floor((end - 1) / zl);
    for (const f of fields) {
      const v = child(f.name);
      if (!v) continue;
      for (let z = z0; z <= z1; z++) {
        let val = v.get(z) as unknown;
        if (f.stat === 'max' || f.stat === 'min') {
          if (val && typeof val === 'object' && 'bound' in (val as object)) {
            const s = val as { bound: unknown; unknown: boolean };
            val = s.unknown ? null : s.bound;
          }
          if (val instanceof Uint8Array) val = Buffer.from(val).toString('latin1');
          const key = f.stat as 'max' | 'min';
          if (f.bound) merged.inexact = true;
          if (val === null || val === undefined) {
            // Unknown for this zone; an all-null zone also has no min/max.
            const nc = (child(fields.find((x) => x.stat === 'null_count')?.name ?? '')?.get(z) ?? null) as unknown;
            const zoneRows = Math.min((z + 1) * zl, node.rows) - z * zl;
            if (nc === null || Number(nc) !== zoneRows) merged[key] = null;
            continue;
          }
          const cur = merged[key];
          if (cur === null) continue;
          const c = val as number | bigint | string | boolean;
          if (cur === undefined) merged[key] = c;
          else if (key === 'max' ? c > cur : c < cur) merged[key] = c;
        } else if (f.stat === 'max_is_truncated' || f.stat === 'min_is_truncated') {
          if (val === true) merged.inexact = true;
        } else if (f.stat === 'null_count' || f.stat === 'nan_count') {
          const key = f.stat === 'null_count' ? 'nullCount' : 'nanCount';
          if (val === null || val === undefined || merged[key] === null) merged[key] = null;
          else merged[key] = (merged[key] ?? 0) + Number(val);
        }
      }
    }
    // Partial zones: null counts apply to whole zones, so only "no nulls" stays exact.
    if (merged.nullCount !== 0 && (start % zl !== 0 || (end % zl !== 0 && end !== node.rows) || z1 > z0)) {
      if (merged.nullCount !== null && merged.nullCount !== undefined && merged.nullCount >= merged.rows) merged.nullCount = null;
    }
    if (!fields.some((f) => f.stat === 'null_count')) merged.nullCount = null;
    if (!fields.some((f) => f.stat === 'nan_count')) delete merged.nanCount;
    return merged;
  }

  /**
   * The batches a scan decodes: the union of the chunk boundaries of the columns it reads (and
   * zone boundaries of filtered columns), each with its zone-map verdict; pruned batches are
   * left out. Reads zone maps (metadata), never data. `chunks`: each column's decode units (key
   * -1 for a file whose struct is one layout).
   */
  private async batchPlan(opts: ReadOptions, budget: number): Promise<{ cols: number[]; whereCols: number[]; chunks: Map<number, number[]>; plan: { a: number; b: number; verdict: Verdict }[]; total: number }> {
    const cols = this.resolveColumns(opts.columns);
    const whereCols = opts.where ? this.resolveColumns([...predicateColumns(opts.where)]) : [];
    const start = Math.max(0, opts.rows?.[0] ?? 0);
    const end = Math.min(this.rowCount, opts.rows?.[1] ?? this.rowCount);
    const colNodes = this.columnNodes();
    const bounds = new Set<number>([start, end]);
    const chunks = new Map<number, number[]>();
    if (colNodes === null) {
      const cb = chunkBoundaries(this.nodes, 0);
      chunks.set(-1, cb);
      for (const b of cb) if (b > start && b < end) bounds.add(b);
    } else {
      for (const c of new Set([...cols, ...whereCols])) {
        const cb = chunkBoundaries(this.nodes, colNodes[c]!);
        chunks.set(c, cb);
        for (const b of cb) if (b > start && b < end) bounds.add(b);
      }
    }
    const zoneData = new Map<number, Data | null>();
    for (const c of whereCols) {
      const z = await this.zones(c, budget);
      zoneData.set(c, z);
      // Prune at zone granularity: zones are finer than chunks (8192 rows by default).
      const zl = colNodes ? this.nodes[colNodes[c]!]!.zoneLen : undefined;
      if (z && zl) for (let b = Math.ceil((start + 1) / zl) * zl; b < end; b += zl) bounds.add(b);
    }
    const splits = [...bounds].sort((a, b) => a - b);
    const fieldNames = this.schema.fields.map((f) => f.name);
    const plan: { a: number; b: number; verdict: Verdict }[] = [];
    let total = 0;
    for (let k = 0; k + 1 < splits.length; k++) {
      const a = splits[k]!, b = splits[k + 1]!;
      if (b <= a) continue;
      total++;
      let verdict: Verdict = 'all';
      if (opts.where) {
        verdict = evalZone(opts.where, (name) => {
          const c = fieldNames.indexOf(name);
          const z = zoneData.get(c);
          return z ? this.zoneStats(c, z, a, b) : undefined;
        });
      }
      if (verdict !== 'none') plan.push({ a, b, verdict });
    }
    return { cols, whereCols, chunks, plan, total };
  }

  /**
   * What `scan(opts)` will read, from metadata and zone maps only (EXPLAIN DATA): batches kept
   * and pruned, rows to decode, and the byte ranges of the data segments the decode units need,
   * coalesced as the reader coalesces them (one request per decode unit and merged range).
   * Segments already in the decoded-segment cache are counted too (a cold read).
   */
  async forecast(opts: ReadOptions = {}): Promise<ScanForecast> {
    const { cols, whereCols, chunks, plan, total } = await this.batchPlan(opts, opts.memoryBudget ?? DEFAULT_BUDGET);
    const colNodes = this.columnNodes();
    let bytes = 0, gets = 0, rows = 0;
    const segments = new Set<number>();
    const touched = new Map<number, Set<number>>(); // column (or -1) → chunk indexes
    for (const { a, b, verdict } of plan) {
      rows += b - a;
      const need = verdict === 'all' ? cols : [...new Set([...cols, ...whereCols])];
      for (const c of colNodes === null ? [-1] : need) {
        const cb = chunks.get(c)!;
        let set = touched.get(c);
        if (!set) touched.set(c, (set = new Set()));
        for (let i = chunkIndex(cb, a); i <= chunkIndex(cb, b - 1); i++) set.add(i);
      }
    }
    for (const [c, set] of touched) {
      const cb = chunks.get(c)!;
      const node = c === -1 ? 0 : colNodes![c]!;
      for (const i of [...set].sort((x, y) => x - y)) {
        // Segments shared by decode units (a dictionary's values) are fetched once, then cached.
        const ids = call((n) => n.planRead(this.handle, node, cb[i]!, cb[i + 1]!, false)).filter((id) => !segments.has(id));
        for (const id of ids) segments.add(id);
        const merged = coalesce(ids.map((id) => ({ offset: this.segments[id]!.offset, length: this.segments[id]!.length })));
        gets += merged.length;
        for (const m of merged) bytes += m.length;
      }
    }
    return { batchesTotal: total, batchesPruned: total - plan.length, rowsToDecode: rows, segments: segments.size, bytes, gets };
  }

  /**
   * Streams record batches chunk by chunk. Batches follow the union of the chunk boundaries of the
   * columns read; zone maps prune batches that cannot match `where`, the rest are filtered
   * exactly. Decoding of the next batches runs ahead (both cores busy) within a small window.
   */
  async *scan(opts: ReadOptions = {}): AsyncGenerator<RecordBatch> {
    const budget = opts.memoryBudget ?? DEFAULT_BUDGET;
    const { cols, whereCols, chunks, plan, total } = await this.batchPlan(opts, budget);
    Object.assign(this.lastScan, { chunksTotal: total, chunksPruned: total - plan.length, rowsDecoded: 0, rowsReturned: 0, chunksSkipped: 0 });
    const colNodes = this.columnNodes();
    const readers = new Map<number, Pick<ChunkReader, 'prefetch' | 'read' | 'peek'>>();
    const rowSkipCols = opts.skipBefore ? this.resolveColumns(opts.skipBefore.columns) : [];
    if (colNodes === null) {
      // The whole struct lives in one layout: decode it once per chunk and pick fields.
      const root = new ChunkReader(chunks.get(-1)!, (a, b) => this.readNode(0, a, b, new Struct(this.schema.fields), budget));
      for (const c of new Set([...cols, ...whereCols, ...rowSkipCols])) {
        readers.set(c, { prefetch: (a, b) => root.prefetch(a, b), read: async (a, b) => (await root.read(a, b)).children[c]!, peek: async (a, b) => (await root.peek(a, b)).children[c]! });
      }
    } else {
      for (const c of new Set([...cols, ...whereCols, ...rowSkipCols])) {
        const type = this.schema.fields[c]!.type as DataType;
        readers.set(c, new ChunkReader(chunks.get(c)!, (a, b) => this.readNode(colNodes[c]!, a, b, type, budget)));
      }
    }
    const fieldNames = this.schema.fields.map((f) => f.name);
    const needed = (verdict: Verdict): number[] => (verdict === 'all' ? cols : [...new Set([...cols, ...whereCols])]);
    const outSchema = new Schema(cols.map((c) => this.schema.fields[c]!));
    const READ_AHEAD = 2;
    // Sideways information passing: zone maps of the bound's columns decide skips before decoding.
    // Their zone maps are read when the first bound arrives (metadata only, once per file).
    const skipZones = new Map<number, Data | null>();
    const loadSkipZones = async (): Promise<void> => {
      if (skipZones.size > 0 || !opts.skip?.()) return;
      for (const c of this.resolveColumns(opts.skipColumns ?? [])) skipZones.set(c, await this.zones(c, budget));
    };
    const skipped = (a: number, b: number): boolean => {
      const sp = opts.skip?.();
      if (!sp) return false;
      const v = evalZone(sp, (name) => {
        const c = fieldNames.indexOf(name);
        const z = skipZones.get(c);
        return z ? this.zoneStats(c, z, a, b) : undefined;
      });
      return v === 'none';
    };
    // Below the bound by the batch's last key (read from the key columns only).
    const below = async (a: number, b: number): Promise<boolean> => {
      if (rowSkipCols.length === 0 || !opts.skip?.()) return false;
      const keys = await Promise.all(rowSkipCols.map((c) => readers.get(c)!.peek(a, b)));
      return opts.skipBefore!.below(keys, b - a - 1);
    };
    // Batches read since the bound last skipped one: right after a skip the bound is moving, and
    // reading ahead would fetch rows the next bound skips, so only the key columns are read ahead.
    let sinceSkip = Infinity;
    for (let k = 0; k < plan.length; k++) {
      if (opts.skip) await loadSkipZones();
      if (skipped(plan[k]!.a, plan[k]!.b) || (await below(plan[k]!.a, plan[k]!.b))) {
        this.lastScan.chunksSkipped = (this.lastScan.chunksSkipped ?? 0) + 1;
        sinceSkip = 0;
        continue;
      }
      sinceSkip++;
      for (let j = k; j < Math.min(plan.length, k + 1 + READ_AHEAD); j++) {
        const p = plan[j]!;
        if (j > k && (skipped(p.a, p.b) || (await below(p.a, p.b)))) continue;
        const ahead = j > k && sinceSkip <= 2 * READ_AHEAD ? rowSkipCols : needed(p.verdict);
        for (const c of ahead) readers.get(c)!.prefetch(p.a, p.b);
      }
      const { a, b, verdict } = plan[k]!;
      const need = needed(verdict);
      const datas = await Promise.all(need.map((c) => readers.get(c)!.read(a, b)));
      this.lastScan.rowsDecoded += b - a;
      const byCol = new Map(need.map((c, i) => [c, datas[i]!]));
      let outData = cols.map((c) => byCol.get(c)!);
      let rows = b - a;
      if (opts.where && verdict !== 'all') {
        const vecs = new Map(whereCols.map((c) => [fieldNames[c]!, new Vector([byCol.get(c)!])]));
        const keep: number[] = [];
        for (let i = 0; i < rows; i++) {
          if (evalRow(opts.where, (name) => vecs.get(name)!.get(i)) === true) keep.push(i);
        }
        if (keep.length === 0) continue;
        if (keep.length < rows) {
          const idx = Uint32Array.from(keep);
          outData = outData.map((d) => takeData(d, idx));
          rows = keep.length;
        }
      }
      this.lastScan.rowsReturned += rows;
      const struct = makeData({ type: new Struct(outSchema.fields), length: rows, nullCount: 0, children: outData });
      yield new RecordBatch(outSchema, struct);
    }
  }

  /** Reads into one Arrow Table. */
  async read(opts: ReadOptions = {}): Promise<Table> {
    const batches: RecordBatch[] = [];
    for await (const b of this.scan(opts)) batches.push(b);
    if (batches.length === 0) {
      const cols = this.resolveColumns(opts.columns);
      return new Table(new Schema(cols.map((c) => this.schema.fields[c]!)));
    }
    return new Table(batches);
  }

  /**
   * Whole-file statistics per top-level column, as the writer recorded them (empty when the file
   * has none). min/max may be inexact bounds (truncated strings): see minExact/maxExact.
   */
  get statistics(): Readonly<Record<string, ColumnStatistics>> {
    if (!this.statsCache) {
      const raw = call((n) => n.fileStatistics(this.handle), 'reading file statistics');
      const out: Record<string, ColumnStatistics> = {};
      raw.forEach((r, i) => {
        const field = this.schema.fields[i];
        if (!field) return;
        const one = (c: RawColumn | undefined, type: DataType): unknown =>
          c ? new Vector([toArrowData(type, c)]).get(0) : undefined;
        const s: ColumnStatistics = {};
        if (r.min) Object.assign(s, { min: one(r.min, field.type as DataType), minExact: r.minExact ?? false });
        if (r.max) Object.assign(s, { max: one(r.max, field.type as DataType), maxExact: r.maxExact ?? false });
        if (r.sum) Object.assign(s, { sum: one(r.sum, sumType(field.type as DataType)) });
        for (const k of ['nullCount', 'nanCount', 'uncompressedSize', 'isSorted', 'isStrictSorted', 'isConstant'] as const) {
          if (r[k] !== undefined) Object.assign(s, { [k]: r[k] });
        }
        out[field.name] = s;
      });
      this.statsCache = out;
    }
    return this.statsCache;
  }
}

export { NativeError };
