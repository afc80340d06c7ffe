/**
 * The optimizer keeps results: random plans over random tables (test/optimizer/random-plans.ts)
 * give the same multiset of rows before and after `optimize`, both run by the naive reference
 * interpreter (test/optimizer/reference.ts), and keep their schema: 1600 plans per run, in
 * three generator focuses. Mutation-checked: breaking a legality rule on purpose (e.g. letting a
 * LEFT join's right side take WHERE conjuncts, or swapping FULL → LEFT/RIGHT) fails it.
 */
import fc from 'fast-check';

const unbiased = (min: number, max: number): fc.Arbitrary<number> => fc.noBias(fc.integer({ min, max }));
import { describe, expect, it } from 'vitest';

import type { Plan } from '../../logical/plan.js';
import { sameSchema } from '../../logical/validate.js';
import { optimizeWithReport, planText } from '../../optimizer/index.js';
import { type Database, evaluate, multiset, QueryFailed, type Row } from './reference.js';
import { type Chooser, type Focus, PlanGen } from './random-plans.js';

/** Random plans checked per run, by generator focus (test/optimizer/random-plans.ts). */
const SCALE = Number(process.env['GYRE_OPTIMIZER_RUNS_SCALE'] ?? 1); // e.g. 20 for a soak run
export const RUNS = { mixed: 600 * SCALE, joins: 600 * SCALE, nodes: 400 * SCALE } as const;

const chooser = (g: fc.GeneratorValue): Chooser => ({ int: (min, max) => g(unbiased, min, max) });

function run(plan: Plan, db: Database): Row[] | 'failed' {
  try {
    return evaluate(plan, db);
  } catch (e) {
    if (e instanceof QueryFailed) return 'failed';
    throw e;
  }
}

function check(focus: Focus, runs: number): { changed: number; nonEmpty: number } {
  let changed = 0, nonEmpty = 0;
  fc.assert(
    fc.property(fc.gen(), (g) => {
      const gen = new PlanGen(chooser(g), focus);
      const db = gen.database();
      const plan = gen.plan(g(unbiased, 1, 4));
      const expected = run(plan, db);
      const report = optimizeWithReport(plan, { validate: true });
      const optimized = report.plan;
      expect(sameSchema(optimized.schema, plan.schema)).toBe(true);
      if (!report.fixpoint) throw new Error(`no fixpoint after ${report.passes} passes\n${planText(plan)}`);
      if (optimized !== plan) changed++;
      if (expected === 'failed') return; // the query raises an error: nothing to compare
      if (expected.length) nonEmpty++;
      const actual = run(optimized, db);
      if (actual === 'failed' || JSON.stringify(multiset(actual)) !== JSON.stringify(multiset(expected))) {
        throw new Error(`results differ\n--- plan\n${planText(plan)}\n--- optimized\n${planText(optimized)}\n--- expected\n${multiset(expected).join('\n')}\n--- actual\n${actual === 'failed' ? 'failed' : multiset(actual).join('\n')}`);
      }
    }),
    { numRuns: runs },
  );
  return { changed, nonEmpty };
}

describe('optimizer equivalence (reference interpreter)', () => {
  const what: Record<Focus, string> = {
    mixed: 'random plans of every node kind',
    joins: 'random filters over joins of every type',
    nodes: 'random filters over aggregates, windows, set operations, distinct, limits and projects',
  };
  for (const focus of ['mixed', 'joins', 'nodes'] as const) {
    it(`${what[focus]} give the same rows optimized and not (${RUNS[focus]} plans)`, () => {
      const { changed, nonEmpty } = check(focus, RUNS[focus]);
      // the generator must give the optimizer work, and the data must give rows
      expect(changed).toBeGreaterThan(RUNS[focus] / 2);
      expect(nonEmpty).toBeGreaterThan(RUNS[focus] / 5);
    });
  }
});
