/**
 * Compatibility fixtures: files written by the official vortex-data library (pinned versions in
 * project-local virtualenvs), regenerated only when the generator or the pins change.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const FIXTURES = join(ROOT, 'test', 'fixtures', 'generated');
export const VERSIONS = ['0.76', '0.90'] as const;
export type Version = (typeof VERSIONS)[number];

export interface FixtureEntry {
  name: string;
  mode: string;
  version: string;
  rows: number;
  columns?: string[];
  encodings?: string[];
  /** Array encodings of the data (not the zone maps, which a plain read does not decode). */
  array_encodings?: string[];
}

function fingerprint(version: Version): string {
  const h = createHash('sha256');
  for (const f of ['gen_fixtures.py', `requirements-${version}.txt`]) h.update(readFileSync(join(ROOT, 'test', 'compat', f)));
  return h.digest('hex').slice(0, 16);
}

export async function pythons(): Promise<Record<Version, string>> {
  const mod = (await import(join(ROOT, 'test', 'compat', 'setup-venvs.mjs'))) as {
    ensureVenvs: () => Record<Version, string> | Promise<Record<Version, string>>;
  };
  return await mod.ensureVenvs();
}

/** Makes sure the fixtures of every version exist; returns their directories. */
export async function ensureFixtures(): Promise<Record<Version, string>> {
  const py = await pythons();
  const out = {} as Record<Version, string>;
  for (const v of VERSIONS) {
    const dir = join(FIXTURES, v);
    const stamp = join(dir, '.fingerprint');
    const fp = fingerprint(v);
    if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== fp) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      const r = spawnSync(py[v], [join(ROOT, 'test', 'compat', 'gen_fixtures.py'), dir], { stdio: 'inherit' });
      if (r.status !== 0) throw new Error(`fixture generation for vortex-data ${v} failed`);
      writeFileSync(stamp, fp);
    }
    out[v] = dir;
  }
  return out;
}

export function readManifest(dir: string): FixtureEntry[] {
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as FixtureEntry[] | { files: FixtureEntry[] };
  return Array.isArray(m) ? m : m.files;
}
