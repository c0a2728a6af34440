/**
 * The reconnecting worker: one live connection at a time, an explicit state
 * machine (state.ts), backoff (backoff.ts), heartbeats (heartbeat.ts), a
 * priority outbox with session resume (outbox.ts) and a task runner
 * (task-runner.ts). Protocol: docs/PROTOCOL.md; lifecycle: ARCHITECTURE.md.
 *
 * Every connection gets a generation number; its handlers capture it and do
 * nothing once it is stale, so an old socket's close can never start a second
 * connection (a seed defect: forced reconnect + old close handler = two sockets).
 * Layers: WorkerLink (worker-link.ts: state, connection lifecycle) <
 * WorkerSession (worker-session.ts: handshake) < Worker (here: public API,
 * inbound frames and message handling).
 */
import { InvalidArgumentError } from '../core/errors.js';
import type { HeldRef } from '../core/events.js';
import { CloseCode } from '../protocol/close-codes.js';
import { decodeToWorker } from '../protocol/codec.js';
import { PROTOCOL_VERSION, RELIABLE_TYPES, type SyncResult, type ToWorker } from '../protocol/messages.js';
import { type WorkerState } from './state.js';
import { frameBytes } from './task-runner.js';
import { type StopOptions, type WorkerStats } from './worker-types.js';
import { WorkerSession } from './worker-session.js';

export type { WorkerState } from './state.js';

export type { StopOptions, WorkerDeps, WorkerStats } from './worker-types.js';

/** The frames of a bound session: refused before `registered` (4405), before their seq or ack is taken. */
const SESSION_TYPES: ReadonlySet<string> = new Set(['sync_result', 'assign', 'abort']);

/** The reconnecting worker: public API and inbound message handling, over WorkerSession. */
export class Worker extends WorkerSession {
  get state(): WorkerState {
    return this.sm.state;
  }

  /** Subscribes to state changes; returns the unsubscribe function. */
  onStateChange(listener: (to: WorkerState, from: WorkerState) => void): () => void {
    return this.sm.onChange(listener);
  }

  /** Connects and keeps reconnecting until stop() or a fatal close. */
  start(): void {
    this.runner.announceStart();
    this.lostAt = this.deps.clock.monotonic();
    this.connect();
  }

  /**
   * Stops. With drain (default): tells the coordinator, finishes held tasks,
   * waits until every result is acknowledged (or timeoutMs, default config.drainTimeoutMs), then closes 1001.
   */
  stop(opts: StopOptions = {}): Promise<void> {
    if (this.sm.state === 'stopped') return Promise.resolve();
    if (this.sm.state === 'idle') {
      this.sm.transition('stopped');
      return Promise.resolve();
    }
    const done = new Promise<void>((resolve) => (this.stopWaiters ??= []).push(resolve));
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
      const timeoutMs = opts.timeoutMs ?? this.config.drainTimeoutMs;
      const waitingFor = this.runner.runningCount + this.runner.unackedResults === 0 ? "the coordinator's acknowledgement of the drain" : 'running tasks and unacknowledged results';
      this.log.info({ running: this.runner.runningCount, unackedResults: this.runner.unackedResults, connected, timeoutMs }, `draining: waiting up to ${timeoutMs} ms for ${waitingFor}`);
      this.draining = 'drained';
      this.runner.accepting = false;
      this.channel.enqueue({ type: 'drain' });
      if (this.sm.state === 'ready') this.sm.transition('draining');
      this.drainTimer = this.deps.clock.setTimeout(() => this.drainExpired(timeoutMs), timeoutMs);
      this.checkDrained();
    }
    return done;
  }

  /**
   * The drain ran out of time: what still runs is aborted and handed back
   * (each attempt's `revoked` result), and the link stays open for up to
   * config.handBackGraceMs so those results reach the coordinator, which puts the
   * work back on its ready queue at once instead of at the lease's expiry.
   */
  private drainExpired(timeoutMs: number): void {
    this.log.warn({ running: this.runner.runningCount, unacked: this.outbox.reliableOutstanding }, 'drain timed out: handing back what still runs');
    this.draining = 'drain timed out';
    this.runner.abortAll('shutdown');
    this.drainTimer = this.deps.clock.setTimeout(() => this.finishStop('drain timed out'), Math.min(timeoutMs, this.config.handBackGraceMs));
    this.checkDrained();
  }

  /** Queues an application `data` message (load tests); false = outbox full, back off. */
  sendData(payload: string): boolean {
    if (this.sm.state === 'stopped') return false;
    const bytes = frameBytes({ type: 'data', payload });
    const limit = this.runner.maxFrameBytes;
    if (bytes > limit) {
      throw new InvalidArgumentError(`data payload of ${bytes} bytes exceeds maxFrameBytes ${limit}`, 'payload');
    }
    const queued = this.channel.enqueue({ type: 'data', payload });
    if (!queued) this.marks.hit('worker.outbox-full');
    return queued;
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
      outboxCapacity: this.outbox.capacity,
      unacked: this.outbox.unackedCount,
      framesSent: this.channel.framesSent,
      transportBackedUp: this.channel.backedUp,
      rttMs: this.heartbeat?.rttMs ?? null,
      srttMs: this.heartbeat?.rtt.srttMs ?? null,
      heartbeatTimeoutMs: this.heartbeat?.timeoutMs ?? null,
      fatalError: this.fatal,
    };
  }

  // ---- inbound ----

  protected onFrame(gen: number, frame: string): void {
    if (gen !== this.gen) return;
    this.heartbeat?.received();
    const d = decodeToWorker(frame, this.config.maxFrameBytes, this.verifyKey);
    if (!d.ok && d.code === 'unsupported_version' && this.sm.state === 'handshaking' && !this.hs?.welcome) {
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
      // A drain ends once the whole frame was handled: an assign riding on the frame that acknowledges
      // the last message is handed back first (a stop on the ack alone dropped it with the process).
      if (gen === this.gen) this.checkDrained();
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
    // Before `registered` no frame is the session's: an ack or a seq there would ack the outbox or admit into the
    // last session what the coordinator never bound (a hostile first frame lost completions: wire-bounds-worker.yaml).
    if (this.sm.state === 'handshaking' && SESSION_TYPES.has(msg.type)) return this.unexpected(gen, msg.type);
    // Acks on welcome/registered could refer to a previous session; registered.lastSeq carries that instead.
    if (msg.ack !== undefined && msg.type !== 'welcome' && msg.type !== 'registered' && this.sm.state !== 'handshaking') this.onAck(msg.ack);
    // A duplicate was handled already; admit() re-acks it so the coordinator stops re-sending.
    if (RELIABLE_TYPES.has(msg.type) && 'seq' in msg) {
      if (this.channel.admit(msg.seq) === 'duplicate') return this.marks.hit('worker.duplicate-dropped');
      this.traceMsg('msg_delivered', 'to_worker', msg, msg.seq);
    }
    const state = this.sm.state;
    switch (msg.type) {
      case 'welcome':
        if (state !== 'handshaking' || this.hs?.welcome) return this.unexpected(gen, msg.type);
        return this.onWelcome(gen, msg);
      case 'registered':
        if (state !== 'handshaking' || !this.hs?.welcome) return this.unexpected(gen, msg.type);
        return this.onRegistered(gen, msg);
      case 'sync_result':
        if (state === 'handshaking') return this.unexpected(gen, msg.type);
        return this.onSyncResult(msg, state);
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
        this.heartbeat?.pong(msg.t, msg.id);
        return;
      case 'ack':
        return;
      case 'error':
        this.lastError = `${msg.code}: ${msg.message}`;
        this.log.warn({ code: msg.code, path: msg.path }, `coordinator reported an error: ${msg.message}`);
        return;
    }
  }

  /** The coordinator's verdict on what this worker held at its sync (`state`: the worker's as the frame arrived): revoked attempts aborted, then ready (or draining) again. */
  private onSyncResult(msg: SyncResult, state: WorkerState): void {
    if (msg.revoke.length > 0) this.marks.hit('worker.task-revoked');
    // A finished attempt stays held until its result is acknowledged, whatever the verdict: a revoke
    // answered from a completion still committing is undone if that commit fails (the next sync decides again).
    for (const r of msg.revoke) this.runner.abort(r.executionId, undefined, 'revoked');
    this.emit({ type: 'synced', ...this.base(), confirmed: msg.confirm.length, revoked: msg.revoke.length, ...this.takeReportFields() });
    if (state === 'syncing') this.sm.transition(this.draining ? 'draining' : 'ready');
    this.checkDrained();
  }

  /**
   * The report the sync_result answers, for the `synced` event (the harness judges what was still held).
   * Answered, it is dropped: nothing reads it again (an idle worker would keep it for the connection's life).
   */
  private takeReportFields(): { reported?: HeldRef[]; reportedAt?: number } {
    const r = this.heldReport;
    this.heldReport = undefined;
    if (r === undefined) return {};
    return { reported: r.tasks.map((t) => ({ executionId: t.executionId, leaseToken: t.leaseToken, state: t.state })), reportedAt: r.at };
  }

  private onAck(n: number): void {
    const acked = this.outbox.ack(n);
    if (acked.length === 0) return;
    this.traceAck(n);
    this.released(acked);
  }
}
