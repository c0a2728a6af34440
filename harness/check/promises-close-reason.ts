/**
 * Promise 8 (auth), a refused connection is closed as promised (blind set 13
 * #15): after an adversary's `wide-close-reason` frame
 * (harness/scenario/adversary-close-reason.ts), when the coordinator refused
 * it (`protocol_error` with a closeCode), the adversary's connection was
 * closed with that code (its note `closedWith`). A close that never came (a
 * close reason over the 123-byte WebSocket limit makes close() throw) leaves
 * a zombie connection: refused, yet open and counted.
 */
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** 8. The close a protocol error promised reaches the peer. */
export function checkRefusedClosed(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  const notes = view.records.filter((r) => r.f === 'note' && r.process === 'adversary' && r.value.attack === 'wide-close-reason');
  for (const [i, sent] of notes.entries()) {
    const outcome = notes[i + 1];
    if ('closedWith' in sent.value || outcome === undefined || !('closedWith' in outcome.value)) continue;
    const refusal = view.records.find((r) => r.index > sent.index && r.index < outcome.index && r.process === 'coordinator' && r.f === 'protocol_error');
    const promised = refusal?.value.closeCode;
    if (typeof promised !== 'number' || outcome.value.closedWith === promised) continue;
    const got = outcome.value.closedWith === null ? 'was never closed' : `was closed with ${String(outcome.value.closedWith)}`;
    out.push(
      violation(view.records, 'auth', `the coordinator refused an adversary's frame of an unknown multi-byte type at t=${sent.time} (${String(refusal?.value.code)}, close ${promised}), but the connection ${got}: the close reason must fit 123 UTF-8 bytes, or close() throws and the refused connection stays open`, {
        index: refusal?.index ?? sent.index,
      }),
    );
  }
  return out;
}
