/**
 * Checks of collection plans run by the driver after every rule in tests and debug runs: every
 * column a node reads is produced below it, joins join on key prefixes, storage filters and
 * seeks sit on scans of the level they name (storage filters: own fields, own or ancestor keys).
 */
import { columnsRead, keysOf, provides, type StreamPlan, streamChildren, streamPlanText } from '../../logical/collection-plan.js';
import { leaves } from '../../logical/collection-plan.js';
import { InternalError } from '../../errors.js';

/** The output column names of a plan, in order. */
export function outputNames(p: StreamPlan): string[] {
  return p.kind === 'output' ? [...p.keys, ...p.outputs.map((o) => o.name)] : [...provides(p)].sort();
}

const isPrefix = (a: readonly string[], b: readonly string[]): boolean => a.length <= b.length && a.every((x, i) => b[i] === x);

export function validateStreamPlan(plan: StreamPlan, where: string): void {
  const fail = (msg: string): never => {
    throw new InternalError(`invalid collection plan (${where}): ${msg}\n${streamPlanText(plan)}`);
  };
  const need = (p: StreamPlan, cols: Iterable<string>, what: string): void => {
    const have = provides(p);
    for (const c of cols) if (!have.has(c)) fail(`${what} reads ${c}, which its input does not produce`);
  };
  const walk = (p: StreamPlan): void => {
    switch (p.kind) {
      case 'scan':
        for (const c of p.storage) {
          for (const l of leaves(c)) {
            const at = l.kind === 'field' || l.kind === 'key' ? l.level.path : null;
            const onPath = at !== null && at.length <= p.path.length && at.every((x, i) => p.path[i] === x);
            if (!onPath || (l.kind === 'field' && at.length !== p.path.length)) fail(`storage filter of ${p.path.join('.')} reads another level`);
          }
        }
        break;
      case 'filter':
        need(p.input, columnsRead(p.pred), 'a filter');
        break;
      case 'broadcast':
        if (!isPrefix(keysOf(p.parent), keysOf(p.child))) fail(`broadcast of [${keysOf(p.parent).join(', ')}] onto [${keysOf(p.child).join(', ')}]`);
        break;
      case 'combine':
        if (keysOf(p.left).join() !== keysOf(p.right).join()) fail('a combine of streams with different keys');
        break;
      case 'output':
        for (const o of p.outputs) need(p.input, columnsRead(o.expr), `output ${o.name}`);
        break;
      default:
        break;
    }
    for (const k of streamChildren(p)) walk(k);
  };
  walk(plan);
}
