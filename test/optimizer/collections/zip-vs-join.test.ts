import { describe, expect, it } from 'vitest';

import { timeline } from '../../../logical/fluent.js';
import { zipVsJoin } from '../../../optimizer/collections/index.js';
import { apply, naive, roots, text } from './helpers.js';

describe('zip-vs-join', () => {
  it('resamples onto one timeline zip: their row domains are the same steps', () => {
    const { scenes } = roots();
    const clips = scenes.clips;
    const tl = timeline({ fps: 10, stop: clips.duration });
    const b = clips.frames.brightness.resample(tl, { on: clips.frames._pos.div(30), method: 'mean' });
    const c = clips.detections.confidence.resample(tl, { on: clips.detections.ts, method: 'max' });
    const l = clips.detections.label.resample(tl, { on: clips.detections.ts, method: 'list' });
    expect(text(apply(naive([b, c, l]), [zipVsJoin]))).toMatchInlineSnapshot(`
      "Output scenes.clips.frames.brightness.resample(timeline1, (scenes.clips.frames._pos / 30), mean) AS o0, scenes.clips.detections.confidence.resample(timeline1, scenes.clips.detections.ts, max) AS o1, scenes.clips.detections.label.resample(timeline1, scenes.clips.detections.ts, list) AS o2
        Zip on [scenes._id, scenes.clips._id, scenes.clips.#timeline1._step] (same timeline #1: identical row domains)
          Zip on [scenes._id, scenes.clips._id, scenes.clips.#timeline1._step] (same timeline #1: identical row domains)
            Resample scenes.clips.frames.brightness.resample(timeline1, (scenes.clips.frames._pos / 30), mean)
              Timeline #1 fps=10 stop=scenes.clips.duration
                Scan scenes.clips, columns=[duration]
              Scan scenes.clips.frames, columns=[brightness]
            Resample scenes.clips.detections.confidence.resample(timeline1, scenes.clips.detections.ts, max)
              Timeline #1 fps=10 stop=scenes.clips.duration
                Scan scenes.clips, columns=[duration]
              Scan scenes.clips.detections, columns=[confidence, ts]
          Resample scenes.clips.detections.label.resample(timeline1, scenes.clips.detections.ts, list)
            Timeline #1 fps=10 stop=scenes.clips.duration
              Scan scenes.clips, columns=[duration]
            Scan scenes.clips.detections, columns=[label, ts]"
    `);
  });

  it('a filter on a resample source keeps the zip (the steps make the row domain)', () => {
    const { scenes } = roots();
    const clips = scenes.clips;
    const tl = timeline({ fps: 10, stop: clips.duration });
    const cars = clips.detections.where(clips.detections.label.eq('car'));
    const b = clips.frames.brightness.resample(tl, { on: clips.frames._pos.div(30), method: 'mean' });
    const c = cars.confidence.resample(tl, { on: cars.ts, method: 'max' });
    expect(text(apply(naive([b, c]), [zipVsJoin]))).toContain('Zip on');
  });

  it('one resample has nothing to zip with', () => {
    const { scenes } = roots();
    const clips = scenes.clips;
    const tl = timeline({ fps: 10, stop: clips.duration });
    const plan = naive([clips.frames.brightness.resample(tl, { on: clips.frames._pos.div(30), method: 'mean' })]);
    expect(apply(plan, [zipVsJoin])).toBe(plan);
  });
});
