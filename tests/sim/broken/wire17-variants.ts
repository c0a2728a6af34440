/**
 * Blind set 17's wire defects as seams (tests/sim/broken-wire17.test.ts),
 * each planted for one run and undone after it. The third, #21 (a 3-digit
 * retry-after parse), is a vi.mock in the test file itself.
 */
import { withPlanted } from './verdict.js';
import type { WebSocket } from 'ws';
import { WsConnection } from '../../../system/transport/index.js';
import { tlsSeam } from '../../../harness/sim/handshake.js';
import { inboundSeam } from '../../../harness/sim/ws-inbound.js';

/** The part of the simulated endpoint's ws shim a listener is added through. */
interface Listenable {
  on(event: string, fn: (...args: unknown[]) => void): unknown;
}

/** Set 17 #15: the connection ignores the frame's kind, so a binary frame is read as UTF-8 text (the production WsConnection, told every frame is text). */
export function withBinaryReadAsText<T>(body: () => Promise<T>): Promise<T> {
  return withPlanted(() => {
    const original = inboundSeam.connection;
    inboundSeam.connection = (ws, id, remoteAddress) => {
      const shim = ws as unknown as Listenable;
      const textOnly = Object.create(shim) as Listenable;
      // Listeners run with the socket as `this` (EventEmitter's contract, which WsConnection's shared listeners rely on): textOnly, the one it was given.
      textOnly.on = (event, fn) => shim.on(event, event === 'message' ? (data) => fn.call(textOnly, data, false) : (...args: unknown[]) => fn.apply(textOnly, args));
      return new WsConnection(textOnly as unknown as WebSocket, id, remoteAddress);
    };
    return () => (inboundSeam.connection = original);
  }, body);
}

/** Set 17 #23: a connect given a CA also sets rejectUnauthorized: false (the production builder, with the line the defect adds). */
export function withCaTrustingAnything<T>(body: () => Promise<T>): Promise<T> {
  return withPlanted(() => {
    const original = tlsSeam.options;
    tlsSeam.options = (url, opts, onSocket) => ({ ...original(url, opts, onSocket), ...(opts.ca === undefined ? {} : { rejectUnauthorized: false }) });
    return () => (tlsSeam.options = original);
  }, body);
}
