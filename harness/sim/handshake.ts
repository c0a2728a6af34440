/**
 * One connect() of the virtual network in flight: the SYN crosses the
 * client→server link (held, lost, refused or blackholed as the links say),
 * the server's listener accepts, and the upgrade response opens the client's
 * end. It settles once: open, refused, reset, handshake timeout or abort.
 */
import { type Connection, type ConnectOptions, SquallError } from '../../system/core/index.js';
import { decodeHello, helloOfHeaders } from '../../system/protocol/index.js';
import { type AttemptCarrier, type ConnectAttempt, watchConnect, wsClientOptions } from '../../system/transport/index.js';
import { VirtualConnection } from './connection.js';
import { serverNameOf } from './tls-name.js';
import type { Host } from './host.js';
import { type LinkDir, LinkState } from './link.js';
import { TraceKind, type Trace } from './trace.js';
import type { BinaryDelivery, CloseDelivery, ConnectionOpened, ConnectTls, CorruptDelivery } from './types.js';
import type { VirtualTime } from './virtual-time.js';
import { type ProxyRoute, type UpgradeTarget, upgradeTarget } from './upgrade-route.js';

/** What a handshake borrows from the network that runs it (network.ts). */
export interface Dialer {
  readonly time: VirtualTime;
  readonly trace: Trace;
  /** The host with this name, if it exists (never created by a connect). */
  existingHost(name: string): Host | undefined;
  link(from: string, to: string): LinkDir;
  /** A fresh connection id (c1, c2, …). */
  nextConnectionId(): string;
  /** The links' fractional one-way latency, if the scenario sets one (NetEnv.latencyMs). */
  latencyMs(): number | undefined;
  /** Told of corrupted frames a live receiver reads (see NetEnv.corrupted). */
  corrupted(c: CorruptDelivery): void;
  /** Told of each data frame sent (see NetEnv.sent); `inUpgrade`: carried in the upgrade request (the 0-RTT register). */
  sent(from: string, to: string, text: string, bytes: number, inUpgrade?: true): void;
  /** Told of each close frame a live process receives (see NetEnv.closeDelivered). */
  closeDelivered(c: CloseDelivery): void;
  /** Told of each connection the server accepted, with the client process that holds its other end. */
  opened(c: ConnectionOpened): void;
  /** Told of each binary frame a live process receives (see NetEnv.binaryDelivered). */
  binaryDelivered(b: BinaryDelivery): void;
  /** Told of the TLS trust of each attempt given a CA or any trust option (see tlsOf). */
  connectTls(t: ConnectTls): void;
  /** The reverse proxy on a host's port, if one was set up (upgrade-route.ts). */
  proxyRoute(host: string, port: number): ProxyRoute | undefined;
}

/** Where the client dials and the promise to settle. */
interface Dial {
  client: Host;
  incarnation: number;
  url: string;
  parsed: URL;
  opts: ConnectOptions;
  resolve: (c: Connection) => void;
  reject: (err: unknown) => void;
}

/** Runs one handshake; the promise settles as the handshake does (see the file comment). */
export function handshake(net: Dialer, client: Host, incarnation: number, url: string, parsed: URL, opts: ConnectOptions): Promise<Connection> {
  return new Promise<Connection>((resolve, reject) => {
    new Handshake(net, { client, incarnation, url, parsed, opts, resolve, reject }).start();
  });
}

/** The bookkeeping every attempt runs: the production one, system/transport/connect-attempt.ts (a test seam: tests/sim/broken/wire15-variants.ts plants a broken one). */
export const attemptSeam: { watch: typeof watchConnect } = { watch: watchConnect };

/** The options a connect gives ws: the production builder, system/transport/ws-client.ts (a test seam: tests/sim/broken/wire17-variants.ts plants a broken one). */
export const tlsSeam: { options: typeof wsClientOptions } = { options: wsClientOptions };

/** The trust the production transport would grant this attempt; undefined when it neither got a CA nor sets any trust option (the system roots, verified). */
function tlsOf(d: Dial): ConnectTls | undefined {
  const o = tlsSeam.options(d.url, d.opts, () => {});
  const caGiven = d.opts.ca !== undefined;
  if (!caGiven && o.ca === undefined && o.rejectUnauthorized === undefined && o.checkServerIdentity === undefined) return undefined;
  return { client: d.client.name, incarnation: d.incarnation, url: d.url, caGiven, caKept: o.ca === d.opts.ca, rejectUnauthorized: o.rejectUnauthorized ?? null, identityCheckReplaced: o.checkServerIdentity !== undefined, serverName: serverNameOf(d.url, o) };
}

/**
 * A connect failure of the simulated network, built without a stack trace:
 * a herd that loses the network retries thousands of times per run (issue 14:
 * one ECONNREFUSED per attempt, ~10 µs each to capture the stack through the
 * async chain), and the stack would name only the simulator's own frames.
 * Code and message are what the production transport's error says.
 */
function netError(code: 'unavailable' | 'timeout', message: string): SquallError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new SquallError(code, message);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

class Handshake {
  /** The production connect bookkeeping (system/transport/connect-attempt.ts): settles once, ends a failed attempt. */
  private readonly attempt: ConnectAttempt;
  /** The attempt failed and ended its socket: a connection that opens later is dropped at once (ws.terminate()). */
  private abandoned = false;
  private conn: VirtualConnection | undefined;
  private server!: Host;
  private up!: LinkDir;
  private down!: LinkDir;
  private readonly serverName: string;
  private readonly port: number;

  constructor(
    private readonly net: Dialer,
    private readonly d: Dial,
  ) {
    this.serverName = d.parsed.hostname;
    this.port = Number(d.parsed.port === '' ? 80 : d.parsed.port);
    const carrier: AttemptCarrier = {
      arm: (ms, onTimeout) => {
        const timer = d.client.clock.setTimeout(onTimeout, ms);
        return () => timer.cancel();
      },
      detach: () => {},
      end: () => (this.abandoned = true),
    };
    const errors = { timeout: () => netError('timeout', `connect ${d.url}: no handshake within ${d.opts.handshakeTimeoutMs} ms`), aborted: () => d.opts.signal?.reason };
    this.attempt = attemptSeam.watch(d.opts, carrier, errors, (failure) => (failure === undefined ? d.resolve((this.conn as VirtualConnection).client) : d.reject(failure.err)));
  }

  start(): void {
    const tls = tlsOf(this.d);
    if (tls !== undefined) this.net.connectTls(tls);
    const signal = this.d.opts.signal;
    if (signal?.aborted === true) {
      this.attempt.failed(signal.reason);
      return;
    }
    const server = this.net.existingHost(this.serverName);
    if (server === undefined) {
      this.fail(netError('unavailable', `connect ${this.d.url}: unknown host ${this.serverName} (ENOTFOUND)`), 0);
      return;
    }
    this.server = server;
    this.up = this.net.link(this.d.client.name, this.serverName);
    this.down = this.net.link(this.serverName, this.d.client.name);
    this.syn();
  }

  private fail(err: Error, afterMs: number): void {
    const { client, incarnation, url } = this.d;
    this.net.trace.record(TraceKind.Refused, client.name, url, err.message);
    this.net.time.setTimeout(() => client.deliver(incarnation, () => this.attempt.failed(err)), afterMs);
  }

  private refused(): Error {
    return netError('unavailable', `connect ${this.d.url}: connection refused (ECONNREFUSED)`);
  }

  /** The SYN tries to cross the client→server link. */
  private syn(): void {
    const { up, down } = this;
    if (this.attempt.settled || !this.d.client.isAlive(this.d.incarnation)) return;
    if (up.isDown() || down.isDown()) return this.fail(this.refused(), 0);
    if (up.state === LinkState.Hold) return up.waitForRelease(() => this.syn());
    if (up.state === LinkState.Partition) return; // SYN lost: the client times out
    const hole = up.blackhole() ?? down.blackhole();
    if (hole !== null) {
      if (hole.type === 'timeout' && hole.timeout > 0) this.fail(netError('unavailable', `connect ${this.d.url}: closed before open (1006)`), hole.timeout);
      return;
    }
    this.net.time.setTimeout(() => this.arrive(), up.handshakeDelay());
  }

  /** The SYN reached the server host: refused without a listener, 404 at a path it does not serve, else handed to the server process. */
  private arrive(): void {
    if (this.attempt.settled || !this.d.client.isAlive(this.d.incarnation)) return;
    const target = this.target();
    if (target === null) {
      if (this.down.state === LinkState.Healthy) this.fail(this.refused(), this.down.handshakeDelay());
      return;
    }
    if ('status' in target) {
      const err = netError('unavailable', `connect to ${this.d.url} failed: server answered HTTP ${target.status} instead of upgrading`);
      if (this.down.state === LinkState.Healthy) this.fail(err, this.down.handshakeDelay());
      return;
    }
    this.server.deliver(target.listener.incarnation, () => this.accept());
  }

  /** Where this upgrade lands by port and path (upgrade-route.ts). */
  private target(): UpgradeTarget {
    const { parsed } = this.d;
    return upgradeTarget((p) => this.server.listenerAt(p), this.net.proxyRoute(this.serverName, this.port), this.port, parsed.pathname, parsed.search);
  }

  /** The server process accepts: both ends exist, the upgrade response starts back to the client. */
  private accept(): void {
    const { client, incarnation, url, opts } = this.d;
    const { server, port } = this;
    const target = this.target();
    if (target === null || 'status' in target || !client.isAlive(incarnation)) return;
    const { listener } = target;
    const id = this.net.nextConnectionId();
    const net = this.net;
    const env = { time: net.time, trace: net.trace, latencyMs: () => net.latencyMs(), corrupted: (c: CorruptDelivery) => net.corrupted(c), sent: (f: string, t: string, x: string, b: number) => net.sent(f, t, x, b), closeDelivered: (c: CloseDelivery) => net.closeDelivered(c), binaryDelivered: (b: BinaryDelivery) => net.binaryDelivered(b) };
    const conn = new VirtualConnection(id, env, {
      clientHost: client,
      serverHost: server,
      serverAddress: `${this.serverName}:${port}`,
      up: this.up,
      down: this.down,
      clientMaxPayload: opts.maxPayloadBytes,
      serverMaxPayload: listener.opts.maxPayloadBytes,
    });
    this.conn = conn;
    conn.client.onOpen = () => {
      if (this.abandoned) conn.client.vanish();
      else this.attempt.opened();
    };
    conn.failOpen = () => client.deliver(incarnation, () => this.attempt.failed(netError('unavailable', `connect ${url}: reset during handshake (1006)`)));
    client.adopt(conn.client);
    server.adopt(conn.server);
    listener.accepted.add(conn.server);
    if (listener.accepted.size % 64 === 0) for (const ep of listener.accepted) if (ep.state === 'closed') listener.accepted.delete(ep);
    this.net.trace.record(TraceKind.Connect, id, client.name, url);
    this.net.opened({ connection: id, client: client.name, incarnation, server: this.serverName });
    conn.server.out.push({ kind: 'open', bytes: 0 });
    // The upgrade request's headers as the production client builds them: the 0-RTT register rides there.
    const hello = helloOfHeaders(tlsSeam.options(url, opts, () => {}).headers);
    // Its frames crossed with the upgrade: told as sent (the handshake notes, the coordinator's byte counters' bands).
    for (const f of decodeHello(hello) ?? []) net.sent(client.name, this.serverName, f, Buffer.byteLength(f, 'utf8'), true);
    listener.opts.onConnection(conn.server, { remoteAddress: client.name, url: target.path, ...(hello === undefined ? {} : { hello }) });
  }
}
