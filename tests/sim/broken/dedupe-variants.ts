/**
 * Deliberately broken workers whose duplicate the system's redundancy absorbs
 * (blind set 10, "redundancy hides a duplicate"), planted through
 * SimWiring.onWorker on each incarnation:
 *  - `lastSeqAdmitted` (#22): the channel's inbound dedupe treats only seqs
 *    below the last handled as duplicates (`<` for `<=`), so a copy of the
 *    coordinator's latest message is handed to the worker's logic again;
 *  - `startSentTwice` (#24): a held `started` released early (before the
 *    attempt's first checkpoint) stays held, so it goes out again at the end
 *    of the turn or folded into the result; `startFoldedAndSent`, its twin:
 *    a start folded into a short attempt's result is also sent alone.
 */
import type { Channel } from '../../../system/worker/channel.js';
import type { OutMessage } from '../../../system/worker/outbox.js';
import type { PendingStarts, StartSink } from '../../../system/worker/pending-starts.js';
import type { Worker } from '../../../system/worker/worker.js';

/** A private field of a system object, read the way a debugger would. */
function field<T>(o: object, name: string): T {
  const v: unknown = Reflect.get(o, name);
  if (v === undefined) throw new Error(`no field ${name}: the broken variant no longer fits the code`);
  return v as T;
}

/** Channel.admit with `seq < inSeq` for `seq <= inSeq`. */
export function lastSeqAdmitted(_id: string, w: Worker): void {
  const channel = field<Channel>(w, 'channel');
  const admit = channel.admit.bind(channel);
  channel.admit = (seq) => {
    const verdict = admit(seq);
    return seq > 0 && seq === channel.inSeq ? 'new' : verdict;
  };
}

/** PendingStarts.release sends the start but keeps it held. */
export function startSentTwice(_id: string, w: Worker): void {
  const starts = field<PendingStarts>(field<object>(w, 'runner'), 'starts');
  const held = field<Map<string, OutMessage>>(starts, 'held');
  const sink = field<StartSink>(starts, 'sink');
  starts.release = (key) => {
    const msg = held.get(key);
    if (msg !== undefined) sink.send(msg);
  };
}

/** PendingStarts.fold reports the start folded but leaves it held, so it also goes out alone at the end of the turn. */
export function startFoldedAndSent(_id: string, w: Worker): void {
  const starts = field<PendingStarts>(field<object>(w, 'runner'), 'starts');
  const held = field<Map<string, OutMessage>>(starts, 'held');
  starts.fold = (key) => held.has(key);
}
