import { expect, test } from 'vitest';

import { didYouMean, editDistance, suggestions } from '../../parser/suggest.js';

test('edit distance counts inserts, deletes, substitutions and swaps of neighbours', () => {
  expect(editDistance('form', 'from')).toBe(1);
  expect(editDistance('selct', 'select')).toBe(1);
  expect(editDistance('kitten', 'sitting')).toBe(3);
  expect(editDistance('', 'abc')).toBe(3);
  expect(editDistance('abc', 'abc')).toBe(0);
  expect(editDistance('abcdef', 'uvwxyz', 2)).toBe(3);
});

test('didYouMean: the closest candidate within the allowed edits, case-insensitively', () => {
  const columns = ['duration', 'location', 'start_time', 'camera'];
  expect(didYouMean('duraton', columns)).toBe('duration');
  expect(didYouMean('LOCATON', columns)).toBe('location');
  expect(didYouMean('strat_time', columns)).toBe('start_time');
  expect(didYouMean('speed', columns)).toBeUndefined();
  expect(didYouMean('ab', ['ac'])).toBeUndefined();
  expect(didYouMean('Duration', columns)).toBeUndefined();
});

test('suggestions are ordered by distance, then by the candidates’ order', () => {
  expect(suggestions('cat', ['cut', 'car', 'cats', 'dog'])).toEqual(['cut', 'car', 'cats']);
  expect(suggestions('cat', ['cut', 'car', 'cats'], 1)).toEqual(['cut']);
});
