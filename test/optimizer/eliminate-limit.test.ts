import { describe, expect, it } from 'vitest';

import * as b from '../../logical/plan-build.js';
import { eliminateLimit } from '../../optimizer/rules/eliminate-limit.js';
import { applyRule, orders, planText } from './helpers.js';

describe('eliminate-limit', () => {
  it('removes LIMIT ALL OFFSET 0 and empties LIMIT 0', () => {
    const o = orders();
    expect(applyRule(eliminateLimit, b.limit(o, null, 0))).toBe(planText(o));
    expect(applyRule(eliminateLimit, b.limit(o, 0, 3))).toMatchInlineSnapshot(`"Values columns=[o_id, o_cust, o_total, o_status, o_date] rows=0"`);
    expect(applyRule(eliminateLimit, b.limit(o, 1))).toBe(planText(b.limit(o, 1)));
  });
});
