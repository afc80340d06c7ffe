/**
 * EXPLAIN for physical plans: rendering plus data, never operator code. A plan becomes a tree of
 * {@link ExplainNode}s (name, ordered params); ANALYZE adds each operator's metrics after a run;
 * DATA adds, per scan, the storage forecast (fragments kept and pruned and why, rows to decode,
 * bytes and requests) made from manifests and zone maps before anything is read; DATA ANALYZE
 * adds the bytes and requests actually read, per collection, and the predicted-vs-actual gap.
 */
import { keysOf, type StreamPlan, streamChildren, streamPlanText } from '../logical/collection-plan.js';
import type { ScanPlanForecast } from '../storage/tables/snapshot.js';
import type { OperatorMetrics, PhysicalOperator } from './operator.js';
import { MergeJoinOp } from './join.js';
import type { PlannedScan } from './planner.js';
import { ScanOp } from './scan.js';

export interface ExplainOptions {
  /** Run the plan and report per-operator metrics. */
  readonly analyze?: boolean;
  /** Report what each scan will read (and, with analyze, what it read). */
  readonly data?: boolean;
  /** Run with sideways information passing (default on; seeks make reads smaller than forecast). */
  readonly sideways?: boolean;
  /** Collection scans: the plan after every optimizer rule. */
  readonly verbose?: boolean;
}

export interface ScanData {
  readonly fragmentsTotal: number;
  readonly fragmentsKept: number;
  /** Pruned fragments by reason ('key range', 'zone maps'). */
  readonly pruned: Readonly<Record<string, number>>;
  readonly rowsToDecode: number;
  readonly bytes: number;
  readonly gets: number;
  /** Sideways seeks may skip more at run time: the bytes and rows are an upper bound. */
  readonly upperBound?: boolean;
  /** How unevenly the kept fragments share the work (null with fewer than two kept). */
  readonly skew: { readonly maxRows: number; readonly meanRows: number; readonly keys: string } | null;
}

export interface ExplainNode {
  readonly name: string;
  readonly params: readonly (readonly [string, string])[];
  readonly metrics?: OperatorMetrics;
  readonly data?: ScanData;
  readonly children: readonly ExplainNode[];
}

/** Predicted and actual reads of one collection's files (DATA ANALYZE). */
export interface CollectionReads {
  readonly collection: string;
  readonly predictedBytes: number;
  readonly predictedGets: number;
  readonly actualBytes: number;
  readonly actualGets: number;
}

export interface Explained {
  readonly plan: ExplainNode;
  readonly reads?: readonly CollectionReads[];
  /** Collection scans: the naive logical plan and the optimized one, as text. */
  readonly logical?: string;
  readonly optimized?: string;
  /** VERBOSE: every rule application, with the plan when the rule changed it. */
  readonly rules?: readonly { readonly rule: string; readonly pass: number; readonly plan?: string }[];
  /** DATA: each join the optimized plan chose, and why. */
  readonly joins?: readonly string[];
}

/** The joins of a collection plan, each with the reason for its kind. */
export function joinChoices(p: StreamPlan, out: string[] = []): string[] {
  const on = (x: StreamPlan): string => `[${keysOf(x).join(', ')}]`;
  const sip = (b: boolean): string => (b ? '; sideways on: the selective side sends key bounds to the other side’s scans' : '');
  switch (p.kind) {
    case 'broadcast':
      out.push(`broadcast merge join on ${on(p.parent)}: the parent's keys are a prefix of the child's, both streams sorted by them${sip(p.sideways)}`);
      break;
    case 'reduce':
      out.push(`left merge join on ${on(p.input)} of ${p.reduce.fn}: the groups are keyed by the level's keys (levels without rows keep a fill value)${sip(p.sideways)}`);
      break;
    case 'combine':
      out.push(p.how === 'zip' ? `zip on ${on(p.left)}: ${p.why ?? 'identical row domains'}` : `left merge join on ${on(p.left)}: the row domains are not provably identical${sip(p.sideways)}`);
      break;
    default:
      break;
  }
  for (const k of streamChildren(p)) joinChoices(k, out);
  return out;
}

/** EXPLAIN of a collection scan: its plans (logical, optimized, per rule) and the physical explain. */
export async function explainCollectionScan(planned: PlannedScan, opts: ExplainOptions = {}): Promise<Explained> {
  const e = await explainPlan(planned.physical, opts);
  return {
    ...e,
    logical: streamPlanText(planned.logical),
    optimized: streamPlanText(planned.optimized),
    ...(opts.verbose ? { rules: planned.steps.map((st) => ({ rule: st.rule, pass: st.pass, ...(st.changed ? { plan: streamPlanText(st.plan) } : {}) })) } : {}),
    ...(opts.data ? { joins: joinChoices(planned.optimized) } : {}),
  };
}

export function scanData(f: ScanPlanForecast): ScanData {
  const pruned: Record<string, number> = {};
  for (const x of f.fragments) if (!x.kept) pruned[x.reason] = (pruned[x.reason] ?? 0) + 1;
  const kept = f.fragments.filter((x) => x.kept && x.forecast);
  let skew: ScanData['skew'] = null;
  if (kept.length > 1) {
    const top = kept.reduce((a, b) => (b.forecast!.rowsToDecode > a.forecast!.rowsToDecode ? b : a));
    skew = { maxRows: top.forecast!.rowsToDecode, meanRows: kept.reduce((n, x) => n + x.forecast!.rowsToDecode, 0) / kept.length, keys: top.keys };
  }
  return { fragmentsTotal: f.fragmentsTotal, fragmentsKept: f.fragmentsTotal - f.fragmentsPruned, pruned, rowsToDecode: f.rowsToDecode, bytes: f.bytes, gets: f.gets, skew };
}

/** Every Scan operator of a plan, in plan order. */
export function scansOf(op: PhysicalOperator, out: ScanOp[] = []): ScanOp[] {
  if (op instanceof ScanOp) out.push(op);
  for (const c of op.children) scansOf(c, out);
  return out;
}

/**
 * Explains a plan. With `analyze` the plan runs to the end (its rows are discarded); reads are
 * measured on each scanned collection's files, so a collection scanned twice is reported once.
 */
export async function explainPlan(root: PhysicalOperator, opts: ExplainOptions = {}): Promise<Explained> {
  const scans = scansOf(root);
  const data = new Map<ScanOp, ScanData>();
  const forecasts = new Map<ScanOp, ScanPlanForecast>();
  if (opts.data) {
    for (const s of scans) {
      const f = await s.forecast();
      forecasts.set(s, f);
      data.set(s, scanData(f));
    }
  }
  let reads: CollectionReads[] | undefined;
  if (opts.analyze) {
    const snaps = [...new Map(scans.map((s) => [s.label, s])).values()];
    const before = await Promise.all(snaps.map((s) => s.snapshot.readStats()));
    for await (const b of root.execute({ batchRows: 8192, sideways: opts.sideways !== false })) void b;
    if (opts.data) {
      const after = await Promise.all(snaps.map((s) => s.snapshot.readStats()));
      reads = snaps.map((s, i) => {
        const mine = scans.filter((x) => x.label === s.label).map((x) => forecasts.get(x)!);
        return {
          collection: s.label,
          predictedBytes: mine.reduce((n, f) => n + f.bytes, 0),
          predictedGets: mine.reduce((n, f) => n + f.gets, 0),
          actualBytes: after[i]!.bytes - before[i]!.bytes,
          actualGets: after[i]!.requests - before[i]!.requests,
        };
      });
    }
  }
  // A scan under a merge join with a sideways channel may be sent seek bounds at run time:
  // what they skip depends on the data, so its forecast is an upper bound.
  // (A left join keeps every left row: only its right input is sent bounds.)
  const build = (op: PhysicalOperator, seekable: boolean): ExplainNode => {
    const sends = op instanceof MergeJoinOp && op.spec.sideways === true && opts.sideways !== false;
    return {
      name: op.name,
      params: op.displayParams(),
      ...(opts.analyze ? { metrics: { ...op.metrics } } : {}),
      ...(op instanceof ScanOp && data.has(op) ? { data: { ...data.get(op)!, ...(seekable ? { upperBound: true } : {}) } } : {}),
      children: op.children.map((c, i) => build(c, seekable || (sends && ((op as MergeJoinOp).spec.kind === 'broadcast' || i === 1)))),
    };
  };
  return { plan: build(root, false), ...(reads ? { reads } : {}) };
}

const hasData = (n: ExplainNode): boolean => n.data !== undefined || n.children.some(hasData);

const fmtBytes = (n: number): string => (n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KiB` : n < 1024 ** 3 ? `${(n / 1024 ** 2).toFixed(1)} MiB` : `${(n / 1024 ** 3).toFixed(2)} GiB`);
const fmtInt = (n: number): string => n.toLocaleString('en-US');

/** Indented text: one line per operator, then its data line(s); stable for snapshots when timing is left out. */
export function renderExplain(e: Explained, opts: { timing?: boolean } = {}): string {
  const lines: string[] = [];
  const indent = (t: string): string => t.split('\n').map((l) => `  ${l}`).join('\n');
  // Collection scans: the logical plans first (plain EXPLAIN and VERBOSE).
  const plans = e.logical !== undefined && (e.rules !== undefined || (!e.plan.metrics && !hasData(e.plan)));
  if (plans) {
    lines.push('logical plan:', indent(e.logical!));
    if (e.rules) {
      for (const r of e.rules) {
        if (r.plan !== undefined) lines.push(`after ${r.rule} (pass ${r.pass}):`, indent(r.plan));
        else lines.push(`after ${r.rule} (pass ${r.pass}): unchanged`);
      }
    }
    lines.push('optimized plan:', indent(e.optimized!), 'physical plan:');
  }
  const walk = (n: ExplainNode, depth: number): void => {
    const pad = '  '.repeat(depth);
    const params = n.params.map(([k, v]) => `${k}=${v}`).join(', ');
    let line = `${pad}${n.name}${params ? ` [${params}]` : ''}`;
    if (n.metrics) {
      const m = n.metrics;
      line += ` (rows=${fmtInt(m.rowsOut)}, batches=${m.batchesOut}${m.seeks ? `, seeks=${m.seeks}` : ''}, peak rows held=${fmtInt(m.peakRowsHeld)}${opts.timing === false ? '' : `, time=${m.elapsedMs.toFixed(1)} ms`})`;
    }
    lines.push(line);
    if (n.data) {
      const d = n.data;
      const why = Object.entries(d.pruned).map(([k, v]) => `${v} by ${k}`).join(', ');
      lines.push(`${pad}  ↳ data: ${d.fragmentsKept} of ${d.fragmentsTotal} fragments${why ? ` (pruned ${why})` : ''}; ${d.upperBound ? 'at most ' : ''}${fmtInt(d.rowsToDecode)} rows to decode; ${fmtBytes(d.bytes)} in ${d.gets} reads${d.upperBound ? ' (sideways seeks may skip more)' : ''}`);
      if (d.skew && d.skew.meanRows > 0) lines.push(`${pad}  ↳ skew: the largest fragment decodes ${fmtInt(d.skew.maxRows)} rows, ${(d.skew.maxRows / d.skew.meanRows).toFixed(2)}× the mean, keys ${d.skew.keys}`);
    }
    for (const c of n.children) walk(c, depth + 1);
  };
  walk(e.plan, plans ? 1 : 0);
  if (e.joins && e.joins.length > 0) {
    lines.push('joins:');
    for (const j of e.joins) lines.push(`  ${j}`);
  }
  if (e.reads) {
    lines.push('reads (predicted → actual):');
    for (const r of e.reads) {
      const diff = r.actualBytes === 0 ? (r.predictedBytes === 0 ? 0 : Infinity) : (r.predictedBytes - r.actualBytes) / r.actualBytes;
      lines.push(`  ${r.collection}: ${fmtBytes(r.predictedBytes)} → ${fmtBytes(r.actualBytes)} (${diff === Infinity ? 'n/a' : `${diff >= 0 ? '+' : ''}${(diff * 100).toFixed(1)}%`}), ${r.predictedGets} → ${r.actualGets} reads`);
    }
  }
  return lines.join('\n');
}
