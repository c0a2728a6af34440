/**
 * The reconnecting worker: one live connection at a time, an explicit state
 * machine (state.ts), backoff (backoff.ts), heartbeats (heartbeat.ts), a
 * priority outbox with session resume (outbox.ts) and a task runner
 * (task-runner.ts). Protocol: docs/PROTOCOL.md; lifecycle: ARCHITECTURE.md.
 *
 * Every connection gets a generation number; its handlers capture it and do
 * nothing once it is stale, so an old socket's close can never start a second
 * connection (a seed defect: forced reconnect + old close handler = two sockets).
 */
import { type Buggify, noBuggify } from '../core/buggify.js';
import type { TimerHandle } from '../core/clock.js';
import { InvalidArgumentError } from '../core/errors.js';
import { LogLimiter } from '../core/log-limiter.js';
import type { MsgDir, SystemEvent } from '../core/events.js';
import type { Logger } from '../core/logger.js';
import { type Marks, noMarks } from '../core/marks.js';
import type { Connection } from '../core/transport.js';
import { CloseCode } from '../protocol/close-codes.js';
import type { Random } from '../core/random.js';
import { decodeToWorker } from '../protocol/codec.js';
import { messageKey } from '../protocol/message-key.js';
import { PROTOCOL_VERSION, RELIABLE_TYPES, type ToWorker, type Welcome } from '../protocol/messages.js';
import { checkCoordinatorProof, registerMessage } from './handshake.js';
import { backoffBounds, backoffDelay } from './backoff.js';
import { Channel, sendableIn } from './channel.js';
import { type ResolvedWorkerConfig, type WorkerConfig, workerConfigWithDefaults } from './config.js';
import { Heartbeat } from './heartbeat.js';
import { Outbox, type SentMessage } from './outbox.js';
import { StateMachine, type WorkerState } from './state.js';
import { frameBytes, TaskRunner } from './task-runner.js';
import { authFailureHint, fatalReason, parseRetryAfter, retryAfterBounds, round3, type StopOptions, type WorkerDeps, type WorkerStats } from './worker-types.js';

export type { WorkerState } from './state.js';
export type { StopOptions, WorkerDeps, WorkerStats } from './worker-types.js';

export class Worker {
  readonly config: ResolvedWorkerConfig;
  private readonly sm = new StateMachine();
  private readonly outbox: Outbox;
  private readonly channel: Channel;
  private readonly runner: TaskRunner;
  private readonly log: Logger;
  private readonly marks: Marks;
  private readonly buggify: Buggify;

  private gen = 0;
  private connectAbort: AbortController | undefined;
  private heartbeat: Heartbeat | undefined;
  private handshakeTimer: TimerHandle | undefined;
  private backoffTimer: TimerHandle | undefined;
  private drainTimer: TimerHandle | undefined;

  private welcome: Welcome | undefined;
  /** This connection's own challenge, sent in register; the coordinator's proof must cover it. */
  private clientNonce = '';
  /** Own stream for nonces, so drawing them shifts no other component's draws (simulation replays). */
  private readonly nonceRandom: Random;
  /** Session signing key once welcome asked for signatures: verifies inbound, signs outbound. */
  private verifyKey: string | undefined;
  private sessionId: string | undefined;
  private lastError: string | undefined;
  /** When register went out (monotonic): register → registered is this connection's first RTT sample. */
  private registerSentMono = 0;
  /** The held-task report went out right behind register (early sync): no sync after registered. */
  private earlySynced = false;
  /** Retry-after hint of the coordinator's last refusal (close 4503), ms; honoured by the next backoff. */
  private retryAfterMs: number | undefined;

  /** Backoff attempt number: reconnect delays since the last registration. */
  private attempt = 0;
  /** Connection tries since the last registration that never registered (for maxAttempts). */
  private failedTries = 0;
  private prevDelay: number | undefined;
  private lostAt = 0;
  private everRegistered = false;
  private reconnects = 0;
  private connectedSince: number | null = null;
  private lastReconnectMs: number | null = null;
  private fatal: { code: number; message: string } | null = null;
  private draining = false;
  private readonly stopWaiters: Array<() => void> = [];
  /** At most 5 "cannot connect" lines per 30 s, however fast the retries. */
  private readonly connectLog: LogLimiter;

  constructor(
    private readonly deps: WorkerDeps,
    config: WorkerConfig,
  ) {
    this.config = workerConfigWithDefaults(config);
    this.log = deps.logger.child({ workerId: this.config.id });
    this.nonceRandom = deps.random.fork('handshake');
    this.marks = deps.marks ?? noMarks;
    this.connectLog = new LogLimiter(deps.clock, 5, 30_000);
    this.buggify = deps.buggify ?? noBuggify;
    const small = this.buggify.fires('worker.small-outbox');
    this.outbox = new Outbox(small ? Math.min(4, this.config.outboxCapacity) : this.config.outboxCapacity);
    this.channel = new Channel(deps.clock, this.outbox, this.config.ackDelayMs, this.log, () => this.buggify.extraMs('worker.hold-ack', 200));
    // What may go out follows the state: sync/control while syncing, everything when ready or draining.
    this.sm.onChange((to) => this.channel.allow(sendableIn(to)));
    this.channel.onFirstSend = (msg, seq) => this.traceMsg('msg_sent', 'to_coordinator', msg, seq, false);
    this.runner = new TaskRunner({
      workerId: this.config.id,
      clock: deps.clock,
      random: deps.random.fork('tasks'),
      cpu: deps.cpu,
      logger: this.log,
      events: deps.events,
      taskKinds: deps.taskKinds,
      concurrency: this.config.concurrency,
      maxFrameBytes: this.config.maxFrameBytes,
      allowedKinds: this.config.allowKinds,
      redact: this.config.secret === undefined ? [] : [this.config.secret],
      send: (msg) => void this.channel.enqueue(msg),
      onSettled: () => this.checkDrained(),
    });
  }

  get state(): WorkerState {
    return this.sm.state;
  }

  /** Subscribes to state changes; returns the unsubscribe function. */
  onStateChange(listener: (to: WorkerState, from: WorkerState) => void): () => void {
    return this.sm.onChange(listener);
  }

  /** Connects and keeps reconnecting until stop() or a fatal close. */
  start(): void {
    this.lostAt = this.deps.clock.monotonic();
    this.connect();
  }

  /**
   * Stops. With drain (default): tells the coordinator, finishes held tasks,
   * waits until every result is acknowledged (or timeoutMs), then closes 1001.
   */
  stop(opts: StopOptions = {}): Promise<void> {
    if (this.sm.state === 'stopped') return Promise.resolve();
    if (this.sm.state === 'idle') {
      this.sm.transition('stopped');
      return Promise.resolve();
    }
    const done = new Promise<void>((resolve) => this.stopWaiters.push(resolve));
    if (opts.drain === false) {
      this.finishStop('stopped by owner');
      return done;
    }
    const connected = this.sm.state === 'ready' || this.sm.state === 'syncing' || this.sm.state === 'draining';
    if (!connected && this.runner.runningCount === 0 && this.runner.unackedResults === 0) {
      // Nothing runs and nothing awaits an ack: there is nothing to drain, and no coordinator to tell.
      this.finishStop('stopped while not connected: nothing to drain');
      return done;
    }
    if (!this.draining) {
      const timeoutMs = opts.timeoutMs ?? 30_000;
      this.log.info({ running: this.runner.runningCount, unackedResults: this.runner.unackedResults, connected, timeoutMs }, `draining: waiting up to ${timeoutMs} ms for running tasks and unacknowledged results`);
      this.draining = true;
      this.runner.accepting = false;
      this.channel.enqueue({ type: 'drain' });
      if (this.sm.state === 'ready') this.sm.transition('draining');
      this.drainTimer = this.deps.clock.setTimeout(() => {
        this.log.warn({ running: this.runner.runningCount, unacked: this.outbox.reliableOutstanding }, 'drain timed out');
        this.finishStop('drain timed out');
      }, timeoutMs);
      this.checkDrained();
    }
    return done;
  }

  /** Queues an application `data` message (load tests); false = outbox full, back off. */
  sendData(payload: string): boolean {
    if (this.sm.state === 'stopped') return false;
    const bytes = frameBytes({ type: 'data', payload });
    if (bytes > this.config.maxFrameBytes) {
      throw new InvalidArgumentError(`data payload of ${bytes} bytes exceeds maxFrameBytes ${this.config.maxFrameBytes}`, 'payload');
    }
    return this.channel.enqueue({ type: 'data', payload });
  }

  stats(): WorkerStats {
    return {
      state: this.sm.state,
      sessionId: this.sessionId ?? null,
      reconnects: this.reconnects,
      connectedSince: this.connectedSince,
      lastReconnectMs: this.lastReconnectMs,
      attempt: this.attempt,
      running: this.runner.runningCount,
      heldResults: this.runner.unackedResults,
      outboxDepth: this.outbox.depth,
      unacked: this.outbox.unackedCount,
      rttMs: this.heartbeat?.rttMs ?? null,
      srttMs: this.heartbeat?.rtt.srttMs ?? null,
      heartbeatTimeoutMs: this.heartbeat?.timeoutMs ?? null,
      fatalError: this.fatal,
    };
  }

  // ---- connection lifecycle ----

  private emit(e: SystemEvent): void {
    try {
      this.deps.events.emit(e);
    } catch (err) {
      this.log.warn({ err }, 'event sink threw');
    }
  }

  private base(): { at: number; source: string; workerId: string } {
    return { at: this.deps.clock.now(), source: this.config.id, workerId: this.config.id };
  }

  private connect(): void {
    this.sm.transition('connecting');
    const gen = ++this.gen;
    this.welcome = undefined;
    this.clientNonce = '';
    this.verifyKey = undefined;
    this.lastError = undefined;
    this.earlySynced = false;
    this.emit({ type: 'connecting', ...this.base(), attempt: Math.max(1, this.attempt) });
    const ac = new AbortController();
    this.connectAbort = ac;
    // One deadline for connect + welcome + registered, whatever the transport does.
    this.handshakeTimer = this.deps.clock.setTimeout(() => {
      this.log.warn({ state: this.sm.state }, `not registered within ${this.config.handshakeTimeoutMs} ms; reconnecting`);
      this.lost(gen, CloseCode.RegisterTimeout, 'handshake timed out', true);
    }, this.config.handshakeTimeoutMs);
    const { handshakeTimeoutMs, maxFrameBytes, perMessageDeflate, tlsCa } = this.config;
    void this.deps.transport
      .connect(this.config.coordinatorUrl, { handshakeTimeoutMs, maxPayloadBytes: maxFrameBytes, perMessageDeflate, signal: ac.signal, ...(tlsCa === undefined ? {} : { ca: tlsCa }) })
      .then(
        (conn) => this.onOpen(gen, conn),
        (err: unknown) => this.lost(gen, 1006, `connect failed: ${err instanceof Error ? err.message : String(err)}`),
      )
      .catch((err: unknown) => this.log.error({ err }, 'connection setup failed'));
  }

  private onOpen(gen: number, conn: Connection): void {
    if (gen !== this.gen || this.sm.state !== 'connecting') {
      conn.terminate();
      return;
    }
    this.channel.bind(conn);
    this.connectAbort = undefined;
    this.sm.transition('handshaking');
    conn.attach({
      onMessage: (frame) => this.onFrame(gen, frame),
      onClose: (code, reason) => this.onClose(gen, code, reason),
    });
  }

  private onClose(gen: number, code: number, reason: string): void {
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
  private lost(gen: number, code: number, reason: string, terminate = false): void {
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
  private teardownConnection(): Connection | undefined {
    this.connectAbort?.abort();
    this.connectAbort = undefined;
    this.heartbeat?.stop();
    this.heartbeat = undefined;
    this.handshakeTimer?.cancel();
    this.handshakeTimer = undefined;
    return this.channel.unbind();
  }

  /** Backs off before the next try; `failure` (a try that never connected) is logged with the delay, rate-limited. */
  private scheduleReconnect(failure?: string): void {
    this.attempt += 1;
    const { backoff } = this.config;
    const hint = this.retryAfterMs;
    this.retryAfterMs = undefined;
    let bounds = backoffBounds(backoff.strategy, backoff, this.attempt, this.prevDelay);
    let delayMs = (this.deps.backoffDelay ?? backoffDelay)(backoff, this.attempt, this.deps.random, this.prevDelay);
    if (hint !== undefined) {
      // The coordinator said when to come back: wait at least that (within the backoff cap), jittered.
      bounds = retryAfterBounds(hint, backoff.maxMs);
      delayMs = bounds.floorMs + this.deps.random.float() * (bounds.capMs - bounds.floorMs);
      this.marks.hit('worker.retry-after');
    }
    this.prevDelay = delayMs;
    const say = failure === undefined ? undefined : this.connectLog.allow('connect');
    if (say?.log === true) {
      const suppressed = say.suppressed > 0 ? ` (${say.suppressed} more failed attempt(s) not logged)` : '';
      this.log.warn({ url: this.config.coordinatorUrl, attempt: this.attempt, delayMs: Math.round(delayMs) }, `cannot connect to ${this.config.coordinatorUrl}: ${failure ?? ''}; retrying in ${Math.round(delayMs)} ms${suppressed}`);
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
  private fail(code: number, message: string): void {
    this.fatal = { code, message };
    this.log.error({ code }, message);
    this.emit({ type: 'disconnected', ...this.base(), code, reason: `fatal: ${message}` });
    this.finishStop(message);
  }

  private finishStop(reason: string): void {
    if (this.sm.state === 'stopped') return;
    this.runner.abortAll('shutdown');
    this.gen++;
    const conn = this.teardownConnection();
    this.backoffTimer?.cancel();
    this.drainTimer?.cancel();
    conn?.close(CloseCode.GoingAway, reason.slice(0, 120));
    this.connectedSince = null;
    this.sm.transition('stopped');
    for (const w of this.stopWaiters.splice(0)) w();
  }

  private checkDrained(): void {
    if (!this.draining || this.sm.state === 'stopped') return;
    if (this.runner.runningCount === 0 && this.outbox.reliableOutstanding === 0) this.finishStop('drained');
  }

  // ---- inbound ----

  private onFrame(gen: number, frame: string): void {
    if (gen !== this.gen) return;
    this.heartbeat?.received();
    const d = decodeToWorker(frame, this.config.maxFrameBytes, this.verifyKey);
    if (!d.ok && d.code === 'unsupported_version' && this.sm.state === 'handshaking' && !this.welcome) {
      // The coordinator's first frame speaks another protocol version: upgrading one side is the only cure.
      return this.fail(CloseCode.UnsupportedVersion, `unsupported protocol version: ${d.message}; this worker speaks version ${PROTOCOL_VERSION}, upgrade the older side`);
    }
    if (!d.ok) {
      this.marks.hit('worker.frame-rejected');
      this.log.warn({ code: d.code, path: d.path }, `bad frame from coordinator: ${d.message}`);
      this.channel.sendNow({ type: 'error', code: d.code, message: d.message, ...(d.path === undefined ? {} : { path: d.path }) });
      this.channel.connection?.close(d.closeCode, d.message.slice(0, 120));
      this.lost(gen, d.closeCode, d.message);
      return;
    }
    try {
      this.handle(gen, d.msg);
    } catch (err) {
      // A bug on our side: drop this link (what was not acked is re-sent) rather than crash the process.
      this.log.error({ err, type: d.msg.type }, 'handling a coordinator message failed; reconnecting');
      this.channel.connection?.close(CloseCode.Internal, 'worker internal error');
      this.lost(gen, CloseCode.Internal, `internal error handling "${d.msg.type}"`);
    }
  }

  private unexpected(gen: number, type: string): void {
    const message = `message "${type}" is not allowed in worker state "${this.sm.state}"`;
    this.channel.sendNow({ type: 'error', code: 'unexpected_message', message });
    this.channel.connection?.close(CloseCode.UnexpectedMessage, message.slice(0, 120));
    this.lost(gen, CloseCode.UnexpectedMessage, message);
  }

  private handle(gen: number, msg: ToWorker): void {
    // Acks on welcome/registered could refer to a previous session; registered.lastSeq carries that instead.
    if (msg.ack !== undefined && msg.type !== 'welcome' && msg.type !== 'registered') this.onAck(msg.ack);
    // A duplicate was handled already; admit() re-acks it so the coordinator stops re-sending.
    if (RELIABLE_TYPES.has(msg.type) && 'seq' in msg) {
      if (this.channel.admit(msg.seq) === 'duplicate') return this.marks.hit('worker.duplicate-dropped');
      this.traceMsg('msg_delivered', 'to_worker', msg, msg.seq);
    }
    const state = this.sm.state;
    switch (msg.type) {
      case 'welcome':
        if (state !== 'handshaking' || this.welcome) return this.unexpected(gen, msg.type);
        return this.onWelcome(gen, msg);
      case 'registered':
        if (state !== 'handshaking' || !this.welcome) return this.unexpected(gen, msg.type);
        return this.onRegistered(gen, msg);
      case 'sync_result':
        if (state === 'handshaking') return this.unexpected(gen, msg.type);
        if (msg.revoke.length > 0) this.marks.hit('worker.task-revoked');
        for (const r of msg.revoke) {
          if (!this.runner.abort(r.executionId, undefined, 'revoked')) this.runner.forgetFinished(r.executionId);
        }
        this.emit({ type: 'synced', ...this.base(), confirmed: msg.confirm.length, revoked: msg.revoke.length });
        if (state === 'syncing') this.sm.transition(this.draining ? 'draining' : 'ready');
        this.checkDrained();
        return;
      case 'assign':
        if (state === 'handshaking') return this.unexpected(gen, msg.type);
        if (msg.checkpoint !== undefined) this.marks.hit('worker.checkpoint-resumed');
        this.runner.assign(msg);
        return;
      case 'abort':
        if (state === 'handshaking') return this.unexpected(gen, msg.type);
        if (this.runner.abort(msg.executionId, msg.leaseToken, msg.reason) && msg.reason === 'cancel') this.marks.hit('worker.cancel-received');
        return;
      case 'ping':
        this.channel.enqueue({ type: 'pong', id: msg.id, t: msg.t });
        return;
      case 'pong':
        this.heartbeat?.pong(msg.t);
        return;
      case 'ack':
        return;
      case 'error':
        this.lastError = `${msg.code}: ${msg.message}`;
        this.log.warn({ code: msg.code, path: msg.path }, `coordinator reported an error: ${msg.message}`);
        return;
    }
  }

  private onWelcome(gen: number, msg: Welcome): void {
    const { secret, id } = this.config;
    if (!msg.protocolVersions.includes(PROTOCOL_VERSION)) {
      return this.fail(CloseCode.UnsupportedVersion, `unsupported protocol version: the coordinator speaks ${msg.protocolVersions.join(', ')}, this worker ${PROTOCOL_VERSION}`);
    }
    if ((msg.authRequired || msg.signMessages) && secret === undefined) {
      return this.fail(CloseCode.AuthFailed, `the coordinator requires authentication; configure the shared secret (--secret-file or SQUALL_SECRET) for worker "${id}"`);
    }
    if (secret !== undefined && !msg.authRequired) {
      // A coordinator that knows the secret always requires it: this one cannot prove itself.
      return this.refuseCoordinator(gen, 'the coordinator does not require authentication, so it cannot prove it knows the secret this worker was given');
    }
    this.welcome = msg;
    this.clientNonce = Buffer.from(this.nonceRandom.bytes(16)).toString('hex');
    const kinds = this.runner.advertisedKinds().slice(0, 100);
    const resume = this.sessionId === undefined ? undefined : { sessionId: this.sessionId, lastSeq: this.channel.inSeq };
    const reg = registerMessage({ secret, welcome: msg, workerId: id, clientNonce: this.clientNonce, kinds, concurrency: this.config.concurrency, resume });
    if (reg.signKey !== undefined) {
      this.verifyKey = reg.signKey;
      this.channel.setSignKey(reg.signKey);
    }
    this.registerSentMono = this.deps.clock.monotonic();
    this.channel.sendNow(reg.msg);
    // Early sync: with nothing to re-send (which must precede the report), the held-task report goes
    // right behind register and the coordinator answers both at once: no extra round trip.
    // It tells nothing the worker acts on; sync_result is obeyed only after the proof in `registered`.
    if (msg.earlySync === true && this.outbox.unackedCount === 0) {
      this.earlySynced = true;
      this.channel.sendNow({ type: 'sync', tasks: this.runner.held() });
    }
  }

  /**
   * The coordinator did not prove it knows the secret: act on nothing it
   * sent, tell it, close 4403 and retry with backoff (the real coordinator
   * may come back to this address).
   */
  private refuseCoordinator(gen: number, why: string): void {
    const message = `coordinator authentication failed: ${why}`;
    this.log.error({ code: CloseCode.CoordinatorAuthFailed, url: this.config.coordinatorUrl }, `${message}; not acting on anything it sent, retrying with backoff`);
    this.channel.sendNow({ type: 'error', code: 'coordinator_auth_failed', message });
    this.channel.connection?.close(CloseCode.CoordinatorAuthFailed, message.slice(0, 120));
    this.lost(gen, CloseCode.CoordinatorAuthFailed, message);
  }

  private onRegistered(gen: number, msg: Extract<ToWorker, { type: 'registered' }>): void {
    const { clock } = this.deps;
    const refused = this.welcome === undefined ? 'no welcome' : checkCoordinatorProof(this.config.secret, this.welcome, this.clientNonce, msg);
    if (refused !== undefined) return this.refuseCoordinator(gen, refused);
    this.handshakeTimer?.cancel();
    this.handshakeTimer = undefined;
    let resend: SentMessage[];
    if (msg.resumed) {
      const r = this.outbox.resume(msg.lastSeq);
      if (r.acked.length > 0) this.traceAck(msg.lastSeq, msg.sessionId);
      this.released(r.acked);
      resend = r.resend;
    } else {
      this.channel.inSeq = 0;
      resend = this.outbox.renumber();
    }
    if (resend.length > 0) this.marks.hit(msg.resumed ? 'worker.resume-resend' : 'worker.session-renumbered');
    this.sessionId = msg.sessionId;
    const afterMs = clock.monotonic() - this.lostAt;
    if (this.everRegistered) {
      this.reconnects += 1;
      this.lastReconnectMs = afterMs;
    }
    this.everRegistered = true;
    this.attempt = 0;
    this.failedTries = 0;
    this.prevDelay = undefined;
    this.connectedSince = clock.now();
    this.log.info({ sessionId: msg.sessionId, resumed: msg.resumed, afterMs, resend: resend.length }, 'registered');
    this.emit({ type: 'connected', ...this.base(), sessionId: msg.sessionId, resumed: msg.resumed, afterMs });
    // Order on the wire: what the coordinator has not acknowledged (original order), then the
    // held-task report, then (once synced) everything queued meanwhile, by priority.
    for (const s of resend) {
      this.traceMsg('msg_sent', 'to_coordinator', s.msg, s.seq);
      this.channel.sendNow(s.msg, s.seq);
    }
    if (this.earlySynced) this.marks.hit('worker.early-sync');
    else this.outbox.enqueue({ type: 'sync', tasks: this.runner.held() });
    this.sm.transition('syncing');
    this.startHeartbeat(gen, msg.leaseMs);
    this.heartbeat?.sample(clock.monotonic() - this.registerSentMono);
  }

  private startHeartbeat(gen: number, leaseMs: number): void {
    const w = this.welcome;
    const { heartbeatMs, adaptiveHeartbeat: adaptive, heartbeatTimeoutMaxMs, rttFactor: factor } = this.config;
    const intervalMs = Math.min(heartbeatMs, w?.heartbeatMs ?? Infinity);
    const minMs = this.config.heartbeatTimeoutMs ?? w?.heartbeatTimeoutMs ?? intervalMs * 3;
    const connectionId = this.channel.connection?.id ?? '';
    const lateMs = (): number => this.buggify.extraMs('worker.late-heartbeat', intervalMs / 5);
    // Below the lease, like the coordinator's: past it the held leases are gone anyway.
    const policy = { adaptive, intervalMs, minMs, maxMs: Math.max(minMs, Math.min(heartbeatTimeoutMaxMs, leaseMs - intervalMs)), factor };
    this.heartbeat = new Heartbeat(this.deps.clock, policy, {
      lateMs,
      onAdapt: (rtt, timeoutMs) => {
        this.emit({ type: 'heartbeat_adapted', ...this.base(), side: 'worker', srttMs: round3(rtt.srttMs ?? 0), rttvarMs: round3(rtt.rttvarMs), timeoutMs });
      },
      sendPing: (id, t) => void this.channel.enqueue({ type: 'ping', id, t }),
      onTimeout: (silentMs) => {
        this.log.warn({ silentMs, connectionId }, 'nothing received within the heartbeat timeout; dropping the link');
        this.marks.hit('worker.heartbeat-timeout');
        this.emit({ type: 'heartbeat_timeout', ...this.base(), side: 'worker', connectionId });
        this.lost(gen, CloseCode.HeartbeatTimeout, `heartbeat timeout after ${Math.round(silentMs)} ms of silence`, true);
      },
    });
    this.heartbeat.start();
  }

  private onAck(n: number): void {
    const acked = this.outbox.ack(n);
    if (acked.length === 0) return;
    this.traceAck(n);
    this.released(acked);
    this.checkDrained();
  }

  /** Delivery trace (events msg_sent / msg_delivered): a reliable message this worker sent or admitted. */
  private traceMsg(type: 'msg_sent' | 'msg_delivered', dir: MsgDir, msg: { type: string }, seq: number, resend = true): void {
    const key = messageKey(msg);
    const base = { workerId: this.config.id, sessionId: this.sessionId ?? '', dir, seq, msgType: msg.type, ...(key === undefined ? {} : { key }) };
    this.emit(type === 'msg_sent' ? { type, ...this.base(), ...base, resend } : { type, ...this.base(), ...base });
  }

  private traceAck(upTo: number, sessionId = this.sessionId ?? ''): void {
    this.emit({ type: 'msg_acked', ...this.base(), workerId: this.config.id, sessionId, dir: 'to_coordinator', upTo });
  }

  private released(acked: SentMessage[]): void {
    for (const { msg } of acked) if (msg.type === 'result') this.runner.resultAcked(msg.executionId, msg.leaseToken);
  }
}
