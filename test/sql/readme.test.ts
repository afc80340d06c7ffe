/**
 * The README's SQL section runs as written: its collection example (the seed 002 schema, writes
 * and queries in SQL) statement by statement; the statements marked `-- level-error` fail with
 * that code, every other one succeeds. Key predicates of that section plan as seeks.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Database, open } from '../../index.js';
import { analyzeSql } from '../../parser/parse.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const section = readme.slice(readme.indexOf('### Collections in SQL'), readme.indexOf('### Shell'));
const block = /```sql\n([\s\S]*?)```/.exec(section)?.[1] ?? '';

/** The block's statements, each with whether the comment after it expects a level error. */
function statements(text: string): { sql: string; levelError: boolean }[] {
  const { statements: sts, diagnostics } = analyzeSql(text);
  expect(diagnostics).toEqual([]);
  return sts.map((st) => {
    const lineEnd = text.indexOf('\n', st.span.end.offset);
    const rest = text.slice(st.span.end.offset, lineEnd < 0 ? text.length : lineEnd);
    return { sql: text.slice(st.span.start.offset, st.span.end.offset), levelError: /--\s*level-error/.test(rest) };
  });
}

let dir: string;
let db: Database;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gyre-sql-readme-'));
  db = await open(dir);
});
afterAll(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('README: collections in SQL', () => {
  const sts = statements(block);

  it('has the seed 002 example', () => {
    expect(sts.length).toBeGreaterThan(20);
    expect(sts.filter((s) => s.levelError).length).toBe(2);
    expect(block).toContain('timeline(fps => 10');
  });

  it('runs statement by statement; the marked ones are level errors', async () => {
    for (const st of sts) {
      const run = db.sql(st.sql).then((r) => r.toArrow());
      if (st.levelError) await expect(run, st.sql).rejects.toMatchObject({ code: 'level-error' });
      else await expect(run.then(() => 'ok'), st.sql).resolves.toBe('ok');
    }
    const rows = await (await db.sql("SELECT clips._id, clips.duration, scenes.location FROM recordings.scenes.clips WHERE scenes._id = 's1' ORDER BY 1")).rows();
    expect(rows).toEqual([{ _id: 'c1', duration: 30, location: 'downtown' }]); // c2 was deleted by the example
  });

  it('key predicates are seeks; other predicates are not', async () => {
    const plan = async (q: string): Promise<string> => (await (await db.sql(`EXPLAIN ${q}`)).rows()).map((r) => String(r['explain'])).join('\n');
    expect(await plan("SELECT clips.duration, scenes.location FROM recordings.scenes.clips WHERE scenes._id = 's1'")).toMatch(/seek/i);
    expect(await plan("SELECT location FROM recordings.scenes WHERE scenes._id IN ('s1', 's2')")).toMatch(/seek/i);
    expect(await plan('SELECT clips.duration FROM recordings.scenes.clips WHERE clips.duration > 10')).not.toMatch(/seek/i);
  });
});
