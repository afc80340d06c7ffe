/**
 * push-down-projection: every node keeps only the columns its parents use, down to the scans
 * (whose pruned `columns` then prune column groups in storage).
 *
 *     Project exprs=[(a + 1) AS y]                       Project exprs=[(a + 1) AS y]
 *       Aggregate groups=[a] aggs=[sum(b) AS s,    →       Aggregate groups=[a] aggs=[]
 *                                  max(c) AS m]             TableScan table=t columns=[a]
 *         TableScan table=t columns=[a, b, c, d]
 *
 * Pruned: TableScan columns (a scan filter's columns stay), Values columns, Project
 * expressions, Aggregate calls, Window calls (a window left with none disappears), join inputs
 * (what the output and the join condition use). The plan's own output never changes.
 *
 * Not legal / not done:
 *  - below Distinct and set operations: every column takes part in row equality, so their
 *    inputs keep all columns (pruning continues below those inputs' own projects);
 *  - grouping columns are never dropped (they define the rows);
 *  - a node that must produce rows keeps at least one column even when no parent reads any
 *    (e.g. under count(*), or a join side whose columns are unused): the first one;
 *  - CollectionScan items are not pruned: an item's level can decide the scan's row domain
 *    (that is the collection planner's business); Source nodes cannot be pruned.
 *
 * A top-down pass with a "needed columns" set per node (that state is why it recurses by
 * hand rather than through transformDown). Output column order is kept.
 */
import type { Plan } from '../../logical/plan.js';
import * as b from '../../logical/plan-build.js';
import { assertNever } from '../../errors.js';
import { columnsOf, columnsOfAll } from '../expr/scalars.js';
import { type PlanOf, rebuildJoin, sortWith } from '../plan-util.js';
import type { OptimizerRule } from '../rule.js';

type Need = ReadonlySet<string>;

const namesOf = (p: Plan): string[] => p.schema.fields.map((f) => f.name);
const union = (a: Need, b2: Iterable<string>): Set<string> => new Set([...a, ...b2]);

/** Indices of the kept fields: those needed, or the first when none is. */
function keepIndices(names: readonly string[], need: Need): number[] {
  const idx = names.flatMap((n, i) => (need.has(n) ? [i] : []));
  return idx.length === 0 && names.length > 0 ? [0] : idx;
}

function pruneScan(p: PlanOf<'table_scan'>, need: Need): Plan {
  const idx = keepIndices(namesOf(p), union(need, columnsOfAll(p.filters)));
  if (idx.length === p.columns.length) return p;
  const cols = idx.map((i) => ({ column: p.columns[i]!.column, name: p.columns[i]!.name, type: p.schema.fields[i]!.type, nullable: p.schema.fields[i]!.nullable }));
  return b.tableScan(p.table, cols, p.filters);
}

function pruneValues(p: PlanOf<'values'>, need: Need): Plan {
  const idx = keepIndices(namesOf(p), need);
  if (idx.length === p.schema.fields.length) return p;
  return b.values(idx.map((i) => p.schema.fields[i]!.name), p.rows.map((r) => idx.map((i) => r[i]!)), idx.map((i) => p.schema.fields[i]!.type));
}

function pruneJoin(p: PlanOf<'join'>, need: Need): Plan {
  const cond = [...p.on.flatMap((k) => [k.left, k.right]), ...(p.residual ? [p.residual] : []), ...(p.asof ? [p.asof.left, p.asof.right] : [])];
  // Output names of the two sides are disjoint, so one set serves both (each side keeps its own).
  const used = union(need, columnsOfAll(cond));
  const left = prune(p.left, used);
  const right = prune(p.right, used);
  return left === p.left && right === p.right ? p : rebuildJoin(p, { left, right });
}

function pruneAggregate(p: PlanOf<'aggregate'>, need: Need): Plan {
  let aggs = p.aggs.filter((a) => need.has(a.name));
  if (aggs.length === 0 && p.groups.length === 0 && p.aggs.length > 0) aggs = [p.aggs[0]!];
  const exprs = [...p.groups.map((g) => g.expr), ...aggs.flatMap((a) => [...a.args, ...(a.filter ? [a.filter] : []), ...a.orderBy.map((k) => k.expr)])];
  const input = prune(p.input, columnsOfAll(exprs));
  return input === p.input && aggs.length === p.aggs.length ? p : b.aggregate(input, p.groups, aggs);
}

function pruneWindow(p: PlanOf<'window'>, need: Need): Plan {
  const calls = p.calls.filter((c) => need.has(c.name));
  const exprs = calls.flatMap((c) => [...c.args, ...(c.filter ? [c.filter] : []), ...c.partitionBy, ...c.orderBy.map((k) => k.expr)]);
  const input = prune(p.input, union(need, columnsOfAll(exprs)));
  if (calls.length === 0) return input;
  return input === p.input && calls.length === p.calls.length ? p : b.window(input, calls);
}

/** `p` pruned to (at least) the columns in `need`, in its own column order; `p` itself when nothing is pruned. */
function prune(p: Plan, need: Need): Plan {
  switch (p.kind) {
    case 'table_scan': return pruneScan(p, need);
    case 'values': return pruneValues(p, need);
    case 'collection_scan':
    case 'source':
      return p;
    case 'filter': {
      const input = prune(p.input, union(need, columnsOf(p.predicate)));
      return input === p.input ? p : b.filter(input, p.predicate);
    }
    case 'project': {
      const idx = keepIndices(p.exprs.map((e) => e.name), need);
      const exprs = idx.map((i) => p.exprs[i]!);
      const input = prune(p.input, columnsOfAll(exprs.map((e) => e.expr)));
      return input === p.input && exprs.length === p.exprs.length ? p : b.project(input, exprs);
    }
    case 'join': return pruneJoin(p, need);
    case 'aggregate': return pruneAggregate(p, need);
    case 'window': return pruneWindow(p, need);
    case 'sort': {
      const input = prune(p.input, union(need, columnsOfAll(p.keys.map((k) => k.expr))));
      return input === p.input ? p : sortWith(input, p.keys, p.fetch);
    }
    case 'limit': {
      const input = prune(p.input, need);
      return input === p.input ? p : b.limit(input, p.limit, p.offset);
    }
    case 'distinct': {
      const input = prune(p.input, new Set(namesOf(p.input)));
      return input === p.input ? p : b.distinct(input);
    }
    case 'set_op': {
      const left = prune(p.left, new Set(namesOf(p.left)));
      const right = prune(p.right, new Set(namesOf(p.right)));
      return left === p.left && right === p.right ? p : b.setOp(p.op, p.all, left, right);
    }
    case 'unnest': {
      const input = prune(p.input, union(need, columnsOf(p.list)));
      return input === p.input ? p : b.unnest(input, p.list, p.as, { ordinality: p.ordinality, outer: p.outer });
    }
    default:
      return assertNever(p, 'plan');
  }
}

export const pushDownProjection: OptimizerRule = {
  name: 'push-down-projection',
  description: 'prune columns no parent uses, down to scan columns',
  rewrite(plan) {
    const out = prune(plan, new Set(namesOf(plan)));
    return { plan: out, changed: out !== plan };
  },
};
