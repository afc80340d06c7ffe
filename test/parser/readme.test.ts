import { readFileSync } from 'node:fs';

import { expect, test } from 'vitest';

import { parseSql } from '../../parser/parse.js';
import { expectRoundTrip } from './helpers.js';

const readme = readFileSync(new URL('../../parser/README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1]!);

test('parser/README.md has SQL examples', () => {
  expect(blocks.length).toBeGreaterThanOrEqual(2);
});

test.each(blocks.map((b, i) => [i + 1, b] as const))('README SQL block %i parses and round-trips', (_, block) => {
  expect(parseSql(block).length).toBeGreaterThan(0);
  expectRoundTrip(block);
});
