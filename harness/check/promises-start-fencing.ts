/**
 * Part of promise 2 (exactly-once), fencing by lease token for starts (blind
 * set 12 #01). An attempt goes `running` when its holder reports its start:
 * a `started` for the attempt's lease, or a result that carries the start
 * (`started: true`). A `started` is fenced like a result: one for another
 * lease (a zombie of an earlier attempt, a re-sent copy from an older
 * session, a worker that never held it) is acknowledged and ignored
 * (system/engine/engine-attempts.ts onStarted). The coordinator's delivery
 * trace says who sent what: `msg_delivered` carries the key
 * `started:<exec>/<lease>` (`result:<exec>/<lease>/<outcome>`). So every
 * `status → running` of attempt N must come after a start of attempt N's
 * lease (its `claimed` event's token) was delivered from that lease's holder;
 * a status that only another lease's start, or another worker's, preceded
 * was not fenced. Judged only on a history that records the coordinator's
 * deliveries at all (any `msg_delivered` toward it).
 */
import { parseTaskKey } from './promises-acked.js';
import type { Ev, HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

interface Delivery {
  token: string;
  workerId: string;
  index: number;
}

/** Each status → running that no start of its own attempt's lease, from its holder, preceded. */
export function checkStartFencing(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  if (!view.ofType('msg_delivered').some((e) => e.ev.dir === 'to_coordinator')) return out;
  const claims = new Map<string, Ev<'claimed'>[]>();
  const starts = new Map<string, Delivery[]>();
  for (const e of view.events) {
    const ev = e.ev;
    if (ev.source !== 'coordinator') continue;
    if (ev.type === 'claimed') push(claims, ev.executionId, e as Ev<'claimed'>);
    else if (ev.type === 'msg_delivered' && ev.dir === 'to_coordinator' && (ev.msgType === 'started' || ev.msgType === 'result')) {
      const k = parseTaskKey(ev.key);
      if (k !== undefined) push(starts, k.executionId, { token: k.leaseToken, workerId: ev.workerId, index: e.rec.index });
    } else if (ev.type === 'status' && ev.to === 'running') {
      const claim = (claims.get(ev.executionId) ?? []).filter((c) => c.ev.attempt === ev.attempt).at(-1);
      if (claim === undefined) continue;
      const seen = (starts.get(ev.executionId) ?? []).filter((d) => d.index < e.rec.index);
      if (seen.some((d) => d.token === claim.ev.leaseToken && d.workerId === claim.ev.workerId)) continue;
      out.push(unfenced(view, e as Ev<'status'>, claim, seen.at(-1)));
    }
  }
  return out;
}

function unfenced(view: HistoryView, e: Ev<'status'>, claim: Ev<'claimed'>, last: Delivery | undefined): Violation {
  const { executionId, attempt } = e.ev;
  const by = last === undefined ? 'no start was delivered for it' : `the last start delivered was ${last.workerId}'s for lease ${last.token}${last.token === claim.ev.leaseToken ? ' (not its holder)' : ''}`;
  return violation(
    view.records,
    'exactly-once',
    `went running as attempt ${attempt} (lease ${claim.ev.leaseToken}, held by ${claim.ev.workerId}) before its holder reported that lease's start: ${by}; a start of another lease or worker was not fenced`,
    { index: e.rec.index, executionId, workerId: claim.ev.workerId },
  );
}

function push<T>(m: Map<string, T[]>, k: string, v: T): void {
  const list = m.get(k);
  if (list === undefined) m.set(k, [v]);
  else list.push(v);
}
