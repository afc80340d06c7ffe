import { describe, expect, it } from 'vitest';

import * as b from '../../logical/plan-build.js';
import { eliminateIdentityProject } from '../../optimizer/rules/eliminate-identity-project.js';
import { applyRule, col, items, planText } from './helpers.js';

describe('eliminate-identity-project', () => {
  it('removes a project that outputs its input unchanged, not one that renames, reorders or drops', () => {
    const i = items();
    const names = i.schema.fields.map((f) => f.name);
    expect(applyRule(eliminateIdentityProject, b.project(i, names.map((n) => b.named(n, col(i, n)))))).toBe(planText(i));
    const renamed = b.project(i, names.map((n) => b.named(n === 'i_qty' ? 'qty' : n, col(i, n))));
    const reordered = b.project(i, [...names].reverse().map((n) => b.named(n, col(i, n))));
    const dropped = b.project(i, names.slice(1).map((n) => b.named(n, col(i, n))));
    for (const p of [renamed, reordered, dropped]) expect(applyRule(eliminateIdentityProject, p)).toBe(planText(p));
  });
});
