/**
 * Promise 10 (liveness of connections): a connection the coordinator refused
 * is gone at once. When the coordinator rejects a frame from a registered
 * worker (a `protocol_error` on that worker's current connection), it closes
 * the connection; the close event comes later, but from the refusal on the
 * worker has no link to be given work on. A claim for it decided after the
 * refusal and before it registered again hands work to a dead connection:
 * the assign waits for a resume (or the lease for its expiry) while an idle
 * worker could have run it (blind set 9 #15: the refusal detached the worker
 * only at the close event). Judged on the coordinator's own clock (`at`),
 * within one coordinator life.
 */
import type { Ev, HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** A span in which a worker's connection was refused and it had not registered again. */
interface Refused {
  workerId: string;
  connectionId: string;
  life: number;
  from: number;
  to: number;
  index: number;
}

/** Per worker, the spans from a refusal of its current connection to its next registration (coordinator clock). */
function refusedSpans(view: HistoryView): Refused[] {
  const out: Refused[] = [];
  const current = new Map<string, string>();
  const byConn = new Map<string, string>();
  const open = new Map<string, Refused>();
  for (const e of view.events) {
    const ev = e.ev;
    if (ev.source !== 'coordinator') continue;
    const life = view.lifeOf('coordinator', e.rec.index);
    if (ev.type === 'worker_registered' || ev.type === 'worker_replaced') {
      const conn = ev.type === 'worker_registered' ? ev.connectionId : ev.newConnectionId;
      current.set(ev.workerId, `${life}|${conn}`);
      byConn.set(`${life}|${conn}`, ev.workerId);
      const span = open.get(ev.workerId);
      if (span !== undefined) {
        span.to = span.life === life ? ev.at : Infinity;
        out.push(span);
        open.delete(ev.workerId);
      }
    } else if (ev.type === 'protocol_error') {
      const key = `${life}|${ev.connectionId}`;
      const w = byConn.get(key);
      if (w === undefined || current.get(w) !== key || open.has(w)) continue;
      open.set(w, { workerId: w, connectionId: ev.connectionId, life, from: ev.at, to: Infinity, index: e.rec.index });
    }
  }
  out.push(...open.values());
  return out;
}

/** 10. No claim for a worker decided after the coordinator refused its connection and before it registered again. */
export function checkNoClaimAfterRefusal(view: HistoryView): Violation[] {
  const spans = refusedSpans(view);
  if (spans.length === 0) return [];
  const out: Violation[] = [];
  const claims: Ev<'claimed'>[] = view.ofType('claimed');
  for (const s of spans) {
    const c = claims.find((x) => x.ev.workerId === s.workerId && x.ev.at > s.from && x.ev.at < s.to && view.lifeOf('coordinator', x.rec.index) === s.life);
    if (c === undefined) continue;
    out.push(
      violation(
        view.records,
        'liveness',
        `${s.workerId} was given attempt ${c.ev.attempt} (lease ${c.ev.leaseToken}) by a claim decided ${c.ev.at - s.from} ms after the coordinator refused its connection ${s.connectionId} (protocol_error) and before it registered again: a refused connection is detached at once, not at its close event`,
        { index: c.rec.index, executionId: c.ev.executionId, workerId: s.workerId },
      ),
    );
  }
  return out;
}
