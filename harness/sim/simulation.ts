/**
 * The deterministic simulation of a whole squall deployment: a virtual clock,
 * a virtual network, seeded randomness and the real coordinator and worker
 * code as simulated processes. Same seed and same calls ⇒ same trace hash.
 *
 * Randomness: one root stream from the seed, forked per component by name:
 * `net` (links: jitter, toxicity, corruption), `coordinator`, `worker:<id>`
 * (each forked again per incarnation), and `faults` / `workload` for callers
 * (scenario runner). Adding a worker never shifts another component's draws.
 */
import { type EventSink, type SystemEvent, IllegalStateError, InvalidArgumentError, NotFoundError, silentLogger, type Logger, seededRandom, type Random } from '../../system/core/index.js';
import type { Coordinator } from '../../system/coordinator/index.js';
import type { TaskKind } from '../../system/tasks/index.js';
import type { Worker } from '../../system/worker/index.js';
import { SimResources, simTaskKinds } from './resources/sim-resources.js';
import { VirtualNetwork } from './network.js';
import type { CommitObserver } from './commit-observer.js';
import { CoordinatorProcess, WorkerProcess, twinHost, type ProcessEnv, type SimCoordinatorOptions, type SimWiring, type SimWorkerOptions } from './processes.js';
import { type BuggifyOdds, SeededBuggify } from './buggify.js';
import { MarkCounter } from './marks.js';
import { Trace, TraceKind } from './trace.js';
import { SIM_EPOCH_MS, VirtualTime } from './virtual-time.js';
import type { TieBreak } from './event-queue.js';

export interface SimulationOptions {
  seed: number;
  logger?: Logger;
  /** Where SystemEvents go besides the trace (the history recorder). */
  events?: EventSink;
  /** Task kinds for coordinator and workers (default: the built-in kinds, a worker's `container` and `command` on its host's simulated engine and process table: SimResources). */
  taskKinds?: ReadonlyMap<string, TaskKind<unknown>>;
  /** Keep every trace line in memory (to diff two runs). Default false. */
  keepTrace?: boolean;
  /** Virtual epoch ms at start (default 2030-01-01). */
  startMs?: number;
  /** Test-only: swap pieces of the real system for test doubles (see SimWiring). */
  wiring?: SimWiring;
  /** Told about the coordinator's store commits and crashes (the HistoryRecorder: commit-aware history). */
  commits?: CommitObserver;
  /** Seeded window-widening in the seams (BUGGIFY, harness/sim/buggify.ts). Default off. */
  buggify?: boolean | BuggifyOdds;
  /**
   * Order of same-instant events of different sources (harness/sim/event-queue.ts): 'fifo' (default) is
   * scheduling order, the order every earlier trace hash was made with; 'seeded' lets the seed pick it, so
   * one seed also explores an interleaving of simultaneous deliveries and timers.
   */
  tieBreak?: TieBreak;
  /** Most events the run may fire (harness/sim/step-budget.ts); past it runFor/runUntil reject with SimBudgetExceeded. Default: no cap. */
  maxSteps?: number;
}

/** Cost and speed of a run so far. */
export interface SimulationStats {
  simulatedMs: number;
  wallMs: number;
  /** simulatedMs / wallMs (time spent inside runFor/runUntil only). */
  speedup: number;
  /** CPU ms (user + system) of the simulation and the harness driving it since the previous stats(); simulatedMs / cpuMs is the speed with a core to itself. */
  cpuMs: number;
  timersFired: number;
  framesDelivered: number;
  traceLines: number;
}

/** Hostname of the coordinator on the virtual network. */
export const COORDINATOR_HOST = 'coordinator';

/** One simulated deployment; see the file header. */
export class Simulation {
  readonly seed: number;
  readonly time: VirtualTime;
  readonly trace: Trace;
  readonly random: Random;
  readonly net: VirtualNetwork;
  /** Sink the processes emit to: the trace plus options.events. */
  readonly events: EventSink;
  readonly logger: Logger;
  /** Coverage marks hit by every process of this run (system/core/marks.ts). */
  readonly marks = new MarkCounter();
  /** The run's live Buggify, or null when off (the processes then get noBuggify). */
  readonly buggify: SeededBuggify | null;
  /** Every worker host's simulated Docker engine and process table (set onRecord to hear what they do). */
  readonly resources: SimResources;
  private readonly ownKinds: boolean;
  private readonly taskKinds: ReadonlyMap<string, TaskKind<unknown>>;
  private readonly wiring: SimWiring;
  private readonly commits: CommitObserver | undefined;
  private coordinatorProcess: CoordinatorProcess | null = null;
  private readonly workerProcesses = new Map<string, WorkerProcess>();
  private wall = 0;
  private cpu = 0;
  /** CPU reading at the start of the open measured span (closed by stats()), or null. */
  private cpuSpanStart: NodeJS.CpuUsage | null = null;

  constructor(options: SimulationOptions) {
    if (!Number.isSafeInteger(options.seed)) throw new InvalidArgumentError(`seed must be a safe integer, got ${options.seed}`, 'seed');
    this.seed = options.seed;
    this.time = new VirtualTime(options.startMs ?? SIM_EPOCH_MS, { tieBreak: options.tieBreak ?? 'fifo', seed: options.seed, ...(options.maxSteps === undefined ? {} : { maxSteps: options.maxSteps }) });
    this.trace = new Trace(() => this.time.elapsed(), options.keepTrace ?? false);
    this.random = options.wiring?.random?.(options.seed) ?? seededRandom(options.seed);
    this.net = new VirtualNetwork(this.time, this.trace, this.random.fork('net'));
    this.logger = options.logger ?? silentLogger;
    this.taskKinds = options.taskKinds ?? simTaskKinds();
    this.ownKinds = options.taskKinds !== undefined;
    this.wiring = options.wiring ?? {};
    this.resources = new SimResources(this.time, this.marks, this.wiring.resources);
    this.commits = options.commits;
    const odds = options.buggify === true ? undefined : options.buggify || undefined;
    this.buggify = options.buggify ? new SeededBuggify(this.random.fork('buggify'), odds) : null;
    const user = options.events;
    const trace = this.trace;
    this.events = {
      emit(event: SystemEvent): void {
        trace.event(JSON.stringify(event));
        user?.emit(event);
      },
    };
  }

  /** Current virtual epoch ms (unskewed). */
  now(): number {
    return this.time.now();
  }

  /** Virtual ms since the start. */
  get simulatedMs(): number {
    return this.time.elapsed();
  }

  /** Real ms spent running the simulation (inside runFor/runUntil/settle). */
  get wallMs(): number {
    return this.wall;
  }

  /** SHA-256 of the canonical trace so far. */
  traceHash(): string {
    return this.trace.digest();
  }

  stats(): SimulationStats {
    if (this.cpuSpanStart !== null) {
      const cpu = process.cpuUsage(this.cpuSpanStart);
      this.cpu += (cpu.user + cpu.system) / 1000;
      this.cpuSpanStart = null;
    }
    const simulatedMs = this.simulatedMs;
    const speedup = this.wall > 0 ? simulatedMs / this.wall : Infinity;
    return { simulatedMs, wallMs: this.wall, speedup, cpuMs: this.cpu, timersFired: this.time.steps, framesDelivered: this.trace.frames, traceLines: this.trace.count };
  }

  /** Advances virtual time by ms, running everything that comes due. */
  async runFor(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new InvalidArgumentError(`runFor(ms) needs ms >= 0, got ${ms}`, 'ms');
    await this.timed(() => this.time.runUntil(this.time.now() + ms));
  }

  /**
   * Runs until predicate() holds or maxMs of virtual time passed; returns
   * whether it held. The predicate is checked between timer firings.
   */
  async runUntil(predicate: () => boolean, opts: { maxMs: number }): Promise<boolean> {
    return this.timed(() => this.time.runUntil(this.time.now() + opts.maxMs, predicate));
  }

  /** Runs the simulation until the promise settles (at most maxMs virtual); returns its value. */
  async settle<T>(promise: Promise<T>, maxMs = 600_000): Promise<T> {
    let done = false;
    const watched = promise.finally(() => {
      done = true;
    });
    watched.catch(() => {});
    await this.runUntil(() => done, { maxMs });
    if (!done) throw new IllegalStateError(`operation did not complete within ${maxMs} ms of simulated time`);
    return watched;
  }

  /** Records a free-form line in the trace (scenario steps, checks). */
  note(...fields: (string | number)[]): void {
    this.trace.record(TraceKind.Note, ...fields);
  }

  // ---- coordinator -------------------------------------------------------

  /** The coordinator process (spawned or not). */
  get coordinator(): CoordinatorProcess {
    if (this.coordinatorProcess === null) throw new IllegalStateError('no coordinator: call spawnCoordinator() first');
    return this.coordinatorProcess;
  }

  /** The live coordinator instance (its .engine is the embedding API). */
  get coordinatorInstance(): Coordinator {
    const c = this.coordinator.instance;
    if (c === null) throw new IllegalStateError('the coordinator is down (killed and not restarted)');
    return c;
  }

  /** Starts the coordinator on host `coordinator`; runs the simulation until it listens. */
  async spawnCoordinator(options: SimCoordinatorOptions = {}): Promise<Coordinator> {
    if (this.coordinatorProcess !== null) throw new IllegalStateError('spawnCoordinator() called twice; use restartCoordinator()');
    this.coordinatorProcess = new CoordinatorProcess(this.net.host(COORDINATOR_HOST), this.env('coordinator'), options);
    return this.settle(this.coordinatorProcess.start());
  }

  /** kill -9 of the coordinator: uncommitted store operations are lost. */
  killCoordinator(): void {
    this.coordinator.kill();
  }

  /** Kills (if running) and starts a new coordinator over the committed state, same address. */
  async restartCoordinator(): Promise<Coordinator> {
    const p = this.coordinator;
    if (p.host.state !== 'down') p.kill();
    return this.settle(p.start());
  }

  // ---- workers -----------------------------------------------------------

  /** Starts a worker process (host named by its id; `workerId`: the id it registers with, default the same) connecting to the coordinator. */
  spawnWorker(id: string, options: SimWorkerOptions = {}, workerId = id): Worker {
    if (this.workerProcesses.has(id)) throw new IllegalStateError(`worker ${id} already spawned; use restartWorker()`);
    if (id === COORDINATOR_HOST) throw new InvalidArgumentError(`worker id '${id}' is the coordinator's host name`, 'id');
    const plain = options.coordinatorUrl ?? this.coordinatorProcess?.url ?? `ws://${COORDINATOR_HOST}:7000`;
    // A worker given a CA dials wss:// as a deployment would (the virtual network carries both alike; its connect options are recorded).
    const url = options.config?.tlsCa === undefined ? plain : plain.replace(/^ws:/, 'wss:');
    const p = new WorkerProcess(id, this.net.host(id), this.env(`worker:${id}`), url, options, workerId);
    this.workerProcesses.set(id, p);
    return p.start();
  }

  /** A second live process with worker `id`'s id and options, on host twinHost(id) (an operator's mistake): the coordinator replaces the older connection (4409). */
  spawnTwin(id: string): WorkerProcess {
    const { coordinatorUrl, options } = this.worker(id);
    const p = new WorkerProcess(twinHost(id), this.net.host(twinHost(id)), this.env(`worker:${twinHost(id)}`), coordinatorUrl, options, id);
    p.start();
    return p;
  }

  /** The worker process with this id. */
  worker(id: string): WorkerProcess {
    const p = this.workerProcesses.get(id);
    if (p === undefined) throw new NotFoundError(`no worker '${id}'; spawned: ${[...this.workerProcesses.keys()].join(', ') || 'none'}`);
    return p;
  }

  /** Ids of all spawned workers, in spawn order. */
  workerIds(): string[] {
    return [...this.workerProcesses.keys()];
  }

  killWorker(id: string): void {
    this.worker(id).kill();
  }

  /** Kills (if running) and starts a new incarnation of the worker. */
  restartWorker(id: string): Worker {
    const p = this.worker(id);
    p.kill();
    return p.start();
  }

  /** SIGSTOP: no timer fires and nothing is received until resumeWorker. */
  pauseWorker(id: string): void {
    this.worker(id).host.pause();
  }

  /** SIGCONT. */
  resumeWorker(id: string): void {
    this.worker(id).host.resume();
  }

  /** Pause/resume/skew of any host, coordinator included. */
  host(name: string): ReturnType<VirtualNetwork['host']> {
    return this.net.host(name);
  }

  /** Wall-clock offset of a host in ms (kept across restarts). */
  setClockSkew(hostName: string, skewMs: number): void {
    this.net.host(hostName).skew = skewMs;
  }

  private env(component: string): ProcessEnv {
    const env: ProcessEnv = { random: this.random.fork(component), logger: this.logger, events: this.events, taskKinds: this.taskKinds, wiring: this.wiring, marks: this.marks, answered: (req, res) => this.net.onHttpAnswer?.(req, res), claimed: (w, id) => this.net.onClaim?.(w, id) };
    if (this.buggify !== null) env.buggify = this.buggify;
    if (!this.ownKinds) env.workerKinds = (host, secret) => this.resources.kindsFor(host, secret);
    if (this.commits !== undefined) env.commits = this.commits;
    return env;
  }

  private async timed<T>(fn: () => Promise<T>): Promise<T> {
    const started = performance.now();
    // One CPU reading per measured span, not two per call: a scenario makes thousands of short
    // runFor calls, and process.cpuUsage() cost up to 6% of a 2,000-worker herd's profile.
    this.cpuSpanStart ??= process.cpuUsage();
    try {
      return await fn();
    } finally {
      this.wall += performance.now() - started;
    }
  }
}
