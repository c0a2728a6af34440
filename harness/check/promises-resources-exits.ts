/**
 * Promise 32 (resources), honest outcomes: an attempt of the `command` kind
 * ends as its child ended (system/tasks/command.ts, docs/TASK-KINDS.md):
 * exit 0 alone completes it; a non-zero exit fails it, and so does a death
 * by a signal the attempt did not send (the OOM killer's SIGKILL, a
 * segfault, an operator's kill -9: close code null), with an error naming
 * the signal ("was killed by SIGKILL"), so its retry policy retries it.
 * Judged per attempt, on the worker's own `task_finished` against the
 * process table's `exit` record (harness/sim/resources), and on the final
 * read (`kindResults`) of an execution whose final attempt's child died so.
 *
 * The simulated programs die so by themselves (`kill -SEGV $$`) or by the
 * host's OOM killer (fault `oom_kill`, cause `oom-killer`). Not judged: an
 * attempt aborted before its child ended (its own SIGTERM or SIGKILL ends
 * it; the abort decides the outcome) and a child killed with its worker
 * (cause `owner-crash`: the attempt never reports).
 */
import type { HistoryRecord } from './history.js';
import type { Made } from './promises-resources.js';
import type { HistoryView } from './view.js';
import { type Violation, violation } from './violation.js';

/** How the worker's trace shows an attempt: aborted (when), finished (when, how). */
export interface AttemptEnd {
  aborted?: { at: number };
  finished?: { at: number; outcome: string };
}

/** A child's end as the process table recorded it, unless the attempt or the worker's death explains it. */
function ownEnd(m: Made, life: AttemptEnd): { exit: HistoryRecord; code: number | null; signal: string | null } | undefined {
  const exit = m.ops.find((r) => r.value.op === 'exit');
  if (m.resource !== 'process' || exit === undefined || exit.value.cause === 'owner-crash') return undefined;
  if (life.aborted !== undefined && life.aborted.at <= exit.time) return undefined;
  const code = typeof exit.value.code === 'number' ? exit.value.code : null;
  const signal = typeof exit.value.signal === 'string' ? exit.value.signal : null;
  return { exit, code, signal };
}

const how = (e: { code: number | null; signal: string | null }): string => (e.signal !== null ? `was killed by ${e.signal}` : `exited with code ${String(e.code)}`);

/** One attempt's reported outcome against its child's end. */
function judgeAttempt(m: Made, life: AttemptEnd, v: HistoryView): Violation[] {
  const end = ownEnd(m, life);
  const fin = life.finished;
  if (end === undefined || fin === undefined) return [];
  const clean = end.code === 0 && end.signal === null;
  if (clean || fin.outcome !== 'completed') return [];
  const where = { index: end.exit.index, executionId: m.execution, workerId: m.host };
  const text = `attempt ${m.attempt} of execution ${m.execution} on ${m.host} completed at t=${fin.at}, but its child process ${m.id} ${how(end)} at t=${end.exit.time}: exit 0 alone completes a command; any other end fails the attempt (and its retry policy retries it)`;
  return [violation(v.records, 'resources', text, where)];
}

type KindRead = { status?: unknown; error?: { message?: unknown } };

/** The final read of an execution whose final attempt's child died by a signal: failed, its error naming the signal. */
function judgeFinal(id: string, read: KindRead, m: Made, life: AttemptEnd, v: HistoryView): Violation[] {
  const end = ownEnd(m, life);
  if (end?.signal == null) return [];
  const message = typeof read.error?.message === 'string' ? read.error.message : '';
  if (read.status === 'failed' && message.includes(`was killed by ${end.signal}`)) return [];
  const got = `${String(read.status)} with ${JSON.stringify(read.error ?? null)?.slice(0, 300)}`;
  const where = { index: end.exit.index, executionId: id, workerId: m.host };
  return [violation(v.records, 'resources', `execution ${id} ended ${got}, but its final child process ${m.id} (attempt ${m.attempt} on ${m.host}) was killed by ${end.signal} at t=${end.exit.time}: a command killed by a signal fails with an error naming it ("was killed by ${end.signal}")`, where)];
}

/**
 * Every command attempt's outcome against its child's end, and each ended
 * execution's final read (`reads`, `final`: its last recorded result's worker
 * and attempt) against its final attempt's child.
 */
export function judgeExits(made: readonly Made[], lives: ReadonlyMap<string, AttemptEnd>, reads: Readonly<Record<string, KindRead>>, final: ReadonlyMap<string, { workerId: string; attempt: number }>, v: HistoryView): Violation[] {
  const out: Violation[] = [];
  const byAttempt = new Map<string, Made>();
  for (const m of made) {
    const key = `${m.host}|${m.execution}|${m.attempt}`;
    byAttempt.set(key, m);
    const life = lives.get(key);
    if (life !== undefined) out.push(...judgeAttempt(m, life, v));
  }
  for (const [id, read] of Object.entries(reads)) {
    const f = final.get(id);
    const key = f === undefined ? '' : `${f.workerId}|${id}|${f.attempt}`;
    const m = byAttempt.get(key);
    const life = lives.get(key);
    if (m !== undefined && life !== undefined) out.push(...judgeFinal(id, read, m, life, v));
  }
  return out;
}
