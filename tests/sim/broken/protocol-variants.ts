/**
 * Deliberately broken pieces for promises 11–17 and the new halves of 5 and
 * 10 (tests/sim/broken-protocol.test.ts). Test doubles only, wired in through
 * SimWiring: each is a defect a developer could really commit, and most are
 * healed end to end by some other mechanism, which is why the outcome
 * promises never saw them.
 */
import type { TimerHandle } from '../../../system/core/clock.js';
import { asExecutionId, type ExecutionId, type WorkerId } from '../../../system/core/ids.js';
import type { AssignmentSpec } from '../../../system/engine/contract.js';
import { Engine } from '../../../system/engine/engine.js';
import { type ExecutionRecord, isTerminal } from '../../../system/core/model.js';
import type { TaskKind } from '../../../system/tasks/kind.js';
import type { Outbox, SentMessage } from '../../../system/worker/outbox.js';
import type { Worker } from '../../../system/worker/worker.js';
import type { WorkerDeps } from '../../../system/worker/worker-types.js';

/** The worker's outbox (private in Worker; reached here only to break it). */
const outboxOf = (w: Worker): Outbox => (w as unknown as { outbox: Outbox }).outbox;

/** Outbox: resume() forgets the first message it should re-send (an off-by-one in `seq > lastSeq`). */
export function dropFirstResend(_id: string, w: Worker): void {
  const outbox = outboxOf(w);
  const resume = outbox.resume.bind(outbox);
  outbox.resume = (lastSeq) => {
    const r = resume(lastSeq);
    const [lost] = r.resend;
    if (lost !== undefined) outbox.ack(lost.seq);
    return { resend: r.resend.slice(1), acked: r.acked };
  };
}

/** Outbox: a new session re-sends everything it ever sent, acknowledged or not (acked messages never leave a history list). */
export function renumberAcked(_id: string, w: Worker): void {
  const outbox = outboxOf(w);
  const everSent: SentMessage[] = [];
  const ack = outbox.ack.bind(outbox);
  outbox.ack = (n) => {
    const acked = ack(n);
    everSent.push(...acked);
    return acked;
  };
  const renumber = outbox.renumber.bind(outbox);
  outbox.renumber = () => {
    const pending = renumber();
    const again = everSent.filter((s) => s.msg.type === 'result').map((s, i) => ({ seq: pending.length + i + 1, msg: s.msg }));
    everSent.length = 0;
    (outbox as unknown as { unacked: SentMessage[] }).unacked.push(...again);
    (outbox as unknown as { nextSeq: number }).nextSeq = pending.length + again.length + 1;
    return [...pending, ...again];
  };
}

/** Outbox: a new session renumbers unacknowledged `sync` reports too, so an earlier session's stale report goes out before the fresh one (blind set-5 25). */
export function keepStaleSync(_id: string, w: Worker): void {
  const outbox = outboxOf(w) as unknown as { unacked: SentMessage[]; nextSeq: number };
  (outboxOf(w) as Outbox).renumber = () => {
    outbox.nextSeq = 1;
    outbox.unacked = outbox.unacked.map((s) => ({ seq: outbox.nextSeq++, msg: s.msg }));
    return [...outbox.unacked];
  };
}

/** A worker that starts over on every reconnect: finished tasks and their unacknowledged results are forgotten. */
export function forgetResultsOnReconnect(_id: string, w: Worker): void {
  const outbox = outboxOf(w);
  const runner = (w as unknown as { runner: { held(): { state: string }[] } }).runner;
  const held = runner.held.bind(runner);
  runner.held = () => held().filter((t) => t.state !== 'finished') as ReturnType<typeof held>;
  const resume = outbox.resume.bind(outbox);
  outbox.resume = (lastSeq) => {
    const r = resume(lastSeq);
    const keep = r.resend.filter((m) => m.msg.type !== 'result');
    for (const m of r.resend) if (m.msg.type === 'result') outbox.ack(m.seq);
    return { resend: keep, acked: r.acked };
  };
}

/** A worker that drops its connection every `everyMs` for no reason (a misread idle timer). */
export function flakyConnection(everyMs: number): (id: string, w: Worker) => void {
  return (_id, w) => {
    const deps = (w as unknown as { deps: WorkerDeps }).deps;
    let timer: TimerHandle | undefined;
    const tick = (): void => {
      if (w.state === 'stopped') return;
      (w as unknown as { channel: { connection?: { close(code: number, reason: string): void } } }).channel.connection?.close(1006, 'idle');
      timer = deps.clock.setTimeout(tick, everyMs);
    };
    timer = deps.clock.setTimeout(tick, everyMs);
    void timer;
  };
}

/** Task kinds that report `completed` at once, whatever the kind (a stub runner left in). */
export function instantKinds(_id: string, deps: WorkerDeps): WorkerDeps {
  const kinds = new Map<string, TaskKind<unknown>>();
  for (const [name, k] of deps.taskKinds) kinds.set(name, { name, params: k.params, run: () => Promise.resolve({ ok: true }) });
  return { ...deps, taskKinds: kinds };
}

/**
 * The sleep kind's pause checkpoint keeps only the chunk the pause cut short,
 * not the time slept before it (blind set 8 #30): the resumed attempt sleeps
 * again what the paused one had slept.
 */
export function pauseForgetsSlept(_id: string, deps: WorkerDeps): WorkerDeps {
  const kinds = new Map(deps.taskKinds);
  const sleep = deps.taskKinds.get('sleep');
  if (sleep === undefined) return deps;
  const run: TaskKind<unknown>['run'] = (params, ctx) => {
    let before = 0;
    const checkpoint = async (state: unknown): Promise<void> => {
      const { elapsedMs } = state as { elapsedMs: number };
      if (!ctx.signal.aborted) before = elapsedMs;
      return ctx.checkpoint(ctx.signal.aborted ? { elapsedMs: elapsedMs - before } : state);
    };
    return sleep.run(params, { ...ctx, checkpoint });
  };
  kinds.set('sleep', { ...sleep, run });
  return { ...deps, taskKinds: kinds };
}

/** Leases are not renewed by the holder's traffic: every long task's lease expires under a healthy worker. */
export class NoRenewEngine extends Engine {
  override renewLeases(_workerId: WorkerId): void {}
}

/** Renewal coalesced per leaseMs/2 instead of heartbeatMs/2 (blind set 8 #19): a holder that goes quiet loses its lease up to half a lease early. */
export class HalfLeaseRenewEngine extends Engine {
  private readonly renewedAt = new Map<WorkerId, number>();
  override renewLeases(workerId: WorkerId): void {
    const now = this.clock.now();
    if (now - (this.renewedAt.get(workerId) ?? -Infinity) < this.config.leaseMs / 2) return;
    this.renewedAt.set(workerId, now);
    super.renewLeases(workerId);
  }
}

/** Sync confirms what the worker reports but leaves unreported leases to time out (no re-queue at sync). */
export class LazySyncEngine extends Engine {
  override syncHeldTasks(workerId: WorkerId, held: Parameters<Engine['syncHeldTasks']>[1]): ReturnType<Engine['syncHeldTasks']> {
    const confirm: ExecutionId[] = [];
    const revoke: { executionId: ExecutionId; reason: string }[] = [];
    for (const h of held) {
      const id = asExecutionId(h.executionId);
      const rec = this.records.get(id);
      if (rec?.lease?.token === h.leaseToken && rec.lease.workerId === workerId) confirm.push(id);
      else revoke.push({ executionId: id, reason: rec !== undefined && isTerminal(rec.status) ? 'terminal' : 'superseded' });
    }
    return { confirm, revoke };
  }
}

/** Retry delays in the wrong unit: every retry waits ten times its strategy's delay. */
export class SlowRetryEngine extends Engine {
  protected override failAttempt(rec: ExecutionRecord, outcome: 'failed' | 'timeout'): Promise<void> {
    const retry = rec.retry;
    rec.retry = { ...retry, delayMs: retry.delayMs * 10, maxDelayMs: retry.maxDelayMs * 10 };
    try {
      return super.failAttempt(rec, outcome);
    } finally {
      rec.retry = retry;
    }
  }
}

/** Timeouts read as seconds: the assignment and the coordinator's timer both use timeoutMs × 1000. */
export class SecondsTimeoutEngine extends Engine {
  override claimNext(...args: Parameters<Engine['claimNext']>): { assignment: AssignmentSpec; committed: Promise<void> } | undefined {
    const c = super.claimNext(...args);
    if (c?.assignment.timeoutMs !== undefined) c.assignment.timeoutMs *= 1000;
    return c;
  }

  protected override armTimeout(rec: ExecutionRecord): void {
    const ms = rec.timeoutMs;
    if (ms !== undefined) rec.timeoutMs = ms * 1000;
    try {
      super.armTimeout(rec);
    } finally {
      rec.timeoutMs = ms;
    }
  }
}

/**
 * Outbox: a queued progress report is coalesced with ANY queued progress, not
 * only with one of its own execution (the per-execution test left out of the
 * supersede check): while the link is down or busy, one execution's report
 * overwrites another's, whose latest progress never leaves (blind set 10 #23).
 */
export function progressCoalescedAcrossExecutions(_id: string, w: Worker): void {
  const outbox = outboxOf(w);
  const enqueue = outbox.enqueue.bind(outbox);
  outbox.enqueue = (msg) => {
    const queued = msg.type === 'progress' ? outbox.queued().find((m) => m.type === 'progress') : undefined;
    if (queued?.type !== 'progress' || msg.type !== 'progress') return enqueue(msg);
    // Superseded in place: the slot keeps its position and takes the newer report, whichever execution it is of.
    Object.assign(queued, msg);
    if (msg.message === undefined) delete queued.message;
    return true;
  };
}
