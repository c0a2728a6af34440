/**
 * Promise 32 (resources): what the `container` and `command` kinds create
 * ends with the attempt that created it, as their doc comments and
 * docs/TASK-KINDS.md say (system/tasks/container.ts, command.ts). Read from
 * the `resources` notes the simulated Docker engine and process table
 * record (harness/sim/resources), against the worker's own task_started /
 * task_aborted / task_finished:
 *
 * - every container an attempt created is removed by the time the attempt
 *   reports its end (success, failure, timeout, cancel), and a container that
 *   ran had its logs read after it exited (its result carries the log tails);
 * - an aborted attempt (cancel, timeout, revoke, pause, shutdown) has its
 *   container killed at once and its child killed within the command kind's
 *   2 s SIGTERM grace, and no child of an attempt outlives the attempt's end;
 * - a container never runs past its own `timeoutMs` (from its start);
 * - nothing is ever pulled (the kind promises never to);
 * - no child or container gets the worker's secret (SQUALL_SECRET,
 *   SQUALL_TOKEN values) in its environment; a child's environment ends with
 *   the task's own `env` (its values win), a container's is that `env` only;
 * - an ended execution carries what its final attempt's container or child
 *   produced (the run's `kindResults` note, read at the end): a completion
 *   {exitCode: 0, stdout, stderr} as printed, a failure an error naming the
 *   exit code and carrying the stderr tail, and a container killed at its own
 *   timeoutMs an error with code `timeout`. Output past 64 KiB is cut to its
 *   tail: the LAST 64 KiB of what was printed (docs/TASK-KINDS.md), so the
 *   final lines, where a failing program says why, are always kept (blind
 *   set 16 #11 kept the first 64 KiB).
 * - exit 0 alone completes a command attempt: a child that exited non-zero
 *   or died by a signal it was not sent by its attempt (OOM killer, segfault)
 *   fails it, the error naming the signal (promises-resources-exits.ts;
 *   blind set 17 #27 completed such attempts with exit code 0).
 *
 * An attempt whose worker died before it ended is not judged: a crash kills
 * the worker's children (the simulated process table does), and the
 * containers it leaves are Docker's, labelled `squall.execution` and
 * `squall.worker`; the worker's next process removes them at its start
 * (promises-resources-orphans.ts).
 */
import type { CheckContext } from './context.js';
import type { HistoryRecord } from './history.js';
import { judgeEngineAnswers } from './promises-resources-answers.js';
import { judgeExits } from './promises-resources-exits.js';
import { judgeOrphans } from './promises-resources-orphans.js';
import { tasksById } from './promises-tasks.js';
import { secretTexts } from './secret-encodings.js';
import type { HistoryView } from './view.js';
import { type Violation, violation } from './violation.js';

/** The command kind's SIGTERM-to-SIGKILL grace (system/tasks/command.ts KILL_GRACE_MS). */
const KILL_GRACE_MS = 2000;
/** How much of each output a result keeps: its last 64 KiB (docs/TASK-KINDS.md). */
const OUTPUT_TAIL_BYTES = 64 * 1024;

/**
 * The last 64 KiB of a printed text, from its first whole character on
 * (docs/TASK-KINDS.md: a character cut in two at the start is dropped, not
 * shown as U+FFFD): all of it when it is no longer than 64 KiB in UTF-8
 * bytes, whatever its length in UTF-16 units (blind set 18 #13 kept the last
 * 2 x size - 64 KiB bytes of outputs between 32 and 64 KiB).
 */
export function outputTail(printed: string): string {
  const bytes = Buffer.from(printed, 'utf8');
  if (bytes.length <= OUTPUT_TAIL_BYTES) return printed;
  let start = bytes.length - OUTPUT_TAIL_BYTES;
  while (start < bytes.length && ((bytes[start] ?? 0) & 0xc0) === 0x80) start++;
  return bytes.subarray(start).toString('utf8');
}

/** One container or child process and what happened to it. */
export interface Made {
  resource: 'container' | 'process';
  host: string;
  id: string;
  execution: string;
  attempt: number;
  first: HistoryRecord;
  ops: HistoryRecord[];
}

/** An attempt as its worker traced it. */
interface AttemptLife {
  startedAt: number;
  aborted?: { at: number; reason: string };
  finished?: { at: number; outcome: string };
}

const op = (r: HistoryRecord): string => String(r.value.op);
const isResourceNote = (r: HistoryRecord): boolean => r.process === 'resources' && r.f === 'note' && typeof r.value.op === 'string';

/** Every container and child the history shows, by host and id, with its operations in order. */
function resources(view: HistoryView): Made[] {
  const out = new Map<string, Made>();
  for (const r of view.records) {
    if (!isResourceNote(r) || typeof r.value.id !== 'string') continue;
    const v = r.value;
    const key = `${String(v.resource)}|${String(v.host)}|${v.id as string}`;
    const made = out.get(key);
    if (made !== undefined) made.ops.push(r);
    else out.set(key, { resource: v.resource === 'process' ? 'process' : 'container', host: String(v.host), id: v.id as string, execution: String(v.execution), attempt: Number(v.attempt), first: r, ops: [r] });
  }
  return [...out.values()];
}

/** Each worker's attempts (worker|execution|attempt) from its own trace. */
function attempts(view: HistoryView): Map<string, AttemptLife> {
  const out = new Map<string, AttemptLife>();
  const key = (e: { workerId: string; executionId: string; attempt: number }): string => `${e.workerId}|${e.executionId}|${e.attempt}`;
  for (const { rec, ev } of view.ofType('task_started')) out.set(key(ev), { startedAt: rec.time });
  for (const { rec, ev } of view.ofType('task_aborted')) {
    const a = out.get(key(ev));
    if (a !== undefined && a.aborted === undefined) a.aborted = { at: rec.time, reason: ev.reason };
  }
  for (const { rec, ev } of view.ofType('task_finished')) {
    const a = out.get(key(ev));
    if (a !== undefined && a.finished === undefined) a.finished = { at: rec.time, outcome: ev.outcome };
  }
  return out;
}

const name = (m: Made): string => `${m.resource} ${m.id} (execution ${m.execution} attempt ${m.attempt} on ${m.host})`;
const firstOp = (m: Made, o: string, after = -Infinity): HistoryRecord | undefined => m.ops.find((r) => op(r) === o && r.time >= after);

/** A container of a finished attempt: removed by the attempt's end, its logs read once it exited. */
function judgeContainerEnd(m: Made, life: AttemptLife, tol: number, v: HistoryView): Violation[] {
  const end = life.finished;
  if (end === undefined) return [];
  const where = { index: m.first.index, executionId: m.execution, workerId: m.host };
  const removed = firstOp(m, 'remove');
  const out: Violation[] = [];
  if (removed === undefined || removed.time > end.at + tol) {
    const when = removed === undefined ? 'was never removed' : `was removed only at t=${removed.time}`;
    out.push(violation(v.records, 'resources', `${name(m)} ${when}, but its attempt ended ${end.outcome} at t=${end.at}: the container kind removes every container it created after success, failure, timeout and cancel`, where));
  }
  const exited = firstOp(m, 'exit');
  const logs = exited === undefined ? undefined : firstOp(m, 'logs', exited.time);
  if (firstOp(m, 'start') !== undefined && exited !== undefined && (logs === undefined || (removed !== undefined && logs.index > removed.index))) {
    out.push(violation(v.records, 'resources', `${name(m)} exited at t=${exited.time} (code ${String(exited.value.code)}) but its logs were never read before it was removed; its attempt ended ${end.outcome} at t=${end.at}: the kind reads every container's logs after it exits`, where));
  }
  return out;
}

/** When it must have ended by, and why: an aborted attempt's container at once, its child within the SIGTERM grace; a container within its own timeoutMs; anything by its attempt's end. */
function killBounds(m: Made, life: AttemptLife, started: HistoryRecord, exitAt: number, tol: number, timeoutMs: number | undefined): { from: number; by: number; why: string }[] {
  const bounds: { from: number; by: number; why: string }[] = [];
  const aborted = life.aborted;
  if (aborted !== undefined && aborted.at >= started.time && exitAt > aborted.at) {
    const how = m.resource === 'process' ? 'by SIGTERM, then SIGKILL 2 s later' : 'at once';
    bounds.push({ from: aborted.at, by: aborted.at + (m.resource === 'process' ? KILL_GRACE_MS : 0) + tol, why: `its attempt was aborted (${aborted.reason}) at t=${aborted.at}, so it is killed ${how}` });
  }
  if (m.resource === 'container' && timeoutMs !== undefined) {
    bounds.push({ from: started.time, by: started.time + timeoutMs + tol, why: `it started at t=${started.time} with timeoutMs ${timeoutMs}, after which the kind kills it` });
  }
  const end = life.finished;
  if (end !== undefined) bounds.push({ from: end.at, by: end.at + tol, why: `its attempt ended ${end.outcome} at t=${end.at}, and nothing an attempt started outlives it` });
  return bounds;
}

/** Killed within its bound (killBounds), unless its worker was killed or restarted meanwhile (then Docker keeps the container; the child died with it) or the run ended first. */
function judgeKill(m: Made, life: AttemptLife, tol: number, v: HistoryView, timeoutMs: number | undefined): Violation[] {
  const started = firstOp(m, m.resource === 'container' ? 'start' : 'spawn');
  if (started === undefined) return [];
  const exited = firstOp(m, 'exit');
  const exitAt = exited?.time ?? Infinity;
  const broken = killBounds(m, life, started, exitAt, tol, timeoutMs).find((b) => exitAt > b.by && v.endAt >= b.by && !v.processFaultOn(m.host, b.from, b.by));
  if (broken === undefined) return [];
  const where = { index: (exited ?? started).index, executionId: m.execution, workerId: m.host };
  const still = exited === undefined ? 'was still running at the end of the run' : `ran until t=${exited.time}`;
  return [violation(v.records, 'resources', `${name(m)} ${still}, but ${broken.why} (bound t=${broken.by})`, where)];
}

/** A child's environment against the worker's: every documented base variable the worker has, none of its other variables unless named (blind set 20 #23). */
function judgeChildEnv(r: HistoryRecord, where: Parameters<typeof violation>[3], view: HistoryView): Violation[] {
  const v = r.value;
  if (v.resource !== 'process' || op(r) !== 'spawn') return [];
  const missing = Array.isArray(v.baseMissing) ? (v.baseMissing as string[]) : [];
  const leaked = Array.isArray(v.workerEnvLeaked) ? (v.workerEnvLeaked as string[]) : [];
  const what = `child ${String(v.id)} (${JSON.stringify(v.argv)}) on ${String(v.host)} at t=${r.time} (execution ${String(v.execution)})`;
  const out: Violation[] = [];
  if (missing.length > 0) out.push(violation(view.records, 'resources', `${what} lacks ${missing.join(', ')} of the worker's environment: a child's clean environment carries the documented base (PATH, HOME, LANG, LC_ALL, TZ, TMPDIR, USER, LOGNAME, SHELL) as the worker has it`, where));
  if (leaked.length > 0) out.push(violation(view.records, 'resources', `${what} got the worker's ${leaked.join(', ')}, which neither the documented base, --command-env-allow nor the task's env names: a child's environment is clean`, where));
  return out;
}

/** Never a pull; never the worker's secret in a child's or container's environment; a child's clean environment. */
function judgeOps(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const r of view.records) {
    if (!isResourceNote(r)) continue;
    const v = r.value;
    const where = { index: r.index, ...(typeof v.execution === 'string' ? { executionId: v.execution } : {}), workerId: String(v.host) };
    out.push(...judgeChildEnv(r, where, view));
    if (op(r) === 'pull') out.push(violation(view.records, 'resources', `the engine on ${String(v.host)} was asked to pull ${String(v.image)} at t=${r.time} (execution ${String(v.execution)}): the container kind never pulls; a missing image is an error`, where));
    const leaked = Array.isArray(v.leaked) ? v.leaked : [];
    if (leaked.length > 0) {
      const what = v.resource === 'process' ? `child ${String(v.id)} (${JSON.stringify(v.argv)})` : `container ${String(v.id)} (${String(v.image)})`;
      out.push(violation(view.records, 'resources', `${what} on ${String(v.host)} got the worker's secret ${leaked.join(', ')} in its environment at t=${r.time} (execution ${String(v.execution)}): a task's environment never carries the worker's secrets`, where));
    }
  }
  return out;
}

type KindRead = { status?: unknown; result?: unknown; error?: { code?: unknown; message?: unknown } };
const said = (x: unknown): string => JSON.stringify(x)?.slice(0, 300) ?? 'nothing';
/** A long text shown by its size and its end (where a tail differs). */
const saidEnd = (x: unknown): string => (typeof x === 'string' && x.length > 300 ? `${Buffer.byteLength(x)} bytes ending ${JSON.stringify(x.slice(-120))}` : said(x));

/** The kill that stopped a container at its own timeoutMs (counted from its start), not for an abort of its attempt. */
function ownTimeoutKill(m: Made, life: AttemptLife | undefined, timeoutMs: number | undefined): HistoryRecord | undefined {
  const started = firstOp(m, 'start');
  const kill = started === undefined ? undefined : firstOp(m, 'kill', started.time);
  if (m.resource !== 'container' || timeoutMs === undefined || started === undefined || kill === undefined) return undefined;
  if (life?.aborted !== undefined && life.aborted.at <= kill.time) return undefined;
  return kill.time >= started.time + timeoutMs ? kill : undefined;
}

/** A printed text as a worker passes it on: every occurrence of each secret of 4 characters or more (then of it trimmed, secret-encodings.ts) replaced by "[redacted]". */
function redacted(text: string, secrets: readonly string[]): string {
  return secrets.filter((s) => s.length >= 4).flatMap(secretTexts).reduce((out, t) => out.split(t).join('[redacted]'), text);
}

/** The execution's ended result as read at the end, against its final attempt's container or child. */
function judgeResult(id: string, read: KindRead, m: Made, v: HistoryView, timedOut: HistoryRecord | undefined, secrets: readonly string[]): Violation[] {
  const exit = firstOp(m, 'exit');
  if (exit === undefined || typeof exit.value.code !== 'number') return [];
  const printed = exit.value as { code: number; stdout: string; stderr: string };
  const { code } = printed;
  // As printed (its last 64 KiB), with every occurrence of a worker secret (4 characters or more) as "[redacted]" (promise 8, promises-secrets.ts).
  const [stdout, stderr] = [redacted(outputTail(printed.stdout), secrets), redacted(outputTail(printed.stderr), secrets)];
  const where = { index: exit.index, executionId: id, workerId: m.host };
  if (timedOut !== undefined) {
    if (read.status !== 'completed' && read.error?.code === 'timeout') return [];
    return [violation(v.records, 'resources', `execution ${id} ended ${String(read.status)} with ${said(read.error ?? read.result)}, but its final ${name(m)} was killed at t=${timedOut.time} for outliving its own timeoutMs: a container stopped at its timeoutMs fails with code timeout, not its exit code`, where)];
  }
  if (read.status === 'completed' && code === 0) {
    const r = read.result as { exitCode?: unknown; stdout?: unknown; stderr?: unknown } | undefined;
    if (r?.exitCode === 0 && r.stdout === stdout && r.stderr === stderr) return [];
    const long = (x: unknown): boolean => typeof x === 'string' && x.length > 300;
    const got = r === undefined || !(long(r.stdout) || long(r.stderr)) ? said(read.result) : `exitCode ${said(r.exitCode)}, stdout ${saidEnd(r.stdout)}, stderr ${saidEnd(r.stderr)}`;
    return [violation(v.records, 'resources', `execution ${id} completed with result ${got}, but its final ${name(m)} exited 0 printing stdout ${saidEnd(stdout)} and stderr ${saidEnd(stderr)}: a completion carries {exitCode: 0, stdout, stderr} as printed (the last 64 KiB of each)`, where)];
  }
  // A killed one (a timeout, an abort) fails with its own error, not its exit code.
  if (read.status !== 'failed' || code === 0 || typeof exit.value.signal === 'string') return [];
  const message = typeof read.error?.message === 'string' ? read.error.message : '';
  const tail = stderr.trim().slice(-2000);
  if (message.includes(`exited with code ${code}`) && message.includes(tail)) return [];
  return [violation(v.records, 'resources', `execution ${id} failed with error ${said(read.error)}, but its final ${name(m)} exited with code ${code} printing stderr ${saidEnd(stderr)}: a failure names the exit code and carries the stderr tail (its final lines)`, where)];
}

/** A container's own timeoutMs (its params), if it has one. */
function containerTimeoutMs(tasks: ReturnType<typeof tasksById>, execution: string): number | undefined {
  const params = tasks.get(execution)?.params as { timeoutMs?: unknown } | undefined;
  return typeof params?.timeoutMs === 'number' ? params.timeoutMs : undefined;
}

/** Every ended container and command execution's result (the `kindResults` note) against its final attempt's resource. */
function judgeResults(view: HistoryView, made: readonly Made[], lives: Map<string, AttemptLife>, tasks: ReturnType<typeof tasksById>, secrets: readonly string[]): Violation[] {
  const note = [...view.records].reverse().find((r) => r.f === 'note' && r.value.kindResults !== undefined);
  const reads = (note?.value.kindResults ?? {}) as Record<string, KindRead>;
  const last = new Map<string, { workerId: string; attempt: number }>();
  for (const { ev } of view.ofType('result_recorded')) last.set(ev.executionId, ev);
  const byAttempt = new Map(made.map((m) => [`${m.host}|${m.execution}|${m.attempt}`, m]));
  const results = Object.entries(reads).flatMap(([id, read]) => {
    const final = last.get(id);
    const key = final === undefined ? '' : `${final.workerId}|${id}|${final.attempt}`;
    const m = byAttempt.get(key);
    return m === undefined ? [] : judgeResult(id, read, m, view, ownTimeoutKill(m, lives.get(key), containerTimeoutMs(tasks, id)), secrets);
  });
  // Each command attempt's outcome against its child's end: exit 0 alone completes (promises-resources-exits.ts).
  return [...results, ...judgeExits(made, lives, reads, last, view), ...judgeEngineAnswers(view, reads, last)];
}

/** A child's environment ends with the task's own `env` (its values win over the base), a container's is the task's `env` only. */
function judgeEnv(m: Made, v: HistoryView): Violation[] {
  const made = m.first;
  const ignored = Array.isArray(made.value.taskEnvIgnored) ? (made.value.taskEnvIgnored as string[]) : [];
  const extra = Array.isArray(made.value.extraEnv) ? (made.value.extraEnv as string[]) : [];
  const where = { index: made.index, executionId: m.execution, workerId: m.host };
  const out: Violation[] = [];
  if (ignored.length > 0) out.push(violation(v.records, 'resources', `${name(m)} got ${ignored.join(', ')} other than the task's env gave: the task's own env comes last and wins`, where));
  if (extra.length > 0) out.push(violation(v.records, 'resources', `${name(m)} got ${extra.join(', ')}, which the task's env does not name: a container's environment is the task's env only`, where));
  return out;
}

/** 32. What a task kind creates ends with its attempt (see the file comment). */
export function checkResources(view: HistoryView, ctx: CheckContext): Violation[] {
  const lives = attempts(view);
  const tasks = tasksById(view);
  const made = resources(view);
  const out: Violation[] = [];
  for (const m of made) {
    out.push(...judgeEnv(m, view));
    const life = lives.get(`${m.host}|${m.execution}|${m.attempt}`);
    if (life === undefined) continue;
    if (m.resource === 'container') out.push(...judgeContainerEnd(m, life, ctx.toleranceMs, view));
    out.push(...judgeKill(m, life, ctx.toleranceMs, view, m.resource === 'container' ? containerTimeoutMs(tasks, m.execution) : undefined));
  }
  return [...out, ...judgeOps(view), ...judgeResults(view, made, lives, tasks, ctx.secrets ?? []), ...judgeOrphans(made, view, ctx)];
}
