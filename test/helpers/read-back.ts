/**
 * Reads gyre-written files with the official library: one python process per vortex-data version
 * (test/compat/read_back.py) reads a whole list of files and saves each as Arrow IPC.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { type Table, tableFromIPC } from 'apache-arrow';

import { pythons, ROOT, type Version, VERSIONS } from '../setup/fixtures.js';

export interface ReadBackResult {
  path: string;
  ok: boolean;
  rows?: number;
  error?: string;
}

export interface ReadBack {
  /** The library's result for `path`, and (when it read) the table it returned. */
  result(version: Version, path: string): ReadBackResult | undefined;
  table(version: Version, path: string): Table;
}

function outPath(dir: string, version: Version, path: string): string {
  return join(dir, `${path.replace(/[^A-Za-z0-9_.-]/g, '_')}.${version}.arrow`);
}

function run(python: string, jobsFile: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(python, [join(ROOT, 'test', 'compat', 'read_back.py'), jobsFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    p.stdout.on('data', (b: Buffer) => (out += b.toString()));
    p.stderr.on('data', (b: Buffer) => (err += b.toString()));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`read_back.py exited ${code}: ${err.slice(-2000)}`))));
  });
}

/** Reads every file in `paths` with both pinned versions (in parallel); outputs go to `dir`. */
export async function readBackAll(paths: string[], dir: string): Promise<ReadBack> {
  const py = await pythons();
  const results = new Map<string, ReadBackResult>();
  await Promise.all(
    VERSIONS.map(async (v) => {
      const jobsFile = join(dir, `jobs-${v}.json`);
      writeFileSync(jobsFile, JSON.stringify(paths.map((path) => ({ path, out: outPath(dir, v, path) }))));
      const parsed = JSON.parse(await run(py[v], jobsFile)) as { results: ReadBackResult[] };
      for (const r of parsed.results) results.set(`${v}:${r.path}`, r);
    }),
  );
  return {
    result: (v, path) => results.get(`${v}:${path}`),
    table: (v, path) => tableFromIPC(readFileSync(outPath(dir, v, path))),
  };
}
