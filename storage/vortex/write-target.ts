/**
 * Where written bytes go. A {@link ByteSink} receives the file in order; a local path gets an
 * atomic sink: bytes go to a temporary file beside the target, renamed over it only once the
 * file is complete, so readers never see a partial file and a failed write leaves nothing.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

import { StorageError } from '../../errors.js';

/** Receives a file's bytes in order. `close` commits the file; `abort` discards it. */
export interface ByteSink {
  write(bytes: Uint8Array): void | Promise<void>;
  close(): void | Promise<void>;
  abort(reason?: unknown): void | Promise<void>;
}

export type WriteTarget = string | ByteSink;

/** Writes to `${dir}/.${name}.<random>.tmp`, renamed to `path` on close, deleted on abort. */
export class AtomicFileSink implements ByteSink {
  private constructor(
    private readonly handle: FileHandle,
    private readonly temp: string,
    private readonly path: string,
  ) {}

  static async create(path: string): Promise<AtomicFileSink> {
    const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      return new AtomicFileSink(await open(temp, 'wx'), temp, path);
    } catch (cause) {
      throw new StorageError('io-error', `cannot create ${temp}: ${(cause as Error).message}`, { cause });
    }
  }

  async write(bytes: Uint8Array): Promise<void> {
    let done = 0;
    while (done < bytes.length) {
      const { bytesWritten } = await this.handle.write(bytes, done, bytes.length - done);
      done += bytesWritten;
    }
  }

  async close(): Promise<void> {
    await this.handle.close();
    await rename(this.temp, this.path);
  }

  async abort(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await unlink(this.temp).catch(() => undefined);
  }
}

/** The sink for a target: an atomic local file for a path, the sink itself otherwise. */
export async function openTarget(target: WriteTarget): Promise<ByteSink> {
  return typeof target === 'string' ? AtomicFileSink.create(target) : target;
}
