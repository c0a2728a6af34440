/**
 * The client half of the production Transport: opens a WebSocket with a
 * handshake timeout, a hard maxPayload, optional permessage-deflate and an
 * AbortSignal, resolving with an open Connection or rejecting with an error
 * that says what failed (refused, timed out, aborted, HTTP status).
 */
import { WebSocket } from 'ws';
import type { ConnectOptions, Connection } from '../core/transport.js';
import { ErrorCode, SquallError } from '../core/errors.js';
import { WsConnection, newConnectionId } from './ws-connection.js';

/** Connects to a ws:// or wss:// URL (certificate verified against the system roots, or opts.ca). */
export function connectWs(url: string, opts: ConnectOptions): Promise<Connection> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(new SquallError(ErrorCode.Aborted, `connect to ${url} aborted before it started`, { cause: opts.signal.reason }));
      return;
    }
    let ws: WebSocket;
    try {
      ws = new WebSocket(url, {
        handshakeTimeout: opts.handshakeTimeoutMs,
        maxPayload: opts.maxPayloadBytes,
        perMessageDeflate: opts.perMessageDeflate === false ? false : { threshold: opts.perMessageDeflate.thresholdBytes },
        // wss:// verifies the server's certificate (never disabled); `ca` replaces the trusted roots.
        ...(opts.ca === undefined ? {} : { ca: opts.ca }),
      });
    } catch (err) {
      reject(new SquallError(ErrorCode.InvalidArgument, `cannot connect to ${JSON.stringify(url)}: ${(err as Error).message}`, { cause: err }));
      return;
    }
    let settled = false;
    // Created before 'open' so no frame that arrives right after the handshake is missed.
    const conn = new WsConnection(ws, newConnectionId('w'), url);
    ws.once('upgrade', (res) => conn.useSocket(res.socket));
    const onAbort = (): void =>
      settle(new SquallError(ErrorCode.Aborted, `connect to ${url} aborted`, { cause: opts.signal?.reason }));
    const onOpen = (): void => settle(undefined);
    const onResponse = (_req: unknown, res: { statusCode?: number }): void =>
      settle(new SquallError(ErrorCode.Unavailable, `connect to ${url} failed: server answered HTTP ${res.statusCode ?? '?'} instead of upgrading`));
    const onError = (err: Error & { code?: string }): void => {
      const timedOut = /timed out/i.test(err.message);
      settle(
        new SquallError(
          timedOut ? ErrorCode.Timeout : ErrorCode.Unavailable,
          timedOut
            ? `connect to ${url} timed out after ${opts.handshakeTimeoutMs} ms`
            : `connect to ${url} failed: ${err.code ?? ''} ${err.message}`.replace(/ {2}/, ' '),
          { cause: err },
        ),
      );
    };
    const onClose = (code: number): void => settle(new SquallError(ErrorCode.Unavailable, `connect to ${url} failed: closed with ${code} during handshake`));
    // Once settled, none of these may keep the options (signal, CA) alive for the connection's lifetime.
    const settle = (err: Error | undefined): void => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      ws.off('open', onOpen).off('unexpected-response', onResponse).off('error', onError).off('close', onClose);
      if (err === undefined) resolve(conn);
      else {
        ws.terminate();
        reject(err);
      }
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    ws.once('open', onOpen);
    ws.once('unexpected-response', onResponse);
    ws.once('error', onError);
    ws.once('close', onClose);
  });
}
