/**
 * Deliberately broken pieces of the commit/ack pipeline and of the worker's
 * connection state (blind set 12, misses 10, 12, 21, 24, 25), for
 * tests/sim/broken-pipeline.test.ts. Test doubles only: wired in through
 * SimWiring (onWorker, coordinatorPolicies, engine), never a switch in
 * production code.
 */
import type { CoordinatorPolicies } from '../../../system/coordinator/index.js';
import { Session } from '../../../system/coordinator/session.js';
import type { ExecutionRecord, ExecutionStatus } from '../../../system/core/model.js';
import { Engine } from '../../../system/engine/engine.js';
import type { Channel } from '../../../system/worker/channel.js';
import type { Outbox } from '../../../system/worker/outbox.js';
import type { Worker } from '../../../system/worker/worker.js';

/** #21: a graceful stop while disconnected stops at once when nothing runs, though finished results still await their ack. */
export function stopDropsUnacked(_id: string, w: Worker): void {
  const link = w as unknown as { sm: { state: string }; runner: { runningCount: number }; finishStop: (reason: string) => void };
  const stop = w.stop.bind(w);
  w.stop = (opts = {}) => {
    const connected = link.sm.state === 'ready' || link.sm.state === 'syncing' || link.sm.state === 'draining';
    if (opts.drain !== false && link.sm.state !== 'stopped' && link.sm.state !== 'idle' && !connected && link.runner.runningCount === 0) {
      link.finishStop('stopped while not connected: nothing to drain');
      return Promise.resolve();
    }
    return stop(opts);
  };
}

/**
 * #12: the cumulative ack advances past ONE seq that committed ahead of the
 * gap, not all of them (`if` for `while`): the seqs beyond stay done-ahead
 * for good and the ack stalls. Planted by hiding them from the real commit.
 */
class AckPastOneEarly extends Session {
  override commit(seq: number): void {
    const ahead = this.doneAhead;
    if (seq !== this.committed + 1 || ahead === undefined || this.inflight?.has(seq) !== true) return super.commit(seq);
    const hidden = [...ahead].filter((s) => s > seq + 1);
    for (const s of hidden) ahead.delete(s);
    super.commit(seq);
    for (const s of hidden) ahead.add(s);
  }
}

/** The session policy building AckPastOneEarly. */
export const ackPastOneEarly: Partial<CoordinatorPolicies> = { session: (...args) => new AckPastOneEarly(...args) };

/**
 * #10: an execution's commit-window entry is deleted by whichever of its
 * transitions commits first (the identity check dropped from the clear), so an
 * older commit clears a newer, still-committing change and a stale verdict
 * stops waiting for it. Planted by clearing the entry again after every
 * persisted transition, whatever it holds by then.
 */
export class PendingClearedByOlderEngine extends Engine {
  protected override transition(rec: ExecutionRecord, to: ExecutionStatus, reason: string | undefined, mode: 'persist' | 'interim' = 'persist'): Promise<void> {
    const committed = super.transition(rec, to, reason, mode);
    if (mode === 'persist') {
      const pending = (this as unknown as { pendingCommits: Map<string, Promise<void>> }).pendingCommits;
      const clear = (): void => void pending.delete(rec.executionId);
      committed.then(clear, clear);
    }
    return committed;
  }
}

/** #24: the outbox discards queued pings at a disconnect but keeps a queued pong, which goes out on the next connection. */
export function stalePongKept(_id: string, w: Worker): void {
  const outbox = (w as unknown as { outbox: Outbox }).outbox;
  const onDisconnect = outbox.onDisconnect.bind(outbox);
  outbox.onDisconnect = () => {
    const pongs = outbox.queued().filter((m) => m.type === 'pong');
    onDisconnect();
    for (const p of pongs) outbox.enqueue(p);
  };
}

/** #25: a flush held back by backpressure arms no retry, so what it held waits for the next message queued. */
export function flushNotRetried(_id: string, w: Worker): void {
  const channel = (w as unknown as { channel: Channel }).channel;
  const timers = channel as unknown as { flushTimer: { cancel(): void } | undefined };
  const flush = channel.flush.bind(channel);
  channel.flush = () => {
    flush();
    if (channel.backedUp) {
      timers.flushTimer?.cancel();
      timers.flushTimer = undefined;
    }
  };
}
