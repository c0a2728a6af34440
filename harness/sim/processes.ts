/**
 * The simulated processes: the REAL coordinator (createCoordinator over a
 * MemoryStore) and REAL workers (system/worker), each bound to its host's
 * seams: the host's ProcessClock, its Transport on the virtual network, a
 * seeded Random stream per incarnation, and a Cpu that waits on virtual time.
 * Kill = kill -9 (timers cancelled, sockets vanish, the store loses what was
 * not committed); restart = a new incarnation on the same address.
 */
import { type Clock, type EventSink, type Buggify, type Logger, type Marks, type Random, type HttpHandler, type HttpRequest, type HttpResponse } from '../../system/core/index.js';
import {
  createCoordinator,
  startCoordinator,
  type Coordinator,
  type CoordinatorConfig,
  type CoordinatorPolicies,
  type EngineFactory,
  type TokenStore,
} from '../../system/coordinator/index.js';
import { FaultyStore, type StoreFaultMode, MemoryStore, type Store } from '../../system/store/index.js';
import type { TaskKind } from '../../system/tasks/index.js';
import { type WorkerConfig, Worker, type WorkerDeps } from '../../system/worker/index.js';
import { type CommitObserver, observeCommits } from './commit-observer.js';
import { SimSqliteStore } from './sim-sqlite-store.js';
import type { Host } from './host.js';
import { noRealProcess, type ResourceWiring } from './resources/sim-resources.js';
import { virtualCpu } from './virtual-cpu.js';
import { StreamCounter } from './idle-gauges.js';
import { viaServerPlumbing } from './http-plumbing.js';

/** How long the simulated supervisor waits before starting a coordinator whose start failed. */
export const RESTART_RETRY_MS = 1000;

/**
 * Test-only wiring: swaps one piece of the real system for a test double, so
 * tests can prove the checker catches a deliberately broken variant
 * (tests/sim/broken-variants.test.ts). Nothing in system/ knows about it;
 * every member is optional and absent means the production piece.
 */
export interface SimWiring {
  /** The run's root Random in place of seededRandom(seed) (a broken pool: tests/sim/broken-rand14.test.ts). */
  random?: (seed: number) => Random;
  /** Builds the coordinator's engine instead of createCoordinator's real Engine. */
  engineFactory?: EngineFactory;
  /** Wraps the coordinator's store: the simulated disk (a FaultyStore over the MemoryStore); clock is the coordinator's. */
  wrapStore?: (store: Store, clock: Clock) => Store;
  /** Rewrites a worker's deps (task kinds, transport, backoff...) before each incarnation starts. */
  workerDeps?: (id: string, deps: WorkerDeps) => WorkerDeps;
  /** Rewrites a worker's config (id, url, ...) before each incarnation starts. */
  workerConfig?: (id: string, config: WorkerConfig) => WorkerConfig;
  /** Sees each worker incarnation right after construction, before start(). */
  onWorker?: (id: string, worker: Worker) => void;
  /** The MemoryStore's group-commit delay on virtual time, overriding the coordinator option (a slow disk). */
  commitDelayMs?: number;
  /** Wraps the coordinator's API token store (each incarnation). */
  wrapTokens?: (tokens: TokenStore) => TokenStore;
  /** Coordinator policies in place of the real ones (system/coordinator/policies.ts): a broken status table, scope rule, quota or session. */
  coordinatorPolicies?: Partial<CoordinatorPolicies>;
  /** Wraps the coordinator's HTTP handler (each incarnation): a route that answers with the wrong status. */
  wrapHttp?: (handle: HttpHandler) => HttpHandler;
  /** Rewrites a worker's simulated Docker client or spawn (the container and command kinds' seams, harness/sim/resources). */
  resources?: ResourceWiring;
}

/** What every simulated process gets from the simulation. */
export interface ProcessEnv {
  random: Random;
  logger: Logger;
  events: EventSink;
  taskKinds: ReadonlyMap<string, TaskKind<unknown>>;
  /** A worker incarnation's own kinds (container and command on its host's simulated engine and process table); absent: taskKinds. */
  workerKinds?: (host: Host, secret: string | undefined) => ReadonlyMap<string, TaskKind<unknown>>;
  wiring: SimWiring;
  /** Told when the coordinator's store operations are staged, committed, and lost to a crash. */
  commits?: CommitObserver;
  /** The run's coverage-mark counter. */
  marks: Marks;
  /** The run's live Buggify (absent: off, the processes get noBuggify). */
  buggify?: Buggify;
  /** Hear every HTTP answer the coordinator gives and each claim at its instant (VirtualNetwork.onHttpAnswer, onClaim). */
  answered?: (req: HttpRequest, res: HttpResponse) => void;
  claimed?: (workerId: string, executionId: string) => void;
}

/** Coordinator options in the simulation. */
export interface SimCoordinatorOptions {
  /** Listen port on the `coordinator` host (default 7000). */
  port?: number;
  /** Group-commit delay of the store on virtual time; > 0 lets a crash land between op and commit (default 2). */
  commitDelayMs?: number;
  /** 'memory' (default): the MemoryStore; 'sqlite': the production SQLite store in a temp file (SimSqliteStore). */
  store?: 'memory' | 'sqlite';
  /** With store 'sqlite': its worker thread, simulated (each group commits 1..this many ms after it is sent); absent: no thread. */
  sqliteThreadMs?: number;
  config?: Omit<CoordinatorConfig, 'port'>; // host: the listen address it is told (default the host's name; reached by name either way)
  /** The HTTP API's tokens (config.apiAuth 'token'): kept across incarnations, as the token file in a data dir is. */
  tokens?: TokenStore;
}

/** The coordinator process and its durable store across incarnations. */
export class CoordinatorProcess {
  /** The live coordinator (null while down or starting). */
  instance: Coordinator | null = null;
  /** The store of the current incarnation; its durable state survives kills. */
  store: MemoryStore | SimSqliteStore | null = null;
  /** The store as the current incarnation was given it (the disk, observed, any wiring): what its stop closes. */
  handedStore: Store | null = null;
  /** The disk's condition: outlives incarnations (a full disk is still full after a restart). */
  private diskMode: StoreFaultMode = { type: 'ok' };
  private disk: FaultyStore | null = null;
  /** Called once when the running incarnation dies (onDeath). */
  private readonly deathWatchers = new Set<() => void>();
  readonly port: number;
  /** Intervals the current incarnation had armed when it started listening. */
  bootIntervals = 0;
  /** Streaming responses the current incarnation's clients hold open. */
  streams = new StreamCounter();

  constructor(
    readonly host: Host,
    private readonly env: ProcessEnv,
    readonly options: SimCoordinatorOptions,
  ) {
    this.port = options.port ?? 7000;
  }

  /** ws://coordinator:port, what workers connect to. */
  get url(): string {
    return `ws://${this.host.name}:${this.port}`;
  }

  /** Boots a new incarnation over the committed state; resolves when it listens. */
  async start(): Promise<Coordinator> {
    this.host.boot();
    const [incarnation, clock] = [this.host.incarnation, this.host.clock];
    const buggify = this.env.buggify === undefined ? {} : { buggify: this.env.buggify };
    const { engineFactory, wrapStore } = this.env.wiring;
    const commitDelayMs = this.env.wiring.commitDelayMs ?? this.options.commitDelayMs ?? 2;
    this.store = this.openStore(clock, commitDelayMs, buggify);
    const disk = this.wrapDisk(this.store, clock, incarnation);
    // Outside the disk: writes a storage fault refuses are seen failing (harness/check/write-keys.ts).
    const observed = this.env.commits === undefined ? disk : observeCommits(disk, this.env.commits);
    this.handedStore = wrapStore === undefined ? observed : wrapStore(observed, clock);
    const deps = {
      transport: this.host.transport,
      clock,
      random: this.env.random.fork(`incarnation-${incarnation}`),
      logger: this.env.logger.child({ process: this.host.name, incarnation }),
      events: this.env.events,
      store: this.handedStore,
      taskKinds: this.env.taskKinds,
      marks: this.env.marks,
      // Every RTT sample traced (rtt_sampled): promise 10 recomputes each side's estimator from them (promises-rtt.ts).
      traceRtt: true,
      ...buggify,
      ...(this.options.tokens === undefined ? {} : { tokens: this.env.wiring.wrapTokens?.(this.options.tokens) ?? this.options.tokens }),
      ...(this.env.wiring.coordinatorPolicies === undefined ? {} : { policies: this.env.wiring.coordinatorPolicies }),
    };
    // The virtual network is reachable from nothing outside this process: the host name is not an exposure.
    const config = { insecure: true, host: this.host.name, ...this.options.config, port: this.port };
    const coordinator = await (engineFactory === undefined ? createCoordinator(deps, config) : startCoordinator(deps, config, engineFactory));
    if (this.env.claimed !== undefined) coordinator.engine.addPreExecutionHook((x) => void (x.lease === undefined ? undefined : this.env.claimed?.(x.lease.workerId, x.executionId)));
    const wrapHttp = this.env.wiring.wrapHttp;
    // Promise 35's idle baseline (idle-gauges.ts): the intervals armed once listening, and the streams clients hold open.
    this.bootIntervals = clock.liveIntervals;
    this.streams = new StreamCounter();
    // Bodies and streams through the real server's plumbing (http-plumbing.ts), outside any broken variant's wrapper.
    const plumbed = viaServerPlumbing(wrapHttp === undefined ? coordinator.handleHttp : wrapHttp(coordinator.handleHttp), this.env.random.fork(`http-bytes-${incarnation}`));
    const handleHttp = this.streams.wrap(plumbed, this.env.answered);
    const wired = { ...coordinator, handleHttp, wireLine: this }; // wireLine: the process (http-answer.ts)
    if (this.host.isAlive(incarnation)) this.instance = wired;
    return wired;
  }

  /**
   * start() as a supervisor runs it (systemd `Restart=on-failure`, a Docker
   * restart policy): a start that fails (its store cannot commit while the
   * disk fails) ends the process, and it is started again RESTART_RETRY_MS
   * later, until one start succeeds. `failed` hears each failed try.
   */
  startSupervised(failed: (err: unknown) => void): void {
    this.start().catch((err: unknown) => {
      failed(err);
      this.kill();
      this.host.supervise(RESTART_RETRY_MS, () => {
        if (this.host.state === 'down') this.startSupervised(failed);
      });
    });
  }

  /** Sets the disk's condition (storage faults); applies to this and later incarnations. */
  setDiskMode(mode: StoreFaultMode): void {
    this.diskMode = mode;
    // On SQLite the database's own disk fails whole commits (sim-sqlite-store.ts): in front of it only slow_disk applies.
    this.disk?.setMode(this.store instanceof SimSqliteStore && mode.type !== 'slow_disk' ? { type: 'ok' } : mode);
  }

  private wrapDisk(store: Store, clock: Clock, incarnation: number): Store {
    this.disk = new FaultyStore(store, clock, this.env.random.fork(`disk-${incarnation}`));
    this.setDiskMode(this.diskMode);
    return this.disk;
  }

  private openStore(clock: Clock, commitDelayMs: number, buggify: { buggify?: Buggify }): MemoryStore | SimSqliteStore {
    if (this.store instanceof MemoryStore) return this.store.reopen({ clock, commitDelayMs, ...buggify });
    const [ms, n, random] = [this.options.sqliteThreadMs, this.host.incarnation, this.env.random];
    const sqlite = { clock, commitDelayMs, disk: { mode: () => this.diskMode, random: random.fork(`sqlite-disk-${n}`) }, ...(ms === undefined ? {} : { thread: { random: random.fork(`sqlite-thread-${n}`), maxCommitMs: ms } }) };
    return this.store !== null ? this.store.reopen(sqlite) : this.options.store === 'sqlite' ? SimSqliteStore.create(sqlite) : new MemoryStore({ clock, commitDelayMs, ...buggify });
  }

  /** Frees what the store holds outside the simulation (the SQLite temp file). */
  dispose(): void {
    if (this.store instanceof SimSqliteStore) this.store.dispose();
  }

  /** Calls `fn` when the running incarnation dies (kill -9): its clients' requests go unanswered. Returns the cancel. */
  onDeath(fn: () => void): () => void {
    this.deathWatchers.add(fn);
    return () => void this.deathWatchers.delete(fn);
  }

  /** kill -9: timers and sockets die; the store loses uncommitted operations. */
  kill(): void {
    // Harness-side mark: the crash lands inside a commit window (acks for these operations must not have left).
    if (this.host.state !== 'down' && (this.store?.stagedCount ?? 0) > 0) this.env.marks.hit('sim.crash-in-commit-window');
    this.host.kill();
    this.store?.crash();
    this.env.commits?.crashed();
    this.instance = null;
    const watchers = [...this.deathWatchers];
    this.deathWatchers.clear();
    for (const fn of watchers) fn();
  }
}

/** Worker options in the simulation. */
export interface SimWorkerOptions {
  /** Worker config apart from id and coordinatorUrl (filled in by the simulation). */
  config?: Omit<WorkerConfig, 'id' | 'coordinatorUrl'>;
  /** The URL the worker dials instead of the coordinator's own (a path, a reverse proxy's port). */
  coordinatorUrl?: string;
}

/** The host of worker `id`'s twin (a second live process with its id, Simulation.spawnTwin). */
export function twinHost(id: string): string {
  return `${id}.twin`;
}

/** One worker process across incarnations. */
export class WorkerProcess {
  /** The live worker (null while down). */
  instance: Worker | null = null;

  /** `workerId`: the id it registers with; by default its host's name `id` (a twin's is another process's, simulation.ts spawnTwin). */
  constructor(
    readonly id: string,
    readonly host: Host,
    private readonly env: ProcessEnv,
    readonly coordinatorUrl: string,
    /** Replaced by a restart with other flags (a restart fault's args, faults-sim.ts). */
    public options: SimWorkerOptions,
    readonly workerId: string = id,
  ) {}

  /** Boots a new incarnation and starts connecting. */
  start(): Worker {
    this.host.boot();
    const incarnation = this.host.incarnation;
    const clock = this.host.clock;
    const deps: WorkerDeps = {
      transport: this.host.transport,
      clock,
      random: this.env.random.fork(`incarnation-${incarnation}`),
      logger: this.env.logger.child({ process: this.id, incarnation }),
      events: this.env.events,
      cpu: virtualCpu(clock, this.host),
      spawn: noRealProcess,
      taskKinds: this.env.workerKinds?.(this.host, this.options.config?.secret) ?? this.env.taskKinds,
      marks: this.env.marks,
      traceRtt: true,
      ...(this.env.buggify === undefined ? {} : { buggify: this.env.buggify }),
    };
    const { workerDeps, workerConfig, onWorker } = this.env.wiring;
    // Virtual network (see the coordinator above): a secret-less worker may talk to the host "coordinator".
    const config: WorkerConfig = { insecure: true, ...this.options.config, id: this.workerId, coordinatorUrl: this.coordinatorUrl };
    const worker = new Worker(
      workerDeps === undefined ? deps : workerDeps(this.workerId, deps),
      workerConfig === undefined ? config : workerConfig(this.workerId, config),
    );
    onWorker?.(this.workerId, worker);
    this.instance = worker;
    worker.start();
    return worker;
  }

  /** kill -9. */
  kill(): void {
    this.host.kill();
    this.instance = null;
  }
}
