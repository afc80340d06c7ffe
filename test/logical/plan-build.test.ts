import { DateDay, Field, Float64, Int32, Int64, Schema, Utf8 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';

import { isErrorCode } from '../../errors.js';
import { formatPlan, formatScalar } from '../../logical/display.js';
import { T } from '../../logical/functions.js';
import {
  aggregate, aggregateCall, call, caseWhen, cast, col, filter, inList, join, limit, lit, named, project, setOp, sort, sortKey, tableScan, unnest, values, window, windowCall,
} from '../../logical/plan-build.js';
import type { Plan } from '../../logical/plan.js';
import { columnsOf, conjuncts, mapExpressions, transformDown, transformUp, unchanged, changed, visit } from '../../logical/tree.js';
import { assertValidPlan, validatePlan } from '../../logical/validate.js';

const lineitem = (): Plan =>
  tableScan('tpch.lineitem', [
    { column: 'l_orderkey', type: new Int64(), nullable: false },
    { column: 'l_returnflag', type: new Utf8() },
    { column: 'l_quantity', type: new Float64() },
    { column: 'l_extendedprice', type: new Float64() },
    { column: 'l_discount', type: new Float64() },
    { column: 'l_shipdate', type: new DateDay() },
  ]);

const throwsCode = (f: () => unknown, code: string): void => {
  try {
    f();
  } catch (e) {
    expect(isErrorCode(e, code as never), String(e)).toBe(true);
    return;
  }
  throw new Error(`expected an error ${code}`);
};

describe('plan-build', () => {
  it('builds a Q1-like plan with derived schemas and stable text', () => {
    const l = lineitem();
    const f = filter(l, call('<=', [col(l, 'l_shipdate'), lit('1998-09-02')]));
    const price = call('*', [col(f, 'l_extendedprice'), call('-', [lit(1), col(f, 'l_discount')])]);
    const a = aggregate(f, [named('l_returnflag', col(f, 'l_returnflag'))], [
      aggregateCall('sum', [col(f, 'l_quantity')], 'sum_qty'),
      aggregateCall('sum', [price], 'sum_disc_price'),
      aggregateCall('count_star', [], 'count_order'),
    ]);
    const s = sort(a, [sortKey(col(a, 'l_returnflag'))]);
    expect(a.schema.fields.map((x) => `${x.name}:${String(x.type)}`)).toEqual(['l_returnflag:Utf8', 'sum_qty:Float64', 'sum_disc_price:Float64', 'count_order:Int64']);
    expect(formatPlan(s)).toMatchInlineSnapshot(`
      "Sort keys=[l_returnflag]
        Aggregate groups=[l_returnflag] aggs=[sum(l_quantity) AS sum_qty, sum((l_extendedprice * (1 - l_discount))) AS sum_disc_price, count(*) AS count_order]
          Filter predicate=(l_shipdate <= DATE '1998-09-02')
            TableScan table=tpch.lineitem columns=[l_orderkey, l_returnflag, l_quantity, l_extendedprice, l_discount, l_shipdate]"
    `);
    expect(validatePlan(s)).toEqual([]);
  });

  it('coerces arguments and folds literal casts', () => {
    const l = lineitem();
    const e = call('+', [col(l, 'l_orderkey'), lit(1)]);
    expect(e.type).toBeInstanceOf(Int64);
    expect(formatScalar(e)).toBe('(l_orderkey + 1)');
    expect(call('/', [lit(5), lit(2)]).type).toBeInstanceOf(Float64);
    expect(call('date_part', [lit('year'), col(l, 'l_shipdate')])).toMatchObject({ kind: 'call', fn: 'extract_year' });
    expect(cast(lit('12'), new Int32())).toEqual({ kind: 'literal', value: 12, type: new Int32() });
    expect(caseWhen([{ when: lit(true), then: lit(1) }], lit(2.5)).type).toBeInstanceOf(Float64);
    expect(inList(col(l, 'l_quantity'), [lit(1), lit(2)]).type.toString()).toBe('Bool');
  });

  it('reports unknown columns, functions and type errors with codes', () => {
    const l = lineitem();
    throwsCode(() => col(l, 'l_quantiy'), 'unknown-column');
    throwsCode(() => call('lowr', [col(l, 'l_returnflag')]), 'unknown-function');
    throwsCode(() => call('+', [col(l, 'l_returnflag'), lit(true)]), 'type-mismatch');
    throwsCode(() => filter(l, col(l, 'l_quantity')), 'type-mismatch');
    throwsCode(() => project(l, [named('a', lit(1)), named('a', lit(2))]), 'duplicate-column');
    throwsCode(() => join('inner', l, l), 'duplicate-column');
    throwsCode(() => lit('1998-13-01', new DateDay()), 'conversion-error');
    throwsCode(() => setOp('union', false, l, project(l, [named('x', lit(1))])), 'type-mismatch');
    try {
      col(l, 'l_quantiy');
    } catch (e) {
      expect(String(e)).toContain('did you mean "l_quantity"');
    }
  });

  it('derives join, window, unnest and values schemas', () => {
    const l = lineitem();
    const o = tableScan('tpch.orders', [{ column: 'o_orderkey', type: new Int32() }, { column: 'o_clerk', type: new Utf8(), nullable: false }]);
    const j = join('left', l, o, { on: [{ left: col(l, 'l_orderkey'), right: col(o, 'o_orderkey') }] });
    expect(j.schema.fields.map((x) => x.name)).toEqual([...l.schema.names, 'o_orderkey', 'o_clerk']);
    expect(j.schema.fields.find((x) => x.name === 'o_clerk')!.nullable).toBe(true);
    expect(join('mark', l, o, { on: [{ left: col(l, 'l_orderkey'), right: col(o, 'o_orderkey') }], mark: 'm' }).schema.names.at(-1)).toBe('m');
    expect(join('semi', l, o, { on: [{ left: col(l, 'l_orderkey'), right: col(o, 'o_orderkey') }] }).schema).toBe(l.schema);
    const w = window(l, [windowCall('rank', [], 'r', { partitionBy: [col(l, 'l_returnflag')], orderBy: [sortKey(col(l, 'l_quantity'), { descending: true })] })]);
    expect(w.schema.names.at(-1)).toBe('r');
    const v = values(['a', 'b'], [[lit(1), lit('x')], [lit(2.5), lit(null)]]);
    expect(v.schema.fields.map((x) => String(x.type))).toEqual(['Float64', 'Utf8']);
    const u = unnest(v, lit([1, 2, 3]), 'e', { ordinality: 'i' });
    expect(u.schema.names).toEqual(['a', 'b', 'e', 'i']);
    expect(validatePlan(u)).toEqual([]);
    expect(formatPlan(limit(w, 10, 5))).toContain('Limit limit=10 offset=5');
  });

  it('tree API rewrites plans and scalars', () => {
    const l = lineitem();
    const f = filter(l, call('and', [call('>', [col(l, 'l_quantity'), lit(1)]), call('<', [col(l, 'l_discount'), lit(0.1)])]));
    const p = project(f, [named('q', col(f, 'l_quantity'))]);
    expect(conjuncts((f as Plan & { kind: 'filter' }).predicate)).toHaveLength(2);
    expect([...columnsOf((f as Plan & { kind: 'filter' }).predicate)]).toEqual(['l_quantity', 'l_discount']);
    // Drop the filter: transformUp sees it after its children.
    const r = transformUp(p, (n) => (n.kind === 'filter' ? changed(n.input) : unchanged(n)));
    expect(r.changed).toBe(true);
    expect(formatPlan(r.node)).toMatchInlineSnapshot(`
      "Project exprs=[l_quantity AS q]
        TableScan table=tpch.lineitem columns=[l_orderkey, l_returnflag, l_quantity, l_extendedprice, l_discount, l_shipdate]"
    `);
    // Replace literal 1 by 2 in every expression.
    const m = transformDown(p, (n) => {
      const q = mapExpressions(n, (s) => transformUp(s, (e) => (e.kind === 'literal' && e.value === 1 ? changed(lit(2, e.type)) : unchanged(e))).node);
      return q === n ? unchanged(n) : changed(q);
    });
    expect(m.changed).toBe(true);
    expect(formatPlan(m.node)).toContain('(l_quantity > 2)');
    let seen = 0;
    expect(visit(p, () => (++seen === 2 ? 'stop' : 'continue'))).toBe('stop');
    expect(seen).toBe(2);
    const down = transformDown(p, (n) => (n.kind === 'filter' ? unchanged(n, 'skip') : unchanged(n)));
    expect(down.changed).toBe(false);
    expect(down.node).toBe(p);
  });

  it('validate finds stale schemas and bad references', () => {
    const l = lineitem();
    const bad: Plan = { kind: 'filter', input: l, predicate: { kind: 'column', name: 'nope', type: T.bool }, schema: l.schema };
    expect(validatePlan(bad).join()).toContain('no column "nope"');
    const stale: Plan = { kind: 'project', input: l, exprs: [named('x', lit(1))], schema: new Schema([new Field('y', new Int32())]) };
    expect(() => assertValidPlan(stale)).toThrow(/differs from the derived/);
  });
});
