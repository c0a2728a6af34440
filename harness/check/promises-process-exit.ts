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
 *   faults; a trigger's coordinator kill is always a crash).
 */
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** A stop as the simulation ran it (note `processExit`). */
export interface ProcessExit {
  /** 'coordinator' or the worker's id. */
  process: string;
  signal: 'SIGTERM';
  signalledAt: number;
  /** When it exited. */
  at: number;
  code: number;
  /** Each step of the stop in the order it ended: [step, 'ok' or the error's message]. */
  steps: [string, string][];
}

/** The README's table for a stop after SIGINT/SIGTERM. */
const CLEAN = 0;
const FAILED = 1;

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
  return [...out, ...unexited(view, exits.map((e) => e.exit))];
}

function exitMismatch(exit: ProcessExit): string | undefined {
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
