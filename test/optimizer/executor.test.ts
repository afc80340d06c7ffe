/**
 * The optimizer against the executor: random plans (test/optimizer/random-plans.ts) are
 * optimized and run by the physical executor (physical/lower.ts `collect`); their rows must
 * equal the reference interpreter's rows of the *unoptimized* plan. Tables are in-memory
 * sources cut into batches at odd boundaries (empty batches included); the optimizer's pushed
 * scan filters are applied by the same filter operator the catalog scan puts on top.
 *
 * Plans whose result SQL leaves open (a limit over UNION ALL) and plans whose query raises an
 * error in the reference (a scalar subquery matching twice, an overflow) are skipped.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { Plan } from '../../logical/plan.js';
import { optimize, planText } from '../../optimizer/index.js';
import { collect } from '../../physical/lower.js';
import { defaultContext } from '../../physical/operator.js';
import { norm } from '../physical/rel/helpers.js';
import { memoryContext, tableRows } from './executor-context.js';
import { type Database, evaluate, QueryFailed, type Row } from './reference.js';
import { type Focus, PlanGen } from './random-plans.js';

const SCALE = Number(process.env['GYRE_OPTIMIZER_RUNS_SCALE'] ?? 1);
export const EXECUTOR_RUNS = { mixed: 300 * SCALE, joins: 300 * SCALE, nodes: 200 * SCALE } as const;

const unbiased = (min: number, max: number): fc.Arbitrary<number> => fc.noBias(fc.integer({ min, max }));

const keys = (rows: readonly Row[]): string[] => rows.map((r) => r.map(norm).join('|')).sort();
const dbText = (db: Database): string => [...db].map(([id, rows]) => `${id}: ${rows.map((r) => `{${Object.entries(r).map(([k, v]) => `${k}: ${norm(v)}`).join(', ')}}`).join(' ')}`).join('\n');

async function check(focus: Focus, runs: number): Promise<number> {
  let compared = 0;
  await fc.assert(
    fc.asyncProperty(fc.gen(), async (g) => {
      const gen = new PlanGen({ int: (min, max) => g(unbiased, min, max) }, focus);
      const db = gen.database();
      const plan: Plan = gen.plan(g(unbiased, 1, 4));
      if (gen.orderSensitive) return;
      let expected: Row[];
      try {
        expected = evaluate(plan, db);
      } catch (e) {
        if (e instanceof QueryFailed) return;
        throw e;
      }
      const optimized = optimize(plan);
      const exec = async (p: Plan): Promise<string[]> => keys(tableRows(await collect(p, memoryContext(db), { ...defaultContext(), batchRows: 3 })));
      const a = await exec(optimized), e = keys(expected);
      if (JSON.stringify(a) !== JSON.stringify(e)) {
        // which side is wrong: the optimizer (reference differs on the optimized plan) or the executor (it differs on the original plan too)
        const refOptimized = keys(evaluate(optimized, db));
        const execOriginal = await exec(plan).catch((err: unknown) => [`error: ${String(err)}`]);
        const blame = JSON.stringify(refOptimized) !== JSON.stringify(e) ? 'optimizer' : JSON.stringify(execOriginal) !== JSON.stringify(e) ? 'executor (also on the unoptimized plan)' : 'executor on the optimized plan only';
        throw new Error(`executor differs from the reference — ${blame}\n--- plan\n${planText(plan)}\n--- optimized\n${planText(optimized)}\n--- tables\n${dbText(db)}\n--- expected\n${e.join('\n')}\n--- actual\n${a.join('\n')}\n--- executor on the unoptimized plan\n${execOriginal.join('\n')}`);
      }
      compared++;
    }),
    { numRuns: runs },
  );
  return compared;
}

describe('optimized plans run by the executor equal the reference on the original plan', () => {
  for (const focus of ['mixed', 'joins', 'nodes'] as const) {
    it(`${focus} (${EXECUTOR_RUNS[focus]} plans)`, async () => {
      expect(await check(focus, EXECUTOR_RUNS[focus])).toBeGreaterThan(EXECUTOR_RUNS[focus] * 0.7);
    });
  }
});
