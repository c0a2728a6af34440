/**
 * The held-task report across sessions (part of promise 11, `delivery`;
 * docs/PROTOCOL.md "sync"). A worker's `sync` tells the coordinator what it
 * holds at the start of one session; a new session gets a fresh report built
 * at its start, and an unacknowledged report of an earlier session is dropped
 * when the outbox renumbers (it may name leases since finished, revoked or
 * reassigned). So a `sync` re-sent (`msg_sent` with `resend: true`) must be
 * one first sent in that same session at that seq (a resumed session re-sends
 * with the seqs it had); one that arrives renumbered in a later session is a
 * stale report. The coordinator answers it like a fresh one, so the outcome
 * rarely shows it: only the worker's own trace does.
 */
import type { CheckContext } from './context.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** 11 (sync rule). See the file header. */
export function checkSyncPerSession(view: HistoryView, _ctx: CheckContext): Violation[] {
  const first = new Map<string, number>();
  const keyOf = (workerId: string, life: number, sessionId: string, seq: number): string => `${workerId}|${life}|${sessionId}|${seq}`;
  const out: Violation[] = [];
  for (const e of view.ofType('msg_sent')) {
    const { workerId: w, sessionId, seq, dir, msgType, resend } = e.ev;
    if (dir !== 'to_coordinator' || msgType !== 'sync' || e.ev.source !== w) continue;
    const life = view.lifeOf(w, e.rec.index);
    const key = keyOf(w, life, sessionId, seq);
    if (!resend) {
      first.set(key, e.rec.time);
      continue;
    }
    if (first.has(key)) continue;
    const earlier = [...first.entries()].filter(([k]) => k.startsWith(`${w}|${life}|`) && !k.startsWith(`${w}|${life}|${sessionId}|`)).at(-1);
    const from = earlier === undefined ? 'an earlier session' : `session ${earlier[0].split('|')[2] ?? '?'} (first sent at t=${earlier[1]})`;
    const msg =
      `${w} re-sent a sync report as seq ${seq} in session ${sessionId} at t=${e.rec.time} that it never sent in that session: a stale report from ${from}; ` +
      `a new session's sync is built at its start and an earlier session's unacknowledged report is dropped`;
    out.push(violation(view.records, 'delivery', msg, { index: e.rec.index, workerId: w }));
  }
  return out;
}
