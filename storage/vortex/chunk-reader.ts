/**
 * Decodes one column chunk by chunk and serves row ranges as zero-copy slices of the decoded
 * chunks. Chunks are the column's own decode units (its flat segments), so no chunk is decoded
 * twice when batch boundaries of several columns interleave; chunks before the current one are
 * released, so memory stays bounded by the read-ahead window.
 */
import type { Data } from 'apache-arrow';

export type DecodeRange = (start: number, end: number) => Promise<Data>;

/** The index of the chunk holding `row`, given ascending chunk boundaries from 0 to the row count. */
export function chunkIndex(bounds: readonly number[], row: number): number {
  let lo = 0, hi = bounds.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (bounds[mid]! <= row) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export class ChunkReader {
  private readonly cache = new Map<number, Promise<Data>>();

  /** `bounds`: ascending chunk boundaries of the column, from 0 to its row count. */
  constructor(
    private readonly bounds: readonly number[],
    private readonly decode: DecodeRange,
  ) {}

  private chunkOf(row: number): number {
    return chunkIndex(this.bounds, row);
  }

  private chunk(i: number): Promise<Data> {
    let p = this.cache.get(i);
    if (!p) {
      p = this.decode(this.bounds[i]!, this.bounds[i + 1]!);
      // A failed prefetch must not surface as an unhandled rejection; `read` rethrows it.
      p.catch(() => undefined);
      this.cache.set(i, p);
    }
    return p;
  }

  /** Starts decoding the chunks under [start, end) without waiting. */
  prefetch(start: number, end: number): void {
    if (end <= start) return;
    for (let i = this.chunkOf(start); i <= this.chunkOf(end - 1); i++) void this.chunk(i);
  }

  /** Rows [start, end) of one chunk, like `read`, without releasing earlier chunks (a look ahead). */
  async peek(start: number, end: number): Promise<Data> {
    const i = this.chunkOf(start);
    const data = await this.chunk(i);
    const base = this.bounds[i]!;
    if (start === base && end === this.bounds[i + 1]) return data;
    return data.slice(start - base, end - start);
  }

  /** Rows [start, end), which must lie inside one chunk (batch boundaries include chunk bounds). */
  async read(start: number, end: number): Promise<Data> {
    const i = this.chunkOf(start);
    for (const k of [...this.cache.keys()]) if (k < i) this.cache.delete(k);
    return this.peek(start, end);
  }
}
