/**
 * `node --import tsx bench/sql-profile.ts [PROFILE.cpuprofile]`: the top functions of a V8 CPU
 * profile by self time (and the files they live in), to find where gyre's side of bench:sql
 * spends its time. Make a profile with
 *   node --cpu-prof --cpu-prof-dir=bench/data/prof --import tsx bench/sql.ts --gyre-only --queries Q1
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

let path = process.argv[2];
if (!path) {
  const dir = 'bench/data/prof';
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(dir, f));
  path = files.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0]!;
}
const p = JSON.parse(readFileSync(path, 'utf8')) as Profile;
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);
const fnKey = (n: ProfileNode): string => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*\/work\/main\//, '')}:${n.callFrame.lineNumber + 1}`;
const byFn = new Map<string, number>();
const byFile = new Map<string, number>();
for (const [id, us] of self) {
  const n = byId.get(id)!;
  byFn.set(fnKey(n), (byFn.get(fnKey(n)) ?? 0) + us);
  const file = n.callFrame.url.replace(/^.*\/work\/main\//, '') || n.callFrame.functionName;
  byFile.set(file, (byFile.get(file) ?? 0) + us);
}
const top = (m: Map<string, number>, k: number): string =>
  [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([name, us]) => `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}`).join('\n');
console.log(`${path}: ${(total / 1000).toFixed(0)} ms sampled\n\nby function (self time):\n${top(byFn, 30)}\n\nby file:\n${top(byFile, 15)}`);
