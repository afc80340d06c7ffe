/**
 * Compatibility against the official library: every fixture file written by vortex-data (both
 * pinned versions, default and compact writers) must read back in gyre with the same logical
 * types and exactly the same values as vortex-data reads.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { type DataType, tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';

import { VortexFile } from 'gyre';
import { logicalTypeName, vectorValues } from '../helpers/arrow-values.js';
import { FIXTURES, readManifest, VERSIONS } from '../setup/fixtures.js';

/** Encodings gyre does not read yet; files that use them must fail with a clear coded error. */
const KNOWN_UNSUPPORTED = new Set(['vortex.pco']);

for (const version of VERSIONS) {
  const dir = join(FIXTURES, version);
  const entries = readManifest(dir);
  describe(`vortex-data ${version}`, () => {
    it('has a fixture matrix', () => {
      expect(entries.length).toBeGreaterThan(20);
    });
    for (const e of entries) {
      it(`${e.mode}/${e.name}`, async () => {
        const expected = tableFromIPC(readFileSync(join(dir, `${e.name}.expected.arrow`)));
        const file = await VortexFile.open(join(dir, `${e.name}.vortex`));
        try {
          const unsupported = (e.encodings ?? []).filter((x) => KNOWN_UNSUPPORTED.has(x));
          if (unsupported.length > 0) {
            await expect(file.read()).rejects.toMatchObject({ code: 'vortex-unsupported' });
            return;
          }
          const actual = await file.read();
          expect(actual.numRows).toBe(expected.numRows);
          const names = expected.schema.fields.map((f) => f.name);
          expect(actual.schema.fields.map((f) => f.name)).toEqual(names);
          for (const name of names) {
            const ev = expected.getChild(name)!;
            const av = actual.getChild(name)!;
            expect(logicalTypeName(av.type as DataType), `type of ${name}`).toBe(logicalTypeName(ev.type as DataType));
            expect(vectorValues(av), `values of ${name}`).toEqual(vectorValues(ev));
          }
        } finally {
          await file.close();
        }
      });
    }
  });
}
