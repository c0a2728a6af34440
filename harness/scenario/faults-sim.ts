/**
 * Maps scenario faults onto the simulation's fault API (harness/sim): network
 * actions become link rules in Toxiproxy's vocabulary on the worker ↔
 * coordinator links they target, partitions become network partitions, and
 * process actions pause, kill, restart or skew simulated processes. Each
 * applied fault returns an undo function; the runner calls it when the fault's
 * `for` ends or at heal.
 */
import type { Coordinator } from '../../system/coordinator/index.js';
import { assertNever, IllegalStateError } from '../../system/core/index.js';
import type { FaultHandle, FaultRule, Simulation } from '../sim/index.js';
import { COORDINATOR_HOST } from '../sim/index.js';
import { SimSqliteStore } from '../sim/sim-sqlite-store.js';
import type { FaultAction, Scenario } from './schema.js';
import { kbpsToRate } from './faults.js';
import type { ScheduledFault } from './swarm.js';
import type { RunRecorder } from './driver.js';
import { startOrRefused, startOrRefusedAsync } from './config-refused.js';
import { gracefulStop } from './graceful-stop.js';
import { pollHealth } from './health-poll.js';
import { noteRestartViews } from './restart-views.js';
import { workerArgsConfig } from './operator-args.js';
import { refuseUnlessCommandAccepts } from './command-accepts.js';
import { type Signals, sigtermCoordinator, sigtermWorker } from './process-stop.js';
import { type NodeSet, resolvePartition, resolveTarget } from './targets.js';

/** Undoes an applied fault (idempotent). */
export type Undo = () => void | Promise<void>;

type NetAction = Exclude<FaultAction, { type: 'partition' | 'pause' | 'kill' | 'restart' | 'clock_skew' | 'drain' | 'oom_kill' | 'disk_full' | 'disk_error' | 'slow_disk' | 'store_thread_death' | 'revoke_token' }>;

/** The Toxiproxy-vocabulary rule for a network action. */
export function ruleOf(action: NetAction): FaultRule {
  const toxicity = 'toxicity' in action ? { toxicity: action.toxicity } : {};
  switch (action.type) {
    case 'latency':
      return { type: 'latency', latency: action.ms, jitter: action.jitterMs, ...toxicity };
    case 'bandwidth':
      return { type: 'bandwidth', rate: kbpsToRate(action.kbps), ...toxicity };
    case 'timeout':
      return { type: 'timeout', timeout: action.timeoutMs, ...toxicity };
    case 'reset_peer':
      return { type: 'reset_peer', timeout: action.timeoutMs, ...toxicity };
    case 'slow_close':
      return { type: 'slow_close', delay: action.delayMs, ...toxicity };
    case 'slicer':
      return { type: 'slicer', average_size: action.averageSize, size_variation: action.sizeVariation, delay: action.delayUs, ...toxicity };
    case 'limit_data':
      return { type: 'limit_data', bytes: action.bytes, ...toxicity };
    case 'down':
      return { type: 'down' };
    case 'corrupt':
      return { type: 'corrupt', probability: action.probability, ...(action.fields === undefined ? {} : { fields: action.fields }), ...toxicity };
    default:
      return assertNever(action, 'network action');
  }
}

/** Worker ↔ coordinator links a node set or a link target covers, as worker ids. */
function linkWorkers(scenario: Scenario, target: string): string[] {
  const t = resolveTarget(scenario.fleet, target);
  if (t.kind === 'nodes') return t.nodes.coordinator ? allWorkers(scenario) : t.nodes.workers;
  // A link A<->B: the worker side is whichever is not the coordinator; worker-worker links don't exist.
  if (t.a.coordinator) return t.b.workers;
  if (t.b.coordinator) return t.a.workers;
  return [];
}

function allWorkers(scenario: Scenario): string[] {
  return Array.from({ length: scenario.fleet.workers }, (_, i) => `${scenario.fleet.idPrefix}${i + 1}`);
}

function hostsOf(set: NodeSet): string[] {
  return set.coordinator ? [COORDINATOR_HOST, ...set.workers] : [...set.workers];
}

/** The processes (coordinator and/or workers) a process action targets. */
function processTargets(scenario: Scenario, target: string): NodeSet {
  const t = resolveTarget(scenario.fleet, target);
  if (t.kind === 'nodes') return t.nodes;
  return { coordinator: t.a.coordinator || t.b.coordinator, workers: [...t.a.workers, ...t.b.workers] };
}

/** What the timeline's faults reach of the simulated client: its token, its notes, its requests in a graceful stop's window (shutdown-probe.ts). */
export interface FaultClient {
  revokeToken(): Promise<Undo>;
  note?: RunRecorder['note'];
  probeShutdown?: (c: Coordinator) => Promise<void>;
}

/** Applies one fault to the simulation; returns its undo. */
export async function applySimFault(sim: Simulation, scenario: Scenario, fault: ScheduledFault, client?: FaultClient): Promise<Undo> {
  const action = fault.action;
  switch (action.type) {
    case 'revoke_token':
      if (client === undefined) throw new IllegalStateError('revoke_token acts on the simulated client, which only timeline faults reach (not triggers)');
      return client.revokeToken();
    case 'partition':
      return applyPartition(sim, scenario, action);
    case 'restart':
      if (action.graceful === true) await beginShutdown(sim, processTargets(scenario, fault.target), client);
      return applyProcessFault(sim, action.type, processTargets(scenario, fault.target), client?.note, action.args);
    case 'kill':
      if (action.graceful === true) return gracefulKill(sim, processTargets(scenario, fault.target), client?.note, signalsOf(action));
      return applyProcessFault(sim, action.type, processTargets(scenario, fault.target), client?.note);
    case 'pause':
      return applyProcessFault(sim, action.type, processTargets(scenario, fault.target), client?.note);
    case 'clock_skew': {
      const hosts = hostsOf(processTargets(scenario, fault.target));
      for (const h of hosts) sim.setClockSkew(h, action.ms);
      return () => hosts.forEach((h) => sim.setClockSkew(h, 0));
    }
    case 'drain':
      return applyDrain(sim, processTargets(scenario, fault.target).workers, action.timeoutMs, client?.note, signalsOf(action));
    case 'disk_full':
    case 'disk_error':
    case 'slow_disk':
      return applyStorageFault(sim, action, client?.note);
    case 'store_thread_death':
      return killStoreThread(sim);
    case 'oom_kill':
      return oomKill(sim, processTargets(scenario, fault.target));
    default:
      return applyLinkRule(sim, scenario, fault.target, action);
  }
}

function applyPartition(sim: Simulation, scenario: Scenario, action: Extract<FaultAction, { type: 'partition' }>): Undo {
  const sides = resolvePartition(scenario.fleet, action).map(hostsOf);
  const handles: FaultHandle[] = [];
  for (let i = 0; i < sides.length; i++) {
    for (let j = i + 1; j < sides.length; j++) handles.push(sim.net.partition(sides[i]!, sides[j]!, { oneWay: action.oneWay }));
  }
  return () => handles.forEach((h) => h.remove());
}

/**
/**
 * A graceful restart's first half (SIGTERM): the coordinator stops as the
 * CLI stops it, store closed included (graceful-stop.ts); as the stop
 * begins, a client on a connection it already had reads /readyz, which must
 * say not ready (promise 19), and sends state-changing requests, which must
 * be refused 503 with Retry-After (promise 29, shutdown-probe.ts); then the
 * restart kills what is left and starts it again.
 */
async function beginShutdown(sim: Simulation, t: ReturnType<typeof processTargets>, client: FaultClient | undefined): Promise<void> {
  if (t.coordinator) await gracefulStop(sim, client?.note, (c) => client?.probeShutdown?.(c) ?? Promise.resolve());
}

/**
 * pause (undo: resume), kill (undo: start again) or restart (at once; nothing
 * to undo) of the targets. A coordinator kill or restart notes the API views
 * on both sides (restart-views.ts; `note` is the timeline's, absent for triggers).
 */
async function applyProcessFault(sim: Simulation, type: 'pause' | 'kill' | 'restart', t: ReturnType<typeof processTargets>, note?: RunRecorder['note'], args?: readonly string[]): Promise<Undo> {
  if (type === 'pause') {
    if (t.coordinator) sim.host(COORDINATOR_HOST).pause();
    for (const w of t.workers) sim.pauseWorker(w);
    return () => {
      if (t.coordinator) sim.host(COORDINATOR_HOST).resume();
      for (const w of t.workers) sim.resumeWorker(w);
    };
  }
  if (t.coordinator) noteRestartViews(sim, note, 'before');
  if (type === 'kill') {
    if (t.coordinator) sim.killCoordinator();
    for (const w of t.workers) sim.killWorker(w);
    return async () => {
      if (t.coordinator) await restarted(sim, note);
      for (const w of t.workers) restartWorker(sim, w);
    };
  }
  if (t.coordinator) {
    sim.killCoordinator();
    await restarted(sim, note);
  }
  for (const w of t.workers) {
    sim.killWorker(w);
    // Restarted with other `squall worker` flags (the restart's args): the new process's capabilities as the command builds them.
    const p = sim.worker(w);
    if (args !== undefined) {
      refuseUnlessCommandAccepts(`worker ${w}`, 'worker', args, 'at its restart');
      p.options = { config: { ...p.options.config, ...workerArgsConfig(w, args) } };
    }
    restartWorker(sim, w);
  }
  return () => {};
}

/**
 * kill with `graceful`: SIGTERM to the coordinator (process-stop.ts: its own stop, then its exit is
 * its death, its views noted just before a clean one's); workers in the target are killed -9.
 * The undo starts them again.
 */
function gracefulKill(sim: Simulation, t: ReturnType<typeof processTargets>, note: RunRecorder['note'] | undefined, signals: Signals): Undo {
  // Views before the exit only after a clean stop: a failed one (a disk that refused writes) leaves the engine ahead of its store until a reload.
  if (t.coordinator) sigtermCoordinator(sim, note, (clean) => clean && noteRestartViews(sim, note, 'before'), signals);
  for (const w of t.workers) sim.killWorker(w);
  return async () => {
    if (t.coordinator) await restarted(sim, note);
    for (const w of t.workers) restartWorker(sim, w);
  };
}

/** A worker's new life; one that refuses its config is a ConfigRefused (config-refused.ts: promise 8, not a refused fault). */
function restartWorker(sim: Simulation, w: string): void {
  startOrRefused(`worker ${w}`, () => sim.restartWorker(w), 'at its restart');
}

/** Starts the coordinator again (one refusing its config: a ConfigRefused) and notes what it loaded. */
async function restarted(sim: Simulation, note: RunRecorder['note'] | undefined): Promise<void> {
  await startOrRefusedAsync('coordinator', () => sim.restartCoordinator(), 'at its restart');
  noteRestartViews(sim, note, 'after');
}

/** A network rule (latency, loss, down, bandwidth, ...) on the targets' links, per stream. */
function applyLinkRule(sim: Simulation, scenario: Scenario, target: string, action: NetAction): Undo {
  const rule = ruleOf(action);
  const stream = 'stream' in action ? action.stream : 'both';
  const handles: FaultHandle[] = [];
  for (const w of linkWorkers(scenario, target)) {
    if (stream === 'both' || stream === 'upstream') handles.push(sim.net.addRule(w, COORDINATOR_HOST, rule));
    if (stream === 'both' || stream === 'downstream') handles.push(sim.net.addRule(COORDINATOR_HOST, w, rule));
  }
  return () => handles.forEach((h) => h.remove());
}

/** Storage faults act on the coordinator's disk (whatever the target): set the mode, undo restores a healthy disk. */
function applyStorageFault(sim: Simulation, action: Extract<FaultAction, { type: 'disk_full' | 'disk_error' | 'slow_disk' }>, note?: RunRecorder['note']): Undo {
  const p = sim.coordinator;
  // /readyz and /healthz read through the outage and its recovery (promise 19, health-poll.ts).
  const healed = note === undefined ? () => {} : pollHealth(sim, note);
  if (action.type === 'disk_full') p.setDiskMode({ type: 'disk_full' });
  else if (action.type === 'disk_error') p.setDiskMode({ type: 'disk_error', probability: action.probability });
  else p.setDiskMode({ type: 'slow_disk', minMs: action.minMs, maxMs: Math.max(action.minMs, action.maxMs) });
  return () => {
    p.setDiskMode({ type: 'ok' });
    healed();
  };
}

/** The OOM killer on each target worker's host (fault `oom_kill`): one running child (the latest started) dies by SIGKILL. Nothing to undo. */
function oomKill(sim: Simulation, t: ReturnType<typeof processTargets>): Undo {
  if (t.coordinator) throw new Error('oom_kill acts on the child processes of workers, not on the coordinator');
  for (const w of t.workers) sim.resources.oomKill(w);
  return () => {};
}

/** The store's SQLite thread dies (fault `store_thread_death`); refused when the store has no (simulated) thread. Nothing to undo: it stays dead until a restart. */
function killStoreThread(sim: Simulation): Undo {
  const s = sim.coordinator.store;
  if (!(s instanceof SimSqliteStore) || !s.killThread('killed by fault store_thread_death')) {
    throw new Error('store_thread_death needs a running coordinator on coordinator.store sqlite with sqliteThreadMs (the store\'s thread, simulated)');
  }
  return () => {};
}

/**
 * Graceful stop of workers (SIGTERM to `squall worker`, its own stop: process-stop.ts): stop({drain})
 * tells the coordinator, finishes what the worker holds and exits; the undo starts a new process (a
 * drain still under way is cut short by that restart, as a second signal would).
 */
function applyDrain(sim: Simulation, workers: readonly string[], timeoutMs: number, note: RunRecorder['note'] | undefined, signals: Signals): Undo {
  for (const w of workers) sigtermWorker(sim, w, timeoutMs, note, signals);
  return () => {
    for (const w of workers) restartWorker(sim, w);
  };
}

/** A graceful stop's signals as the fault asks for them (default: one SIGTERM). */
function signalsOf(action: { signal?: 'SIGTERM' | 'SIGINT'; secondSignalMs?: number }): Signals {
  return { signal: action.signal ?? 'SIGTERM', ...(action.secondSignalMs === undefined ? {} : { secondMs: action.secondSignalMs }) };
}
