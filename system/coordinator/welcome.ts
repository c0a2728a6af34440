/**
 * The welcome a coordinator sends on every admitted connection: the
 * protocol versions it speaks and the parameters the worker's handshake and
 * both handshake MACs cover (split out of connection-handler.ts).
 */
import { PROTOCOL_VERSION, SUPPORTED_VERSIONS, type Welcome } from '../protocol/messages.js';
import type { ResolvedCoordinatorConfig } from './config.js';

/** The welcome for one connection, carrying its nonce (drawn by the caller); `helloAccepted`: the 0-RTT register was taken (hello.ts). */
export function welcomeFor(c: ResolvedCoordinatorConfig, nonce: string, helloAccepted = false): Welcome {
  return {
    v: PROTOCOL_VERSION,
    type: 'welcome',
    serverVersion: c.serverVersion,
    protocolVersions: [...SUPPORTED_VERSIONS],
    nonce,
    authRequired: c.secret !== undefined,
    signMessages: c.signMessages,
    heartbeatMs: c.heartbeatMs,
    heartbeatTimeoutMs: c.heartbeatTimeoutMs,
    maxFrameBytes: c.maxFrameBytes,
    compression: c.compression !== false,
    ...(c.earlySync ? { earlySync: true } : {}),
    ...(helloAccepted ? { helloAccepted: true as const } : {}),
  };
}
