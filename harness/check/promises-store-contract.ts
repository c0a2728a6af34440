/**
 * Promise 37, the store contract under failure and shutdown (blind set 15
 * #09-#11), judged from the store contract probe's notes
 * (harness/scenario/store-contract.ts, one per store the run's kind uses):
 *
 * - a batch refused part-way (its last record missing, or already there)
 *   is refused and changes none of its earlier records: all or nothing;
 * - a commit whose transaction failed is refused and leaves the row as it
 *   was, and the writes that follow on the healthy disk (the same change
 *   made again from what the store holds, then the end) commit: a failure
 *   leaves nothing behind, in the rows or in what the store remembers of them;
 * - close() resolves, and every write issued before it settled by then: a
 *   graceful stop commits what was queued, it never leaves a promise hanging;
 * - the reopened store holds each execution as the last write acknowledged
 *   for it, its status history included;
 * - each documented option value of the SQLite store has its effect on the
 *   store's own connection, read back by PRAGMA (synchronous, busy timeout,
 *   WAL, the exclusive lock; harness/scenario/store-options.ts; blind set
 *   22 #25 opened every database synchronous NORMAL);
 * - and the probe ran to its end (a setup write that fails breaks the contract too).
 *
 * And the simulated coordinator's own graceful stops (`gracefulStop` notes,
 * harness/scenario/graceful-stop.ts): each completes within its bound,
 * without error, and leaves no write the store was handed unsettled.
 */
import type { HistoryRecord } from './history.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** The note as store-contract.ts writes it (StoreContractNote), read defensively. */
interface Note {
  store: string;
  batches: { op: string; refused: boolean; changed: string[] }[];
  failedCommit: { refused: boolean; changed: string | null; laterError: string | null } | null;
  close: { issued: number; unsettled: number; closed: boolean };
  reloaded: { id: string; acknowledged: string; stored: string }[];
  error: string | null;
  /** SQLite: each documented option value opened and read back from the connection (store-options.ts). */
  options?: { options: string; pragma: string; expected: string | number; read: string | number | null; error?: string }[];
}

/** What is wrong in one probe's note, each as one sentence. */
function problems(n: Note): string[] {
  const out: string[] = [];
  if (n.error !== null) out.push(`the probe could not run its steps: ${n.error}`);
  for (const b of n.batches) {
    if (!b.refused) out.push(`${b.op === 'update' ? 'an update' : 'a submit'} batch whose last record ${b.op === 'update' ? 'the store does not hold' : 'it already holds'} was accepted`);
    if (b.changed.length > 0) out.push(`${b.op === 'update' ? 'an update' : 'a submit'} batch refused part-way left its earlier records written (${b.changed.join('; ')}): a batch commits all or nothing`);
  }
  const f = n.failedCommit;
  if (f !== null) {
    if (!f.refused) out.push('a write whose commit failed (injected I/O error) resolved as if it committed');
    if (f.changed !== null) out.push(`a failed commit left its change in the store (the row reads ${f.changed})`);
    if (f.laterError !== null) out.push(`after a failed commit, writes on the healthy disk (the same change made again from what the store holds, then the end) were refused: ${f.laterError}`);
  }
  if (!n.close.closed) out.push('close() did not resolve');
  if (n.close.unsettled > 0) out.push(`${n.close.unsettled} of ${n.close.issued} writes issued just before close() never settled: a graceful stop must commit (or refuse) what was queued`);
  for (const r of n.reloaded) out.push(`the reopened store holds ${r.id} as ${r.stored}, but the last write acknowledged for it was ${r.acknowledged}`);
  for (const o of n.options ?? []) {
    if (o.error !== undefined) out.push(`a store opened with the documented options ${o.options} was refused: ${o.error}`);
    else if (o.read !== o.expected) out.push(`a store opened with ${o.options} reads PRAGMA ${o.pragma} = ${String(o.read)} on its connection, where the documented option gives ${o.expected}: the option has no effect`);
  }
  return out;
}

function asNote(r: HistoryRecord): Note | undefined {
  const v = r.value;
  if (r.process !== 'store-contract' || v.probe !== 'store-contract') return undefined;
  return v as unknown as Note;
}

/** A `gracefulStop` note as graceful-stop.ts writes it (GracefulStopNote). */
interface StopNote {
  incarnation: number;
  completed: boolean;
  error: string | null;
  unsettled: number;
  ms: number;
}

/** What is wrong with one graceful stop of the coordinator. */
function stopProblem(s: StopNote): string | undefined {
  const who = `the graceful stop of coordinator incarnation ${s.incarnation}`;
  if (!s.completed) return `${who} did not complete within ${s.ms} ms (Coordinator.close(), then the store's close()): a stop must not hang`;
  if (s.error !== null) return `${who} failed: ${s.error}`;
  if (s.unsettled > 0) return `${who} completed (in ${s.ms} ms) with ${s.unsettled} write(s) the store was handed still unsettled: a graceful stop commits (or refuses) every queued write before the process exits`;
  return undefined;
}

/** 36. Every store-contract note's findings, and every graceful stop's, one violation each. */
export function checkStoreContract(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const r of view.records) {
    const n = asNote(r);
    if (n !== undefined) for (const p of problems(n)) out.push(violation(view.records, 'store-contract', `store contract (${n.store} store): ${p}`, { index: r.index }));
    const stop = r.f === 'note' ? (r.value.gracefulStop as StopNote | undefined) : undefined;
    const p = stop === undefined ? undefined : stopProblem(stop);
    if (p !== undefined) out.push(violation(view.records, 'store-contract', p, { index: r.index }));
  }
  return out;
}
