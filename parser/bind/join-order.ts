/**
 * The join order of a comma-separated FROM list (whose order SQL leaves open). Hash joins build
 * their right input, so the plan is a left-deep tree whose leftmost input is the largest table
 * (the probe stream) and whose build sides are small:
 *
 *   1. estimate each table's rows: stored rows, a quarter of them when a WHERE conjunct filters
 *      the table alone;
 *   2. start with the largest;
 *   3. then repeatedly add a table joined to those already placed by a WHERE equality, preferring
 *      one joined on its whole primary key (at most one match per row: no fan-out), and among
 *      those a filtered one (it shrinks the probe stream), smallest first; tables joined to
 *      nothing come last (cross joins).
 *
 * WHERE predicates are applied above (the optimizer turns them into join keys and scan filters),
 * so any order gives the same rows; names resolve through the scope, which keeps FROM order
 * (so `*` does too). Lists with a subquery, CTE, table function or a table without statistics
 * keep their written order.
 */
import type { Plan } from '../../logical/plan.js';
import { join } from '../../logical/plan-build.js';
import type * as Ast from '../ast.js';
import { astConjuncts, childExprs } from './bind-expr.js';
import type { BoundFrom } from './bind-from.js';
import type { Scope } from './scope.js';

/** What the join order needs to know about a FROM item that is a base table. */
export interface TableStats {
  readonly rows: number;
  /** Plan names of the table's primary key columns. */
  readonly keys: readonly string[];
}

/** Which items a column name belongs to (exactly one, else none). */
function owner(items: readonly { scope: Scope }[], path: readonly string[]): number {
  let hit = -1;
  for (let i = 0; i < items.length; i++) {
    let found = false;
    try {
      found = items[i]!.scope.lookup(path, null) !== undefined;
    } catch {
      found = true; // ambiguous inside one item: still that item's
    }
    if (found) {
      if (hit >= 0) return -1;
      hit = i;
    }
  }
  return hit;
}

function columnsIn(e: Ast.Expr, out: Ast.ColumnRef[] = []): Ast.ColumnRef[] {
  if (e.kind === 'column') out.push(e);
  for (const c of childExprs(e)) columnsIn(c, out);
  return out;
}

/** The items (bound in FROM order) joined in a good order; null to keep the written order. */
export function orderJoins(items: readonly (BoundFrom & { stats?: TableStats })[], where: Ast.Expr | null): Plan | null {
  if (items.length < 3 || !where || items.some((i) => !i.stats)) return null;
  const n = items.length;
  const filtered = new Array<boolean>(n).fill(false);
  /** Equalities between two items: the plan column names on each side. */
  const edges: { a: number; b: number; colA: string; colB: string }[] = [];
  for (const c of astConjuncts(where)) {
    const cols = columnsIn(c);
    const owners = [...new Set(cols.map((x) => owner(items, x.path)))];
    if (owners.length === 1 && owners[0]! >= 0 && cols.length > 0) filtered[owners[0]!] = true;
    if (c.kind === 'binary' && c.op === '=' && c.left.kind === 'column' && c.right.kind === 'column') {
      const a = owner(items, c.left.path), b = owner(items, c.right.path);
      if (a < 0 || b < 0 || a === b) continue;
      const ra = items[a]!.scope.lookup(c.left.path, null), rb = items[b]!.scope.lookup(c.right.path, null);
      if (ra?.column.expr.kind !== 'column' || rb?.column.expr.kind !== 'column') continue;
      edges.push({ a, b, colA: ra.column.expr.name, colB: rb.column.expr.name });
    }
  }
  const est = items.map((it, i) => it.stats!.rows * (filtered[i] ? 0.25 : 1));
  const placed: number[] = [];
  const start = est.indexOf(Math.max(...est));
  placed.push(start);
  while (placed.length < n) {
    let best = -1, bestScore = Infinity;
    for (let i = 0; i < n; i++) {
      if (placed.includes(i)) continue;
      // The columns of i that equalities tie to placed items.
      const tied = new Set<string>();
      for (const e of edges) {
        if (e.a === i && placed.includes(e.b)) tied.add(e.colA);
        if (e.b === i && placed.includes(e.a)) tied.add(e.colB);
      }
      const keys = items[i]!.stats!.keys;
      const onKey = keys.length > 0 && keys.every((k) => tied.has(k));
      // Key joins of filtered tables first (they shrink the probe stream), then other key joins,
      // then other joins, then cross joins; smaller first within each.
      const rank = onKey ? (filtered[i] ? 0 : 1) : tied.size > 0 ? 2 : 3;
      const score = rank * 1e15 + est[i]!;
      if (score < bestScore) {
        bestScore = score;
        best = i;
      }
    }
    placed.push(best);
  }
  if (placed.every((p, i) => p === i)) return null;
  let plan = items[placed[0]!]!.plan;
  for (const i of placed.slice(1)) plan = join('cross', plan, items[i]!.plan);
  return plan;
}
