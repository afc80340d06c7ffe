/**
 * Byte sources: where a Vortex file's bytes come from. TypeScript owns I/O; the native reader
 * only ever sees byte ranges handed to it.
 */
import { open, type FileHandle } from 'node:fs/promises';

import { StorageError } from '../../errors.js';

/** A half-open byte range [offset, offset + length). */
export interface ByteRange {
  readonly offset: number;
  readonly length: number;
}

/** Anything that can serve byte ranges of one immutable object. */
export interface ByteSource {
  readonly size: number;
  /** Reads each range; results are in the same order as `ranges`. */
  read(ranges: readonly ByteRange[]): Promise<Uint8Array[]>;
  close?(): Promise<void>;
  /** Counters for EXPLAIN / benchmarks. */
  readonly stats?: ReadStats;
}

export interface ReadStats {
  requests: number;
  bytes: number;
}

function checkRange(r: ByteRange, size: number): void {
  if (r.offset < 0 || r.length < 0 || r.offset + r.length > size) {
    throw new StorageError('io-error', `byte range [${r.offset}, ${r.offset + r.length}) outside an object of ${size} bytes`);
  }
}

/** Serves ranges of an in-memory byte array (views, no copies). */
export class MemorySource implements ByteSource {
  readonly stats: ReadStats = { requests: 0, bytes: 0 };
  constructor(private readonly bytes: Uint8Array) {}
  get size(): number {
    return this.bytes.byteLength;
  }
  read(ranges: readonly ByteRange[]): Promise<Uint8Array[]> {
    return Promise.resolve(
      ranges.map((r) => {
        checkRange(r, this.size);
        this.stats.requests++;
        this.stats.bytes += r.length;
        return this.bytes.subarray(r.offset, r.offset + r.length);
      }),
    );
  }
}

/** Serves ranges of a local file with positioned reads. */
export class LocalFileSource implements ByteSource {
  readonly stats: ReadStats = { requests: 0, bytes: 0 };
  private constructor(
    private readonly fh: FileHandle,
    readonly size: number,
    readonly path: string,
  ) {}

  static async open(path: string): Promise<LocalFileSource> {
    try {
      const fh = await open(path, 'r');
      const st = await fh.stat();
      return new LocalFileSource(fh, st.size, path);
    } catch (cause) {
      throw new StorageError('io-error', `cannot open ${path}: ${(cause as Error).message}`, { cause });
    }
  }

  async read(ranges: readonly ByteRange[]): Promise<Uint8Array[]> {
    return Promise.all(
      ranges.map(async (r) => {
        checkRange(r, this.size);
        const buf = new Uint8Array(r.length);
        let done = 0;
        while (done < r.length) {
          const { bytesRead } = await this.fh.read(buf, done, r.length - done, r.offset + done);
          if (bytesRead === 0) throw new StorageError('io-error', `${this.path} shrank while reading`);
          done += bytesRead;
        }
        this.stats.requests++;
        this.stats.bytes += r.length;
        return buf;
      }),
    );
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}

/**
 * Merges ranges closer than `gap` bytes into single reads, then slices the results back out.
 * Returns one view per input range.
 */
/** Default gap below which neighbouring ranges are read as one request. */
export const COALESCE_GAP = 64 * 1024;

/** Ranges merged when closer than `gap` (sorted by offset), with the input indexes each holds. */
export function coalesce(ranges: readonly ByteRange[], gap = COALESCE_GAP): { offset: number; length: number; members: number[] }[] {
  const order = ranges.map((_, i) => i).sort((a, b) => ranges[a]!.offset - ranges[b]!.offset);
  const merged: { offset: number; end: number; members: number[] }[] = [];
  for (const i of order) {
    const r = ranges[i]!;
    const last = merged[merged.length - 1];
    if (last && r.offset <= last.end + gap) {
      last.end = Math.max(last.end, r.offset + r.length);
      last.members.push(i);
    } else {
      merged.push({ offset: r.offset, end: r.offset + r.length, members: [i] });
    }
  }
  return merged.map((m) => ({ offset: m.offset, length: m.end - m.offset, members: m.members }));
}

export async function readCoalesced(src: ByteSource, ranges: readonly ByteRange[], gap = COALESCE_GAP): Promise<Uint8Array[]> {
  if (ranges.length === 0) return [];
  const merged = coalesce(ranges, gap);
  const bufs = await src.read(merged.map((m) => ({ offset: m.offset, length: m.length })));
  const out: Uint8Array[] = new Array<Uint8Array>(ranges.length);
  merged.forEach((m, k) => {
    const b = bufs[k]!;
    for (const i of m.members) {
      const r = ranges[i]!;
      out[i] = b.subarray(r.offset - m.offset, r.offset - m.offset + r.length);
    }
  });
  return out;
}
