/**
 * Merging key-sorted streams into one key-sorted stream with unique keys.
 *
 * Used two ways: fragments of one column group that overlap (newest wins per column, tombstones
 * delete), and column groups of one table zipped into rows (an outer join on the key, every
 * source contributing its own columns). Runs of keys that only one source has are emitted as
 * zero-copy slices; only equal keys are resolved row by row.
 */
import { type Data, type DataType, type Field, makeData, RecordBatch, Schema, Struct } from 'apache-arrow';

import { concatData, nullData } from '../arrow/concat.js';
import { takeData } from '../arrow/take.js';
import { compareKeys, type KeyBlock, type KeyCodec } from './key-codec.js';

export interface SortedSource {
  /** Batches holding the key columns (by key field name) and this source's columns; keys ascending and unique. */
  readonly batches: AsyncIterable<RecordBatch>;
  /** Higher wins when several sources hold a key. */
  readonly priority: number;
  /** The source's keys are deletions. */
  readonly tombstone: boolean;
  /** True when the source holds a (live) value for output column `name`. */
  has(name: string): boolean;
}

interface Cursor {
  readonly src: SortedSource;
  readonly it: AsyncIterator<RecordBatch>;
  batch: RecordBatch | null;
  keys: KeyBlock | null;
  row: number;
  /** Output column → child index in the current batch (-1 absent). */
  cols: Int32Array;
  keyCols: Int32Array;
}

type Piece =
  | { readonly kind: 'run'; readonly cur: { batch: RecordBatch; cols: Int32Array; keyCols: Int32Array }; readonly start: number; readonly end: number; readonly src: SortedSource }
  | { readonly kind: 'row'; readonly key: { batch: RecordBatch; keyCols: Int32Array; row: number }; readonly cells: ({ batch: RecordBatch; col: number; row: number } | null)[] };

export interface MergeOptions {
  /** Rows per output batch when rows are resolved one by one (runs may be larger). */
  readonly batchRows?: number;
}

/** Key fields + `fields`, as one batch schema. */
export function outputSchema(keyFields: readonly Field[], fields: readonly Field[]): Schema {
  return new Schema([...keyFields, ...fields]);
}

/**
 * Merges `sources` by key. Output batches have the key columns, then `fields` (null where no
 * live source holds a value). A key whose highest-priority holder is a tombstone is dropped;
 * per column, the value comes from the highest-priority source that has the column, unless a
 * tombstone of higher priority deleted the row first.
 */
export async function* mergeSorted(
  codec: KeyCodec,
  sources: readonly SortedSource[],
  fields: readonly Field[],
  opts: MergeOptions = {},
): AsyncGenerator<RecordBatch> {
  const keyFields = codec.fields;
  const schema = outputSchema(keyFields, fields);
  const batchRows = opts.batchRows ?? 8192;
  const cursors: Cursor[] = sources.map((src) => ({
    src,
    it: src.batches[Symbol.asyncIterator](),
    batch: null,
    keys: null,
    row: 0,
    cols: new Int32Array(fields.length),
    keyCols: new Int32Array(keyFields.length),
  }));
  let pieces: Piece[] = [];
  let pending = 0;

  const load = async (c: Cursor): Promise<boolean> => {
    for (;;) {
      const r = await c.it.next();
      if (r.done) return false;
      const b = r.value;
      if (b.numRows === 0) continue;
      const names = b.schema.fields.map((f) => f.name);
      c.batch = b;
      c.row = 0;
      // Fresh arrays per batch: pieces keep references to the previous ones.
      c.keyCols = Int32Array.from(keyFields, (f) => names.indexOf(f.name));
      c.cols = Int32Array.from(fields, (f) => (c.src.has(f.name) ? names.indexOf(f.name) : -1));
      c.keys = codec.encode(Array.from(c.keyCols, (i) => b.data.children[i]!));
      return true;
    }
  };

  const flush = (): RecordBatch | null => {
    if (pending === 0) return null;
    const out = assemble(schema, keyFields.length, fields, pieces, pending);
    pieces = [];
    pending = 0;
    return out;
  };

  // A binary min-heap of the cursors on their current keys: O(log k) per step.
  const heap: Cursor[] = [];
  const less = (x: Cursor, y: Cursor): boolean => compareKeys(x.keys!, x.row, y.keys!, y.row) < 0;
  const push = (c: Cursor): void => {
    let i = heap.length;
    heap.push(c);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  };
  const pop = (): Cursor => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  };
  const tied: Cursor[] = [];
  try {
    for (const c of cursors) if (await load(c)) push(c);
    while (heap.length > 0) {
      // The smallest key, and every cursor tied with it.
      const m = pop();
      tied.length = 0;
      tied.push(m);
      while (heap.length > 0 && compareKeys(heap[0]!.keys!, heap[0]!.row, m.keys!, m.row) === 0) tied.push(pop());
      if (tied.length === 1) {
        const next = heap.length > 0 ? heap[0]! : null; // smallest key above m's
        const end = next === null ? m.batch!.numRows : runEnd(m.keys!, m.row + 1, m.batch!.numRows, next.keys!, next.row);
        if (!m.src.tombstone) {
          pieces.push({ kind: 'run', cur: { batch: m.batch!, cols: m.cols, keyCols: m.keyCols }, start: m.row, end, src: m.src });
          pending += end - m.row;
        }
        m.row = end;
      } else {
        tied.sort((a, b) => b.src.priority - a.src.priority);
        if (!tied[0]!.src.tombstone) {
          const cells = fields.map((_, k) => {
            for (const c of tied) {
              if (c.src.tombstone) return null;
              const col = c.cols[k]!;
              if (col >= 0) return { batch: c.batch!, col, row: c.row };
            }
            return null;
          });
          pieces.push({ kind: 'row', key: { batch: m.batch!, keyCols: m.keyCols, row: m.row }, cells });
          pending++;
        }
        for (const c of tied) c.row++;
      }
      for (const c of tied) if (c.row < c.batch!.numRows || (await load(c))) push(c);
      if (pending >= batchRows) {
        const out = flush();
        if (out) yield out;
      }
    }
    const out = flush();
    if (out) yield out;
  } finally {
    await Promise.all(cursors.map((c) => c.it.return?.()));
  }
}

/**
 * The first row in [lo, hi) of `a` whose key is not below key j of `b` (galloping: runs are
 * often one row long when sources interleave).
 */
function runEnd(a: KeyBlock, lo: number, hi: number, b: KeyBlock, j: number): number {
  if (lo >= hi || compareKeys(a, lo, b, j) >= 0) return lo;
  let step = 1, at = lo; // invariant: key at `at` < b[j]
  while (at + step < hi && compareKeys(a, at + step, b, j) < 0) {
    at += step;
    step *= 2;
  }
  let l = at + 1, h = Math.min(hi, at + step);
  while (l < h) {
    const mid = (l + h) >>> 1;
    if (compareKeys(a, mid, b, j) < 0) l = mid + 1;
    else h = mid;
  }
  return l;
}

function assemble(schema: Schema, nKeys: number, fields: readonly Field[], pieces: readonly Piece[], rows: number): RecordBatch {
  // A few long runs: zero-copy slices; many short pieces: gather rows with one copy per column.
  if (pieces.length <= 16 && pieces.every((p) => p.kind === 'run')) return assembleRuns(schema, nKeys, fields, pieces as (Piece & { kind: 'run' })[], rows);
  // Rows resolved one by one: gather each column by (source Data, row) with one copy.
  const children: Data[] = [];
  const gather = (type: DataType, at: (p: Piece, push: (d: Data | null, row: number) => void) => void): Data => {
    const sources = new Map<Data, number>();
    const list: Data[] = [];
    const src = new Int32Array(rows);
    const row = new Uint32Array(rows);
    let i = 0;
    const push = (d: Data | null, r: number): void => {
      if (d === null) src[i] = -1;
      else {
        let k = sources.get(d);
        if (k === undefined) {
          k = list.length;
          sources.set(d, k);
          list.push(d);
        }
        src[i] = k;
        row[i] = r;
      }
      i++;
    };
    for (const p of pieces) at(p, push);
    // Copy only the span of each source the rows touch.
    const lo = new Uint32Array(list.length).fill(0xffffffff), hi = new Uint32Array(list.length);
    for (let r = 0; r < rows; r++) {
      const k = src[r]!;
      if (k < 0) continue;
      if (row[r]! < lo[k]!) lo[k] = row[r]!;
      if (row[r]! > hi[k]!) hi[k] = row[r]!;
    }
    const spans = list.map((d, k) => (lo[k] === 0 && hi[k] === d.length - 1 ? d : d.slice(lo[k]!, hi[k]! - lo[k]! + 1)));
    const base = new Uint32Array(list.length + 1);
    spans.forEach((d, k) => (base[k + 1] = base[k]! + d.length));
    const all = concatData(type, [...spans, nullData(type, 1)]);
    const nullRow = base[list.length]!;
    const idx = new Uint32Array(rows);
    for (let r = 0; r < rows; r++) idx[r] = src[r]! < 0 ? nullRow : base[src[r]!]! + row[r]! - lo[src[r]!]!;
    return takeData(all, idx);
  };
  for (let k = 0; k < nKeys; k++) {
    children.push(
      gather(schema.fields[k]!.type as DataType, (p, push) => {
        if (p.kind === 'run') {
          const d = p.cur.batch.data.children[p.cur.keyCols[k]!]!;
          for (let r = p.start; r < p.end; r++) push(d, r);
        } else push(p.key.batch.data.children[p.key.keyCols[k]!]!, p.key.row);
      }),
    );
  }
  fields.forEach((f, j) => {
    children.push(
      gather(f.type as DataType, (p, push) => {
        if (p.kind === 'run') {
          const col = p.cur.cols[j]!;
          const d = col >= 0 ? p.cur.batch.data.children[col]! : null;
          for (let r = p.start; r < p.end; r++) push(d, r);
        } else {
          const cell = p.cells[j];
          push(cell ? cell.batch.data.children[cell.col]! : null, cell ? cell.row : 0);
        }
      }),
    );
  });
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: rows, nullCount: 0, children }));
}

/** Output of runs only: zero-copy slices, concatenated once. */
function assembleRuns(schema: Schema, nKeys: number, fields: readonly Field[], pieces: readonly (Piece & { kind: 'run' })[], rows: number): RecordBatch {
  const children: Data[] = [];
  for (let k = 0; k < nKeys; k++) {
    children.push(concatData(schema.fields[k]!.type as DataType, pieces.map((p) => p.cur.batch.data.children[p.cur.keyCols[k]!]!.slice(p.start, p.end - p.start))));
  }
  fields.forEach((f, j) => {
    const type = f.type as DataType;
    children.push(
      concatData(
        type,
        pieces.map((p) => {
          const col = p.cur.cols[j]!;
          return col >= 0 ? p.cur.batch.data.children[col]!.slice(p.start, p.end - p.start) : nullData(type, p.end - p.start);
        }),
      ),
    );
  });
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: rows, nullCount: 0, children }));
}

/**
 * Reshapes a batch that has the key columns and some of `fields` into exactly key columns +
 * `fields` (absent or excluded columns become nulls).
 */
export function conform(batch: RecordBatch, keyFields: readonly Field[], fields: readonly Field[], present: (name: string) => boolean): RecordBatch {
  const names = batch.schema.fields.map((f) => f.name);
  const schema = outputSchema(keyFields, fields);
  const n = batch.numRows;
  const children = [
    ...keyFields.map((f) => batch.data.children[names.indexOf(f.name)]!),
    ...fields.map((f) => {
      const i = names.indexOf(f.name);
      return i >= 0 && present(f.name) ? batch.data.children[i]! : nullData(f.type as DataType, n);
    }),
  ];
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: n, nullCount: 0, children }));
}
