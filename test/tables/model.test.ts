/**
 * Tables against a naive reference model (fast-check, fixed seeds): random sequences of upserts
 * with random column subsets (root group columns x, s; struct group `meta`), deletes by key,
 * deletes by key prefix, multi-op transactions and compactions. After every sequence, every
 * version must read exactly like the model at that point: full scans, single-group scans,
 * filtered scans, key-prefix scans and point lookups. Runs on local disk and on S3 (moto).
 */
import { type Data, Field, Float64, Int32, Int64, makeData, RecordBatch, Schema, Struct, Utf8, vectorFromArray } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { gt } from '../../storage/vortex/predicate.js';
import type { Table } from '../../storage/tables/table.js';
import type { Transaction } from '../../storage/tables/transaction.js';
import { tableBackends } from '../helpers/table-backends.js';

const PAGES = ['a', 'b', 'a\u0000', '', 'bb'];
type Col = 'x' | 's' | 'm';

interface Row {
  p: string;
  k: number;
  x: number | null;
  s: string | null;
  m: number | null;
}

type Op =
  | { kind: 'write'; cols: Col[]; rows: Row[] }
  | { kind: 'delete'; keys: [string, number][] }
  | { kind: 'deletePrefix'; p: string }
  | { kind: 'compact' };

interface GroupCell {
  root: { x: number | null; s: string | null } | null;
  meta: { m: number | null } | null;
}

/** The model: per key, the root group's and meta group's cells (null = the group has no row); columns ever written. */
interface Model {
  readonly rows: Map<string, GroupCell>;
  readonly cols: ReadonlySet<Col>;
}

const keyOf = (p: string, k: number): string => JSON.stringify([p, k]);

function apply(model: Model, op: Op): Model {
  const next = new Map([...model.rows].map(([k, v]) => [k, { root: v.root && { ...v.root }, meta: v.meta && { ...v.meta } }]));
  const cols = new Set(model.cols);
  if (op.kind === 'write') for (const c of op.cols) cols.add(c);
  switch (op.kind) {
    case 'write': {
      // Duplicate keys in one write: the last one wins.
      for (const r of op.rows) {
        const cur = next.get(keyOf(r.p, r.k)) ?? { root: null, meta: null };
        if (op.cols.includes('x') || op.cols.includes('s')) {
          cur.root ??= { x: null, s: null };
          if (op.cols.includes('x')) cur.root.x = r.x;
          if (op.cols.includes('s')) cur.root.s = r.s;
        }
        if (op.cols.includes('m')) cur.meta = { m: r.m };
        next.set(keyOf(r.p, r.k), cur);
      }
      break;
    }
    case 'delete':
      for (const [p, k] of op.keys) next.delete(keyOf(p, k));
      break;
    case 'deletePrefix':
      for (const k of [...next.keys()]) if ((JSON.parse(k) as [string, number])[0] === op.p) next.delete(k);
      break;
    case 'compact':
      break;
  }
  return { rows: next, cols };
}

function cmpKey(a: [string, number], b: [string, number]): number {
  const ab = Buffer.from(a[0]), bb = Buffer.from(b[0]);
  return Buffer.compare(ab, bb) || a[1] - b[1];
}

/** Expected rows of a scan over `groups`, sorted by key. */
function expected(model: Model, groups: ('root' | 'meta')[], filter?: (c: GroupCell) => boolean): Record<string, unknown>[] {
  const rows: { key: [string, number]; cell: GroupCell }[] = [];
  for (const [k, cell] of model.rows) {
    if (!groups.some((g) => cell[g] !== null)) continue;
    if (filter && !filter(cell)) continue;
    rows.push({ key: JSON.parse(k) as [string, number], cell });
  }
  rows.sort((a, b) => cmpKey(a.key, b.key));
  return rows.map(({ key, cell }) => {
    const o: Record<string, unknown> = { p: key[0], k: BigInt(key[1]) };
    if (groups.includes('root')) {
      if (model.cols.has('x')) o.x = cell.root?.x ?? null;
      if (model.cols.has('s')) o.s = cell.root?.s ?? null;
    }
    if (groups.includes('meta') && model.cols.has('m')) o.meta = { m: cell.meta?.m ?? null };
    return o;
  });
}

function batchOf(cols: Col[], rows: Row[]): RecordBatch {
  const fields: Field[] = [new Field('p', new Utf8(), false), new Field('k', new Int64(), false)];
  const data: Data[] = [vectorFromArray(rows.map((r) => r.p), new Utf8()).data[0]!, vectorFromArray(rows.map((r) => BigInt(r.k)), new Int64()).data[0]!];
  if (cols.includes('x')) {
    fields.push(new Field('x', new Int32(), true));
    data.push(vectorFromArray(rows.map((r) => r.x), new Int32()).data[0]!);
  }
  if (cols.includes('s')) {
    fields.push(new Field('s', new Utf8(), true));
    data.push(vectorFromArray(rows.map((r) => r.s), new Utf8()).data[0]!);
  }
  if (cols.includes('m')) {
    const mf = new Field('m', new Float64(), true);
    const m = vectorFromArray(rows.map((r) => r.m), new Float64()).data[0]!;
    fields.push(new Field('meta', new Struct([mf]), false));
    data.push(makeData({ type: new Struct([mf]), length: rows.length, nullCount: 0, children: [m] }));
  }
  const schema = new Schema(fields);
  return new RecordBatch(schema, makeData({ type: new Struct(fields), length: rows.length, nullCount: 0, children: data }));
}

const rowArb = fc.record({
  p: fc.constantFrom(...PAGES),
  k: fc.integer({ min: -3, max: 12 }),
  x: fc.option(fc.integer({ min: -100, max: 100 }), { nil: null }),
  s: fc.option(fc.string({ maxLength: 6 }), { nil: null }),
  m: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: null }),
});

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('write' as const), cols: fc.subarray(['x', 's', 'm'] as Col[], { minLength: 1 }), rows: fc.array(rowArb, { minLength: 1, maxLength: 30 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), keys: fc.array(fc.tuple(fc.constantFrom(...PAGES), fc.integer({ min: -3, max: 12 })), { minLength: 1, maxLength: 6 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deletePrefix' as const), p: fc.constantFrom(...PAGES) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'compact' as const }) },
);

/** Ops grouped into transactions (1–3 ops each; a compaction runs alone). */
const txnsArb = fc.array(fc.array(opArb, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 7 });

const rowsOf = (t: { toArray(): { toJSON(): Record<string, unknown> }[] }): Record<string, unknown>[] =>
  t.toArray().map((r) => {
    const o = r.toJSON();
    if (o.meta && typeof o.meta === 'object') o.meta = { ...(o.meta as { toJSON?: () => unknown }).toJSON?.() as object };
    return o;
  });

async function runTxn(table: Table, ops: Op[]): Promise<void> {
  const compactOnly = ops.every((o) => o.kind === 'compact');
  if (compactOnly) {
    await table.compact({ targetRows: 7 });
    return;
  }
  const t: Transaction = await table.txn();
  for (const op of ops) {
    if (op.kind === 'write') await t.write(batchOf(op.cols, op.rows));
    else if (op.kind === 'delete') await t.delete(op.keys.map(([p, k]) => [p, BigInt(k)]));
    else if (op.kind === 'deletePrefix') t.deletePrefix(table.key(op.p));
  }
  await t.commit();
}

async function check(table: Table, model: Model, version: number): Promise<void> {
  const asof = version;
  expect(rowsOf(await table.read({ asof }))).toEqual(expected(model, ['root', 'meta']));
  const rootCols = (['x', 's'] as const).filter((c) => model.cols.has(c));
  if (rootCols.length > 0) expect(rowsOf(await table.read({ asof, columns: ['p', 'k', ...rootCols] }))).toEqual(expected(model, ['root']));
  if (model.cols.has('m')) expect(rowsOf(await table.read({ asof, columns: ['p', 'k', 'meta'] }))).toEqual(expected(model, ['meta']));
  else await expect(table.read({ asof, columns: ['meta.m'] })).rejects.toMatchObject({ code: 'unknown-column' });
  if (model.cols.has('x')) {
    expect(rowsOf(await table.read({ asof, columns: ['p', 'k', ...rootCols], where: gt('x', 10) }))).toEqual(
      expected(model, ['root'], (c) => c.root?.x !== null && c.root?.x !== undefined && c.root.x > 10),
    );
  }
  const prefixRows = rowsOf(await table.read({ asof, prefix: table.key('a') }));
  expect(prefixRows).toEqual(expected(model, ['root', 'meta']).filter((r) => r.p === 'a'));
  const probe: [string, number][] = PAGES.flatMap((p) => [-3, 0, 5, 12].map((k) => [p, k] as [string, number]));
  const taken = rowsOf(await table.take(probe.map(([p, k]) => [p, BigInt(k)]), { asof }));
  const want = new Set(probe.map(([p, k]) => keyOf(p, k)));
  expect(taken).toEqual(expected(model, ['root', 'meta']).filter((r) => want.has(keyOf(r.p as string, Number(r.k)))));
}

for (const backend of tableBackends()) {
  describe(`tables vs a reference model — ${backend.name}`, () => {
    it('random transactions: every version reads like the model', async () => {
      const runs = backend.name.startsWith('S3') ? 12 : 40;
      await fc.assert(
        fc.asyncProperty(txnsArb, async (txns) => {
          const db = await backend.db();
          const table = await db.createTable('m.t', { keySchema: { p: new Utf8(), k: new Int64() } });
          const models: { version: number; model: Model }[] = [];
          let model: Model = { rows: new Map(), cols: new Set() };
          for (const ops of txns) {
            for (const op of ops) model = apply(model, op);
            await runTxn(table, ops);
            const txs = await table.transactions();
            models.push({ version: txs[txs.length - 1]!.version, model });
          }
          for (const m of models) await check(table, m.model, m.version);
          await db.close();
        }),
        { numRuns: runs, seed: Number(process.env.GYRE_MODEL_SEED ?? 4242), endOnFailure: true },
      );
    });
  });
}
