/**
 * Crash safety of table commits on local disk: child processes run deterministic transaction
 * sequences and are killed with SIGKILL at random moments (see crash-run.ts for the checks).
 * GYRE_CRASH_TRIALS sets the number of trials (default 200), GYRE_CRASH_SEED the first seed;
 * `npx tsx test/tables/crash-run.ts --trials 1000` runs more outside vitest.
 */
import { describe, expect, it } from 'vitest';

import { formatFigures, runCrashTrials } from './crash-run.js';

const TRIALS = Number(process.env.GYRE_CRASH_TRIALS ?? 200);

describe('tables survive SIGKILL at any moment', () => {
  it(`${TRIALS} killed writers: no acknowledged commit lost, no partial transaction visible, every version reads as its prefix`, async () => {
    const f = await runCrashTrials({
      trials: TRIALS,
      concurrency: 4,
      seed: Number(process.env.GYRE_CRASH_SEED ?? 20260501),
    });
    console.log(formatFigures(f));
    expect(f.failures.slice(0, 5)).toEqual([]);
    expect(f.trials).toBe(TRIALS);
    expect(f.losses).toBe(0);
    expect(f.versionsVerified).toBeGreaterThan(f.acked);
    // With the default trial count, the kill moments cover every phase.
    if (TRIALS >= 100) {
      for (const p of ['write', 'commit', 'compaction', 'big-write'] as const)
        expect(f.killPoints[p], p).toBeGreaterThan(0);
      expect(f.acked).toBeGreaterThan(TRIALS * 2);
    }
  }, 900_000);
});
