/**
 * Crash trials: a child process (crash-child.ts) runs a deterministic sequence of transactions
 * on a local table and is killed with SIGKILL at a random moment; the table is then opened
 * and checked against the model of the sequence:
 *
 * - the catalog lists the table and it opens; its versions are 1..N with no gap;
 * - every acknowledged commit is there (version and transaction kind as acknowledged), and at
 *   most one more version exists (the transaction in flight at the kill), never a partial one:
 *   every version reads (asof) exactly as the model after its prefix of the sequence;
 * - the newest version reads like that without asof too, and point lookups (take) agree;
 * - vacuum keeping the versions from a random one on deletes the older ones (they then fail
 *   with 'snapshot-not-found'), keeps the rest readable (reopened), and leaves no file that no
 *   retained version names (the killed transaction's files included) and none missing; a
 *   second vacuum keeps only the newest version; the table then reopens and takes a commit.
 *
 * Kill moments: a random delay after the child is ready, or a random delay after it begins a
 * chosen transaction, after it starts a commit, during a compaction, during a big write
 * (BIG_ROWS rows, see crash-child.ts), or while it creates the table ('create' trials start
 * without one). In 'self-commit' trials the child sends itself SIGKILL 0–8 ms into a chosen
 * commit (a timer in its own event loop, so the kill can fall between the version's create
 * and the acknowledgement).
 *
 * Standalone: `npx tsx test/tables/crash-run.ts --trials 1000 [--concurrency 2] [--seed n]`.
 * crash.test.ts runs a few hundred trials through {@link runCrashTrials}.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import type { Table as ArrowTable, Vector } from 'apache-arrow';

import { EngineError, LocalStore, open, type Table } from '../../index.js';
import { seededRandom } from '../setup/fault-proxy.js';
import {
  applyOp,
  type CrashOp,
  KEY_SCHEMA,
  keyId,
  LOG_KIND,
  modelLines,
  planTrial,
  type Row,
  rowsToBatch,
  rowText,
  TABLE,
} from './crash-child.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const CHILD = path.join(HERE, 'crash-child.ts');

export type KillMode = 'time' | 'op' | 'commit' | 'self-commit' | 'compaction' | 'big' | 'create';
/** What the child was doing when killed, by the last line the parent had read. */
export type KillPoint =
  'startup' | 'create-table' | 'between' | 'write' | 'commit' | 'compaction' | 'big-write' | 'after-done';

export interface CrashFigures {
  trials: number;
  modes: Record<KillMode, number>;
  killPoints: Record<KillPoint, number>;
  /** Commits the child acknowledged, and all of them found again. */
  acked: number;
  /** Transactions in flight at the kill whose version landed without an acknowledgement. */
  unackedLanded: number;
  /** Acknowledged commits missing after the kill (must stay 0). */
  losses: number;
  /** Versions read with asof and compared with the model (before and after vacuum). */
  versionsVerified: number;
  takeChecks: number;
  vacuumVersionsDeleted: number;
  vacuumFilesDeleted: number;
  /** Trials killed before the child created the table (the catalog has none, as it should). */
  notCreated: number;
  /** Temporary files of killed writes left in the local store's `.gyre-tmp/` (not vacuumed). */
  tmpLeftovers: number;
  failures: string[];
  ms: number;
  /** Summed wall time of the children, and of the checks after them. */
  childMs: number;
  checkMs: number;
}

export interface CrashOptions {
  readonly trials: number;
  /** Trials running at once (children plus the parent's checks). */
  readonly concurrency?: number;
  readonly seed?: number;
  readonly log?: (line: string) => void;
}

const MODES: readonly [KillMode, number][] = [
  ['time', 0.27],
  ['op', 0.2],
  ['commit', 0.14],
  ['self-commit', 0.1],
  ['compaction', 0.13],
  ['big', 0.09],
  ['create', 0.07],
];

function pickMode(r: number): KillMode {
  let acc = 0;
  for (const [m, p] of MODES) if (r < (acc += p)) return m;
  return 'time';
}

interface ChildRun {
  readonly lines: string[];
  readonly stderr: string;
  readonly point: KillPoint;
  readonly killed: boolean;
  /** ms from READY to DONE when the child finished. */
  readonly runMs: number | null;
}

/**
 * Spawns the child and kills it when `killAt` (called per line) returns a delay. `childArgs`
 * may ask the child to SIGKILL itself (a kill timed in its own event loop).
 */
function runChild(
  dir: string,
  seed: number,
  big: boolean,
  killAt: (line: string) => number | null,
  childArgs: readonly string[] = [],
): Promise<ChildRun> {
  const args = [
    '--import',
    'tsx',
    CHILD,
    '--root',
    dir,
    '--seed',
    String(seed),
    ...(big ? ['--big'] : []),
    ...childArgs,
  ];
  const child = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  let buf = '';
  let point: KillPoint = 'startup';
  let killPoint: KillPoint | null = null;
  let readyAt = 0;
  let runMs: number | null = null;
  let timer: NodeJS.Timeout | undefined;
  const kill = (): void => {
    if (killPoint !== null || child.exitCode !== null) return;
    killPoint = point;
    child.kill('SIGKILL');
  };
  const scheduleKill = (ms: number): void => {
    if (timer || killPoint !== null) return;
    if (ms <= 0) kill();
    else timer = setTimeout(kill, ms);
  };
  const onLine = (line: string): void => {
    lines.push(line);
    const [what, , b] = line.split(' ');
    if (what === 'OPEN') point = 'create-table';
    else if (what === 'READY') {
      readyAt = performance.now();
      point = 'between';
    } else if (what === 'BEGIN') point = b === 'compact' ? 'compaction' : b === 'big' ? 'big-write' : 'write';
    else if (what === 'COMMIT') point = 'commit';
    else if (what === 'ACK') point = 'between';
    else if (what === 'DONE') {
      point = 'after-done';
      runMs = performance.now() - readyAt;
    }
    const d = killAt(line);
    if (d !== null) scheduleKill(d);
  };
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString('utf8');
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      onLine(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString('utf8')).slice(-4000);
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', () => {
      clearTimeout(timer);
      if (buf) onLine(buf);
      // A child that killed itself: classified like a kill by the parent.
      const self = killPoint === null && child.signalCode === 'SIGKILL';
      resolve({
        lines,
        stderr,
        point: killPoint ?? (self ? point : 'after-done'),
        killed: killPoint !== null || self,
        runMs,
      });
    });
  });
}

/** rowText lines of a read, in the order read. */
function tableLines(t: ArrowTable): string[] {
  // (An empty read's struct column has no child vectors to ask for.)
  if (t.numRows === 0) return [];
  const col = (name: string): Vector | null => t.getChild(name);
  const g = col('g'),
    k = col('k'),
    v = col('v'),
    tag = col('tag'),
    meta = col('meta');
  const w = meta ? meta.getChildAt(0) : null;
  const out: string[] = [];
  for (let i = 0; i < t.numRows; i++) {
    out.push(
      rowText({
        g: g!.get(i) as string,
        k: k!.get(i) as number,
        v: (v?.get(i) ?? null) as number | null,
        tag: (tag?.get(i) ?? null) as string,
        w: (w?.get(i) ?? null) as number | null,
      }),
    );
  }
  return out;
}

const digest = (lines: readonly string[]): string => createHash('sha1').update(lines.join('\n')).digest('hex');

interface Expected {
  readonly digest: string;
  readonly rows: number;
}

function firstDifference(actual: readonly string[], expected: readonly string[]): string {
  for (let i = 0; i < Math.max(actual.length, expected.length); i++) {
    if (actual[i] !== expected[i]) return `row ${i}: read ${actual[i] ?? '(none)'}, model ${expected[i] ?? '(none)'}`;
  }
  return 'same rows';
}

/** The model's lines after operation `upto` (inclusive; -1 = empty). */
function replayLines(plan: readonly CrashOp[], upto: number): string[] {
  const model = new Map<string, Row>();
  for (let i = 0; i <= upto; i++) applyOp(model, plan[i]!, i);
  return modelLines(model);
}

async function codeOf(p: Promise<unknown>): Promise<string | null> {
  try {
    await p;
    return null;
  } catch (e) {
    if (e instanceof EngineError) return e.code;
    throw e;
  }
}

/**
 * Files of a table checked against its remaining versions: `extra` are objects under
 * fragments/ and manifests/ that no version names, `missing` are named objects that are gone.
 */
async function fileCheck(store: LocalStore, dir: string): Promise<{ extra: string[]; missing: string[] }> {
  const json = async (key: string): Promise<unknown> => JSON.parse(new TextDecoder().decode(await store.get(key)));
  const named = new Set<string>();
  for (const o of await store.list(`${dir}/versions/`)) {
    // A version names, per collection, the key space's manifest and each column group's.
    const doc = (await json(o.key)) as { collections: { keySpace: string; groups: { manifest: string }[] }[] };
    for (const m of doc.collections.flatMap((c) => [c.keySpace, ...c.groups.map((g) => g.manifest)])) {
      named.add(m);
      if (!(await store.head(`${dir}/${m}`))) continue;
      for (const f of ((await json(`${dir}/${m}`)) as { fragments: { path: string }[] }).fragments) named.add(f.path);
    }
  }
  const stored = new Set<string>();
  for (const sub of ['fragments/', 'manifests/'])
    for (const o of await store.list(`${dir}/${sub}`)) stored.add(o.key.slice(dir.length + 1));
  return { extra: [...stored].filter((k) => !named.has(k)), missing: [...named].filter((k) => !stored.has(k)) };
}

/** One trial; problems are pushed to `fail` (the trial's directory is then kept). */
async function trial(n: number, seed: number, calibratedMs: number, f: CrashFigures): Promise<void> {
  const rnd = seededRandom(seed ^ 0x5bd1e995);
  const int = (k: number): number => Math.floor(rnd() * k);
  const mode = pickMode(rnd());
  const big = mode === 'big' || rnd() < 0.08;
  const plan = planTrial(seed, big);
  const dir = mkdtempSync(path.join(tmpdir(), 'gyre-crash-'));
  const problems: string[] = [];
  const fail = (msg: string): void => void problems.push(msg);
  f.modes[mode]++;

  if (mode !== 'create') {
    const db = await open(dir);
    await db.createTable(TABLE, { keySchema: KEY_SCHEMA });
    await db.close();
  }
  const indexes = (pred: (op: CrashOp) => boolean): number[] => plan.flatMap((op, i) => (pred(op) ? [i] : []));
  const compactions = indexes((op) => op.kind === 'compact');
  const commits = indexes((op) => op.kind !== 'compact');
  const selfKill = mode === 'self-commit' ? ['--self-kill', String(commits[int(commits.length)]), String(int(9))] : [];
  const bigAt = plan.findIndex((op) => op.kind === 'big');
  const target =
    mode === 'compaction' && compactions.length > 0
      ? `BEGIN ${compactions[int(compactions.length)]} compact`
      : mode === 'commit'
        ? `COMMIT ${commits[int(commits.length)]}`
        : mode === 'big' && bigAt >= 0
          ? `BEGIN ${bigAt} big`
          : mode === 'op' || mode === 'compaction'
            ? `BEGIN ${int(plan.length)} `
            : mode === 'create'
              ? 'OPEN'
              : mode === 'time'
                ? 'READY'
                : null;
  const delay =
    mode === 'commit'
      ? rnd() < 0.2
        ? 0
        : rnd() * 15
      : mode === 'compaction'
        ? rnd() * 40
        : mode === 'big'
          ? rnd() * 250
          : mode === 'op'
            ? rnd() * 15
            : mode === 'create'
              ? rnd() * 30
              : rnd() * calibratedMs;
  const childStart = performance.now();
  const run = await runChild(
    dir,
    seed,
    big,
    (line) => (target !== null && line.startsWith(target) ? delay : null),
    selfKill,
  );
  f.killPoints[run.point]++;
  const checkStart = performance.now();
  f.childMs += checkStart - childStart;

  const error = run.lines.find((l) => l.startsWith('ERROR'));
  if (error) fail(`child failed: ${error.slice(0, 2000)}\n${run.stderr}`);
  if (!run.killed && !run.lines.includes('DONE')) fail(`child exited without DONE and was not killed:\n${run.stderr}`);
  const acks = run.lines
    .filter((l) => l.startsWith('ACK '))
    .map((l) => {
      const [, v, tag] = l.split(' ');
      return { version: v === '-' ? null : Number(v), op: Number(tag!.slice(1)) };
    });

  const db = await open(dir);
  try {
    let table: Table;
    try {
      table = await db.table(TABLE);
    } catch (e) {
      if (
        e instanceof EngineError &&
        e.code === 'table-not-found' &&
        mode === 'create' &&
        !run.lines.includes('READY')
      ) {
        f.notCreated++;
        return;
      }
      throw e;
    }
    const tables = await db.listTables();
    if (tables.length !== 1 || tables[0]!.identifier !== `default.default.${TABLE}`)
      fail(`catalog lists ${JSON.stringify(tables.map((t) => t.identifier))}`);

    // Versions and the acknowledged commits.
    const log = await table.transactions();
    const N = log.length;
    log.forEach((x, i) => {
      if (x.version !== i + 1) fail(`versions are not 1..${N}: ${log.map((y) => y.version).join(',')}`);
    });
    const opOf = new Map<number, number>([[1, -1]]);
    let lastAcked = 1;
    acks.forEach((a, i) => {
      if (a.op !== i) fail(`ACK lines out of order: ${JSON.stringify(acks)}`);
      if (a.version === null) return;
      if (a.version !== lastAcked + 1) fail(`acknowledged versions not consecutive: ${JSON.stringify(acks)}`);
      lastAcked = a.version;
      opOf.set(a.version, a.op);
      f.acked++;
    });
    if (N < lastAcked) {
      f.losses += lastAcked - N;
      fail(`LOST acknowledged commits: the table has ${N} versions, version ${lastAcked} was acknowledged`);
    }
    if (N > lastAcked + 1)
      fail(
        `${N - lastAcked} versions after the last acknowledged one (${lastAcked}); only one transaction was in flight`,
      );
    if (N === lastAcked + 1) {
      const inFlight = acks.length;
      if (inFlight >= plan.length) fail(`version ${N} exists but every transaction was acknowledged`);
      else {
        opOf.set(N, inFlight);
        f.unackedLanded++;
      }
    }
    for (const [v, i] of opOf) {
      const want = i < 0 ? 'create' : LOG_KIND[plan[i]!.kind];
      if (v <= N && log[v - 1]!.txn.kind !== want)
        fail(`version ${v} is a '${log[v - 1]!.txn.kind}' transaction, expected '${want}' (t${i})`);
    }

    // Expected content per version: one pass over the model.
    const expected = new Map<number, Expected>();
    const byOp = new Map([...opOf].map(([v, i]) => [i, v]));
    const model = new Map<string, Row>();
    const snap = (v: number): void => {
      const lines = modelLines(model);
      expected.set(v, { digest: digest(lines), rows: lines.length });
    };
    if (byOp.has(-1)) snap(byOp.get(-1)!);
    const maxOp = Math.max(-1, ...opOf.values());
    for (let i = 0; i <= maxOp; i++) {
      applyOp(model, plan[i]!, i);
      if (byOp.has(i)) snap(byOp.get(i)!);
    }
    const check = async (t: Table, v: number, latest: boolean): Promise<void> => {
      const e = expected.get(v);
      if (!e) return;
      const lines = tableLines(await t.read(latest ? {} : { asof: v }));
      f.versionsVerified++;
      if (lines.length !== e.rows || digest(lines) !== e.digest) {
        fail(
          `version ${v}${latest ? ' (latest)' : ''} differs from the model after t${opOf.get(v)}: ${lines.length} rows vs ${e.rows}; ${firstDifference(lines, replayLines(plan, opOf.get(v)!))}`,
        );
      }
    };
    for (let v = 1; v <= N; v++) await check(table, v, false);
    await check(table, N, true);

    // Point lookups on the newest version: live keys, deleted keys, keys never written.
    const latestModel = new Map<string, Row>();
    for (let i = 0; i <= (opOf.get(N) ?? -1); i++) applyOp(latestModel, plan[i]!, i);
    const live = [...latestModel.values()];
    const probe: [string, number][] = Array.from({ length: 12 }, () => {
      const r = live.length > 0 && rnd() < 0.6 ? live[int(live.length)]! : { g: `g${int(4)}`, k: int(320) };
      return [r.g, r.k];
    });
    const took = tableLines(await table.take(probe));
    const want = modelLines(
      new Map(
        probe.flatMap(([g, k]) => (latestModel.has(keyId(g, k)) ? [[keyId(g, k), latestModel.get(keyId(g, k))!]] : [])),
      ),
    );
    f.takeChecks++;
    if (took.join('\n') !== want.join('\n'))
      fail(`take(${JSON.stringify(probe)}) = ${JSON.stringify(took)}, model ${JSON.stringify(want)}`);

    // Vacuum keeping the versions from a random pivot on, then only the newest.
    const store = new LocalStore(dir);
    const tableDir = `tables/${table.id}`;
    const pivot = 1 + int(N);
    const olderThan = new Date(Math.ceil(log[pivot - 1]!.committedAt / 1000));
    let keepFrom = 1;
    for (const x of log) if (x.committedAt <= olderThan.getTime() * 1000) keepFrom = x.version;
    const r1 = await table.vacuum({ olderThan, orphanGraceMs: 0 });
    f.vacuumVersionsDeleted += r1.versionsDeleted;
    f.vacuumFilesDeleted += r1.filesDeleted;
    if (r1.versionsDeleted !== keepFrom - 1)
      fail(`vacuum(olderThan v${pivot}) deleted ${r1.versionsDeleted} versions, expected ${keepFrom - 1}`);
    const files = async (when: string): Promise<void> => {
      const { extra, missing } = await fileCheck(store, tableDir);
      if (extra.length > 0) fail(`${when}: files no remaining version names: ${extra.join(', ')}`);
      if (missing.length > 0) fail(`${when}: files remaining versions name are gone: ${missing.join(', ')}`);
    };
    await files('after vacuum');
    // Reopened (fresh caches): vacuumed versions are gone, the others read as before.
    const reopen = async (body: (t: Table) => Promise<void>): Promise<void> => {
      const again = await open(dir);
      try {
        await body(await again.table(TABLE));
      } finally {
        await again.close();
      }
    };
    await reopen(async (t) => {
      for (let v = 1; v < keepFrom; v++) {
        const code = await codeOf(t.read({ asof: v }));
        if (code !== 'snapshot-not-found')
          fail(`vacuumed version ${v} reads with ${code ?? 'success'}, expected snapshot-not-found`);
      }
      for (let v = keepFrom; v <= N; v++) await check(t, v, false);
    });
    const r2 = await table.vacuum({ olderThan: new Date(Date.now() + 1000), orphanGraceMs: 0 });
    f.vacuumVersionsDeleted += r2.versionsDeleted;
    f.vacuumFilesDeleted += r2.filesDeleted;
    if (r2.versionsDeleted !== N - keepFrom)
      fail(`second vacuum deleted ${r2.versionsDeleted} versions, expected ${N - keepFrom}`);
    await files('after the second vacuum');
    // Only the newest version is left: the table still opens, reads and takes a commit.
    await reopen(async (t) => {
      await check(t, N, true);
      // (A key no transaction of the sequence writes: big writes stay below 1,060,000.)
      const after = await t.write(rowsToBatch([{ g: 'g0', k: 2_000_000_000, v: 1, tag: 'after', w: 1 }]));
      if (after.version !== N + 1) fail(`the commit after the crash got version ${after.version}, expected ${N + 1}`);
      const back = tableLines(await t.read({ where: { op: '=', column: 'k', value: 2_000_000_000 } }));
      if (back.join() !== 'g0|2000000000|1|after|1') fail(`row written after the crash reads ${JSON.stringify(back)}`);
    });
    try {
      f.tmpLeftovers += readdirSync(path.join(dir, '.gyre-tmp')).length;
    } catch {
      // no temporary directory
    }
  } catch (e) {
    fail(`check threw: ${String((e as Error)?.stack ?? e)}`);
  } finally {
    await db.close();
    f.checkMs += performance.now() - checkStart;
    if (problems.length > 0) {
      f.failures.push(
        `trial ${n} (seed ${seed}, mode ${mode}, killed at ${run.point}, dir ${dir}):\n  ${problems.join('\n  ')}\n  child: ${run.lines.join(' / ')}`,
      );
    } else rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs one child to completion: how long a trial's transactions take on this machine. */
async function calibrate(seed: number): Promise<number> {
  const dir = mkdtempSync(path.join(tmpdir(), 'gyre-crash-'));
  try {
    const run = await runChild(dir, seed, false, () => null);
    if (run.runMs === null) throw new Error(`calibration child failed: ${run.lines.join(' / ')}\n${run.stderr}`);
    return run.runMs;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runCrashTrials(opts: CrashOptions): Promise<CrashFigures> {
  const start = performance.now();
  const seed = opts.seed ?? 20260501;
  const f: CrashFigures = {
    trials: 0,
    modes: { time: 0, op: 0, commit: 0, 'self-commit': 0, compaction: 0, big: 0, create: 0 },
    killPoints: {
      startup: 0,
      'create-table': 0,
      between: 0,
      write: 0,
      commit: 0,
      compaction: 0,
      'big-write': 0,
      'after-done': 0,
    },
    acked: 0,
    unackedLanded: 0,
    losses: 0,
    versionsVerified: 0,
    takeChecks: 0,
    vacuumVersionsDeleted: 0,
    vacuumFilesDeleted: 0,
    notCreated: 0,
    tmpLeftovers: 0,
    failures: [],
    ms: 0,
    childMs: 0,
    checkMs: 0,
  };
  const calibratedMs = await calibrate(seed);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let n = next++; n < opts.trials; n = next++) {
      await trial(n, seed + n, calibratedMs, f);
      f.trials++;
      if (opts.log && f.trials % 50 === 0)
        opts.log(
          `${f.trials}/${opts.trials} trials, ${f.failures.length} failed, ${((performance.now() - start) / 1000).toFixed(0)} s`,
        );
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 2 }, worker));
  f.ms = performance.now() - start;
  return f;
}

export function formatFigures(f: CrashFigures): string {
  return [
    `${f.trials} trials in ${(f.ms / 1000).toFixed(1)} s (children ${(f.childMs / 1000).toFixed(1)} s, checks ${(f.checkMs / 1000).toFixed(1)} s summed), ${f.failures.length} failed`,
    `kill modes: ${JSON.stringify(f.modes)}`,
    `killed at (last line read): ${JSON.stringify(f.killPoints)}`,
    `acknowledged commits ${f.acked}, lost ${f.losses}; in-flight commits that landed unacknowledged ${f.unackedLanded}`,
    `versions verified ${f.versionsVerified}, take checks ${f.takeChecks}, tables never created ${f.notCreated}`,
    `vacuum: ${f.vacuumVersionsDeleted} versions and ${f.vacuumFilesDeleted} files deleted; .gyre-tmp leftovers ${f.tmpLeftovers}`,
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  const arg = (name: string, dflt: number): number => {
    const i = argv.indexOf(name);
    return i >= 0 ? Number(argv[i + 1]) : dflt;
  };
  const figures = await runCrashTrials({
    trials: arg('--trials', 1000),
    concurrency: arg('--concurrency', 2),
    seed: arg('--seed', 20260501),
    log: (l) => console.log(l),
  });
  console.log(formatFigures(figures));
  for (const x of figures.failures.slice(0, 20)) console.error(x);
  process.exitCode = figures.failures.length === 0 ? 0 : 1;
}
