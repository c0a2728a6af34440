/**
 * Runs a scenario against real processes: a coordinator child (SQLite store in
 * a temp dir, so kill -9 + restart keeps what it acknowledged), swarm hosts
 * with the fleet, every worker behind a fault proxy (topology.ts). Two phases,
 * as in simulation: faults (timeline + swarm) for `phases.faultsMs`, then heal
 * (every fault undone, paused processes resumed, killed ones restarted) until
 * all acknowledged work is terminal and every worker is synced again, or
 * `phases.healMs` passes. The workload goes over the HTTP API; an execution
 * counts as acknowledged only once its 201 arrived.
 *
 * The outcome carries the stamped history (timeline-buffer.ts) and the final
 * state read over HTTP; runner.ts checks both.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SystemEvent } from '../../system/core/events.js';
import { hashString, seededRandom } from '../../system/core/random.js';
import { describeFault } from '../check/fault-details.js';
import { connectFaultProxy } from '../proxy/client.js';
import { type Scenario, faultTimeline, workerIds } from '../scenario/schema.js';
import { type ScheduledFault, sampleSwarm } from '../scenario/swarm.js';
import { expandWorkload, type Submission } from '../scenario/workload.js';
import { CoordinatorHttp, type ExecutionView, TERMINAL, type WorkerView } from './http-client.js';
import { applyLiveFault, type LiveFaultContext, type Undo } from './live-faults.js';
import { CoordinatorProcess, delay, JsonLinesTail, monoNow, startRunProxy, SwarmHostProcess } from './processes.js';
import type { HostedWorkerConfig } from './swarm-host.js';
import { type TimelineEntry, TimelineBuffer } from './timeline-buffer.js';
import { planTopology, type Topology } from './topology.js';

export interface LiveRunOptions {
  seed?: number;
  /** Swarm schedule instead of sampling it from the seed. */
  swarm?: ScheduledFault[];
  /** Progress lines (stderr by the CLI). */
  log?: (line: string) => void;
  /** Submissions in flight at most (default 32). */
  maxInflightSubmissions?: number;
  /** Watches the run as it happens (the `--ui` page); never changes it. */
  observer?: LiveRunObserver;
}

/** Callbacks for watching a live run (harness/live/ui). */
export interface LiveRunObserver {
  /** Every stamped entry as it is recorded: events, submissions, faults, phases. */
  onEntry?(entry: TimelineEntry, t0: number): void;
  /** The coordinator is up at this URL. */
  onCoordinator?(httpUrl: string): void;
}

/** What the run saw; runner.ts turns it into verdicts and a report. */
export interface LiveRunOutcome {
  scenario: Scenario;
  seed: number;
  t0: number;
  /** Monotonic stamp of the heal phase start. */
  healMono: number;
  /** Epoch ms of heal (statusHistory `at` is epoch). */
  healEpoch: number;
  wallMs: number;
  buffer: TimelineBuffer;
  topology: Topology;
  faults: ScheduledFault[];
  /** Acknowledged executions and what each must end as. */
  acked: Map<string, { ref: string; expect: 'completed' | 'terminal' }>;
  /** Submissions refused or of unknown outcome. */
  refused: number;
  indeterminate: number;
  /** Final state over HTTP (after convergence or healMs). */
  executions: ExecutionView[];
  workers: WorkerView[];
  convergedAfterMs: number | null;
  coordinatorRestarts: number;
  /** Event-loop lag samples (ms) and CPU % of the coordinator process, from probe.mjs. */
  loopLagMs: number[];
  cpuPercent: number | null;
}

function workerConfigs(scenario: Scenario, url: (id: string) => string, seed: number): Map<string, HostedWorkerConfig> {
  const f = scenario.fleet;
  const c = scenario.coordinator;
  const out = new Map<string, HostedWorkerConfig>();
  for (const id of workerIds(f)) {
    out.set(id, {
      id,
      coordinatorUrl: url(id),
      ...(c.secret === undefined ? {} : { secret: c.secret }),
      concurrency: f.concurrency,
      backoff: { ...f.backoff },
      ...(f.heartbeatMs === undefined ? {} : { heartbeatMs: f.heartbeatMs }),
      ...(f.heartbeatTimeoutMs === undefined ? {} : { heartbeatTimeoutMs: f.heartbeatTimeoutMs }),
      ...(f.outboxLimit === undefined ? {} : { outboxCapacity: f.outboxLimit }),
      ...(f.kinds === undefined ? {} : { kinds: f.kinds }),
      seed: hashString(`${seed}:${id}`),
    });
  }
  return out;
}

/** Runs the scenario live; always cleans up its processes and temp dir. */
export async function runScenarioLive(scenario: Scenario, opts: LiveRunOptions = {}): Promise<LiveRunOutcome> {
  const seed = opts.seed ?? scenario.seed;
  const log = opts.log ?? (() => undefined);
  const started = monoNow();
  const dir = await mkdtemp(join(tmpdir(), 'squall-live-'));
  await mkdir(join(dir, 'data'), { recursive: true });
  const swarm = opts.swarm ?? sampleSwarm(scenario, seed);
  const timeline: ScheduledFault[] = [...faultTimeline(scenario.faults).map((x) => ({ ...x, note: x.note ?? 'timeline' })), ...swarm];
  const topology = planTopology(scenario, timeline);
  const ids = workerIds(scenario.fleet);
  const buffer = new TimelineBuffer(started, (entry) => opts.observer?.onEntry?.(entry, started));
  const ready = new Map<string, boolean>();
  const onEvent = (mono: number, e: SystemEvent): void => {
    buffer.event(mono, e);
    if (e.type === 'synced') ready.set(e.source, true);
    else if (e.type === 'disconnected' || e.type === 'backoff') ready.set(e.source, false);
  };
  const c = scenario.coordinator;
  const coordinator = new CoordinatorProcess({
    dataDir: join(dir, 'data'),
    eventsFile: join(dir, 'coordinator-events.jsonl'),
    probeFile: join(dir, 'probe.jsonl'),
    heartbeatMs: c.heartbeatMs,
    heartbeatTimeoutMs: c.heartbeatTimeoutMs,
    leaseMs: c.leaseMs,
    ...(c.secret === undefined ? {} : { secret: c.secret }),
    signMessages: c.signMessages,
    ...(c.maxConcurrency === undefined ? {} : { maxConcurrent: c.maxConcurrency }),
    breaker: c.breaker,
  });
  const coordTail = new JsonLinesTail<SystemEvent & { mono: number }>(join(dir, 'coordinator-events.jsonl'), ({ mono, ...e }) => onEvent(mono, e as SystemEvent));
  const lag: number[] = [];
  let cpuFirst: { mono: number; us: number } | undefined;
  let cpuLast: { mono: number; us: number } | undefined;
  let cpuAcc = 0;
  const probeTail = new JsonLinesTail<{ mono: number; lagMs: number[]; cpuUserUs: number; cpuSystemUs: number }>(join(dir, 'probe.jsonl'), (p) => {
    lag.push(...p.lagMs);
    const us = p.cpuUserUs + p.cpuSystemUs;
    // a restarted coordinator starts its CPU count again: accumulate per process
    if (cpuLast !== undefined && us >= cpuLast.us) cpuAcc += us - cpuLast.us;
    else if (cpuLast !== undefined) cpuAcc += us;
    cpuFirst ??= { mono: p.mono, us };
    cpuLast = { mono: p.mono, us };
  }, 250);
  const proxyHost = await startRunProxy(seed);
  const proxy = await connectFaultProxy({ url: proxyHost.url });
  const hosts = new Map<string, SwarmHostProcess>();
  const http = new CoordinatorHttp(() => coordinator.httpUrl);
  const active = new Map<number, { undo: Undo; details: ReturnType<typeof describeFault> }>();
  try {
    await coordinator.start();
    coordTail.start();
    probeTail.start();
    const listen = new Map<string, string>();
    for (const p of topology.proxies) listen.set(p.name, (await proxy.createProxy(p.name, coordinator.address)).listen);
    const configs = workerConfigs(scenario, (id) => `ws://${listen.get(topology.proxyOf.get(id) ?? '') ?? ''}`, seed);
    opts.observer?.onCoordinator?.(coordinator.httpUrl);
    log(`live: coordinator ${coordinator.httpUrl}, ${topology.hosts.length} swarm host(s), ${topology.proxies.length} proxies, ${ids.length} workers`);
    const respawnWorkers = async (hostName: string, workers: string[]): Promise<void> => {
      let host = hosts.get(hostName);
      for (const w of workers) ready.set(w, false);
      if (host === undefined || !host.running) {
        host = new SwarmHostProcess(hostName, (e) => onEvent(e.mono, e.event));
        hosts.set(hostName, host);
        await host.start();
        workers = topology.hosts.find((h) => h.name === hostName)?.workers ?? workers;
        for (const w of workers) ready.set(w, false);
      }
      await host.spawnWorkers(workers.map((w) => configs.get(w)).filter((x): x is HostedWorkerConfig => x !== undefined));
    };
    // Hosts start two at a time: each is a Node process compiling TypeScript.
    const hostQueue = [...topology.hosts];
    await Promise.all([0, 1].map(async () => {
      for (let h = hostQueue.shift(); h !== undefined; h = hostQueue.shift()) await respawnWorkers(h.name, h.workers);
    }));
    const fleetDeadline = monoNow() + 30_000 + ids.length * 100;
    while (!ids.every((id) => ready.get(id) === true)) {
      if (monoNow() > fleetDeadline) throw new Error(`fleet not ready: ${ids.filter((id) => ready.get(id) !== true).length} of ${ids.length} workers never synced`);
      await delay(50);
    }
    const t0 = monoNow();
    const ctx: LiveFaultContext = {
      scenario, topology, proxy, coordinator, hosts, respawnWorkers,
      note: (value) => buffer.note(monoNow(), value),
    };
    const acked = new Map<string, { ref: string; expect: 'completed' | 'terminal' }>();
    let refused = 0;
    let indeterminate = 0;
    const inflight = new Set<Promise<void>>();
    // At most this many submissions in flight: a slow coordinator backs the client off instead of piling up timeouts.
    const maxInflight = opts.maxInflightSubmissions ?? 32;
    const queue: Submission[] = [];
    const send = (s: Submission): void => {
      const failing = s.type === 'task' ? s.spec.kind === 'fail' : Object.values(s.graph).some((g) => g.kind === 'fail');
      const key = buffer.invoke(monoNow(), { ref: s.ref, kind: s.type === 'task' ? s.spec.kind : 'graph', ...(s.type === 'graph' ? { graph: s.shape } : {}) });
      const p = http.submit(s.type === 'task' ? s.spec : { tasks: s.graph }, s.type === 'graph').then((r) => {
        if (r.ok) {
          buffer.ok(monoNow(), key, r.executionIds);
          for (const id of r.executionIds) acked.set(id, { ref: s.ref, expect: failing ? 'terminal' : 'completed' });
        } else {
          buffer.fail(monoNow(), key, { code: r.code, message: r.message }, r.indeterminate);
          if (r.indeterminate) indeterminate++;
          else refused++;
        }
      });
      inflight.add(p);
      void p.finally(() => {
        inflight.delete(p);
        pump();
      });
    };
    const pump = (): void => {
      while (queue.length > 0 && inflight.size < maxInflight) send(queue.shift()!);
    };
    /** Due now: sent at once, or queued behind a slow coordinator (the invoke is recorded when it is sent). */
    const submit = (s: Submission): void => {
      queue.push(s);
      pump();
    };

    type Step = { at: number; seq: number; run: () => void | Promise<void> };
    const steps: Step[] = [];
    const at = (t: number, run: Step['run']): void => void steps.push({ at: t, seq: steps.length, run });
    for (const s of expandWorkload(scenario, seededRandom(seed).fork('workload'))) at(s.at, () => submit(s));
    const faultsMs = scenario.phases.faultsMs;
    const flood = scenario.workload.flood;
    if (flood !== undefined) {
      at(0, async () => void (await Promise.all([...hosts.values()].map((h) => h.command({ cmd: 'flood', messagesPerSec: flood.messagesPerSec, bytes: flood.bytes }).catch(() => undefined)))));
      if (flood.during === 'faults') at(faultsMs, async () => void (await Promise.all([...hosts.values()].map((h) => h.command({ cmd: 'flood', messagesPerSec: 0, bytes: 0 }).catch(() => undefined)))));
    }
    // Fault steps never block the schedule (restarting a host takes seconds): each
    // fault's start and stop run in order on a chain of its own; heal waits for all.
    const chains = new Map<number, Promise<void>>();
    const onChain = (i: number, fn: () => Promise<void>): void => {
      const next = (chains.get(i) ?? Promise.resolve()).then(fn).catch((err: unknown) =>
        buffer.note(monoNow(), { fault: `f${i + 1}`, error: err instanceof Error ? err.message : String(err) }),
      );
      chains.set(i, next);
    };
    timeline.forEach((fault, i) => {
      const id = `f${i + 1}`;
      const details = describeFault(scenario.fleet, fault, id, fault.note === 'swarm' ? 'swarm' : 'timeline');
      at(fault.at, () =>
        onChain(i, async () => {
          buffer.fault(monoNow(), 'start', details);
          active.set(i, { undo: await applyLiveFault(ctx, fault, id), details });
        }),
      );
      if (fault.for !== undefined && fault.at + fault.for < faultsMs) {
        at(fault.at + fault.for, () =>
          onChain(i, async () => {
            const a = active.get(i);
            if (a === undefined) return;
            active.delete(i);
            await a.undo();
            buffer.fault(monoNow(), 'stop', details);
          }),
        );
      }
    });
    let healMono = t0 + faultsMs;
    let healEpoch = Date.now();
    at(faultsMs, async () => {
      healMono = monoNow();
      healEpoch = Date.now();
      buffer.phase(healMono, 'heal');
      await Promise.all(chains.values());
      for (const [i, a] of [...active.entries()].reverse()) {
        active.delete(i);
        await a.undo().catch((err: unknown) => buffer.note(monoNow(), { heal: `undo failed: ${String(err)}` }));
        buffer.fault(monoNow(), 'stop', a.details);
      }
      // Belt and braces: nothing stays paused, down or toxic; dead hosts come back.
      coordinator.resume();
      if (!coordinator.running) await coordinator.start();
      for (const h of topology.hosts) {
        const host = hosts.get(h.name);
        host?.resume();
        if (host === undefined || !host.running) await respawnWorkers(h.name, h.workers);
      }
      await proxy.reset().catch(() => undefined);
    });

    buffer.phase(t0, 'faults');
    steps.sort((a, b) => a.at - b.at || a.seq - b.seq);
    for (const step of steps) {
      const wait = t0 + step.at - monoNow();
      if (wait > 0) await delay(wait);
      await step.run();
    }
    log(`live: heal at ${Math.round(healMono - t0)} ms; waiting up to ${scenario.phases.healMs} ms for convergence`);

    // Heal: until every acknowledged execution is terminal and every worker synced, or healMs.
    const drainDeadline = monoNow() + Math.min(60_000, scenario.phases.healMs);
    while ((queue.length > 0 || inflight.size > 0) && monoNow() < drainDeadline) await delay(50);
    let convergedAfterMs: number | null = null;
    let executions: ExecutionView[] = [];
    let workers: WorkerView[] = [];
    const deadline = healMono + scenario.phases.healMs;
    while (monoNow() < deadline) {
      try {
        executions = await http.listExecutions();
        workers = await http.workers();
        const byId = new Map(executions.map((e) => [e.executionId, e]));
        const allTerminal = [...acked.keys()].every((id) => TERMINAL.has(byId.get(id)?.status ?? ''));
        const allBack = ids.every((id) => ready.get(id) === true) && ids.every((id) => workers.find((w) => w.id === id)?.state === 'connected');
        if (allTerminal && allBack) {
          convergedAfterMs = monoNow() - healMono;
          break;
        }
      } catch {
        // coordinator restarting: try again
      }
      await delay(1000);
    }
    // A short tail so acks and the last events land in the files.
    await delay(Math.min(1000, c.heartbeatMs * 2));
    try {
      executions = await http.listExecutions();
      workers = await http.workers();
    } catch (err) {
      buffer.note(monoNow(), { end: `final HTTP read failed: ${String(err)}` });
    }
    coordTail.poll();
    const finalById = new Map(executions.map((e) => [e.executionId, e.status]));
    buffer.read(monoNow(), Object.fromEntries([...acked.keys()].map((id) => [id, finalById.get(id) ?? null])));
    buffer.phase(monoNow(), 'end');
    const cpuPercent = cpuFirst !== undefined && cpuLast !== undefined && cpuLast.mono > cpuFirst.mono ? (cpuAcc / 1000 / (cpuLast.mono - cpuFirst.mono)) * 100 : null;
    return {
      scenario, seed, t0, healMono, healEpoch, wallMs: monoNow() - started, buffer, topology, faults: timeline,
      acked, refused, indeterminate, executions, workers, convergedAfterMs, coordinatorRestarts: coordinator.starts - 1,
      loopLagMs: lag, cpuPercent,
    };
  } finally {
    await Promise.all([...hosts.values()].map((h) => h.stop().catch(() => undefined)));
    await coordinator.stop().catch(() => undefined);
    coordTail.stop();
    probeTail.stop();
    await proxy.close().catch(() => undefined);
    await proxyHost.stop().catch(() => undefined);
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}
