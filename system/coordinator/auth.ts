/**
 * Registration authentication: HMAC-SHA256 challenge-response over the
 * connection's single-use welcome nonce, compared in constant time. With
 * message signatures on, the per-connection signing key derives from the same
 * nonce, so a frame captured on one connection is useless on another.
 */
import { safeEqualHex } from '../core/crypto.js';
import { registrationMac, sessionSigningKey } from '../protocol/codec.js';
import type { Register } from '../protocol/messages.js';

export type AuthVerdict = { ok: true; signKey: string | undefined } | { ok: false; reason: string };

/**
 * Checks a register message against the connection's nonce. Without a secret
 * everything is accepted (and nothing is signed).
 */
export function authenticate(secret: string | undefined, signMessages: boolean, nonce: string, msg: Register): AuthVerdict {
  if (secret === undefined) return { ok: true, signKey: undefined };
  if (msg.auth === undefined) return { ok: false, reason: 'registration needs auth.mac (this coordinator requires a secret)' };
  const expected = registrationMac(secret, nonce, msg.workerId);
  if (!safeEqualHex(msg.auth.mac, expected)) return { ok: false, reason: 'registration MAC does not match (wrong secret, or a replayed nonce)' };
  return { ok: true, signKey: signMessages ? sessionSigningKey(secret, nonce) : undefined };
}
