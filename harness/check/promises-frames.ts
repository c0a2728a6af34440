/**
 * The echo contract at the frame limit (part of promise 16, `task-contract`).
 * `echo` returns its value; a value that cannot fit a frame the coordinator
 * accepts (CheckContext.maxFrameBytes) must not be sent: the worker reports
 * the attempt `failed` with `too_large` instead, and that result is recorded
 * on the first attempt without the worker's link going down (sent as is,
 * the coordinator closes the link and the re-send fails forever). A value
 * comfortably below the limit keeps the plain contract (never fails); in the
 * narrow band between, where the envelope decides, either answer is right,
 * but one of them comes on the first attempt with the link up: the worker
 * sizes the frame with its envelope (v, seq, ack, sig), so a result that
 * fits the limit alone but not once enveloped is failed too_large, never
 * sent for the coordinator to refuse (blind set 16 #17; workload
 * `valueStepBytes` sweeps values across the band).
 */
import type { CheckContext } from './context.js';
import type { TaskSubmitted } from './history.js';
import type { Ev, HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** What a result adds around its value: its other fields and the envelope room (the worker reserves 256 bytes). */
const RESULT_OVERHEAD_BYTES = 1024;

/** Bytes of an echo task's value as JSON (the size it has in a result). */
function valueBytes(task: TaskSubmitted): number {
  const params = task.params;
  const value = params !== null && typeof params === 'object' ? (params as Record<string, unknown>).value : undefined;
  return Buffer.byteLength(JSON.stringify(value ?? null), 'utf8');
}

/** Whether an echo's result fits a frame: surely, surely not, or close enough that the envelope decides. */
export function echoFit(task: TaskSubmitted, ctx: CheckContext): 'fits' | 'too-large' | 'either' {
  const limit = ctx.maxFrameBytes;
  if (task.kind !== 'echo' || limit === undefined) return 'fits';
  const bytes = valueBytes(task);
  if (bytes > limit) return 'too-large';
  return bytes + RESULT_OVERHEAD_BYTES <= limit ? 'fits' : 'either';
}

/** One finished attempt of an echo whose value is too large (or nearly) for a frame. */
export function judgeEchoTooLarge(task: TaskSubmitted, f: Ev<'task_finished'>, ctx: CheckContext, v: (m: string) => void): void {
  const { outcome, attempt, errorCode } = f.ev;
  const size = `its value of ${valueBytes(task)} bytes`;
  if (outcome === 'completed' && echoFit(task, ctx) === 'too-large') {
    v(`attempt ${attempt} completed, but ${size} cannot fit a frame (maxFrameBytes ${ctx.maxFrameBytes}): the worker must report it failed with too_large, not send it`);
  } else if (outcome === 'failed' && errorCode !== 'too_large') {
    v(`attempt ${attempt} failed with ${errorCode ?? 'no error code'}, but echo fails only when ${size} cannot fit a frame, and then with too_large`);
  }
}

/** A too-large echo (or one in the band): its first attempt's result is recorded (failed; in the band, completed or failed), with no disconnect of its holder on the way. */
export function judgeTooLarge(view: HistoryView, ctx: CheckContext, id: string, task: TaskSubmitted): Violation[] {
  const events = view.byExecution.get(id) ?? [];
  const claim = events.find((e): e is Ev & Ev<'claimed'> => e.ev.type === 'claimed' && e.ev.source === 'coordinator' && e.ev.attempt === 1);
  if (claim === undefined) return [];
  const w = claim.ev.workerId;
  const recorded = events.find((e): e is Ev & Ev<'result_recorded'> => e.ev.type === 'result_recorded' && e.ev.leaseToken === claim.ev.leaseToken);
  const end = recorded?.rec.time ?? view.endAt;
  if (view.anyFaultOn(w, claim.rec.time, end, ['clock_skew'])) return [];
  const v = (message: string, index: number): Violation =>
    violation(view.records, 'task-contract', `echo of ${valueBytes(task)} bytes (maxFrameBytes ${ctx.maxFrameBytes}): ${message}`, { index, executionId: id, workerId: w });
  const band = echoFit(task, ctx) === 'either';
  if (recorded === undefined) {
    const rule = band ? 'a value near the frame limit is sent if it fits with its envelope, else it ends failed with too_large, on its first attempt' : 'a value that cannot fit a frame ends failed with too_large on its first attempt';
    return [v(`attempt 1 (${w}) never had its result recorded: ${rule}`, claim.rec.index)];
  }
  const out: Violation[] = [];
  if (!band && recorded.ev.outcome !== 'failed') out.push(v(`attempt 1 was recorded ${recorded.ev.outcome}; a value that cannot fit a frame ends failed (too_large)`, recorded.rec.index));
  const dropped = (view.byWorker.get(w) ?? []).find((e) => e.ev.type === 'disconnected' && e.ev.source === w && e.rec.time >= claim.rec.time && e.rec.time <= end);
  if (dropped !== undefined && dropped.ev.type === 'disconnected') {
    out.push(v(`${w} lost its link (${dropped.ev.code} ${dropped.ev.reason}) between the claim and the recorded result: the too_large failure must go out in place of a value that does not fit a frame with its envelope, not the value itself`, dropped.rec.index));
  }
  return out;
}

/**
 * The plain echo contract: a completed echo's result, as the client reads it
 * at the end (the simulation records `echoResults`), is its value unchanged,
 * falsy values (0, false, '', null) included.
 */
export function checkEchoResults(view: HistoryView, tasks: ReadonlyMap<string, TaskSubmitted>): Violation[] {
  const note = view.records.findLast((r) => r.f === 'note' && r.value.echoResults !== undefined);
  const results = note?.value.echoResults as Record<string, { result?: unknown }> | undefined;
  if (note === undefined || results === undefined) return [];
  const out: Violation[] = [];
  for (const [id, read] of Object.entries(results)) {
    const task = tasks.get(id);
    if (task?.kind !== 'echo') continue;
    const sent = (task.params as { value?: unknown } | undefined)?.value;
    const got = 'result' in read ? JSON.stringify(read.result) : 'no result';
    if (got === JSON.stringify(sent ?? null)) continue;
    out.push(violation(view.records, 'task-contract', `echo ${JSON.stringify(task.params).slice(0, 80)}: completed with ${got.slice(0, 80)}, but echo returns its value unchanged`, { index: note.index, executionId: id }));
  }
  return out;
}
