/**
 * A small scripted coordinator for worker tests, speaking the real protocol
 * (codec, registration MAC, optional signatures, sessions with resume and
 * per-direction seqs) over MemoryTransport. Tests drive it: assign, abort,
 * hold acks, revoke on sync, drop links.
 */
import {
  CloseCode,
  coordinatorProof,
  decodeToCoordinator,
  encode,
  PROTOCOL_VERSION,
  registrationMac,
  RELIABLE_TYPES,
  sessionSigningKey,
  type AnyMessage,
  type Outgoing,
  type ToCoordinator,
  type ToWorker,
  type Welcome,
} from '../../../system/protocol/index.js';
import type { MemoryConnection, MemoryTransport } from './memory-transport.js';

export interface FakeCoordinatorOptions {
  secret?: string;
  signMessages?: boolean;
  heartbeatMs?: number;
  heartbeatTimeoutMs?: number;
  leaseMs?: number;
  /** The frame limit the welcome announces (default 1 MiB). */
  maxFrameBytes?: number;
  /**
   * An impostor: a server that does not know the worker's secret. It claims
   * to require auth (welcome.authRequired), accepts any register without
   * checking it, and sends `registered` with no proof ('omit') or a proof made
   * with this other secret.
   */
  impostor?: { proof: 'omit' } | { proof: 'wrong-secret'; secret: string };
}

interface Session {
  id: string;
  /** Highest worker seq received (and "committed"). */
  inSeq: number;
  outSeq: number;
}

export interface Received {
  conn: string;
  msg: ToCoordinator;
}

export class FakeCoordinator {
  readonly received: Received[] = [];
  readonly conns: MemoryConnection[] = [];
  readonly sessions = new Map<string, Session>();
  /** When false, reliable worker messages are not acknowledged. */
  autoAck = true;
  /** When false, received reliable messages are recorded but not committed (lastSeq does not advance). */
  commit = true;
  /** Answer `ping` with `pong` (false: a silent peer). */
  answerPings = true;
  /** Executions to revoke in the next sync_result. */
  revokeOnSync: string[] = [];
  /** Never answer register (a hung coordinator). */
  ignoreRegister = false;
  /** Forget sessions (a new coordinator process): registrations get a new session. */
  forgetSessions = false;
  private nonceN = 0;
  private sessionN = 0;
  private readonly state = new Map<MemoryConnection, { nonce: string; welcome?: Welcome; workerId?: string; key?: string }>();

  constructor(
    transport: MemoryTransport,
    private readonly opts: FakeCoordinatorOptions = {},
  ) {
    transport.onConnection = (c) => this.accept(c);
  }

  /** Every welcome sent, in order (tests recompute MACs from them). */
  get welcomes(): Welcome[] {
    return this.conns.map((c) => this.state.get(c)?.welcome).filter((w): w is Welcome => w !== undefined);
  }

  /** The connection of the latest registration. */
  get current(): MemoryConnection {
    const c = this.conns.at(-1);
    if (!c) throw new Error('no connection yet');
    return c;
  }

  of<T extends ToCoordinator['type']>(type: T): Extract<ToCoordinator, { type: T }>[] {
    return this.received.filter((r) => r.msg.type === type).map((r) => r.msg as Extract<ToCoordinator, { type: T }>);
  }

  /** Sends a message on the current connection, stamping v/seq/ack/sig. */
  send(msg: Outgoing<ToWorker>, conn: MemoryConnection = this.current): void {
    const st = this.state.get(conn);
    const session = st?.workerId ? this.sessions.get(st.workerId) : undefined;
    const full: Record<string, unknown> = { v: PROTOCOL_VERSION, ...msg };
    if (RELIABLE_TYPES.has(msg.type) && session) full.seq = ++session.outSeq;
    if (session) full.ack = session.inSeq;
    const key = msg.type === 'welcome' || msg.type === 'error' ? undefined : st?.key;
    conn.send(encode(full as AnyMessage, key));
  }

  assign(a: { executionId: string; kind: string; params: unknown; attempt?: number; leaseToken?: string; timeoutMs?: number; checkpoint?: { seq: number; state: unknown } }): void {
    this.send({
      type: 'assign',
      executionId: a.executionId,
      attempt: a.attempt ?? 1,
      leaseToken: a.leaseToken ?? `ls_${a.executionId}`,
      kind: a.kind,
      params: a.params as never,
      ...(a.timeoutMs === undefined ? {} : { timeoutMs: a.timeoutMs }),
      ...(a.checkpoint === undefined ? {} : { checkpoint: a.checkpoint as never }),
    });
  }

  /** Acks everything received so far on the current session. */
  ackAll(): void {
    this.send({ type: 'ack' });
  }

  private accept(conn: MemoryConnection): void {
    this.conns.push(conn);
    const nonce = `nonce-${String(++this.nonceN).padStart(16, '0')}`;
    this.state.set(conn, { nonce });
    conn.attach({ onMessage: (f) => this.onFrame(conn, f), onClose: () => {} });
    const welcome: Welcome = {
      v: PROTOCOL_VERSION,
      type: 'welcome',
      serverVersion: 'fake',
      protocolVersions: [PROTOCOL_VERSION],
      nonce,
      authRequired: this.opts.secret !== undefined || this.opts.impostor !== undefined,
      signMessages: this.opts.signMessages ?? false,
      heartbeatMs: this.opts.heartbeatMs ?? 1000,
      heartbeatTimeoutMs: this.opts.heartbeatTimeoutMs ?? 3000,
      maxFrameBytes: this.opts.maxFrameBytes ?? 1024 * 1024,
      compression: false,
    };
    this.state.set(conn, { nonce, welcome });
    this.send(welcome, conn);
  }

  private onFrame(conn: MemoryConnection, frame: string): void {
    const st = this.state.get(conn);
    if (!st) return;
    const d = decodeToCoordinator(frame, 1024 * 1024, st.key);
    if (!d.ok) {
      conn.close(d.closeCode, d.message);
      return;
    }
    const msg = d.msg;
    this.received.push({ conn: conn.id, msg });
    if (msg.type === 'register') return this.ignoreRegister ? undefined : this.onRegister(conn, msg);
    const session = st.workerId ? this.sessions.get(st.workerId) : undefined;
    if (!session) return;
    if (RELIABLE_TYPES.has(msg.type) && 'seq' in msg && msg.seq !== undefined) {
      if (this.commit && msg.seq > session.inSeq) session.inSeq = msg.seq;
      if (this.autoAck && this.commit) this.send({ type: 'ack' }, conn);
    }
    if (msg.type === 'ping' && this.answerPings) this.send({ type: 'pong', id: msg.id, t: msg.t }, conn);
    if (msg.type === 'sync') {
      const revoke = this.revokeOnSync.splice(0).map((executionId) => ({ executionId, reason: 'lease expired' }));
      const confirm = msg.tasks.map((t) => t.executionId).filter((id) => !revoke.some((r) => r.executionId === id));
      this.send({ type: 'sync_result', confirm, revoke }, conn);
    }
  }

  private onRegister(conn: MemoryConnection, msg: Extract<ToCoordinator, { type: 'register' }>): void {
    const st = this.state.get(conn);
    if (!st) return;
    const { secret } = this.opts;
    const welcome = st.welcome as Welcome;
    if (secret !== undefined && msg.auth?.mac !== registrationMac(secret, welcome, msg)) {
      this.send({ type: 'error', code: 'auth_failed', message: 'registration MAC is wrong' }, conn);
      conn.close(CloseCode.AuthFailed, 'authentication failed');
      return;
    }
    // A newer connection replaces the old one under the same id.
    for (const [c, s] of this.state) if (c !== conn && s.workerId === msg.workerId && c.open) c.close(CloseCode.Replaced, 'replaced');
    st.workerId = msg.workerId;
    if (secret !== undefined && this.opts.signMessages) st.key = sessionSigningKey(secret, st.nonce, msg.clientNonce);
    let session = this.forgetSessions ? undefined : this.sessions.get(msg.workerId);
    const resumed = session !== undefined && msg.resume?.sessionId === session.id;
    if (!resumed) {
      session = { id: `ss_${++this.sessionN}`, inSeq: 0, outSeq: 0 };
      this.sessions.set(msg.workerId, session);
    }
    this.forgetSessions = false;
    const binding = { workerId: msg.workerId, sessionId: session!.id, resumed, lastSeq: session!.inSeq, leaseMs: 10_000 };
    const imp = this.opts.impostor;
    const proofSecret = imp === undefined ? secret : imp.proof === 'wrong-secret' ? imp.secret : undefined;
    const proof = proofSecret === undefined ? undefined : coordinatorProof(proofSecret, welcome, msg.clientNonce, binding);
    this.send({ type: 'registered', ...binding, ...(proof === undefined ? {} : { proof }) }, conn);
  }
}

