/**
 * The middle layer of Worker (worker.ts): the handshake. welcome → register
 * (with early sync), the coordinator's proof in registered, session resume
 * or renumbering, and the heartbeat started on registration.
 */
import { assert } from '../core/errors.js';
import { type HeartbeatTimeoutPolicy, type PingRef, type RttEstimator, rttSampleFields } from '../core/rtt.js';
import { shareEqual } from '../core/share-equal.js';
import type { Connection, ConnectionHandler } from '../core/transport.js';
import { CloseCode } from '../protocol/close-codes.js';
import { type HeldTask, PROTOCOL_VERSION, type ToWorker, type Welcome } from '../protocol/messages.js';
import { encodeHello } from '../protocol/hello.js';
import { checkCoordinatorProof, type RegisterInput, registerBody, registerMessage } from './handshake.js';
import { Heartbeat, type HeartbeatHooks } from './heartbeat.js';
import { type SentMessage } from './outbox.js';
import { type Handshake, round3 } from './worker-types.js';
import { WorkerLink } from './worker-link.js';

/** The handshake on top of WorkerLink; extended by Worker. */
export abstract class WorkerSession extends WorkerLink {
  /** The current connection's hooks (made at open; its heartbeat reports through them too). */
  private link: InstanceType<typeof WorkerSession.Hooks> | undefined;
  /** The last ceiling/floor pair warned about (heartbeat_ceiling_raised), so a reconnect does not repeat it. */
  private ceilingWarned = '';

  /**
   * One object per connection: its frames and close (ConnectionHandler) and
   * its heartbeat's outlets (HeartbeatHooks), all stamped with the
   * connection's generation, instead of six closures and their contexts.
   */
  private static readonly Hooks = class implements ConnectionHandler, HeartbeatHooks {
    constructor(
      private readonly w: WorkerSession,
      private readonly gen: number,
      readonly connectionId: string,
    ) {}
    onMessage(frame: string): void {
      this.w.onFrame(this.gen, frame);
    }
    onClose(code: number, reason: string): void {
      this.w.onClose(this.gen, code, reason);
    }
    sendPing(id: number, t: number): void {
      this.w.channel.enqueue({ type: 'ping', id, t });
    }
    lateMs(intervalMs: number): number {
      return this.w.buggify.extraMs('worker.late-heartbeat', intervalMs / 5);
    }
    onAdapt(rtt: RttEstimator, timeoutMs: number): void {
      this.w.emit({ type: 'heartbeat_adapted', ...this.w.base(), side: 'worker', connectionId: this.connectionId, srttMs: round3(rtt.srttMs ?? 0), rttvarMs: round3(rtt.rttvarMs), timeoutMs });
    }
    onSampled(ms: number, rtt: RttEstimator, timeoutMs: number, ping?: PingRef): void {
      // Object.assign, not `{ ...base, ...fields }`: V8 (Node 20) builds a literal that starts with one spread and goes on with another ~40x slower.
      if (this.w.deps.traceRtt === true) this.w.emit(Object.assign(this.w.base(), rttSampleFields('worker', this.w.config.id, this.connectionId, ms, rtt, timeoutMs, ping)));
    }
    onTimeout(silentMs: number): void {
      const { w, connectionId } = this;
      w.log.warn({ silentMs, connectionId }, 'nothing received within the heartbeat timeout; dropping the link');
      w.marks.hit('worker.heartbeat-timeout');
      w.emit({ type: 'heartbeat_timeout', ...w.base(), side: 'worker', connectionId, silentForMs: silentMs });
      w.lost(this.gen, CloseCode.HeartbeatTimeout, `heartbeat timeout after ${Math.round(silentMs)} ms of silence`, true);
    }
  };

  protected connectionHooks(gen: number, conn: Connection): ConnectionHandler {
    this.link = new WorkerSession.Hooks(this, gen, conn.id);
    return this.link;
  }

  protected onWelcome(gen: number, msg: Welcome): void {
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
    const hs = this.hs;
    assert(hs, 'a welcome is handled only while handshaking (a connection attempt is under way)');
    hs.welcome = msg;
    if (hs.hello !== undefined && msg.helloAccepted === true) {
      // The coordinator took the register the upgrade request carried: `registered` (and the sync's answer) follow.
      hs.hello.accepted = true;
      hs.earlySynced = hs.hello.earlySync && msg.earlySync === true;
      this.marks.hit('worker.hello-accepted');
      return;
    }
    hs.clientNonce = Buffer.from(this.nonceRandom.bytes(16)).toString('hex');
    const reg = registerMessage({ secret, welcome: msg, ...this.registerFields(hs.clientNonce) });
    if (reg.signKey !== undefined) {
      this.verifyKey = reg.signKey;
      this.channel.setSignKey(reg.signKey);
    }
    hs.registerSentMono = this.deps.clock.monotonic();
    this.channel.sendNow(reg.msg);
    // Early sync: with nothing to re-send (which must precede the report), the held-task report goes
    // right behind register and the coordinator answers both at once: no extra round trip.
    // It tells nothing the worker acts on; sync_result is obeyed only after the proof in `registered`.
    if (msg.earlySync === true && this.outbox.unackedCount === 0) {
      hs.earlySynced = true;
      this.channel.sendNow({ type: 'sync', tasks: this.reportHeld() });
    }
  }

  /** What a register says besides the MAC: identity, this connection's nonce, kinds, concurrency, the session to resume. */
  private registerFields(clientNonce: string): Omit<RegisterInput, 'secret' | 'welcome'> {
    const kinds = this.runner.advertisedKinds().slice(0, 100);
    const resume = this.sessionId === undefined ? undefined : { sessionId: this.sessionId, lastSeq: this.channel.inSeq };
    return { workerId: this.config.id, clientNonce, kinds, concurrency: this.config.concurrency, resume };
  }

  /**
   * The 0-RTT register (protocol/hello.ts): without a secret, register (and the
   * early sync, when nothing waits to be re-sent before it) ride in the upgrade
   * request. The sync is dropped if both do not fit, the whole hello if the
   * register alone does not (then it registers after the welcome, as always).
   * With a secret the register's MAC needs the welcome's nonce: no hello.
   */
  protected helloFor(hs: Handshake): string | undefined {
    if (!this.config.zeroRtt || this.config.secret !== undefined) return undefined;
    hs.clientNonce = Buffer.from(this.nonceRandom.bytes(16)).toString('hex');
    const register = this.channel.frameOf(registerBody(this.registerFields(hs.clientNonce)));
    const early = this.outbox.unackedCount === 0 ? encodeHello([register, this.channel.frameOf({ type: 'sync', tasks: this.reportHeld() })]) : undefined;
    const hello = early ?? encodeHello([register]);
    if (hello === undefined) return undefined;
    hs.hello = { earlySync: early !== undefined, accepted: false };
    hs.registerSentMono = this.deps.clock.monotonic(); // the register leaves now (re-stamped if it goes as a frame after all)
    return hello;
  }

  /**
   * The coordinator did not prove it knows the secret: act on nothing it
   * sent, tell it, close 4403 and retry with backoff (the real coordinator
   * may come back to this address).
   */
  private refuseCoordinator(gen: number, why: string): void {
    const message = `coordinator authentication failed: ${why}`;
    this.marks.hit('worker.impostor-rejected');
    this.log.error({ code: CloseCode.CoordinatorAuthFailed, url: this.config.coordinatorUrl }, `${message}; not acting on anything it sent, retrying with backoff`);
    this.channel.sendNow({ type: 'error', code: 'coordinator_auth_failed', message });
    this.channel.connection?.close(CloseCode.CoordinatorAuthFailed, message.slice(0, 120));
    this.lost(gen, CloseCode.CoordinatorAuthFailed, message);
  }

  protected onRegistered(gen: number, msg: Extract<ToWorker, { type: 'registered' }>): void {
    const { clock } = this.deps;
    const hs = this.hs;
    const welcome = hs?.welcome;
    if (hs === undefined || welcome === undefined) return this.refuseCoordinator(gen, 'no welcome');
    const refused = checkCoordinatorProof(this.config.secret, welcome, hs.clientNonce, msg);
    if (refused !== undefined) return this.refuseCoordinator(gen, refused);
    // Proven: what we send must also fit the frame limit its welcome announced (the proof covers the welcome).
    this.runner.maxFrameBytes = Math.min(this.config.maxFrameBytes, welcome.maxFrameBytes);
    hs.timer?.cancel();
    const resend = this.toResend(msg);
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
    this.handshakeTimeouts = 0;
    this.prevDelay = undefined;
    this.connectedSince = clock.now();
    this.log.info({ sessionId: msg.sessionId, resumed: msg.resumed, afterMs, resend: resend.length }, 'registered');
    this.emit({ type: 'connected', ...this.base(), sessionId: msg.sessionId, resumed: msg.resumed, afterMs, ...(hs.hello?.accepted === true ? { zeroRtt: true as const } : {}) });
    // Order on the wire: what the coordinator has not acknowledged (original order), then the
    // held-task report, then (once synced) everything queued meanwhile, by priority.
    for (const s of resend) {
      this.traceMsg('msg_sent', 'to_coordinator', s.msg, s.seq, true, msg.resumed ? msg.lastSeq : undefined);
      this.channel.sendNow(s.msg, s.seq);
    }
    if (hs.earlySynced) this.marks.hit('worker.early-sync');
    else this.outbox.enqueue({ type: 'sync', tasks: this.reportHeld() });
    this.sm.transition('syncing');
    this.startHeartbeat(msg.leaseMs, welcome);
    // First RTT sample: register → registered, or with a 0-RTT register connect → registered (TCP and
    // upgrade included: high rather than low, which only widens the first timeout; pongs refine it).
    this.heartbeat?.measured(clock.monotonic() - hs.registerSentMono);
    // Both MACs are checked and the heartbeat has its parameters: nothing of the handshake is needed any more.
    this.hs = undefined;
  }

  /** What goes out again in this session: the unacknowledged tail of a resumed one, or the whole outbox renumbered. */
  private toResend(msg: Extract<ToWorker, { type: 'registered' }>): SentMessage[] {
    if (msg.resumed) {
      const r = this.outbox.resume(msg.lastSeq);
      if (r.acked.length > 0) this.traceAck(msg.lastSeq, msg.sessionId);
      this.released(r.acked);
      return r.resend;
    }
    this.channel.inSeq = 0;
    const resend = this.outbox.renumber();
    // A new session (a coordinator restart, an expired session) knows nothing of a drain an older one
    // acknowledged: without telling it again, it keeps assigning to a worker that is going away.
    const told = resend.some((s) => s.msg.type === 'drain') || this.outbox.queued().some((m) => m.type === 'drain');
    if (this.draining !== undefined && !told) this.channel.enqueue({ type: 'drain' });
    return resend;
  }

  /** The held-task report for a sync, remembered for the `synced` event that answers it. */
  private reportHeld(): HeldTask[] {
    const tasks = this.runner.held();
    this.heldReport = { at: this.deps.clock.now(), tasks };
    return tasks;
  }

  /**
   * A ceiling configured below the floor in force (the coordinator's timeout,
   * known only from its welcome) cannot hold: the floor wins, and the worker
   * says so, in an event on every connection and a warning once per pair.
   */
  private ceilingRaised(connectionId: string, configuredMaxMs: number, floorMs: number, ceilingMs: number): void {
    const key = `${configuredMaxMs}<${floorMs}`;
    if (this.ceilingWarned !== key) {
      this.ceilingWarned = key;
      this.log.warn(
        { configuredMaxMs, floorMs, ceilingMs },
        `--heartbeat-timeout-max-ms (heartbeatTimeoutMaxMs ${configuredMaxMs}) is below the coordinator's heartbeat timeout (${floorMs} ms): the adaptive ceiling is raised to ${ceilingMs} ms; give at least ${floorMs}`,
      );
    }
    this.emit({ type: 'heartbeat_ceiling_raised', ...this.base(), side: 'worker', connectionId, configuredMaxMs, floorMs, ceilingMs });
  }

  private startHeartbeat(leaseMs: number, w: Welcome): void {
    const { heartbeatMs, adaptiveHeartbeat: adaptive, heartbeatTimeoutMaxMs, rttFactor: factor } = this.config;
    const intervalMs = Math.min(heartbeatMs, w.heartbeatMs);
    const minMs = this.config.heartbeatTimeoutMs ?? w.heartbeatTimeoutMs;
    assert(this.link, 'a registered connection has its hooks (made at open)');
    // Below the lease, like the coordinator's: past it the held leases are gone anyway.
    const maxMs = Math.max(minMs, Math.min(heartbeatTimeoutMaxMs, leaseMs - intervalMs));
    if (adaptive && heartbeatTimeoutMaxMs < minMs) this.ceilingRaised(this.link.connectionId, heartbeatTimeoutMaxMs, minMs, maxMs);
    const policy = sharedPolicy({ adaptive, intervalMs, minMs, maxMs, factor });
    this.heartbeat = new Heartbeat(this.deps.clock, policy, this.link);
    this.heartbeat.start();
  }
}

/** Connections (of this and other workers in the process) with the same heartbeat settings share one policy object. */
const sharedPolicy = shareEqual<HeartbeatTimeoutPolicy>();
