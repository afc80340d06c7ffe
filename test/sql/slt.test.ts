/** Every `.slt` file of test/sql/slt as one test (see slt.ts for the format). */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { runSltFile } from './slt.js';

const dir = join(import.meta.dirname, 'slt');
const files = readdirSync(dir).filter((f) => f.endsWith('.slt') && !f.endsWith('_slow.slt')).sort();

describe('sqllogictest files', () => {
  for (const f of files) {
    it(f, async () => {
      const { failures } = await runSltFile(join(dir, f));
      expect(failures.map((x) => `${f}:${x.line}: ${x.message}`).join('\n\n')).toBe('');
    });
  }
});
