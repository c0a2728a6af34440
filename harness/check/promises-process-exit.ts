/**
 * 36. `squall coordinator` and `squall worker` exit as the README documents
 * after SIGTERM ("Operating it from the command line", exit codes of the
 * long-running commands), judged on each stop the simulation ran through
 * the commands' own stop and signal handling (harness/scenario/process-stop.ts:
 * a coordinator `kill` with `graceful`, a worker `drain`), with this file's
 * own copy of the table, never system/cli's:
 *
 * - 0 when the stop ended cleanly, 1 when a step of it failed (the store's
 *   last commit or close, the coordinator's close, the worker's stop: as
 *   the harness saw each step end, not as the process reported it);
 * - the coordinator's clean stop closes the coordinator and then its store
 *   (SIGTERM "closes it cleanly": what it acknowledged is committed), the
 *   worker's runs its drain;
 * - a coordinator sent SIGTERM exits before it is started again (its stop
 *   has nothing to wait for; a stop that hangs is a process that never
 *   ends), unless something else killed it first (timeline and swarm
 *   faults; a trigger's coordinator kill is always a crash);
 * - the worker drains ("the worker drains", up to --drain-timeout-ms): an
 *   attempt it was running when signalled finishes on its own, never
 *   handed back (`revoked`) or left running at the exit before the drain
 *   timeout ran out, unless another fault touched the worker or the
 *   coordinator meanwhile (blind set 19 #02: stopped at once, every
 *   in-flight execution re-run elsewhere). promises-drain.ts judges the
 *   coordinator's side of the drain once it has the worker's `drain`.
 */
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** A stop as the simulation ran it (note `processExit`). */
export interface ProcessExit {
  /** 'coordinator' or the worker's id. */
  process: string;
  signal: 'SIGTERM' | 'SIGINT';
  signalledAt: number;
  /** A second signal, sent while the stop still ran. */
  secondSignalAt?: number;
  /** When it exited. */
  at: number;
  code: number;
  /** Each step of the stop in the order it ended: [step, 'ok' or the error's message]. */
  steps: [string, string][];
  /** A worker's --drain-timeout-ms (the `drain` fault's timeoutMs). */
  drainTimeoutMs?: number;
}

/** A worker sent its first signal (note `processSignal`). */
export interface ProcessSignal {
  process: string;
  signal: 'SIGTERM' | 'SIGINT';
  at: number;
}

/** The README's table for a stop after SIGINT/SIGTERM. */
const CLEAN = 0;
const FAILED = 1;
const SECOND_SIGNAL = 130;

/** The steps each command's clean stop takes, in order. */
const STEPS: Record<'coordinator' | 'worker', string[]> = { coordinator: ['coordinator.close', 'store.close'], worker: ['worker.stop'] };

/** 36. Every simulated stop's exit code and steps, and that a signalled coordinator exits (see the file comment). */
export function checkProcessExits(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  const exits: { index: number; exit: ProcessExit }[] = [];
  for (const r of view.records) if (r.f === 'note' && typeof r.value.processExit === 'object' && r.value.processExit !== null) exits.push({ index: r.index, exit: r.value.processExit as ProcessExit });
  for (const { index, exit } of exits) {
    const m = exitMismatch(exit);
    if (m !== undefined) out.push(violation(view.records, 'process-exit', `squall ${exit.process === 'coordinator' ? 'coordinator' : `worker --id ${exit.process}`}, sent ${exit.signal} at t=${exit.signalledAt}, ${m}`, { index }));
  }
  for (const { index, exit } of exits) {
    const m = exit.process === 'coordinator' ? undefined : undrained(view, exit);
    if (m !== undefined) out.push(violation(view.records, 'process-exit', `squall worker --id ${exit.process}, sent ${exit.signal} at t=${exit.signalledAt} (--drain-timeout-ms ${exit.drainTimeoutMs ?? '?'}), ${m}`, { index }));
  }
  return [...out, ...unexited(view, exits.map((e) => e.exit)), ...unheard(view, exits.map((e) => e.exit))];
}

/**
 * A worker sent SIGINT or SIGTERM (a `drain` fault) that neither began its
 * stop (the command's stop not called, as the simulation observes it, note
 * `processStop`; no `drain` sent, not `stopped`) nor exited before the fault ended
 * (its new process started), unless another process fault (kill, restart,
 * pause) touched it meanwhile: both signals stop `squall worker` (README).
 */
function unheard(view: HistoryView, exits: readonly ProcessExit[]): Violation[] {
  const out: Violation[] = [];
  for (const r of view.records) {
    const s = r.f === 'note' ? (r.value.processSignal as ProcessSignal | undefined) : undefined;
    if (s === undefined) continue;
    const fault = view.faults.find((f) => f.details.action === 'drain' && f.start.time === s.at && (f.details.workers ?? []).includes(s.process));
    const end = fault === undefined ? view.endAt : view.faultEnd(fault);
    if (exits.some((e) => e.process === s.process && e.signalledAt === s.at)) continue;
    const began = view.records.some((b) => b.f === 'note' && (b.value.processStop as { process?: string; at?: number } | undefined)?.process === s.process && b.time >= s.at && b.time <= end);
    const heard = began || (view.byWorker.get(s.process) ?? []).some((e) => e.ev.source === s.process && e.rec.time >= s.at && e.rec.time <= end && (e.ev.type === 'stopped' || (e.ev.type === 'msg_sent' && e.ev.msgType === 'drain')));
    const other = view.faults.some((f) => f !== fault && ['kill', 'restart', 'pause', 'twin'].includes(String(f.details.action)) && (f.details.workers ?? []).includes(s.process) && f.start.time <= end && view.faultEnd(f) >= s.at);
    if (heard || other) continue;
    out.push(violation(view.records, 'process-exit', `squall worker --id ${s.process}, sent ${s.signal} at t=${s.at}, neither began its stop (its stop not run, no drain sent, not stopped) nor exited by t=${end}: SIGINT and SIGTERM both stop it (README: the worker drains)`, { index: r.index }));
  }
  return out;
}

/**
 * Why a worker's stop did not drain, if it did not: an attempt running at
 * the signal that was handed back (`revoked`) or still ran at the exit,
 * before the drain timeout ran out and with no other fault on the worker
 * or the coordinator since the signal (see the file comment).
 */
function undrained(view: HistoryView, exit: ProcessExit): string | undefined {
  const w = exit.process;
  const deadline = Math.min(exit.signalledAt + (exit.drainTimeoutMs ?? Infinity), exit.secondSignalAt ?? Infinity);
  const running = new Map<string, number>();
  const finished = new Map<string, { at: number; outcome: string }>();
  for (const e of view.byWorker.get(w) ?? []) {
    if (e.ev.source !== w || e.rec.time > exit.at) continue;
    if (e.ev.type === 'task_started' && e.rec.time <= exit.signalledAt) running.set(e.ev.leaseToken, e.rec.time);
    else if (e.ev.type === 'task_finished') {
      if (e.rec.time < exit.signalledAt) running.delete(e.ev.leaseToken);
      else finished.set(e.ev.leaseToken, { at: e.rec.time, outcome: e.ev.outcome });
    }
  }
  for (const token of running.keys()) {
    const f = finished.get(token);
    const until = f?.at ?? exit.at;
    if (until >= deadline || view.anyFaultOn(w, exit.signalledAt, until, ['drain'])) continue;
    if (f === undefined) return `exited ${exit.code} at t=${exit.at} while its attempt of lease ${token} still ran, before its drain timeout (t=${deadline}): the worker drains what it runs before it exits (README)`;
    if (f.outcome === 'revoked') return `handed back its attempt of lease ${token} (revoked at t=${f.at}) before its drain timeout (t=${deadline}): the worker drains, its running tasks finish (README: aborted only once --drain-timeout-ms ran out)`;
  }
  return undefined;
}

function exitMismatch(exit: ProcessExit): string | undefined {
  if (exit.secondSignalAt !== undefined) {
    if (exit.code === SECOND_SIGNAL && exit.at === exit.secondSignalAt) return undefined;
    return `was sent a second ${exit.signal} at t=${exit.secondSignalAt} while its stop ran, and exited ${exit.code} at t=${exit.at}: the README documents exit ${SECOND_SIGNAL} at once for a second signal during the stop`;
  }
  const failed = exit.steps.find(([, how]) => how !== 'ok');
  const want = failed === undefined ? CLEAN : FAILED;
  const why = failed === undefined ? `its stop ended cleanly (${exit.steps.map(([s]) => s).join(', ') || 'no step'})` : `its stop failed (${failed[0]}: ${failed[1]})`;
  if (exit.code !== want) return `exited ${exit.code} at t=${exit.at} after ${why}: the README documents exit ${want} for that (0 a clean stop, 1 a failed one)`;
  if (failed !== undefined) return undefined;
  const steps = STEPS[exit.process === 'coordinator' ? 'coordinator' : 'worker'];
  const done = exit.steps.map(([s]) => s);
  if (done.join(',') !== steps.join(',')) return `exited ${exit.code} at t=${exit.at} having run ${done.join(', ') || 'nothing'} of its stop: a clean stop runs ${steps.join(', then ')} (what it acknowledged is committed before it exits)`;
  return undefined;
}

/** A coordinator signalled by a graceful kill that never exited before the fault's end (unless another fault killed it first). */
function unexited(view: HistoryView, exits: readonly ProcessExit[]): Violation[] {
  const out: Violation[] = [];
  const downs = view.faults.filter((f) => ['kill', 'restart'].includes(String(f.details.action)) && f.details.coordinator === true);
  for (const f of downs) {
    // A trigger's coordinator kill is a crash whatever its attributes (faults-trigger.ts crashCoordinator).
    if (f.details.params?.graceful !== true || f.details.action !== 'kill' || f.details.origin === 'trigger' || f.stop === undefined) continue;
    if (exits.some((e) => e.process === 'coordinator' && e.signalledAt === f.start.time)) continue;
    if (downs.some((g) => g !== f && g.start.time >= f.start.time && g.start.time <= (f.stop?.time ?? Infinity))) continue;
    out.push(violation(view.records, 'process-exit', `squall coordinator, sent SIGTERM at t=${f.start.time} (graceful kill), had not exited when it was started again at t=${f.stop.time}: its stop has nothing to wait for, so a stop that does not end is a process that never exits`, { index: f.stop.index }));
  }
  return out;
}
