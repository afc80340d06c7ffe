/**
 * Hostile input: real Vortex files mutated (bit flips, byte overwrites, truncations, splices,
 * footer-targeted damage) must give a coded EngineError or valid data — never a crash, a hang
 * or an unbounded allocation. `npm run test:asan` runs this under AddressSanitizer + UBSan.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { EngineError, VortexFile } from 'gyre';
import { FIXTURES, VERSIONS } from '../setup/fixtures.js';

const CASES = Number(process.env.GYRE_FUZZ_CASES ?? 100_000);
const ALLOWED = new Set(['vortex-corrupt', 'vortex-unsupported', 'vortex-limit', 'io-error', 'invalid-argument']);

/** Small real files written by the official library, covering many encodings. */
function corpus(): Uint8Array[] {
  const files: Uint8Array[] = [];
  for (const v of VERSIONS) {
    const dir = join(FIXTURES, v);
    for (const mode of readdirSync(dir, { withFileTypes: true })) {
      if (!mode.isDirectory()) continue;
      for (const name of readdirSync(join(dir, mode.name))) {
        if (!name.endsWith('.vortex')) continue;
        const p = join(dir, mode.name, name);
        if (statSync(p).size <= 24 * 1024) files.push(new Uint8Array(readFileSync(p)));
      }
    }
  }
  return files;
}

type Mutation =
  | { kind: 'flip'; at: number; bit: number; tail: boolean }
  | { kind: 'byte'; at: number; value: number; tail: boolean }
  | { kind: 'truncate'; keep: number }
  | { kind: 'splice'; from: number; to: number; len: number }
  | { kind: 'u32'; at: number; value: number; tail: boolean };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat(7), tail: fc.boolean() }),
  fc.record({ kind: fc.constant('byte' as const), at: fc.nat(), value: fc.nat(255), tail: fc.boolean() }),
  fc.record({ kind: fc.constant('truncate' as const), keep: fc.nat() }),
  fc.record({ kind: fc.constant('splice' as const), from: fc.nat(), to: fc.nat(), len: fc.nat(64) }),
  fc.record({
    kind: fc.constant('u32' as const),
    at: fc.nat(),
    value: fc.constantFrom(0, 1, 0x7fffffff, 0xffffffff, 0x10000, 4096),
    tail: fc.boolean(),
  }),
);

function mutate(src: Uint8Array, muts: Mutation[]): Uint8Array {
  let b = new Uint8Array(src);
  for (const m of muts) {
    // Half the damage lands in the last 1 KiB: postscript, footer, layout and dtype flatbuffers.
    const pos = (at: number, tail: boolean): number =>
      tail ? Math.max(0, b.length - 1 - (at % Math.min(1024, b.length))) : at % b.length;
    switch (m.kind) {
      case 'flip': b[pos(m.at, m.tail)]! ^= 1 << m.bit; break;
      case 'byte': b[pos(m.at, m.tail)] = m.value; break;
      case 'truncate': b = b.subarray(0, m.keep % (b.length + 1)); break;
      case 'splice': {
        const from = m.from % b.length, to = m.to % b.length;
        b.copyWithin(to, from, Math.min(b.length, from + m.len));
        break;
      }
      case 'u32': {
        const p = pos(m.at, m.tail);
        if (p + 4 <= b.length) new DataView(b.buffer, b.byteOffset).setUint32(p, m.value, true);
        break;
      }
    }
    if (b.length === 0) break;
  }
  return b;
}

async function readAll(bytes: Uint8Array): Promise<void> {
  const f = await VortexFile.open(bytes);
  for await (const batch of f.scan({ memoryBudget: 64 * 1024 * 1024 })) void batch.numRows;
}

describe('hostile Vortex files', () => {
  const files = corpus();

  it('has a corpus of real files', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it(`never crashes on ${CASES} mutated files`, async () => {
    const codes = new Map<string, number>();
    let ok = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 4 }), async (which, muts) => {
        const bytes = mutate(files[which % files.length]!, muts);
        try {
          await readAll(bytes);
          ok++;
        } catch (e) {
          if (!(e instanceof EngineError) || !ALLOWED.has(e.code)) throw e;
          codes.set(e.code, (codes.get(e.code) ?? 0) + 1);
        }
      }),
      { numRuns: CASES, seed: 20261122 },
    );
    console.log(`fuzz: ${CASES} cases over ${files.length} files: ${ok} read, errors ${JSON.stringify(Object.fromEntries(codes))}`);
    // Most mutations must be detected, and some must still decode: both paths are exercised.
    expect([...codes.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(CASES / 20);
    expect(ok).toBeGreaterThan(0);
  }, 1_800_000);
});
