/**
 * The real processes of a live run: a coordinator child (SQLite store in a
 * temp dir, so kill -9 + restart keeps what it acknowledged, probe.mjs
 * preloaded for event-loop lag and CPU), swarm hosts with the fleet, every
 * worker behind a fault proxy (topology.ts), and the tails that stamp their
 * events into the run's TimelineBuffer. Start, respawn and stop live here so
 * the driver's live adapter (live-run.ts) only maps the driver's calls.
 *
 * Process spawning is in one place (start/respawnWorkers): options a
 * coordinator or worker needs (secrets, tokens) go into coordinatorOptions /
 * workerConfigs below.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SystemEvent, hashString } from '../../system/core/index.js';
import type { FaultProxy } from '../proxy/client.js';
import { type Scenario, workerIds } from '../scenario/schema.js';
import { workerBackoffs } from '../scenario/targets.js';
import { CoordinatorProcess, type CoordinatorProcessOptions } from './coordinator-process.js';
import { delay, JsonLinesTail, monoNow } from '../proc/index.js';
import { SwarmHostProcess } from './swarm-host-process.js';
import type { HostedWorkerConfig } from './swarm-host.js';
import { TimelineBuffer, type TimelineEntry } from './timeline-buffer.js';
import { awaitSynced, probed } from './live-probe.js';
import { LiveSecretScan } from './live-secrets.js';
import type { Topology } from './topology.js';

type ProbeLine = { mono: number; lagMs: number[]; cpuUserUs: number; cpuSystemUs: number };

/** The coordinator child's options for a scenario. */
function coordinatorOptions(scenario: Scenario, dir: string): CoordinatorProcessOptions {
  const c = scenario.coordinator;
  return {
    dataDir: join(dir, 'data'),
    eventsFile: join(dir, 'coordinator-events.jsonl'),
    probeFile: join(dir, 'probe.jsonl'),
    heartbeatMs: c.heartbeatMs,
    heartbeatTimeoutMs: c.heartbeatTimeoutMs,
    leaseMs: c.leaseMs,
    ...(c.secret === undefined ? {} : { secret: c.secret }),
    signMessages: c.signMessages,
    ...(c.maxConcurrency === undefined ? {} : { maxConcurrent: c.maxConcurrency }),
    ...(c.maxPending === undefined ? {} : { maxPending: c.maxPending }),
    ...(c.retention === undefined ? {} : { retention: c.retention }),
    breaker: c.breaker,
    storeFaultsFile: join(dir, 'store-faults'),
  };
}

/** Each worker's config, reaching the coordinator at url(id) (its proxy's listen address). */
function workerConfigs(scenario: Scenario, url: (id: string) => string, seed: number): Map<string, HostedWorkerConfig> {
  const f = scenario.fleet;
  const c = scenario.coordinator;
  const out = new Map<string, HostedWorkerConfig>();
  const backoffs = workerBackoffs(f).byWorker;
  for (const id of workerIds(f)) {
    out.set(id, {
      id,
      coordinatorUrl: url(id),
      ...(c.secret === undefined ? {} : { secret: c.secret }),
      concurrency: f.concurrency,
      backoff: { ...(backoffs.get(id) ?? f.backoff) },
      ...(f.heartbeatMs === undefined ? {} : { heartbeatMs: f.heartbeatMs }),
      ...(f.heartbeatTimeoutMs === undefined ? {} : { heartbeatTimeoutMs: f.heartbeatTimeoutMs }),
      ...(f.outboxLimit === undefined ? {} : { outboxCapacity: f.outboxLimit }),
      ...(f.kinds === undefined ? {} : { kinds: f.kinds }),
      seed: hashString(`${seed}:${id}`),
    });
  }
  return out;
}

/** CPU % of the coordinator over the run, accumulated across restarts (each restart counts from 0 again). */
class CpuMeter {
  private first: { mono: number; us: number } | undefined;
  private last: { mono: number; us: number } | undefined;
  private acc = 0;
  add(p: ProbeLine): void {
    const us = p.cpuUserUs + p.cpuSystemUs;
    if (this.last !== undefined) this.acc += us >= this.last.us ? us - this.last.us : us;
    this.first ??= { mono: p.mono, us };
    this.last = { mono: p.mono, us };
  }
  percent(): number | null {
    const { first, last } = this;
    return first !== undefined && last !== undefined && last.mono > first.mono ? (this.acc / 1000 / (last.mono - first.mono)) * 100 : null;
  }
}

/** The processes of one live run; see the file comment. */
export class LiveSystem {
  readonly buffer: TimelineBuffer;
  readonly hosts = new Map<string, SwarmHostProcess>();
  /** Worker id → synced since its last disconnect. */
  readonly ready = new Map<string, boolean>();
  readonly lag: number[] = [];
  readonly cpu = new CpuMeter();
  readonly ids: string[];
  coordinator!: CoordinatorProcess;
  private dir = '';
  private coordTail: JsonLinesTail<SystemEvent & { mono: number }> | undefined;
  private probeTail: JsonLinesTail<ProbeLine> | undefined;
  private configs = new Map<string, HostedWorkerConfig>();
  /** Promise 8's scan of what the processes print and the HTTP answers the harness reads (live-secrets.ts). */
  readonly secrets: LiveSecretScan;

  constructor(
    readonly scenario: Scenario,
    readonly topology: Topology,
    private readonly seed: number,
    started: number,
    onEntry?: (entry: TimelineEntry) => void,
    /** Test-only: a module the coordinator preloads (LiveRunOptions.wiring). */
    private readonly coordinatorPreload?: string,
  ) {
    this.buffer = new TimelineBuffer(started, onEntry);
    this.ids = workerIds(scenario.fleet);
    this.secrets = new LiveSecretScan(this.buffer, scenario.coordinator.secret);
  }

  /** A sink for `who`'s output chunks, scanned line by line. */
  private printed(who: string): (stream: 'stdout' | 'stderr', chunk: Buffer) => void {
    const sinks = { stdout: this.secrets.stream(`${who} (stdout)`), stderr: this.secrets.stream(`${who} (stderr)`) };
    return (stream, chunk) => sinks[stream](chunk);
  }

  private onEvent(mono: number, e: SystemEvent): void {
    this.buffer.event(mono, e);
    if (e.type === 'synced') this.ready.set(e.source, true);
    else if (e.type === 'disconnected' || e.type === 'backoff') this.ready.set(e.source, false);
  }

  /** Starts the coordinator and its tails, and one proxy per topology link through `proxy`. */
  async startCoordinator(proxy: FaultProxy): Promise<void> {
    this.dir = await mkdtemp(join(tmpdir(), 'squall-live-'));
    await mkdir(join(this.dir, 'data'), { recursive: true });
    this.coordinator = new CoordinatorProcess({
      ...coordinatorOptions(this.scenario, this.dir),
      onOutput: this.printed('the coordinator'),
      ...(this.coordinatorPreload === undefined ? {} : { preload: this.coordinatorPreload }),
    });
    this.coordTail = new JsonLinesTail<SystemEvent & { mono: number }>(join(this.dir, 'coordinator-events.jsonl'), ({ mono, ...e }) => this.onEvent(mono, e as SystemEvent));
    this.probeTail = new JsonLinesTail<ProbeLine>(join(this.dir, 'probe.jsonl'), (p) => {
      this.lag.push(...p.lagMs);
      this.cpu.add(p);
    }, 250);
    await this.coordinator.start();
    this.secrets.tokensKnown([{ token: this.coordinator.token, name: 'the bootstrap admin token' }]);
    this.coordTail.start();
    this.probeTail.start();
    const listen = new Map<string, string>();
    for (const p of this.topology.proxies) listen.set(p.name, (await proxy.createProxy(p.name, this.coordinator.address)).listen);
    this.configs = workerConfigs(this.scenario, (id) => `ws://${listen.get(this.topology.proxyOf.get(id) ?? '') ?? ''}`, this.seed);
  }

  /** Starts the host if it is not running and spawns these workers in it. */
  async respawnWorkers(hostName: string, workers: string[]): Promise<void> {
    let host = this.hosts.get(hostName);
    for (const w of workers) this.ready.set(w, false);
    if (host === undefined || !host.running) {
      host = new SwarmHostProcess(hostName, (e) => this.onEvent(e.mono, e.event), this.printed(`swarm host ${hostName}`));
      this.hosts.set(hostName, host);
      await host.start();
      workers = this.topology.hosts.find((h) => h.name === hostName)?.workers ?? workers;
      for (const w of workers) this.ready.set(w, false);
    }
    await host.spawnWorkers(workers.map((w) => this.configs.get(w)).filter((x): x is HostedWorkerConfig => x !== undefined));
  }

  /** Starts every host (two at a time: each is a Node process compiling TypeScript) and waits for every worker to sync. */
  async startFleet(): Promise<void> {
    const queue = [...this.topology.hosts];
    await Promise.all([0, 1].map(async () => {
      for (let h = queue.shift(); h !== undefined; h = queue.shift()) await this.respawnWorkers(h.name, h.workers);
    }));
    // Workers that never sync fail promise 10 (a liveProbe note), not the run: it goes on without them (live-probe.ts).
    const deadline = monoNow() + 30_000 + this.ids.length * 100;
    await awaitSynced(() => this.ids.filter((id) => this.ready.get(id) !== true), this.ids.length, deadline, monoNow, delay, this.note);
  }

  /** A note in the run's history, stamped now. */
  private readonly note = (value: Record<string, unknown>): void => this.buffer.note(monoNow(), value);

  allReady(): boolean {
    return this.ids.every((id) => this.ready.get(id) === true);
  }

  /** Nothing stays paused or down: the coordinator resumed or restarted, dead hosts respawned. */
  async restoreProcesses(): Promise<void> {
    this.coordinator.resume();
    // A coordinator that does not come back healthy over its data dir fails promise 7, not the run (live-probe.ts).
    if (!this.coordinator.running) await probed(this.note, 'coordinator-restart', 'durability', 'the coordinator did not come back at heal', () => this.coordinator.start());
    for (const h of this.topology.hosts) {
      const host = this.hosts.get(h.name);
      host?.resume();
      if (host === undefined || !host.running) await this.respawnWorkers(h.name, h.workers);
    }
  }

  /** Reads what the coordinator's events file holds now. */
  pollEvents(): void {
    this.coordTail?.poll();
  }

  /** Stops every process and removes the temp dir; never throws. */
  async stop(): Promise<void> {
    await Promise.all([...this.hosts.values()].map((h) => h.stop().catch(() => undefined)));
    await this.coordinator?.stop().catch(() => undefined);
    this.coordTail?.stop();
    this.probeTail?.stop();
    this.secrets.finish();
    if (this.dir !== '') await rm(this.dir, { recursive: true, force: true }).catch(() => undefined);
  }
}
