/**
 * Outbox under arbitrary interleavings of enqueue / send / ack / disconnect /
 * resume / new session: no reliable message is ever lost or duplicated,
 * unacked seqs stay contiguous and in send order, capacity holds.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { type OutMessage, Outbox, priorityOf } from './outbox.js';

type Op =
  | { op: 'enqueue'; kind: 'result' | 'checkpoint' | 'started' | 'progress' | 'data' | 'ping'; exec: number }
  | { op: 'take' }
  | { op: 'ack'; back: number }
  | { op: 'disconnect' }
  | { op: 'resume'; back: number }
  | { op: 'renumber' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('enqueue' as const), kind: fc.constantFrom('result', 'checkpoint', 'started', 'progress', 'data', 'ping'), exec: fc.integer({ min: 0, max: 3 }) }) },
  { weight: 4, arbitrary: fc.constant({ op: 'take' as const }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('ack' as const), back: fc.integer({ min: 0, max: 4 }) }) },
  { weight: 1, arbitrary: fc.constant({ op: 'disconnect' as const }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('resume' as const), back: fc.integer({ min: 0, max: 4 }) }) },
  { weight: 1, arbitrary: fc.constant({ op: 'renumber' as const }) },
);

const RELIABLE = new Set(['result', 'checkpoint', 'started', 'data']);

function make(kind: Op & { op: 'enqueue' }, uid: string): OutMessage {
  const lease = { executionId: `e${kind.exec}`, attempt: 1, leaseToken: uid };
  switch (kind.kind) {
    case 'result':
      return { type: 'result', ...lease, outcome: 'completed', durationMs: 0 };
    case 'checkpoint':
      return { type: 'checkpoint', ...lease, checkpoint: { seq: 1, state: null } };
    case 'started':
      return { type: 'started', ...lease };
    case 'progress':
      return { type: 'progress', executionId: lease.executionId, leaseToken: uid, fraction: 0.5 };
    case 'data':
      return { type: 'data', payload: uid };
    case 'ping':
      return { type: 'ping', id: 0, t: 0 };
  }
}

const uidOf = (m: OutMessage): string => ('leaseToken' in m ? m.leaseToken : 'payload' in m ? m.payload : '');

describe('Outbox (properties)', () => {
  it('never loses or duplicates a reliable message; seqs stay contiguous; FIFO per priority', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 120 }), fc.integer({ min: 1, max: 6 }), (ops, capacity) => {
        const o = new Outbox(capacity);
        const accepted = new Set<string>(); // reliable uids the outbox took
        const acked = new Set<string>();
        const order: string[] = []; // enqueue order of accepted messages
        let n = 0;
        let highestSent = 0;
        for (const op of ops) {
          switch (op.op) {
            case 'enqueue': {
              const uid = `u${n++}`;
              const ok = o.enqueue(make(op, uid));
              if (ok) order.push(uid);
              if (RELIABLE.has(op.kind) && op.kind !== 'data' && !ok) return false; // never refused
              if (RELIABLE.has(op.kind) && ok) accepted.add(uid);
              break;
            }
            case 'take': {
              const t = o.take();
              if (t?.seq !== undefined) highestSent = Math.max(highestSent, t.seq);
              break;
            }
            case 'ack':
              for (const s of o.ack(Math.max(0, highestSent - op.back))) acked.add(uidOf(s.msg));
              break;
            case 'disconnect':
              o.onDisconnect();
              break;
            case 'resume': {
              const r = o.resume(Math.max(0, (o.pendingAcks()[0]?.seq ?? 1) - 1 + Math.min(op.back, o.unackedCount)));
              for (const s of r.acked) acked.add(uidOf(s.msg));
              break;
            }
            case 'renumber':
              o.renumber();
              highestSent = o.pendingAcks().at(-1)?.seq ?? 0;
              break;
          }
          // Invariant: every accepted reliable message is in exactly one place.
          const queued = o.queued().filter((m) => RELIABLE.has(m.type)).map(uidOf);
          const unacked = o.pendingAcks().map((s) => uidOf(s.msg));
          const all = [...queued, ...unacked, ...acked];
          if (all.length !== accepted.size || new Set(all).size !== accepted.size) return false;
          // Invariant: unacked seqs are contiguous and increasing.
          const seqs = o.pendingAcks().map((s) => s.seq);
          if (seqs.some((s, i) => i > 0 && s !== (seqs[i - 1] ?? 0) + 1)) return false;
          // Invariant: unacked stay in the order they were enqueued within a priority, queued too.
          for (const list of [o.queued(), o.pendingAcks().map((s) => s.msg)]) {
            const byPrio = new Map<number, number[]>();
            for (const m of list) {
              if (m.type === 'ping' || m.type === 'progress') continue;
              const idx = order.indexOf(uidOf(m));
              const p = priorityOf(m.type);
              const prev = byPrio.get(p) ?? [];
              if (prev.length > 0 && (prev.at(-1) ?? -1) > idx) return false;
              byPrio.set(p, [...prev, idx]);
            }
          }
          // Invariant: bounded kinds respect capacity.
          if (o.queued().filter((m) => m.type === 'data' || m.type === 'progress').length > capacity) return false;
        }
        return true;
      }),
      { numRuns: 500 },
    );
  });
});
