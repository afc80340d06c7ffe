/**
 * Window specifications: named windows (`WINDOW w AS (…)`, `OVER w`, `OVER (w ORDER BY …)`)
 * merged as SQL says (the base gives PARTITION BY, the reference may add ORDER BY and the
 * frame), and frames (`ROWS BETWEEN 2 PRECEDING AND CURRENT ROW`) with constant offsets.
 */
import type { FrameBound, WindowFrame } from '../../logical/plan.js';
import { frame } from '../../logical/plan-build.js';
import type * as Ast from '../ast.js';
import { bindExpr, type ExprEnv } from './bind-expr.js';
import { BindError } from './diagnostics.js';

/** `spec` with its named base window (and that one's base, …) folded in. */
export function mergeWindow(spec: Ast.WindowSpec, named: readonly Ast.NamedWindow[], seen: ReadonlySet<string> = new Set()): Ast.WindowSpec {
  if (spec.base === null) return spec;
  const key = spec.base.toLowerCase();
  if (seen.has(key)) throw new BindError('sql-invalid', `window ${spec.base} refers to itself`, spec.span);
  const w = named.find((n) => n.name.toLowerCase() === key);
  if (!w) throw new BindError('sql-invalid', `no window named ${spec.base} (define it with WINDOW ${spec.base} AS (…))`, spec.span);
  const base = mergeWindow(w.window, named, new Set([...seen, key]));
  if (spec.partitionBy.length > 0) throw new BindError('sql-invalid', `OVER (${spec.base} PARTITION BY …): a window that extends ${spec.base} cannot repartition it`, spec.span);
  if (spec.orderBy.length > 0 && base.orderBy.length > 0) throw new BindError('sql-invalid', `window ${spec.base} already has an ORDER BY`, spec.span);
  return {
    kind: 'window',
    span: spec.span,
    base: null,
    partitionBy: base.partitionBy,
    orderBy: spec.orderBy.length > 0 ? spec.orderBy : base.orderBy,
    frame: spec.frame ?? base.frame,
  };
}

function bound(env: ExprEnv, b: Ast.FrameBound): FrameBound {
  switch (b.kind) {
    case 'unbounded-preceding': return { kind: 'unbounded_preceding' };
    case 'unbounded-following': return { kind: 'unbounded_following' };
    case 'current-row': return { kind: 'current_row' };
    case 'preceding': return { kind: 'preceding', offset: bindExpr({ ...env, holder: null, clause: 'a window frame' }, b.offset) };
    case 'following': return { kind: 'following', offset: bindExpr({ ...env, holder: null, clause: 'a window frame' }, b.offset) };
  }
}

export function bindFrame(env: ExprEnv, f: Ast.WindowFrame): WindowFrame {
  const start = bound(env, f.start);
  const end: FrameBound = f.end ? bound(env, f.end) : { kind: 'current_row' };
  return frame(f.units, start, end);
}
