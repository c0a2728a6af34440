/**
 * One cell of `squall bench reconnect` (bench-reconnect.ts): a condition ×
 * backoff strategy × fleet size. The condition's toxics go on, a fresh fleet
 * registers, tasks are put in flight, the link is cut and healed `cuts`
 * times while each worker's heal → synced time is measured, then every task
 * must have completed exactly once. Figures are HDR (system/core/stats.ts).
 */
import type { SystemEvent } from '../../system/core/index.js';
import { hdrSummary } from '../report/hdr-stats.js';
import type { FaultProxy } from '../proxy/client.js';
import type { BenchRow, ReconnectSample } from '../report/model.js';
import { TERMINAL, terminalEntries } from '../scenario/http-client.js';
import type { CoordinatorProcess } from './coordinator-process.js';
import { delay, monoNow } from '../proc/index.js';
import type { SwarmHostProcess } from './swarm-host-process.js';
import { healSamples } from './reconnect-samples.js';

export const BENCH_STRATEGIES = ['none', 'full-jitter', 'equal-jitter', 'decorrelated-jitter'] as const;
export type BenchStrategy = (typeof BENCH_STRATEGIES)[number];

/** Link conditions: toxics kept on during the whole cell; flapping toggles the link while it is cut. */
const CONDITIONS = {
  clean: { toxics: [] },
  'latency-50ms': { toxics: [{ type: 'latency', attributes: { latency: 50, jitter: 0 } }] },
  'jitter-200±100ms': { toxics: [{ type: 'latency', attributes: { latency: 200, jitter: 100 } }] },
  'bandwidth-100KBps': { toxics: [{ type: 'bandwidth', attributes: { rate: 100 } }] },
  flapping: { toxics: [], flapEveryMs: 150 },
  // ~1 flipped bit per 10 KB: a few frames per reconnect storm get corrupted
  corrupting: { toxics: [{ type: 'corrupt', attributes: { probability: 0.00001 } }] },
} as const satisfies Record<string, { toxics: readonly { type: string; attributes: Record<string, number> }[]; flapEveryMs?: number }>;
export type ConditionName = keyof typeof CONDITIONS;
/** Every condition, in the order the report shows them. */
export const OUTAGE_KINDS = ['cut', 'restart'] as const;
/** cut: the proxy drops every link for downMs; restart: the coordinator is killed and started again after downMs. */
export type OutageKind = (typeof OUTAGE_KINDS)[number];

export const CONDITION_NAMES = Object.keys(CONDITIONS) as ConditionName[];
type Condition = (typeof CONDITIONS)[ConditionName];

/** A worker event with its cross-process monotonic stamp. */
export type Stamped = { mono: number; event: SystemEvent };
/** A line of probe.mjs: the coordinator's event-loop lag and CPU. */
export type ProbeLine = { mono: number; lagMs: number[]; cpuUserUs: number; cpuSystemUs: number };
/** What one cell measures. */
export interface Cell { condition: ConditionName; strategy: BenchStrategy; fleetSize: number }

/** Everything a cell runs against: the coordinator, the proxy in front of it, the swarm hosts, the event streams. */
export interface CellContext {
  cell: Cell;
  cellNo: number;
  proxy: FaultProxy;
  proxyName: string;
  listen: string;
  coordinator: CoordinatorProcess;
  hosts: SwarmHostProcess[];
  events: Stamped[];
  probe: ProbeLine[];
  cuts: number;
  downMs: number;
  backoff: { initialMs: number; maxMs: number; multiplier: number };
  tasksPerWorker: number;
  outage: OutageKind;
}

/** What a cell measured. */
export interface CellResult { row: BenchRow; samples: ReconnectSample[]; lost: number; duplicated: number; submitted: number; neverSynced: number }

/** Heal-to-synced figures gathered over a cell's cuts. */
interface CutFigures { samples: ReconnectSample[]; registerMs: number[]; syncMs: number[]; failed: number; neverSynced: number }

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = monoNow() + timeoutMs;
  while (!cond()) {
    if (monoNow() > end) return false;
    await delay(10);
  }
  return true;
}

const STREAMS = ['upstream', 'downstream'] as const;

async function applyCondition(c: CellContext, cond: Condition): Promise<void> {
  for (const t of cond.toxics) for (const stream of STREAMS) {
    await c.proxy.addToxic(c.proxyName, { name: `cond_${stream}`, type: t.type, stream, attributes: { ...t.attributes } });
  }
}

async function removeCondition(c: CellContext, cond: Condition): Promise<void> {
  for (const _t of cond.toxics) for (const stream of STREAMS) await c.proxy.removeToxic(c.proxyName, `cond_${stream}`).catch(() => undefined);
}

/** Ids seen `synced` (events from index `from` on, at or after `since`) among `ids`, counted as they arrive. */
function syncedCounter(events: readonly Stamped[], from: number, ids: ReadonlySet<string>, since = -Infinity): () => number {
  const synced = new Set<string>();
  return () => {
    for (let i = from; i < events.length; i++) {
      const e = events[i];
      if (e !== undefined && e.mono >= since && e.event.type === 'synced' && ids.has(e.event.source)) synced.add(e.event.source);
    }
    return synced.size;
  };
}

/** A fresh fleet with the cell's strategy, spread over the hosts; resolves once all synced (or after 60 s). */
async function spawnFleet(c: CellContext, ids: readonly string[]): Promise<void> {
  const countSynced = syncedCounter(c.events, c.events.length, new Set(ids));
  await Promise.all(c.hosts.map((h, hi) => h.spawnWorkers(ids.filter((_, i) => i % c.hosts.length === hi).map((id) => ({
    id, coordinatorUrl: `ws://${c.listen}`, concurrency: 2, backoff: { strategy: c.cell.strategy, ...c.backoff }, heartbeatMs: 1000,
  })))));
  await waitFor(() => countSynced() === ids.length, 60_000);
}

/** Work in flight across the cuts: tasksPerWorker sleeps per worker; their execution ids. */
async function submitWork(c: CellContext, workers: number): Promise<string[]> {
  if (c.tasksPerWorker === 0) return [];
  const body = { executions: Array.from({ length: workers * c.tasksPerWorker }, () => ({ kind: 'sleep', params: { durationMs: 400, checkpointEveryMs: 100 } })) };
  const res = await fetch(`${c.coordinator.httpUrl}/api/v1/executions/batch`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${c.coordinator.token}` }, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
  if (res.status !== 201) return [];
  return ((await res.json()) as { executions: { executionId: string }[] }).executions.map((e) => e.executionId);
}

/**
 * One outage, returning at the heal instant (the link not yet re-enabled for a cut):
 * restart: kill -9, downMs, start again (healed once /healthz answers);
 * cut: the proxy refuses every link for downMs (flapping: toggled meanwhile).
 */
async function holdCut(c: CellContext, cond: Condition): Promise<void> {
  if (c.outage === 'restart') {
    await c.coordinator.kill9();
    await delay(c.downMs);
    await c.coordinator.start();
    return;
  }
  await c.proxy.setEnabled(c.proxyName, false);
  if (!('flapEveryMs' in cond)) return delay(c.downMs);
  const end = monoNow() + c.downMs;
  let up = false;
  while (monoNow() + cond.flapEveryMs < end) {
    await delay(cond.flapEveryMs);
    up = !up;
    await c.proxy.setEnabled(c.proxyName, up);
  }
  if (up) await c.proxy.setEnabled(c.proxyName, false);
  await delay(Math.max(0, end - monoNow()));
}

/** One cut and heal; adds each worker's heal → synced sample to `out`. */
async function cutAndHeal(c: CellContext, cond: Condition, ids: ReadonlySet<string>, out: CutFigures): Promise<void> {
  await delay(150);
  const cutFrom = c.events.length;
  await holdCut(c, cond);
  const heal = monoNow();
  if (c.outage === 'cut') await c.proxy.setEnabled(c.proxyName, true);
  const confirmed = monoNow();
  const countBack = syncedCounter(c.events, cutFrom, ids, heal);
  await waitFor(() => countBack() === ids.size, 30_000);
  const m = healSamples(c.events.slice(cutFrom), heal, ids, confirmed);
  out.neverSynced += m.neverSynced.length;
  for (const s of m.samples) {
    out.failed += s.failedAttempts;
    out.samples.push({ strategy: c.cell.strategy, condition: c.cell.condition, fleetSize: c.cell.fleetSize, ms: s.ms, beyondBackoffMs: Math.max(0, s.beyondBackoffMs) });
    if (s.connectedAt !== undefined) {
      out.registerMs.push(Math.max(0, s.connectedAt - s.attemptStart));
      out.syncMs.push(Math.max(0, s.syncedAt - s.connectedAt));
    }
  }
}

type ExecutionView = { status: string; statusHistory: { status: string }[] };

/** Polls every task until terminal (at most 30 s); lost = not completed, duplicated = extra terminal entries. */
async function countOutcomes(c: CellContext, taskIds: readonly string[]): Promise<{ lost: number; duplicated: number }> {
  const views = new Map<string, ExecutionView>();
  const deadline = monoNow() + 30_000;
  while (monoNow() < deadline) {
    const pending = taskIds.filter((id) => !TERMINAL.has(views.get(id)?.status ?? ''));
    if (pending.length === 0) break;
    for (let i = 0; i < pending.length; i += 50) {
      await Promise.all(pending.slice(i, i + 50).map(async (id) => {
        const r = await fetch(`${c.coordinator.httpUrl}/api/v1/executions/${id}`, { headers: { authorization: `Bearer ${c.coordinator.token}` }, signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
        if (r?.status === 200) views.set(id, (await r.json()) as ExecutionView);
      }));
    }
    await delay(200);
  }
  let lost = 0;
  let duplicated = 0;
  for (const id of taskIds) {
    const v = views.get(id);
    if (v === undefined || v.status !== 'completed') lost++;
    duplicated += Math.max(0, (v === undefined ? 0 : terminalEntries(v.statusHistory).length) - 1);
  }
  return { lost, duplicated };
}

/** The report row of a cell. */
function cellRow(cell: Cell, f: CutFigures, lag: readonly number[], cpuPercent: number, outcome: { tasks: number; lost: number; duplicated: number }): BenchRow {
  const s = hdrSummary(f.samples.map((x) => x.ms));
  const beyond = hdrSummary(f.samples.map((x) => x.beyondBackoffMs ?? 0));
  const register = hdrSummary(f.registerMs);
  const sync = hdrSummary(f.syncMs);
  const lagSummary = hdrSummary(lag);
  return {
    condition: cell.condition,
    strategy: cell.strategy,
    fleetSize: cell.fleetSize,
    p50: s.p50, p95: s.p95, p99: s.p99, max: s.max,
    beyondBackoffP50: beyond.p50,
    beyondBackoffP99: beyond.p99,
    // beyond backoff = attempt start → registered (ws connect + welcome + register) + registered → synced
    registerP50: register.p50,
    registerP99: register.p99,
    syncP50: sync.p50,
    syncP99: sync.p99,
    failedHandshakes: f.failed,
    loopLagP99: lagSummary.p99,
    loopLagMax: lagSummary.max,
    cpuPercent,
    samples: f.samples.length,
    neverSynced: f.neverSynced,
    ...outcome,
  };
}

/** Runs one cell (see the file comment). */
export async function runCell(c: CellContext): Promise<CellResult> {
  const cond = CONDITIONS[c.cell.condition];
  const ids = Array.from({ length: c.cell.fleetSize }, (_, i) => `c${c.cellNo}-w${i + 1}`);
  const cellStart = monoNow();
  const cpuStart = await c.coordinator.cpuMs();
  await applyCondition(c, cond); // the condition applies from the start
  await spawnFleet(c, ids);
  const taskIds = await submitWork(c, ids.length);
  const figures: CutFigures = { samples: [], registerMs: [], syncMs: [], failed: 0, neverSynced: 0 };
  for (let k = 0; k < c.cuts; k++) await cutAndHeal(c, cond, new Set(ids), figures);
  const { lost, duplicated } = await countOutcomes(c, taskIds);
  const cellEnd = monoNow();
  const cpuEnd = await c.coordinator.cpuMs();
  await Promise.all(c.hosts.map((h) => h.command({ cmd: 'stop', ids, drain: false }).catch(() => undefined)));
  await removeCondition(c, cond);
  const lag = c.probe.filter((p) => p.mono >= cellStart && p.mono <= cellEnd).flatMap((p) => p.lagMs);
  // A restarted coordinator's CPU counter starts again at 0: not comparable.
  const cpuPercent = c.outage === 'cut' && cpuStart !== undefined && cpuEnd !== undefined ? Math.max(0, ((cpuEnd - cpuStart) / (cellEnd - cellStart)) * 100) : 0;
  const row = cellRow(c.cell, figures, lag, cpuPercent, { tasks: taskIds.length, lost, duplicated });
  return { row, samples: figures.samples, lost, duplicated, submitted: taskIds.length, neverSynced: figures.neverSynced };
}
