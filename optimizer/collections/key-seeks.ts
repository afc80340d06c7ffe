/**
 * key-seeks: row selections (`get`, `at`, key tables: `key_in` predicates) become seeks of every
 * scan whose rows they restrict, so the scan reads only the selected keys' ranges (fragments,
 * chunks and byte ranges outside them are never fetched). The selection also stays a filter
 * where it was: seeks only skip, the filter decides. Key ranges (a key compared with a literal,
 * `scenes._id >= 's3'`) travel the same way and become storage filters of the other scans under
 * that key: their fragments and chunks are pruned by the key column's zone maps before reading
 * (and EXPLAIN DATA can count it), instead of only at run time by sideways seeks.
 *
 *   Join broadcast on [scenes._id]
 *     Filter scenes._id in ('s1')
 *       Scan scenes, columns=[location]
 *     Scan scenes.clips, columns=[duration]
 * becomes
 *   Join broadcast on [scenes._id]
 *     Filter scenes._id in ('s1')
 *       Scan scenes, columns=[location], seek=scenes._id in ('s1')
 *     Scan scenes.clips, columns=[duration], seek=scenes._id in ('s1')
 *
 * A selection is in force on a stream when its rows can only reach the output through rows it
 * keeps: across a broadcast join (inner) both ways; from a reduction's domain into its argument
 * (the left join drops argument rows without a domain row); from a timeline's steps into the
 * resampled source; from a combine's left side into its right. Selections of consecutive levels
 * from the root multiply out into full key prefixes (seekPrefixes).
 *
 * Not legal (never done): a selection below a stream's own level onto that stream (a child's
 * selection says nothing about which parents matter for anything but that child: a reduction
 * inside the parent stream must still see all its rows); a selection that does not start at
 * the root or below other selections (there is no key range to seek to: it stays a filter); a selection on a level
 * below a window's partition onto the window's input (the window would see fewer rows); a
 * selection on a path that is not a prefix of the scan's path.
 */
import { conjunctsOf, keysOf, type Selection, seekPrefixes, selectionStart, type StreamPlan } from '../../logical/collection-plan.js';
import type { Expr } from '../../logical/expr.js';
import type { Rule } from '../optimizer.js';
import { result } from '../rule.js';
import type { CollectionRuleContext } from './context.js';

/**
 * A fact about a stream's keys: a selection (`key_in`), or a key range (a key compared with a
 * literal, `scenes._id >= 's3'`), on the key of the level at `depth`.
 */
interface Fact {
  readonly depth: number;
  readonly pred: Expr;
}

const RANGE_OPS = new Set(['=', '<', '<=', '>', '>=']);

/** The key leaf of a key-range conjunct, or null. */
function rangeKey(c: Expr): (Expr & { kind: 'key' }) | null {
  if (c.kind !== 'binary' || !RANGE_OPS.has(c.op)) return null;
  if (c.left.kind === 'key' && c.right.kind === 'literal') return c.left;
  if (c.right.kind === 'key' && c.left.kind === 'literal') return c.right;
  return null;
}

/** The key facts among conjuncts. */
function factsIn(cs: readonly Expr[]): Fact[] {
  const out: Fact[] = [];
  for (const c of cs) {
    if (c.kind === 'key_in') out.push({ depth: selectionStart(c) + c.keys.length - 1, pred: c });
    else {
      const k = rangeKey(c);
      if (k) out.push({ depth: k.level.path.length - 1, pred: c });
    }
  }
  return out;
}

/** The key facts every row of `p` satisfies. */
function factsOf(p: StreamPlan): Fact[] {
  switch (p.kind) {
    case 'scan':
      return factsIn(p.storage);
    case 'filter':
      return [...factsIn(conjunctsOf(p.pred)), ...factsOf(p.input)];
    case 'broadcast':
      return [...factsOf(p.parent), ...factsOf(p.child)];
    case 'resample':
      return factsOf(p.steps);
    case 'combine':
      return factsOf(p.left);
    case 'reduce':
    case 'window':
    case 'explode':
    case 'steps':
    case 'output':
      return factsOf(p.input);
  }
}

const union = (a: readonly Fact[], b: readonly Fact[]): Fact[] => [...a, ...b.filter((s) => !a.some((x) => x.pred === s.pred))];

/** True when the fact's key level lies on `path` (the level itself or an ancestor). */
const onPath = (f: Fact, path: readonly string[]): boolean => {
  const at = f.pred.kind === 'key_in' ? f.pred.keys[f.pred.keys.length - 1]!.level.path : rangeKey(f.pred)!.level.path;
  return at.length <= path.length && at.every((x, i) => path[i] === x);
};

function seek(p: StreamPlan, given: readonly Fact[], ctx: CollectionRuleContext): StreamPlan {
  // Only facts on a prefix of this stream's keys restrict its rows (a child's selection of its
  // own level says nothing about which parent rows, or which of their other children, matter).
  const depth = keysOf(p).length;
  const inForce = given.filter((s) => s.depth < depth);
  switch (p.kind) {
    case 'scan': {
      const mine = inForce.filter((s) => onPath(s, p.path));
      const sels = mine.filter((s): s is Selection => s.pred.kind === 'key_in');
      const seeks = seekPrefixes(sels, p.path.length) ? sels : [];
      const ranges = mine.filter((s) => s.pred.kind !== 'key_in' && !p.storage.includes(s.pred) && ctx.storable(s.pred, p)).map((s) => s.pred);
      const same = seeks.length === p.seeks.length && seeks.every((s) => p.seeks.some((x) => x.pred === s.pred));
      return same && ranges.length === 0 ? p : { ...p, seeks, storage: [...p.storage, ...ranges] };
    }
    case 'filter':
      return with1(p, seek(p.input, union(inForce, factsIn(conjunctsOf(p.pred))), ctx));
    case 'broadcast': {
      const parent = seek(p.parent, union(inForce, factsOf(p.child)), ctx);
      const child = seek(p.child, union(inForce, factsOf(p.parent)), ctx);
      return parent === p.parent && child === p.child ? p : { ...p, parent, child };
    }
    case 'reduce': {
      const input = seek(p.input, inForce, ctx);
      const arg = seek(p.arg, union(inForce, factsOf(p.input)), ctx);
      return input === p.input && arg === p.arg ? p : { ...p, input, arg };
    }
    case 'window':
      return with1(p, seek(p.input, inForce.filter((s) => s.depth < p.partition.length), ctx));
    case 'resample': {
      const steps = seek(p.steps, inForce, ctx);
      const source = seek(p.source, union(inForce, factsOf(p.steps)), ctx);
      return steps === p.steps && source === p.source ? p : { ...p, steps, source };
    }
    case 'combine': {
      const left = seek(p.left, inForce, ctx);
      const right = seek(p.right, union(inForce, factsOf(p.left)), ctx);
      return left === p.left && right === p.right ? p : { ...p, left, right };
    }
    case 'explode':
    case 'steps':
    case 'output':
      return with1(p, seek(p.input, inForce, ctx));
  }
}

const with1 = (p: StreamPlan & { input: StreamPlan }, input: StreamPlan): StreamPlan => (input === p.input ? p : ({ ...p, input } as StreamPlan));

export const keySeeks: Rule<StreamPlan, CollectionRuleContext> = {
  name: 'key-seeks',
  description: 'row selections become key-range seeks of every scan they restrict',
  rewrite(plan, ctx) {
    const out = seek(plan, [], ctx);
    return result(plan, out);
  },
};
