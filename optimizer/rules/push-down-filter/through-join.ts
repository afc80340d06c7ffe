/**
 * Filters through joins, and a join's own condition into its inputs.
 *
 * Definitions. The *preserved* side of an outer join is the one whose rows all appear in the
 * output (left for LEFT, right for RIGHT, none for FULL); the other side is *null-supplying*
 * (its columns are NULL in the rows without a match). Inner and cross joins preserve nothing
 * but filter both sides freely. A predicate *rejects the nulls* of a side when it is FALSE or
 * NULL whenever all that side's columns are NULL (expr/null-rejection.ts).
 *
 * A WHERE conjunct above the join (`throughJoin`):
 *
 *     Filter predicate=((a > 1) AND (x = 2) AND (a = k))       Join type=inner on=[a = k]
 *       Join type=cross                                 →        Filter predicate=(a > 1)
 *         TableScan table=l columns=[a]                            TableScan table=l columns=[a]
 *         TableScan table=r columns=[k, x]                       Filter predicate=((x = 2) AND (k > 1))
 *                                                                  TableScan table=r columns=[k, x]
 *
 *  - inner/cross: one-side conjuncts filter that side; `l = r` equalities become equi-join
 *    keys (a cross join becomes inner); other two-side conjuncts join the residual condition.
 *  - left/semi/anti/mark/single/asof: conjuncts on left columns filter the left input; nothing
 *    else moves (semi/anti output only left columns; the mark column is computed by the join).
 *  - right: mirror image for right columns.
 *  - full: nothing moves.
 *  - First, outer joins are strengthened: a conjunct that rejects the nulls of the
 *    null-supplying side makes LEFT/RIGHT inner and FULL left, right or inner.
 *  - A conjunct on one equi-key column (plain columns, same non-float type) that filters one
 *    side is copied, renamed, to the other side when rows failing it cannot match a kept row:
 *    left → right for inner, left and semi joins, right → left for inner and right joins
 *    (not for mark joins: a right row with a NULL key makes unmatched marks NULL, so removing
 *    it would turn NULL into FALSE; not for anti joins, by caution).
 *
 * Not legal (stays above): a conjunct on the null-supplying side that does not reject its
 * nulls (e.g. `x IS NULL`, `coalesce(x, 0) = 0` over a LEFT join's right side); anything over
 * a FULL join that rejects no side; conjuncts on the mark column; volatile conjuncts; single
 * joins are never made inner (they would lose their one-match check).
 *
 * The ON condition (`pushJoinCondition`): residual conjuncts on one side filter that side
 * where the join type allows — inner: both; left/single: right; right: left; semi: both;
 * anti/mark: right — and `l = r` residual equalities become keys. A left join's ON conjunct on
 * left columns must stay: failing it keeps the row, NULL-extended. A mark join's residual
 * equalities never become keys: a NULL key comparison makes the mark NULL (SQL's IN), a NULL
 * residual does not (a right row only counts when its residual is TRUE, so filtering the right
 * side by a residual conjunct is legal). No ON rewrites for asof joins.
 */
import { isFloat, sameType } from '../../../logical/functions.js';
import type { JoinType, Scalar } from '../../../logical/plan.js';
import { columnsOf, conjunction, conjuncts, dedupe, isVolatile, replaceColumns } from '../../expr/scalars.js';
import { rejectsNullsOf } from '../../expr/null-rejection.js';
import { type PlanOf, rebuildJoin } from '../../plan-util.js';
import { filtered, type Pushed } from './types.js';

type Key = { readonly left: Scalar; readonly right: Scalar };
type Join = PlanOf<'join'>;

/** Sides a WHERE conjunct on that side alone may filter. */
const WHERE_SIDES: Record<JoinType, { left: boolean; right: boolean }> = {
  inner: { left: true, right: true }, cross: { left: true, right: true },
  left: { left: true, right: false }, semi: { left: true, right: false }, anti: { left: true, right: false },
  mark: { left: true, right: false }, single: { left: true, right: false }, asof: { left: true, right: false },
  right: { left: false, right: true }, full: { left: false, right: false },
};

/** Sides an ON conjunct on that side alone may filter. */
const ON_SIDES: Record<JoinType, { left: boolean; right: boolean }> = {
  inner: { left: true, right: true }, cross: { left: false, right: false },
  left: { left: false, right: true }, single: { left: false, right: true }, right: { left: true, right: false },
  semi: { left: true, right: true }, anti: { left: false, right: true }, mark: { left: false, right: true },
  full: { left: false, right: false }, asof: { left: false, right: false },
};

const within = (cols: Set<string>, names: ReadonlySet<string>): boolean => [...cols].every((n) => names.has(n));
const namesOf = (j: Join, side: 'left' | 'right'): Set<string> => new Set(j[side].schema.fields.map((f) => f.name));

/** `c` as an equi-join key when it is `l = r` with each argument over one side. */
function equiKey(c: Scalar, L: ReadonlySet<string>, R: ReadonlySet<string>): Key | null {
  if (c.kind !== 'call' || c.fn !== '=' || isVolatile(c)) return null;
  const [a, b] = c.args as [Scalar, Scalar];
  const ca = columnsOf(a), cb = columnsOf(b);
  if (ca.size === 0 || cb.size === 0) return null;
  if (within(ca, L) && within(cb, R)) return { left: a, right: b };
  if (within(ca, R) && within(cb, L)) return { left: b, right: a };
  return null;
}

/** The join type after WHERE conjuncts that reject the null-supplying side's nulls. */
function strengthen(j: Join, parts: readonly Scalar[]): JoinType {
  const rejects = (side: 'left' | 'right'): boolean => parts.some((c) => !isVolatile(c) && rejectsNullsOf(c, j[side].schema));
  switch (j.type) {
    case 'left': return rejects('right') ? 'inner' : 'left';
    case 'right': return rejects('left') ? 'inner' : 'right';
    case 'full': {
      const l = rejects('left'), r = rejects('right');
      return l && r ? 'inner' : l ? 'left' : r ? 'right' : 'full';
    }
    default: return j.type;
  }
}

/** `c` (on one column, a plain equi-key column of side `from`) restated on the other side's key column. */
function transfer(c: Scalar, from: 'left' | 'right', keys: readonly Key[]): Scalar | null {
  const cols = columnsOf(c);
  if (cols.size !== 1) return null;
  const [name] = cols;
  for (const k of keys) {
    const src = k[from], dst = from === 'left' ? k.right : k.left;
    if (src.kind === 'column' && src.name === name && dst.kind === 'column' && sameType(src.type, dst.type) && !isFloat(src.type)) {
      return replaceColumns(c, new Map([[src.name, dst]]));
    }
  }
  return null;
}

export function throughJoin(j: Join, parts: readonly Scalar[]): Pushed | null {
  const L = namesOf(j, 'left'), R = namesOf(j, 'right');
  const type = strengthen(j, parts);
  const sides = WHERE_SIDES[type];
  const left: Scalar[] = [], right: Scalar[] = [], keys: Key[] = [], residual: Scalar[] = [], keep: Scalar[] = [];
  for (const c of parts) {
    const cols = columnsOf(c);
    if (isVolatile(c)) keep.push(c);
    else if (sides.left && within(cols, L)) left.push(c);
    else if (sides.right && within(cols, R)) right.push(c);
    else if ((type === 'inner' || type === 'cross') && within(cols, new Set([...L, ...R]))) {
      const k = equiKey(c, L, R);
      if (k) keys.push(k);
      else residual.push(c);
    } else keep.push(c);
  }
  const on = [...j.on, ...keys];
  const fromLeft = type === 'inner' || type === 'left' || type === 'semi' ? left.flatMap((c) => transfer(c, 'left', on) ?? []) : [];
  const fromRight = type === 'inner' || type === 'right' ? right.flatMap((c) => transfer(c, 'right', on) ?? []) : [];
  left.push(...fromRight);
  right.push(...fromLeft);
  if (type === j.type && left.length + right.length + keys.length + residual.length === 0) return null;
  const newType = type === 'cross' && (keys.length > 0 || residual.length > 0) ? 'inner' : type;
  const plan = rebuildJoin(j, {
    type: newType,
    left: filtered(j.left, dedupe(left)),
    right: filtered(j.right, dedupe(right)),
    on,
    residual: conjunction([...(j.residual ? [j.residual] : []), ...residual]),
  });
  return { plan, keep };
}

/** The join with its ON residual's one-side conjuncts moved into its inputs and equalities made keys; null when nothing moves. */
export function pushJoinCondition(j: Join): Join | null {
  if (!j.residual) return null;
  const L = namesOf(j, 'left'), R = namesOf(j, 'right');
  const sides = ON_SIDES[j.type];
  const keyable = j.type !== 'mark' && j.type !== 'asof' && j.type !== 'cross';
  const left: Scalar[] = [], right: Scalar[] = [], keys: Key[] = [], rest: Scalar[] = [];
  for (const c of conjuncts(j.residual)) {
    const cols = columnsOf(c);
    const k = keyable ? equiKey(c, L, R) : null;
    if (isVolatile(c) || cols.size === 0) rest.push(c);
    else if (sides.left && within(cols, L)) left.push(c);
    else if (sides.right && within(cols, R)) right.push(c);
    else if (k) keys.push(k);
    else rest.push(c);
  }
  if (left.length + right.length + keys.length === 0) return null;
  return rebuildJoin(j, {
    left: filtered(j.left, left),
    right: filtered(j.right, right),
    on: [...j.on, ...keys],
    residual: conjunction(rest),
  }) as Join;
}
