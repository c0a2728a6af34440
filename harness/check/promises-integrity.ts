/**
 * Promise 8 (auth) for frames that fail their integrity check: a frame
 * corrupted in transit fails its crc or, on a signing session, its signature,
 * and must be rejected at the edge, never acted on, whatever its type (a
 * ping, pong or ack on a fast path included). The simulated link reports
 * each corrupted frame a live receiver reads as a `net` note {corrupted:
 * connection, from, to, frame} (harness/sim/pipe.ts), just before the
 * receiver reads it; receivers decode synchronously, so the rejection must
 * follow in the same instant, before anything later happens:
 *  - the coordinator: a `protocol_error` on that connection (it closes with
 *    the decode error's code: 4400 malformed, 4402 bad signature, ...);
 *  - a worker: its own `disconnected` with one of those codes.
 * A corrupted frame that was read and not rejected was acted on as if intact.
 */
import type { HistoryRecord } from './history.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** Host name of the coordinator in simulation (harness/sim COORDINATOR_HOST). */
const COORDINATOR = 'coordinator';

/**
 * Close codes of a frame refused at the edge (system/protocol/codec.ts
 * DecodeError): malformed 4400, bad signature 4402, unknown type 4404, too
 * large 4413, unsupported version 4426 (a flipped bit may hit a type or
 * version field of a frame whose trailer it also made unrecognisable).
 */
const EDGE_REJECT_CODES: ReadonlySet<number> = new Set([4400, 4402, 4404, 4413, 4426]);

function isCorruptNote(r: HistoryRecord): boolean {
  return r.f === 'note' && r.process === 'net' && typeof r.value.corrupted === 'string';
}

/** Did `rec` reject the corrupted frame of `note`? */
function rejects(rec: HistoryRecord, note: HistoryRecord): boolean {
  const to = String(note.value.to);
  if (to === COORDINATOR) return rec.process === COORDINATOR && rec.f === 'protocol_error' && rec.value.connectionId === note.value.corrupted;
  return rec.process === to && rec.f === 'disconnected' && typeof rec.value.code === 'number' && EDGE_REJECT_CODES.has(rec.value.code);
}

/** 8 (integrity): every corrupted frame a live receiver read was rejected at once. See the file header. */
export function checkCorruptedFramesRejected(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  const recs = view.records;
  for (const note of recs) {
    if (!isCorruptNote(note)) continue;
    let rejected = false;
    for (let i = note.index + 1; i < recs.length; i++) {
      const r = recs[i] as HistoryRecord;
      if (r.time !== note.time || isCorruptNote(r)) break;
      if (rejects(r, note)) {
        rejected = true;
        break;
      }
    }
    if (rejected) continue;
    const to = String(note.value.to);
    const how = to === COORDINATOR ? `no protocol_error on ${String(note.value.corrupted)}` : `${to} did not disconnect with a rejection code (4400/4402/...)`;
    out.push(
      violation(recs, 'auth', `corrupted frame ${String(note.value.frame)} of ${String(note.value.corrupted)} (${String(note.value.from)}>${to}) at t=${note.time} was read and not rejected: ${how}; it was acted on as if intact`, {
        index: note.index,
        ...(to === COORDINATOR ? {} : { workerId: to }),
      }),
    );
  }
  return out;
}
