/**
 * A virtual WebSocket connection: two endpoints (each implements the
 * Connection seam for its process) joined by two pipes (pipe.ts), one per
 * direction. A pipe keeps its items in send order, asks its link what to do with each
 * (hold / deliver after a delay / abort) and delivers them with one timer for
 * the head of its in-flight queue, so frames due at the same instant are
 * delivered as a batch. Arrivals run inside the receiving process (queued
 * while it is paused, dropped if it died), like a kernel socket buffer.
 * What arrives is read through the production connection (ws-inbound.ts):
 * a frame before the process attaches its handler (a welcome in the same
 * batch as the upgrade response) is kept and replayed, a binary frame is
 * refused with 1003, as system/transport/ws-connection.ts does.
 */
import type { TimerHandle, Connection, ConnectionHandler } from '../../system/core/index.js';
import { TOO_BIG_CLOSE, trimCloseReason, wireCloseCode } from '../../system/transport/index.js';
import type { LinkDir } from './link.js';
import { Pipe } from './pipe.js';
import { TraceKind, type Trace } from './trace.js';
import type { BinaryDelivery, CloseDelivery, CorruptDelivery, HostLike, WireItem } from './types.js';
import type { VirtualTime } from './virtual-time.js';
import { Inbound } from './ws-inbound.js';

/** ws's default close handshake timeout: after it the closer gives up with 1006. */
const CLOSE_TIMEOUT_MS = 30_000;
const ABNORMAL = 1006;
/** The longest close reason ws lets into a close frame (RFC 6455 §5.5: 125-byte payload minus the code): ws's own limit, not the policy's. */
const MAX_CLOSE_REASON_BYTES = 123;

/** ws's check of a close code it is asked to send (ws/lib/validation.js isValidStatusCode): anything else throws. */
function wsAcceptsCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999);
}

/** What connections and pipes share: the virtual clock and the trace. */
export interface NetEnv {
  readonly time: VirtualTime;
  readonly trace: Trace;
  /** One-way latency of every frame, ms with a fraction (scenario `network.latencyMs`); undefined: frames take the next whole ms. */
  readonly latencyMs?: () => number | undefined;
  /** Told of each corrupted frame a live receiver is about to read (the history recorder, as a note). */
  readonly corrupted?: (c: CorruptDelivery) => void;
  /** Told of each data frame an endpoint hands to the network (the frame-size tally, frame-sizes.ts; the handshake nonces the runner records), as sent, before any fault or tamper. */
  readonly sent?: (from: string, to: string, text: string, bytes: number) => void;
  /** Told of each close frame a live process receives from its peer's close(), with what the peer asked for (the history recorder, as a note). */
  readonly closeDelivered?: (c: CloseDelivery) => void;
  /** Told of each binary frame a live process receives, with what its transport did about it (the history recorder, as a note). */
  readonly binaryDelivered?: (b: BinaryDelivery) => void;
}

/** Lifecycle of one endpoint. */
type EndpointState =
  /** Client side, waiting for the upgrade response. */
  | 'connecting'
  | 'open'
  /** close() called, waiting for the peer's close frame. */
  | 'closing'
  | 'closed';

/** One end of a virtual connection, as its process sees it. */
export class Endpoint implements Connection {
  /** How a close reason is trimmed for the wire: the production rule (a test seam: tests/sim/broken/set13-variants.ts plants a broken one). */
  static closeReason: (reason: string) => string = trimCloseReason;
  /** Which close code goes on the wire for the one asked: the production rule, system/transport/wire-policy.ts (a test seam: tests/sim/broken-wire15.test.ts plants a broken one). */
  static closeCode: (code: number) => number = wireCloseCode;
  state: EndpointState;
  out!: Pipe;
  /** Client side: called when the upgrade response arrives (connect resolves). */
  onOpen: (() => void) | null = null;
  /** Frames and the close, read through the production connection (ws-inbound.ts). */
  private readonly inbound: Inbound;
  /** The code this end last asked close() for (what a binary frame's handling asked, see receive()). */
  private askedClose: number | null = null;
  private notified = false;
  /** Client side: when the upgrade response arrived (virtual ms since the start). */
  private openedAt: number | null = null;

  /** The process was told of this endpoint's close (or died with it): its handler no longer counts it as open. */
  get closeNotified(): boolean {
    return this.notified;
  }
  private closeTimer: TimerHandle | null = null;

  constructor(
    readonly id: string,
    readonly remoteAddress: string,
    readonly host: HostLike,
    readonly incarnation: number,
    private readonly maxPayloadBytes: number,
    private readonly env: NetEnv,
    private readonly conn: VirtualConnection,
    initial: EndpointState,
  ) {
    this.state = initial;
    this.inbound = new Inbound(id, remoteAddress, this);
  }

  get bufferedAmount(): number {
    return this.out.bufferedBytes;
  }

  /** The other end of this connection (an on-path attacker writes into this end's inbound stream through it). */
  get peer(): Endpoint {
    return this.conn.client === this ? this.conn.server : this.conn.client;
  }

  send(frame: string): boolean {
    if (this.state !== 'open') return false;
    const bytes = Buffer.byteLength(frame);
    this.env.sent?.(this.host.name, this.peer.host.name, frame, bytes);
    this.out.push({ kind: 'data', text: frame, bytes });
    return true;
  }

  /** Sends `text` as a binary frame (not on the Connection seam: no squall process sends one; adversaries do). */
  sendBinary(text: string): void {
    if (this.state === 'open') this.out.push({ kind: 'data', text, bytes: Buffer.byteLength(text), binary: true });
  }

  close(code: number, reason: string): void {
    if (this.state === 'closing' || this.state === 'closed') return;
    // As the production transport: code and reason by its wire policy, then ws's own checks, which throw.
    const wireCode = Endpoint.closeCode(code);
    const wire = Endpoint.closeReason(reason);
    if (!wsAcceptsCloseCode(wireCode)) throw new TypeError('First argument must be a valid error code number');
    if (Buffer.byteLength(wire, 'utf8') > MAX_CLOSE_REASON_BYTES) throw new RangeError('The message must not be greater than 123 bytes');
    this.state = 'closing';
    this.askedClose = code;
    this.out.push({ kind: 'close', code: wireCode, reason: wire, bytes: 2 + Buffer.byteLength(wire), asked: { code, reason } });
    this.closeTimer = this.env.time.setTimeout(() => {
      this.closeTimer = null;
      if (this.state !== 'closing') return;
      this.finishLocally();
    }, CLOSE_TIMEOUT_MS);
  }

  terminate(): void {
    if (this.state === 'closed') return;
    this.finishLocally();
  }

  attach(handler: ConnectionHandler): void {
    this.inbound.attach(handler);
  }

  /** An item arrived from the peer (runs inside this endpoint's process). */
  receive(item: WireItem): void {
    if (this.state === 'closed') return;
    switch (item.kind) {
      case 'open': {
        if (this.state !== 'connecting') return;
        this.state = 'open';
        this.openedAt = this.env.time.elapsed();
        const onOpen = this.onOpen;
        this.onOpen = null;
        onOpen?.();
        return;
      }
      case 'data': {
        if (item.bytes > this.maxPayloadBytes) {
          this.close(TOO_BIG_CLOSE.code, TOO_BIG_CLOSE.reason);
          return;
        }
        if (item.binary === true) this.receiveBinary(item.text);
        else this.inbound.frame(item.text, false);
        return;
      }
      case 'close': {
        const wasClosing = this.state === 'closing';
        this.state = 'closed';
        this.closeTimer?.cancel();
        if (!wasClosing) this.out.push({ kind: 'close', code: item.code, reason: item.reason, bytes: item.bytes });
        if (item.asked !== undefined) this.env.closeDelivered?.({ connection: this.id, from: this.peer.host.name, to: this.host.name, incarnation: this.incarnation, asked: item.asked, code: item.code, reason: item.reason, unattended: this.unattended() });
        this.notify(item.code, item.reason);
        return;
      }
      case 'fin':
        this.state = 'closed';
        this.closeTimer?.cancel();
        this.out.discardUnsent();
        this.notify(ABNORMAL, '');
        return;
    }
  }

  /**
   * The process died: the socket vanishes; the peer sees a FIN when the link
   * lets it through, `finDelayMs` later than that when the FIN was held up
   * (retransmitted), so a new connection of the restarted process can reach
   * the peer before the old one's close does.
   */
  vanish(finDelayMs = 0): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.notified = true;
    this.closeTimer?.cancel();
    this.out.discardUnsent();
    const fin: WireItem = { kind: 'fin', bytes: 0 };
    if (finDelayMs > 0) {
      this.env.trace.record(TraceKind.Fault, 'late_fin', this.out.id, finDelayMs);
      this.env.time.setTimeout(() => this.out.push(fin), finDelayMs);
    } else this.out.push(fin);
    this.conn.maybeRetire();
  }

  /** The network dropped the connection under us (proxy reset, link down, limit_data). */
  dropByNetwork(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.closeTimer?.cancel();
    if (this.onOpen !== null) {
      this.onOpen = null;
      this.conn.failOpen?.();
      return;
    }
    this.host.deliver(this.incarnation, () => this.notify(ABNORMAL, ''));
  }

  /** A binary frame, read as production reads it; what the connection did is told to the recorder. */
  private receiveBinary(text: string): void {
    const open = this.state === 'open';
    const handed = this.inbound.handed;
    this.askedClose = null;
    this.inbound.frame(text, true);
    this.env.binaryDelivered?.({ connection: this.id, from: this.peer.host.name, to: this.host.name, incarnation: this.incarnation, open, closedWith: this.askedClose, handed: this.inbound.handed > handed });
  }

  /** A client end its process never took up (no handler) since an earlier instant than now: its connect was given up on, yet the socket stayed. */
  unattended(): boolean {
    return !this.inbound.attached && this.openedAt !== null && this.openedAt < this.env.time.elapsed();
  }

  /** Ends this side now (terminate, close timeout): 1006 locally, FIN to the peer. */
  private finishLocally(): void {
    this.state = 'closed';
    this.closeTimer?.cancel();
    this.out.discardUnsent();
    this.out.push({ kind: 'fin', bytes: 0 });
    // ws emits 'close' asynchronously after destroying the socket.
    this.env.time.setTimeout(() => this.host.deliver(this.incarnation, () => this.notify(ABNORMAL, '')), 0);
    this.conn.maybeRetire();
  }

  private notify(code: number, reason: string): void {
    if (this.notified) return;
    this.notified = true;
    this.inbound.close(code, reason);
    this.conn.maybeRetire();
  }
}

/** Both ends and both directions of one connection. */
export class VirtualConnection {
  readonly client: Endpoint;
  readonly server: Endpoint;
  /** Set by the connecting side: the network killed the connection before it opened. */
  failOpen: (() => void) | null = null;
  private retired = false;

  constructor(
    readonly id: string,
    private readonly env: NetEnv,
    opts: {
      clientHost: HostLike;
      serverHost: HostLike;
      serverAddress: string;
      up: LinkDir;
      down: LinkDir;
      clientMaxPayload: number;
      serverMaxPayload: number;
    },
  ) {
    const { clientHost, serverHost } = opts;
    this.client = new Endpoint(id, opts.serverAddress, clientHost, clientHost.incarnation, opts.clientMaxPayload, env, this, 'connecting');
    this.server = new Endpoint(id, clientHost.name, serverHost, serverHost.incarnation, opts.serverMaxPayload, env, this, 'open');
    this.client.out = new Pipe(`${id}:${clientHost.name}>${serverHost.name}`, env, opts.up, this.server, this);
    this.server.out = new Pipe(`${id}:${serverHost.name}>${clientHost.name}`, env, opts.down, this.client, this);
  }

  /** The proxy/link kills the connection: both ends see 1006 at once, nothing in flight arrives. */
  abort(why: string): void {
    if (this.retired) return;
    this.client.out.retire();
    this.server.out.retire();
    this.client.dropByNetwork();
    this.server.dropByNetwork();
    this.retired = true;
    this.env.trace.record(TraceKind.Fault, 'abort', this.id, why);
  }

  /** Frees the pipes once both ends are closed. */
  maybeRetire(): void {
    if (this.retired || this.client.state !== 'closed' || this.server.state !== 'closed') return;
    this.retired = true;
    this.client.out.retire();
    this.server.out.retire();
  }
}
