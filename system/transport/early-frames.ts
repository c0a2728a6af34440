/**
 * What a connection receives before its process attaches a handler, shared
 * by the production WebSocket connection (ws-connection.ts) and the
 * simulated one (harness/sim/connection.ts), so simulation runs this rule:
 * frames that arrive between the socket opening and attach() (a welcome in
 * the same read as the upgrade response, the client attaching a tick later)
 * are kept in arrival order and replayed at attach(), then a close that
 * came meanwhile; the close is reported exactly once, whoever closed.
 */
import type { ConnectionHandler } from '../core/transport.js';

/** The frames and close of one connection until, and after, its handler attaches. */
export class EarlyFrames {
  private handler: ConnectionHandler | undefined;
  /** Frames that arrived before attach() (made by the first such frame). */
  private pending: string[] | undefined;
  private closed: { code: number; reason: string } | undefined;
  private closeReported = false;

  constructor(private readonly connectionId: string) {}

  /** Whether a handler is attached. */
  get attached(): boolean {
    return this.handler !== undefined;
  }

  /** Attaches `handler` (once): the frames that came before it first, in order, then a close that came meanwhile. */
  attach(handler: ConnectionHandler): void {
    if (this.handler !== undefined) throw new Error(`connection ${this.connectionId} already has a handler; attach() once`);
    this.handler = handler;
    const pending = this.pending;
    this.pending = undefined;
    for (const frame of pending ?? []) handler.onMessage(frame);
    this.reportClose();
  }

  /** A frame arrived: to the handler, or kept until attach(). */
  frame(frame: string): void {
    if (this.handler === undefined) (this.pending ??= []).push(frame);
    else this.handler.onMessage(frame);
  }

  /** The connection closed: reported now if attached, else at attach(); only the first close counts. */
  close(code: number, reason: string): void {
    if (this.closed !== undefined) return;
    this.closed = { code, reason };
    this.reportClose();
  }

  private reportClose(): void {
    if (this.closeReported || this.closed === undefined || this.handler === undefined) return;
    this.closeReported = true;
    this.handler.onClose(this.closed.code, this.closed.reason);
  }
}
