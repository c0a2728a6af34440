/**
 * The client half of the production Transport: opens a WebSocket with a
 * handshake timeout, a hard maxPayload, optional permessage-deflate and an
 * AbortSignal, resolving with an open Connection or rejecting with an error
 * that says what failed (refused, timed out, aborted, HTTP status).
 */
import { connect as netConnect, isIP, type NetConnectOpts, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { type ClientOptions, WebSocket } from 'ws';
import type { ConnectOptions, Connection } from '../core/transport.js';
import { ErrorCode, SquallError } from '../core/errors.js';
import { HELLO_HEADER } from '../protocol/hello.js';
import { type AttemptCarrier, watchConnect } from './connect-attempt.js';
import { type Corkable, ignoreError, WsConnection, newConnectionId } from './ws-connection.js';

/** Connects to a ws:// or wss:// URL (certificate verified against the system roots, or opts.ca). */
export function connectWs(url: string, opts: ConnectOptions): Promise<Connection> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(new SquallError(ErrorCode.Aborted, `connect to ${url} aborted before it started`, { cause: opts.signal.reason }));
      return;
    }
    let ws: WebSocket;
    let socket: Corkable | undefined;
    try {
      ws = openSocket(url, opts, (s) => (socket = s));
    } catch (err) {
      reject(new SquallError(ErrorCode.InvalidArgument, `cannot connect to ${JSON.stringify(url)}: ${(err as Error).message}`, { cause: err }));
      return;
    }
    // The connection is made inside 'open' (ws emits it before it reads any frame behind the upgrade
    // response, so none is missed), once the handshake's listeners are gone: the WebSocket's listener
    // table then holds the connection's three, not room for the seven it would have seen.
    watchHandshake(ws, url, opts, (err) => (err === undefined ? resolve(new WsConnection(ws, newConnectionId('w'), url, socket)) : reject(err)));
  });
}

/**
 * No `handshakeTimeout` for ws: it arms the socket's own idle timeout, which
 * ws disables at the upgrade but the socket keeps (a Timeout and a bound
 * callback per connection for its whole life). watchHandshake times the
 * handshake instead, with a timer it clears.
 */
function openSocket(url: string, opts: ConnectOptions, onSocket: (socket: Corkable) => void): WebSocket {
  return new WebSocket(url, wsClientOptions(url, opts, onSocket));
}

/**
 * The options a connect gives ws (and ws passes on to tls.connect for
 * wss://): payload limit, compression, the TLS trust and the hello header. Exported so the
 * simulated network records them per connect attempt
 * (harness/sim/handshake.ts) and the checker judges the trust they grant.
 */
export function wsClientOptions(url: string, opts: ConnectOptions, onSocket: (socket: Corkable) => void): Readonly<ClientOptions> {
  // Frozen: what is recorded (or handed to ws) is what was built; nothing tweaks the trust afterwards.
  return Object.freeze({
    createConnection: socketMaker(/^(wss|https):/i.test(url), onSocket),
    maxPayload: opts.maxPayloadBytes,
    perMessageDeflate: opts.perMessageDeflate === false ? false : { threshold: opts.perMessageDeflate.thresholdBytes },
    // wss:// verifies the server's certificate (never disabled); `ca` replaces the trusted roots.
    ...(opts.ca === undefined ? {} : { ca: opts.ca }),
    // The 0-RTT register rides in the upgrade request (the server reads it back with helloOfHeaders).
    ...(opts.hello === undefined ? {} : { headers: { [HELLO_HEADER]: opts.hello } }),
  });
}

/**
 * Opens the TCP (ws://) or TLS (wss://) socket as ws itself would, and hands
 * it over at once: the connection corks it for batched writes. ws calls this
 * inside its constructor, so no 'upgrade' listener (and no growth of the
 * WebSocket's listener table for the connection's life) is needed to learn it.
 */
function socketMaker(secure: boolean, onSocket: (socket: Corkable) => void): typeof netConnect {
  const make = (options: NetConnectOpts & ConnectionOptions & { socketPath?: string; host?: string }): Socket => {
    let socket: Socket;
    if (secure) {
      options.path = undefined;
      if (!options.servername && options.servername !== '') options.servername = isIP(options.host ?? '') ? '' : options.host;
      socket = tlsConnect(options);
    } else {
      options.path = options.socketPath;
      socket = netConnect(options);
    }
    onSocket(socket);
    return socket;
  };
  return make as typeof netConnect;
}

/** The error a failed handshake reports: a timeout as Timeout, anything else as Unavailable with its code. */
function handshakeError(url: string, opts: ConnectOptions, err: Error & { code?: string }): SquallError {
  const timedOut = /timed out/i.test(err.message);
  const message = timedOut
    ? `connect to ${url} timed out after ${opts.handshakeTimeoutMs} ms`
    : `connect to ${url} failed: ${err.code ?? ''} ${err.message}`.replace(/ {2}/, ' ');
  return new SquallError(timedOut ? ErrorCode.Timeout : ErrorCode.Unavailable, message, { cause: err });
}

/**
 * Calls `done` once: with nothing when the socket opens, with the error when
 * the handshake fails, is refused, closes or is aborted (the socket is then
 * terminated: connect-attempt.ts, the bookkeeping the simulated transport
 * runs too). Every listener is removed when it settles, so none keeps the
 * options (signal, CA) alive for the connection's lifetime.
 */
function watchHandshake(ws: WebSocket, url: string, opts: ConnectOptions, done: (err: Error | undefined) => void): void {
  const onOpen = (): void => attempt.opened();
  const onResponse = (_req: unknown, res: { statusCode?: number }): void =>
    attempt.failed(new SquallError(ErrorCode.Unavailable, `connect to ${url} failed: server answered HTTP ${res.statusCode ?? '?'} instead of upgrading`));
  const onError = (err: Error & { code?: string }): void => attempt.failed(handshakeError(url, opts, err));
  const onClose = (code: number): void => attempt.failed(new SquallError(ErrorCode.Unavailable, `connect to ${url} failed: closed with ${code} during handshake`));
  const carrier: AttemptCarrier = {
    arm: (ms, onTimeout) => {
      const timer = setTimeout(onTimeout, ms);
      return () => clearTimeout(timer);
    },
    detach: () => ws.off('open', onOpen).off('unexpected-response', onResponse).off('error', onError).off('close', onClose),
    // Ended after detach: ws reports the abort as an 'error' (next tick), which must find a listener.
    end: () => ws.on('error', ignoreError).terminate(),
  };
  const errors = {
    timeout: () => new SquallError(ErrorCode.Timeout, `connect to ${url} timed out after ${opts.handshakeTimeoutMs} ms`),
    aborted: () => new SquallError(ErrorCode.Aborted, `connect to ${url} aborted`, { cause: opts.signal?.reason }),
  };
  const attempt = watchConnect(opts, carrier, errors, (failure) => done(failure === undefined ? undefined : (failure.err as Error)));
  ws.once('open', onOpen);
  ws.once('unexpected-response', onResponse);
  ws.once('error', onError);
  ws.once('close', onClose);
}
