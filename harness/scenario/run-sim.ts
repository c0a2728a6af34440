/**
 * Runs a scenario in simulation: the real coordinator, workers and engine on
 * the virtual network and clock, driven by the seed. Two phases: the fault
 * phase (the timeline plus swarm faults), then heal (every fault undone) with
 * a bound on convergence. Everything that happens goes into a Jepsen-style
 * history, which the checker reads for the ten promises.
 *
 * The same scenario and seed give the same trace hash. `faults` overrides the
 * swarm schedule (replay of an artifact, fast-check exploration).
 */
import { toErrorInfo } from '../../system/core/errors.js';
import { seededRandom } from '../../system/core/random.js';
import { isTerminal } from '../../system/engine/model.js';
import { HistoryRecorder, type HistoryRecord } from '../check/history.js';
import { Simulation, type SimWiring } from '../sim/index.js';
import type { BuggifyOdds } from '../sim/buggify.js';
import type { MarkCounts } from '../sim/marks.js';
import { describeFault } from '../check/fault-details.js';
import { applySimFault, type Undo } from './faults-sim.js';
import { type Scenario, faultTimeline, workerIds } from './schema.js';
import { type ScheduledFault, sampleSwarm } from './swarm.js';
import { plannedExecutions } from './run-guards.js';
import { expandWorkload, graphDependsOn, type Submission } from './workload.js';

export interface SimRunOptions {
  seed?: number;
  /** Swarm schedule to use instead of sampling it from the seed. */
  swarm?: ScheduledFault[];
  /** Called every simulated second or so. */
  onProgress?: (simulatedMs: number, totalMs: number) => void;
  /** Test-only: broken variants swapped into the real system (tests/sim/broken-variants.test.ts). */
  wiring?: SimWiring;
  /** BUGGIFY in the seams (harness/sim/buggify.ts), optionally with its odds; default: the scenario's `buggify` field. */
  buggify?: boolean | BuggifyOdds;
}

export interface SimRunOutcome {
  scenario: Scenario;
  seed: number;
  traceHash: string;
  simulatedMs: number;
  wallMs: number;
  /** The full fault timeline that ran (file timeline plus swarm). */
  faults: ScheduledFault[];
  swarm: ScheduledFault[];
  history: HistoryRecord[];
  /** Simulated ms from heal to convergence; null if it never converged. */
  convergedAfterMs: number | null;
  accepted: number;
  /** Executions the workload planned to submit (tasks plus graph nodes). */
  planned: number;
  /** Coverage marks hit during the run (harness/sim/marks.ts). */
  marks: MarkCounts;
  /** How often each buggify point fired; null when buggify was off. */
  buggify: Record<string, number> | null;
  stats: ReturnType<Simulation['stats']>;
}

interface Step {
  at: number;
  seq: number;
  run: () => void | Promise<void>;
}

/** Runs the scenario; the outcome's history goes to the checker (run.ts). */
export async function runScenarioSim(scenario: Scenario, opts: SimRunOptions = {}): Promise<SimRunOutcome> {
  const seed = opts.seed ?? scenario.seed;
  let now = (): number => 0;
  const recorder = new HistoryRecorder({ now: () => now() });
  const buggify = opts.buggify ?? scenario.buggify ?? false;
  const sim = new Simulation({ seed, events: recorder, buggify, ...(opts.wiring === undefined ? {} : { wiring: opts.wiring }) });
  now = () => sim.simulatedMs;

  const c = scenario.coordinator;
  await sim.spawnCoordinator({
    config: {
      heartbeatMs: c.heartbeatMs,
      heartbeatTimeoutMs: c.heartbeatTimeoutMs,
      leaseMs: c.leaseMs,
      ...(c.secret === undefined ? {} : { secret: c.secret }),
      signMessages: c.signMessages,
      ...(c.maxFrameBytes === undefined ? {} : { maxFrameBytes: c.maxFrameBytes }),
      engine: { breaker: c.breaker, ...(c.maxConcurrency === undefined ? {} : { maxConcurrentExecutions: c.maxConcurrency }) },
    },
  });
  const f = scenario.fleet;
  for (const id of workerIds(f)) {
    sim.spawnWorker(id, {
      config: {
        concurrency: f.concurrency,
        ...(c.secret === undefined ? {} : { secret: c.secret }),
        backoff: { ...f.backoff },
        ...(f.heartbeatMs === undefined ? {} : { heartbeatMs: f.heartbeatMs }),
        ...(f.heartbeatTimeoutMs === undefined ? {} : { heartbeatTimeoutMs: f.heartbeatTimeoutMs }),
        ...(f.outboxLimit === undefined ? {} : { outboxCapacity: f.outboxLimit }),
        ...(f.kinds === undefined ? {} : { kinds: f.kinds }),
      },
    });
  }

  const faultsMs = scenario.phases.faultsMs;
  const swarm = opts.swarm ?? sampleSwarm(scenario, seed);
  const timeline = [...faultTimeline(scenario.faults).map((x) => ({ ...x, note: x.note ?? 'timeline' })), ...swarm];
  const steps: Step[] = [];
  let seq = 0;
  const at = (t: number, run: Step['run']): void => {
    steps.push({ at: t, seq: seq++, run });
  };

  // Workload: submissions through the coordinator's embedding API (what HTTP calls).
  const pending = new Set<string>();
  const acked: string[] = [];
  let accepted = 0;
  const submit = (s: Submission): void => {
    const inv = recorder.recordInvoke({
      ref: s.ref,
      kind: s.type === 'task' ? s.spec.kind : 'graph',
      ...(s.type === 'graph' ? { graph: s.shape, dependsOn: graphDependsOn(s.graph) } : {}),
    });
    const coordinator = sim.coordinator.instance;
    if (coordinator === null) {
      recorder.recordFail(inv, { code: 'unavailable', message: 'coordinator is down' });
      return;
    }
    const p: Promise<string[]> =
      s.type === 'task'
        ? coordinator.engine.scheduleTask(s.spec).then((r) => [r.executionId])
        : coordinator.engine.scheduleTaskGraph(s.graph).then((rs) => rs.map((r) => r.executionId));
    p.then(
      (ids) => {
        // Resolved in the tick the coordinator was killed: the client never got the answer.
        if (sim.coordinator.instance !== coordinator) {
          recorder.recordFail(inv, { code: 'unavailable', message: 'coordinator died before answering' }, true);
          return;
        }
        recorder.recordOk(inv, { executionIds: ids });
        acked.push(...ids);
        accepted += ids.length;
        ids.forEach((id) => pending.add(id));
      },
      (err: unknown) => recorder.recordFail(inv, toErrorInfo(err), true),
    );
  };
  const plan = expandWorkload(scenario, seededRandom(seed).fork('workload'));
  for (const s of plan) at(s.at, () => submit(s));

  // Message flood: every connected worker sends `messagesPerSec` data messages, in 100 ms ticks.
  const flood = scenario.workload.flood;
  if (flood !== undefined) {
    const end = flood.during === 'faults' ? faultsMs : faultsMs + scenario.phases.healMs;
    const payload = 'x'.repeat(flood.bytes);
    const perTick = flood.messagesPerSec / 10;
    let credit = 0;
    for (let t = 0; t < end; t += 100) {
      at(t, () => {
        credit += perTick;
        const n = Math.floor(credit);
        credit -= n;
        for (const id of workerIds(f)) {
          const w = sim.worker(id).instance;
          if (w !== null && w.state === 'ready') for (let i = 0; i < n; i++) w.sendData(payload);
        }
      });
    }
  }

  // Faults: apply at `at`, undo at `at + for` (or at heal).
  const active = new Map<number, { undo: Undo; details: ReturnType<typeof describeFault> }>();
  timeline.forEach((fault, i) => {
    const id = `f${i + 1}`;
    const details = describeFault(f, fault, id, fault.note === 'swarm' ? 'swarm' : 'timeline');
    at(fault.at, async () => {
      recorder.recordFault('start', details);
      const undo = await applySimFault(sim, scenario, fault);
      active.set(i, { undo, details });
    });
    if (fault.for !== undefined && fault.at + fault.for < faultsMs) {
      at(fault.at + fault.for, async () => {
        const a = active.get(i);
        if (a === undefined) return;
        active.delete(i);
        await a.undo();
        recorder.recordFault('stop', details);
      });
    }
  });
  let healedAt = faultsMs;
  at(faultsMs, async () => {
    recorder.recordPhase('heal');
    healedAt = sim.simulatedMs;
    for (const [i, a] of [...active.entries()].reverse()) {
      active.delete(i);
      await a.undo();
      recorder.recordFault('stop', a.details);
    }
  });

  recorder.recordPhase('faults');
  steps.sort((a, b) => a.at - b.at || a.seq - b.seq);
  const total = faultsMs + scenario.phases.healMs;
  let lastProgress = 0;
  for (const step of steps) {
    const wait = step.at - sim.simulatedMs;
    if (wait > 0) await sim.runFor(wait);
    await step.run();
    if (opts.onProgress !== undefined && sim.simulatedMs - lastProgress >= 1000) {
      lastProgress = sim.simulatedMs;
      opts.onProgress(sim.simulatedMs, total);
    }
  }

  // Heal: run until every accepted execution is terminal and every worker is ready again.
  let lastCheck = -Infinity;
  const converged = (): boolean => {
    if (sim.simulatedMs - lastCheck < 50) return false;
    lastCheck = sim.simulatedMs;
    const engine = sim.coordinator.instance?.engine;
    if (engine === undefined) return false;
    for (const id of pending) {
      const r = engine.getExecution(id);
      if (r === undefined || !isTerminal(r.status)) return false;
      pending.delete(id);
    }
    return workerIds(f).every((id) => sim.worker(id).instance?.state === 'ready');
  };
  const remaining = Math.max(0, healedAt + scenario.phases.healMs - sim.simulatedMs);
  const ok = await sim.runUntil(converged, { maxMs: remaining });
  const convergedAfterMs = ok ? sim.simulatedMs - healedAt : null;
  // A short tail so in-flight acks and heartbeats settle into the history.
  await sim.runFor(Math.min(1000, scenario.coordinator.heartbeatMs * 2));
  // A final read of every acknowledged execution, as a client would do: lets the checker see work a crash lost.
  const finalEngine = sim.coordinator.instance?.engine;
  recorder.recordRead(Object.fromEntries(acked.map((id) => [id, finalEngine?.getExecution(id)?.status ?? null])));
  recorder.recordPhase('end');
  opts.onProgress?.(total, total);

  return {
    scenario,
    seed,
    traceHash: sim.traceHash(),
    simulatedMs: sim.simulatedMs,
    wallMs: sim.wallMs,
    faults: timeline,
    swarm,
    history: recorder.history(),
    convergedAfterMs,
    accepted,
    planned: plannedExecutions(plan),
    marks: sim.marks.snapshot(),
    buggify: sim.buggify?.fired() ?? null,
    stats: sim.stats(),
  };
}
