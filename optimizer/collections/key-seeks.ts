/**
 * key-seeks: row selections (`get`, `at`, key tables: `key_in` predicates) become seeks of every
 * scan whose rows they restrict, so the scan reads only the selected keys' ranges (fragments,
 * chunks and byte ranges outside them are never fetched). The selection also stays a filter
 * where it was: seeks only skip, the filter decides.
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
import type { Rule } from '../optimizer.js';
import type { CollectionRuleContext } from './context.js';

/** The selections among a predicate's conjuncts. */
function selectionsIn(pred: StreamPlan & { kind: 'filter' }): Selection[] {
  const out: Selection[] = [];
  for (const c of conjunctsOf(pred.pred)) if (c.kind === 'key_in') out.push({ depth: selectionStart(c) + c.keys.length - 1, pred: c });
  return out;
}

/** The selections every row of `p` satisfies. */
function selectionsOf(p: StreamPlan): Selection[] {
  switch (p.kind) {
    case 'scan':
      return [];
    case 'filter':
      return [...selectionsIn(p), ...selectionsOf(p.input)];
    case 'broadcast':
      return [...selectionsOf(p.parent), ...selectionsOf(p.child)];
    case 'resample':
      return selectionsOf(p.steps);
    case 'combine':
      return selectionsOf(p.left);
    case 'reduce':
    case 'window':
    case 'explode':
    case 'steps':
    case 'output':
      return selectionsOf(p.input);
  }
}

const union = (a: readonly Selection[], b: readonly Selection[]): Selection[] => [...a, ...b.filter((s) => !a.some((x) => x.pred === s.pred))];

const onPath = (s: Selection, path: readonly string[]): boolean => {
  const at = s.pred.keys[s.pred.keys.length - 1]!.level.path;
  return at.length <= path.length && at.every((x, i) => path[i] === x);
};

function seek(p: StreamPlan, given: readonly Selection[]): StreamPlan {
  // Only selections on a prefix of this stream's keys restrict its rows (a child's selection
  // of its own level says nothing about which parent rows, or which of their other children, matter).
  const depth = keysOf(p).length;
  const inForce = given.filter((s) => s.depth < depth);
  switch (p.kind) {
    case 'scan': {
      const mine = inForce.filter((s) => onPath(s, p.path));
      const seeks = seekPrefixes(mine, p.path.length) ? mine : [];
      const same = seeks.length === p.seeks.length && seeks.every((s) => p.seeks.some((x) => x.pred === s.pred));
      return same ? p : { ...p, seeks };
    }
    case 'filter':
      return with1(p, seek(p.input, union(inForce, selectionsIn(p))));
    case 'broadcast': {
      const parent = seek(p.parent, union(inForce, selectionsOf(p.child)));
      const child = seek(p.child, union(inForce, selectionsOf(p.parent)));
      return parent === p.parent && child === p.child ? p : { ...p, parent, child };
    }
    case 'reduce': {
      const input = seek(p.input, inForce);
      const arg = seek(p.arg, union(inForce, selectionsOf(p.input)));
      return input === p.input && arg === p.arg ? p : { ...p, input, arg };
    }
    case 'window':
      return with1(p, seek(p.input, inForce.filter((s) => s.depth < p.partition.length)));
    case 'resample': {
      const steps = seek(p.steps, inForce);
      const source = seek(p.source, union(inForce, selectionsOf(p.steps)));
      return steps === p.steps && source === p.source ? p : { ...p, steps, source };
    }
    case 'combine': {
      const left = seek(p.left, inForce);
      const right = seek(p.right, union(inForce, selectionsOf(p.left)));
      return left === p.left && right === p.right ? p : { ...p, left, right };
    }
    case 'explode':
    case 'steps':
    case 'output':
      return with1(p, seek(p.input, inForce));
  }
}

const with1 = (p: StreamPlan & { input: StreamPlan }, input: StreamPlan): StreamPlan => (input === p.input ? p : ({ ...p, input } as StreamPlan));

export const keySeeks: Rule<StreamPlan, CollectionRuleContext> = {
  name: 'key-seeks',
  description: 'row selections become key-range seeks of every scan they restrict',
  rewrite(plan) {
    const out = seek(plan, []);
    return { plan: out, changed: out !== plan };
  },
};
