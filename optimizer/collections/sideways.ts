/**
 * sideways: merge joins get a sideways channel where one input can skip keys: as the selective
 * side moves past keys the other side has no use for, the join tells that side's scans to seek
 * forward (SeekBound), skipping batches, chunks and whole fragments down in storage.
 *
 *   Join broadcast on [scenes._id, clips._id]
 *     Filter $max(detections.confidence) >= 0.99
 *       …
 *     Scan scenes.clips.frames, columns=[rgb]
 * becomes
 *   Join broadcast on [scenes._id, clips._id], sideways
 *     …
 *
 * A side is selective when its rows are narrower than its level's full key space: it has a
 * filter, a storage filter or seeks somewhere below (a broadcast's parent side also drops the
 * child's orphans). The channel runs: for a broadcast, both ways (each side skips to the
 * other's next key: inner join); for a reduction's left join and a combine joined on a
 * timeline, from the domain (left) to the other side only (left rows are all kept).
 *
 * Not done: zips (both sides have the same rows: nothing to skip); joins where neither side is
 * selective (every seek would land where the scan already is: bounds would cost comparisons
 * and save nothing).
 */
import { streamChildren, type StreamPlan, transformStreamUp } from '../../logical/collection-plan.js';
import type { Rule } from '../optimizer.js';
import { result } from '../rule.js';
import type { CollectionRuleContext } from './context.js';

function selective(p: StreamPlan): boolean {
  if (p.kind === 'filter') return true;
  if (p.kind === 'scan') return p.storage.length > 0 || p.seeks.length > 0;
  return streamChildren(p).some(selective);
}

export const sideways: Rule<StreamPlan, CollectionRuleContext> = {
  name: 'sideways',
  description: 'merge joins pass key bounds from a selective input to the other input’s scans (seeks)',
  rewrite(plan) {
    const out = transformStreamUp(plan, (p) => {
      let want: boolean;
      if (p.kind === 'broadcast') want = selective(p.parent) || selective(p.child);
      else if (p.kind === 'reduce') want = selective(p.input);
      else if (p.kind === 'combine') want = p.how === 'join' && selective(p.left);
      else return p;
      if (want === p.sideways) return p;
      return { ...p, sideways: want };
    });
    return result(plan, out);
  },
};
