/**
 * Expression levels and level errors, as seed 002 states them, on its recordings schema.
 */
import { Field, FixedSizeList, Float32, Float64, Int16, Int32, Uint8, Utf8 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';

import { levelOf, scanLevel } from '../../logical/expr.js';
import { type CollectionRef, type ExprRef, refs } from '../../logical/fluent.js';
import { datasetSchema, formatSchema, keyColumns, keyed, positional, scalar, struct } from '../../logical/schema.js';

const tensor = (t: Uint8 | Float32 | Int16, n: number): FixedSizeList => new FixedSizeList(n, new Field('item', t));
export const recordings = datasetSchema('recordings', {
  scenes: keyed(new Utf8(), {
    location: scalar(new Utf8()),
    clips: keyed(new Utf8(), {
      camera: scalar(new Utf8()),
      start_time: scalar(new Float64()),
      duration: scalar(new Float64()),
      frames: positional({ rgb: scalar(tensor(new Uint8(), 12), { shape: ['H', 'W', 3] }), depth: scalar(tensor(new Float32(), 4), { shape: ['H', 'W'] }) }, 'one per video frame (e.g. 30fps)'),
      detections: positional({ label: scalar(new Utf8()), confidence: scalar(new Float32()), ts: scalar(new Float64()) }, 'one per detected object (variable rate)'),
      audio: positional({ pcm: scalar(tensor(new Int16(), 512), { shape: [512] }), level_db: scalar(new Float32()) }, 'one per chunk (e.g. 512 samples at 16kHz)'),
    }),
    metadata: struct({ weather: scalar(new Utf8()), lighting: scalar(new Utf8()) }),
  }),
  models: keyed(new Utf8(), { name: scalar(new Utf8()), config: struct({ lr: scalar(new Float64()), batch_size: scalar(new Int32()) }) }),
});

const { scenes, models } = refs(recordings) as { scenes: CollectionRef; models: CollectionRef };
const clips = scenes.clips as CollectionRef;
const frames = clips.frames as CollectionRef;
const detections = clips.detections as CollectionRef;
const f = (c: CollectionRef, name: string): ExprRef => c[name] as ExprRef;
const lvl = (e: ExprRef): string => levelOf(e.expr)!.path.join('.');

describe('expression levels (seed 002)', () => {
  it('prints the schema tree and derives collection keys', () => {
    const tree = formatSchema(recordings);
    expect(tree.split('\n')[0]).toBe('recordings');
    expect(tree).toContain('│   ├── clips {_id: utf8}');
    expect(tree).toContain('│   │   ├── frames [] one per video frame (e.g. 30fps)');
    expect(tree).toContain('│   │   │   ├── rgb: tensor<u8>[H, W, 3]');
    expect(tree).toContain('        └── batch_size: i32');
    expect(keyColumns(recordings, ['scenes', 'clips', 'frames'])).toEqual(['scenes._id', 'clips._id', '_pos']);
    expect(String(frames.rgb)).toBe('<Expr scenes.clips.frames.rgb>');
    expect(String((scenes.metadata as { weather: ExprRef }).weather)).toBe('<Expr scenes.metadata.weather>');
  });

  it('fields, scalar operations, reductions', () => {
    expect(lvl(f(scenes, 'location'))).toBe('scenes');
    expect(lvl(f(clips, 'duration').mul(2))).toBe('scenes.clips');
    expect(lvl(f(detections, 'confidence').mul(100))).toBe('scenes.clips.detections');
    expect(lvl(f(detections, 'ts').sub(f(clips, 'start_time')))).toBe('scenes.clips.detections');
    expect(lvl(f(clips, 'duration').sum())).toBe('scenes');
    expect(lvl(f(detections, 'confidence').mean())).toBe('scenes.clips');
    expect(lvl(f(detections, 'confidence').mean().sum())).toBe('scenes');
    expect(lvl(f(detections, 'confidence').per(scenes).mean())).toBe('scenes');
    expect(lvl(f(detections, 'confidence').sum({ per: scenes }))).toBe('scenes');
    expect(lvl(f(clips, 'duration').any((d) => d.gt(60)))).toBe('scenes');
    expect(lvl(f(frames, 'rgb').rolling({ before: 2 }))).toBe('scenes.clips.frames');
  });

  it('scan level is the deepest; siblings and unrelated branches are level errors', () => {
    expect(scanLevel([f(clips, 'duration').expr, f(scenes, 'location').expr, f(detections, 'confidence').mean().expr]).path).toEqual(['scenes', 'clips']);
    expect(() => scanLevel([f(frames, 'rgb').expr, f(detections, 'label').expr])).toThrow("cannot scan 'frames' and 'detections' — they are siblings");
    expect(() => scanLevel([f(clips, 'duration').expr, f(models, 'name').expr])).toThrow("'clips' and 'models' share no ancestor path");
    expect(() => f(frames, 'rgb').eq(f(detections, 'label'))).toThrow(expect.objectContaining({ code: 'level-error' }));
    expect(() => f(scenes, 'location').sum()).toThrow("'scenes' is a root collection");
    expect(() => f(clips, 'duration').sum({ per: frames })).toThrow('must name an ancestor');
  });

  it('filtered collections keep their level; filters must not use descendants', () => {
    const long = clips.where(f(clips, 'duration').gt(10));
    expect(lvl(f(long, 'duration'))).toBe('scenes.clips');
    expect(levelOf(f(long, 'duration').expr)!.filters).toHaveLength(1);
    const s1 = scenes.get('s1');
    expect(levelOf(f(s1.clips as CollectionRef, 'duration').expr)!.filters).toHaveLength(1);
    expect(() => scenes.where(f(clips, 'duration').gt(1))).toThrow(expect.objectContaining({ code: 'level-error' }));
    expect(() => frames._id).toThrow('positional');
  });
});
