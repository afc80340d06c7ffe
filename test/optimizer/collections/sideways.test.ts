import { describe, expect, it } from 'vitest';

import { COLLECTION_RULES, sideways } from '../../../optimizer/collections/index.js';
import { apply, naive, roots, text } from './helpers.js';

describe('sideways', () => {
  it('joins with a selective input get a channel; unfiltered ones do not', () => {
    const { scenes } = roots();
    const clips = scenes.clips;
    const hot = clips.where(clips.detections.confidence.max().ge(0.99));
    expect(text(apply(naive([hot.frames.brightness, scenes.location]), [sideways]))).toMatchInlineSnapshot(`
      "Output scenes.clips.frames.brightness AS o0, scenes.location AS o1
        Join broadcast on [scenes._id, scenes.clips._id], sideways
          Filter (scenes.clips.detections.confidence.max(per scenes.clips) >= 0.99)
            Join left on [scenes._id, scenes.clips._id] of GroupBy scenes.clips.detections.confidence.max(per scenes.clips)
              Scan scenes.clips, columns=[]
              Scan scenes.clips.detections, columns=[confidence]
          Join broadcast on [scenes._id]
            Scan scenes, columns=[location]
            Scan scenes.clips.frames, columns=[brightness]"
    `);
  });

  it('a plan without filters or seeks gets none', () => {
    const { scenes } = roots();
    const plan = naive([scenes.clips.frames.brightness, scenes.location, scenes.clips.detections.confidence.mean()]);
    expect(apply(plan, [sideways])).toBe(plan);
  });

  it('with every rule: the bench query reads frames only under selective clips', () => {
    const { scenes } = roots();
    const clips = scenes.clips;
    const plan = naive([clips.where(clips.detections.confidence.max().ge(0.99)).frames.brightness]);
    expect(text(apply(plan, COLLECTION_RULES))).toMatchInlineSnapshot(`
      "Output scenes.clips.frames.brightness AS o0
        Join broadcast on [scenes._id, scenes.clips._id], sideways
          Filter (scenes.clips.detections.confidence.max(per scenes.clips) >= 0.99)
            Join left on [scenes._id, scenes.clips._id] of GroupBy scenes.clips.detections.confidence.max(per scenes.clips)
              Scan scenes.clips, columns=[]
              Scan scenes.clips.detections, columns=[confidence]
          Scan scenes.clips.frames, columns=[brightness]"
    `);
  });
});
