/**
 * The coordinator's edge for one connection. States:
 *  - awaiting_register: welcome sent; only `register` is allowed (4405 otherwise),
 *    and it must come within registerTimeoutMs (4429 otherwise).
 *  - registered: bound to a worker entry and its session; worker messages flow to inbound.ts.
 *  - closed: closing or replaced; nothing more is acted on.
 * Every inbound frame is decoded (and, with signatures, verified) here; bad input gets an
 * `error` message and the DecodeError's close code. A handler that throws closes only this connection (4500).
 */
import type { TimerHandle } from '../core/clock.js';
import { asWorkerId, newNonce } from '../core/ids.js';
import type { Connection, ConnectionHandler } from '../core/transport.js';
import { CloseCode } from '../protocol/close-codes.js';
import { decodeToCoordinator, encode } from '../protocol/codec.js';
import { PROTOCOL_VERSION, SUPPORTED_VERSIONS, type Register, type ToCoordinator, type ToWorker, type Welcome } from '../protocol/messages.js';
import { refuseConnection } from './admission.js';
import { authenticate, authFailed, proveToWorker } from './auth.js';
import type { CoordinatorContext, LiveConnection } from './context.js';
import { warnLimited } from '../core/log-limiter.js';
import { ConnectionScope, handleWorkerMessage, type ScopeOwner } from './inbound.js';
import type { FrameSink } from './session.js';
import { dropSilent, LinkTiming } from './link-timing.js';
import { bindSession } from './bind-session.js';
import { takenHello } from './hello.js';
import { welcomeFor } from './welcome.js';

type State = 'awaiting_register' | 'registered' | 'closed';
/** Heartbeats between the coordinator's own pings on a busy link (RTT samples; idle fleets pay for them). */
const RTT_SAMPLE_EVERY = 4;

/** One connection's handler: edge validation, registration, then worker messages. */
export class CoordinatorConnection implements ConnectionHandler, LiveConnection, FrameSink, ScopeOwner {
  private state: State = 'awaiting_register';
  /** The welcome as sent: both handshake MACs cover its parameters. */
  private welcome: Welcome | undefined;
  private signKey: string | undefined;
  private registerTimer: TimerHandle | undefined;
  private lastReceivedMono: number;
  private lastPingMono: number;
  private lastRenewMono = Number.NEGATIVE_INFINITY;
  private pingId = 0;
  private scope: ConnectionScope | undefined;
  /** Counted in ctx.admission until registered or closed. */
  private admitted = false;
  private welcomeSentMono = 0;
  /** A 0-RTT registration's `registered` went out then (monotonic); the worker's first answer is the first RTT sample. */
  private firstAnswerDue: number | undefined;
  /** Right after register: a seq-less (early) sync may follow, once. */
  private earlySyncOpen = false;
  readonly timing: LinkTiming;

  constructor(
    private readonly ctx: CoordinatorContext,
    private readonly conn: Connection,
  ) {
    this.lastReceivedMono = ctx.clock.monotonic();
    this.lastPingMono = this.lastReceivedMono;
    this.timing = new LinkTiming(ctx, conn.id);
  }

  get timeoutMs(): number {
    return this.timing.timeoutMs;
  }

  get connectionId(): string {
    return this.conn.id;
  }

  get bufferedAmount(): number {
    return this.conn.bufferedAmount;
  }

  /** Sends welcome (or, beyond the admission limit, a retry-after refusal), starts the registration timer, attaches; `hello`: the upgrade's 0-RTT register (hello.ts), whose frames, when taken, follow the welcome as if received. */
  start(hello?: string): void {
    const c = this.ctx.config;
    const nonce = newNonce(this.ctx.random); // drawn before admission, as when it was a field: same random stream; kept only in the welcome
    if (!this.ctx.admission.admit()) {
      this.state = 'closed';
      refuseConnection(this.ctx, this.conn);
      this.conn.attach(this);
      return;
    }
    this.admitted = true;
    this.ctx.connections.set(this.conn.id, this);
    this.ctx.metrics.connections.inc();
    const early = takenHello(this.ctx, hello);
    this.welcome = welcomeFor(c, nonce, early !== undefined);
    // A 0-RTT register has no welcome → register round trip: NaN marks it, the first answer gives the sample.
    this.welcomeSentMono = early === undefined ? this.ctx.clock.monotonic() : Number.NaN;
    this.send(this.welcome);
    this.registerTimer = this.ctx.clock.setTimeout(() => {
      if (this.state === 'awaiting_register') {
        this.fail('register_timeout', `no register message within ${c.registerTimeoutMs} ms`, CloseCode.RegisterTimeout);
      }
    }, c.registerTimeoutMs);
    for (const frame of early ?? []) this.onMessage(frame);
    if (early !== undefined && this.state === 'registered') this.firstAnswerDue = this.ctx.clock.monotonic();
    this.conn.attach(this);
  }

  onMessage(frame: string): void {
    if (this.state === 'closed') return;
    this.lastReceivedMono = this.ctx.clock.monotonic();
    if (this.firstAnswerDue !== undefined) this.firstAnswered();
    try {
      const decoded = decodeToCoordinator(frame, this.ctx.config.maxFrameBytes, this.signKey);
      const bytes = Buffer.byteLength(frame, 'utf8');
      if (!decoded.ok) {
        this.ctx.marks.hit('coordinator.frame-rejected');
        this.ctx.metrics.countMessage('in', 'invalid', bytes);
        if (decoded.code === 'bad_signature') authFailed(this.ctx, this.conn.id, this.scope?.workerId ?? '', decoded.message, 'coordinator.signature-refused');
        this.fail(decoded.code, decoded.message, decoded.closeCode, decoded.path);
        return;
      }
      this.ctx.metrics.countMessage('in', decoded.msg.type, bytes);
      this.dispatch(decoded.msg);
    } catch (err) {
      this.ctx.logger.error({ err, connectionId: this.conn.id }, 'internal error handling a frame; closing this connection');
      this.fail('internal', `internal error: ${(err as Error).message}`, CloseCode.Internal);
    }
  }

  onClose(code: number, reason: string): void {
    const wasRegistered = this.state === 'registered';
    // Still admitted: between welcome and register, or a 0-RTT registration before the worker's first answer.
    if (this.state !== 'closed' && this.admitted) this.ctx.marks.hit('coordinator.handshake-closed-before-register');
    this.state = 'closed';
    this.registerTimer?.cancel();
    this.endAdmission(false);
    this.ctx.sendBacklog.closed(this);
    if (this.ctx.connections.get(this.conn.id) === this) {
      this.ctx.connections.delete(this.conn.id);
      this.ctx.metrics.connections.dec();
    }
    const workerId = this.scope?.workerId;
    if (workerId === undefined) return;
    const changed = this.ctx.registry.detach(workerId, this.conn.id, this.ctx.clock.now(), this.ctx.clock.monotonic());
    if (changed || wasRegistered) {
      this.ctx.emit({ type: 'worker_disconnected', workerId, connectionId: this.conn.id, code, reason });
    }
  }

  tick(mono: number, judgeSilence: boolean): void {
    // Before registration the register timer (4429) is the only deadline.
    if (this.state !== 'registered') return;
    const c = this.ctx.config;
    // Until a 0-RTT registration's first answer gives an RTT sample, the register timeout bounds the silence.
    const limit = this.firstAnswerDue === undefined ? this.timing.timeoutMs : Math.max(this.timing.timeoutMs, c.registerTimeoutMs);
    if (judgeSilence && mono - this.lastReceivedMono > limit) return dropSilent(this.ctx, this.conn, this.scope?.workerId, mono - this.lastReceivedMono);
    // Workers ping every heartbeat and we answer (both silence clocks fed); ours goes out on a quiet link or every RTT_SAMPLE_EVERY (RTT).
    const due = mono - this.lastPingMono;
    if (due >= c.heartbeatMs && (mono - this.lastReceivedMono >= c.heartbeatMs || due >= RTT_SAMPLE_EVERY * c.heartbeatMs)) {
      this.lastPingMono = mono;
      this.pingId += 1;
      this.scope?.session.sendUnreliable({ type: 'ping', id: this.pingId, t: mono });
    }
  }

  replaceBy(newConnectionId: string): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.sendError('replaced', `worker id re-registered on connection ${newConnectionId}; this connection is replaced`);
    this.conn.close(CloseCode.Replaced, 'replaced by a newer connection');
  }

  shutdown(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.conn.close(CloseCode.GoingAway, 'coordinator shutting down');
  }

  private dispatch(msg: ToCoordinator): void {
    if (this.state === 'awaiting_register') {
      if (msg.type !== 'register') {
        this.fail('unexpected_message', `"${msg.type}" is not allowed before register`, CloseCode.UnexpectedMessage, 'type');
        return;
      }
      this.register(msg);
      return;
    }
    const scope = this.scope;
    if (scope === undefined) return;
    if (msg.type === 'register') {
      this.fail('unexpected_message', 'already registered on this connection', CloseCode.UnexpectedMessage, 'type');
      return;
    }
    const early = this.earlySyncOpen;
    this.earlySyncOpen = false;
    if (msg.type === 'sync' && msg.seq === undefined && !early) {
      this.fail('unexpected_message', 'a sync without seq is allowed only right behind register (early sync)', CloseCode.UnexpectedMessage, 'seq');
      return;
    }
    const mono = this.ctx.clock.monotonic();
    const entry = this.ctx.registry.get(scope.workerId);
    if (entry !== undefined) entry.lastSeenAt = this.ctx.clock.now();
    if (mono - this.lastRenewMono >= this.ctx.config.heartbeatMs / 2) {
      this.lastRenewMono = mono;
      this.ctx.engine.renewLeases(scope.workerId);
    }
    handleWorkerMessage(scope, msg);
  }

  private register(msg: Register): void {
    this.registerTimer?.cancel();
    this.registerTimer = undefined;
    const c = this.ctx.config;
    if (!SUPPORTED_VERSIONS.includes(msg.protocolVersion)) {
      this.fail('unsupported_version', `protocolVersion ${msg.protocolVersion} is not supported; supported: ${SUPPORTED_VERSIONS.join(', ')}`, CloseCode.UnsupportedVersion, 'protocolVersion');
      return;
    }
    const welcome = this.welcome;
    if (welcome === undefined) return;
    const auth = authenticate(c.secret, welcome, msg);
    if (!auth.ok) {
      authFailed(this.ctx, this.conn.id, msg.workerId, auth.reason, 'coordinator.registration-refused');
      this.fail('auth_failed', auth.reason, CloseCode.AuthFailed, 'auth');
      return;
    }
    this.signKey = auth.signKey;
    const workerId = asWorkerId(msg.workerId);
    const now = this.ctx.clock.now();
    const mono = this.ctx.clock.monotonic();
    const { entry, session, resumable } = bindSession(this.ctx, this.conn.id, workerId, msg, now, mono);
    this.state = 'registered';
    // A 0-RTT registration (welcomeSentMono NaN) keeps its admission slot until the worker's first answer (firstAnswered).
    if (Number.isNaN(this.welcomeSentMono)) this.ctx.admission.registered(1);
    else {
      this.endAdmission(true);
      this.timing.measured(mono - this.welcomeSentMono, workerId);
    }
    this.earlySyncOpen = c.earlySync;
    this.scope = new ConnectionScope(this.ctx, workerId, session, this.conn.id, entry, this);
    session.attach(this);
    const binding = { workerId, sessionId: session.id, resumed: resumable, lastSeq: session.committed, leaseMs: c.leaseMs };
    const proof = proveToWorker(c.secret, welcome, msg.clientNonce, binding);
    this.welcome = undefined; // both MACs are done: nothing per connection keeps it
    session.sendUnreliable({ type: 'registered', ...binding, ...(proof === undefined ? {} : { proof }) });
    if (resumable && session.resend(msg.resume?.lastSeq ?? 0) > 0) this.ctx.marks.hit('coordinator.resume-resend');
    this.ctx.emit({ type: 'worker_registered', workerId, sessionId: session.id, resumed: resumable, connectionId: this.conn.id });
    this.ctx.logger.info({ workerId, sessionId: session.id, resumed: resumable, connectionId: this.conn.id, reconnects: entry.reconnects }, 'worker registered');
    this.lastRenewMono = mono;
    this.ctx.engine.renewLeases(workerId);
    this.ctx.wake();
  }

  /** The worker's first frame after a 0-RTT registration: registered → it is this link's first RTT sample, and the handshake's admission slot ends. */
  private firstAnswered(): void {
    this.endAdmission(false); // its registration fed the rate already
    const workerId = this.scope?.workerId;
    if (workerId !== undefined) this.timing.measured(this.lastReceivedMono - (this.firstAnswerDue ?? 0), workerId);
    this.firstAnswerDue = undefined;
  }

  failInternal(message: string): void {
    this.fail('internal', message, CloseCode.Internal);
  }

  sampleRtt(ms: number, workerId: string): void {
    this.timing.sample(ms, workerId);
  }

  private endAdmission(registered: boolean): void {
    if (!this.admitted) return;
    this.admitted = false;
    this.ctx.admission.done(registered);
  }

  /** Tells the peer what was wrong, closes with the given code, ignores everything after. */
  private fail(code: string, message: string, closeCode: number, path?: string): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.registerTimer?.cancel();
    this.endAdmission(false);
    this.ctx.metrics.protocolErrors.inc({ code });
    this.ctx.emit({ type: 'protocol_error', connectionId: this.conn.id, code, message, closeCode });
    warnLimited(this.ctx.rejectLog, this.ctx.logger, `protocol_error:${code}`, { connectionId: this.conn.id, workerId: this.scope?.workerId, code, closeCode, path }, message);
    this.sendError(code, message, path);
    this.conn.close(closeCode, message);
    // Detach at once (onClose is idempotent): the close event comes later, and a pass in between must not claim for this worker.
    this.onClose(closeCode, message);
  }

  private sendError(code: string, message: string, path?: string): void {
    const msg: ToWorker = path === undefined ? { v: PROTOCOL_VERSION, type: 'error', code, message } : { v: PROTOCOL_VERSION, type: 'error', code, message, path };
    const frame = encode(msg);
    this.ctx.metrics.countMessage('out', 'error', Buffer.byteLength(frame, 'utf8'));
    this.conn.send(frame);
    this.ctx.sendBacklog.sent(this);
  }

  /** FrameSink: the welcome and the session's frames go out on this connection (signed once the session signs). */
  send(msg: ToWorker): boolean {
    const frame = encode(msg, msg.type === 'welcome' ? undefined : this.signKey);
    this.ctx.metrics.countMessage('out', msg.type, Buffer.byteLength(frame, 'utf8'));
    const sent = this.conn.send(frame);
    this.ctx.sendBacklog.sent(this);
    return sent;
  }
}
