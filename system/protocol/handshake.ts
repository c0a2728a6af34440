/**
 * The handshake's cryptography (protocol version 2), in one place so both
 * sides and the tests compute exactly the same strings. docs/PROTOCOL.md
 * ("Handshake") describes the exchange:
 *
 *   welcome    {nonce = server nonce, parameters}             coordinator → worker
 *   register   {clientNonce, auth.mac = registrationMac}      worker → coordinator
 *   registered {proof = coordinatorProof}                     coordinator → worker
 *
 * Every parameter of the welcome (signing mode, compression, versions,
 * heartbeats, frame limit) is part of the transcript both MACs cover, so a
 * man in the middle who edits the welcome (say signMessages: false) makes
 * the worker's MAC fail at the coordinator. The coordinator's proof covers
 * the worker's fresh nonce, so a captured proof is useless on another
 * connection, and a server that does not know the secret cannot make one.
 * Distinct prefixes keep a MAC of one kind from being reflected as another.
 */
import { hmacHex } from '../core/crypto.js';
import type { Register, Registered, Welcome } from './messages.js';

/** The welcome's parameters as one canonical string (fixed field order). */
export function welcomeTranscript(w: Pick<Welcome, 'v' | 'serverVersion' | 'protocolVersions' | 'nonce' | 'authRequired' | 'signMessages' | 'heartbeatMs' | 'heartbeatTimeoutMs' | 'maxFrameBytes' | 'compression'>): string {
  return JSON.stringify([
    w.v,
    w.serverVersion,
    w.protocolVersions,
    w.nonce,
    w.authRequired,
    w.signMessages,
    w.heartbeatMs,
    w.heartbeatTimeoutMs,
    w.maxFrameBytes,
    w.compression,
  ]);
}

/** The parts of a register the worker's MAC covers. */
export type RegisterBinding = Pick<Register, 'protocolVersion' | 'workerId' | 'clientNonce' | 'capabilities' | 'resume'>;

function registerTranscript(r: RegisterBinding): string {
  return JSON.stringify([r.protocolVersion, r.workerId, r.clientNonce, r.capabilities.kinds, r.capabilities.concurrency, r.resume?.sessionId ?? null, r.resume?.lastSeq ?? null]);
}

/** The worker's proof: HMAC-SHA256(secret, "squall-register-v2|" + welcome transcript + "|" + register transcript). */
export function registrationMac(secret: string, welcome: Welcome, reg: RegisterBinding): string {
  return hmacHex(secret, `squall-register-v2|${welcomeTranscript(welcome)}|${registerTranscript(reg)}`);
}

/** The parts of a registered the coordinator's proof covers. */
export type RegisteredBinding = Pick<Registered, 'workerId' | 'sessionId' | 'resumed' | 'lastSeq' | 'leaseMs'>;

/**
 * The coordinator's proof: HMAC-SHA256(secret, "squall-coordinator-v2|" +
 * welcome transcript + "|" + clientNonce + "|" + registered transcript).
 */
export function coordinatorProof(secret: string, welcome: Welcome, clientNonce: string, r: RegisteredBinding): string {
  const registered = JSON.stringify([r.workerId, r.sessionId, r.resumed, r.lastSeq, r.leaseMs]);
  return hmacHex(secret, `squall-coordinator-v2|${welcomeTranscript(welcome)}|${clientNonce}|${registered}`);
}

/** Per-connection key for message signatures, from both nonces (no cross-connection replay either way). */
export function sessionSigningKey(secret: string, serverNonce: string, clientNonce: string): string {
  return hmacHex(secret, `squall-session-v2|${serverNonce}|${clientNonce}`);
}
