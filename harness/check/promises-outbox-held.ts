/**
 * The worker's outbox flushes by itself (part of promise 11, `delivery`;
 * blind set 12 #25). The worker holds messages back only while its transport
 * buffers at least the high-water mark, and retries the flush every few ms
 * until it drains (system/worker/channel.ts flush). The flood driver probes
 * every flooding worker (harness/scenario/sim-flood.ts): one that is ready,
 * holds queued messages with its transport not backed up, and sends no frame
 * for 20 ms is recorded (`{flood: 'held', workerId, outboxDepth, forMs}`):
 * a flush deferred by backpressure was never retried, and what it held waits
 * for whatever next queues a message (a heartbeat, a result).
 */
import type { CheckContext } from './context.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** 11 (outbox). No held outbox while the transport could take more. */
export function checkOutboxFlushes(view: HistoryView, _ctx: CheckContext): Violation[] {
  const seen = new Set<string>();
  const out: Violation[] = [];
  for (const rec of view.records) {
    const v = rec.value;
    if (rec.f !== 'note' || v.flood !== 'held' || typeof v.workerId !== 'string' || seen.has(v.workerId)) continue;
    seen.add(v.workerId);
    const depth = typeof v.outboxDepth === 'number' ? v.outboxDepth : '?';
    const forMs = typeof v.forMs === 'number' ? v.forMs : '?';
    out.push(
      violation(
        view.records,
        'delivery',
        `${v.workerId}'s outbox held ${depth} message(s) at t=${rec.time} for ${forMs} ms, ready, its transport not backed up, and sent nothing: a flush held back by backpressure must be retried once the transport drains, not wait for the next message queued`,
        { index: rec.index, workerId: v.workerId },
      ),
    );
  }
  return out;
}
