/**
 * The logical plan of a scan over a collection tree (DESIGN.md §5): a tree of the primitives
 * Scan, Filter, Join (broadcast of a parent onto its children, left join of a reduction, zip or
 * join of resamples), GroupBy (inside `reduce`), Explode, Resample, Window and the final output
 * Project. Plain immutable data, built naively from level expressions by
 * `collection-plan-build.ts` (every filter above its joins, no storage predicates, no seeks,
 * resamples joined, no sideways channels), improved by the collection rules of
 * `optimizer/collections/`, and lowered to operators by `physical/planner.ts`.
 *
 * Streams are keyed by canonical names: the key of the collection at path a.b.c is `a.b.c._id`
 * (or `._pos`, `._idx` for exploded lists, `._step` for timelines); a field's column is its full
 * path (`scenes.location`); computed leaves are `$<expression>`.
 */
import { type Expr, formatExpr, type Timeline } from './expr.js';

/** A row selection (`key_in`) at `depth` of a path: where seeks come from. */
export interface Selection {
  readonly depth: number;
  readonly pred: Expr & { kind: 'key_in' };
}

export interface ScanOutput {
  readonly name: string;
  readonly expr: Expr;
}

export type ScanNode = StreamPlan & { readonly kind: 'scan' };

export type StreamPlan =
  | {
      readonly kind: 'scan';
      readonly path: readonly string[];
      /** The canonical key columns (the stored key columns, renamed). */
      readonly keys: readonly string[];
      /** Own fields read: stored field path → plan column. */
      readonly columns: readonly { readonly stored: string; readonly name: string }[];
      /** Conjuncts on own stored columns evaluated inside storage (zone maps prune, then exact). */
      readonly storage: readonly Expr[];
      /** Row selections in force on this scan's rows: the scan reads only their key ranges. */
      readonly seeks: readonly Selection[];
    }
  | { readonly kind: 'filter'; readonly input: StreamPlan; readonly pred: Expr }
  /** Inner sort-merge join of a parent stream onto its children (the child's rows and order). */
  | { readonly kind: 'broadcast'; readonly parent: StreamPlan; readonly child: StreamPlan; readonly sideways: boolean }
  /** `input` left-joined with `arg` grouped to `input`'s keys (a reduction landing on `input`'s level). */
  | { readonly kind: 'reduce'; readonly input: StreamPlan; readonly arg: StreamPlan; readonly reduce: Expr & { kind: 'reduce' }; readonly sideways: boolean }
  | { readonly kind: 'window'; readonly input: StreamPlan; readonly window: Expr & { kind: 'window' }; readonly partition: readonly string[] }
  | { readonly kind: 'explode'; readonly input: StreamPlan; readonly explode: Expr & { kind: 'explode' }; readonly keys: readonly string[] }
  | { readonly kind: 'steps'; readonly input: StreamPlan; readonly timeline: Timeline; readonly keys: readonly string[] }
  | { readonly kind: 'resample'; readonly steps: StreamPlan; readonly source: StreamPlan; readonly resample: Expr & { kind: 'resample' }; readonly prefix: readonly string[] }
  /** Two resamples onto one timeline side by side: a zip (identical row domains) or a left join. */
  | { readonly kind: 'combine'; readonly left: StreamPlan; readonly right: StreamPlan; readonly how: 'zip' | 'join'; readonly sideways: boolean; readonly why?: string }
  | { readonly kind: 'output'; readonly input: StreamPlan; readonly keys: readonly string[]; readonly outputs: readonly ScanOutput[] };

/** The inputs of a node, in display order. */
export function streamChildren(p: StreamPlan): StreamPlan[] {
  switch (p.kind) {
    case 'scan':
      return [];
    case 'broadcast':
      return [p.parent, p.child];
    case 'reduce':
      return [p.input, p.arg];
    case 'resample':
      return [p.steps, p.source];
    case 'combine':
      return [p.left, p.right];
    default:
      return [p.input];
  }
}

/** `p` with new inputs (same order as streamChildren); `p` itself when none changed. */
export function withStreamChildren(p: StreamPlan, kids: readonly StreamPlan[]): StreamPlan {
  const old = streamChildren(p);
  if (old.length === kids.length && old.every((k, i) => k === kids[i])) return p;
  switch (p.kind) {
    case 'scan':
      return p;
    case 'broadcast':
      return { ...p, parent: kids[0]!, child: kids[1]! };
    case 'reduce':
      return { ...p, input: kids[0]!, arg: kids[1]! };
    case 'resample':
      return { ...p, steps: kids[0]!, source: kids[1]! };
    case 'combine':
      return { ...p, left: kids[0]!, right: kids[1]! };
    default:
      return { ...p, input: kids[0]! };
  }
}

/** Rewrites bottom-up: `f` sees each node after its inputs were rewritten. */
export function transformStreamUp(p: StreamPlan, f: (p: StreamPlan) => StreamPlan): StreamPlan {
  const kids = streamChildren(p);
  const next = kids.map((k) => transformStreamUp(k, f));
  return f(withStreamChildren(p, next));
}

/** The plan column of a leaf expression (field, key, reduction, window, resample, …). */
export function leafColumn(e: Expr): string {
  switch (e.kind) {
    case 'field':
      return [...e.level.path, ...e.path].join('.');
    case 'key':
      return `${e.level.path.join('.')}.${e.name}`;
    case 'reduce':
    case 'window':
    case 'resample':
    case 'explode':
      return `$${formatExpr(e)}`;
    case 'step_time':
      return `$timeline${e.timeline.id}.time`;
    case 'row':
      return `$${e.level.path.join('.')}.*`;
    default:
      throw new Error(`not a leaf: ${e.kind}`);
  }
}

export const isLeaf = (e: Expr): boolean =>
  e.kind === 'field' || e.kind === 'key' || e.kind === 'reduce' || e.kind === 'window' || e.kind === 'resample' || e.kind === 'step_time' || e.kind === 'explode';

/** Leaves of an expression (fields, keys, reductions, windows, resamples are leaves). */
export function leaves(e: Expr, out: Expr[] = []): Expr[] {
  switch (e.kind) {
    case 'field':
    case 'key':
    case 'reduce':
      out.push(e);
      break;
    case 'window':
      // The window's argument is computed in the same stream.
      out.push(e);
      leaves(e.arg, out);
      break;
    case 'resample':
    case 'step_time':
    case 'explode':
      out.push(e);
      break;
    case 'row':
      for (const name of e.fields) out.push({ kind: 'field', level: e.level, path: [name] });
      break;
    case 'binary':
      leaves(e.left, out);
      leaves(e.right, out);
      break;
    case 'unary':
      leaves(e.arg, out);
      break;
    case 'key_in':
      out.push(...e.keys);
      break;
    case 'literal':
      break;
  }
  return out;
}

/** The plan columns an expression reads. */
export function columnsRead(e: Expr): Set<string> {
  return new Set(leaves(e).map(leafColumn));
}

/** The conjuncts of a predicate (`a and b and c` → [a, b, c]). */
export function conjunctsOf(e: Expr): Expr[] {
  return e.kind === 'binary' && e.op === 'and' ? [...conjunctsOf(e.left), ...conjunctsOf(e.right)] : [e];
}

/** The conjunction of `cs` (null for none). */
export function conjoin(cs: readonly Expr[]): Expr | null {
  return cs.length === 0 ? null : cs.reduce((a, b): Expr => ({ kind: 'binary', op: 'and', left: a, right: b }));
}

/** The columns a node outputs (by name; order is the operator's business). */
export function provides(p: StreamPlan): Set<string> {
  switch (p.kind) {
    case 'scan':
      return new Set([...p.keys, ...p.columns.map((c) => c.name)]);
    case 'filter':
      return provides(p.input);
    case 'broadcast':
      return new Set([...provides(p.parent), ...provides(p.child)]);
    case 'reduce':
      return new Set([...provides(p.input), leafColumn(p.reduce)]);
    case 'window':
      return new Set([...provides(p.input), leafColumn(p.window)]);
    case 'explode':
      return new Set([...p.keys, leafColumn(p.explode)]);
    case 'steps':
      return new Set([...p.keys, `$timeline${p.timeline.id}.time`]);
    case 'resample':
      return new Set([...provides(p.steps), leafColumn(p.resample)]);
    case 'combine':
      return new Set([...provides(p.left), ...provides(p.right)]);
    case 'output':
      return new Set([...p.keys, ...p.outputs.map((o) => o.name)]);
  }
}

/** The key columns (ordering) of a node's rows. */
export function keysOf(p: StreamPlan): readonly string[] {
  switch (p.kind) {
    case 'scan':
    case 'explode':
    case 'steps':
    case 'output':
      return p.keys;
    case 'broadcast':
      return keysOf(p.child);
    case 'resample':
      return keysOf(p.steps);
    case 'combine':
      return keysOf(p.left);
    default:
      return keysOf(p.input);
  }
}

/** One line per node, indented; the text EXPLAIN and the rule tests show. */
export function streamPlanText(p: StreamPlan): string {
  const lines: string[] = [];
  const walk = (n: StreamPlan, depth: number): void => {
    lines.push(`${'  '.repeat(depth)}${nodeText(n)}`);
    for (const k of streamChildren(n)) walk(k, depth + 1);
  };
  walk(p, 0);
  return lines.join('\n');
}

const sip = (on: boolean): string => (on ? ', sideways' : '');

function nodeText(p: StreamPlan): string {
  switch (p.kind) {
    case 'scan': {
      const parts = [p.path.join('.'), `columns=[${p.columns.map((c) => c.stored).join(', ')}]`];
      if (p.storage.length > 0) parts.push(`storage filter=${p.storage.map(formatExpr).join(' and ')}`);
      if (p.seeks.length > 0) parts.push(`seek=${p.seeks.map((s) => formatExpr(s.pred)).join(' and ')}`);
      return `Scan ${parts.join(', ')}`;
    }
    case 'filter':
      return `Filter ${formatExpr(p.pred)}`;
    case 'broadcast':
      return `Join broadcast on [${keysOf(p.parent).join(', ')}]${sip(p.sideways)}`;
    case 'reduce':
      return `Join left on [${keysOf(p.input).join(', ')}] of GroupBy ${formatExpr(p.reduce)}${sip(p.sideways)}`;
    case 'window':
      return `Window ${formatExpr(p.window)} per [${p.partition.join(', ')}]`;
    case 'explode':
      return `Explode ${formatExpr(p.explode.arg)}`;
    case 'steps':
      return `Timeline #${p.timeline.id} fps=${p.timeline.fps} stop=${formatExpr(p.timeline.stop)}`;
    case 'resample':
      return `Resample ${formatExpr(p.resample)}`;
    case 'combine':
      return `${p.how === 'zip' ? 'Zip' : 'Join left'} on [${keysOf(p.left).join(', ')}]${sip(p.sideways)}${p.why ? ` (${p.why})` : ''}`;
    case 'output':
      return `Output ${p.outputs.map((o) => (isLeaf(o.expr) && leafColumn(o.expr) === o.name ? o.name : `${formatExpr(o.expr)} AS ${o.name}`)).join(', ')}`;
  }
}

/** A value-equality identity of a key tuple (numbers that are integers compare with bigints). */
export function tupleId(parts: readonly unknown[]): string {
  return parts
    .map((v) => {
      if (typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v))) return `i${BigInt(v)}`;
      if (typeof v === 'number') return `f${v}`;
      if (typeof v === 'string') return `s${v}`;
      if (v instanceof Uint8Array) return `b${Buffer.from(v).toString('hex')}`;
      if (v instanceof Date) return `i${v.getTime()}`;
      return `o${String(v)}`;
    })
    .join('\u0000');
}

/** The depth of the first level a selection pins (its keys are consecutive levels from there). */
export const selectionStart = (p: Expr & { kind: 'key_in' }): number => p.keys[0]!.level.path.length - 1;

/**
 * Key prefixes a scan at `depth` levels can seek to, from row selections on its path:
 * selections of consecutive levels from the root multiply out into full prefixes
 * (scenes.get('s1').clips.get(['c1', 'c2']) → (s1, c1), (s1, c2)). Null when the selections
 * do not start at the root (then they stay plain filters).
 */
export function seekPrefixes(selections: readonly Selection[], depth: number): unknown[][] | null {
  let prefixes: unknown[][] = [[]];
  let covered = 0;
  for (;;) {
    let advanced = false;
    for (const { pred: p } of selections) {
      const first = selectionStart(p);
      const last = first + p.keys.length; // levels first..last-1
      if (first > covered || last <= covered || last > depth) continue;
      // Keep the tuples that extend a current prefix (or the prefix's own part when they overlap).
      const next: unknown[][] = [];
      if (first === covered) for (const x of prefixes) for (const t of p.tuples) next.push([...x, ...t]);
      else {
        const heads = new Map<string, unknown[][]>();
        for (const x of prefixes) {
          const id = tupleId(x.slice(first));
          heads.set(id, [...(heads.get(id) ?? []), x.slice(0, first)]);
        }
        for (const t of p.tuples) for (const head of heads.get(tupleId(t.slice(0, covered - first))) ?? []) next.push([...head, ...t]);
      }
      prefixes = next;
      covered = last;
      advanced = true;
    }
    if (!advanced || covered >= depth) break;
  }
  return covered === 0 ? null : prefixes;
}
