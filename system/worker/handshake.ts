/**
 * The worker's half of the version 2 handshake (docs/PROTOCOL.md): builds
 * `register` (own nonce, MAC over the welcome's parameters) and judges the
 * coordinator's proof in `registered`. Kept apart from worker.ts so the
 * rules a worker applies before acting on anything read in one place.
 */
import { safeEqualHex } from '../core/crypto.js';
import { coordinatorProof, registrationMac, sessionSigningKey } from '../protocol/handshake.js';
import { PROTOCOL_VERSION, type Registered, type Welcome } from '../protocol/messages.js';
import type { OutMessage } from './outbox.js';

/** What register needs from the worker. */
export interface RegisterInput {
  secret: string | undefined;
  welcome: Welcome;
  workerId: string;
  clientNonce: string;
  kinds: string[];
  concurrency: number;
  resume: { sessionId: string; lastSeq: number } | undefined;
}

/** The register without its MAC: what the 0-RTT register carries (no secret), and what the MAC covers. */
export function registerBody(i: Omit<RegisterInput, 'secret' | 'welcome'>) {
  return {
    type: 'register' as const,
    protocolVersion: PROTOCOL_VERSION,
    workerId: i.workerId,
    clientNonce: i.clientNonce,
    capabilities: { kinds: i.kinds, concurrency: i.concurrency },
    ...(i.resume === undefined ? {} : { resume: i.resume }),
  };
}

/** The register message, and the session signing key when the coordinator signs. */
export function registerMessage(i: RegisterInput): { msg: OutMessage; signKey: string | undefined } {
  const body = registerBody(i);
  if (i.secret === undefined) return { msg: body, signKey: undefined };
  const mac = registrationMac(i.secret, i.welcome, body);
  const signKey = i.welcome.signMessages ? sessionSigningKey(i.secret, i.welcome.nonce, i.clientNonce) : undefined;
  return { msg: { ...body, auth: { mac } }, signKey };
}

/**
 * Why the coordinator's `registered` cannot be trusted, or undefined if it
 * can. Without a secret there is nothing to check (the welcome already
 * refused a coordinator that requires one).
 */
export function checkCoordinatorProof(secret: string | undefined, welcome: Welcome, clientNonce: string, r: Registered): string | undefined {
  if (secret === undefined) return undefined;
  if (r.proof === undefined) return 'its "registered" carries no proof of the shared secret';
  if (!safeEqualHex(r.proof, coordinatorProof(secret, welcome, clientNonce, r))) {
    return 'its proof of the shared secret does not match (wrong secret, an impostor, or a handshake altered in transit)';
  }
  return undefined;
}
