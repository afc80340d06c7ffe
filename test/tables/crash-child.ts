/**
 * The crash workload: a deterministic sequence of transactions on one local table, generated
 * from a seed, and the model of the table after each of them ({@link applyOp}). crash-run.ts
 * runs this file as a child process and kills it with SIGKILL at a random moment (or has it
 * kill itself during commit i), then checks the table against the model:
 *
 *   node --import tsx crash-child.ts --root <dir> --seed <n> [--big] [--self-kill <i> <ms>]
 *
 * The child prints one line per event, written synchronously to fd 1 so a line printed before
 * the kill is never lost:
 *
 *   OPEN                   the catalog is open (the table is created or opened next)
 *   READY                  the table is open (created when the catalog had no table)
 *   BEGIN <i> <kind>       transaction i starts writing fragments (or compacting)
 *   COMMIT <i>             transaction i is about to commit
 *   ACK <version> t<i>     transaction i committed as <version> (`-`: a compaction with nothing to do)
 *   DONE                   every transaction committed
 */
import { writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

import {
  Field,
  Int32,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table as ArrowTable,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';

import { open, type Table } from '../../index.js';
import { seededRandom } from '../setup/fault-proxy.js';

export const TABLE = 'crash';
export const KEY_SCHEMA = { g: new Utf8(), k: new Int32() };
const META = new Struct([new Field('w', new Int32(), true)]);
const FIELDS = [
  new Field('g', new Utf8(), false),
  new Field('k', new Int32(), false),
  new Field('v', new Int32(), true),
  new Field('tag', new Utf8(), true),
  new Field('meta', META, true),
];
const GROUPS = ['g0', 'g1', 'g2', 'g3'];
const KEYS_PER_GROUP = 300;
/** Rows of a big write (written as several batches, one fragment per group). */
export const BIG_ROWS = 60_000;

export interface Row {
  readonly g: string;
  readonly k: number;
  readonly v: number | null;
  readonly tag: string;
  readonly w: number | null;
}

export type KeyTuple = readonly [string, number];

export type CrashOp =
  | { readonly kind: 'write'; readonly batches: readonly (readonly Row[])[] }
  | {
      readonly kind: 'mixed';
      readonly first: readonly Row[];
      readonly del: readonly KeyTuple[];
      readonly second: readonly Row[];
    }
  | { readonly kind: 'delete'; readonly keys: readonly KeyTuple[]; readonly asTable: boolean }
  | { readonly kind: 'delete-prefix'; readonly g: string }
  | { readonly kind: 'compact' }
  | { readonly kind: 'big'; readonly start: number; readonly rows: number };

/** The `txn.kind` a committed operation must show in the transaction log. */
export const LOG_KIND: Record<CrashOp['kind'], string> = {
  write: 'write',
  mixed: 'mixed',
  delete: 'delete',
  'delete-prefix': 'delete',
  compact: 'compact',
  big: 'write',
};

export const keyId = (g: string, k: number): string => `${g}\u0000${k}`;
export const rowText = (r: Row): string => `${r.g}|${r.k}|${r.v ?? 'null'}|${r.tag}|${r.w ?? 'null'}`;

function rowOf(i: number, g: string, k: number): Row {
  return {
    g,
    k,
    v: (k + i) % 11 === 0 ? null : (i * 7919 + k * 31) % 1_000_003,
    tag: `t${i}`,
    w: k % 5 === 0 ? null : i,
  };
}

function* bigRows(i: number, start: number, rows: number): Generator<Row> {
  for (let n = 0; n < rows; n++) yield { g: 'gbig', k: start + n, v: n, tag: `t${i}`, w: i };
}

/** Applies operation i to the model (a map from key id to row). */
export function applyOp(model: Map<string, Row>, op: CrashOp, i: number): void {
  const put = (r: Row): void => void model.set(keyId(r.g, r.k), r);
  const del = ([g, k]: KeyTuple): void => void model.delete(keyId(g, k));
  switch (op.kind) {
    case 'write':
      for (const b of op.batches) b.forEach(put);
      return;
    case 'mixed':
      op.first.forEach(put);
      op.del.forEach(del);
      op.second.forEach(put);
      return;
    case 'delete':
      op.keys.forEach(del);
      return;
    case 'delete-prefix':
      for (const [id, r] of model) if (r.g === op.g) model.delete(id);
      return;
    case 'compact':
      return;
    case 'big':
      for (const r of bigRows(i, op.start, op.rows)) put(r);
      return;
  }
}

/** The model's rows in key order (g by code unit, then k), as `rowText` lines. */
export function modelLines(model: ReadonlyMap<string, Row>): string[] {
  const rows = [...model.values()].sort((a, b) => (a.g < b.g ? -1 : a.g > b.g ? 1 : a.k - b.k));
  return rows.map(rowText);
}

/** The operation sequence of a trial (deterministic in `seed`); `big` adds one big write. */
export function planTrial(seed: number, big: boolean): CrashOp[] {
  const rnd = seededRandom(seed);
  const int = (n: number): number => Math.floor(rnd() * n);
  const model = new Map<string, Row>();
  const ops: CrashOp[] = [];
  const n = 8 + int(6);
  const bigAt = big ? 2 + int(n - 4) : -1;
  const someKeys = (count: number, existing: number): KeyTuple[] => {
    const live = [...model.values()];
    return Array.from({ length: count }, (): KeyTuple => {
      if (live.length > 0 && rnd() < existing) {
        const r = live[int(live.length)]!;
        return [r.g, r.k];
      }
      return [GROUPS[int(GROUPS.length)]!, int(KEYS_PER_GROUP)];
    });
  };
  const rows = (i: number, count: number): Row[] => someKeys(count, 0.6).map(([g, k]) => rowOf(i, g, k));
  for (let i = 0; i < n; i++) {
    const x = rnd();
    let op: CrashOp;
    if (i === bigAt) op = { kind: 'big', start: int(1000) * 1000, rows: BIG_ROWS };
    else if (big && i > bigAt && bigAt >= 0 && x < 0.1) op = { kind: 'delete-prefix', g: 'gbig' };
    else if (x < 0.45 || i === 0) {
      const all = rows(i, 1 + int(150));
      const cuts = [0, ...Array.from({ length: int(3) }, () => int(all.length)).sort((a, b) => a - b), all.length];
      op = {
        kind: 'write',
        batches: cuts
          .slice(1)
          .map((c, j) => all.slice(cuts[j]!, c))
          .filter((b) => b.length > 0),
      };
    } else if (x < 0.57)
      op = {
        kind: 'mixed',
        first: rows(i, 1 + int(60)),
        del: someKeys(1 + int(20), 0.7),
        second: rows(i, 1 + int(40)),
      };
    else if (x < 0.77) op = { kind: 'delete', keys: someKeys(1 + int(40), 0.7), asTable: rnd() < 0.5 };
    else if (x < 0.82) op = { kind: 'delete-prefix', g: GROUPS[int(GROUPS.length)]! };
    else op = { kind: 'compact' };
    applyOp(model, op, i);
    ops.push(op);
  }
  return ops;
}

/** A batch of rows in the table's column layout (key columns first). */
export function rowsToBatch(rows: readonly Row[]): RecordBatch {
  const col = (values: unknown[], type: Int32 | Utf8) => vectorFromArray(values, type).data[0]!;
  const w = col(
    rows.map((r) => r.w),
    new Int32(),
  );
  const meta = makeData({ type: META, length: rows.length, nullCount: 0, children: [w] });
  const children = [
    col(
      rows.map((r) => r.g),
      new Utf8(),
    ),
    col(
      rows.map((r) => r.k),
      new Int32(),
    ),
    col(
      rows.map((r) => r.v),
      new Int32(),
    ),
    col(
      rows.map((r) => r.tag),
      new Utf8(),
    ),
    meta,
  ];
  return new RecordBatch(
    new Schema(FIELDS),
    makeData({ type: new Struct(FIELDS), length: rows.length, nullCount: 0, children }),
  );
}

/** Keys as an Arrow table of the key columns. */
export function keysTable(keys: readonly KeyTuple[]): ArrowTable {
  const g = vectorFromArray(
    keys.map((k) => k[0]),
    new Utf8(),
  );
  const k = vectorFromArray(
    keys.map((x) => x[1]),
    new Int32(),
  );
  return new ArrowTable({ g, k });
}

function* bigBatches(i: number, op: { start: number; rows: number }): Generator<RecordBatch> {
  const per = 30_000;
  for (let at = 0; at < op.rows; at += per) {
    const rows: Row[] = [];
    for (const r of bigRows(i, op.start + at, Math.min(per, op.rows - at))) rows.push({ ...r, v: r.v! + at });
    yield rowsToBatch(rows);
  }
}

const say = (line: string): void => void writeSync(1, `${line}\n`);

/** `--self-kill <i> <ms>`: SIGKILL ourselves `ms` after starting the commit of transaction i. */
let selfKill: { op: number; ms: number } | null = null;

/** Runs operation i as one transaction (or a compaction); returns the committed version. */
async function runOp(table: Table, op: CrashOp, i: number): Promise<number | null> {
  if (op.kind === 'compact') return (await table.compact()).version;
  const t = await table.txn();
  switch (op.kind) {
    case 'write':
      await t.write(op.batches.map(rowsToBatch));
      break;
    case 'mixed':
      await t.write(rowsToBatch(op.first));
      await t.delete(op.del);
      await t.write(rowsToBatch(op.second));
      break;
    case 'delete':
      await t.delete(op.asTable ? keysTable(op.keys) : op.keys);
      break;
    case 'delete-prefix':
      t.deletePrefix(table.key(op.g));
      break;
    case 'big':
      await t.write(bigBatches(i, op));
      break;
  }
  say(`COMMIT ${i}`);
  if (selfKill?.op === i) {
    const kill = (): void => void process.kill(process.pid, 'SIGKILL');
    if (selfKill.ms === 0) setImmediate(kill);
    else setTimeout(kill, selfKill.ms);
  }
  return (await t.commit()).version;
}

async function main(argv: readonly string[]): Promise<void> {
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const root = arg('--root');
  const seed = Number(arg('--seed'));
  if (!root || !Number.isInteger(seed)) throw new Error('usage: crash-child.ts --root <dir> --seed <n> [--big]');
  const plan = planTrial(seed, argv.includes('--big'));
  const sk = argv.indexOf('--self-kill');
  if (sk >= 0) selfKill = { op: Number(argv[sk + 1]), ms: Number(argv[sk + 2]) };
  const db = await open(root);
  say('OPEN');
  const table = await db.createTable(TABLE, { keySchema: KEY_SCHEMA, existOk: true });
  say('READY');
  for (const [i, op] of plan.entries()) {
    say(`BEGIN ${i} ${op.kind}`);
    const v = await runOp(table, op, i);
    say(`ACK ${v ?? '-'} t${i}`);
  }
  say('DONE');
  await db.close();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    say(`ERROR ${String((e as Error)?.stack ?? e).replace(/\n/g, ' | ')}`);
    process.exit(1);
  });
}
