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
 *
 * And it is rejected as what it is, damage in transit: an integrity failure
 * (crc or signature; a flip that breaks the JSON or the trailer reads as
 * malformed), never as an unsupported version (4426), an unknown type (4404)
 * or a schema error ("invalid ... message"), whatever member the flip hit
 * (the note's `field`): those are fatal or misleading, and 4426 makes a
 * worker stop for good. So a worker never stops for good (a `disconnected`
 * whose reason starts "fatal:") as the next disconnect after a corrupted
 * frame on its link, in either direction.
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

/** Rejections that name the frame's envelope or schema, not its integrity: what a flipped bit must never read as. */
const NOT_INTEGRITY_CODES: ReadonlySet<number | string> = new Set([4404, 4426, 'unknown_type', 'unsupported_version']);

/** Why `rec` (a rejection) judged the frame on something other than its integrity, or undefined. */
function misjudged(rec: HistoryRecord): string | undefined {
  const code = rec.value.code;
  const text = String(rec.f === 'protocol_error' ? rec.value.message : rec.value.reason);
  if ((typeof code === 'number' || typeof code === 'string') && NOT_INTEGRITY_CODES.has(code)) return `as ${String(code)} (${text.slice(0, 100)})`;
  if (/^invalid "/.test(text)) return `as a schema error (${text.slice(0, 100)})`;
  return undefined;
}

/** The worker end of the note's link. */
function workerOf(note: HistoryRecord): string {
  return String(note.value.to) === COORDINATOR ? String(note.value.from) : String(note.value.to);
}

/** The worker's first `disconnected` at or after the note: fatal if its reason says so. */
function fatalStopAfter(recs: readonly HistoryRecord[], note: HistoryRecord): HistoryRecord | undefined {
  const w = workerOf(note);
  for (let i = note.index + 1; i < recs.length; i++) {
    const r = recs[i] as HistoryRecord;
    if (r.process !== w || r.f !== 'disconnected') continue;
    return String(r.value.reason).startsWith('fatal:') ? r : undefined;
  }
  return undefined;
}

function where(note: HistoryRecord): string {
  const field = typeof note.value.field === 'string' && note.value.field !== '' ? `, bit flipped in "${note.value.field}"` : '';
  return `corrupted frame ${String(note.value.frame)} of ${String(note.value.corrupted)} (${String(note.value.from)}>${String(note.value.to)}${field}) at t=${note.time}`;
}

/** The rejection of the note's frame: the first record of the same instant that rejects it. */
function rejectionOf(recs: readonly HistoryRecord[], note: HistoryRecord): HistoryRecord | undefined {
  for (let i = note.index + 1; i < recs.length; i++) {
    const r = recs[i] as HistoryRecord;
    if (r.time !== note.time || isCorruptNote(r)) return undefined;
    if (rejects(r, note)) return r;
  }
  return undefined;
}

/** 8 (integrity): every corrupted frame a live receiver read was rejected at once, as an integrity failure, and stopped no worker for good. See the file header. */
export function checkCorruptedFramesRejected(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  const recs = view.records;
  const fatalSeen = new Set<number>();
  for (const note of recs) {
    if (!isCorruptNote(note)) continue;
    const rejection = rejectionOf(recs, note);
    const fatal = fatalStopAfter(recs, note);
    if (fatal !== undefined && !fatalSeen.has(fatal.index)) {
      fatalSeen.add(fatal.index);
      out.push(violation(recs, 'auth', `${where(note)} made ${fatal.process} stop for good at t=${fatal.time} (${String(fatal.value.reason).slice(0, 120)}): damage in transit must end in a reconnect`, { index: fatal.index, workerId: fatal.process }));
    }
    if (rejection !== undefined) {
      const wrong = misjudged(rejection);
      if (wrong !== undefined) out.push(violation(recs, 'auth', `${where(note)} was rejected ${wrong}, not as an integrity failure (crc/signature): the integrity check must come first`, { index: rejection.index }));
      continue;
    }
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
