/**
 * Operator contract checks for the relational operators: cancellation through ctx.signal,
 * nothing runs before the first pull, metrics (rows in / out, peakRowsHeld bounded for
 * streaming operators), EXPLAIN parameters, and the catalog context's collection-scan error.
 */
import { describe, expect, it } from 'vitest';

import { isErrorCode } from '../../../errors.js';
import { aggregate, aggregateCall, call, col, filter, lit, named, project } from '../../../logical/plan-build.js';
import { catalogContext, lower } from '../../../physical/lower.js';
import { defaultContext } from '../../../physical/operator.js';
import { collectionScan } from '../../../logical/plan-build.js';
import { runOp, schemaFor, table } from './helpers.js';

const S = schemaFor('');
const rows = Array.from({ length: 200_000 }, (_, i) => ({ k: i % 7, x: i }));

describe('relational operator contract', () => {
  it('cancellation stops the stream with "cancelled"', async () => {
    const t = table(S, rows, [1000]);
    const ac = new AbortController();
    const op = lower(filter(t, call('>', [col(t, 'x'), lit(-1)])), catalogContext({ table: () => Promise.reject(new Error('x')) }));
    let seen = 0;
    await expect(
      (async () => {
        for await (const b of op.execute({ ...defaultContext(), signal: ac.signal })) {
          seen += b.numRows;
          if (seen > 5000) ac.abort();
        }
      })(),
    ).rejects.toSatisfy((e: unknown) => isErrorCode(e, 'cancelled'));
    expect(seen).toBeLessThan(200_000);
  });

  it('nothing runs before the first pull', async () => {
    let opened = 0;
    const t = table(S, rows.slice(0, 10));
    const counted = { ...t, open: (s?: AbortSignal) => {
      opened++;
      return (t as { open: (s?: AbortSignal) => AsyncIterable<import('apache-arrow').RecordBatch> }).open(s);
    } } as typeof t;
    const op = lower(project(counted, [named('y', col(counted, 'x'))]), catalogContext({ table: () => Promise.reject(new Error('x')) }));
    const it = op.execute(defaultContext())[Symbol.asyncIterator]();
    expect(opened).toBe(0);
    await it.next();
    expect(opened).toBe(1);
    await it.return?.();
  });

  it('streaming operators hold about one batch; metrics count rows', async () => {
    const t = table(S, rows, [4096]);
    const f = filter(t, call('=', [col(t, 'k'), lit(3)]));
    const p = project(f, [named('y', call('*', [col(f, 'x'), lit(2)]))]);
    const { rows: out, op } = await runOp(p, { ...defaultContext(), batchRows: 4096 });
    expect(out).toHaveLength(rows.filter((r) => r.k === 3).length);
    expect(op.metrics.rowsOut).toBe(out.length);
    expect(op.metrics.rowsIn).toBe(rows.length);
    expect(op.metrics.peakRowsHeld).toBeLessThanOrEqual(4096);
    expect(op.displayParams().map(([k]) => k)).toEqual(['exprs', 'where']);
    const a = await runOp(aggregate(f, [named('k', col(f, 'k'))], [aggregateCall('count_star', [], 'n')]));
    expect(a.rows).toEqual([{ k: 3, n: BigInt(rows.filter((r) => r.k === 3).length) }]);
  });

  it('collection scans without a Database fail clearly', () => {
    const c = collectionScan('ds', [], []);
    expect(() => lower(c, catalogContext({ table: () => Promise.reject(new Error('x')) }))).toThrow(/collection scans/);
  });
});
