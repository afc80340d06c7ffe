import { Schema } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { KeyCursor, runEnd, sameKeyRun, seekTo } from '../../physical/key-cursor.js';
import { defaultContext } from '../../physical/operator.js';
import { ChildInput } from '../../physical/run.js';
import { KeyCodec } from '../../storage/tables/key-codec.js';
import { byteOrder, columnData, expectCode, field, i32, source, utf8 } from './helpers.js';

const schema = new Schema([field('s', utf8, false), field('n', i32, false)]);
const codec = new KeyCodec(schema.fields);
type Key = [string, number];
const order = (a: Key, b: Key): number => byteOrder(a[0], b[0]) || a[1] - b[1];
const arbKeys = fc.array(fc.tuple(fc.constantFrom('', 'a', 'a\u0000', 'ab', 'é'), fc.integer({ min: -3, max: 3 })), { maxLength: 40 }).map((ks) => ks.sort(order));
const block = (ks: readonly Key[]) => codec.encode([columnData(utf8, ks.map((k) => k[0])), columnData(i32, ks.map((k) => k[1]))]);

describe('key walking', () => {
  it('runEnd, seekTo and sameKeyRun agree with naive scans', () => {
    fc.assert(
      fc.property(arbKeys, arbKeys, (xs, ys) => {
        const a = block(xs), b = block(ys);
        xs.forEach((x, i) => {
          let e = i + 1;
          while (e < xs.length && order(xs[e]!, x) === 0) e++;
          expect(runEnd(a, i)).toBe(e);
        });
        for (let from = 0; from <= xs.length; from++) {
          ys.forEach((y, j) => {
            let k = from;
            while (k < xs.length && order(xs[k]!, y) < 0) k++;
            expect(seekTo(a, from, b, j)).toBe(k);
          });
        }
        for (let i = 0; i < xs.length; i++) {
          for (let j = 0; j < ys.length; j++) {
            const n = Math.min(xs.length - i, ys.length - j);
            const same = xs.slice(i, i + n).every((x, k) => order(x, ys[j + k]!) === 0);
            expect(sameKeyRun(a, i, b, j, n)).toBe(same);
          }
        }
      }),
      { seed: 9101, numRuns: 150 },
    );
  });

  const cursor = (rows: Key[], sizes: number[], strict: boolean): KeyCursor => {
    const op = source(schema, rows.map(([s, n]) => ({ s, n })), sizes, ['s', 'n']);
    return new KeyCursor(new ChildInput(op, defaultContext(), op), schema.fields, { op: 'Test', side: 'input', strict });
  };
  const walk = async (c: KeyCursor): Promise<number> => {
    let n = 0;
    while (await c.ready()) {
      n += c.length - c.row;
      c.row = c.length;
    }
    return n;
  };

  it('checks the order within and across batches', async () => {
    const rows: Key[] = [['a', 1], ['a', 2], ['a', 2], ['b', 0]];
    for (const sizes of [[1], [2], [3], [4], [0, 1]]) {
      expect(await walk(cursor(rows, sizes, false))).toBe(4);
      await expectCode(walk(cursor(rows, sizes, true)), 'unsorted-input');
      await expectCode(walk(cursor([rows[0]!, rows[3]!, rows[1]!], sizes, false)), 'unsorted-input');
    }
    await expect(walk(cursor([['b', 1], ['a', 1]], [1], true))).rejects.toThrow(/key \("a", 1\) came after \("b", 1\)/);
  });
});
