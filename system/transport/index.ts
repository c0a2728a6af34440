/**
 * Production Transport over `ws` and node:http. Coordinator and worker get it
 * injected (the simulation injects its virtual network instead).
 */
import type { Transport } from '../core/transport.js';
import { connectWs } from './ws-client.js';
import { listenWs } from './ws-server.js';

/** The production Transport: real sockets on loopback or any interface. */
export function wsTransport(): Transport {
  return { listen: listenWs, connect: connectWs };
}

export { connectWs, wsClientOptions } from './ws-client.js';
export { WsConnection } from './ws-connection.js';
export { httpRequestOf, listenWs, MAX_HTTP_BODY_BYTES, readBody, startStream, writeAnswer, type AnswerTarget, type BodySource, type ParsedRequest, type StreamTarget } from './ws-server.js';
export { checkRequestLimits, limitBody, PARSER_MAX_HEADER_BYTES, parserErrorAnswer } from './http-limits.js';
export { type AttemptCarrier, type ConnectAttempt, watchConnect } from './connect-attempt.js';
export { EarlyFrames } from './early-frames.js';
export { TOO_BIG_CLOSE, trimCloseReason, wireCloseCode } from './wire-policy.js';
