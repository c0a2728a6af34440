/**
 * Promise 8 (auth), the other way round from promises-integrity.ts: an
 * honest frame is never refused as damaged. Integrity checks exist to refuse
 * frames the link corrupted or an adversary forged; one that refuses what a
 * peer with the secret sent by the protocol (an `error` frame, which is sent
 * with a crc, unsigned, even on a signing session: docs/PROTOCOL.md) drops a
 * healthy connection and loses the message. In simulation the link reports
 * every corrupted frame a live receiver reads (a `net` note, just before the
 * receiver reads it, in the same instant), so an integrity rejection with no
 * such note is a refused honest frame:
 *  - the coordinator: a `protocol_error` `bad_signature` or `malformed` on a
 *    connection with no corrupted frame to it in that instant;
 *  - a worker: a `disconnected` 4400/4402 of its own (its reason is not the
 *    close reason of a coordinator `protocol_error` on its link) with no
 *    corrupted frame to it in that instant.
 * Not judged in runs with adversaries (they send forged frames on purpose),
 * nor when frames were corrupted with no note (live runs).
 */
import type { HistoryRecord } from './history.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** Host name of the coordinator in simulation (harness/sim COORDINATOR_HOST). */
const COORDINATOR = 'coordinator';
/** Decode errors that judge a frame's integrity (system/protocol/codec.ts). */
const INTEGRITY_CODES: ReadonlySet<string> = new Set(['bad_signature', 'malformed']);
const INTEGRITY_CLOSES: ReadonlySet<number> = new Set([4400, 4402]);
/** How much of a protocol error's message the coordinator's close frame carries (connection-handler.ts). */
const CLOSE_REASON_CHARS = 120;

/** Receivers (`coordinator` or a worker id) that read a corrupted frame, by time: what a rejection then may be. */
function corruptedReads(recs: readonly HistoryRecord[]): Map<number, Set<string>> {
  const out = new Map<number, Set<string>>();
  for (const r of recs) {
    if (r.f !== 'note' || r.process !== 'net' || typeof r.value.corrupted !== 'string') continue;
    const set = out.get(r.time) ?? new Set<string>();
    set.add(String(r.value.to));
    out.set(r.time, set);
  }
  return out;
}

/** 8. No integrity rejection of a frame the link did not corrupt (see the file header). */
export function checkHonestFramesAccepted(view: HistoryView): Violation[] {
  const recs = view.records;
  if (recs.some((r) => r.process === 'adversary')) return [];
  const damaged = corruptedReads(recs);
  // Corruption with no note (a live run: the proxy does not report what it flipped) cannot be told from an honest frame.
  if (damaged.size === 0 && view.faults.some((f) => f.details.action === 'corrupt')) return [];
  const out: Violation[] = [];
  /** Close reasons the coordinator sent with its protocol errors, per worker connection's worker. */
  const closeReasons = new Set<string>();
  for (const r of recs) {
    if (r.process === COORDINATOR && r.f === 'protocol_error') {
      const message = String(r.value.message);
      closeReasons.add(message.slice(0, CLOSE_REASON_CHARS));
      if (!INTEGRITY_CODES.has(String(r.value.code)) || damaged.get(r.time)?.has(COORDINATOR) === true) continue;
      out.push(
        violation(recs, 'auth', `the coordinator refused a frame on ${String(r.value.connectionId)} as ${String(r.value.code)} at t=${r.time} (${message.slice(0, 120)}), though the link corrupted no frame to it then: an honest frame refused as damaged`, {
          index: r.index,
        }),
      );
    } else if (r.process !== COORDINATOR && r.f === 'disconnected' && typeof r.value.code === 'number' && INTEGRITY_CLOSES.has(r.value.code)) {
      const reason = String(r.value.reason);
      if (closeReasons.has(reason.slice(0, CLOSE_REASON_CHARS)) || damaged.get(r.time)?.has(r.process) === true) continue;
      out.push(
        violation(recs, 'auth', `${r.process} refused a frame from the coordinator with ${r.value.code} at t=${r.time} (${reason.slice(0, 120)}), though the link corrupted no frame to it then: an honest frame refused as damaged`, {
          index: r.index,
          workerId: r.process,
        }),
      );
    }
  }
  return out;
}
