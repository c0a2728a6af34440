/**
 * A simulated host: a name on the virtual network and the process running
 * on it. Each boot is an incarnation with its own ProcessClock and its own
 * Transport; killing the process kills the clock (no timer of it fires
 * again), makes its sockets vanish (peers see a FIN only when the link lets
 * it through) and drops its listeners. Deliveries into a paused process
 * wait, in arrival order, until resume (SIGSTOP/SIGCONT).
 */
import { SquallError, type Connection, type ConnectOptions, type Listener, type ListenOptions, type Transport } from '../../system/core/index.js';
import type { Endpoint } from './connection.js';
import { ProcessClock } from './process-clock.js';
import { TraceKind, type Trace } from './trace.js';
import type { HostLike, ItemReceiver, WireItem } from './types.js';
import type { VirtualTime } from './virtual-time.js';

/** Process state on a host. */
export type HostState = 'running' | 'paused' | 'down';

/** A listening socket of one incarnation. */
export interface ListenerEntry {
  readonly port: number;
  readonly incarnation: number;
  readonly opts: ListenOptions;
  readonly accepted: Set<Endpoint>;
  closed: boolean;
}

/** What the host needs from the network to connect out. */
export interface Connector {
  connect(from: Host, incarnation: number, url: string, opts: ConnectOptions): Promise<Connection>;
  /** How much later than its link allows a killed process's FIN arrives (seeded; 0: at once). */
  finDelayMs?(): number;
}

const FIRST_EPHEMERAL_PORT = 40_000;

/** A host and the incarnations of its process. */
export class Host implements HostLike {
  incarnation = 0;
  state: HostState = 'down';
  clock: ProcessClock;
  private skewMs = 0;
  private pausedQueue: (() => void)[] = [];
  private endpoints = new Set<Endpoint>();
  private readonly listeners = new Map<number, ListenerEntry>();
  private nextPort = FIRST_EPHEMERAL_PORT;
  private transportCache: { incarnation: number; transport: Transport } | null = null;
  private readonly killWatchers: (() => void)[] = [];
  /** SIGSTOPped (a pause fault), as opposed to held by a busy event loop. */
  private stopped = false;
  /** Virtual time until which the event loop is busy (busy()). */
  private busyUntil = -Infinity;

  constructor(
    readonly name: string,
    private readonly time: VirtualTime,
    private readonly trace: Trace,
    private readonly connector: Connector,
  ) {
    this.clock = new ProcessClock(time, name);
    this.clock.kill();
  }

  /** Starts a new incarnation of the process (first start or restart after kill). */
  boot(): void {
    if (this.state !== 'down') this.kill();
    this.incarnation++;
    this.state = 'running';
    this.clock = new ProcessClock(this.time, `${this.name}#${this.incarnation}`, this.skewMs);
    this.trace.record(TraceKind.Process, this.name, 'boot', this.incarnation);
  }

  /** Runs fn after ms of simulated time whatever becomes of the process: a supervisor's timer, outside every incarnation. */
  supervise(ms: number, fn: () => void): void {
    this.time.setTimeout(fn, ms);
  }

  /** Calls fn at every kill of this host's process: what dies with it (its children, harness/sim/resources). */
  onKill(fn: () => void): void {
    this.killWatchers.push(fn);
  }

  /** kill -9 of the current incarnation. Idempotent. */
  kill(): void {
    if (this.state === 'down') return;
    this.state = 'down';
    this.stopped = false;
    this.busyUntil = -Infinity;
    this.clock.kill();
    for (const fn of this.killWatchers) fn();
    this.pausedQueue = [];
    this.listeners.clear();
    const endpoints = this.endpoints;
    this.endpoints = new Set();
    for (const ep of endpoints) ep.vanish(this.connector.finDelayMs?.() ?? 0);
    this.trace.record(TraceKind.Process, this.name, 'kill', this.incarnation);
  }

  /** SIGSTOP. */
  pause(): void {
    if (this.state !== 'running' && !(this.state === 'paused' && !this.stopped)) return;
    this.stopped = true;
    this.freeze('pause');
  }

  /** SIGCONT: what arrived while paused is handled in arrival order, then due timers fire (not before a busy event loop is free again). */
  resume(): void {
    if (!this.stopped) return;
    this.stopped = false;
    if (this.busyUntil > this.time.now()) return;
    this.thaw('resume');
  }

  /**
   * The process's event loop is busy for ms (a CPU-bound slice, harness/sim/virtual-cpu.ts):
   * as under SIGSTOP, nothing it receives is read and none of its timers fires until the
   * slice ends; then what arrived meanwhile is handled, then due timers fire. A longer
   * hold extends the current one.
   */
  busy(ms: number): void {
    if (this.state === 'down' || ms <= 0) return;
    const until = this.time.now() + ms;
    if (until <= this.busyUntil) return;
    this.busyUntil = until;
    if (this.state === 'running') this.freeze('busy');
    const incarnation = this.incarnation;
    this.time.setTimeout(() => {
      if (incarnation !== this.incarnation || this.busyUntil !== until) return;
      this.busyUntil = -Infinity;
      if (!this.stopped) this.thaw('free');
    }, ms);
  }

  private freeze(why: string): void {
    if (this.state !== 'running') return;
    this.state = 'paused';
    this.clock.pause();
    this.trace.record(TraceKind.Process, this.name, why, this.incarnation);
  }

  private thaw(why: string): void {
    if (this.state !== 'paused') return;
    this.state = 'running';
    this.trace.record(TraceKind.Process, this.name, why, this.incarnation);
    while (this.pausedQueue.length > 0 && this.state === 'running') {
      const queue = this.pausedQueue;
      this.pausedQueue = [];
      for (let i = 0; i < queue.length; i++) {
        (queue[i] as () => void)();
        if (this.state !== 'running') {
          if (this.state === 'paused') this.pausedQueue = queue.slice(i + 1).concat(this.pausedQueue);
          return;
        }
      }
    }
    this.clock.resume();
  }

  /** Clock skew in ms for this host (kept across restarts). */
  get skew(): number {
    return this.skewMs;
  }

  set skew(ms: number) {
    this.skewMs = ms;
    this.clock.skew = ms;
    this.trace.record(TraceKind.Fault, 'skew', this.name, ms);
  }

  deliver(incarnation: number, fn: () => void): void {
    if (incarnation !== this.incarnation || this.state === 'down') return;
    if (this.state === 'paused') this.pausedQueue.push(fn);
    else fn();
  }

  deliverItem(incarnation: number, target: ItemReceiver, item: WireItem): void {
    if (incarnation !== this.incarnation || this.state === 'down') return;
    if (this.state === 'paused') this.pausedQueue.push(() => target.receive(item));
    else target.receive(item);
  }

  /** The Transport of the current incarnation (stale incarnations' calls fail). */
  get transport(): Transport {
    if (this.transportCache?.incarnation !== this.incarnation) {
      this.transportCache = { incarnation: this.incarnation, transport: this.makeTransport(this.incarnation) };
    }
    return this.transportCache.transport;
  }

  /** Is the incarnation running or paused (not killed, not superseded)? */
  isAlive(incarnation: number): boolean {
    return incarnation === this.incarnation && this.state !== 'down';
  }

  /** The listener on a port, if the current incarnation has one open. */
  listenerAt(port: number): ListenerEntry | null {
    const entry = this.listeners.get(port);
    return entry !== undefined && !entry.closed && this.isAlive(entry.incarnation) ? entry : null;
  }

  /** Tracks an endpoint so a kill makes it vanish. */
  adopt(ep: Endpoint): void {
    this.endpoints.add(ep);
    if (this.endpoints.size > 64 && this.endpoints.size % 64 === 0) {
      for (const e of this.endpoints) if (e.state === 'closed' && e.closeNotified) this.endpoints.delete(e);
    }
  }

  /**
   * The newest open endpoint of this host: where an on-path attacker
   * (harness/scenario/adversary.ts) injects a frame into a live connection's
   * stream, as into a TCP stream it can write to.
   */
  newestOpenEndpoint(): Endpoint | undefined {
    let newest: Endpoint | undefined;
    for (const e of this.endpoints) if (e.state === 'open') newest = e;
    return newest;
  }

  /**
   * The fewest bytes queued to send on any open connection of this host to
   * `peer` (undefined: none open): a lower bound of what the connection this
   * host's process uses for that peer holds (promises-send-backlog.ts).
   */
  queuedTo(peer: string): number | undefined {
    let least: number | undefined;
    for (const e of this.endpoints) if (e.state === 'open' && e.peer.host.name === peer) least = Math.min(least ?? Infinity, e.bufferedAmount);
    return least;
  }

  /** Ids of the current incarnation's open client ends its process never took up (Endpoint.unattended). */
  unattendedConnections(): string[] {
    return [...this.endpoints].filter((e) => e.state === 'open' && e.unattended()).map((e) => e.id);
  }

  /** Open endpoints of the current incarnation (for tests and reports). */
  openConnections(): number {
    let n = 0;
    for (const e of this.endpoints) if (e.state !== 'closed') n++;
    return n;
  }

  /**
   * Connections of the current incarnation whose close its process has not
   * been told of: what a process can count as open at most (a gauge of open
   * connections never exceeds it; harness/check/promises-metrics-gauges.ts).
   */
  liveConnections(): number {
    let n = 0;
    for (const e of this.endpoints) if (!e.closeNotified) n++;
    return n;
  }

  private makeTransport(incarnation: number): Transport {
    const dead = (): SquallError =>
      new SquallError('unavailable', `host ${this.name}: incarnation ${incarnation} is not running (killed or restarted)`);
    return {
      listen: async (opts) => {
        if (!this.isAlive(incarnation)) throw dead();
        return this.listen(incarnation, opts);
      },
      connect: async (url, opts) => {
        if (!this.isAlive(incarnation)) throw dead();
        return this.connector.connect(this, incarnation, url, opts);
      },
    };
  }

  private listen(incarnation: number, opts: ListenOptions): Listener {
    let port = opts.port;
    if (port === 0) {
      while (this.listeners.has(this.nextPort)) this.nextPort++;
      port = this.nextPort++;
    }
    if (this.listenerAt(port) !== null) {
      throw new SquallError('conflict', `host ${this.name}: port ${port} is already in use (EADDRINUSE); pick another port or 0`);
    }
    const entry: ListenerEntry = { port, incarnation, opts, accepted: new Set(), closed: false };
    this.listeners.set(port, entry);
    this.trace.record(TraceKind.Process, this.name, 'listen', port);
    const url = `ws://${this.name}:${port}`;
    return {
      host: this.name,
      port,
      url,
      close: async () => {
        if (entry.closed) return;
        entry.closed = true;
        if (this.listeners.get(port) === entry) this.listeners.delete(port);
        for (const ep of entry.accepted) ep.close(1001, 'server shutting down');
        entry.accepted.clear();
      },
    };
  }
}
