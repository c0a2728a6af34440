/**
 * Adapts one `ws` WebSocket to the Connection seam: text frames only (a
 * binary frame is never delivered: the connection is closed 1003, unsupported
 * data, as RFC 6455 prescribes for a data type the endpoint cannot accept),
 * frames buffered until attach(), onClose reported exactly once whoever closed
 * (early-frames.ts). No protocol logic lives here; what it does to close
 * codes and reasons (wire-policy.ts) and to frames before attach()
 * (early-frames.ts) is shared with the simulated transport.
 */
import type { WebSocket } from 'ws';
import type { Connection, ConnectionHandler } from '../core/transport.js';
import { EarlyFrames } from './early-frames.js';
import { trimCloseReason, wireCloseCode } from './wire-policy.js';

/** RFC 6455 1003 (CloseCode.UnsupportedData; the transport does not import the protocol). */
const UNSUPPORTED_DATA = 1003;

// Process-unique on purpose (ids in one process's logs): only the production ws adapters draw from it; the simulation names its own connections.
// eslint-disable-next-line no-restricted-syntax
let nextConnectionNumber = 0;

/** The connection over each WebSocket (weak: a socket and its connection go together). */
const connectionOf = new WeakMap<WebSocket, WsConnection>();

/** Swallows ws 'error' events (each is followed by 'close'): one function for every connection, not a closure each. */
export const ignoreError = (): void => {};

/** A process-unique connection id for logs and traces. */
export function newConnectionId(prefix: string): string {
  nextConnectionNumber += 1;
  return `${prefix}-${nextConnectionNumber}`;
}

/** The underlying socket's write batching (net.Socket, tls.TLSSocket). */
export interface Corkable {
  cork(): void;
  uncork(): void;
}

/** The Connection over a ws WebSocket. */
export class WsConnection implements Connection {
  readonly id: string;
  readonly remoteAddress: string;
  /** Frames and the close until and after attach() (the rule the simulated connection runs too). */
  private readonly inbound: EarlyFrames;
  private corked = false;

  /** `socket`: the TCP/TLS socket under the WebSocket (server: the upgraded one; client: set by useSocket on upgrade). */
  constructor(
    private readonly ws: WebSocket,
    id: string,
    remoteAddress: string,
    private socket?: Corkable,
  ) {
    this.id = id;
    this.remoteAddress = remoteAddress;
    this.inbound = new EarlyFrames(id);
    connectionOf.set(ws, this);
    ws.on('message', WsConnection.onWsMessage);
    ws.on('close', WsConnection.onWsClose);
    // Errors (protocol violations, resets, 1009 on maxPayload) are followed by 'close'.
    ws.on('error', ignoreError);
  }

  /**
   * ws calls its listeners with the WebSocket as `this`: two functions shared by every connection,
   * finding theirs in connectionOf, instead of two closures and their context per connection.
   */
  private static readonly onWsMessage = function (this: WebSocket, data: unknown, isBinary: boolean): void {
    connectionOf.get(this)?.onFrame(data, isBinary);
  };

  private static readonly onWsClose = function (this: WebSocket, code: number, reason: Buffer): void {
    connectionOf.get(this)?.inbound.close(code, reason.toString('utf8'));
  };

  /** The client's socket, known once the server answered the upgrade (before open). */
  useSocket(socket: Corkable): void {
    this.socket = socket;
  }

  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  send(frame: string): boolean {
    if (this.ws.readyState !== this.ws.OPEN) return false;
    this.corkUntilNextTick();
    this.ws.send(frame);
    return true;
  }

  /**
   * Frames sent in the same tick leave in one write: the socket is corked on
   * the first send and uncorked on process.nextTick (before any timer or I/O
   * callback), so order and promptness are unchanged but the coordinator's
   * burst of assignments costs one writev instead of one per frame.
   */
  private corkUntilNextTick(): void {
    if (this.corked) return;
    const socket = this.socket;
    if (socket === undefined) return;
    this.corked = true;
    socket.cork();
    process.nextTick(() => {
      this.corked = false;
      socket.uncork();
    });
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === this.ws.CLOSING || this.ws.readyState === this.ws.CLOSED) return;
    // The wire policy (wire-policy.ts), which the simulated transport runs too.
    this.ws.close(wireCloseCode(code), trimCloseReason(reason));
  }

  terminate(): void {
    this.ws.terminate();
  }

  attach(handler: ConnectionHandler): void {
    this.inbound.attach(handler);
  }

  private onFrame(data: unknown, isBinary: boolean): void {
    if (isBinary) {
      if (this.ws.readyState === this.ws.OPEN) this.ws.close(UNSUPPORTED_DATA, 'binary frames are not accepted: send text frames, one JSON object each');
      return;
    }
    this.inbound.frame(toText(data));
  }

}

function toText(data: unknown): string {
  if (typeof data === 'string') return data;
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data as Buffer[]).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return String(data);
}
