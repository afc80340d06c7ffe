/**
 * `gyre explain`: EXPLAIN of one SQL query over a catalog, as text and as JSON sections, in
 * every mode, on a collection tree written here.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Float64, Utf8 } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { explainCommand, explainSections } from '../../cli/explain.js';
import { Dataset, datasetSchema, keyed, open, positional, scalar } from '../../index.js';

const dir = mkdtempSync(join(tmpdir(), 'gyre-cli-explain-'));
const schema = datasetSchema('rec', {
  scenes: keyed(new Utf8(), { location: scalar(new Utf8()), clips: keyed(new Utf8(), { duration: scalar(new Float64()), dets: positional({ conf: scalar(new Float64()) }) }) }),
});

beforeAll(async () => {
  const db = await open(dir);
  const ds = await Dataset.open(db, 'rec', { schema });
  await ds.write('scenes', [
    { _id: 's1', location: 'park', clips: [{ _id: 'c1', duration: 4, dets: [{ conf: 0.5 }, { conf: 0.99 }] }, { _id: 'c2', duration: 30, dets: [] }] },
    { _id: 's2', location: 'road', clips: [{ _id: 'c1', duration: 12, dets: [{ conf: 0.1 }] }] },
  ]);
  await ds.close();
  await db.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = async (...args: string[]): Promise<string> => {
  const lines: string[] = [];
  expect(await explainCommand([dir, ...args], (s) => lines.push(s))).toBe(0);
  return lines.join('\n');
};

const Q = "SELECT clips._id, max(dets.conf) FROM rec.scenes.clips WHERE scenes._id = 's1' AND clips.duration > 3";

describe('gyre explain', () => {
  it('plain: the query plans, then the collection scan’s logical, optimized and physical plans', async () => {
    const text = await run(Q);
    expect(text).toContain('collection scan rec:');
    expect(text).toMatch(/optimized plan:[\s\S]*storage filter=\(scenes\.clips\.duration > 3\)/);
    expect(text).toMatch(/seek=\(scenes\._id\) in \[\("s1"\)\]/);
  });

  it('--verbose shows the plan after every collection rule', async () => {
    const text = await run('--verbose', Q);
    for (const rule of ['push-down-level-filters', 'filters-into-storage', 'key-seeks', 'zip-vs-join', 'sideways']) expect(text).toContain(`after ${rule} (pass 1)`);
  });

  it('--data: fragments, bytes and reads per scan, and the joins chosen and why; --analyze adds predicted → actual', async () => {
    const data = await run('--data', Q);
    expect(data).toMatch(/↳ data: \d+ of \d+ fragments/);
    expect(data).toMatch(/joins:\n\s+left merge join on \[scenes\._id, scenes\.clips\._id\] of max/);
    const analyzed = await run('--data', '--analyze', Q);
    expect(analyzed).toMatch(/reads \(predicted → actual\):/);
  });

  it('--format json: the sections as lists of lines', async () => {
    const j = JSON.parse(await run('--format', 'json', Q)) as Record<string, unknown>;
    expect(j['mode']).toBe('plain');
    expect(Object.keys(j)).toEqual(expect.arrayContaining(['query', 'physical_plan', 'collection_scan_rec']));
    expect(explainSections('a:\n  x\nb c:\n  y')).toEqual({ a: ['  x'], b_c: ['  y'] });
  });

  it('bad arguments are coded errors', async () => {
    await expect(explainCommand([dir, '--format', 'xml', Q])).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(explainCommand([])).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(explainCommand([dir, 'SELEC 1'])).rejects.toMatchObject({ code: 'sql-syntax' });
  });
});
