/**
 * Compatibility against the official library: every fixture file written by vortex-data (a pinned
 * version, default and compact writers) must read back in gyre with the same logical types and
 * exactly the same values as vortex-data reads.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { type DataType, tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';

import { VortexFile } from 'gyre';
import { logicalTypeName, vectorValues } from '../helpers/arrow-values.js';
import { FIXTURES, readManifest, type Version } from '../setup/fixtures.js';

/** Index of the first differing row, or -1 (JSON text compare is fast; values are JSON-safe). */
function firstDifference(a: unknown[], b: unknown[]): number {
  if (a.length === b.length && JSON.stringify(a) === JSON.stringify(b)) return -1;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) if (JSON.stringify(a[i]) !== JSON.stringify(b[i])) return i;
  return -1;
}

export function compatSuite(version: Version): void {
  const dir = join(FIXTURES, version);
  const entries = readManifest(dir);
  describe(`vortex-data ${version}`, () => {
    it('has a fixture matrix', () => {
      expect(entries.length).toBeGreaterThan(20);
    });
    for (const e of entries) {
      it(e.name, async () => {
        const expected = tableFromIPC(readFileSync(join(dir, `${e.name}.expected.arrow`)));
        const file = await VortexFile.open(join(dir, `${e.name}.vortex`));
        try {
          const actual = await file.read();
          expect(actual.numRows).toBe(expected.numRows);
          const names = expected.schema.fields.map((f) => f.name);
          expect(actual.schema.fields.map((f) => f.name)).toEqual(names);
          for (const name of names) {
            const ev = expected.getChild(name)!;
            const av = actual.getChild(name)!;
            expect(logicalTypeName(av.type as DataType), `type of ${name}`).toBe(logicalTypeName(ev.type as DataType));
            const a = vectorValues(av), x = vectorValues(ev);
            const at = firstDifference(a, x);
            if (at >= 0) expect({ column: name, row: at, value: a[at] }).toEqual({ column: name, row: at, value: x[at] });
          }
        } finally {
          await file.close();
        }
      });
    }
  });
}
