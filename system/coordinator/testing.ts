/**
 * Test doubles for coordinator unit tests: a FakeEngine that records what the
 * coordinator asked of it and lets a test decide when commits resolve.
 */
import type { ExecutionId, LeaseToken, WorkerId } from '../core/ids.js';
import { asExecutionId, asLeaseToken, asSessionId, asTaskId, asWorkerId } from '../core/ids.js';
import type { AssignmentSpec, BreakerState, Dispatcher, EngineCounts, ExecutionSpec, ResultReport, ResultVerdict, SubmitOutcome } from '../engine/contract.js';
import type { StoreHealthStatus } from '../engine/store-health.js';
import { EXECUTION_STATUSES, type ExecutionRecord } from '../core/model.js';
import { makeExecutionRecord } from '../store/testing.js';
import type { Clock, TimerHandle } from '../core/clock.js';
import type { ToWorker } from '../protocol/messages.js';
import { noBuggify } from '../core/buggify.js';
import { silentLogger } from '../core/logger.js';
import { noMarks } from '../core/marks.js';
import { seededRandom } from '../core/random.js';
import { Admission } from './admission.js';
import { resolveCoordinatorConfig } from './config.js';
import type { CoordinatorContext, CoordinatorEngine, EventBody, LiveConnection } from './context.js';
import { CoordinatorMetrics } from './metrics.js';
import { DEFAULT_POLICIES } from './policies.js';
import { WorkerRegistry } from './registry.js';
import { SendBacklog } from './send-backlog.js';
import { Session } from './session.js';

/** A promise with its resolver exposed. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Minimal engine: a FIFO of ready executions, leases per worker, controllable commits. */
export class FakeEngine implements CoordinatorEngine {
  readonly ready: { id: string; kind: string }[] = [];
  readonly leases = new Map<string, { workerId: WorkerId; token: string; attempt: number }>();
  readonly calls: { method: string; args: unknown[] }[] = [];
  readonly records = new Map<string, ExecutionRecord>();
  dispatcher: Dispatcher | undefined;
  /** When set, commits wait for the test to resolve them. */
  holdCommits = false;
  readonly held: ReturnType<typeof deferred<void>>[] = [];
  private tokens = 0;

  add(id: string, kind = 'sleep'): void {
    this.ready.push({ id, kind });
    this.records.set(id, makeExecutionRecord({ executionId: asExecutionId(id), taskId: asTaskId(id), kind, params: {}, createdAt: 0 }));
    this.dispatcher?.wake();
  }

  private commit(): Promise<void> {
    if (!this.holdCommits) return Promise.resolve();
    const d = deferred<void>();
    this.held.push(d);
    return d.promise;
  }

  setDispatcher(d: Dispatcher): void {
    this.dispatcher = d;
  }

  claimNext(workerId: WorkerId, kinds: ReadonlySet<string>): { assignment: AssignmentSpec; committed: Promise<void> } | undefined {
    const i = this.ready.findIndex((r) => kinds.has(r.kind));
    if (i < 0) return undefined;
    const [r] = this.ready.splice(i, 1);
    if (r === undefined) return undefined;
    this.tokens += 1;
    const token = `ls_${this.tokens}`;
    this.leases.set(r.id, { workerId, token, attempt: 1 });
    this.calls.push({ method: 'claimNext', args: [workerId, r.id] });
    const assignment: AssignmentSpec = {
      executionId: asExecutionId(r.id),
      attempt: 1,
      leaseToken: asLeaseToken(token),
      kind: r.kind,
      params: { durationMs: 1 },
      timeoutMs: undefined,
      checkpoint: undefined,
    };
    return { assignment, committed: this.commit() };
  }

  onStarted(executionId: ExecutionId, attempt: number, leaseToken: LeaseToken): Promise<void> {
    this.calls.push({ method: 'onStarted', args: [executionId, attempt, leaseToken] });
    return this.commit();
  }

  onCheckpoint(executionId: ExecutionId, attempt: number, leaseToken: LeaseToken, cp: { seq: number; state: unknown }): Promise<'saved' | 'stale'> {
    this.calls.push({ method: 'onCheckpoint', args: [executionId, attempt, leaseToken, cp] });
    return this.commit().then(() => 'saved' as const);
  }

  onResult(report: ResultReport): Promise<ResultVerdict> {
    this.calls.push({ method: 'onResult', args: [report] });
    const lease = this.leases.get(report.executionId);
    const verdict: ResultVerdict = lease?.token === report.leaseToken ? 'recorded' : 'duplicate';
    if (verdict === 'recorded') this.leases.delete(report.executionId);
    return this.commit().then(() => verdict);
  }

  renewLeases(workerId: WorkerId): void {
    this.calls.push({ method: 'renewLeases', args: [workerId] });
  }

  syncHeldTasks(workerId: WorkerId, held: readonly { executionId: string; attempt: number; leaseToken: string; state: 'running' | 'finished' }[]) {
    this.calls.push({ method: 'syncHeldTasks', args: [workerId, held] });
    const confirm: ExecutionId[] = [];
    const revoke: { executionId: ExecutionId; reason: string }[] = [];
    for (const h of held) {
      const l = this.leases.get(h.executionId);
      if (l?.token === h.leaseToken && l.workerId === workerId) confirm.push(asExecutionId(h.executionId));
      else revoke.push({ executionId: asExecutionId(h.executionId), reason: 'lease_expired' });
    }
    return { confirm, revoke };
  }

  leasesOf(workerId: WorkerId): number {
    let n = 0;
    for (const l of this.leases.values()) if (l.workerId === workerId) n += 1;
    return n;
  }

  get(executionId: ExecutionId): ExecutionRecord | undefined {
    return this.records.get(executionId);
  }

  snapshotCounts(): EngineCounts {
    const byStatus = Object.fromEntries(EXECUTION_STATUSES.map((st) => [st, 0])) as EngineCounts['byStatus'];
    for (const r of this.records.values()) byStatus[r.status] += 1;
    return { total: this.records.size, byStatus, inFlight: this.leases.size, queueLength: this.ready.length, delayed: 0 };
  }

  /** What breakerStates() answers (tests set it). */
  breakers: Record<string, BreakerState> = {};
  breakerStates(): Record<string, BreakerState> {
    return { ...this.breakers };
  }

  /** What storeHealth() answers (tests set it). */
  health: StoreHealthStatus = { ok: true, failures: 0, recoveries: 0 };
  storeHealth(): StoreHealthStatus {
    return this.health;
  }

  closed = false;
  close(): void {
    this.closed = true;
  }

  count(method: string): number {
    return this.calls.filter((c) => c.method === method).length;
  }

  // ---- embedding API (only what HTTP tests need)
  async scheduleTask(spec: ExecutionSpec): Promise<ExecutionRecord> {
    return (await this.submitTask(spec)).execution;
  }
  /** A spec with an idempotencyKey seen before answers the first execution, not created. */
  async submitTask(spec: ExecutionSpec): Promise<SubmitOutcome> {
    const known = spec.idempotencyKey === undefined ? undefined : this.keys.get(spec.idempotencyKey);
    if (known !== undefined) return { execution: this.mustGet(known), created: false };
    const id = `ex_${this.records.size + 1}`;
    this.add(id, spec.kind);
    if (spec.idempotencyKey !== undefined) this.keys.set(spec.idempotencyKey, id);
    return { execution: this.mustGet(id), created: true };
  }
  private readonly keys = new Map<string, string>();
  async scheduleTaskBatch(specs: readonly ExecutionSpec[]): Promise<ExecutionRecord[]> {
    return Promise.all(specs.map((s) => this.scheduleTask(s)));
  }
  async scheduleTaskGraph(): Promise<{ taskId: string; executionId: ExecutionId }[]> {
    return [];
  }
  async cancelExecution(id: string): Promise<ExecutionRecord> {
    return this.mustGet(id);
  }
  async pauseExecution(id: string): Promise<ExecutionRecord> {
    return this.mustGet(id);
  }
  async resumeExecution(id: string): Promise<ExecutionRecord> {
    return this.mustGet(id);
  }
  getExecution(id: string): ExecutionRecord | undefined {
    return this.records.get(id);
  }
  listExecutions(): { executions: ExecutionRecord[]; nextCursor: string | null } {
    return { executions: [...this.records.values()], nextCursor: null };
  }
  dependentsOf(executionId: string): ExecutionId[] {
    return [...this.records.values()].filter((r) => r.dependencies.includes(executionId as ExecutionId)).map((r) => r.executionId);
  }
  getExecutionStats(): Record<string, unknown> {
    return { total: this.records.size, byStatus: { scheduled: this.ready.length }, breakers: { sleep: 'open' } };
  }
  addPreExecutionHook(): void {}
  addPostExecutionHook(): void {}

  private mustGet(id: string): ExecutionRecord {
    const r = this.records.get(id);
    if (r === undefined) throw new Error(`no ${id}`);
    return r;
  }
}

/** A manual clock: timers fire only when the test advances time. */
export function manualClock(): Clock & { advance(ms: number): void } {
  let now = 0;
  const timers: { at: number; fn: () => void; live: boolean }[] = [];
  const handle = (t: { live: boolean }): TimerHandle => ({ cancel: () => (t.live = false) });
  return {
    now: () => now,
    monotonic: () => now,
    setTimeout(fn, ms) {
      const t = { at: now + ms, fn, live: true };
      timers.push(t);
      return handle(t);
    },
    setInterval() {
      throw new Error('not used');
    },
    advance(ms) {
      now += ms;
      for (const t of timers.filter((x) => x.live && x.at <= now)) {
        t.live = false;
        t.fn();
      }
    },
  };
}

/** A session on a manual clock, attached to a sink that collects what it sends. */
export function sessionSetup() {
  const clock = manualClock();
  const sent: ToWorker[] = [];
  const s = new Session(asSessionId('ss_1'), asWorkerId('w1'), clock, 2);
  s.attach({ send: (m) => (sent.push(m), true) });
  return { clock, sent, s };
}

/**
 * A coordinator context without a network or an engine of its own: a
 * FakeEngine, a manual clock, the real registry, and `wakes` counting calls
 * of wake(). For unit tests of the parts that act on it (assignment, inbound).
 */
export function testContext(engine: FakeEngine = new FakeEngine()) {
  const clock = manualClock();
  const registry = new WorkerRegistry();
  const connections = new Map<string, LiveConnection>();
  const metrics = new CoordinatorMetrics({ outboxDepth: () => 0, workersByState: () => ({}), executionsByStatus: () => ({}), breakerStates: () => ({}) });
  const events: EventBody[] = [];
  const counter = { wakes: 0 };
  const ctx: CoordinatorContext = {
    config: resolveCoordinatorConfig({}),
    clock,
    random: seededRandom(1),
    logger: silentLogger,
    marks: noMarks,
    buggify: noBuggify,
    engine,
    registry,
    metrics,
    connections,
    sendBacklog: new SendBacklog(),
    admission: new Admission(clock, 10),
    emit: (e) => events.push(e),
    wake: () => void (counter.wakes += 1),
    policies: DEFAULT_POLICIES,
  };
  return { ctx, clock, engine, registry, connections, events, counter };
}
