/**
 * 16, task contract: the numbers a task kind reports in its result are what
 * happened, judged on the history's virtual time (never on the system's own
 * arithmetic). The simulation reads every completed `cpu` and `sleep`
 * execution at the end as a client does (note `taskNumbers`,
 * harness/scenario/run-sim.ts); the attempt that completed it is the lease of
 * its completed `result_recorded`, and the worker's own `task_started` and
 * `task_finished` for that lease bracket what the attempt ran:
 *
 * - `cpu {ms}` returns `{ms, tookMs}`: ms as submitted, and tookMs the time
 *   the burn took: at least ms (a completed burn ran in full) and no more
 *   than the attempt ran, plus tolerance. A tookMs from two clocks (a wall
 *   clock's now() minus a monotonic start: blind set 15 #29) is
 *   epoch-sized, or skewed with the host's clock;
 * - `sleep {durationMs}` returns `{sleptMs, elapsedMs, resumedFromMs}`:
 *   elapsedMs the whole duration, sleptMs + resumedFromMs = durationMs,
 *   resumedFromMs 0 unless the attempt resumed from a checkpoint (its
 *   start names one), and sleptMs no more than the attempt ran, plus
 *   tolerance.
 *
 * An execution whose completing attempt the history does not bracket (a
 * worker whose records a crash cut) is not judged.
 */
import type { CheckContext } from './context.js';
import type { TaskSubmitted } from './history.js';
import type { Ev, HistoryView } from './view.js';
import { violation, type Violation } from './violation.js';

/** The completing attempt as its worker ran it: start and finish record times, and the checkpoint it resumed from. */
interface Ran {
  startAt: number;
  finishAt: number;
  checkpointSeq: number | undefined;
  workerId: string;
}

/** The attempt whose completed result the coordinator recorded, bracketed by its worker's start and finish. */
function completingAttempt(events: readonly Ev[]): Ran | undefined {
  const done = events.findLast((e) => e.ev.type === 'result_recorded' && e.ev.outcome === 'completed');
  if (done === undefined || done.ev.type !== 'result_recorded') return undefined;
  const token = done.ev.leaseToken;
  const start = events.find((e) => e.ev.type === 'task_started' && e.ev.leaseToken === token);
  const finish = events.find((e) => e.ev.type === 'task_finished' && e.ev.leaseToken === token && e.ev.outcome === 'completed');
  if (start === undefined || finish === undefined || start.ev.type !== 'task_started') return undefined;
  return { startAt: start.rec.time, finishAt: finish.rec.time, checkpointSeq: start.ev.checkpointSeq, workerId: start.ev.workerId };
}

const field = (o: unknown, k: string): unknown => (o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined);
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** What is wrong with a completed cpu's result, or undefined. */
function cpuProblem(params: unknown, result: unknown, ran: Ran, tol: number): string | undefined {
  const ms = field(params, 'ms');
  const [gotMs, took] = [field(result, 'ms'), field(result, 'tookMs')];
  if (!isNum(ms)) return undefined;
  if (gotMs !== ms) return `its result says ms ${JSON.stringify(gotMs)}, but ${ms} was submitted`;
  const span = ran.finishAt - ran.startAt;
  if (!isNum(took) || took < ms - tol || took > span + tol) {
    return `its result says tookMs ${JSON.stringify(took)}, but the burn of ${ms} ms ran in an attempt of ${span} ms (t=${ran.startAt}..${ran.finishAt} on ${ran.workerId}): tookMs is at least ${ms} and at most ${span} (+${tol})`;
  }
  return undefined;
}

/** What is wrong with a completed sleep's result, or undefined. */
function sleepProblem(params: unknown, result: unknown, ran: Ran, tol: number): string | undefined {
  const durationMs = field(params, 'durationMs');
  const [slept, elapsed, resumedFrom] = [field(result, 'sleptMs'), field(result, 'elapsedMs'), field(result, 'resumedFromMs')];
  if (!isNum(durationMs)) return undefined;
  const said = `its result says ${JSON.stringify({ sleptMs: slept, elapsedMs: elapsed, resumedFromMs: resumedFrom })}`;
  if (!isNum(slept) || !isNum(elapsed) || !isNum(resumedFrom)) return `${said}: a completed sleep reports sleptMs, elapsedMs and resumedFromMs as numbers`;
  if (elapsed !== durationMs) return `${said}, but a completed sleep has elapsed its whole ${durationMs} ms`;
  if (slept + resumedFrom !== durationMs || resumedFrom < 0 || slept < 0) return `${said}, but it slept what its checkpoint had not: sleptMs + resumedFromMs = ${durationMs}, neither negative`;
  if (ran.checkpointSeq === undefined && resumedFrom !== 0) return `${said}, but its attempt (on ${ran.workerId}) resumed from no checkpoint: resumedFromMs 0`;
  const span = ran.finishAt - ran.startAt;
  if (slept > span + tol) return `${said}, but its attempt ran ${span} ms (t=${ran.startAt}..${ran.finishAt} on ${ran.workerId}): it cannot have slept ${slept} ms (+${tol})`;
  return undefined;
}

const JUDGES: Readonly<Record<string, (params: unknown, result: unknown, ran: Ran, tol: number) => string | undefined>> = { cpu: cpuProblem, sleep: sleepProblem };

/** 16. The numbers in each completed cpu and sleep result, against the history (see the file comment). */
export function checkTaskNumbers(view: HistoryView, ctx: CheckContext, tasks: ReadonlyMap<string, TaskSubmitted>): Violation[] {
  const note = view.records.findLast((r) => r.f === 'note' && r.value.taskNumbers !== undefined);
  const results = note?.value.taskNumbers as Record<string, { result?: unknown }> | undefined;
  if (note === undefined || results === undefined) return [];
  const out: Violation[] = [];
  for (const [id, read] of Object.entries(results)) {
    const task = tasks.get(id);
    const judge = task === undefined ? undefined : JUDGES[task.kind];
    const ran = completingAttempt(view.byExecution.get(id) ?? []);
    if (task === undefined || judge === undefined || ran === undefined) continue;
    const problem = judge(task.params, read.result, ran, ctx.toleranceMs);
    if (problem !== undefined) out.push(violation(view.records, 'task-contract', `${task.kind} ${JSON.stringify(task.params).slice(0, 80)} read back at the end: ${problem}`, { index: note.index, executionId: id, workerId: ran.workerId }));
  }
  return out;
}
