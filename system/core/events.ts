/**
 * Observable events: what the coordinator, engine and workers did, in order.
 * Production feeds them to logs and metrics; the harness records them as the
 * history its invariant checker reads. Emitting is synchronous and must never
 * throw into the caller. Every event carries `at` (the emitter's clock.now())
 * and `source` ("coordinator" or the worker id).
 */
import type { ExecutionStatus, RetryPolicy } from './model.js';

type E<T extends string, F> = { type: T; at: number; source: string } & F;
type Ex = { executionId: string };
type Lease = Ex & { workerId: string; attempt: number; leaseToken: string };
/** Direction of a protocol message. */
export type MsgDir = 'to_worker' | 'to_coordinator';
/** A lease a worker reported in its held-task report (sync). */
export type HeldRef = { executionId: string; leaseToken: string; state: 'running' | 'finished' };
type Msg = { workerId: string; sessionId: string; dir: MsgDir; seq: number; msgType: string; key?: string };

export type SystemEvent =
  // coordinator / engine
  // retry (optional): the effective policy, so the harness can check retry delays against it.
  // scheduledAt (optional): future-dated work is not claimed before it (epoch ms, the coordinator's clock).
  | E<'submitted', Ex & { kind: string; dependencies: string[]; maxAttempts: number; priority: string; retry?: RetryPolicy; scheduledAt?: number }>
  | E<'status', Ex & { from: ExecutionStatus | null; to: ExecutionStatus; attempt: number; reason?: string }>
  // checkpointSeq (optional): seq of the checkpoint the assignment resumes from (absent: none).
  | E<'claimed', Lease & { checkpointSeq?: number }>
  | E<'lease_expired', Lease>
  | E<'lease_released', Lease & { reason: string }>
  | E<'checkpoint_saved', Ex & { seq: number; attempt: number; /** When the engine accepted it (clock of the emitter); `at` is after the commit. */ acceptedAt?: number }>
  | E<'result_recorded', Lease & { outcome: string }>
  | E<'result_rejected', Ex & { leaseToken: string; attempt: number; reason: 'stale' | 'duplicate' | 'unknown' }>
  // The coordinator answered a held-task report: the leases it confirmed (tokens; each renewed for a lease
  // period from now) and how many it revoked, emitted as its sync_result goes out.
  | E<'sync_answered', { workerId: string; sessionId: string; connectionId: string; confirmed: string[]; revoked: number }>
  | E<'worker_registered', { workerId: string; sessionId: string; resumed: boolean; connectionId: string }>
  | E<'worker_replaced', { workerId: string; oldConnectionId: string; newConnectionId: string }>
  | E<'worker_disconnected', { workerId: string; connectionId: string; code: number; reason: string }>
  | E<'worker_lost', { workerId: string }>
  | E<'auth_failed', { workerId: string; connectionId: string; reason: string }>
  | E<'protocol_error', { connectionId: string; code: string; message: string; closeCode: number }>
  | E<'heartbeat_timeout', { side: 'coordinator' | 'worker'; workerId: string; connectionId: string; silentForMs: number }>
  // Either side: the heartbeat timeout in force changed (>= 10%) with the RTT estimate (core/rtt.ts).
  | E<'heartbeat_adapted', { side: 'coordinator' | 'worker'; workerId: string; connectionId: string; srttMs: number; rttvarMs: number; timeoutMs: number }>
  // Worker: its configured adaptive ceiling (--heartbeat-timeout-max-ms) is below the floor in force on this
  // connection (the coordinator's timeout from its welcome): the ceiling is raised to the floor (README "Configuration").
  | E<'heartbeat_ceiling_raised', { side: 'worker'; workerId: string; connectionId: string; configuredMaxMs: number; floorMs: number; ceilingMs: number }>
  // Fine-grained trace, only from a process built with `traceRtt` (the simulation; production never builds these):
  // one round-trip sample as that side took it, then its estimator and the timeout in force after it (core/rtt.ts).
  // pingId/pingT: the ping a pong answered, as the pong echoed them (absent: the handshake's sample); srttMs absent: no sample taken yet.
  | E<'rtt_sampled', { side: 'coordinator' | 'worker'; workerId: string; connectionId: string; sampleMs: number; srttMs?: number; rttvarMs: number; timeoutMs: number; pingId?: number; pingT?: number }>
  // Admission control: a connection was turned away (close 4503) with a retry-after hint.
  | E<'admission_refused', { connectionId: string; pending: number; retryAfterMs: number }>
  // The store failed to commit: the engine stops dispatching and refuses writes (503) until a probe commits.
  | E<'store_failed', { error: string }>
  // A probe committed: in-memory state was reloaded from the store (what failed to commit is rolled back).
  | E<'store_recovered', { downMs: number; rolledBack: number }>
  // Terminal executions completed before completedBefore were forgotten (retention or prune()); count: how many left memory.
  | E<'pruned', { completedBefore: number; count: number }>
  // reliable delivery (either side; dir is the message's direction): a reliable message went out
  // (resend: again, after a reconnect), was handed to the receiver's logic (admitted as new), or the
  // sender saw the peer's cumulative ack reach upTo. key: protocol/message-key.ts (absent: seq only).
  // peerLastSeq (a re-send at resume): the lastSeq the peer reported having (register / registered) when
  // the re-send was decided. carriesStart: a result that carries its attempt's start (`started: true`).
  | E<'msg_sent', Msg & { resend: boolean; peerLastSeq?: number; carriesStart?: true }>
  // connectionId (coordinator side): the connection the frame came in on.
  | E<'msg_delivered', Msg & { connectionId?: string }>
  | E<'msg_acked', { workerId: string; sessionId: string; dir: MsgDir; upTo: number }>
  // worker
  // handshakeTimeoutMs: this attempt's deadline (grows with consecutive handshake timeouts; worker/backoff.ts handshakeDeadline).
  | E<'connecting', { workerId: string; attempt: number; handshakeTimeoutMs?: number }>
  | E<'connected', { workerId: string; sessionId: string; resumed: boolean; afterMs: number; /** Registered by the 0-RTT register its upgrade carried. */ zeroRtt?: true }>
  // reported/reportedAt (optional): the held-task report this sync_result answers, as the worker sent it, and
  // when it built it (its clock): lets the harness judge what the worker still held (an acknowledged result must be forgotten).
  | E<'synced', { workerId: string; confirmed: number; revoked: number; reported?: HeldRef[]; reportedAt?: number }>
  | E<'disconnected', { workerId: string; code: number; reason: string }>
  // The worker process stopped for good (reason: drained, drain_timeout, stopped, a fatal close...).
  | E<'stopped', { workerId: string; reason: string }>
  // retryAfterMs (optional): the coordinator's hint (close 4503) this delay honours; floor/cap are then the hint's window.
  | E<'backoff', { workerId: string; attempt: number; delayMs: number; strategy: string; capMs: number; floorMs: number; retryAfterMs?: number }>
  // checkpointSeq (optional): seq of the checkpoint this attempt resumes from, as the worker received it (absent: none).
  | E<'task_started', Lease & { checkpointSeq?: number }>
  // errorCode (optional): the code of the error a failed attempt reported (too_large: its result could not fit a frame).
  | E<'task_finished', Lease & { outcome: string; errorCode?: string }>
  | E<'task_aborted', Lease & { reason: string }>
  // A progress report left the worker (put on its connection), or its outbox refused it (full: progress may be
  // dropped only then; superseded progress is coalesced per execution): the harness judges that an attempt's
  // latest progress leaves the worker (harness/check/promises-progress.ts).
  | E<'progress_sent', Progress>
  | E<'progress_refused', Progress>;

/** One progress report as the worker's task produced it. */
type Progress = { workerId: string; executionId: string; leaseToken: string; fraction: number };

export type SystemEventType = SystemEvent['type'];

/** Where events go. */
export interface EventSink {
  emit(event: SystemEvent): void;
}

export const nullSink: EventSink = { emit: () => {} };

/** Fans one event out to several sinks. */
export function teeSink(...sinks: EventSink[]): EventSink {
  return { emit: (e) => sinks.forEach((s) => s.emit(e)) };
}
