/**
 * The world of the random task-graph property (random-graphs.property.test.ts):
 * plans and their fast-check arbitraries, fake workers on a virtual clock
 * (FakeWorld), and runScenario, which drives one plan through an engine and
 * asserts what the property promises.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { asWorkerId, type ExecutionId, type LeaseToken, type WorkerId } from '../../system/core/ids.js';
import type { AssignmentSpec, Dispatcher, ResultReport } from '../../system/engine/contract.js';
import type { Engine } from '../../system/engine/engine.js';
import { isTerminal, type RetryPolicy } from '../../system/core/model.js';
import { maxFailedAttempts } from '../../system/engine/retry.js';
import { fakeClock, startEngine } from '../../system/engine/testing.js';
import type { Make } from './broken-engines.js';
import { ALL_KINDS } from './helpers.js';

type Outcome = 'ok' | 'fail' | 'timeout' | 'hang';
interface TaskPlan {
  deps: number[];
  durationMs: number;
  outcomes: Outcome[];
  retry: RetryPolicy;
  timeoutMs: number | undefined;
  priority: 'low' | 'medium' | 'high' | 'critical';
  cancelAtMs: number | undefined;
  pauseAtMs: number | undefined;
}
interface Scenario {
  tasks: TaskPlan[];
  workerLossAtMs: number | undefined;
  maxConcurrent: number;
}

const taskArb = (i: number): fc.Arbitrary<TaskPlan> =>
  fc.record({
    deps: i === 0 ? fc.constant([]) : fc.uniqueArray(fc.integer({ min: 0, max: i - 1 }), { maxLength: Math.min(i, 3) }),
    durationMs: fc.integer({ min: 1, max: 400 }),
    outcomes: fc.array(fc.constantFrom<Outcome>('ok', 'ok', 'fail', 'timeout', 'hang'), { maxLength: 4 }),
    retry: fc.record({
      strategy: fc.constantFrom('none', 'immediate', 'fixed', 'exponential', 'fibonacci'),
      maxRetries: fc.integer({ min: 0, max: 3 }),
      delayMs: fc.integer({ min: 0, max: 200 }),
      maxDelayMs: fc.integer({ min: 0, max: 1000 }),
    }),
    timeoutMs: fc.option(fc.integer({ min: 100, max: 600 }), { nil: undefined }),
    priority: fc.constantFrom('low', 'medium', 'high', 'critical'),
    cancelAtMs: fc.option(fc.integer({ min: 0, max: 3000 }), { freq: 8, nil: undefined }),
    pauseAtMs: fc.option(fc.integer({ min: 0, max: 3000 }), { freq: 5, nil: undefined }),
  });

export const scenarioArb: fc.Arbitrary<Scenario> = fc.integer({ min: 1, max: 10 }).chain((n) =>
  fc.record({
    tasks: fc.tuple(...Array.from({ length: n }, (_, i) => taskArb(i))),
    workerLossAtMs: fc.option(fc.integer({ min: 0, max: 3000 }), { nil: undefined }),
    maxConcurrent: fc.integer({ min: 1, max: 6 }),
  }),
);

interface Running {
  a: AssignmentSpec;
  timer: { cancel(): void } | undefined;
}

/** Fake workers: run assignments per plan on the virtual clock; abort stops them at once. */
class FakeWorld implements Dispatcher {
  readonly running = new Map<WorkerId, Map<ExecutionId, Running>>();
  readonly alive = new Set<WorkerId>();
  engine!: Engine;
  violations: string[] = [];

  constructor(
    readonly time: ReturnType<typeof fakeClock>,
    readonly planOf: (id: ExecutionId) => TaskPlan,
    readonly failuresSeen: Map<ExecutionId, number>,
  ) {
    for (const w of ['w1', 'w2', 'w3'].map(asWorkerId)) {
      this.running.set(w, new Map());
      this.alive.add(w);
    }
  }

  abort(workerId: WorkerId, executionId: ExecutionId, leaseToken: LeaseToken, reason: 'cancel' | 'timeout' | 'pause' | 'revoked'): void {
    const held = this.running.get(workerId)?.get(executionId);
    if (held === undefined || held.a.leaseToken !== leaseToken) return;
    held.timer?.cancel();
    this.running.get(workerId)?.delete(executionId);
    if (this.alive.has(workerId) && reason !== 'revoked') {
      this.send({ ...this.base(held.a), outcome: reason === 'timeout' ? 'timeout' : reason === 'pause' ? 'paused' : 'cancelled' });
    }
  }

  wake(): void {}

  step(): void {
    for (const [w, tasks] of this.running) {
      if (!this.alive.has(w)) continue;
      this.engine.renewLeases(w);
      while (tasks.size < 2) {
        const c = this.engine.claimNext(w, ALL_KINDS);
        if (c === undefined) break;
        this.start(w, c.assignment);
      }
    }
  }

  /** A worker dies (stops heartbeating, loses its tasks) and comes back empty after a while. */
  lose(w: WorkerId): void {
    this.alive.delete(w);
    for (const r of this.running.get(w)?.values() ?? []) r.timer?.cancel();
    this.running.get(w)?.clear();
    this.time.clock.setTimeout(() => {
      this.alive.add(w);
      this.engine.syncHeldTasks(w, []);
    }, 5000);
  }

  private start(w: WorkerId, a: AssignmentSpec): void {
    for (const [other, tasks] of this.running) {
      if (tasks.has(a.executionId)) this.violations.push(`${a.executionId} claimed by ${w} while ${other} still runs it`);
    }
    const rec = this.engine.get(a.executionId);
    for (const dep of rec?.dependencies ?? []) {
      if (this.engine.get(dep)?.status !== 'completed') this.violations.push(`${a.executionId} claimed before dependency ${dep} completed`);
    }
    if (this.engine.snapshotCounts().inFlight > this.maxConcurrent) this.violations.push('concurrency limit exceeded');
    // Resume from the latest acknowledged checkpoint, never an older one.
    const acked = this.checkpointAcked.get(a.executionId) ?? 0;
    if ((a.checkpoint?.seq ?? 0) < acked) this.violations.push(`${a.executionId} resumed from ${a.checkpoint?.seq} though ${acked} was acknowledged`);
    const plan = this.planOf(a.executionId);
    const n = this.failuresSeen.get(a.executionId) ?? 0;
    const planned = plan.outcomes[n] ?? 'ok';
    // A hang without a timeout would legitimately run forever (the worker is alive): only hang when a timeout ends it.
    const outcome = planned === 'hang' && plan.timeoutMs === undefined ? 'ok' : planned;
    const entry: Running = { a, timer: undefined };
    this.running.get(w)?.set(a.executionId, entry);
    // The started report arrives a little after the claim (as over a network).
    this.time.clock.setTimeout(() => {
      if (this.running.get(w)?.get(a.executionId) === entry) this.engine.onStarted(a.executionId, a.attempt, a.leaseToken).catch(() => {});
    }, 1);
    if (outcome === 'hang') return; // only a timeout, cancel or lease loss ends it
    // Checkpoint halfway (seq continues from the resumed one).
    const seq = (a.checkpoint?.seq ?? 0) + 1;
    this.time.clock.setTimeout(() => {
      if (this.running.get(w)?.get(a.executionId) !== entry) return;
      this.engine
        .onCheckpoint(a.executionId, a.attempt, a.leaseToken, { seq, state: { seq } })
        .then((v) => {
          if (v === 'saved') this.checkpointAcked.set(a.executionId, Math.max(seq, this.checkpointAcked.get(a.executionId) ?? 0));
        })
        .catch(() => {});
    }, Math.floor(plan.durationMs / 2));
    entry.timer = this.time.clock.setTimeout(() => {
      this.running.get(w)?.delete(a.executionId);
      if (outcome !== 'ok') this.failuresSeen.set(a.executionId, n + 1);
      this.send({ ...this.base(a), outcome: outcome === 'ok' ? 'completed' : outcome === 'fail' ? 'failed' : 'timeout' });
    }, plan.durationMs);
  }

  maxConcurrent = 0;
  readonly checkpointAcked = new Map<ExecutionId, number>();

  private base(a: AssignmentSpec): Omit<ResultReport, 'outcome'> {
    return { executionId: a.executionId, attempt: a.attempt, leaseToken: a.leaseToken, durationMs: 1 };
  }

  private send(r: ResultReport): void {
    this.engine.onResult(r).catch((err: unknown) => this.violations.push(`onResult threw ${String(err)}`));
  }
}

/** Runs one random scenario against the engine `make` builds (the real Engine by default) and asserts the properties. */
export async function runScenario(s: Scenario, make?: (...a: Make) => Engine): Promise<void> {
  const time = fakeClock();
  const failuresSeen = new Map<ExecutionId, number>();
  const plans = new Map<ExecutionId, TaskPlan>();
  const { engine, sink } = await startEngine({
    time,
    config: { maxConcurrentExecutions: s.maxConcurrent, leaseMs: 1000, timeoutGraceMs: 50, breaker: false },
    ...(make ? { make } : {}),
  });
  const world = new FakeWorld(time, (id) => plans.get(id) as TaskPlan, failuresSeen);
  world.maxConcurrent = s.maxConcurrent;
  world.engine = engine;
  engine.setDispatcher(world);

  const graph = Object.fromEntries(
    s.tasks.map((t, i) => [
      `t${i}`,
      {
        kind: 'sleep',
        params: { durationMs: t.durationMs },
        retry: t.retry,
        priority: t.priority,
        ...(t.timeoutMs === undefined ? {} : { timeoutMs: t.timeoutMs }),
        dependsOn: t.deps.map((d) => `t${d}`),
      },
    ]),
  );
  const ids = await engine.scheduleTaskGraph(graph);
  ids.forEach((x, i) => plans.set(x.executionId, s.tasks[i] as TaskPlan));
  s.tasks.forEach((t, i) => {
    if (t.cancelAtMs === undefined) return;
    time.clock.setTimeout(() => {
      const id = ids[i]?.executionId as ExecutionId;
      if (!isTerminal(engine.get(id)?.status ?? 'completed')) engine.cancelExecution(id).catch(() => {});
    }, t.cancelAtMs);
  });
  s.tasks.forEach((t, i) => {
    if (t.pauseAtMs === undefined) return;
    const id = ids[i]?.executionId as ExecutionId;
    time.clock.setTimeout(() => {
      engine.pauseExecution(id).catch(() => {});
      // Resume once it is paused (a pause of work on a lost worker lands only at lease expiry).
      const poll = time.clock.setInterval(() => {
        const status = engine.get(id)?.status ?? 'completed';
        if (status === 'paused') engine.resumeExecution(id).catch(() => {});
        if (status === 'paused' || isTerminal(status)) poll.cancel();
      }, 300);
    }, t.pauseAtMs);
  });
  if (s.workerLossAtMs !== undefined) time.clock.setTimeout(() => world.lose(asWorkerId('w1')), s.workerLossAtMs);

  const all = ids.map((x) => x.executionId);
  for (let step = 0; step < 3000 && !all.every((id) => isTerminal(engine.get(id)?.status ?? 'pending')); step++) {
    world.step();
    await time.tickAsync(20);
  }
  engine.close();

  expect(world.violations).toEqual([]);
  for (const id of all) {
    const rec = engine.getExecution(id);
    expect(rec && isTerminal(rec.status), `${id} ends terminal, got ${rec?.status}`).toBe(true);
    const failed = rec?.statusHistory.filter((e) => (e.status === 'failed' || e.status === 'timeout') && e.reason !== 'dependency_failed').length ?? 0;
    expect(failed).toBeLessThanOrEqual(maxFailedAttempts(rec?.retry as RetryPolicy));
  }
  // Order from the event history: running only after every dependency's completed.
  const completedAt = new Map<string, number>();
  sink.events.forEach((e, i) => {
    if (e.type !== 'status') return;
    if (e.to === 'completed') {
      expect(completedAt.has(e.executionId), `${e.executionId} completed twice`).toBe(false);
      completedAt.set(e.executionId, i);
    }
    if (e.to === 'running' || e.to === 'preparing') {
      for (const dep of engine.get(e.executionId as ExecutionId)?.dependencies ?? []) {
        expect(completedAt.get(dep), `${e.executionId} ${e.to} before ${dep} completed`).toBeLessThan(i);
      }
    }
  });
}
