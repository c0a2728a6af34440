/**
 * Promise 29 (api-contract), repeated controls in the store: a control that
 * changes nothing (a second pause of a paused execution, a resume of one not
 * paused, a cancel of an ended one) is a no-op, and a control that changes
 * the status records it once, in the store's row and its statusHistory
 * alike. statusHistory alone (promises-reads-derived.ts) cannot see a
 * control that wrote the row without an entry, nor an entry the store never
 * got; the client's `controlStore` notes (harness/scenario/control-store.ts)
 * hold the store's committed row at the request and at the answer, the
 * writes staged for the execution in between, and what the API answered:
 *  - writes staged (and not refused by a storage fault) while the row's
 *    statusHistory did not grow: the control wrote the row without
 *    recording a change;
 *  - with none of the execution's writes left uncommitted at the answer,
 *    the store's row holds what the API answered: the same status and the
 *    same statusHistory as the API shows it (a retried attempt's
 *    failed/timeout entry folded into its 'retrying'), its last entry its
 *    status.
 */
import type { HistoryRecord } from './history.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

interface Row {
  status: string;
  history: string[];
}

interface ControlStore {
  op: string;
  executionId: string;
  httpStatus: number | null;
  before: Row | null;
  after: Row | null;
  writes: number | null;
  pending: number | null;
  answer: Row | null;
}

const isRow = (x: unknown): x is Row => typeof x === 'object' && x !== null && typeof (x as Row).status === 'string' && Array.isArray((x as Row).history);
const shown = (status: string, history: readonly string[]): string => `${status} with statusHistory [${history.join(', ')}]`;

/**
 * The statusHistory as the API shows it (README, "statusHistory"): a retried
 * attempt's 'failed' or 'timeout' entry right before 'retrying' is one
 * 'retrying' entry; the store keeps both.
 */
export function shownHistory(history: readonly string[]): string[] {
  return history.filter((s, i) => !((s === 'failed' || s === 'timeout') && history[i + 1] === 'retrying'));
}

function notes(view: HistoryView): { rec: HistoryRecord; c: ControlStore }[] {
  const out: { rec: HistoryRecord; c: ControlStore }[] = [];
  for (const rec of view.records) {
    const c = rec.value.controlStore as ControlStore | undefined;
    if (rec.f === 'note' && rec.process === 'client' && typeof c === 'object' && c !== null && typeof c.executionId === 'string') out.push({ rec, c });
  }
  return out;
}

/** The violation of one control, if any (see the file header). */
function judge(c: ControlStore): string | undefined {
  const what = `${c.op} of ${c.executionId} (answered ${c.httpStatus ?? 'nothing'})`;
  // Judged against the row before it (the MemoryStore's): a control that wrote must have added an entry.
  if (c.writes !== null && c.writes > 0 && c.before !== null && c.after !== null && c.after.history.length <= c.before.history.length) {
    return `${what} staged ${c.writes} store write(s) of the execution, but its row's statusHistory did not grow (${shown(c.after.status, c.after.history)}): a control that changes nothing (a repeated pause, resume or cancel) writes nothing, and one that writes records its change in statusHistory`;
  }
  if (c.pending !== 0 || c.after === null) return undefined;
  if (c.after.history.at(-1) !== c.after.status) return `after ${what} the store's row is ${shown(c.after.status, c.after.history)}: its statusHistory's last entry is its status`;
  const stored = shownHistory(c.after.history);
  if (c.answer !== null && isRow(c.answer) && (c.answer.status !== c.after.status || c.answer.history.join() !== stored.join())) {
    return `${what}: the API answered ${shown(c.answer.status, c.answer.history)}, but the store's committed row is ${shown(c.after.status, stored)} as the API shows it, with nothing left to commit: what a control answers is what the store holds`;
  }
  return undefined;
}

/** 29. Each client control wrote the store only to record a change, and the store's row holds what the API answered. */
export function checkControlStore(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const { rec, c } of notes(view)) {
    const message = judge(c);
    if (message !== undefined) out.push(violation(view.records, 'api-contract', message, { index: rec.index, executionId: c.executionId }));
  }
  return out;
}
