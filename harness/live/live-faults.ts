/**
 * Scenario faults on real processes and sockets. Network actions become
 * toxics on the fault proxies of the affected workers (`stream: both` adds one
 * per direction), `down` disables those proxies (refused connections, open
 * ones dropped), and a partition blackholes the cut side with a `timeout`
 * toxic (timeout 0: data stops, nothing is closed: half-open connections, as
 * a real partition); one-way cuts only the stream leaving side 0. Process
 * actions: pause = SIGSTOP/SIGCONT, kill = kill -9 (restarted when the fault
 * ends), restart = kill -9 and start again at once; the coordinator restarts
 * on the same port and SQLite data dir. clock_skew cannot be done to a real
 * process here: it is refused (before the run, by preflight.ts), never skipped.
 *
 * LIVE_APPLIERS is the table of fault kinds → appliers: what each needs from
 * the fault proxy (checked before the run starts) and how it is applied. A
 * new fault kind adds a row. Each apply returns an undo (idempotent) that the
 * driver calls when the fault's `for` ends or at heal; an apply that fails
 * (the proxy refused it) throws with the proxy's answer and stops the run.
 */
import type { FaultProxy } from '../proxy/client.js';
import { writeFileSync } from 'node:fs';
import { type ActionName, type FaultAction, isStorageAction } from '../scenario/faults.js';
import type { Scenario } from '../scenario/schema.js';
import { workerIds } from '../scenario/schema.js';
import type { ScheduledFault } from '../scenario/swarm.js';
import { resolvePartition, resolveTarget } from '../scenario/targets.js';
import type { CoordinatorProcess } from './coordinator-process.js';
import type { SwarmHostProcess } from './swarm-host-process.js';
import { type Topology, unitsFor } from './topology.js';
import { type NetAction, toxicOf } from './toxic-of.js';
import { probed } from './live-probe.js';

export type Undo = () => Promise<void>;

/** What faults act on. */
export interface LiveFaultContext {
  scenario: Scenario;
  topology: Topology;
  proxy: FaultProxy;
  coordinator: CoordinatorProcess;
  hosts: Map<string, SwarmHostProcess>;
  /** Starts the host if it is not running and spawns these workers in it. */
  respawnWorkers(hostName: string, workers: string[]): Promise<void>;
  /** An info note for the history (approximations, unsupported faults). */
  note(value: Record<string, unknown>): void;
}

const streamsOf = (s: 'both' | 'upstream' | 'downstream'): ('upstream' | 'downstream')[] => (s === 'both' ? ['upstream', 'downstream'] : [s]);

function once(fn: Undo): Undo {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}

/** Workers whose links a network fault's target covers. */
function linkWorkers(scenario: Scenario, target: string): string[] {
  const t = resolveTarget(scenario.fleet, target);
  if (t.kind === 'nodes') return t.nodes.coordinator ? workerIds(scenario.fleet) : t.nodes.workers;
  // Workers only talk to the coordinator: a worker<->worker link carries nothing.
  if (t.a.coordinator) return t.b.workers;
  if (t.b.coordinator) return t.a.workers;
  return [];
}

const downCount = new WeakMap<LiveFaultContext, Map<string, number>>();
const pauseCount = new WeakMap<LiveFaultContext, Map<string, number>>();

function counter(map: WeakMap<LiveFaultContext, Map<string, number>>, ctx: LiveFaultContext): Map<string, number> {
  let m = map.get(ctx);
  if (m === undefined) map.set(ctx, (m = new Map()));
  return m;
}

async function addToxics(ctx: LiveFaultContext, id: string, proxies: string[], streams: ('upstream' | 'downstream')[], toxic: { type: string; attributes: Record<string, number> }, toxicity: number): Promise<Undo> {
  const added: [string, string][] = [];
  for (const p of proxies) {
    for (const stream of streams) {
      const name = `${id}_${toxic.type}_${stream}`;
      await ctx.proxy.addToxic(p, { name, type: toxic.type, stream, toxicity, attributes: toxic.attributes });
      added.push([p, name]);
    }
  }
  return once(async () => {
    for (const [p, name] of added) await ctx.proxy.removeToxic(p, name).catch(() => undefined);
  });
}

async function applyNetwork(ctx: LiveFaultContext, fault: ScheduledFault, id: string): Promise<Undo> {
  const { scenario, topology } = ctx;
  const a = fault.action;
  if (a.type === 'partition') {
    const sides = resolvePartition(scenario.fleet, a);
    const ci = sides.findIndex((s) => s.coordinator);
    const coordSide = new Set(sides[ci]?.workers ?? []);
    const undos: Undo[] = [];
    for (const [i, side] of sides.entries()) {
      if (i === ci) continue;
      const cut = side.workers.filter((w) => !coordSide.has(w));
      let streams: ('upstream' | 'downstream')[];
      if (!a.oneWay) streams = ['upstream', 'downstream'];
      else if (ci === 0) streams = ['downstream']; // side 0 (with the coordinator) cannot reach the others
      else if (i === 0) streams = ['upstream']; // side 0 (these workers) cannot reach the coordinator
      else continue;
      const { names, overApproximated } = unitsFor(cut, topology.proxyOf, topology.proxies);
      if (overApproximated) ctx.note({ fault: id, approximation: 'partition side shares a proxy with uncut workers; they are cut too' });
      undos.push(await addToxics(ctx, `${id}s${i}`, names, streams, { type: 'timeout', attributes: { timeout: 0 } }, 1));
    }
    return once(async () => {
      for (const u of undos) await u();
    });
  }
  const workers = linkWorkers(scenario, fault.target);
  const { names, overApproximated } = unitsFor(workers, topology.proxyOf, topology.proxies);
  if (overApproximated) ctx.note({ fault: id, approximation: `${a.type} on part of a shared proxy hits every worker behind it` });
  if (a.type === 'down') {
    const counts = counter(downCount, ctx);
    for (const p of names) {
      const n = counts.get(p) ?? 0;
      counts.set(p, n + 1);
      if (n === 0) await ctx.proxy.setEnabled(p, false);
    }
    return once(async () => {
      for (const p of names) {
        const n = (counts.get(p) ?? 1) - 1;
        counts.set(p, n);
        if (n === 0) await ctx.proxy.setEnabled(p, true).catch(() => undefined);
      }
    });
  }
  if (a.type === 'pause' || a.type === 'kill' || a.type === 'restart' || a.type === 'clock_skew' || a.type === 'drain' || a.type === 'revoke_token' || isStorageAction(a.type)) throw new Error(`not a network action: ${a.type}`);
  if (!('stream' in a)) throw new Error(`not a toxic: ${a.type}`);
  return addToxics(ctx, id, names, streamsOf(a.stream), toxicOf(a), a.toxicity);
}

/** Pause, kill or restart the coordinator process; the undo resumes it or starts it again. */
async function coordinatorProcessFault(ctx: LiveFaultContext, type: ActionName): Promise<Undo | undefined> {
  const c = ctx.coordinator;
  if (type === 'pause') {
    c.pause();
    return once(async () => c.resume());
  }
  // A coordinator that does not come back healthy over its data dir fails promise 7 (a liveProbe note), not the run (live-probe.ts).
  if (type === 'kill') {
    await c.kill9();
    return once(async () => {
      if (!c.running) await probed(ctx.note, 'coordinator-restart', 'durability', 'the coordinator did not come back after its kill -9', () => c.start());
    });
  }
  if (type === 'restart') await probed(ctx.note, 'coordinator-restart', 'durability', 'the coordinator did not come back after a restart (kill -9, start)', () => c.restart());
  return undefined;
}

/** SIGSTOP swarm hosts, counted so overlapping pauses resume a host only when the last one ends. */
function pauseHosts(ctx: LiveFaultContext, names: readonly string[]): Undo {
  const counts = counter(pauseCount, ctx);
  for (const h of names) {
    const n = counts.get(h) ?? 0;
    counts.set(h, n + 1);
    if (n === 0) ctx.hosts.get(h)?.pause();
  }
  return once(async () => {
    for (const h of names) {
      const n = (counts.get(h) ?? 1) - 1;
      counts.set(h, n);
      if (n === 0) ctx.hosts.get(h)?.resume();
    }
  });
}

/** Kill -9 whole hosts, crash part of one; the undo respawns those workers (a restart runs it at once). */
async function stopWorkers(ctx: LiveFaultContext, id: string, type: 'kill' | 'restart', names: readonly string[], workers: readonly string[]): Promise<Undo> {
  const wanted = new Set(workers);
  const restore: [string, string[]][] = [];
  for (const h of names) {
    const host = ctx.hosts.get(h);
    const members = ctx.topology.hosts.find((x) => x.name === h)?.workers ?? [];
    const victims = members.filter((w) => wanted.has(w));
    if (host === undefined) continue;
    if (victims.length === members.length) {
      counter(pauseCount, ctx).set(h, 0);
      await host.kill9();
    } else {
      ctx.note({ fault: id, approximation: `${type} of part of swarm host ${h}: those workers are stopped abruptly (no drain), not kill -9` });
      await host.command({ cmd: 'crash', ids: victims }).catch(() => undefined);
    }
    restore.push([h, victims]);
  }
  return once(async () => {
    await Promise.all(restore.map(([h, victims]) => ctx.respawnWorkers(h, victims)));
  });
}

async function applyProcess(ctx: LiveFaultContext, fault: ScheduledFault, id: string): Promise<Undo> {
  const a = fault.action;
  const t = resolveTarget(ctx.scenario.fleet, fault.target);
  const nodes = t.kind === 'nodes' ? t.nodes : { coordinator: t.a.coordinator || t.b.coordinator, workers: [...t.a.workers, ...t.b.workers] };
  const undos: Undo[] = [];
  if (a.type === 'clock_skew') throw new Error(LIVE_APPLIERS.clock_skew.unsupported);
  const coordinatorUndo = nodes.coordinator ? await coordinatorProcessFault(ctx, a.type) : undefined;
  if (coordinatorUndo !== undefined) undos.push(coordinatorUndo);
  if (nodes.workers.length > 0) {
    const { names, overApproximated } = unitsFor(nodes.workers, ctx.topology.hostOf, ctx.topology.hosts);
    if (a.type === 'pause') {
      if (overApproximated) ctx.note({ fault: id, approximation: 'pause (SIGSTOP) of part of a swarm host pauses every worker in it' });
      undos.push(pauseHosts(ctx, names));
    } else if (a.type === 'kill' || a.type === 'restart') {
      const undo = await stopWorkers(ctx, id, a.type, names, nodes.workers);
      if (a.type === 'restart') await undo();
      else undos.push(undo);
    }
  }
  return once(async () => {
    for (const u of undos) await u();
  });
}

/** What a fault needs from the fault proxy, checked before the run starts (preflight.ts). */
interface ProxyNeed {
  toxic?: { type: string; attributes: Record<string, number> };
  /** Proxies are disabled and enabled again. */
  disable?: boolean;
}

/** How the live harness applies one kind of fault. */
export interface LiveApplier {
  /** Set when the fault cannot be applied live at all: why. */
  readonly unsupported?: string;
  needs(action: FaultAction): ProxyNeed;
  apply(ctx: LiveFaultContext, fault: ScheduledFault, id: string): Promise<Undo>;
}

const toxicApplier: LiveApplier = {
  needs: (a) => ({ toxic: toxicOf(a as NetAction) }),
  apply: applyNetwork,
};
const processApplier: LiveApplier = { needs: () => ({}), apply: applyProcess };
/** A fault only the simulation can apply: refused before a live run starts, with why. */
const simulationOnly = (name: string, unsupported: string): LiveApplier => ({
  unsupported,
  needs: () => ({}),
  apply: () => Promise.reject(new Error(`${name} is not supported live`)),
});
const storageApplier: LiveApplier = { needs: () => ({}), apply: (ctx, fault) => applyStorage(ctx, fault.action) };

/** Fault kinds → appliers (see the file comment). */
export const LIVE_APPLIERS: Readonly<Record<ActionName, LiveApplier>> = {
  latency: toxicApplier,
  bandwidth: toxicApplier,
  timeout: toxicApplier,
  reset_peer: toxicApplier,
  slow_close: toxicApplier,
  slicer: toxicApplier,
  limit_data: toxicApplier,
  corrupt: toxicApplier,
  down: { needs: () => ({ disable: true }), apply: applyNetwork },
  partition: { needs: () => ({ toxic: { type: 'timeout', attributes: { timeout: 0 } } }), apply: applyNetwork },
  pause: processApplier,
  kill: processApplier,
  restart: processApplier,
  disk_full: storageApplier,
  disk_error: storageApplier,
  slow_disk: storageApplier,
  oom_kill: simulationOnly('oom_kill', 'oom_kill is not wired live yet (it would SIGKILL the children of a live worker); run it in simulation'),
  store_thread_death: simulationOnly('store_thread_death', 'store_thread_death kills the simulated SQLite thread of the store; a live one would need a debug hook in the coordinator; run it in simulation'),
  revoke_token: simulationOnly('revoke_token', 'revoke_token is not wired live yet (the live client submits with the admin token); run it in simulation'),
  drain: simulationOnly('drain', 'drain is not wired live yet (a live drain would be SIGTERM to the worker, then a new process); run it in simulation'),
  clock_skew: simulationOnly('clock_skew', 'clock_skew cannot be applied to real processes (their clocks are the host\'s; only the simulation can skew a clock)'),
};

/** Applies one fault; resolves to its undo. Throws (with the proxy's answer) when it cannot be applied. */
export function applyLiveFault(ctx: LiveFaultContext, fault: ScheduledFault, id: string): Promise<Undo> {
  return LIVE_APPLIERS[fault.action.type].apply(ctx, fault, id);
}

/** Storage faults live: the coordinator re-reads its SQUALL_STORE_FAULTS control file before writes. */
function applyStorage(ctx: LiveFaultContext, a: FaultAction): Promise<Undo> {
  const file = ctx.coordinator.storeFaultsFile;
  if (a.type !== 'disk_full' && a.type !== 'disk_error' && a.type !== 'slow_disk') return Promise.reject(new Error(`${a.type} is not a storage fault`));
  if (file === undefined) {
    return Promise.reject(new Error(`${a.type} cannot be applied: the coordinator was started without a SQUALL_STORE_FAULTS control file`));
  }
  const line = a.type === 'disk_full' ? 'disk_full' : a.type === 'disk_error' ? `disk_error ${a.probability}` : `slow_disk ${a.minMs} ${Math.max(a.minMs, a.maxMs)}`;
  writeFileSync(file, `${line}\n`);
  return Promise.resolve(async () => writeFileSync(file, 'ok\n'));
}
