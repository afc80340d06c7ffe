/**
 * Driving the official Python writers / readers (vortex-data 0.76 and 0.90) from the oracle
 * tests: locating the venv pythons, writing cases as Arrow IPC, and running ONE python process per
 * library version over a JSON manifest.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { type Table, tableToIPC } from 'apache-arrow';

export const ROOT = join(import.meta.dirname, '..', '..');

/** version → python of its venv (set up by test/compat/setup-venvs.mjs, else whatever exists). */
export async function findPythons(): Promise<Record<string, string>> {
  try {
    const mod = (await import(join(ROOT, 'test', 'compat', 'setup-venvs.mjs'))) as {
      ensureVenvs: (o?: { quiet?: boolean }) => Record<string, string>;
    };
    return mod.ensureVenvs({ quiet: true });
  } catch {
    const out: Record<string, string> = {};
    for (const v of ['0.76', '0.90']) {
      const p = join(ROOT, '.venv', `vortex-${v}`, 'bin', 'python');
      if (existsSync(p)) out[v] = p;
    }
    return out;
  }
}

/** Writes `entries` as `dir/manifest-<version>.json` and runs `python script manifest` once. */
export function runWithManifest(
  python: string,
  script: string,
  dir: string,
  version: string,
  entries: unknown,
  maxBuffer: number,
): SpawnSyncReturns<string> {
  const manifest = join(dir, `manifest-${version}.json`);
  writeFileSync(manifest, JSON.stringify(entries));
  return spawnSync(python, [script, manifest], { encoding: 'utf8', maxBuffer });
}

/**
 * Reads files with the official library: saves `source` as `dir/scriptName` and runs it once over
 * the manifest `entries`. The caller checks the status and parses stdout.
 */
export function readWithOfficial(
  python: string,
  dir: string,
  version: string,
  scriptName: string,
  source: string,
  entries: unknown,
): SpawnSyncReturns<string> {
  const script = join(dir, scriptName);
  writeFileSync(script, source);
  return runWithManifest(python, script, dir, version, entries, 1 << 28);
}

/** Saves `table` as `dir/<name>.arrow` (Arrow IPC file format) and returns the path. */
export function writeIpc(dir: string, name: string, table: Table): string {
  const ipc = join(dir, `${name}.arrow`);
  writeFileSync(ipc, tableToIPC(table, 'file'));
  return ipc;
}

export interface WriteCase {
  ipc: string;
  out: string;
  mode: string;
}

/**
 * Writes every case with the official writer of one version (test/native/<script>, ONE python
 * process); throws if the process or any case failed, else returns the files in manifest order.
 */
export function writeWithOfficial(
  python: string,
  version: string,
  dir: string,
  script: string,
  cases: WriteCase[],
): string[] {
  const r = runWithManifest(python, join(ROOT, 'test', 'native', script), dir, version, cases, 1 << 26);
  if (r.status !== 0) throw new Error(`${script} (${version}) failed: ${r.stderr}`);
  const res = JSON.parse(r.stdout) as { results: { out: string; error: string | null }[] };
  return res.results.map((x) => {
    if (x.error) throw new Error(`official writer ${version} failed on ${x.out}: ${x.error}`);
    return x.out;
  });
}
