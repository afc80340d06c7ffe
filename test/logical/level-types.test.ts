/**
 * Level mistakes are compile errors when the schema is built in code (each `@ts-expect-error`
 * below fails `npm run typecheck` if the mistake stops being one), and the same mistakes are
 * LevelErrors at runtime. Correct expressions get their level in their type.
 */
import { Binary, Field, Float32, Float64, List, Utf8 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';

import type { Ref } from '../../logical/fluent-types.js';
import { refs, timeline } from '../../logical/fluent.js';
import { datasetSchema, keyed, positional, scalar, struct } from '../../logical/schema.js';

const schema = datasetSchema('recordings', {
  scenes: keyed(new Utf8(), {
    location: scalar(new Utf8()),
    tags: scalar(new List(new Field('item', new Utf8(), true))),
    metadata: struct({ weather: scalar(new Utf8()) }),
    clips: keyed(new Utf8(), {
      duration: scalar(new Float64()),
      start_time: scalar(new Float64()),
      frames: positional({ rgb: scalar(new Binary()) }),
      detections: positional({ confidence: scalar(new Float32()), ts: scalar(new Float64()) }),
    }),
  }),
  models: keyed(new Utf8(), { name: scalar(new Utf8()) }),
});

const { scenes, models } = refs(schema);
const clips = scenes.clips;
const frames = clips.frames;
const detections = clips.detections;

/** Compile-time equality of two types. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(): T | undefined => undefined;

describe('level types', () => {
  it('correct expressions carry their level', () => {
    const broadcast = frames._pos.add(clips.duration).add(scenes.location);
    assertType<Equal<typeof broadcast, Ref<readonly ['scenes', 'clips', 'frames']>>>();
    const perClip = detections.confidence.mean();
    assertType<Equal<typeof perClip, Ref<readonly ['scenes', 'clips']>>>();
    const perScene = detections.confidence.mean({ per: scenes });
    assertType<Equal<typeof perScene, Ref<readonly ['scenes']>>>();
    const tagCount = scenes.tags.count();
    assertType<Equal<typeof tagCount, Ref<readonly ['scenes']>>>();
    const weather = scenes.metadata.weather.eq('sunny');
    assertType<Equal<typeof weather, Ref<readonly ['scenes']>>>();
    const tl = timeline({ fps: 10, stop: clips.duration });
    const fr = frames.rgb.resample(tl, { on: frames._pos.div(30) });
    assertType<Equal<typeof fr, Ref<readonly ['scenes', 'clips', '#timeline']>>>();
    // Runtime agrees.
    expect(broadcast.level?.path).toEqual(['scenes', 'clips', 'frames']);
    expect(perScene.level?.path).toEqual(['scenes']);
    expect(tagCount.level?.path).toEqual(['scenes']);
    expect([perClip.level?.path, weather.level?.path, fr.level?.path.length]).toEqual([['scenes', 'clips'], ['scenes'], 3]);
  });

  it('siblings, unrelated branches and descendants in filters do not compile — and throw', () => {
    expect(() =>
      // @ts-expect-error frames and detections are siblings
      frames._pos.add(detections.confidence),
    ).toThrow(expect.objectContaining({ code: 'level-error' }));
    expect(() =>
      // @ts-expect-error models and scenes are unrelated roots
      models.name.eq(scenes.location),
    ).toThrow(expect.objectContaining({ code: 'level-error' }));
    expect(() =>
      // @ts-expect-error a filter on clips cannot use its children's fields
      clips.where(frames._pos.gt(2)),
    ).toThrow(expect.objectContaining({ code: 'level-error' }));
    expect(() =>
      // @ts-expect-error a reduction of clips to models is not to an ancestor
      clips.duration.sum({ per: models }),
    ).toThrow(expect.objectContaining({ code: 'level-error' }));
  });

  it('a filtered collection keeps its typed fields', () => {
    const long = clips.where(clips.duration.gt(10));
    const d = long.frames.rgb;
    assertType<Equal<typeof d, Ref<readonly ['scenes', 'clips', 'frames']>>>();
    expect(d.level?.filters).toHaveLength(1);
  });
});
