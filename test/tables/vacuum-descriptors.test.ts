/**
 * Vacuum closes the local fragment files it retires: no descriptor is left for the garbage
 * collector to close (found by the crash suite).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { Int32, tableFromArrays } from 'apache-arrow';
import { describe, expect, it } from 'vitest';

import { open } from '../../index.js';

const openFds = (): number => readdirSync('/proc/self/fd').length;

describe('vacuum and open fragment files', () => {
  it('vacuum closes the local fragment files it deletes (no descriptor left to the GC)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gyre-bug-'));
    try {
      const db = await open(dir);
      const t = await db.createTable('t', { keySchema: { k: new Int32() } });
      await t.write(tableFromArrays({ k: Int32Array.from([1, 2]), v: Int32Array.from([10, 20]) }));
      await t.write(tableFromArrays({ k: Int32Array.from([2, 3]), v: Int32Array.from([21, 30]) }));
      await t.read(); // opens the four L0 fragments (local files stay open)
      await t.compact();
      await t.read();
      const before = openFds();
      const r = await t.vacuum({ olderThan: new Date(Date.now() + 1000), orphanGraceMs: 0 });
      expect(r.filesDeleted).toBeGreaterThan(0);
      // FragmentFiles.forget drops the deleted fragments' open VortexFiles without closing them:
      // their descriptors stay open (on deleted files) until GC closes them with DEP0137.
      expect(openFds()).toBeLessThan(before);
      expect((await t.read()).numRows).toBe(3);
      await db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
