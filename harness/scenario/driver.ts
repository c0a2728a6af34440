/**
 * The one scenario driver shared by simulation (run-sim.ts) and live runs
 * (harness/live/live-run.ts): it expands the workload and the fault timeline
 * (file timeline plus swarm) into one schedule, runs it, heals (every fault
 * undone), waits for convergence and makes the final read, recording it all
 * into the run's history. The two modes differ only in what a ModeAdapter
 * does: how processes start, how submissions and faults reach the system, and
 * how time passes (simulated or wall-clock).
 *
 * A fault the mode cannot apply is never dropped: it is recorded as refused,
 * the schedule stops at once (the run cannot mean what its file says), heal
 * runs, and the outcome lists applied and refused faults separately.
 */
import { rethrowRefusal } from './config-refused.js';
import { describeFault } from './fault-details.js';
import type { FaultDetails, Phase, SubmitInvoke, SubmitRefusal } from '../check/history.js';
import { seededRandom } from '../../system/core/index.js';
import { type Scenario, faultTimeline } from './schema.js';
import { type ScheduledFault, sampleSwarm } from './swarm.js';
import { submittedTasks } from '../check/promises-tasks.js';
import { expandWorkload, graphDependsOn, intentOf, resolveAfter, specsOf, type Submission } from './workload.js';

/** Undoes an applied fault (idempotent). */
type Undo = () => void | Promise<void>;

/** Where a run's history goes; time stamps are the mode's business. */
export interface RunRecorder {
  /** A submission is leaving; returns the key for ok/fail. */
  invoke(value: SubmitInvoke): number;
  ok(key: number, executionIds: string[], status?: number): void;
  fail(key: number, error: SubmitRefusal, indeterminate: boolean): void;
  fault(phase: 'start' | 'stop', details: FaultDetails): void;
  phase(phase: Phase): void;
  note(value: Record<string, unknown>): void;
  read(executions: Record<string, string | null>): void;
}

/** What a submission's client call reports back to the driver. */
export interface SubmitHandlers {
  /** Call when the submission really leaves (records the invoke). */
  begin(): void;
  ok(executionIds: string[], status?: number): void;
  fail(error: SubmitRefusal, indeterminate: boolean): void;
}

/** An acknowledged execution and what it must end as. */
export interface AckedExecution {
  ref: string;
  expect: 'completed' | 'terminal';
}

/** Schedules `run` at `at` ms of the run (used by adapters for extra steps, e.g. message flood). */
export type Schedule = (at: number, run: () => void | Promise<void>) => void;

/** What a mode provides; see the file comment. */
export interface ModeAdapter {
  readonly recorder: RunRecorder;
  /** 'inline': a fault step runs to its end before the schedule goes on (simulation: keeps the trace); 'chained': each fault's start/stop run on a chain of their own so a slow restart never delays the schedule (live). */
  readonly faultSteps: 'inline' | 'chained';
  /** Ms on the run's clock since the schedule's time 0. */
  now(): number;
  /** Lets time pass until `t` on the run's clock. */
  sleepUntil(t: number): Promise<void>;
  submit(s: Submission, handlers: SubmitHandlers): void;
  /** Extra steps the mode schedules (message flood). */
  scheduleExtras?(schedule: Schedule, faultsMs: number): void;
  applyFault(fault: ScheduledFault, id: string): Promise<Undo>;
  /** After every fault was undone at heal: nothing paused, down or toxic remains. */
  restoreAll?(): Promise<void>;
  /** After the schedule: waits (until `t` at most) for submissions still queued or in flight. */
  drainSubmissions?(t: number): Promise<void>;
  /** Until `t` at most: every acknowledged execution terminal and every worker back. */
  awaitConvergence(acked: ReadonlyMap<string, AckedExecution>, t: number): Promise<boolean>;
  /** The final status of each acknowledged execution (null: unknown to the coordinator). */
  finalStatuses(ids: string[]): Promise<Record<string, string | null>>;
  log?(line: string): void;
  onProgress?(now: number, total: number): void;
}

/** A fault the mode refused, with the answer it gave. */
export interface RefusedFault {
  id: string;
  action: string;
  target: string;
  at: number;
  reason: string;
}

/** What the driver saw; the mode adds its own fields. */
export interface DriverOutcome {
  /** The full fault timeline (file timeline plus swarm). */
  faults: ScheduledFault[];
  swarm: ScheduledFault[];
  /** Ids (f1..) of faults that were applied. */
  applied: string[];
  refused: RefusedFault[];
  acked: Map<string, AckedExecution>;
  refusedSubmissions: number;
  indeterminate: number;
  /** Run-clock time heal started. */
  healedAt: number;
  convergedAfterMs: number | null;
}

/** The fault timeline of a run: the file's timeline (expanded) then the swarm's. */
export function runTimeline(scenario: Scenario, swarm: ScheduledFault[]): ScheduledFault[] {
  return [...faultTimeline(scenario.faults).map((x) => ({ ...x, note: x.note ?? 'timeline' })), ...swarm];
}

/** The swarm schedule of a run: given, or drawn from the seed. */
export function runSwarm(scenario: Scenario, seed: number, given?: ScheduledFault[]): ScheduledFault[] {
  return given ?? sampleSwarm(scenario, seed);
}

interface Step { at: number; seq: number; run: () => void | Promise<void> }

/** Mutable state of one drive. */
class Drive {
  readonly steps: Step[] = [];
  readonly active = new Map<number, { undo: Undo; details: FaultDetails }>();
  readonly chains = new Map<number, Promise<void>>();
  readonly out: DriverOutcome;
  aborted: RefusedFault | undefined;
  healed = false;
  private wake: (() => void) | undefined;
  readonly abortSignal: Promise<void>;

  constructor(
    readonly scenario: Scenario,
    readonly mode: ModeAdapter,
    timeline: ScheduledFault[],
    swarm: ScheduledFault[],
  ) {
    this.out = { faults: timeline, swarm, applied: [], refused: [], acked: new Map(), refusedSubmissions: 0, indeterminate: 0, healedAt: scenario.phases.faultsMs, convergedAfterMs: null };
    this.abortSignal = new Promise((r) => (this.wake = r));
  }

  at(t: number, run: Step['run']): void {
    this.steps.push({ at: t, seq: this.steps.length, run });
  }

  refuse(r: RefusedFault): void {
    this.out.refused.push(r);
    this.mode.recorder.note({ fault: r.id, refused: r.reason });
    this.mode.log?.(`fault ${r.id} (${r.action} on ${r.target}) REFUSED: ${r.reason}; stopping the run`);
    if (this.aborted === undefined) {
      this.aborted = r;
      this.wake?.();
    }
  }
}

function scheduleWorkload(d: Drive, seed: number): void {
  const { mode } = d;
  // Acknowledged execution ids by submission ref: what a later item's dependsOn names.
  const idsOf = new Map<string, string[]>();
  for (const planned of expandWorkload(d.scenario, seededRandom(seed).fork('workload'))) {
    d.at(planned.at, () => {
      const resolved = resolveAfter(planned, idsOf);
      if ('skipped' in resolved) return void mode.recorder.note({ submission: planned.ref, skipped: resolved.skipped });
      const { submission: s, after } = resolved;
      let key = -1;
      // Work whose item may fail (or depends on earlier work that may have) must end, not complete.
      const failing = after.length > 0 || specsOf(s).some((g) => g.kind === 'fail');
      mode.submit(s, {
        begin: () => {
          key = mode.recorder.invoke({
            ref: s.ref,
            kind: s.type === 'task' ? s.spec.kind : s.type,
            ...(s.type === 'graph' ? { graph: s.shape, dependsOn: graphDependsOn(s.graph) } : {}),
            ...(after.length === 0 ? {} : { after }),
            ...(s.startAfterMs === undefined ? {} : { startAfterMs: s.startAfterMs }), ...(s.client === undefined ? {} : { client: s.client }),
            tasks: submittedTasks(specsOf(s)),
            intent: intentOf(s),
          });
        },
        ok: (ids, status) => {
          mode.recorder.ok(key, ids, status);
          idsOf.set(s.ref, ids);
          for (const id of ids) d.out.acked.set(id, { ref: s.ref, expect: failing ? 'terminal' : 'completed' });
        },
        fail: (error, indeterminate) => {
          mode.recorder.fail(key, error, indeterminate);
          if (indeterminate) d.out.indeterminate++;
          else d.out.refusedSubmissions++;
        },
      });
    });
  }
}

/** Runs one fault step inline or on the fault's own chain (see ModeAdapter.faultSteps). */
function faultStep(d: Drive, i: number, fn: () => Promise<void>): Promise<void> | void {
  if (d.mode.faultSteps === 'inline') return fn();
  d.chains.set(i, (d.chains.get(i) ?? Promise.resolve()).then(fn));
}

function scheduleFaults(d: Drive): void {
  const { scenario, mode } = d;
  const faultsMs = scenario.phases.faultsMs;
  d.out.faults.forEach((fault, i) => {
    const id = `f${i + 1}`;
    const details = describeFault(scenario.fleet, fault, id, fault.note === 'swarm' ? 'swarm' : 'timeline');
    d.at(fault.at, () =>
      faultStep(d, i, async () => {
        if (d.aborted !== undefined) return;
        mode.recorder.fault('start', details);
        try {
          d.active.set(i, { undo: await mode.applyFault(fault, id), details });
          if (!d.out.applied.includes(id)) d.out.applied.push(id);
        } catch (err) {
          rethrowRefusal(err, `fault ${id}: ${fault.action.type} at t=${fault.at} ms`);
          mode.recorder.fault('stop', details);
          d.refuse({ id, action: fault.action.type, target: fault.target, at: fault.at, reason: err instanceof Error ? err.message : String(err) });
        }
      }),
    );
    if (fault.for !== undefined && fault.at + fault.for < faultsMs) {
      d.at(fault.at + fault.for, () => faultStep(d, i, () => undoFault(d, i)));
    }
  });
}

async function undoFault(d: Drive, i: number): Promise<void> {
  const a = d.active.get(i);
  if (a === undefined) return;
  d.active.delete(i);
  try {
    await a.undo();
  } catch (err) {
    rethrowRefusal(err, `undoing fault ${a.details.id}: ${a.details.action}`);
    d.mode.recorder.note({ fault: a.details.id, undoFailed: err instanceof Error ? err.message : String(err) });
  }
  d.mode.recorder.fault('stop', a.details);
}

/** Heal: every active fault undone (newest first), then the mode restores anything left. */
async function heal(d: Drive): Promise<void> {
  if (d.healed) return;
  d.healed = true;
  d.out.healedAt = d.mode.now();
  d.mode.recorder.phase('heal');
  await Promise.all(d.chains.values());
  for (const i of [...d.active.keys()].reverse()) await undoFault(d, i);
  await d.mode.restoreAll?.();
}

/** Runs the steps in time order; stops early when a fault was refused. */
async function runSteps(d: Drive): Promise<void> {
  const total = d.scenario.phases.faultsMs + d.scenario.phases.healMs;
  let lastProgress = 0;
  d.steps.sort((a, b) => a.at - b.at || a.seq - b.seq);
  for (const step of d.steps) {
    if (d.aborted !== undefined) return;
    if (step.at > d.mode.now()) await Promise.race([d.mode.sleepUntil(step.at), d.abortSignal]);
    if (d.aborted !== undefined) return;
    await step.run();
    if (d.mode.onProgress !== undefined && d.mode.now() - lastProgress >= 1000) {
      lastProgress = d.mode.now();
      d.mode.onProgress(lastProgress, total);
    }
  }
}

/** Heal bound, settling tail and the final read. */
async function converge(d: Drive): Promise<void> {
  const { mode, scenario, out } = d;
  const until = out.healedAt + scenario.phases.healMs;
  if (d.aborted === undefined) {
    mode.log?.(`heal at ${Math.round(out.healedAt)} ms; waiting up to ${scenario.phases.healMs} ms for convergence`);
    await mode.drainSubmissions?.(Math.min(until, mode.now() + 60_000));
    if (await mode.awaitConvergence(out.acked, until)) out.convergedAfterMs = mode.now() - out.healedAt;
  }
  // A short tail so in-flight acks and heartbeats settle into the history.
  await mode.sleepUntil(mode.now() + Math.min(1000, scenario.coordinator.heartbeatMs * 2));
  // A final read of every acknowledged execution, as a client would do: lets the checker see work a crash lost.
  mode.recorder.read(await mode.finalStatuses([...out.acked.keys()]));
  mode.recorder.phase('end');
  const total = scenario.phases.faultsMs + scenario.phases.healMs;
  mode.onProgress?.(total, total);
}

/**
 * Drives a scenario through a mode. The mode's processes must be up; the
 * driver records the `faults` phase at its time 0 and `end` after the final read.
 */
export async function driveScenario(scenario: Scenario, mode: ModeAdapter, opts: { seed: number; swarm: ScheduledFault[] }): Promise<DriverOutcome> {
  const d = new Drive(scenario, mode, runTimeline(scenario, opts.swarm), opts.swarm);
  const faultsMs = scenario.phases.faultsMs;
  scheduleWorkload(d, opts.seed);
  mode.scheduleExtras?.((t, run) => d.at(t, run), faultsMs);
  scheduleFaults(d);
  d.at(faultsMs, () => heal(d));
  mode.recorder.phase('faults');
  await runSteps(d);
  await heal(d); // no-op unless a refused fault stopped the schedule before heal
  await converge(d);
  return d.out;
}
