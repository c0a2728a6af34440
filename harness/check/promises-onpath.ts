/**
 * Promise 8 (auth) against on-path adversaries (harness/scenario/adversary-onpath.ts).
 * Their attempts are `adversary` notes; the check looks at what the
 * coordinator and the victim did next:
 *  - injected-crc, injected-ack: an unsigned frame written into the victim's
 *    live signing session must be refused: a protocol_error on that
 *    connection within the note's withinMs (the adversary's wait before its
 *    next attack; default a heartbeat), unless the connection ended first;
 *  - edited-welcome: the registration that follows a welcome edited in
 *    flight must fail (the coordinator's auth_failed, or the worker's own
 *    refusal), never end in the coordinator's `worker_registered` or the
 *    victim's `connected`; so must the one whose register was edited in
 *    flight (`edited-register`, harness/scenario/adversary-register.ts: the
 *    register MAC covers every field of it, resume.lastSeq included);
 *  - impostor-coordinator: the victim must refuse the impostor's
 *    `registered` (forged or missing proof): its next `connected`/`disconnected` is a
 *    disconnect, and nothing the impostor assigned ever shows in its events.
 */
import type { CheckContext } from './context.js';
import type { HistoryRecord } from './history.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

function notesOf(view: HistoryView, attacks: readonly string[]): HistoryRecord[] {
  return view.records.filter((r) => r.f === 'note' && r.process === 'adversary' && attacks.includes(String(r.value.attack)));
}

/** The first record after `from` matching `pick`. */
function firstAfter(view: HistoryView, from: number, pick: (r: HistoryRecord) => boolean): HistoryRecord | undefined {
  for (let i = from + 1; i < view.records.length; i++) {
    const r = view.records[i] as HistoryRecord;
    if (pick(r)) return r;
  }
  return undefined;
}

/** Injected unsigned frames are refused on the victim's connection. */
function checkInjections(view: HistoryView, ctx: CheckContext): Violation[] {
  const out: Violation[] = [];
  for (const n of notesOf(view, ['injected-crc', 'injected-ack'])) {
    const window = typeof n.value.withinMs === 'number' ? n.value.withinMs : ctx.heartbeatMs + ctx.toleranceMs;
    const conn = n.value.connection;
    const next = firstAfter(view, n.index, (r) => r.process === 'coordinator' && r.value.connectionId === conn && (r.f === 'protocol_error' || r.f === 'worker_disconnected'));
    if (next !== undefined && next.time < n.time + window) continue; // refused, or the connection ended before it could be judged
    const victim = String(n.value.victim);
    out.push(
      violation(view.records, 'auth', `an unsigned frame (${String(n.value.attack)}) injected into ${victim}'s signing session ${String(conn)} at t=${n.time} was not refused: no protocol_error on that connection within ${window} ms`, {
        index: n.index,
        workerId: victim,
      }),
    );
  }
  return out;
}

/** A registration after an edited welcome, or of an edited register, fails. */
function checkEditedWelcomes(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const n of notesOf(view, ['edited-welcome', 'edited-register'])) {
    const victim = String(n.value.victim);
    const next = firstAfter(
      view,
      n.index,
      (r) =>
        (r.process === victim && (r.f === 'connected' || r.f === 'disconnected')) ||
        (r.process === 'coordinator' && (r.f === 'auth_failed' || r.f === 'worker_registered') && r.value.workerId === victim),
    );
    // The register's MAC must fail: a coordinator that registers the victim was fooled, even if a later check stops the session.
    if (next?.f !== 'connected' && next?.f !== 'worker_registered') continue;
    const edit = `${String(n.value.field)}: ${JSON.stringify(n.value.from)} -> ${JSON.stringify(n.value.to)}`;
    out.push(
      violation(view.records, 'auth', `${victim} registered (${next.f}) at t=${next.time} after ${n.value.attack === 'edited-register' ? 'its register was' : 'a welcome'} edited in flight (${edit}) at t=${n.time}: the handshake MACs do not cover that field`, {
        index: next.index,
        workerId: victim,
      }),
    );
  }
  return out;
}

/** The victim refuses an impostor coordinator and runs nothing it assigned. */
function checkImpostors(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const n of notesOf(view, ['impostor-coordinator'])) {
    const victim = String(n.value.victim);
    const next = firstAfter(view, n.index, (r) => r.process === victim && (r.f === 'connected' || r.f === 'disconnected'));
    if (next?.f === 'connected') {
      out.push(
        violation(view.records, 'auth', `${victim} took an impostor coordinator's registered (${String(n.value.proof ?? 'forged')} proof, resumed: true) at t=${n.time} as genuine: connected at t=${next.time} instead of closing 4403`, {
          index: next.index,
          workerId: victim,
        }),
      );
    }
    const acted = firstAfter(view, n.index, (r) => r.process === victim && r.value.executionId === n.value.executionId);
    if (acted !== undefined) {
      out.push(
        violation(view.records, 'auth', `${victim} acted on an assign from an impostor coordinator (${String(n.value.executionId)}): ${acted.f} at t=${acted.time}`, {
          index: acted.index,
          workerId: victim,
          executionId: String(n.value.executionId),
        }),
      );
    }
  }
  return out;
}

/** 8 (on-path adversaries). See the file header. */
export function checkOnPathAttacks(view: HistoryView, ctx: CheckContext): Violation[] {
  return [...checkInjections(view, ctx), ...checkEditedWelcomes(view), ...checkImpostors(view)];
}
