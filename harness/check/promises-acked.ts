/**
 * 20. An acknowledged message was committed. The coordinator acknowledges a
 * worker's reliable `started`, `result` or `checkpoint` only after the engine committed
 * its effect (system/coordinator/inbound.ts `reliably`); the worker then
 * drops it from its outbox for good. So every such message whose ack the
 * worker saw (its `msg_acked` to_coordinator covering the seq, in that
 * session) must have a committed effect in the history no later than the
 * coordinator life the ack was seen in (before the next coordinator crash,
 * or the end of the run):
 *  - result: `result_recorded` or `result_rejected` (stale, duplicate,
 *    unknown: a refusal is a verdict, acknowledged legitimately) for that
 *    execution and lease;
 *  - checkpoint: `checkpoint_saved` for that execution with this seq or a
 *    later one, unless the lease had already ended before the ack (the engine
 *    refuses a stale checkpoint silently);
 *  - started: the `running` status of that execution after its claim under
 *    this lease, unless the lease had already ended before the ack (the
 *    engine ignores a started for a lease that is gone).
 * An ack sent before the commit is otherwise invisible: when a crash loses
 * the uncommitted result, the task is silently redone and nothing is lost
 * end to end. Events a crash discarded are not in the view (not facts), nor
 * are events whose store write failed (a storage fault: history.ts), so an
 * ack of a failed checkpoint, started or result write is caught the same way;
 * and a client's submission acknowledged although its write failed is
 * reported too.
 */
import type { CheckContext } from './context.js';
import { type HistoryRecord, WRITE_FAILED } from './history.js';
import { pendingOf, release, type Pending } from './promises-protocol.js';
import type { Ev, HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** A durable worker message, parsed from its key (system/protocol/message-key.ts). */
interface Durable {
  kind: 'result' | 'checkpoint' | 'started';
  executionId: string;
  leaseToken: string;
  /** The outcome (result) or checkpoint seq (checkpoint), as in the key. */
  detail: string;
}

/**
 * Any task message key (system/protocol/message-key.ts):
 * `type:executionId/leaseToken[/detail]`, detail '' for the types without one
 * (assign, started); undefined for a key that is not a task message's.
 */
export function parseTaskKey(key: string | undefined): { kind: string; executionId: string; leaseToken: string; detail: string } | undefined {
  if (key === undefined) return undefined;
  const colon = key.indexOf(':');
  if (colon < 0) return undefined;
  const kind = key.slice(0, colon);
  const bare = kind === 'started' || kind === 'assign';
  const parts = key.slice(colon + 1).split('/');
  if (parts.length < (bare ? 2 : 3)) return undefined;
  const detail = bare ? '' : (parts.pop() as string);
  const leaseToken = parts.pop() as string;
  return { kind, executionId: parts.join('/'), leaseToken, detail };
}

/** `result:exec/lease/outcome`, `checkpoint:exec/lease/seq` or `started:exec/lease`; undefined for any other key. */
export function parseDurableKey(key: string | undefined): Durable | undefined {
  const k = parseTaskKey(key);
  if (k === undefined || (k.kind !== 'result' && k.kind !== 'checkpoint' && k.kind !== 'started')) return undefined;
  return { ...k, kind: k.kind };
}

/** A durable message and the record index where its sender saw it acknowledged. */
interface Acked {
  msg: Durable;
  sent: Ev<'msg_sent'>;
  ackIndex: number;
  ackTime: number;
}

/** Every durable worker → coordinator message the worker saw acknowledged (first ack per key). */
function ackedDurable(view: HistoryView): Acked[] {
  const out: Acked[] = [];
  const seen = new Set<string>();
  const pending = new Map<string, Pending>();
  for (const e of view.events) {
    const ev = e.ev;
    if ((ev.type !== 'msg_sent' && ev.type !== 'msg_acked') || ev.dir !== 'to_coordinator') continue;
    const p = pendingOf(pending, `${ev.workerId}|${view.lifeOf(ev.workerId, e.rec.index)}|${ev.sessionId}`);
    if (ev.type === 'msg_sent') {
      p.list.push(e as Ev<'msg_sent'>);
      continue;
    }
    for (const s of release(p, ev.upTo)) {
      const msg = parseDurableKey(s.ev.key);
      const k = `${s.ev.workerId}|${s.ev.key ?? ''}`;
      if (msg === undefined || seen.has(k)) continue;
      seen.add(k);
      out.push({ msg, sent: s, ackIndex: e.rec.index, ackTime: e.rec.time });
    }
  }
  return out;
}

/** The committed effect of an acknowledged result, recorded no later than the ack's coordinator life. */
function resultCommitted(view: HistoryView, a: Acked, life: number): boolean {
  return (view.byExecution.get(a.msg.executionId) ?? []).some(
    (x) =>
      (x.ev.type === 'result_recorded' || x.ev.type === 'result_rejected') &&
      x.ev.leaseToken === a.msg.leaseToken &&
      view.lifeOf('coordinator', x.rec.index) <= life,
  );
}

/** The lease of `a` had ended (expired, released, recorded, or superseded by a later claim) before its ack. */
function leaseEndedBeforeAck(view: HistoryView, a: Acked): boolean {
  let claimedAt: number | undefined;
  for (const x of view.byExecution.get(a.msg.executionId) ?? []) {
    const ev = x.ev;
    if (x.rec.index >= a.ackIndex) break;
    if (ev.type === 'claimed' && ev.leaseToken === a.msg.leaseToken) claimedAt = x.rec.index;
    const ended =
      ((ev.type === 'lease_expired' || ev.type === 'lease_released' || ev.type === 'result_recorded' || ev.type === 'result_rejected') && ev.leaseToken === a.msg.leaseToken) ||
      (ev.type === 'claimed' && ev.leaseToken !== a.msg.leaseToken && claimedAt !== undefined && x.rec.index > claimedAt);
    if (ended) return true;
  }
  return false;
}

/** A saved checkpoint at or past this seq by the ack's coordinator life, or the lease ended before the ack (stale). */
function checkpointCommitted(view: HistoryView, a: Acked, life: number): boolean {
  const seq = Number(a.msg.detail);
  const saved = (view.byExecution.get(a.msg.executionId) ?? []).some(
    (x) => x.ev.type === 'checkpoint_saved' && x.ev.seq >= seq && view.lifeOf('coordinator', x.rec.index) <= life,
  );
  return saved || leaseEndedBeforeAck(view, a);
}

/** The execution went `running` under this lease by the ack's coordinator life, or the lease ended before the ack. */
function startedCommitted(view: HistoryView, a: Acked, life: number): boolean {
  let claimed = false;
  for (const x of view.byExecution.get(a.msg.executionId) ?? []) {
    const ev = x.ev;
    if (ev.type === 'claimed') claimed = ev.leaseToken === a.msg.leaseToken;
    else if (claimed && ev.type === 'status' && ev.to === 'running' && view.lifeOf('coordinator', x.rec.index) <= life) return true;
  }
  return leaseEndedBeforeAck(view, a);
}

/** What the coordinator should have committed for this kind of message, as the violation says it. */
const EFFECT = {
  result: () => 'no result_recorded or result_rejected for that lease',
  checkpoint: (a: Acked) => `no checkpoint_saved at seq >= ${a.msg.detail} while the lease was live`,
  started: () => 'no running status for that lease while it was live',
} as const;

/**
 * A client's acknowledged submission whose store write failed: its
 * `submitted` event was discarded because the write failed (history.ts
 * WRITE_FAILED), and no committed `submitted` for it stands.
 */
function checkAckedSubmissions(view: HistoryView, writeFailed: readonly HistoryRecord[]): Violation[] {
  const failed = new Map<string, number>();
  for (const x of writeFailed) if (x.f === 'submitted' && typeof x.value.executionId === 'string') failed.set(x.value.executionId, x.time);
  if (failed.size === 0) return [];
  const committed = new Set(view.ofType('submitted').map((e) => e.ev.executionId));
  const out: Violation[] = [];
  for (const r of view.records) {
    if (r.f !== 'submit' || r.type !== 'ok' || !Array.isArray(r.value.executionIds)) continue;
    for (const id of r.value.executionIds) {
      const at = typeof id === 'string' ? failed.get(id) : undefined;
      if (at === undefined || committed.has(id as string)) continue;
      const msg = `${r.process}: submission of ${String(id)} was acknowledged at t=${r.time}, but its store write failed at t=${at} and nothing committed it: it acknowledged a write the store refused`;
      out.push(violation(view.records, 'acked-committed', msg, { index: r.index, executionId: id as string }));
    }
  }
  return out;
}

/** Coordinator events discarded because their store write failed (HistoryRecorder, WRITE_FAILED). */
export function writeFailedEvents(view: HistoryView): HistoryRecord[] {
  const out: HistoryRecord[] = [];
  for (const r of view.records) {
    if (r.f !== 'discard' || r.value.reason !== WRITE_FAILED || !Array.isArray(r.value.indexes)) continue;
    for (const i of r.value.indexes) {
      const x = typeof i === 'number' ? view.records[i] : undefined;
      if (x !== undefined) out.push(x);
    }
  }
  return out;
}

/** 20. Every acknowledged started, result, checkpoint and submission has a committed effect. */
export function checkAckedCommitted(view: HistoryView, _ctx: CheckContext): Violation[] {
  const writeFailed = writeFailedEvents(view);
  const failedFor = new Set(writeFailed.map((x) => String(x.value.executionId)));
  const out: Violation[] = checkAckedSubmissions(view, writeFailed);
  for (const a of ackedDurable(view)) {
    const life = view.lifeOf('coordinator', a.ackIndex);
    const ok = a.msg.kind === 'result' ? resultCommitted(view, a, life) : a.msg.kind === 'checkpoint' ? checkpointCommitted(view, a, life) : startedCommitted(view, a, life);
    if (ok) continue;
    const w = a.sent.ev.workerId;
    const effect = EFFECT[a.msg.kind](a);
    out.push(
      violation(
        view.records,
        'acked-committed',
        `${w}: ${a.msg.kind} ${a.sent.ev.key ?? ''} (seq ${a.sent.ev.seq}, session ${a.sent.ev.sessionId}) was acknowledged at t=${a.ackTime}, but the coordinator committed ${effect} before ${life < view.lifeOf('coordinator', Infinity) ? 'its next crash' : 'the run ended'}: ${failedFor.has(a.msg.executionId) ? 'its store write failed and it was acknowledged anyway' : 'it acknowledged before the store commit'}`,
        { index: a.ackIndex, workerId: w, executionId: a.msg.executionId },
      ),
    );
  }
  return out;
}
