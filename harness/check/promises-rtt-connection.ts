/**
 * Promise 10 from the RTT trace (blind set 12 #24): a round trip belongs to
 * the connection it was measured on. Each side pings a connection only once
 * the worker registered on it (the coordinator's `worker_registered`, which
 * comes first), and a pong echoes its ping's stamp (`pingT`, in simulation
 * the record time the ping left: promises-rtt.ts). So a pong sample on
 * connection c (`rtt_sampled` with pingT, either side) answers a ping sent
 * no earlier than c's registration. One older than that answers a ping of an
 * earlier connection: a pong kept across a reconnect (queued behind a
 * backed-up transport when the link went) and credited to the new link,
 * whose estimate and timeout it skews by the whole outage.
 */
import type { CheckContext } from './context.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** 10. Every pong sample answers a ping sent on its own connection. */
export function checkPongsOfTheirConnection(view: HistoryView, ctx: CheckContext): Violation[] {
  if (ctx.receivedTimes === true) return [];
  const registeredAt = new Map<string, number>();
  for (const r of view.ofType('worker_registered')) if (r.ev.source === 'coordinator' && !registeredAt.has(r.ev.connectionId)) registeredAt.set(r.ev.connectionId, r.rec.time);
  const out: Violation[] = [];
  const fired = new Set<string>();
  for (const e of view.ofType('rtt_sampled')) {
    const { pingT, connectionId, side, workerId } = e.ev;
    const since = registeredAt.get(connectionId);
    if (pingT === undefined || since === undefined || pingT >= since || fired.has(`${side}/${connectionId}`)) continue;
    fired.add(`${side}/${connectionId}`);
    out.push(
      violation(
        view.records,
        'liveness',
        `${side} of ${workerId} on connection ${connectionId} (registered at t=${since}) took a ${e.ev.sampleMs} ms round trip at t=${e.rec.time} from a pong answering ping ${e.ev.pingId ?? '?'} sent at t=${pingT}, before that connection existed: a pong of an earlier connection was kept across the reconnect and credited to this one`,
        { index: e.rec.index, workerId },
      ),
    );
  }
  return out;
}
