/**
 * Promise 8 (auth) against adversarial clients (harness/scenario/adversary.ts):
 * nothing an adversary sends is acted on. Its attempts are `adversary` notes
 * in the history; the check looks at what the coordinator did next:
 *  - a registration attack (no MAC, forged or replayed MAC, session hijack)
 *    must not register or replace the victim: a worker_registered or
 *    worker_replaced for the victim soon after, without the victim itself
 *    connecting, means the coordinator took the adversary for the victim;
 *  - a result is recorded only if the lease holder sent it: a result_recorded
 *    (other than the coordinator's own timeout or revocation) with no
 *    task_finished of that lease before it was forged or replayed;
 *  - a forged checkpoint seq is never saved;
 *  - a registration MAC of a malformed shape (non-ASCII, non-hex, upper-case, wrong length, empty:
 *    MALFORMED_MACS in adversary.ts) is refused with the close code its shape gets, 4401 auth_failed
 *    once it passes the schema (4400 before), never an internal error or no close at all (blind set
 *    20 #28: a non-ASCII MAC made the comparison throw inside authenticate);
 *  - a frame above maxFrameBytes in UTF-8 bytes is refused as too large, and
 *    one at or below it is not (the limit is the largest frame accepted) (oversizeViolations; the limit counts the bytes the
 *    wire carries, not a string's UTF-16 units: set 10 #28); and the limit the welcome announces (the one
 *    probed) is the one the coordinator was started with, the documented default 1 MiB (1,048,576 bytes,
 *    the checker's copy in spec-tables.ts) without `maxFrameBytes` (blind set 20 #26: 1,000,000).
 */
import type { CheckContext } from './context.js';
import type { HistoryRecord } from './history.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

const REGISTRATION_ATTACKS = new Set(['no-mac', 'forged-mac', 'replayed-mac', 'hijack-session']);

/** Adversary notes, in order. */
function attacks(view: HistoryView): HistoryRecord[] {
  return view.records.filter((r) => r.f === 'note' && r.process === 'adversary' && typeof r.value.attack === 'string');
}

/** 8 (adversaries). See the file header. */
export function checkAdversaries(view: HistoryView, ctx: CheckContext): Violation[] {
  const notes = attacks(view);
  const out: Violation[] = [...checkResultsHaveSenders(view), ...oversizeViolations(view, notes, ctx.maxFrameBytes), ...malformedMacAnswers(view, notes)];
  const window = ctx.heartbeatMs + ctx.toleranceMs;
  for (const n of notes) {
    const victim = String(n.value.victim);
    const attack = String(n.value.attack);
    if (REGISTRATION_ATTACKS.has(attack)) {
      const mine = view.byWorker.get(victim) ?? [];
      const acted = mine.find(
        (e) => e.rec.index > n.index && e.rec.time <= n.time + window && e.ev.source === 'coordinator' && (e.ev.type === 'worker_registered' || e.ev.type === 'worker_replaced'),
      );
      const ownConnect = acted === undefined ? undefined : mine.find((e) => e.ev.source === victim && e.ev.type === 'connecting' && e.rec.index < acted.rec.index && e.rec.time >= n.time - window);
      if (acted !== undefined && ownConnect === undefined) {
        out.push(
          violation(view.records, 'auth', `adversary's ${attack} registration as ${victim} at t=${n.time} was acted on: ${acted.ev.type} at t=${acted.rec.time} without ${victim} connecting`, {
            index: acted.rec.index,
            workerId: victim,
          }),
        );
      }
    } else if (attack === 'forged-checkpoint' && typeof n.value.forgedSeq === 'number') {
      const id = String(n.value.executionId);
      const saved = (view.byExecution.get(id) ?? []).find((e) => e.rec.index > n.index && e.ev.type === 'checkpoint_saved' && e.ev.seq === n.value.forgedSeq);
      if (saved !== undefined) {
        out.push(violation(view.records, 'auth', `checkpoint ${String(n.value.forgedSeq)} forged by an adversary at t=${n.time} was saved`, { index: saved.rec.index, executionId: id }));
      }
    }
  }
  return out;
}

/** A result recorded for a lease whose holder never sent one: forged, replayed or invented. */
function checkResultsHaveSenders(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  const sent = new Set<string>();
  for (const e of view.events) {
    const ev = e.ev;
    if (ev.type === 'task_finished' && ev.source !== 'coordinator') sent.add(ev.leaseToken);
    // An assignment the worker refused without starting it (a kind it does not allow, bad params) is answered by a result it sent all the same.
    const refused = ev.type === 'msg_sent' && ev.source === ev.workerId && ev.dir === 'to_coordinator' ? /^result:[^/]*\/([^/]+)\/[a-z_]+$/.exec(ev.key ?? '')?.[1] : undefined;
    if (refused !== undefined) sent.add(refused);
    if (ev.type !== 'result_recorded' || ev.outcome === 'timeout' || ev.outcome === 'revoked' || sent.has(ev.leaseToken)) continue;
    out.push(
      violation(view.records, 'auth', `a ${ev.outcome} result was recorded for ${ev.workerId}'s lease (attempt ${ev.attempt}) that its holder never sent: a forged or replayed result was acted on`, {
        index: e.rec.index,
        executionId: ev.executionId,
        workerId: ev.workerId,
      }),
    );
  }
  return out;
}

/**
 * The coordinator's answer to each `oversized-frame` probe: the first
 * `protocol_error` after its note and before the adversary's next note. A
 * frame above the limit must be refused too_large; one below it must not be.
 */
function oversizeViolations(view: HistoryView, notes: readonly HistoryRecord[], expected: number | undefined): Violation[] {
  const out: Violation[] = [];
  let announced = false;
  notes.forEach((n, i) => {
    if (n.value.attack !== 'oversized-frame') return;
    if (expected !== undefined && n.value.limit !== expected && !announced) {
      announced = true;
      out.push(violation(view.records, 'auth', `the coordinator's welcome announced maxFrameBytes ${String(n.value.limit)} (t=${n.time}), but it was started with ${expected} bytes (coordinator.maxFrameBytes, or the documented default 1 MiB = 1,048,576 bytes without it): frames between the two are refused or let through against the documented limit`, { index: n.index }));
    }
    const until = notes[i + 1]?.index ?? Infinity;
    const answer = view.records.find((r) => r.index > n.index && r.index < until && r.process === 'coordinator' && r.f === 'protocol_error');
    const code = answer === undefined ? undefined : String(answer.value.code);
    const size = `a frame of ${String(n.value.bytes)} UTF-8 bytes (${String(n.value.units)} UTF-16 units) sent by an adversary at t=${n.time}, the limit ${String(n.value.limit)} bytes`;
    if (n.value.over === true && code !== 'too_large') {
      out.push(violation(view.records, 'auth', `${size}, was ${code === undefined ? 'not refused' : `refused as ${code}`}, not as too_large: the frame limit counts UTF-8 bytes`, { index: answer?.index ?? n.index }));
    } else if (n.value.over !== true && code === 'too_large' && answer !== undefined) {
      out.push(violation(view.records, 'auth', `${size}, was refused as too_large though it fits the limit`, { index: answer.index }));
    }
  });
  return out;
}

/** The close code each malformed-MAC registration got (its `malformed-mac-answer` note), against the codes its shape allows. */
function malformedMacAnswers(view: HistoryView, notes: readonly HistoryRecord[]): Violation[] {
  const out: Violation[] = [];
  for (const n of notes) {
    if (n.value.attack !== 'malformed-mac-answer' || !Array.isArray(n.value.codes)) continue;
    const codes = n.value.codes as number[];
    const got = n.value.closedWith;
    if (typeof got === 'number' && codes.includes(got)) continue;
    out.push(
      violation(view.records, 'auth', `an adversary's registration as ${String(n.value.victim)} with a ${String(n.value.shape)} MAC (t=${n.time}) was ${got === null ? 'not closed' : `closed with ${String(got)}`}: a malformed MAC is refused with ${codes.join(' or ')} (auth_failed once it passes the schema), never an internal error`, { index: n.index }),
    );
  }
  return out;
}
