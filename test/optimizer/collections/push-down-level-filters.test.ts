import { describe, expect, it } from 'vitest';

import type { StreamPlan } from '../../../logical/collection-plan.js';
import { timeline } from '../../../logical/fluent.js';
import { pushDownLevelFilters } from '../../../optimizer/collections/index.js';
import { apply, naive, roots, text } from './helpers.js';

describe('push-down-level-filters', () => {
  it('splits a level filter: own and ancestor conjuncts go below the broadcast and the reduction join, the reduction conjunct stays', () => {
    const { scenes } = roots();
    const clips = scenes.clips;
    const hot = clips.where(clips.duration.gt(5).and(scenes.location.eq('park')).and(clips.detections.confidence.max().ge(0.9)));
    const before = naive([hot.frames.brightness]);
    expect(text(apply(before, [pushDownLevelFilters]))).toMatchInlineSnapshot(`
      "Output scenes.clips.frames.brightness AS o0
        Join broadcast on [scenes._id, scenes.clips._id]
          Filter (scenes.clips.detections.confidence.max(per scenes.clips) >= 0.9)
            Join left on [scenes._id, scenes.clips._id] of GroupBy scenes.clips.detections.confidence.max(per scenes.clips)
              Join broadcast on [scenes._id]
                Filter (scenes.location = "park")
                  Scan scenes, columns=[location]
                Filter (scenes.clips.duration > 5)
                  Scan scenes.clips, columns=[duration]
              Scan scenes.clips.detections, columns=[confidence]
          Scan scenes.clips.frames, columns=[brightness]"
    `);
  });

  it('does not move a filter below a window (the window would see fewer rows)', () => {
    const { scenes } = roots();
    const d = scenes.clips.detections;
    const plan = naive([d.confidence.rolling({ before: 1, after: 1, agg: 'sum' })]);
    if (plan.kind !== 'output') throw new Error('expected an output node');
    // A filter above the window (the builder puts level filters below windows; a rule must not move one there).
    const filtered: StreamPlan = { ...plan, input: { kind: 'filter', input: plan.input, pred: d.confidence.gt(0.5).expr } };
    expect(apply(filtered, [pushDownLevelFilters])).toBe(filtered);
  });

  it('keeps a filter on resampled values above the combine (the zip stays legal)', () => {
    const { scenes } = roots();
    const clips = scenes.clips;
    const tl = timeline({ fps: 10, stop: clips.duration });
    const b = clips.frames.brightness.resample(tl, { on: clips.frames._pos.div(30), method: 'mean' });
    const c = clips.detections.confidence.resample(tl, { on: clips.detections.ts, method: 'max' });
    const plan = naive([b, c], b.gt(0.5));
    const out = apply(plan, [pushDownLevelFilters]);
    expect(out).toBe(plan);
    expect(text(out).split('\n')[1]).toMatch(/^  Filter /);
  });

  it('is a fixpoint on its own output and leaves an unfiltered plan alone', () => {
    const { scenes } = roots();
    const plan = naive([scenes.clips.duration, scenes.location]);
    expect(pushDownLevelFilters.rewrite(plan, undefined as never).changed).toBe(false);
  });
});
