import { describe, expect, it } from 'vitest';

import { filtersIntoStorage, keySeeks, pushDownLevelFilters } from '../../../optimizer/collections/index.js';
import { apply, naive, roots, text } from './helpers.js';

describe('key-seeks', () => {
  it('a selection at the root seeks every scan it restricts, across the broadcast both ways', () => {
    const { scenes } = roots();
    const s = scenes.get(['s1', 's2']);
    expect(text(apply(naive([s.clips.frames.brightness, s.location]), [keySeeks]))).toMatchInlineSnapshot(`
      "Output scenes.clips.frames.brightness AS o0, scenes.location AS o1
        Join broadcast on [scenes._id]
          Filter (scenes._id) in [("s1"), ("s2")]
            Scan scenes, columns=[location], seek=(scenes._id) in [("s1"), ("s2")]
          Scan scenes.clips.frames, columns=[brightness], seek=(scenes._id) in [("s1"), ("s2")]"
    `);
  });

  it('selections of consecutive levels multiply out; a reduction argument seeks inside its domain', () => {
    const { scenes } = roots();
    const c = scenes.get('s1').clips.get(['c1', 'c2']);
    expect(text(apply(naive([c.duration, c.detections.confidence.max()]), [keySeeks]))).toMatchInlineSnapshot(`
      "Output scenes.clips.duration AS o0, scenes.clips.detections.confidence.max(per scenes.clips) AS o1
        Filter (scenes.clips._id) in [("c1"), ("c2")]
          Join left on [scenes._id, scenes.clips._id] of GroupBy scenes.clips.detections.confidence.max(per scenes.clips)
            Join broadcast on [scenes._id]
              Filter (scenes._id) in [("s1")]
                Scan scenes, columns=[], seek=(scenes._id) in [("s1")]
              Scan scenes.clips, columns=[duration], seek=(scenes.clips._id) in [("c1"), ("c2")] and (scenes._id) in [("s1")]
            Join broadcast on [scenes._id, scenes.clips._id]
              Filter (scenes.clips._id) in [("c1"), ("c2")]
                Scan scenes.clips, columns=[], seek=(scenes.clips._id) in [("c1"), ("c2")] and (scenes._id) in [("s1")]
              Join broadcast on [scenes._id]
                Filter (scenes._id) in [("s1")]
                  Scan scenes, columns=[], seek=(scenes._id) in [("s1")]
                Scan scenes.clips.detections, columns=[confidence], seek=(scenes.clips._id) in [("c1"), ("c2")] and (scenes._id) in [("s1")]"
    `);
  });

  it('a selection that does not start at the root stays a filter only', () => {
    const { scenes } = roots();
    const plan = naive([scenes.clips.get('c1').duration]);
    expect(apply(plan, [keySeeks])).toBe(plan);
  });

  it("a child's selection does not restrict a reduction inside its parent's stream", () => {
    const { scenes } = roots();
    const s = scenes.get('s1');
    const busy = s.where(s.clips.duration.max().gt(12));
    const out = text(apply(naive([busy.clips.get('c1').detections.label]), [keySeeks]));
    // The max over all of s1's clips seeks to s1 only; the c1 selection seeks the detections and the clips it filters.
    expect(out).toMatchInlineSnapshot(`
      "Output scenes.clips.detections.label AS o0
        Join broadcast on [scenes._id, scenes.clips._id]
          Filter (scenes.clips._id) in [("c1")]
            Scan scenes.clips, columns=[], seek=(scenes._id) in [("s1")] and (scenes.clips._id) in [("c1")]
          Join broadcast on [scenes._id]
            Filter ((scenes._id) in [("s1")] and (scenes.clips.duration.max(per scenes) > 12))
              Join left on [scenes._id] of GroupBy scenes.clips.duration.max(per scenes)
                Scan scenes, columns=[], seek=(scenes._id) in [("s1")]
                Join broadcast on [scenes._id]
                  Filter (scenes._id) in [("s1")]
                    Scan scenes, columns=[], seek=(scenes._id) in [("s1")]
                  Scan scenes.clips, columns=[duration], seek=(scenes._id) in [("s1")]
            Scan scenes.clips.detections, columns=[label], seek=(scenes.clips._id) in [("c1")] and (scenes._id) in [("s1")]"
    `);
  });

  it('a selection on a window level is applied before the window (level filters come first), so it seeks too', () => {
    const { scenes } = roots();
    const d = scenes.get('s1').clips.get('c1').detections.at(0);
    expect(text(apply(naive([d.confidence.rolling({ before: 1, after: 0, agg: 'sum' })]), [keySeeks]))).toMatchInlineSnapshot(`
      "Output scenes.clips.detections.confidence.rolling(1, 0, sum) AS o0
        Window scenes.clips.detections.confidence.rolling(1, 0, sum) per [scenes._id, scenes.clips._id]
          Filter (scenes.clips.detections._pos) in [(0)]
            Join broadcast on [scenes._id, scenes.clips._id]
              Filter (scenes.clips._id) in [("c1")]
                Scan scenes.clips, columns=[], seek=(scenes._id) in [("s1")] and (scenes.clips._id) in [("c1")]
              Join broadcast on [scenes._id]
                Filter (scenes._id) in [("s1")]
                  Scan scenes, columns=[], seek=(scenes._id) in [("s1")]
                Scan scenes.clips.detections, columns=[confidence], seek=(scenes.clips.detections._pos) in [(0)] and (scenes.clips._id) in [("c1")] and (scenes._id) in [("s1")]"
    `);
  });
});

describe('key-seeks: key ranges', () => {
  it('a key range on an ancestor becomes a storage filter of the scans under it (zone maps prune them before reading)', () => {
    const { scenes } = roots();
    const late = scenes.where(scenes._id.ge('s7'));
    const out = apply(naive([late.clips.frames.brightness]), [pushDownLevelFilters, filtersIntoStorage, keySeeks]);
    expect(text(out)).toMatchInlineSnapshot(`
      "Output scenes.clips.frames.brightness AS o0
        Join broadcast on [scenes._id]
          Scan scenes, columns=[], storage filter=(scenes._id >= "s7")
          Scan scenes.clips.frames, columns=[brightness], storage filter=(scenes._id >= "s7")"
    `);
  });
});
