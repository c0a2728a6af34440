/**
 * What each task kind promises, and that timeouts hold (16, 17). The checker
 * knows the builtin kinds' contracts (system/tasks): `fail {times}` fails
 * attempts 1..times and completes after; `sleep {durationMs}` and `cpu {ms}`
 * take at least that long across all attempts (a resumed attempt only sleeps
 * the rest); every completion follows a start of the same lease. What was
 * submitted comes from the submit invoke's `tasks` (submittedTasks()).
 */
import type { ExecutionSpec } from '../../system/engine/index.js';
import type { CheckContext } from './context.js';
import type { TaskSubmitted } from './history.js';
import type { Ev, HistoryView } from './view.js';
import { affectsCoordinator } from './view.js';
import { storeSpans } from './store-spans.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';
import { checkEchoResults, echoFit, judgeEchoTooLarge, judgeTooLarge } from './promises-frames.js';
import { checkThrown } from './promises-thrown.js';
import { checkLiteralArgv } from './promises-argv.js';
import { checkSleepResume } from './promises-sleep.js';
import { checkAbortOutcomes, checkPausedChains } from './promises-abort-progress.js';
import { checkTaskNumbers } from './promises-task-numbers.js';
import { checkFailReads } from './promises-fail-kind.js';

/** What a submit invoke records per execution (aligned with the ok's executionIds), for promises 16 and 17. */
export function submittedTasks(specs: readonly ExecutionSpec[]): TaskSubmitted[] {
  const one = (spec: ExecutionSpec): TaskSubmitted => ({
    kind: spec.kind,
    params: spec.params,
    ...(spec.metadata === undefined ? {} : { metadata: spec.metadata }),
    ...(spec.timeoutMs === undefined ? {} : { timeoutMs: spec.timeoutMs }),
  });
  return specs.map(one);
}

/**
 * The submitted task of every acknowledged execution that recorded one: the task of the
 * first acknowledgement naming it, the one that created it (an idempotent repeat may send
 * the same request with its members in another order).
 */
export function tasksById(view: HistoryView): Map<string, TaskSubmitted> {
  const out = new Map<string, TaskSubmitted>();
  for (const ok of view.records) {
    if (ok.f !== 'submit' || ok.type !== 'ok' || typeof ok.value.invoke !== 'number') continue;
    const tasks = view.records[ok.value.invoke]?.value.tasks;
    const ids = ok.value.executionIds;
    if (!Array.isArray(tasks) || !Array.isArray(ids)) continue;
    ids.forEach((id: unknown, i) => {
      const t: unknown = tasks[i];
      if (typeof id === 'string' && !out.has(id) && t !== null && typeof t === 'object' && typeof (t as TaskSubmitted).kind === 'string') out.set(id, t as TaskSubmitted);
    });
  }
  return out;
}

const num = (params: unknown, field: string): number | undefined => {
  const v = params !== null && typeof params === 'object' ? (params as Record<string, unknown>)[field] : undefined;
  return typeof v === 'number' ? v : undefined;
};

/** 16. Each finished attempt keeps its kind's contract. */
export function checkTaskContract(view: HistoryView, ctx: CheckContext): Violation[] {
  const out: Violation[] = [];
  const tasks = tasksById(view);
  for (const [id, task] of tasks) {
    const events = view.byExecution.get(id) ?? [];
    const started = new Set<string>();
    let firstStart: number | undefined;
    for (const e of events) {
      const ev = e.ev;
      if (ev.type === 'task_started') {
        started.add(`${ev.workerId}/${ev.leaseToken}`);
        firstStart ??= e.rec.time;
      }
      if (ev.type !== 'task_finished') continue;
      const v = (message: string): void => {
        out.push(violation(view.records, 'task-contract', `${task.kind} ${JSON.stringify(task.params)}: ${message}`, { index: e.rec.index, executionId: id, workerId: ev.workerId }));
      };
      const f = e as Ev<'task_finished'>;
      if (!started.has(`${ev.workerId}/${ev.leaseToken}`)) v(`${ev.workerId} reported ${ev.outcome} for lease ${ev.leaseToken} without having started it`);
      judgeOutcome(task, f, firstStart, ctx, v);
    }
    if (echoFit(task, ctx) !== 'fits') out.push(...judgeTooLarge(view, ctx, id, task));
  }
  return [...out, ...checkEchoResults(view, tasks), ...checkSleepResume(view, ctx, tasks), ...checkPausedChains(view, ctx, tasks), ...checkAbortOutcomes(view), ...checkTaskNumbers(view, ctx, tasks), ...checkFailReads(view, tasks, ctx.secrets), ...checkThrown(view, tasks), ...checkLiteralArgv(view, tasks)];
}

function judgeOutcome(task: TaskSubmitted, f: Ev<'task_finished'>, firstStart: number | undefined, ctx: CheckContext, v: (m: string) => void): void {
  const { outcome, attempt } = f.ev;
  if (task.kind === 'fail') {
    const times = num(task.params, 'times') ?? 0;
    if (outcome === 'completed' && attempt <= times) v(`attempt ${attempt} completed, but fail {times: ${times}} fails attempts 1..${times}`);
    if (outcome === 'failed' && attempt > times) v(`attempt ${attempt} failed, but fail {times: ${times}} completes every attempt after ${times}`);
    return;
  }
  if (task.kind === 'echo' && echoFit(task, ctx) !== 'fits') return judgeEchoTooLarge(task, f, ctx, v);
  if (outcome === 'failed' && (task.kind === 'echo' || task.kind === 'sleep' || task.kind === 'cpu')) {
    v(`attempt ${attempt} failed, but ${task.kind} never fails on its own (only an abort ends it early)`);
  }
  const minMs = task.kind === 'sleep' ? num(task.params, 'durationMs') : task.kind === 'cpu' ? num(task.params, 'ms') : undefined;
  if (outcome === 'completed' && minMs !== undefined && firstStart !== undefined && f.rec.time - firstStart + ctx.toleranceMs < minMs) {
    v(`completed ${f.rec.time - firstStart} ms after its first start, but it takes at least ${minMs} ms`);
  }
}

/**
 * When the coordinator must have ended a lease it started timing at `from`
 * with `budget` ms (timeoutMs + grace + tolerance). A coordinator process
 * fault (pause, kill, restart) in between stops its timers; the restarted
 * coordinator keeps the recovered lease and re-arms its timeout, so the
 * budget starts again at the fault's end (issue 10, planted defect class 33:
 * a lease spanning a restart used to be excused altogether). A store
 * failure is not a restart: nothing ends while the store cannot commit, but
 * the reload keeps the attempt's deadline, so a timeout that came due
 * meanwhile ends the lease at the recovery (plus tolerance), and one due
 * later keeps its time (a timer re-armed from the reload would run late).
 */
function coordinatorDeadline(view: HistoryView, from: number, budget: number, toleranceMs: number): number {
  let deadline = from + budget;
  const down = view.faults
    .filter((f) => (f.details.action === 'pause' || f.details.action === 'kill' || f.details.action === 'restart') && affectsCoordinator(f.details))
    .map((f) => ({ start: f.start.time, back: f.details.action === 'restart' ? f.start.time : view.faultEnd(f), store: false }));
  const spans = [...down, ...storeSpans(view).map((s) => ({ ...s, store: true }))].sort((a, b) => a.start - b.start);
  for (const f of spans) {
    if (f.start > deadline) break;
    if (f.store) {
      if (f.back >= deadline - toleranceMs) deadline = Math.max(deadline, f.back + toleranceMs);
    } else if (f.back >= from) deadline = Math.max(deadline, f.back + budget);
  }
  return deadline;
}

/**
 * 17. An attempt with a timeout does not outlive it: the worker ends it
 * within timeoutMs of its start, the coordinator ends the lease within
 * timeoutMs + grace of its claim or start (plus tolerance), or of the end of
 * a coordinator restart in between (coordinatorDeadline); a paused or killed
 * worker is excused for the time it was down.
 */
export function checkTimeouts(view: HistoryView, ctx: CheckContext): Violation[] {
  const out: Violation[] = [];
  const grace = ctx.timeoutGraceMs ?? 2_000;
  for (const [id, task] of tasksById(view)) {
    const limit = task.timeoutMs;
    if (limit === undefined) continue;
    const events = view.byExecution.get(id) ?? [];
    for (const e of events) {
      const ev = e.ev;
      if (ev.type === 'task_started') {
        const end = events.find((x) => x.rec.index > e.rec.index && (x.ev.type === 'task_finished' || x.ev.type === 'task_aborted') && x.ev.leaseToken === ev.leaseToken);
        const t = end?.rec.time ?? view.endAt;
        if (t - e.rec.time > limit + ctx.toleranceMs && !view.processFaultOn(ev.workerId, e.rec.time, t)) {
          out.push(
            violation(view.records, 'timeouts', `${ev.workerId} ran attempt ${ev.attempt} for ${end === undefined ? 'more than ' : ''}${t - e.rec.time} ms; its timeoutMs is ${limit}`, {
              index: end?.rec.index ?? e.rec.index,
              executionId: id,
              workerId: ev.workerId,
            }),
          );
        }
      } else if (ev.type === 'claimed' && ev.source === 'coordinator') {
        const running = events.find((x) => x.rec.index > e.rec.index && x.ev.type === 'status' && x.ev.to === 'running' && x.ev.attempt === ev.attempt);
        const from = running?.rec.time ?? e.rec.time;
        const end = events.find(
          (x) => x.rec.index > e.rec.index && x.ev.source === 'coordinator' && (x.ev.type === 'lease_released' || x.ev.type === 'lease_expired' || x.ev.type === 'result_recorded') && x.ev.leaseToken === ev.leaseToken,
        );
        const t = end?.rec.time ?? view.endAt;
        if (end !== undefined) out.push(...timedOutEarly(view, events, e as Ev<'claimed'>, end, running === undefined ? undefined : from, limit + grace, ctx));
        const deadline = coordinatorDeadline(view, from, limit + grace + ctx.toleranceMs, ctx.toleranceMs);
        if (t > deadline) {
          const restarted = deadline > from + limit + grace + ctx.toleranceMs ? `, or by t=${deadline - ctx.toleranceMs} after the coordinator came back (a recovered lease's timeout is re-armed) or its store recovered (a reload keeps the deadline)` : '';
          out.push(
            violation(view.records, 'timeouts', `lease ${ev.leaseToken} (attempt ${ev.attempt}, ${ev.workerId}) lasted ${end === undefined ? 'more than ' : ''}${t - from} ms after it started; timeoutMs ${limit} + grace ${grace} should have ended it${restarted}`, {
              index: end?.rec.index ?? e.rec.index,
              executionId: id,
            }),
          );
        }
      }
    }
  }
  return [...out, ...checkTimeoutOutcomes(view, ctx)];
}

/**
 * 17, the outcome: a lease the coordinator's own timeout ended (its holder
 * never sent a result for it, and the lease ended timeoutMs + grace after
 * the attempt started) records outcome `timeout`, and the attempt's status
 * is `timeout` (the final one when no retry is left), never `failed`.
 */
function checkTimeoutOutcomes(view: HistoryView, ctx: CheckContext): Violation[] {
  const out: Violation[] = [];
  const grace = ctx.timeoutGraceMs ?? 2_000;
  for (const [id, task] of tasksById(view)) {
    if (task.timeoutMs === undefined) continue;
    const events = view.byExecution.get(id) ?? [];
    for (const r of events) {
      if (r.ev.type !== 'result_recorded' || r.ev.source !== 'coordinator') continue;
      const { leaseToken, workerId: w, attempt, outcome } = r.ev;
      const sent = (view.byWorker.get(w) ?? []).some((x) => x.rec.index < r.rec.index && x.ev.type === 'msg_sent' && x.ev.source === w && x.ev.key?.startsWith(`result:${id}/${leaseToken}/`) === true);
      const started = events.find((x) => x.ev.type === 'status' && x.ev.to === 'running' && x.ev.attempt === attempt) ?? events.find((x) => x.ev.type === 'claimed' && x.ev.leaseToken === leaseToken);
      if (sent || started === undefined || r.ev.at < started.ev.at + task.timeoutMs + grace - ctx.toleranceMs) continue;
      const status = events.find((x) => x.ev.type === 'status' && x.ev.from === 'running' && x.ev.attempt === attempt);
      const to = status?.ev.type === 'status' ? status.ev.to : undefined;
      if (outcome === 'timeout' && (to === undefined || to === 'timeout')) continue;
      out.push(
        violation(
          view.records,
          'timeouts',
          `the coordinator's timeout (timeoutMs ${task.timeoutMs} + grace ${grace}) ended lease ${leaseToken} (attempt ${attempt}, ${w}, which sent no result) and recorded outcome '${outcome}'${to === undefined ? '' : `, attempt status '${to}'`}: a coordinator timeout is recorded as 'timeout'`,
          { index: r.rec.index, executionId: id, workerId: w },
        ),
      );
    }
  }
  return out;
}

/**
 * The coordinator's own timeout of a lease (no result from the worker yet)
 * counts from the attempt's own start (`started`), or from its own claim
 * while it never started: it may not end the lease before timeoutMs + grace
 * (`budget`) after that. A coordinator restart re-arms it from the same
 * point, never from an earlier attempt's claim (blind set 16 #27).
 */
function timedOutEarly(view: HistoryView, events: readonly Ev[], claim: Ev<'claimed'>, end: Ev, started: number | undefined, budget: number, ctx: CheckContext): Violation[] {
  const { leaseToken, attempt, workerId, executionId } = claim.ev;
  const reported = events.some((x) => x.ev.type === 'task_finished' && x.ev.leaseToken === leaseToken && x.rec.index < end.rec.index);
  const t = end.rec.time;
  const from = started ?? claim.rec.time;
  if (!endedAsTimeout(end.ev) || reported || t + ctx.toleranceMs >= from + budget) return [];
  const what =
    started === undefined
      ? `${t - from} ms after its claim (t=${from}), never started: its timeoutMs + grace (${budget} ms) count from this attempt's own claim`
      : `${t - from} ms after it started (t=${from}): its timeoutMs + grace (${budget} ms) count from the start, not the claim`;
  return [violation(view.records, 'timeouts', `lease ${leaseToken} (attempt ${attempt}, ${workerId}) was timed out by the coordinator at t=${t}, ${what}`, { index: end.rec.index, executionId })];
}

/** Whether a lease's end says it timed out (a recorded `timeout` result, or a release for that reason). */
function endedAsTimeout(ev: Ev['ev']): boolean {
  return (ev.type === 'result_recorded' && ev.outcome === 'timeout') || (ev.type === 'lease_released' && ev.reason === 'timeout');
}
