/**
 * One concurrent writer for concurrent.test.ts: opens table `conc` (local root or S3 through
 * moto), waits for `GO` on stdin so all writers start together, then commits its transactions
 * one after the other. Transaction (writer, seq) upserts rows of a small shared key space
 * tagged with (writer, seq), and sometimes deletes a few keys; its content is a function of
 * (seed, writer, seq) only, so the parent rebuilds it with {@link writerTxns}.
 *
 *   node --import tsx writer-child.ts --writer <w> --txns <m> --seed <n> (--root <dir> | --s3 <endpoint> --bucket <b>)
 *
 * Prints `READY`, then per transaction `ACK <version> <writer> <seq> <attempts>` or
 * `FAIL <writer> <seq> <code> <message>` (the commit failed with a coded error), then `DONE`.
 */
import { writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

import { Field, Int32, makeData, RecordBatch, Schema, Struct, Utf8, vectorFromArray } from 'apache-arrow';

import { EngineError, open } from '../../index.js';
import { seededRandom } from '../setup/fault-proxy.js';

export const TABLE = 'conc';
export const KEY_SCHEMA = { k: new Int32() };
/** Keys every writer draws from: small, so transactions overlap. */
export const KEY_SPACE = 40;

export interface WriterRow {
  readonly k: number;
  readonly writer: number;
  readonly seq: number;
  readonly val: string;
}

export interface WriterTxn {
  readonly writer: number;
  readonly seq: number;
  readonly rows: readonly WriterRow[];
  /** Deleted after the rows are written (in the same transaction). */
  readonly deletes: readonly number[];
}

/** Transactions of one writer (deterministic in seed and writer). */
export function writerTxns(seed: number, writer: number, count: number): WriterTxn[] {
  const rnd = seededRandom(seed * 31 + writer);
  const int = (n: number): number => Math.floor(rnd() * n);
  return Array.from({ length: count }, (_, seq) => {
    const rows = Array.from({ length: 3 + int(10) }, () => {
      const k = int(KEY_SPACE);
      return { k, writer, seq, val: `w${writer}s${seq}k${k}` };
    });
    const deletes = rnd() < 0.2 ? Array.from({ length: 1 + int(3) }, () => int(KEY_SPACE)) : [];
    return { writer, seq, rows, deletes };
  });
}

/** Applies a transaction to a model (key → row): its rows (last duplicate wins), then its deletes. */
export function applyTxn(model: Map<number, WriterRow>, t: WriterTxn): void {
  for (const r of t.rows) model.set(r.k, r);
  for (const k of t.deletes) model.delete(k);
}

const FIELDS = [
  new Field('k', new Int32(), false),
  new Field('writer', new Int32(), true),
  new Field('seq', new Int32(), true),
  new Field('val', new Utf8(), true),
];

export function writerBatch(rows: readonly WriterRow[]): RecordBatch {
  const children = [
    vectorFromArray(
      rows.map((r) => r.k),
      new Int32(),
    ).data[0]!,
    vectorFromArray(
      rows.map((r) => r.writer),
      new Int32(),
    ).data[0]!,
    vectorFromArray(
      rows.map((r) => r.seq),
      new Int32(),
    ).data[0]!,
    vectorFromArray(
      rows.map((r) => r.val),
      new Utf8(),
    ).data[0]!,
  ];
  return new RecordBatch(
    new Schema(FIELDS),
    makeData({ type: new Struct(FIELDS), length: rows.length, nullCount: 0, children }),
  );
}

const say = (line: string): void => void writeSync(1, `${line}\n`);

async function main(argv: readonly string[]): Promise<void> {
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const writer = Number(arg('--writer'));
  const txns = writerTxns(Number(arg('--seed')), writer, Number(arg('--txns')));
  const endpoint = arg('--s3');
  const db = endpoint
    ? await open(`s3://${arg('--bucket')}/`, {
        s3: { endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, region: 'us-east-1' },
      })
    : await open(arg('--root')!);
  const table = await db.table(TABLE);
  say('READY');
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) if (line === 'GO') break;
  lines.close();
  for (const t of txns) {
    const txn = await table.txn();
    try {
      await txn.write(writerBatch(t.rows));
      if (t.deletes.length > 0) await txn.delete(t.deletes.map((k) => [k]));
      const info = await txn.commit();
      say(`ACK ${info.version} ${writer} ${t.seq} ${info.attempts}`);
    } catch (e) {
      await txn.abort();
      if (!(e instanceof EngineError)) throw e;
      say(`FAIL ${writer} ${t.seq} ${e.code} ${e.message.replace(/\n/g, ' ')}`);
    }
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
