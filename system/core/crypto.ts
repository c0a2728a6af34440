/**
 * Deterministic cryptography (HMAC, constant-time compare, hashing). These are
 * pure functions of their inputs, so simulation can use them as they are; all
 * randomness (nonces, ids) comes from the Random seam instead.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** HMAC-SHA256 of message under key, hex encoded. */
export function hmacHex(key: string, message: string): string {
  return createHmac('sha256', key).update(message).digest('hex');
}

/** Constant-time equality of two hex strings (false on any length mismatch). */
export function safeEqualHex(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  if (ab.length !== bb.length) return false;
  return timingSafeEqual(ab, bb);
}

/** SHA-256 of a string, hex encoded (trace hashes, fingerprints). */
export function sha256Hex(data: string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** An incremental SHA-256, for hashing a long trace without holding it. */
export function sha256Stream(): { update(s: string): void; digest(): string } {
  const h = createHash('sha256');
  return {
    update: (s) => {
      h.update(s);
    },
    digest: () => h.digest('hex'),
  };
}
