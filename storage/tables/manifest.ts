/**
 * The documents a table keeps in its object store, all JSON and all immutable once written:
 *
 *   tables/<table id>/versions/<version, 12 digits>.json   one per commit (VersionDoc)
 *   tables/<table id>/manifests/<random id>.json           fragment lists (ManifestDoc)
 *   tables/<table id>/fragments/<random id>.vortex         fragments (Vortex files)
 *
 * A version names the manifest of the key space and of every column group; a commit writes new
 * fragments and manifests under fresh names, then creates the next version document with a
 * conditional create. Nothing a version names is ever rewritten, so a reader holding a version
 * sees one consistent table no matter what commits, compactions or crashes happen meanwhile.
 */
import { randomBytes } from 'node:crypto';

import { EngineError } from '../../errors.js';
import type { FieldJSON } from './arrow-json.js';

export const VERSION_FORMAT = 'gyre.table.v1';
export const MANIFEST_FORMAT = 'gyre.manifest.v1';

/** A fragment file as written (before a commit places it in a manifest). */
export interface FragmentFile {
  readonly id: string;
  /** Object key relative to the table directory. */
  readonly path: string;
  readonly rows: number;
  readonly size: number;
  /** Bytes of the file that are not data segments (footer, layout, zone maps). */
  readonly metadataSize: number;
  /** Smallest and largest normalized key (inclusive), hex. */
  readonly minKey: string;
  readonly maxKey: string;
  /** A tombstone fragment holds only keys: the rows it names are deleted. */
  readonly tombstone: boolean;
  /** Names of the group's fields present in this fragment. */
  readonly columns: readonly string[];
  /** Fragments that share this id hold exactly the same keys (written from one sorted slice). */
  readonly keys: string;
}

/** One fragment in a manifest: the file plus its level, priority and times. */
export interface FragmentEntry extends FragmentFile {
  /** 0 for fragments written by transactions (L0), 1 for compaction output. */
  readonly level: number;
  /** Version whose commit made this data visible; with `ord`, newer fragments win on equal keys. */
  readonly seq: number;
  /** Order of the fragment inside its transaction (later writes in one transaction win). */
  readonly ord: number;
  /** Microseconds since the epoch. */
  readonly committedAt: number;
  readonly compactedAt: number | null;
}

export interface ManifestDoc {
  readonly format: typeof MANIFEST_FORMAT;
  readonly group: string;
  readonly fragments: readonly FragmentEntry[];
}

/** A field of a column group; `since` is the version from which stored values count. */
export interface GroupField extends FieldJSON {
  readonly since: number;
}

export interface GroupDoc {
  /** '' for the root group, else the struct path ('context', 'image.meta'). */
  readonly path: string;
  readonly fields: readonly GroupField[];
  /** Object key of the group's ManifestDoc. */
  readonly manifest: string;
}

/** Rows with keys in [lo, hi) (hex; hi null = unbounded) written before (seq, ord) are deleted. */
export interface RangeTombstone {
  readonly lo: string;
  readonly hi: string | null;
  readonly seq: number;
  readonly ord: number;
}

export type TxnKind = 'create' | 'write' | 'delete' | 'drop-columns' | 'compact' | 'mixed';

export interface TxnSummary {
  readonly id: string;
  readonly kind: TxnKind;
  /** Rows written (upserts), deleted keys, dropped columns, fragments in / out. */
  readonly rowsWritten: number;
  readonly keysDeleted: number;
  readonly prefixesDeleted: number;
  readonly columnsDropped: readonly string[];
  readonly fragmentsAdded: number;
  readonly fragmentsRemoved: number;
  /** Commit attempts it took (1 = no conflict). */
  readonly attempts: number;
}

/**
 * One collection of a table version: a key schema, its key space and column groups. A plain
 * table has one collection (path ''); a dataset keeps every collection of its tree in one
 * table, so a write spanning collections commits atomically.
 */
export interface CollectionDoc {
  /** '' for a plain table; the collection path ('scenes', 'scenes.clips') in a dataset. */
  readonly path: string;
  readonly keySchema: readonly FieldJSON[];
  /** Struct paths that are column groups when written (null: every struct is a group). */
  readonly structGroups: readonly string[] | null;
  readonly keySpace: string;
  readonly groups: readonly GroupDoc[];
  readonly rangeTombstones: readonly RangeTombstone[];
}

export interface VersionDoc {
  readonly format: typeof VERSION_FORMAT;
  readonly table: string;
  readonly version: number;
  readonly committedAt: number;
  readonly txn: TxnSummary;
  readonly collections: readonly CollectionDoc[];
  /** Opaque JSON of the layer above (a dataset's schema tree), carried to the next version. */
  readonly meta?: unknown;
}

const ID_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** A random 10-character base-36 id (~51 bits). */
export function newId(): string {
  const b = randomBytes(10);
  let s = '';
  for (const x of b) s += ID_ALPHABET[x % 36];
  return s;
}

export const versionKey = (tableDir: string, v: number): string => `${tableDir}/versions/${String(v).padStart(12, '0')}.json`;

/** Current time in microseconds since the epoch. */
export function nowMicros(): number {
  return Date.now() * 1000 + Number(process.hrtime.bigint() % 1000n);
}

/** ISO-8601 with microseconds, e.g. 2025-11-06 18:20:00.224537+00:00. */
export function formatMicros(us: number): string {
  const ms = Math.floor(us / 1000);
  const iso = new Date(ms).toISOString(); // 2025-11-06T18:20:00.224Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}${String(us % 1000).padStart(3, '0')}+00:00`;
}

export function corrupt(what: string, details: Record<string, unknown> = {}): EngineError {
  return new EngineError('table-corrupt', what, { details });
}

const enc = new TextEncoder();
const dec = new TextDecoder();

export const encodeDoc = (doc: unknown): Uint8Array => enc.encode(JSON.stringify(doc));

export function parseDoc<T extends { format: string }>(bytes: Uint8Array, format: T['format'], key: string): T {
  let doc: T;
  try {
    doc = JSON.parse(dec.decode(bytes)) as T;
  } catch (cause) {
    throw new EngineError('table-corrupt', `${key} is not valid JSON`, { cause, details: { key } });
  }
  if (doc?.format !== format) throw corrupt(`${key} is not a ${format} document`, { key });
  return doc;
}
