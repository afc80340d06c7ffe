/**
 * What vortex-data 0.90 writes that 0.76 did not: `vortex.onpair` strings and the Map dtype with
 * its `vortex.map` encoding (flat, all-null/empty/constant, keys_sorted, non-nullable, inside
 * lists and structs, map values that are structs or maps, chunked, with onpair-compressed keys).
 *
 * write_090_cases.py writes each case with the 0.90 default writer, plus what vortex-data itself
 * reads back (Arrow IPC). Every file is checked to really contain the encoding under test (the
 * array trees of its segments, via describeSegment), then read with gyre — whole, by row ranges
 * across chunk boundaries, and filtered — and compared value by value with vortex-data's read.
 * Finally the onpair/map segments are damaged at random: every read must give valid data or a
 * coded error, never a crash.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type DataType, type Field, type Table, tableFromIPC, Type } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { EngineError, isNotNull, type LayoutTree, VortexFile } from 'gyre';
import { logicalTypeName, vectorValues } from '../helpers/arrow-values.js';
import { pythons } from '../setup/fixtures.js';

const HERE = import.meta.dirname;

/** Case name → array encodings its data must contain. */
const CASES: Record<string, string[]> = {
  onpair_urls: ['vortex.onpair'],
  onpair_emails_nulls: ['vortex.onpair'],
  onpair_ids_nested: ['vortex.onpair'],
  onpair_large: ['vortex.onpair'],
  map_flat: ['vortex.map', 'vortex.listview'],
  map_all_null_empty_const: ['vortex.map'],
  map_sorted_nonnull: ['vortex.map'],
  map_nested: ['vortex.map', 'vortex.list'],
  map_large_onpair_keys: ['vortex.map', 'vortex.onpair'],
};

let dir = '';
let version = '';

beforeAll(async () => {
  const py = (await pythons())['0.90'];
  dir = mkdtempSync(join(tmpdir(), 'gyre-090-'));
  const r = spawnSync(py, [join(HERE, 'write_090_cases.py'), dir], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`write_090_cases.py failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout) as { version: string; cases: { name: string; ok: boolean; error: string | null }[] };
  version = out.version;
  const failed = out.cases.filter((c) => !c.ok);
  if (failed.length) throw new Error(`vortex-data could not write: ${failed.map((c) => `${c.name}: ${c.error}`).join('\n')}`);
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function expected(name: string): Table {
  return tableFromIPC(readFileSync(join(dir, `${name}.expected.arrow`)));
}

/** Segment ids of a layout tree. */
function segmentIds(t: LayoutTree, out: number[] = []): number[] {
  if (t.segment) out.push(t.segment.id);
  for (const c of t.children) segmentIds(c, out);
  return out;
}

/** Encoding ids of a describeSegment tree. */
function arrayEncodings(node: unknown, out = new Set<string>()): Set<string> {
  const n = node as { encoding: string; children?: unknown[] };
  out.add(n.encoding);
  for (const c of n.children ?? []) arrayEncodings(c, out);
  return out;
}

async function encodingsBySegment(f: VortexFile): Promise<Map<number, Set<string>>> {
  const m = new Map<number, Set<string>>();
  for (const s of segmentIds(f.layout)) m.set(s, arrayEncodings(await f.describeSegment(s)));
  return m;
}

function compareTables(actual: Table, exp: Table, what: string): void {
  expect(actual.numRows, `${what}: rows`).toBe(exp.numRows);
  const names = exp.schema.fields.map((f) => f.name);
  expect(actual.schema.fields.map((f) => f.name)).toEqual(names);
  for (const name of names) {
    const av = actual.getChild(name)!, ev = exp.getChild(name)!;
    expect(logicalTypeName(av.type as DataType), `${what}: type of ${name}`).toBe(logicalTypeName(ev.type as DataType));
    const a = vectorValues(av), x = vectorValues(ev);
    if (JSON.stringify(a) === JSON.stringify(x)) continue;
    const row = a.findIndex((v, i) => JSON.stringify(v) !== JSON.stringify(x[i]));
    expect({ what, column: name, row, value: a[row] }).toEqual({ what, column: name, row, value: x[row] });
  }
}

describe('vortex-data 0.90 encodings: vortex.onpair, vortex.map', () => {
  it('writes with vortex-data 0.90', () => {
    expect(version).toBe('0.90.0');
  });

  for (const [name, wanted] of Object.entries(CASES)) {
    describe(name, () => {
      it(`contains ${wanted.join(', ')} and reads exactly what vortex-data reads`, async () => {
        const f = await VortexFile.open(join(dir, `${name}.vortex`));
        try {
          const all = new Set<string>();
          for (const s of (await encodingsBySegment(f)).values()) for (const e of s) all.add(e);
          for (const w of wanted) expect([...all], `array encodings of ${name}`).toContain(w);
          compareTables(await f.read(), expected(name), 'full read');
        } finally {
          await f.close();
        }
      });

      it('reads row ranges (inside chunks and across chunk boundaries)', async () => {
        const f = await VortexFile.open(join(dir, `${name}.vortex`));
        try {
          const exp = expected(name);
          const n = exp.numRows;
          const ranges: [number, number][] = [
            [0, 1],
            [n - 1, n],
            [Math.floor(n / 3), Math.floor((2 * n) / 3)],
            [1000, Math.min(n, 17_000)],
            [16_383, Math.min(n, 16_390)],
          ];
          for (const [a, b] of ranges) {
            if (a >= b || b > n) continue;
            compareTables(await f.read({ rows: [a, b] }), exp.slice(a, b), `rows [${a}, ${b})`);
          }
        } finally {
          await f.close();
        }
      });
    });
  }

  it('exposes the Map dtype (key, value, keys_sorted, nullability) and the Arrow Map type', async () => {
    const f = await VortexFile.open(join(dir, 'map_sorted_nonnull.vortex'));
    try {
      expect(f.dtype).toEqual({
        kind: 'struct',
        nullable: false,
        fields: [
          {
            name: 'sorted',
            type: {
              kind: 'map', nullable: true, keysSorted: true,
              key: { kind: 'utf8', nullable: false }, value: { kind: 'primitive', nullable: true, ptype: 'i64' },
            },
          },
          {
            name: 'nonnull',
            type: {
              kind: 'map', nullable: false, keysSorted: false,
              key: { kind: 'utf8', nullable: false }, value: { kind: 'primitive', nullable: true, ptype: 'i64' },
            },
          },
        ],
      });
      const [sorted, nonnull] = f.schema.fields;
      expect(sorted!.type.typeId).toBe(Type.Map);
      expect((sorted!.type as unknown as { keysSorted: boolean }).keysSorted).toBe(true);
      expect(sorted!.nullable).toBe(true);
      expect(nonnull!.nullable).toBe(false);
      const entries = sorted!.type.children[0]!;
      expect(entries.nullable).toBe(false);
      const kv = (entries.type as DataType).children.map((c: Field) => [c.name, c.nullable]);
      expect(kv).toEqual([['key', false], ['value', true]]);
    } finally {
      await f.close();
    }
  });

  it('filters rows of map and onpair columns exactly (where)', async () => {
    for (const [name, col] of [['map_flat', 'm'], ['map_large_onpair_keys', 'm'], ['onpair_emails_nulls', 'v']] as const) {
      const f = await VortexFile.open(join(dir, `${name}.vortex`));
      try {
        const exp = expected(name);
        const keep: number[] = [];
        const ev = exp.getChild(col)!;
        for (let i = 0; i < exp.numRows; i++) if (ev.get(i) !== null) keep.push(i);
        const actual = await f.read({ where: isNotNull(col) });
        expect(actual.numRows).toBe(keep.length);
        const want = vectorValues(ev);
        const got = vectorValues(actual.getChild(col)!);
        expect(JSON.stringify(got) === JSON.stringify(keep.map((i) => want[i]))).toBe(true);
      } finally {
        await f.close();
      }
    }
  });

  it('never crashes on damaged onpair / map segments', async () => {
    const ALLOWED = new Set(['vortex-corrupt', 'vortex-unsupported', 'vortex-limit', 'invalid-argument']);
    let seed = 0x0a9a1;
    const rand = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const outcomes = { ok: 0, errors: 0 };
    for (const name of ['onpair_ids_nested', 'onpair_emails_nulls', 'map_nested', 'map_flat']) {
      const path = join(dir, `${name}.vortex`);
      const original = new Uint8Array(readFileSync(path));
      const f = await VortexFile.open(path);
      const targets: { offset: number; length: number }[] = [];
      for (const [s, encs] of await encodingsBySegment(f)) {
        if (encs.has('vortex.onpair') || encs.has('vortex.map')) targets.push(f.segments[s]!);
      }
      await f.close();
      expect(targets.length).toBeGreaterThan(0);
      for (let k = 0; k < 300; k++) {
        const bytes = new Uint8Array(original);
        const seg = targets[rand(targets.length)]!;
        for (let m = 1 + rand(3); m > 0; m--) {
          // Half the damage lands in the array flatbuffer (metadata, child and buffer tables).
          const tail = Math.min(seg.length, 400);
          const at = rand(2) ? seg.offset + seg.length - 1 - rand(tail) : seg.offset + rand(seg.length);
          if (rand(4) === 0) bytes[at] = [0, 0xff, 0x7f, 0x80][rand(4)]!;
          else bytes[at]! ^= 1 << rand(8);
        }
        try {
          const g = await VortexFile.open(bytes);
          for await (const b of g.scan({ memoryBudget: 256 * 1024 * 1024 })) void b.numRows;
          outcomes.ok++;
        } catch (e) {
          if (!(e instanceof EngineError) || !ALLOWED.has(e.code)) throw e;
          outcomes.errors++;
        }
      }
    }
    expect(outcomes.errors).toBeGreaterThan(100);
    expect(outcomes.ok).toBeGreaterThan(0);
  }, 600_000);
});
