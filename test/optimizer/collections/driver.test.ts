import { describe, expect, it } from 'vitest';

import { optimizeCollectionPlan } from '../../../optimizer/collections/index.js';
import { naive, roots, storable, text } from './helpers.js';

describe('the collection rule driver', () => {
  it('runs every rule to a fixpoint, reports each application, and switches rules off by name', () => {
    const { scenes } = roots();
    const s = scenes.get('s1');
    const plan = naive([s.clips.where(s.clips.duration.gt(3).and(s.location.ne('park'))).frames.brightness]);
    const steps: string[] = [];
    const r = optimizeCollectionPlan(plan, { storable, observer: { onStep: (st) => steps.push(`${st.pass}:${st.rule}:${st.changed}`) } });
    expect(r.fixpoint).toBe(true);
    expect(steps.slice(0, 5)).toEqual(['1:push-down-level-filters:true', '1:filters-into-storage:true', '1:key-seeks:true', '1:zip-vs-join:false', '1:sideways:true']);
    expect(steps.slice(5).every((x) => x.endsWith(':false'))).toBe(true);
    const off = optimizeCollectionPlan(plan, { storable, disabled: ['key-seeks', 'filters-into-storage'] });
    expect(text(off.plan)).not.toContain('seek=');
    expect(text(off.plan)).not.toContain('storage filter=');
    expect(() => optimizeCollectionPlan(plan, { storable, disabled: ['zip-vs-joins'] })).toThrow(/unknown optimizer rule "zip-vs-joins"/);
  });
});
