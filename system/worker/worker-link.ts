/**
 * The bottom layer of Worker (worker.ts): its state and the connection
 * lifecycle: connect, open, close, the single `lost` path, backoff and
 * reconnect, fatal stops, drain completion, and the delivery trace events.
 * Every connection gets a generation number; handlers capture it and do
 * nothing once it is stale. Handshake: worker-session.ts; inbound: worker.ts.
 */
import { type Buggify, noBuggify } from '../core/buggify.js';
import type { TimerHandle } from '../core/clock.js';
import { ErrorCode, SquallError } from '../core/errors.js';
import { LogLimiter } from '../core/log-limiter.js';
import type { MsgDir, SystemEvent } from '../core/events.js';
import type { Logger } from '../core/logger.js';
import { type Marks, noMarks } from '../core/marks.js';
import type { Connection, ConnectionHandler } from '../core/transport.js';
import { CloseCode } from '../protocol/close-codes.js';
import type { Random } from '../core/random.js';
import { messageKey } from '../protocol/message-key.js';
import { type HeldTask } from '../protocol/messages.js';
import { handshakeDeadline } from './backoff.js';
import { Channel, type ChannelTracer } from './channel.js';
import { type ResolvedWorkerConfig, type WorkerConfig, workerConfigWithDefaults } from './config.js';
import type { Heartbeat } from './heartbeat.js';
import { type OutMessage, Outbox, type SentMessage } from './outbox.js';
import { StateMachine } from './state.js';
import { TaskRunner } from './task-runner.js';
import { WorkerRunnerDeps } from './worker-runner.js';
import { reconnectDelay } from './reconnect-delay.js';
import { authFailureHint, fatalReason, type Handshake, parseRetryAfter, type WorkerDeps } from './worker-types.js';

/** Worker state and connection lifecycle; extended by WorkerSession and Worker. */
export abstract class WorkerLink {
  readonly config: ResolvedWorkerConfig;
  protected readonly sm: StateMachine;
  protected readonly outbox: Outbox;
  protected readonly channel: Channel;
  protected readonly runner: TaskRunner;
  protected readonly log: Logger;
  protected readonly marks: Marks;
  protected readonly buggify: Buggify;
  protected gen = 0;
  /** The current connection attempt's handshake (made by connect(), dropped at registration or teardown). */
  protected hs: Handshake | undefined;
  protected heartbeat: Heartbeat | undefined;
  protected backoffTimer: TimerHandle | undefined;
  protected drainTimer: TimerHandle | undefined;
  /** Own stream for nonces, so drawing them shifts no other component's draws (simulation replays). */
  protected readonly nonceRandom: Random;
  /** Session signing key once welcome asked for signatures: verifies inbound, signs outbound. */
  protected verifyKey: string | undefined;
  protected sessionId: string | undefined;
  protected lastError: string | undefined;
  /** The last held-task report sent (the one a sync_result answers) and when it was built (clock.now()). */
  protected heldReport: { at: number; tasks: HeldTask[] } | undefined;
  /** Retry-after hint of the coordinator's last refusal (close 4503), ms; honoured by the next backoff. */
  protected retryAfterMs: number | undefined;
  /** Backoff attempt number: reconnect delays since the last registration. */
  protected attempt = 0;
  /** Connection tries since the last registration that never registered (for maxAttempts). */
  protected failedTries = 0;
  /** Consecutive handshake timeouts since the last registration: each doubles the next deadline. */
  protected handshakeTimeouts = 0;
  protected prevDelay: number | undefined;
  protected lostAt = 0;
  protected everRegistered = false;
  protected reconnects = 0;
  protected connectedSince: number | null = null;
  protected lastReconnectMs: number | null = null;
  protected fatal: { code: number; message: string } | null = null;
  /** Set while draining: the reason the stop will give once nothing runs and everything is acknowledged. */
  protected draining: 'drained' | 'drain timed out' | undefined;
  /** Callers of stop() waiting for it to finish (made by the first stop()). */
  protected stopWaiters: Array<() => void> | undefined;
  /** At most 5 "cannot connect" lines per 30 s, however fast the retries (made on the first failure). */
  protected connectLog: LogLimiter | undefined;

  /**
   * The channel's tracer and the runner's deps and outlet: one object per worker whose methods
   * reach back here. Traces each progress report that left, or that the outbox refused (full).
   */
  private static readonly Outlets = class extends WorkerRunnerDeps implements ChannelTracer {
    constructor(private readonly w: WorkerLink) {
      super(w.deps, w.config, w.log, w.marks);
    }
    firstSent(msg: OutMessage, seq: number): void {
      this.w.traceMsg('msg_sent', 'to_coordinator', msg, seq, false);
    }
    progressSent(msg: { executionId: string; leaseToken: string; fraction: number }, type: 'progress_sent' | 'progress_refused' = 'progress_sent'): void {
      this.w.emit({ type, ...this.w.base(), executionId: msg.executionId, leaseToken: msg.leaseToken, fraction: msg.fraction });
    }
    send(msg: OutMessage): void {
      if (!this.w.channel.enqueue(msg) && msg.type === 'progress') this.progressSent(msg, 'progress_refused');
    }
    settled(): void {
      this.w.checkDrained();
    }
  };

  constructor(
    protected readonly deps: WorkerDeps,
    config: WorkerConfig,
  ) {
    this.config = workerConfigWithDefaults(config);
    this.log = deps.logger.child({ workerId: this.config.id });
    this.nonceRandom = deps.random.fork('handshake');
    this.marks = deps.marks ?? noMarks;
    this.buggify = deps.buggify ?? noBuggify;
    const small = this.buggify.fires('worker.small-outbox');
    this.outbox = new Outbox(small ? Math.min(4, this.config.outboxCapacity) : this.config.outboxCapacity);
    this.channel = new Channel(deps.clock, this.outbox, this.config.ackDelayMs, this.log, this.buggify);
    // What may go out follows the state: sync/control while syncing, everything when ready or draining.
    this.sm = new StateMachine(this.channel);
    const outlets = new WorkerLink.Outlets(this);
    this.channel.tracer = outlets;
    this.runner = new TaskRunner(outlets);
  }

  /** One inbound frame of connection `gen` (worker.ts). */
  protected abstract onFrame(gen: number, frame: string): void;
  /** The 0-RTT register for this attempt's upgrade request, or undefined (worker-session.ts). */
  protected abstract helloFor(hs: Handshake): string | undefined;
  /** The handler of connection `gen`'s frames and close (worker-session.ts: one object per connection). */
  protected abstract connectionHooks(gen: number, conn: Connection): ConnectionHandler;

  protected emit(e: SystemEvent): void {
    try {
      this.deps.events.emit(e);
    } catch (err) {
      this.log.warn({ err }, 'event sink threw');
    }
  }

  protected base(): { at: number; source: string; workerId: string } {
    return { at: this.deps.clock.now(), source: this.config.id, workerId: this.config.id };
  }

  protected connect(): void {
    this.sm.transition('connecting');
    const gen = ++this.gen;
    this.verifyKey = undefined;
    this.lastError = undefined;
    const deadlineMs = handshakeDeadline(this.config.handshakeTimeoutMs, this.config.handshakeTimeoutMaxMs, this.handshakeTimeouts);
    this.emit({ type: 'connecting', ...this.base(), attempt: Math.max(1, this.attempt), handshakeTimeoutMs: deadlineMs });
    const ac = new AbortController();
    const hs: Handshake = (this.hs = { abort: ac, timer: undefined, welcome: undefined, clientNonce: '', registerSentMono: 0, earlySynced: false, hello: undefined });
    // One deadline for connect + welcome + registered, whatever the transport does.
    hs.timer = this.deps.clock.setTimeout(() => {
      this.log.warn({ state: this.sm.state }, `not registered within ${deadlineMs} ms; reconnecting`);
      this.handshakeTimeouts += 1;
      this.lost(gen, CloseCode.RegisterTimeout, 'handshake timed out', true);
    }, deadlineMs);
    const { maxFrameBytes, perMessageDeflate, tlsCa } = this.config;
    const hello = this.helloFor(hs);
    const extra = { ...(tlsCa === undefined ? {} : { ca: tlsCa }), ...(hello === undefined ? {} : { hello }) };
    void this.deps.transport
      .connect(this.config.coordinatorUrl, { handshakeTimeoutMs: deadlineMs, maxPayloadBytes: maxFrameBytes, perMessageDeflate, signal: ac.signal, ...extra })
      .then(
        (conn) => this.onOpen(gen, conn),
        (err: unknown) => {
          if (hs.abort === ac) hs.abort = undefined; // settled: no abort at teardown (each builds a DOMException with a stack)
          if (gen === this.gen && err instanceof SquallError && err.code === ErrorCode.Timeout) this.handshakeTimeouts += 1;
          this.lost(gen, 1006, `connect failed: ${err instanceof Error ? err.message : String(err)}`);
        },
      )
      .catch((err: unknown) => this.log.error({ err }, 'connection setup failed'));
  }

  protected onOpen(gen: number, conn: Connection): void {
    if (gen !== this.gen || this.sm.state !== 'connecting') {
      conn.terminate();
      return;
    }
    this.channel.bind(conn);
    if (this.hs !== undefined) this.hs.abort = undefined;
    this.sm.transition('handshaking');
    conn.attach(this.connectionHooks(gen, conn));
  }

  protected onClose(gen: number, code: number, reason: string): void {
    if (gen !== this.gen) return;
    const fatal = fatalReason(code, reason, this.config.id, this.lastError);
    if (fatal !== undefined) {
      this.fail(code, fatal);
      return;
    }
    if (code === CloseCode.AuthFailed) this.log.error({ code }, authFailureHint(this.config.id, reason));
    if (code === CloseCode.Overloaded) this.retryAfterMs = parseRetryAfter(reason);
    this.lost(gen, code, reason || 'connection closed');
  }

  /**
   * The single place a connection ends (close, error, timeout). Bumps the
   * generation first, so nothing from the old connection runs afterwards.
   */
  protected lost(gen: number, code: number, reason: string, terminate = false): void {
    if (gen !== this.gen || this.sm.state === 'stopped') return;
    this.gen++;
    const conn = this.teardownConnection();
    if (terminate) conn?.terminate();
    if (conn) {
      this.log.info({ code, reason, connectionId: conn.id }, 'disconnected');
      this.emit({ type: 'disconnected', ...this.base(), code, reason });
    }
    if (this.connectedSince !== null) {
      this.lostAt = this.deps.clock.monotonic();
    } else {
      this.failedTries += 1; // this try never got registered
    }
    this.connectedSince = null;
    if (this.failedTries >= this.config.maxAttempts) {
      this.fail(0, `gave up after ${this.failedTries} consecutive failed connection attempts to ${this.config.coordinatorUrl} (last: ${reason})`);
      return;
    }
    this.scheduleReconnect(conn === undefined ? reason : undefined);
  }

  /** Stops everything tied to the current connection and returns it (for a close or terminate). */
  protected teardownConnection(): Connection | undefined {
    this.hs?.abort?.abort();
    this.hs?.timer?.cancel();
    this.hs = undefined;
    this.heartbeat?.stop();
    this.heartbeat = undefined;
    return this.channel.unbind();
  }

  /** Backs off before the next try; `failure` (a try that never connected) is logged with the delay, rate-limited. */
  protected scheduleReconnect(failure?: string): void {
    this.attempt += 1;
    const { backoff } = this.config;
    const hint = this.retryAfterMs;
    this.retryAfterMs = undefined;
    const { bounds, delayMs } = reconnectDelay(backoff, this.attempt, this.deps.random, this.prevDelay, hint, this.deps.backoffDelay);
    if (hint !== undefined) this.marks.hit('worker.retry-after');
    this.prevDelay = delayMs;
    const say = failure === undefined ? undefined : (this.connectLog ??= new LogLimiter(this.deps.clock, 5, 30_000)).allow('connect');
    if (say?.log === true) {
      const suppressed = say.suppressed > 0 ? ` (${say.suppressed} more failed attempt(s) not logged)` : '';
      this.log.warn({ url: this.config.coordinatorUrl, attempt: this.attempt, delayMs: Math.round(delayMs), rejection: 'connect', suppressed: say.suppressed }, `cannot connect to ${this.config.coordinatorUrl}: ${failure ?? ''}; retrying in ${Math.round(delayMs)} ms${suppressed}`);
    }
    if (backoff.strategy !== 'none' && bounds.capMs >= backoff.maxMs) this.marks.hit('worker.backoff-cap');
    this.sm.transition('backoff');
    this.emit({ type: 'backoff', ...this.base(), attempt: this.attempt, delayMs, strategy: backoff.strategy, ...bounds, ...(hint === undefined ? {} : { retryAfterMs: hint }) });
    this.backoffTimer = this.deps.clock.setTimeout(() => {
      this.backoffTimer = undefined;
      if (this.sm.state === 'backoff') this.connect();
    }, delayMs);
  }

  /** Stops for good because retrying cannot help; says why. */
  protected fail(code: number, message: string): void {
    this.fatal = { code, message };
    this.log.error({ code }, message);
    this.emit({ type: 'disconnected', ...this.base(), code, reason: `fatal: ${message}` });
    this.finishStop(message);
  }

  protected finishStop(reason: string): void {
    if (this.sm.state === 'stopped') return;
    this.runner.abortAll('shutdown');
    this.gen++;
    const conn = this.teardownConnection();
    this.backoffTimer?.cancel();
    this.drainTimer?.cancel();
    conn?.close(CloseCode.GoingAway, reason.slice(0, 120));
    this.connectedSince = null;
    this.sm.transition('stopped');
    this.emit({ type: 'stopped', ...this.base(), reason });
    for (const w of this.stopWaiters?.splice(0) ?? []) w();
  }

  protected checkDrained(): void {
    if (!this.draining || this.sm.state === 'stopped') return;
    if (this.runner.runningCount === 0 && this.outbox.reliableOutstanding === 0) this.finishStop(this.draining);
  }

  /** Delivery trace (msg_sent / msg_delivered): a reliable message sent (peerLastSeq: re-sent at resume) or admitted. */
  protected traceMsg(type: 'msg_sent' | 'msg_delivered', dir: MsgDir, msg: { type: string }, seq: number, resend = true, peerLastSeq?: number): void {
    const key = messageKey(msg);
    const base = { workerId: this.config.id, sessionId: this.sessionId ?? '', dir, seq, msgType: msg.type, ...(key === undefined ? {} : { key }) };
    if (type === 'msg_delivered') return this.emit({ type, ...this.base(), ...base });
    const start = msg.type === 'result' && 'started' in msg && msg.started === true ? { carriesStart: true as const } : {};
    this.emit({ type, ...this.base(), ...base, resend, ...(peerLastSeq === undefined ? {} : { peerLastSeq }), ...start });
  }

  protected traceAck(upTo: number, sessionId = this.sessionId ?? ''): void {
    this.emit({ type: 'msg_acked', ...this.base(), workerId: this.config.id, sessionId, dir: 'to_coordinator', upTo });
  }

  protected released(acked: SentMessage[]): void {
    for (const { msg } of acked) if (msg.type === 'result') this.runner.resultAcked(msg.executionId, msg.leaseToken);
  }
}
