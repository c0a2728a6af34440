/**
 * Runs a scenario against real processes (live-system.ts): a coordinator
 * child, swarm hosts with the fleet, every worker behind a fault proxy. The
 * schedule, faults, heal and convergence are the shared driver's
 * (harness/scenario/driver.ts), as in simulation; this file is the live
 * ModeAdapter: wall-clock time, submissions over the coordinator's HTTP API
 * (an execution counts as acknowledged only once its 201 arrived), faults on
 * the proxy and on processes (live-faults.ts), convergence read over HTTP.
 *
 * Before any process starts, the fault proxy is checked: reachable (else
 * ProxyUnreachableError naming the URL and the cause) and able to apply
 * every fault of the run (else FaultsRefusedError naming each fault, the
 * proxy and its answer); see preflight.ts.
 *
 * The outcome carries the stamped history (timeline-buffer.ts) and the final
 * state read over HTTP; runner.ts checks both.
 */
import { seededRandom } from '../../system/core/index.js';
import { plannedExecutions } from '../scenario/run-guards.js';
import { datedAt, expandWorkload } from '../scenario/workload.js';
import { connectFaultProxy, type FaultProxy } from '../proxy/client.js';
import { type AckedExecution, driveScenario, type ModeAdapter, type RefusedFault, type RunRecorder, runSwarm, runTimeline, type SubmitHandlers } from '../scenario/driver.js';
import type { Scenario } from '../scenario/schema.js';
import type { ScheduledFault } from '../scenario/swarm.js';
import type { Submission } from '../scenario/workload.js';
import { readSettled } from './live-reads.js';
import { noteProbeFailure } from './live-probe.js';
import { CoordinatorHttp, fetchCall, type ExecutionView, type HttpCall, submitBody, TERMINAL, type WorkerView } from '../scenario/http-client.js';
import { applyLiveFault, type LiveFaultContext } from './live-faults.js';
import { LiveSystem } from './live-system.js';
import type { HostCommand } from './swarm-host.js';
import { preflight } from './preflight.js';
import { delay, monoNow } from '../proc/index.js';
import { startRunProxy } from './proxy-host-process.js';
import type { TimelineBuffer, TimelineEntry } from './timeline-buffer.js';
import { planTopology, type Topology } from './topology.js';
import { refuseSimOnlyFields } from '../scenario/run-extras.js';

export interface LiveRunOptions {
  seed?: number;
  /** Swarm schedule instead of sampling it from the seed. */
  swarm?: ScheduledFault[];
  /** Progress lines (stderr by the CLI). */
  log?: (line: string) => void;
  /** Submissions in flight at most (default 32). */
  maxInflightSubmissions?: number;
  /** Fault proxy API URL; default TOXIPROXY_URL, else our proxy in a child process. */
  proxyUrl?: string;
  /** Test-only: rewrites a submission's HTTP body before it is sent (a broken client or system, tests/live). The history keeps what the scenario asked for. */
  wiring?: {
    submitBody?: (body: unknown, graph: boolean) => unknown;
    /** Test-only: a module the coordinator process preloads (`node --import`), planting a defect in the real process (tests/live). */
    coordinatorPreload?: string;
  };
  /** Watches the run as it happens (the `--ui` page); never changes it. */
  observer?: LiveRunObserver;
}

/** Callbacks for watching a live run (harness/live/ui). */
export interface LiveRunObserver {
  /** Every stamped entry as it is recorded: events, submissions, faults, phases. */
  onEntry?(entry: TimelineEntry, t0: number): void;
  /** The run's buffer, once, before anything is recorded (the page re-checks its prefix for safety violations). */
  onBuffer?(buffer: TimelineBuffer): void;
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
  /** Executions the workload planned to submit (the run guards compare it with what was acknowledged). */
  planned: number;
  /** Ids of faults applied, and faults refused (the run stopped at the first refusal). */
  applied: string[];
  refusedFaults: RefusedFault[];
  /** The fault proxy's API URL and whether it is an external Toxiproxy. */
  proxy: { url: string; external: boolean };
  /** Acknowledged executions and what each must end as. */
  acked: Map<string, AckedExecution>;
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

function bufferRecorder(buffer: TimelineBuffer): RunRecorder {
  return {
    invoke: (v) => buffer.invoke(monoNow(), v),
    ok: (k, ids) => buffer.ok(monoNow(), k, ids),
    fail: (k, e, indeterminate) => buffer.fail(monoNow(), k, e, indeterminate),
    fault: (phase, details) => buffer.fault(monoNow(), phase, details),
    phase: (p) => buffer.phase(monoNow(), p),
    note: (v) => buffer.note(monoNow(), v),
    read: (executions) => buffer.read(monoNow(), executions),
  };
}

/** HTTP submissions, at most `max` in flight: a slow coordinator backs the client off instead of piling up timeouts. */
class SubmitQueue {
  private readonly queue: [Submission, SubmitHandlers][] = [];
  readonly inflight = new Set<Promise<void>>();
  constructor(
    private readonly http: CoordinatorHttp,
    private readonly max: number,
    private readonly rewrite: (body: unknown, graph: boolean) => unknown,
  ) {}
  get idle(): boolean {
    return this.queue.length === 0 && this.inflight.size === 0;
  }
  push(s: Submission, h: SubmitHandlers): void {
    this.queue.push([s, h]);
    this.pump();
  }
  private pump(): void {
    while (this.queue.length > 0 && this.inflight.size < this.max) this.send(...this.queue.shift()!);
  }
  private send(sub: Submission, h: SubmitHandlers): void {
    h.begin();
    // The coordinator runs on this machine's clock (live runs are local).
    const s = datedAt(sub, Date.now());
    const graph = s.type === 'graph';
    const p = this.http.submit(this.rewrite(submitBody(s), graph), s.type, s.client).then((r) => {
      if (r.ok) h.ok(r.executionIds);
      else h.fail({ code: r.code, message: r.message, ...(r.status === undefined ? {} : { status: r.status }) }, r.indeterminate);
    });
    this.inflight.add(p);
    void p.finally(() => {
      this.inflight.delete(p);
      this.pump();
    });
  }
}

/** Live state after heal: every acknowledged execution terminal and every worker synced and connected. */
async function liveConvergence(sys: LiveSystem, http: CoordinatorHttp, acked: ReadonlyMap<string, AckedExecution>, until: number, t0: number): Promise<boolean> {
  while (monoNow() - t0 < until) {
    try {
      const byId = new Map((await http.listExecutions()).map((e) => [e.executionId, e]));
      const workers = await http.workers();
      const allTerminal = [...acked.keys()].every((id) => TERMINAL.has(byId.get(id)?.status ?? ''));
      const allBack = sys.allReady() && sys.ids.every((id) => workers.find((w) => w.id === id)?.state === 'connected');
      if (allTerminal && allBack) return true;
    } catch {
      // coordinator restarting: try again
    }
    await delay(1000);
  }
  return false;
}

interface LiveState {
  t0: number;
  executions: ExecutionView[];
  workers: WorkerView[];
}

/**
 * The final read: every execution's status, the workers, and promise 29's
 * listing and stats reads, kept only if nothing moved meanwhile.
 */
export async function liveFinalStatuses(sys: LiveSystem, http: CoordinatorHttp, call: HttpCall, st: LiveState, ids: string[]): Promise<Record<string, string | null>> {
  try {
    const settled = await readSettled(() => http.listExecutions(), call, sys.coordinator.token, ids.length);
    st.executions = settled.executions;
    sys.buffer.note(monoNow(), settled.reads === null ? { apiReadsSkipped: `the executions kept changing over ${settled.tries} tries` } : { apiReads: settled.reads });
    st.workers = await http.workers();
  } catch (err) {
    // No answer the client could read fails promise 29 (a liveProbe note), not silently (live-probe.ts).
    noteProbeFailure((v) => sys.buffer.note(monoNow(), v), { probe: 'final-read', promise: 'api-contract', message: `the end-of-run HTTP reads (listing, stats, workers) failed: ${String(err)}` });
  }
  sys.pollEvents();
  const byId = new Map(st.executions.map((e) => [e.executionId, e.status]));
  return Object.fromEntries(ids.map((id) => [id, byId.get(id) ?? null]));
}

/** The live ModeAdapter (see driver.ts). */
function liveMode(sys: LiveSystem, proxy: FaultProxy, st: LiveState, opts: LiveRunOptions): ModeAdapter {
  const call = fetchCall(() => sys.coordinator.httpUrl, (method, path, status, body) => sys.secrets.answered(method, path, status, body));
  const http = new CoordinatorHttp(call, () => sys.coordinator.token);
  const queue = new SubmitQueue(http, opts.maxInflightSubmissions ?? 32, opts.wiring?.submitBody ?? ((b) => b));
  const ctx: LiveFaultContext = {
    scenario: sys.scenario, topology: sys.topology, proxy, coordinator: sys.coordinator, hosts: sys.hosts,
    respawnWorkers: (h, w) => sys.respawnWorkers(h, w),
    note: (value) => sys.buffer.note(monoNow(), value),
  };
  const hostsCommand = (cmd: HostCommand): Promise<void> =>
    Promise.all([...sys.hosts.values()].map((h) => h.command(cmd).catch(() => undefined))).then(() => undefined);
  const flood = sys.scenario.workload.flood;
  return {
    recorder: bufferRecorder(sys.buffer),
    faultSteps: 'chained',
    now: () => monoNow() - st.t0,
    sleepUntil: async (t) => {
      const wait = st.t0 + t - monoNow();
      if (wait > 0) await delay(wait);
    },
    submit: (s, h) => queue.push(s, h),
    scheduleExtras: (at, faultsMs) => {
      if (flood === undefined) return;
      at(0, () => hostsCommand({ cmd: 'flood', messagesPerSec: flood.messagesPerSec, bytes: flood.bytes }));
      if (flood.during === 'faults') at(faultsMs, () => hostsCommand({ cmd: 'flood', messagesPerSec: 0, bytes: 0 }));
    },
    applyFault: (fault, id) => applyLiveFault(ctx, fault, id),
    restoreAll: async () => {
      await sys.restoreProcesses();
      await proxy.reset().catch(() => undefined);
    },
    drainSubmissions: async (t) => {
      while (!queue.idle && monoNow() - st.t0 < t) await delay(50);
    },
    awaitConvergence: (acked, t) => liveConvergence(sys, http, acked, t, st.t0),
    finalStatuses: (ids) => liveFinalStatuses(sys, http, call, st, ids),
    ...(opts.log === undefined ? {} : { log: (l: string) => opts.log?.(`live: ${l}`) }),
  };
}

/** Runs the scenario live; always cleans up its processes and temp dir. */
export async function runScenarioLive(scenario: Scenario, opts: LiveRunOptions = {}): Promise<LiveRunOutcome> {
  refuseSimOnlyFields(scenario, 'live');
  const seed = opts.seed ?? scenario.seed;
  const started = monoNow();
  const swarm = runSwarm(scenario, seed, opts.swarm);
  const topology = planTopology(scenario, runTimeline(scenario, swarm));
  const proxyHost = await startRunProxy(seed, opts.proxyUrl);
  const sys = new LiveSystem(scenario, topology, seed, started, (entry) => opts.observer?.onEntry?.(entry, started), opts.wiring?.coordinatorPreload);
  opts.observer?.onBuffer?.(sys.buffer);
  let proxy: FaultProxy | undefined;
  try {
    proxy = await connectFaultProxy({ url: proxyHost.url });
    await preflight(proxy, scenario, swarm);
    await sys.startCoordinator(proxy);
    opts.observer?.onCoordinator?.(sys.coordinator.httpUrl);
    await sys.startFleet();
    opts.log?.(`live: coordinator ${sys.coordinator.httpUrl}, ${topology.hosts.length} swarm host(s), ${topology.proxies.length} proxies on ${proxy.url}, ${sys.ids.length} workers`);
    const st: LiveState = { t0: monoNow(), executions: [], workers: [] };
    const d = await driveScenario(scenario, liveMode(sys, proxy, st, opts), { seed, swarm });
    const healMono = st.t0 + d.healedAt;
    return {
      scenario, seed, t0: st.t0, healMono, healEpoch: Date.now() - (monoNow() - healMono), wallMs: monoNow() - started, buffer: sys.buffer, topology,
      faults: d.faults, planned: plannedExecutions(expandWorkload(scenario, seededRandom(seed).fork('workload'))), applied: d.applied, refusedFaults: d.refused, proxy: { url: proxy.url, external: proxyHost.external },
      acked: d.acked, refused: d.refusedSubmissions, indeterminate: d.indeterminate, executions: st.executions, workers: st.workers,
      convergedAfterMs: d.convergedAfterMs, coordinatorRestarts: sys.coordinator.starts - 1, loopLagMs: sys.lag, cpuPercent: sys.cpu.percent(),
    };
  } finally {
    await sys.stop();
    await proxy?.close().catch(() => undefined);
    await proxyHost.stop().catch(() => undefined);
  }
}
