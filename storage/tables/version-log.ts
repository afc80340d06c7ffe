/**
 * A versioned log of JSON documents in an object store: `<dir>/versions/<n>.json`, n = 1, 2, …
 * Version n+1 is published by a conditional create, so of concurrent committers exactly one
 * wins each number. The newest version is the highest number listed.
 */
import type { ObjectStore } from '../object-store/object-store.js';
import { versionKey } from './manifest.js';

export class VersionLog {
  constructor(
    readonly store: ObjectStore,
    readonly dir: string,
  ) {}

  key(v: number): string {
    return versionKey(this.dir, v);
  }

  /** All version numbers present, ascending. */
  async versions(): Promise<number[]> {
    const prefix = `${this.dir}/versions/`;
    const out: number[] = [];
    for (const o of await this.store.list(prefix)) {
      const m = /^(\d{12})\.json$/.exec(o.key.slice(prefix.length));
      if (m) out.push(Number(m[1]));
    }
    return out.sort((a, b) => a - b);
  }

  /** The newest version number, or 0 when the log is empty. */
  async latest(): Promise<number> {
    const vs = await this.versions();
    return vs.length ? vs[vs.length - 1]! : 0;
  }

  /** The bytes of version v (throws 'object-not-found' when missing). */
  read(v: number): Promise<Uint8Array> {
    return this.store.get(this.key(v));
  }

  /** Publishes version v; false when another committer already published it. */
  tryPublish(v: number, bytes: Uint8Array): Promise<boolean> {
    return this.store.putIfAbsent(this.key(v), bytes);
  }
}
