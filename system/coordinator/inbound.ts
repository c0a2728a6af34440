/**
 * Messages from a registered worker. Reliable ones (sync, started, checkpoint,
 * result, data, drain) are admitted once per seq and acknowledged only after
 * the engine committed their effect; unreliable ones (progress, ping, pong,
 * ack, error) are handled at once. Every message's `ack` releases our
 * buffered outbound messages.
 */
import { assertNever, ErrorCode } from '../core/errors.js';
import { asExecutionId, asLeaseToken, type WorkerId } from '../core/ids.js';
import { messageKey } from '../protocol/message-key.js';
import type { Sync, ToCoordinator } from '../protocol/messages.js';
import type { ResultVerdict } from '../engine/contract.js';
import type { CoordinatorContext } from './context.js';
import type { LinkTiming } from './link-timing.js';
import { noMarks } from '../core/marks.js';
import type { WorkerEntry } from './registry.js';
import type { Session } from './session.js';

/** What a registered connection's messages act on. */
export interface InboundScope {
  readonly ctx: CoordinatorContext;
  readonly workerId: WorkerId;
  readonly session: Session;
  readonly connectionId: string;
  readonly entry: WorkerEntry;
  /** Closes this connection (4500) so the worker reconnects and re-sends what was not acked. */
  readonly failInternal: (message: string) => void;
  /** A heartbeat round trip was measured (feeds the connection's adaptive timeout). */
  readonly onRtt?: (ms: number) => void;
  /** A pong was handled: its round trip as measured, whether or not it was taken (the RTT trace; link-timing.ts). */
  readonly onPong?: (id: number, t: number, ms: number) => void;
}

/** The connection a ConnectionScope reports back to (connection-handler.ts). */
export interface ScopeOwner {
  /** Closes the connection with 4500 (internal error). */
  failInternal(message: string): void;
  /** One round-trip sample (ms) of worker `workerId`'s link. */
  sampleRtt(ms: number, workerId: string): void;
  /** The connection's RTT estimate (its trace). */
  readonly timing: Pick<LinkTiming, 'traced'>;
}

/** A registered connection's scope: one object whose outlets reach back to the connection, no closures per connection. */
export class ConnectionScope implements InboundScope {
  constructor(
    readonly ctx: CoordinatorContext,
    readonly workerId: WorkerId,
    readonly session: Session,
    readonly connectionId: string,
    readonly entry: WorkerEntry,
    private readonly owner: ScopeOwner,
  ) {}

  failInternal(message: string): void {
    this.owner.failInternal(message);
  }

  onRtt(ms: number): void {
    this.owner.sampleRtt(ms, this.workerId);
  }

  onPong(id: number, t: number, ms: number): void {
    this.owner.timing.traced(ms, this.workerId, { id, t });
  }
}

/**
 * Admits a reliable message once and acknowledges it after `work` committed.
 * A failure leaves the seq un-acked (the worker re-sends it after reconnecting)
 * and is rethrown for the connection to close with 4500.
 */
function reliably(scope: InboundScope, msg: ToCoordinator & { seq: number }, work: () => Promise<unknown> | void): void {
  const { session, ctx } = scope;
  const seq = msg.seq;
  if (session.admit(seq) === 'duplicate') {
    ctx.marks.hit('coordinator.duplicate-dropped');
    // Committed: the worker missed our ack. Not yet: its first copy is still in its commit window.
    if (seq <= session.committed) session.reack();
    else ctx.marks.hit('coordinator.duplicate-in-commit');
    return;
  }
  const key = messageKey(msg);
  ctx.emit({ type: 'msg_delivered', workerId: scope.workerId, sessionId: session.id, connectionId: scope.connectionId, dir: 'to_coordinator', seq, msgType: msg.type, ...(key === undefined ? {} : { key }) });
  let pending: Promise<unknown> | void;
  try {
    pending = work();
  } catch (err) {
    session.abandon(seq);
    throw err;
  }
  if (pending === undefined) {
    session.commit(seq);
    return;
  }
  pending.then(
    () => session.commit(seq),
    (err: unknown) => {
      session.abandon(seq);
      ctx.logger.error({ err, workerId: scope.workerId, seq }, 'engine failed to commit a worker message; it stays unacknowledged');
      scope.failInternal(`could not commit message ${seq}: ${(err as Error).message}`);
    },
  );
}

/**
 * The held-task report: confirm or revoke each lease, answered with a
 * reliable sync_result. Assignments the worker has not received yet
 * (re-sent after `registered`) are held too: without them the engine would
 * re-queue work that is already on its way.
 */
function answerSync(scope: InboundScope, tasks: Sync['tasks']): void {
  const { ctx, session, workerId } = scope;
  const reported = new Set(tasks.map((t) => t.executionId));
  const inFlight = session
    .pendingAssignments()
    .filter((a) => !reported.has(a.executionId))
    .map((a) => ({ ...a, state: 'running' as const }));
  const held = [...tasks, ...inFlight];
  const verdict = ctx.engine.syncHeldTasks(workerId, held);
  // A confirm names the lease the report gave for that execution (confirmed only when the tokens match).
  const tokens = new Map(held.map((h) => [h.executionId, h.leaseToken]));
  const confirmed = verdict.confirm.map((id) => tokens.get(id) ?? '');
  ctx.emit({ type: 'sync_answered', workerId, sessionId: session.id, connectionId: scope.connectionId, confirmed, revoked: verdict.revoke.length });
  session.sendReliable({ type: 'sync_result', confirm: verdict.confirm, revoke: verdict.revoke });
  ctx.wake();
}

/** Acts on one validated message from a registered worker. */
export function handleWorkerMessage(scope: InboundScope, msg: ToCoordinator): void {
  if (msg.ack !== undefined) scope.session.onPeerAck(msg.ack);
  switch (msg.type) {
    case 'sync': {
      markPendingAtSync(scope, msg.tasks);
      // A seq-less (early) sync is admitted only right behind register, by the connection.
      const seq = msg.seq;
      if (seq === undefined) return answerSync(scope, msg.tasks);
      reliably(scope, { ...msg, seq }, () => answerSync(scope, msg.tasks));
      return;
    }
    case 'started':
    case 'checkpoint':
    case 'result':
    case 'data':
    case 'drain':
      reliably(scope, msg, () => applyReliable(scope, msg));
      return;
    default:
      handleUnreliable(scope, msg);
  }
}

/** A `result` refusing an assignment at the worker's concurrency limit (`revoked`, never started, unavailable). */
function refusedAtLimit(msg: Extract<ToCoordinator, { type: 'result' }>): boolean {
  return msg.outcome === 'revoked' && msg.started !== true && msg.error?.code === ErrorCode.Unavailable;
}

/**
 * A refusal at the concurrency limit means slots the coordinator counts free
 * are busy: attempts it aborted are still ending on the worker. They are held
 * back (the assignment loop would otherwise re-claim for the worker every few
 * ms, a claim and a release committed each time) from the moment the refusal
 * arrives (the refused lease, still live, is about to be released: counted
 * free already) until a stale result says one of them ended. The verdicts
 * come back out of order (a stale one needs no commit, a refusal's release
 * does): the recount at a refusal's commit may lower the count, never raise
 * it, else stale results counted meanwhile are undone and a free slot stays
 * held back with work ready (zombie-checkpoint, 0-RTT schedule, latency >= 1.5 ms).
 */
function countHeldBack(scope: InboundScope, msg: Extract<ToCoordinator, { type: 'result' }>, verdict?: ResultVerdict): void {
  const { entry, ctx, workerId } = scope;
  const free = entry.concurrency - ctx.engine.leasesOf(workerId);
  const count = Math.min(entry.concurrency, Math.max(0, verdict === undefined ? free + 1 : free));
  // The commit's recount only lowers: stale results of the attempts that were ending may have been counted since the refusal.
  if (refusedAtLimit(msg)) entry.heldBack = verdict === undefined ? count : Math.min(entry.heldBack, count);
  else if (verdict === 'stale' && entry.heldBack > 0) entry.heldBack -= 1;
}

type ReliableMessage = Extract<ToCoordinator, { type: 'started' | 'checkpoint' | 'result' | 'data' | 'drain' }>;

/** What an admitted reliable message does (once per seq: reliably() dedups). */
function applyReliable(scope: InboundScope, msg: ReliableMessage): Promise<unknown> | void {
  const { ctx, workerId, entry } = scope;
  const engine = ctx.engine;
  switch (msg.type) {
    case 'started':
      return engine.onStarted(asExecutionId(msg.executionId), msg.attempt, asLeaseToken(msg.leaseToken));
    case 'checkpoint':
      return engine.onCheckpoint(asExecutionId(msg.executionId), msg.attempt, asLeaseToken(msg.leaseToken), { seq: msg.checkpoint.seq, state: msg.checkpoint.state });
    case 'result': {
      const report = {
        executionId: asExecutionId(msg.executionId),
        attempt: msg.attempt,
        leaseToken: asLeaseToken(msg.leaseToken),
        outcome: msg.outcome,
        result: msg.result,
        error: msg.error,
        durationMs: msg.durationMs,
        started: msg.started === true,
      };
      countHeldBack(scope, msg);
      // Any verdict (recorded, duplicate, stale) is acknowledged: the worker is done with it.
      return engine.onResult(report).then((verdict) => {
        countHeldBack(scope, msg, verdict);
        ctx.wake();
      });
    }
    case 'data':
      ctx.metrics.dataBytes.inc(Buffer.byteLength(msg.payload, 'utf8'));
      return;
    case 'drain':
      entry.draining = true;
      ctx.marks.hit('coordinator.drain-received');
      ctx.logger.info({ workerId }, 'worker draining; no more assignments to it');
      return;
  }
}

/** Messages outside the reliable stream: progress, heartbeats, acks, errors. */
function handleUnreliable(scope: InboundScope, msg: Exclude<ToCoordinator, ReliableMessage | { type: 'sync' }>): void {
  const { ctx, session, workerId, entry } = scope;
  switch (msg.type) {
    case 'progress':
      ctx.metrics.progressReports.inc();
      return;
    case 'ping':
      session.sendUnreliable({ type: 'pong', id: msg.id, t: msg.t });
      return;
    case 'pong': {
      const rtt = ctx.clock.monotonic() - msg.t;
      if (rtt >= 0 && rtt < 3_600_000) {
        ctx.metrics.heartbeatRtt.observe(rtt / 1000);
        entry.rttMs = Math.round(rtt * 1000) / 1000;
        scope.onRtt?.(rtt);
      }
      scope.onPong?.(msg.id, msg.t, rtt);
      return;
    }
    case 'ack':
      return;
    case 'error':
      ctx.logger.warn({ workerId, code: msg.code, message: msg.message, path: msg.path }, 'worker reported an error');
      return;
    case 'register':
      // Handled (rejected) by the connection before it gets here.
      return;
    default:
      assertNever(msg, 'message type');
  }
}

/** Coverage mark: a sync arrived while an assignment to the worker was still unacknowledged (or its claim committing). */
function markPendingAtSync(scope: InboundScope, tasks: Sync['tasks']): void {
  if (scope.ctx.marks === noMarks) return; // production: no set built, no scan, for a mark nobody counts
  const reported = new Set(tasks.map((t) => t.executionId));
  if (scope.session.pendingAssignments().some((a) => !reported.has(a.executionId))) scope.ctx.marks.hit('coordinator.sync-holds-pending-assign');
}
