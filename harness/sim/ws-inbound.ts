/**
 * The receiving half of a simulated endpoint is the production connection's
 * own: a WsConnection (system/transport/ws-connection.ts) over a ws-shaped
 * shim, so the simulation runs what production does with each frame as it
 * arrives (a text frame's bytes decoded as UTF-8 and handed on, a binary one refused with
 * 1003, frames kept until attach() by early-frames.ts, the close reported
 * once) instead of a copy of it. Sending stays with the endpoint (its pipe);
 * the shim's close() is the endpoint's close(), which applies the wire policy.
 */
import type { WebSocket } from 'ws';
import type { Connection, ConnectionHandler } from '../../system/core/index.js';
import { WsConnection } from '../../system/transport/index.js';

/** ws's readyState values. */
const READY = { connecting: 0, open: 1, closing: 2, closed: 3 } as const;

/** What the shim needs from its endpoint. */
export interface InboundOwner {
  readonly state: keyof typeof READY;
  close(code: number, reason: string): void;
}

type MessageListener = (data: unknown, isBinary: boolean) => void;
type CloseListener = (code: number, reason: Buffer) => void;

/** The part of a ws WebSocket a WsConnection reads frames and the close from. */
class WsShim {
  readonly CONNECTING = READY.connecting;
  readonly OPEN = READY.open;
  readonly CLOSING = READY.closing;
  readonly CLOSED = READY.closed;
  onMessage: MessageListener | undefined;
  onClose: CloseListener | undefined;

  constructor(private readonly owner: InboundOwner) {}

  get readyState(): number {
    return READY[this.owner.state];
  }

  on(event: string, listener: MessageListener | CloseListener): this {
    if (event === 'message') this.onMessage = listener as MessageListener;
    else if (event === 'close') this.onClose = listener as CloseListener;
    return this;
  }

  close(code: number, reason: string): void {
    this.owner.close(code, reason);
  }
}

/** Makes the connection a shim is read through: the production one (a test seam: tests/sim/broken/wire17-variants.ts plants a broken one). */
export const inboundSeam: { connection: (ws: WebSocket, id: string, remoteAddress: string) => Connection } = {
  connection: (ws, id, remoteAddress) => new WsConnection(ws, id, remoteAddress),
};

/** One endpoint's inbound stream, through the production connection. */
export class Inbound {
  private readonly shim: WsShim;
  private readonly conn: Connection;
  private attachedHandler = false;
  /** Frames handed to the process's handler so far. */
  handed = 0;

  constructor(id: string, remoteAddress: string, owner: InboundOwner) {
    this.shim = new WsShim(owner);
    this.conn = inboundSeam.connection(this.shim as unknown as WebSocket, id, remoteAddress);
  }

  /** Whether the process attached its handler. */
  get attached(): boolean {
    return this.attachedHandler;
  }

  attach(handler: ConnectionHandler): void {
    this.attachedHandler = true;
    this.conn.attach({
      onMessage: (frame) => {
        this.handed += 1;
        handler.onMessage(frame);
      },
      onClose: (code, reason) => handler.onClose(code, reason),
    });
  }

  /**
   * A data frame arrived: exactly as ws 8 emits it, a Buffer of the frame's
   * bytes with isBinary telling text from binary, so the connection's own
   * decoding of text frames runs here as in production (blind set 19 #19:
   * text frames decoded as Latin-1; handing over a string skipped it).
   */
  frame(text: string, binary: boolean): void {
    this.shim.onMessage?.(Buffer.from(text, 'utf8'), binary);
  }

  /** The connection closed (close frame or 1006). */
  close(code: number, reason: string): void {
    this.shim.onClose?.(code, Buffer.from(reason, 'utf8'));
  }
}
