import { describe, expect, it } from 'vitest';

import { filtersIntoStorage, pushDownLevelFilters } from '../../../optimizer/collections/index.js';
import { apply, naive, roots, text } from './helpers.js';

describe('filters-into-storage', () => {
  it('takes the storable conjuncts of a filter right above a scan; the rest stays', () => {
    const { scenes } = roots();
    const d = scenes.clips.detections;
    const plan = naive([d.label], d.confidence.gt(0.5).and(d.label.eq('car')).and(d.confidence.add(1).gt(d.ts)));
    expect(text(apply(plan, [filtersIntoStorage]))).toMatchInlineSnapshot(`
      "Output scenes.clips.detections.label AS o0
        Filter ((scenes.clips.detections.confidence + 1) > scenes.clips.detections.ts)
          Scan scenes.clips.detections, columns=[label, confidence, ts], storage filter=(scenes.clips.detections.confidence > 0.5) and (scenes.clips.detections.label = "car")"
    `);
  });

  it('needs the push-down to reach a scan under joins; ancestor conjuncts go into the ancestor scan', () => {
    const { scenes } = roots();
    const clips = scenes.clips;
    const plan = naive([clips.frames.brightness], clips.duration.lt(10).and(scenes.location.eq('park')).and(clips.frames.brightness.ge(0.2)));
    expect(apply(plan, [filtersIntoStorage])).toBe(plan);
    expect(text(apply(plan, [pushDownLevelFilters, filtersIntoStorage]))).toMatchInlineSnapshot(`
      "Output scenes.clips.frames.brightness AS o0
        Join broadcast on [scenes._id, scenes.clips._id]
          Scan scenes.clips, columns=[duration], storage filter=(scenes.clips.duration < 10)
          Join broadcast on [scenes._id]
            Scan scenes, columns=[location], storage filter=(scenes.location = "park")
            Scan scenes.clips.frames, columns=[brightness], storage filter=(scenes.clips.frames.brightness >= 0.2)"
    `);
  });

  it('leaves reductions, windows and computed values to the engine', () => {
    const { scenes } = roots();
    const clips = scenes.clips;
    const plan = naive([clips.duration], clips.detections.confidence.mean().gt(0.5));
    expect(apply(plan, [pushDownLevelFilters, filtersIntoStorage])).toEqual(apply(plan, [pushDownLevelFilters]));
  });
});
