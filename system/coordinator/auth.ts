/**
 * Worker authentication on /ws (protocol version 2, docs/PROTOCOL.md
 * "Handshake"): the worker's MAC covers the welcome we sent (so a signing
 * downgrade in the middle fails here), both nonces and its register; it is
 * compared in constant time. With message signatures on, the per-connection
 * signing key derives from both nonces, so a frame captured on one
 * connection is useless on another. The coordinator's own proof (what makes
 * the authentication mutual) is made by `proveToWorker`.
 */
import { safeEqualHex } from '../core/crypto.js';
import { coordinatorProof, registrationMac, sessionSigningKey, type RegisteredBinding } from '../protocol/handshake.js';
import type { Register, Welcome } from '../protocol/messages.js';
import { warnLimited } from '../core/log-limiter.js';
import type { MarkName } from '../core/marks.js';
import type { CoordinatorContext } from './context.js';

export type AuthVerdict = { ok: true; signKey: string | undefined } | { ok: false; reason: string };

/**
 * Checks a register message against the welcome this connection was sent.
 * Without a secret everything is accepted (and nothing is signed).
 */
export function authenticate(secret: string | undefined, welcome: Welcome, msg: Register): AuthVerdict {
  if (secret === undefined) return { ok: true, signKey: undefined };
  if (msg.auth === undefined) return { ok: false, reason: 'registration needs auth.mac (this coordinator requires a secret)' };
  const expected = registrationMac(secret, welcome, msg);
  if (!safeEqualHex(msg.auth.mac, expected)) {
    return { ok: false, reason: 'registration MAC does not match (wrong secret, a replayed nonce, or a welcome altered in transit)' };
  }
  return { ok: true, signKey: welcome.signMessages ? sessionSigningKey(secret, welcome.nonce, msg.clientNonce) : undefined };
}

/** The `proof` field of `registered`: undefined without a secret (the worker then must not have one either). */
export function proveToWorker(secret: string | undefined, welcome: Welcome, clientNonce: string, r: RegisteredBinding): string | undefined {
  return secret === undefined ? undefined : coordinatorProof(secret, welcome, clientNonce, r);
}

/** A refused registration or signature, told everywhere it shows: its mark, the metric, an `auth_failed` event, a rate-limited warning. */
export function authFailed(ctx: CoordinatorContext, connectionId: string, workerId: string, reason: string, mark: MarkName): void {
  ctx.marks.hit(mark);
  ctx.metrics.authFailures.inc();
  ctx.emit({ type: 'auth_failed', workerId, connectionId, reason });
  warnLimited(ctx.rejectLog, ctx.logger, 'auth_failed', { workerId, connectionId, reason }, 'authentication failed');
}
