/**
 * fast-check property: a coordinator crash (kill -9: MemoryStore.crash with
 * staged commits lost) at a random moment of a random task graph, then a
 * restart on the committed state. Fake workers behave like the real protocol:
 * they start an assignment only once its claim committed, keep results until
 * acknowledged (onResult resolved) and, after the restart, report what they
 * hold (syncHeldTasks), re-send confirmed results and drop revoked work.
 * Checked: everything ends terminal, nothing runs on two workers at once,
 * nothing starts before its dependencies completed, failed attempts stay within
 * 1 + maxRetries, and the store agrees with the engine at the end.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asWorkerId, type ExecutionId, type LeaseToken, type WorkerId } from '../../system/core/ids.js';
import type { AssignmentSpec, Dispatcher, ResultReport } from '../../system/engine/contract.js';
import { Engine } from '../../system/engine/engine.js';
import { type ExecutionRecord, isTerminal } from '../../system/core/model.js';
import { maxFailedAttempts } from '../../system/engine/retry.js';
import { fakeClock, startEngine } from '../../system/engine/testing.js';
import { MemoryStore } from '../../system/store/memory-store.js';
import { ALL_KINDS } from './helpers.js';

interface Plan {
  deps: number[];
  durationMs: number;
  fails: boolean[];
  maxRetries: number;
}
interface Scenario {
  tasks: Plan[];
  crashAtMs: number;
  downMs: number;
}

const planArb = (i: number): fc.Arbitrary<Plan> =>
  fc.record({
    deps: i === 0 ? fc.constant([]) : fc.uniqueArray(fc.integer({ min: 0, max: i - 1 }), { maxLength: Math.min(i, 2) }),
    durationMs: fc.integer({ min: 1, max: 300 }),
    fails: fc.array(fc.boolean(), { maxLength: 3 }),
    maxRetries: fc.integer({ min: 0, max: 2 }),
  });
const scenarioArb: fc.Arbitrary<Scenario> = fc.integer({ min: 1, max: 8 }).chain((n) =>
  fc.record({
    tasks: fc.tuple(...Array.from({ length: n }, (_, i) => planArb(i))),
    crashAtMs: fc.integer({ min: 0, max: 800 }),
    downMs: fc.integer({ min: 10, max: 3000 }),
  }),
);

interface Held {
  a: AssignmentSpec;
  started: boolean;
  timer: { cancel(): void } | undefined;
  /** Result sent and not yet acknowledged. */
  result: ResultReport | undefined;
}

class Workers implements Dispatcher {
  readonly held = new Map<WorkerId, Map<ExecutionId, Held>>();
  engine: Engine | undefined;
  readonly violations: string[] = [];
  readonly failures = new Map<ExecutionId, number>();

  constructor(
    readonly time: ReturnType<typeof fakeClock>,
    readonly planOf: (id: ExecutionId) => Plan,
  ) {
    for (const w of ['w1', 'w2'].map(asWorkerId)) this.held.set(w, new Map());
  }

  abort(w: WorkerId, id: ExecutionId, token: LeaseToken): void {
    const h = this.held.get(w)?.get(id);
    if (h === undefined || h.a.leaseToken !== token || h.result !== undefined) return;
    h.timer?.cancel();
    this.held.get(w)?.delete(id);
  }

  wake(): void {}

  step(): void {
    const engine = this.engine;
    if (engine === undefined) return;
    for (const [w, tasks] of this.held) {
      engine.renewLeases(w);
      while (tasks.size < 2) {
        const c = engine.claimNext(w, ALL_KINDS);
        if (c === undefined) break;
        const h: Held = { a: c.assignment, started: false, timer: undefined, result: undefined };
        tasks.set(c.assignment.executionId, h);
        c.committed.then(() => this.start(engine, w, h)).catch(() => {});
      }
    }
  }

  /** The coordinator dies: assignments whose claim never committed never reached a worker. */
  crash(): void {
    this.engine = undefined;
    for (const tasks of this.held.values()) for (const [id, h] of tasks) if (!h.started) tasks.delete(id);
  }

  /** The coordinator is back: each worker syncs what it holds, re-sends confirmed results, drops the rest. */
  restart(engine: Engine): void {
    this.engine = engine;
    for (const [w, tasks] of this.held) {
      const held = [...tasks.values()].map((h) => ({
        executionId: h.a.executionId,
        attempt: h.a.attempt,
        leaseToken: h.a.leaseToken,
        state: h.result === undefined ? ('running' as const) : ('finished' as const),
      }));
      const verdict = engine.syncHeldTasks(w, held);
      for (const r of verdict.revoke) {
        tasks.get(r.executionId)?.timer?.cancel();
        tasks.delete(r.executionId);
      }
      for (const id of verdict.confirm) {
        const h = tasks.get(id);
        if (h?.result !== undefined) this.send(w, h, h.result);
      }
    }
  }

  private start(engine: Engine, w: WorkerId, h: Held): void {
    if (this.engine !== engine || this.held.get(w)?.get(h.a.executionId) !== h) return;
    const id = h.a.executionId;
    for (const [other, tasks] of this.held) {
      const o = tasks.get(id);
      if (other !== w && o?.started === true && o.result === undefined) this.violations.push(`${id} started on ${w} while running on ${other}`);
    }
    for (const dep of engine.get(id)?.dependencies ?? []) {
      if (engine.get(dep)?.status !== 'completed') this.violations.push(`${id} started before dependency ${dep} completed`);
    }
    h.started = true;
    engine.onStarted(id, h.a.attempt, h.a.leaseToken).catch(() => {});
    const plan = this.planOf(id);
    const n = this.failures.get(id) ?? 0;
    const fail = plan.fails[n] ?? false;
    h.timer = this.time.clock.setTimeout(() => {
      if (fail) this.failures.set(id, n + 1);
      const report: ResultReport = { executionId: id, attempt: h.a.attempt, leaseToken: h.a.leaseToken, outcome: fail ? 'failed' : 'completed', durationMs: 1 };
      h.result = report;
      this.send(w, h, report);
    }, plan.durationMs);
  }

  private send(w: WorkerId, h: Held, report: ResultReport): void {
    const engine = this.engine;
    if (engine === undefined) return; // re-sent after the restart
    engine
      .onResult(report)
      .then(() => {
        if (this.held.get(w)?.get(h.a.executionId) === h) this.held.get(w)?.delete(h.a.executionId);
      })
      .catch(() => {});
  }
}

type Make = ConstructorParameters<typeof Engine>;

async function crashScenario(s: Scenario, make?: (...a: Make) => Engine): Promise<void> {
  const time = fakeClock();
  const store = new MemoryStore({ clock: time.clock, commitDelayMs: 2 });
  const plans = new Map<ExecutionId, Plan>();
  const world = new Workers(time, (id) => plans.get(id) as Plan);
  const config = { leaseMs: 1000, breaker: false as const, maxConcurrentExecutions: 3 };
  const first = await startEngine({ time, store, config });
  first.engine.setDispatcher(world);
  world.engine = first.engine;
  const graph = Object.fromEntries(
    s.tasks.map((t, i) => [
      `t${i}`,
      { kind: 'sleep', params: { durationMs: t.durationMs }, retry: { strategy: 'fixed' as const, maxRetries: t.maxRetries, delayMs: 20 }, dependsOn: t.deps.map((d) => `t${d}`) },
    ]),
  );
  // Commits happen on the virtual clock: advance it while awaiting.
  const settle = async <T>(p: Promise<T>): Promise<T> => {
    let done = false;
    void p.then(() => (done = true), () => (done = true));
    for (let i = 0; i < 100 && !done; i++) await time.tickAsync(1);
    return p;
  };
  const ids = (await settle(first.engine.scheduleTaskGraph(graph))).map((x) => x.executionId);
  ids.forEach((id, i) => plans.set(id, s.tasks[i] as Plan));

  let engine = first.engine;
  let current = store;
  let crashed = false;
  for (let step = 0; step < 1500; step++) {
    if (!crashed && time.clock.now() - 1_700_000_000_000 >= s.crashAtMs) {
      crashed = true;
      store.crash();
      first.engine.close();
      world.crash();
      await time.tickAsync(s.downMs);
      current = store.reopen({ clock: time.clock, commitDelayMs: 2 });
      const second = await settle(startEngine({ time, store: current, config, seed: 2, ...(make ? { make } : {}) }));
      second.engine.setDispatcher(world);
      engine = second.engine;
      world.restart(engine);
    }
    if (crashed && ids.every((id) => isTerminal(engine.get(id)?.status ?? 'pending'))) break;
    world.step();
    await time.tickAsync(10);
  }
  await time.tickAsync(10);
  engine.close();

  expect(world.violations).toEqual([]);
  const stored = new Map((await current.loadAll()).map((r) => [r.executionId, r]));
  for (const id of ids) {
    const rec = engine.getExecution(id);
    expect(rec, `${id} survived the crash`).toBeDefined();
    expect(isTerminal(rec?.status ?? 'pending'), `${id} ends terminal, got ${rec?.status}`).toBe(true);
    expect(stored.get(id)?.status, `store agrees on ${id}`).toBe(rec?.status);
    const failed = rec?.statusHistory.filter((e) => e.status === 'failed' && e.reason !== 'dependency_failed').length ?? 0;
    expect(failed).toBeLessThanOrEqual(maxFailedAttempts(rec?.retry ?? { strategy: 'none', maxRetries: 0, delayMs: 0, maxDelayMs: 0 }));
  }
}

const RUNS = Number(process.env.SQUALL_FC_RUNS ?? 50);
const SEED = process.env.SQUALL_FC_SEED === undefined ? 4242 : Number(process.env.SQUALL_FC_SEED);

describe('coordinator crash at a random moment (fast-check)', () => {
  it('everything finishes after the restart, in order, never twice at once, within retry bounds', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, (s) => crashScenario(s)),
      { numRuns: RUNS, seed: SEED },
    );
  }, 600_000);

  it('catches a recovery that drops preparing and running executions', async () => {
    class DropsInFlight extends Engine {
      protected override index(rec: ExecutionRecord): void {
        if (rec.status !== 'preparing' && rec.status !== 'running') super.index(rec);
      }
    }
    const out = await fc.check(
      fc.asyncProperty(scenarioArb, (s) => crashScenario(s, (...a: Make) => new DropsInFlight(...a))),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    expect(out.failed).toBe(true);
  }, 600_000);
});
