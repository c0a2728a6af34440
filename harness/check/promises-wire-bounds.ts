/**
 * Promise 38 (the wire), the decoders at the schema's bounds: each probe of
 * the `wire-bounds` adversary (harness/scenario/adversary-bounds.ts; the
 * probes derived from the protocol's zod schemas by
 * harness/check/wire-bounds.ts) is the first frame of its connection, so
 * the coordinator's codec judges it before anything else: a frame the schema
 * refuses must be closed 4400 (malformed), one it accepts must not be (it is
 * closed 4405 or 4401 by the connection's state). The hand-written fast
 * decoders (system/protocol/fast-decode*.ts) decide first and must agree with
 * the schema at every bound: blind set 21 #28 dropped register's
 * `concurrency <= 10000` from the fast path, so a register of concurrency
 * 10,001 (or a million) got past the decoder. The worker's direction
 * (`wire-bounds-worker`, adversary-bounds-worker.ts: a hostile coordinator's
 * first frame on each of the victim's reconnects) is judged the same way.
 */
import type { HistoryView } from './view.js';
import { violation, type Violation } from './violation.js';

const MALFORMED = 4400;

/** Each `wire-bounds` note's answer against its probe's schema verdict. */
export function checkWireBounds(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const r of view.records) {
    if (r.f !== 'note' || r.process !== 'adversary' || r.value.attack !== 'wire-bounds' || !('closedWith' in r.value)) continue;
    const v = r.value;
    const refused = v.closedWith === MALFORMED;
    const accepts = v.schemaAccepts === true;
    if (refused !== accepts) continue;
    const to = v.to === 'worker' ? `to worker ${String(v.victim)} by a hostile coordinator` : 'to the coordinator';
    const probe = `a "${String(v.type)}" frame with ${String(v.field)} ${v.probe === 'at' ? 'at' : 'one step past'} its bound (${String(v.bound)}), sent ${to} at t=${r.time} (${String(v.sample)})`;
    const got = v.closedWith === null ? 'not closed' : `closed ${String(v.closedWith)}`;
    const msg = accepts
      ? `${probe}, which the protocol's schema accepts, was refused as malformed (4400): the decoder is stricter than the schema`
      : `${probe}, which the protocol's schema refuses, was ${got} instead of 4400 (malformed): the decoder let through what the schema refuses (the fast decoders must check every bound the schema states)`;
    out.push(violation(view.records, 'wire', msg, { index: r.index }));
  }
  return out;
}
