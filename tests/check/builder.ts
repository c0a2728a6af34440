/**
 * A small DSL for writing synthetic histories in checker tests: time moves
 * forward explicitly, each helper emits what the real system would, through
 * the real HistoryRecorder.
 */
import type { SystemEvent } from '../../system/core/events.js';
import type { RetryPolicy } from '../../system/core/model.js';
import type { CheckContext } from '../../harness/check/context.js';
import type { FaultDetails, HistoryRecord } from '../../harness/check/history.js';
import { HistoryRecorder, type HistoryRecorderOptions } from '../../harness/check/history.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type EventInput = DistributiveOmit<SystemEvent, 'at' | 'source'>;

export const baseContext: CheckContext = {
  heartbeatMs: 500,
  heartbeatTimeoutMs: 2000,
  leaseMs: 3000,
  healMs: 10_000,
  backoff: { strategy: 'full-jitter', initialMs: 100, maxMs: 2000, multiplier: 2 },
  toleranceMs: 100,
  minCapSpread: 0.5,
};

export class H {
  now = 0;
  readonly rec: HistoryRecorder;
  /** Checkpoint seq each claim (by lease token) carried, for start(). */
  private readonly claimedSeq = new Map<string, number>();
  /** Workers registered now, and when each lost its last registered connection (for afterMs). */
  private readonly registered = new Set<string>();
  private readonly lostAt = new Map<string, number>();

  /** options: how the recorder treats coordinator events (a pre-commit emitter names its types). */
  constructor(options: HistoryRecorderOptions = {}) {
    this.rec = new HistoryRecorder({ now: () => this.now }, options);
  }

  /** Moves time to t (never backwards). */
  at(t: number): this {
    if (t < this.now) throw new Error(`time goes forward: ${t} < ${this.now}`);
    this.now = t;
    return this;
  }

  /** A worker's `connected` reports afterMs as the real one does: since its last registered connection was lost (else as given). */
  emit(source: string, e: EventInput): this {
    let ev = e;
    if (e.type === 'disconnected' && this.registered.delete(source)) this.lostAt.set(source, this.now);
    if (e.type === 'connected') {
      this.registered.add(source);
      const lost = this.lostAt.get(source);
      this.lostAt.delete(source);
      if (lost !== undefined) ev = { ...e, afterMs: this.now - lost };
    }
    this.rec.emit({ ...ev, at: this.now, source } as SystemEvent);
    return this;
  }

  /** A worker connects and registers (both sides' events). */
  connect(w: string, conn = `c-${w}-${this.now}`, attempt = 1): this {
    return this.emit(w, { type: 'connecting', workerId: w, attempt })
      .emit('coordinator', { type: 'worker_registered', workerId: w, sessionId: `s-${w}`, resumed: false, connectionId: conn })
      .emit(w, { type: 'connected', workerId: w, sessionId: `s-${w}`, resumed: false, afterMs: 1 })
      .emit(w, { type: 'synced', workerId: w, confirmed: 0, revoked: 0 });
  }

  /** Acknowledged submission of one execution. */
  submit(id: string, opts: { deps?: string[]; maxAttempts?: number; retry?: RetryPolicy } = {}): this {
    const i = this.rec.recordInvoke({ ref: `ref-${id}`, kind: 'sleep' });
    const ev: EventInput = {
      type: 'submitted',
      executionId: id,
      kind: 'sleep',
      dependencies: opts.deps ?? [],
      maxAttempts: opts.maxAttempts ?? 1,
      priority: 'medium',
      ...(opts.retry === undefined ? {} : { retry: opts.retry }),
    };
    this.emit('coordinator', ev);
    this.status(id, null, (opts.deps ?? []).length > 0 ? 'pending' : 'scheduled', 0);
    this.rec.recordOk(i, { executionIds: [id] });
    return this;
  }

  status(id: string, from: string | null, to: string, attempt: number, reason?: string): this {
    return this.emit('coordinator', { type: 'status', executionId: id, from, to, attempt, ...(reason === undefined ? {} : { reason }) } as EventInput);
  }

  claim(id: string, w: string, attempt: number, token: string, checkpointSeq?: number, from = 'scheduled'): this {
    if (checkpointSeq !== undefined) this.claimedSeq.set(token, checkpointSeq);
    this.emit('coordinator', { type: 'claimed', executionId: id, workerId: w, attempt, leaseToken: token, ...(checkpointSeq === undefined ? {} : { checkpointSeq }) });
    return this.status(id, from, 'preparing', attempt);
  }

  /** checkpointSeq: the checkpoint the worker reports resuming from (default, as a correct worker: the one its claim carried). */
  start(id: string, w: string, attempt: number, token: string, reported?: number): this {
    const checkpointSeq = reported ?? this.claimedSeq.get(token);
    this.emit(w, { type: 'task_started', executionId: id, workerId: w, attempt, leaseToken: token, ...(checkpointSeq === undefined ? {} : { checkpointSeq }) });
    return this.status(id, 'preparing', 'running', attempt);
  }

  checkpoint(id: string, seq: number, attempt: number): this {
    return this.emit('coordinator', { type: 'checkpoint_saved', executionId: id, seq, attempt });
  }

  /**
   * The worker finishes; the coordinator does what the engine does: release
   * the lease (reason = outcome), change status (a retried failure is an
   * interim `failed` then `retrying`), then emit result_recorded.
   */
  finish(id: string, w: string, attempt: number, token: string, outcome: 'completed' | 'failed' = 'completed', next?: 'retrying'): this {
    this.emit(w, { type: 'task_finished', executionId: id, workerId: w, attempt, leaseToken: token, outcome });
    this.emit('coordinator', { type: 'lease_released', executionId: id, workerId: w, attempt, leaseToken: token, reason: outcome });
    this.status(id, 'running', outcome, attempt);
    if (next === 'retrying') this.status(id, outcome, 'retrying', attempt);
    return this.emit('coordinator', { type: 'result_recorded', executionId: id, workerId: w, attempt, leaseToken: token, outcome });
  }

  /** Claim, start and complete in one go. */
  run(id: string, w: string, attempt: number, token: string): this {
    return this.claim(id, w, attempt, token).start(id, w, attempt, token).finish(id, w, attempt, token);
  }

  expire(id: string, w: string, attempt: number, token: string): this {
    this.emit('coordinator', { type: 'lease_expired', executionId: id, workerId: w, attempt, leaseToken: token });
    this.emit('coordinator', { type: 'lease_released', executionId: id, workerId: w, attempt, leaseToken: token, reason: 'lease_expired' });
    return this.status(id, 'running', 'scheduled', attempt, 'lease_expired');
  }

  fault(phase: 'start' | 'stop', d: FaultDetails): this {
    this.rec.recordFault(phase, d);
    return this;
  }

  phase(p: 'faults' | 'heal' | 'end'): this {
    this.rec.recordPhase(p);
    return this;
  }

  history(): HistoryRecord[] {
    return this.rec.history();
  }
}
