/**
 * A short text summary of a V8 CPU profile (`node --cpu-prof`): the functions with the most self
 * time, and the share of time under each top-level source file group (gyre's layers, apache-arrow,
 * node internals).
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a source URL belongs: `physical/`, `storage/`, `apache-arrow`, `node:`… */
function area(url: string): string {
  if (url === '') return '(native / gc / idle)';
  if (url.startsWith('node:')) return 'node internals';
  const nm = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (nm) return nm[1]!;
  const m = url.match(/\/main\/([^/]+)\//) ?? url.match(/\/(physical|storage|logical|native|bench)\//);
  return m ? `${m[1]}/` : url;
}

export function summarize(path: string, top = 15): { text: string; busy: number } {
  const p = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fnSelf = new Map<string, number>();
  const areaSelf = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const { functionName, url, lineNumber } = n.callFrame;
    const file = url.replace(/^.*\/(main|node_modules)\//, '');
    const key = `${functionName || '(anonymous)'}  ${file ? `${file}:${lineNumber + 1}` : ''}`;
    fnSelf.set(key, (fnSelf.get(key) ?? 0) + us);
    const a = functionName === '(garbage collector)' ? '(gc)' : functionName === '(idle)' ? '(idle)' : area(url);
    areaSelf.set(a, (areaSelf.get(a) ?? 0) + us);
  }
  const pct = (us: number): string => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
  const lines = [`total ${(total / 1e6).toFixed(2)} s sampled; self time by function:`];
  for (const [k, us] of [...fnSelf].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${pct(us)}  ${k}`);
  lines.push('self time by area:');
  for (const [k, us] of [...areaSelf].sort((a, b) => b[1] - a[1]).slice(0, 10)) lines.push(`  ${pct(us)}  ${k}`);
  return { text: lines.join('\n'), busy: total - (areaSelf.get('(idle)') ?? 0) };
}
