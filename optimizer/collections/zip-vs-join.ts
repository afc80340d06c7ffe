/**
 * zip-vs-join: two streams with identical row domains are walked in lockstep (Zip: no key
 * comparisons, no lookups) instead of merge-joined. Row-domain identity is proven, not
 * guessed: two resamples onto the same timeline object have exactly the timeline's steps as
 * rows (a resample is an outer merge driven by the steps), so they zip.
 *
 *   Join left on [scenes._id, clips._id, clips.#timeline1._step]
 *     Resample frames.brightness.resample(#1, …)
 *     Resample detections.confidence.resample(#1, …)
 * becomes
 *   Zip on [scenes._id, clips._id, clips.#timeline1._step] (same timeline #1: identical row domains)
 *     Resample frames.brightness.resample(#1, …)
 *     Resample detections.confidence.resample(#1, …)
 *
 * Filter placement against the zip: a filter on one resampled value would have to go below the
 * combine to shrink one side, and that side's rows would no longer be the timeline's steps, so
 * the zip would become a join. A resample reads and bins its whole source either way; only the
 * combine's input rows would shrink, which is what a zip walks fastest. So the filter stays
 * above the zip (push-down-level-filters never moves one into a combine), and filters on the
 * sources (below the resample, where they cut what is read) keep the zip: the steps, not the
 * source rows, make the row domain.
 *
 * Not legal (never done): resamples onto different timeline objects, even with equal
 * parameters (their steps may differ: seed 002 compares timelines by identity); a side with a
 * filter between its resample and the combine.
 */
import type { StreamPlan } from '../../logical/collection-plan.js';
import { transformStreamUp } from '../../logical/collection-plan.js';
import type { Rule } from '../optimizer.js';
import { result } from '../rule.js';
import type { CollectionRuleContext } from './context.js';

/** The identity of a stream's row domain when it is provably a timeline's steps, else null. */
function domain(p: StreamPlan): string | null {
  switch (p.kind) {
    case 'resample':
      return `timeline #${p.resample.timeline.id}`;
    case 'combine': {
      const l = domain(p.left);
      return l !== null && l === domain(p.right) ? l : null;
    }
    default:
      return null;
  }
}

export const zipVsJoin: Rule<StreamPlan, CollectionRuleContext> = {
  name: 'zip-vs-join',
  description: 'streams with identical row domains (resamples onto one timeline) zip instead of joining',
  rewrite(plan) {
    const out = transformStreamUp(plan, (p) => {
      if (p.kind !== 'combine' || p.how === 'zip') return p;
      const d = domain(p.left);
      if (d === null || d !== domain(p.right)) return p;
      return { ...p, how: 'zip', sideways: false, why: `same ${d}: identical row domains` };
    });
    return result(plan, out);
  },
};
