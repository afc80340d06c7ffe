/**
 * An object store in a local directory: key `a/b/c` is the file `<root>/a/b/c`.
 *
 * Writes go to a temporary file under `<root>/.gyre-tmp/` first (same filesystem), then
 * `put` renames it over the target and `putIfAbsent` hard-links it to the target (link fails
 * with EEXIST when the target exists, atomically). Readers never see a partial object.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';

import { StorageError } from '../../errors.js';
import type { ByteRange } from '../vortex/byte-source.js';
import { notFound, validateKey, type ObjectInfo, type ObjectStore } from './object-store.js';

const TMP_DIR = '.gyre-tmp';

function code(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

function ioError(what: string, key: string, cause: unknown): StorageError {
  return new StorageError('io-error', `${what} ${JSON.stringify(key)}: ${(cause as Error).message}`, { cause, details: { key } });
}

export class LocalStore implements ObjectStore {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  private pathOf(key: string): string {
    validateKey(key);
    if (key === TMP_DIR || key.startsWith(`${TMP_DIR}/`)) {
      throw new StorageError('invalid-object-key', `invalid object key ${JSON.stringify(key)}: '${TMP_DIR}' is reserved`, { details: { key } });
    }
    return path.join(this.root, ...key.split('/'));
  }

  /** The file holding `key` (validated), for readers that keep it open (fragments). */
  filePath(key: string): string {
    return this.pathOf(key);
  }

  async get(key: string, range?: ByteRange): Promise<Uint8Array> {
    const p = this.pathOf(key);
    let fh;
    try {
      fh = await open(p, 'r');
    } catch (e) {
      if (code(e) === 'ENOENT' || code(e) === 'ENOTDIR' || code(e) === 'EISDIR') throw notFound(key, e);
      throw ioError('cannot open', key, e);
    }
    try {
      const st = await fh.stat();
      if (!st.isFile()) throw notFound(key);
      const offset = range?.offset ?? 0;
      const length = range?.length ?? st.size;
      if (offset < 0 || length < 0 || offset + length > st.size) {
        throw new StorageError('io-error', `byte range [${offset}, ${offset + length}) outside ${JSON.stringify(key)} (${st.size} bytes)`);
      }
      const buf = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await fh.read(buf, done, length - done, offset + done);
        if (bytesRead === 0) throw new StorageError('io-error', `${JSON.stringify(key)} shrank while reading`);
        done += bytesRead;
      }
      return buf;
    } finally {
      await fh.close();
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const p = this.pathOf(key);
    try {
      const st = await stat(p);
      return st.isFile() ? { key, size: st.size, lastModified: st.mtime } : undefined;
    } catch (e) {
      if (code(e) === 'ENOENT' || code(e) === 'ENOTDIR') return undefined;
      throw ioError('cannot stat', key, e);
    }
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const out: ObjectInfo[] = [];
    // Only descend into directories that can hold keys with the prefix.
    const walk = async (dir: string, keyPrefix: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (e) {
        if (code(e) === 'ENOENT' || code(e) === 'ENOTDIR') return;
        throw ioError('cannot list', keyPrefix, e);
      }
      for (const ent of entries) {
        if (keyPrefix === '' && ent.name === TMP_DIR) continue;
        const key = keyPrefix + ent.name;
        if (ent.isDirectory()) {
          const sub = `${key}/`;
          if (sub.startsWith(prefix) || prefix.startsWith(sub)) await walk(path.join(dir, ent.name), sub);
        } else if (ent.isFile() && key.startsWith(prefix)) {
          try {
            const st = await stat(path.join(dir, ent.name));
            out.push({ key, size: st.size, lastModified: st.mtime });
          } catch (e) {
            if (code(e) !== 'ENOENT') throw ioError('cannot stat', key, e);
          }
        }
      }
    };
    await walk(this.root, '');
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** Writes `bytes` durably to a fresh temporary file and returns its path. */
  private async writeTemp(bytes: Uint8Array): Promise<string> {
    const dir = path.join(this.root, TMP_DIR);
    await mkdir(dir, { recursive: true });
    const tmp = path.join(dir, `${process.pid}-${randomBytes(8).toString('hex')}`);
    const fh = await open(tmp, 'wx');
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } catch (e) {
      await fh.close();
      await rm(tmp, { force: true });
      throw e;
    }
    await fh.close();
    return tmp;
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const p = this.pathOf(key);
    let tmp: string | undefined;
    try {
      await mkdir(path.dirname(p), { recursive: true });
      tmp = await this.writeTemp(bytes);
      await rename(tmp, p);
      tmp = undefined;
    } catch (e) {
      throw ioError('cannot write', key, e);
    } finally {
      if (tmp) await rm(tmp, { force: true });
    }
  }

  async putIfAbsent(key: string, bytes: Uint8Array): Promise<boolean> {
    const p = this.pathOf(key);
    let tmp: string | undefined;
    try {
      await mkdir(path.dirname(p), { recursive: true });
      tmp = await this.writeTemp(bytes);
      await link(tmp, p);
      return true;
    } catch (e) {
      if (code(e) === 'EEXIST') return false;
      throw ioError('cannot write', key, e);
    } finally {
      if (tmp) await unlink(tmp).catch(() => undefined);
    }
  }

  async delete(key: string): Promise<void> {
    const p = this.pathOf(key);
    try {
      await unlink(p);
    } catch (e) {
      if (code(e) === 'ENOENT' || code(e) === 'ENOTDIR') return;
      throw ioError('cannot delete', key, e);
    }
  }
}
