/**
 * Builds the naive logical plan of a scan of level expressions (logical/collection-plan.ts).
 * For the scan level P (the deepest level of the outputs):
 *
 *   Output          the outputs (columns, or expressions evaluated per batch)
 *     Window        windows of P (within the parent's rows, after P's filters)
 *       Filter      the level filters of P (after the joins: they may use ancestor fields)
 *         Join left GroupBy(stream of the argument's level, to P's keys), per reduction to P
 *           Join broadcast  stream of Q, per ancestor Q with fields or filters used
 *             Scan(P)       fields of P
 *
 * Naive on purpose: storage predicates, seeks, zips and sideways channels are the optimizer's
 * (optimizer/collections/), so every choice it makes can be switched off and shown.
 */
import { PlanError } from '../errors.js';
import { explodeStep, type Expr, type Level, LevelError, levelOf, scanLevel, type Timeline, timelineStep } from './expr.js';
import { conjoin, leafColumn, leaves, type ScanOutput, type StreamPlan } from './collection-plan.js';
import { collectionAt, type DatasetSchema } from './schema.js';

/** The canonical key column names of the level at `path`. */
export function planKeys(path: readonly string[], schema: DatasetSchema): string[] {
  return path.map((name, i) => {
    const at = path.slice(0, i + 1).join('.');
    if (name.startsWith('#explode')) return `${at}._idx`;
    if (name.startsWith('#')) return `${at}._step`;
    const c = collectionAt(schema, path.slice(0, i + 1));
    return `${at}.${c.key.kind === 'keyed' ? '_id' : '_pos'}`;
  });
}

const samePath = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => b[i] === x);

/** What a level stream must carry. */
interface Needs {
  /** Leaf expressions whose values must be columns of the stream. */
  readonly leaves: Expr[];
  /** Filters (with their depth) that narrow the stream's rows. */
  readonly filters: readonly { depth: number; pred: Expr }[];
}

/** The needs of a set of expressions at level `level` (their leaves and the level's filters). */
function needsOf(exprs: readonly Expr[], level: Level): Needs {
  const ls: Expr[] = [];
  for (const e of exprs) leaves(e, ls);
  const filters = level.filters.map((f) => ({ depth: f.depth, pred: f.pred }));
  // An ancestor's filter is applied in the ancestor's stream, which reads its leaves itself.
  for (const f of filters) if (f.depth === level.path.length - 1) leaves(f.pred, ls);
  // Descendant fields without a reduction are level errors.
  for (const l of ls) {
    const ll = levelOf(l);
    if (ll && ll.path.length > level.path.length) {
      throw new LevelError(`'${ll.path[ll.path.length - 1]}' is below '${level.path[level.path.length - 1]}': reduce it (sum, mean, count, list, …) to use it at this level`);
    }
  }
  return { leaves: ls, filters };
}

/** A stream at level `path` with the columns of `needs` (plus the level's keys). */
function levelPlan(schema: DatasetSchema, path: readonly string[], needs0: Needs): StreamPlan {
  // A leaf needed twice (an output that a filter also uses) is computed once.
  const seen = new Set<string>();
  const needs: Needs = { ...needs0, leaves: needs0.leaves.filter((l) => (seen.has(leafColumn(l)) ? false : (seen.add(leafColumn(l)), true))) };
  const last = path[path.length - 1]!;
  let stream: StreamPlan;
  if (last.startsWith('#explode')) stream = explodePlan(schema, path, needs);
  else if (last.startsWith('#')) stream = timelinePlan(schema, path, needs);
  else {
    const columns = needs.leaves.filter((l): l is Expr & { kind: 'field' } => l.kind === 'field' && samePath(l.level.path, path)).map((l) => ({ stored: l.path.join('.'), name: leafColumn(l) }));
    stream = { kind: 'scan', path, keys: planKeys(path, schema), columns, storage: [], seeks: [] };
  }
  // Ancestors: fields and filters of each ancestor level, broadcast down.
  for (let d = 0; d < path.length - 1; d++) {
    const q = path.slice(0, d + 1);
    // Everything whose level is this ancestor: its fields, reductions landing on it, its windows.
    const qLeaves = needs.leaves.filter(
      (l) => (l.kind === 'field' && samePath(l.level.path, q)) || (l.kind === 'reduce' && samePath(l.to, q)) || (l.kind === 'window' && samePath(levelOf(l)!.path, q)),
    );
    const qFilters = needs.filters.filter((f) => f.depth === d);
    if (qLeaves.length === 0 && qFilters.length === 0) continue;
    const parent = levelPlan(schema, q, { leaves: [...qLeaves, ...qFilters.flatMap((f) => leaves(f.pred))], filters: qFilters });
    stream = { kind: 'broadcast', parent, child: stream, sideways: false };
  }
  // Reductions landing at this level.
  for (const r of needs.leaves) {
    if (r.kind !== 'reduce' || !samePath(r.to, path)) continue;
    const argLevel = levelOf(r.arg)!;
    const arg = levelPlan(schema, argLevel.path, needsOf(r.pred ? [r.arg, r.pred] : [r.arg], argLevel));
    stream = { kind: 'reduce', input: stream, arg, reduce: r, sideways: false };
  }
  // The level's own filters (key leaves need no work: keys are always there).
  const own = conjoin(needs.filters.filter((f) => f.depth === path.length - 1).map((f) => f.pred));
  if (own) stream = { kind: 'filter', input: stream, pred: own };
  // Windows of this level: within the parent's rows, after the level's filters.
  for (const w of needs.leaves) {
    if (w.kind !== 'window' || !samePath(levelOf(w)!.path, path)) continue;
    stream = { kind: 'window', input: stream, window: w, partition: planKeys(path.slice(0, -1), schema) };
  }
  return stream;
}

/** The timeline of a derived level `#timelineN`, found among the needed leaves. */
function timelineOf(path: readonly string[], needs: Needs): Timeline {
  const step = path[path.length - 1]!;
  for (const l of needs.leaves) if ((l.kind === 'resample' || l.kind === 'step_time') && timelineStep(l.timeline) === step) return l.timeline;
  throw new PlanError('internal', `no timeline for level ${path.join('.')}`);
}

/** The steps of a timeline: one row per step of every parent row. */
function stepsPlan(schema: DatasetSchema, tl: Timeline, path: readonly string[]): StreamPlan {
  const input = levelPlan(schema, path.slice(0, -1), needsOf([tl.stop], tl.level));
  return { kind: 'steps', input, timeline: tl, keys: planKeys(path, schema) };
}

/**
 * A timeline level: its steps, each resampled source over its own copy of the steps, side by
 * side (joined; the zip-vs-join rule zips them: they share the timeline, so their rows are identical).
 */
function timelinePlan(schema: DatasetSchema, path: readonly string[], needs: Needs): StreamPlan {
  const tl = timelineOf(path, needs);
  const prefix = planKeys(path.slice(0, -1), schema);
  let out: StreamPlan | null = null;
  for (const r of needs.leaves) {
    if (r.kind !== 'resample' || timelineStep(r.timeline) !== path[path.length - 1]) continue;
    const srcLevel = levelOf(r.source)!;
    const source = levelPlan(schema, srcLevel.path, needsOf([r.source, r.on], srcLevel));
    const res: StreamPlan = { kind: 'resample', steps: stepsPlan(schema, tl, path), source, resample: r, prefix };
    out = out === null ? res : { kind: 'combine', left: out, right: res, how: 'join', sideways: false };
  }
  return out ?? stepsPlan(schema, tl, path);
}

/** An exploded list's level: the list's level stream, one row per element. */
function explodePlan(schema: DatasetSchema, path: readonly string[], needs: Needs): StreamPlan {
  const step = path[path.length - 1]!;
  const e = needs.leaves.find((l): l is Expr & { kind: 'explode' } => l.kind === 'explode' && explodeStep(l.arg) === step);
  if (!e) throw new PlanError('internal', `no explode for level ${path.join('.')}`);
  const argLevel = levelOf(e.arg)!;
  return { kind: 'explode', input: levelPlan(schema, argLevel.path, needsOf([e.arg], argLevel)), explode: e, keys: planKeys(path, schema) };
}

/** The naive plan of a scan producing exactly the named outputs, sorted by the level's keys. */
export function buildStreamPlan(schema: DatasetSchema, outputs: readonly ScanOutput[], where?: Expr): StreamPlan {
  const exprs = outputs.map((o) => o.expr);
  const level = scanLevel(where ? [...exprs, where] : exprs);
  const filters = [...level.filters];
  if (where) filters.push({ depth: level.path.length - 1, pred: where });
  const needs = needsOf(where ? [...exprs, where] : exprs, { ...level, filters });
  const input = levelPlan(schema, level.path, needs);
  return { kind: 'output', input, keys: planKeys(level.path, schema), outputs };
}
