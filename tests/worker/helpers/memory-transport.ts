/**
 * An in-memory Transport for worker tests: connect() creates a pair of
 * Connections and hands the far end to the test's fake coordinator. Frames
 * are delivered in order on the microtask queue. A link can be blackholed
 * (half-open: frames vanish, nobody is told) and closes can be delayed, to
 * reproduce the races the worker must survive.
 */
import type { Connection, ConnectionHandler, ConnectOptions, Listener, Transport } from '../../../system/core/transport.js';

export class MemoryConnection implements Connection {
  readonly remoteAddress = 'memory';
  bufferedAmount = 0;
  peer!: MemoryConnection;
  open = true;
  /** Frames vanish in both directions, without a close (half-open link). */
  blackhole = false;
  /** Delivers this side's onClose only when released (simulates a late close event). */
  holdClose = false;
  private handler: ConnectionHandler | undefined;
  private inbox: string[] = [];
  private pendingClose: [number, string] | undefined;
  private closeDelivered = false;
  readonly sent: string[] = [];

  constructor(readonly id: string) {}

  send(frame: string): boolean {
    if (!this.open) return false;
    this.sent.push(frame);
    if (this.blackhole || this.peer.blackhole) return true;
    queueMicrotask(() => {
      if (this.peer.closeDelivered || !this.peer.open) return;
      this.peer.deliver(frame);
    });
    return true;
  }

  close(code: number, reason: string): void {
    this.shutdown(code, reason);
  }

  terminate(): void {
    this.shutdown(1006, '');
  }

  attach(handler: ConnectionHandler): void {
    this.handler = handler;
    for (const f of this.inbox.splice(0)) handler.onMessage(f);
    if (this.pendingClose && !this.holdClose) this.fireClose();
  }

  /** Releases a held close event. */
  releaseClose(): void {
    this.holdClose = false;
    if (this.pendingClose) this.fireClose();
  }

  private deliver(frame: string): void {
    if (this.handler) this.handler.onMessage(frame);
    else this.inbox.push(frame);
  }

  private shutdown(code: number, reason: string): void {
    if (!this.open) return;
    this.open = false;
    this.peer.open = false;
    // A terminate is seen as abnormal (1006) by the far side too when the link is blackholed.
    this.pendingClose = [code, reason];
    this.peer.pendingClose = this.blackhole ? [1006, ''] : [code, reason];
    queueMicrotask(() => {
      this.fireClose();
      this.peer.fireClose();
    });
  }

  private fireClose(): void {
    if (this.closeDelivered || !this.pendingClose || !this.handler || this.holdClose) return;
    this.closeDelivered = true;
    const [code, reason] = this.pendingClose;
    this.handler.onClose(code, reason);
  }
}

export class MemoryTransport implements Transport {
  private n = 0;
  connectCalls = 0;
  /** When true, connect() rejects (coordinator down). */
  refuse = false;
  /** When true, connect() never settles unless aborted (a SYN into a black hole). */
  hang = false;
  readonly connections: MemoryConnection[] = [];
  onConnection: ((serverSide: MemoryConnection) => void) | undefined;

  /** Worker-side connections currently open. */
  openCount(): number {
    return this.connections.filter((c) => c.open).length;
  }

  listen(): Promise<Listener> {
    return Promise.reject(new Error('MemoryTransport only connects'));
  }

  connect(_url: string, opts: ConnectOptions): Promise<Connection> {
    this.connectCalls++;
    if (this.refuse || !this.onConnection) return Promise.reject(new Error('connection refused'));
    if (opts.signal?.aborted) return Promise.reject(new Error('aborted'));
    if (this.hang) {
      return new Promise((_, reject) => opts.signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true }));
    }
    const id = `c${++this.n}`;
    const client = new MemoryConnection(`${id}-w`);
    const server = new MemoryConnection(`${id}-c`);
    client.peer = server;
    server.peer = client;
    this.connections.push(client);
    this.onConnection(server);
    return Promise.resolve(client);
  }
}
