/**
 * A proxied TCP connection: client socket, upstream socket and the two links
 * between them. As in Toxiproxy, when one direction finishes (its destination
 * is closed) the other stops reading and flushes what its toxics hold, then
 * both sockets close; there is no lasting half-close.
 */
import type { Socket } from 'node:net';
import type { Clock, Logger, Random } from '../../system/core/index.js';
import { Link, type LinkOwner } from './link.js';
import { Direction, type Toxic } from './toxic-spec.js';

/** What a connection is built from (the proxy supplies it per accepted client). */
export interface ConnectionOptions {
  readonly id: string;
  readonly client: Socket;
  readonly upstream: Socket;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly random: Random;
  readonly toxics: readonly Toxic[];
  readonly onClosed: (conn: Connection) => void;
  /** Called once per link when the connection ends, with its byte counts (proxy metrics). */
  readonly onLinkDone?: (direction: 'upstream' | 'downstream', received: number, sent: number) => void;
}

/** A client/upstream socket pair and its two links. */
export class Connection implements LinkOwner {
  readonly id: string;
  private readonly client: Socket;
  private readonly upstream: Socket;
  private readonly up: Link;
  private readonly down: Link;
  private readonly finished = new Set<Link>();
  private closed = false;
  /** As Toxiproxy: a connection that starts while a reset_peer toxic exists gets SO_LINGER 0 on both sockets, so every close of it is a RST. */
  readonly lingerZero: boolean;

  constructor(private readonly opts: ConnectionOptions) {
    this.id = opts.id;
    this.lingerZero = opts.toxics.some((t) => t.type === 'reset_peer');
    this.client = opts.client;
    this.upstream = opts.upstream;
    const randomFor = (dir: Direction) => (toxic: string) => opts.random.fork(`${opts.id}/${dir}/${toxic}`);
    const of = (dir: Direction) => opts.toxics.filter((t) => t.direction === dir);
    this.up = new Link('upstream', this, opts.clock, this.client, this.upstream, randomFor(Direction.Upstream), of(Direction.Upstream));
    this.down = new Link('downstream', this, opts.clock, this.upstream, this.client, randomFor(Direction.Downstream), of(Direction.Downstream));
    this.wire(this.client, this.up, this.down);
    this.wire(this.upstream, this.down, this.up);
  }

  /** source feeds `reads`; `writes` writes to it. */
  private wire(socket: Socket, reads: Link, writes: Link): void {
    socket.setNoDelay(true); // Go's default for TCP, and what keeps overhead low
    socket.on('data', (d: Buffer) => reads.input(d));
    socket.on('end', () => reads.endInput());
    socket.on('error', (err) => this.opts.logger.debug({ conn: this.id, err: err.message }, 'proxy socket error'));
    socket.on('close', () => {
      reads.endInput();
      if (!this.finished.has(writes)) this.linkFinished(writes);
    });
  }

  private linkOf(dir: Direction): Link {
    return dir === Direction.Upstream ? this.up : this.down;
  }

  addToxic(t: Toxic): void {
    if (!this.closed) this.linkOf(t.direction).addToxic(t);
  }
  updateToxic(t: Toxic): void {
    if (!this.closed) this.linkOf(t.direction).updateToxic(t.name);
  }
  removeToxic(t: Toxic): void {
    if (!this.closed) this.linkOf(t.direction).removeToxic(t.name);
  }

  linkFinished(link: Link): void {
    if (this.finished.has(link)) return;
    this.finished.add(link);
    // The finished link's destination is the other link's source: stop reading it.
    (link === this.up ? this.down : this.up).endInput();
    if (this.finished.size === 2) this.close();
  }

  resetConnection(): void {
    if (this.closed) return;
    this.opts.logger.debug({ conn: this.id }, 'reset_peer: sending RST');
    this.teardown();
    this.client.resetAndDestroy();
    this.upstream.resetAndDestroy();
  }

  /** Closes both sockets now (proxy disabled or deleted, or both directions done); RST when lingerZero. */
  close(): void {
    if (this.closed) return;
    this.teardown();
    if (this.lingerZero) {
      if (!this.client.destroyed) this.client.resetAndDestroy();
      if (!this.upstream.destroyed) this.upstream.resetAndDestroy();
      return;
    }
    this.client.destroy();
    this.upstream.destroy();
  }

  private teardown(): void {
    this.closed = true;
    this.up.destroy();
    this.down.destroy();
    this.opts.onLinkDone?.('upstream', this.up.received, this.up.sent);
    this.opts.onLinkDone?.('downstream', this.down.received, this.down.sent);
    this.opts.onClosed(this);
  }
}
