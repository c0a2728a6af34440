/**
 * The virtual network: named hosts, a link per ordered pair of hosts (created
 * on first use), group partitions, and the connect handshake. Each host's
 * `transport` implements the Transport seam, so the real coordinator and
 * worker code runs over it unchanged. Fault API summary: harness/sim/index.ts.
 */
import { type HttpRequest, type HttpResponse, type Connection, type ConnectOptions, InvalidArgumentError, SquallError, type Random } from '../../system/core/index.js';
import type { FaultHandle, FaultRule } from './faults.js';
import type { FrameSizes } from './frame-sizes.js';
import { type Dialer, handshake } from './handshake.js';
import { Host, type Connector } from './host.js';
import { LinkDir, LinkState } from './link.js';
import { TraceKind, type Trace } from './trace.js';
import type { BinaryDelivery, CloseDelivery, ConnectionOpened, ConnectTls, CorruptDelivery } from './types.js';
import type { VirtualTime } from './virtual-time.js';
import type { ProxyRoute } from './upgrade-route.js';

/** Options of a group partition. */
export interface PartitionOptions {
  /** Cut only groupA → groupB (B's frames still reach A). Default: both ways. */
  oneWay?: boolean;
}

function combine(handles: FaultHandle[]): FaultHandle {
  return { remove: () => handles.forEach((h) => h.remove()) };
}

/** All hosts and links of one simulation. */
/** Default chance that a killed process's FIN arrives late (see finDelayMs). */
const LATE_FIN_PROBABILITY = 0.3;

export class VirtualNetwork implements Connector {
  private readonly hosts = new Map<string, Host>();
  private readonly links = new Map<string, LinkDir>();
  private nextConnId = 1;
  private nextRuleId = 1;
  private nextPartitionId = 1;
  /** What connect() handshakes borrow from this network. */
  private readonly dialer: Dialer;
  /** `host:port` → the reverse proxy serving another port of that host under a path prefix (upgrade-route.ts). */
  private readonly proxyRoutes = new Map<string, ProxyRoute>();
  /** `client>hostname` → the host that answers instead (redirect). */
  private readonly redirects = new Map<string, string>();
  /** Told of every corrupted frame a live receiver reads (the scenario runner records it in the history). */
  onCorruptDelivered: ((c: CorruptDelivery) => void) | undefined;
  /** The sizes of the frames carried to and from the coordinator, when the runner keeps them (frame-sizes.ts). */
  frameSizes: FrameSizes | undefined;
  /** Told of every data frame a process sends, as sent, with the sending host's name and its peer's (the scenario runner records the handshakes' nonces and early-sync offers); `inUpgrade`: a 0-RTT register's frame, carried in the upgrade request. */
  onSent: ((host: string, frame: string, to: string, inUpgrade?: true) => void) | undefined;
  /** One-way latency every frame of every link takes, ms with a fraction (scenario `network.latencyMs`); undefined: the next whole ms. */
  baseLatencyMs: number | undefined;
  /** Told of every HTTP answer (not a stream's events) the coordinator's handler gives, with its request (promise 8's secret watch). */
  onHttpAnswer: ((req: HttpRequest, res: HttpResponse) => void) | undefined;
  /** Each claim a coordinator makes, at its instant: worker and execution (a pre-execution hook on its engine; promises-send-backlog.ts). */
  onClaim: ((workerId: string, executionId: string) => void) | undefined;
  /** Told of every close frame a live process receives from its peer's close(), with what the peer asked for (the scenario runner records it). */
  onCloseDelivered: ((c: CloseDelivery) => void) | undefined;
  /** Told of every connection a server accepts, with the client process holding its other end (the scenario runner records it). */
  onOpened: ((c: ConnectionOpened) => void) | undefined;
  /** Told of every binary frame a live process receives and what its transport did (the scenario runner records it). */
  onBinaryDelivered: ((b: BinaryDelivery) => void) | undefined;
  /** Told of the TLS trust of every connect given a CA or any trust option (the scenario runner records it). */
  onConnectTls: ((t: ConnectTls) => void) | undefined;

  /** Its own stream, so late FINs never shift the links' draws. */
  private readonly finRandom: Random;

  constructor(
    private readonly time: VirtualTime,
    private readonly trace: Trace,
    private readonly random: Random,
    /** Chance that a killed process's FIN is held up (0..1); then it arrives 0.5–5 s late. */
    private readonly lateFinProbability = LATE_FIN_PROBABILITY,
  ) {
    this.finRandom = random.fork('late-fin');
    this.dialer = {
      time,
      trace,
      existingHost: (name) => this.hosts.get(name),
      link: (from, to) => this.link(from, to),
      nextConnectionId: () => `c${this.nextConnId++}`,
      latencyMs: () => this.baseLatencyMs,
      corrupted: (c) => this.onCorruptDelivered?.(c),
      sent: (f, t, x, b, u) => {
        this.frameSizes?.sent(f, t, x, b);
        this.onSent?.(f, x, t, u);
      },
      closeDelivered: (c) => this.onCloseDelivered?.(c),
      opened: (c) => this.onOpened?.(c),
      binaryDelivered: (b) => this.onBinaryDelivered?.(b),
      connectTls: (t) => this.onConnectTls?.(t),
      proxyRoute: (host, port) => this.proxyRoutes.get(`${host}:${port}`),
    };
  }

  /**
   * Connector: a killed process's FIN is sometimes held up (retransmission,
   * a host that went away with its kernel): the restarted process can then
   * register again before the peer sees the old connection close, which is
   * how a coordinator gets to replace a session (close 4409).
   */
  finDelayMs(): number {
    if (this.lateFinProbability <= 0 || this.finRandom.float() >= this.lateFinProbability) return 0;
    return this.finRandom.int(500, 5_000);
  }

  /** Puts a reverse proxy on `host`'s `route.port`: upgrades at `route.prefix + path` reach its port `route.to` at `path`, others are refused 404. */
  addProxyRoute(host: string, route: ProxyRoute): void {
    this.proxyRoutes.set(`${host}:${route.port}`, route);
  }

  /** The host with this name, created (not booted) on first use. */
  host(name: string): Host {
    let h = this.hosts.get(name);
    if (h === undefined) {
      if (name.length === 0 || /[\s/:|>]/.test(name)) {
        throw new InvalidArgumentError(`host name must be non-empty without spaces, '/', ':', '|' or '>', got '${name}'`, 'host');
      }
      h = new Host(name, this.time, this.trace, this);
      this.hosts.set(name, h);
    }
    return h;
  }

  /** Names of all hosts, in creation order. */
  hostNames(): string[] {
    return [...this.hosts.keys()];
  }

  /** The link direction from → to. */
  link(from: string, to: string): LinkDir {
    const key = `${from}>${to}`;
    let l = this.links.get(key);
    if (l === undefined) {
      l = new LinkDir(from, to, this.time, this.trace, this.random.fork(`link:${key}`), () => this.nextRuleId++);
      this.links.set(key, l);
    }
    return l;
  }

  /** Installs a rule on from → to. */
  addRule(from: string, to: string, rule: FaultRule): FaultHandle {
    return this.link(from, to).addRule(rule);
  }

  /** Installs the rule on both directions between a and b (Toxiproxy downstream + upstream). */
  addRuleBothWays(a: string, b: string, rule: FaultRule): FaultHandle {
    return combine([this.addRule(a, b, rule), this.addRule(b, a, rule)]);
  }

  /** Sets the explicit state of a link (both ways unless oneWay); the handle restores healthy. */
  setLinkState(from: string, to: string, state: LinkState, opts: PartitionOptions = {}): FaultHandle {
    const handles = [this.link(from, to).setState(state)];
    if (opts.oneWay !== true) handles.push(this.link(to, from).setState(state));
    return combine(handles);
  }

  /**
   * Cuts every link from a host of groupA to a host of groupB (and back,
   * unless oneWay). Partitions stack: a link heals when no partition cuts it.
   */
  partition(groupA: readonly string[], groupB: readonly string[], opts: PartitionOptions = {}): FaultHandle {
    const id = this.nextPartitionId++;
    const cut: LinkDir[] = [];
    for (const a of groupA) {
      for (const b of groupB) {
        if (a === b) continue;
        cut.push(this.link(a, b));
        if (opts.oneWay !== true) cut.push(this.link(b, a));
      }
    }
    this.trace.record(TraceKind.Fault, 'partition', id, groupA.join(','), groupB.join(','), opts.oneWay === true ? 'one-way' : 'both');
    for (const l of cut) l.partitions++;
    for (const l of cut) if (l.partitions === 1) l.partitionsChanged();
    let removed = false;
    return {
      remove: () => {
        if (removed) return;
        removed = true;
        this.trace.record(TraceKind.Fault, 'heal', id);
        for (const l of cut) l.partitions--;
        for (const l of cut) if (l.partitions === 0) l.partitionsChanged();
      },
    };
  }

  /**
   * Hands the connects of host `client` to hostname `to` to host `via`
   * instead (an impostor holding the address: a spoofed name or route, see
   * harness/scenario/adversary-onpath.ts). Established connections are not
   * touched. The handle restores the route.
   */
  redirect(client: string, to: string, via: string): FaultHandle {
    const key = `${client}>${to}`;
    this.redirects.set(key, via);
    this.trace.record(TraceKind.Fault, 'redirect', key, via);
    return {
      remove: () => {
        if (this.redirects.get(key) !== via) return;
        this.redirects.delete(key);
        this.trace.record(TraceKind.Fault, 'redirect_remove', key);
      },
    };
  }

  /** Opens a connection from a host's process to ws://host:port/path (Connector). */
  connect(client: Host, incarnation: number, url: string, opts: ConnectOptions): Promise<Connection> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return Promise.reject(new InvalidArgumentError(`not a ws:// URL: '${url}'`, 'url'));
    }
    const via = this.redirects.get(`${client.name}>${parsed.hostname}`);
    if (via !== undefined) parsed.hostname = via;
    return handshake(this.dialer, client, incarnation, url, parsed, opts);
  }

  /**
   * A plain HTTP request from a host to ws://host:port's onHttp handler (the
   * coordinator API), across the links: fails fast if a link is down, times
   * out (rejects after timeoutMs) if cut or blackholed.
   */
  http(fromName: string, url: string, req: Omit<HttpRequest, 'query'> & { query?: URLSearchParams }, timeoutMs = 10_000): Promise<HttpResponse> {
    const parsed = new URL(url);
    const server = this.hosts.get(parsed.hostname);
    const port = Number(parsed.port === '' ? 80 : parsed.port);
    const up = this.link(fromName, parsed.hostname);
    const down = this.link(parsed.hostname, fromName);
    const passable = (l: LinkDir): boolean => l.state === LinkState.Healthy && !l.isDown() && l.blackhole() === null;
    return new Promise((resolve, reject) => {
      let settled = false;
      const timer = this.time.setTimeout(() => finish(() => reject(new SquallError('timeout', `HTTP ${req.method} ${url}: no response within ${timeoutMs} ms`))), timeoutMs);
      function finish(fn: () => void): void {
        if (settled) return;
        settled = true;
        timer.cancel();
        fn();
      }
      const handler = server?.listenerAt(port)?.opts.onHttp;
      if (server === undefined || handler === undefined || up.isDown()) {
        finish(() => reject(new SquallError('unavailable', `HTTP ${req.method} ${url}: connection refused`)));
        return;
      }
      if (!passable(up)) return;
      const incarnation = server.incarnation;
      this.time.setTimeout(() => {
        server.deliver(incarnation, () => {
          handler({ ...req, query: req.query ?? parsed.searchParams }).then(
            (res) => {
              this.trace.record(TraceKind.Note, 'http', req.method, url, res.status);
              if (passable(down)) this.time.setTimeout(() => finish(() => resolve(res)), down.handshakeDelay());
            },
            (err: unknown) => finish(() => reject(err)),
          );
        });
      }, up.handshakeDelay());
    });
  }
}
