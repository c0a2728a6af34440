/**
 * What the production transport does to what it puts on the wire, apart from
 * the socket I/O: which close codes may go in a close frame, how a close
 * reason is trimmed to fit, and what a frame above the payload limit gets.
 * WsConnection applies it over `ws`; the simulated network
 * (harness/sim/connection.ts) applies the very same functions, so a change
 * here is seen by the simulation suite as it would be by a real peer.
 */

/** The longest close reason a close frame carries (RFC 6455 §5.5: a 125-byte payload minus the 2-byte code). */
export const MAX_CLOSE_REASON_BYTES = 123;

/** RFC 6455 1011: what an unsendable close code is replaced by (internal error). */
const FALLBACK_CLOSE_CODE = 1011;

/** RFC 6455 1009 and ws's reason: a frame above maxPayload closes the connection (sent by the receiving transport). */
export const TOO_BIG_CLOSE = { code: 1009, reason: 'Max payload size exceeded' } as const;

/**
 * The close reason as it goes on the wire: trimmed to MAX_CLOSE_REASON_BYTES
 * without splitting a character. `ws` throws a RangeError inside close() for a
 * longer one, and so does the simulated transport.
 */
export function trimCloseReason(reason: string): string {
  if (Buffer.byteLength(reason, 'utf8') <= MAX_CLOSE_REASON_BYTES) return reason;
  let out = reason.slice(0, MAX_CLOSE_REASON_BYTES);
  while (Buffer.byteLength(out, 'utf8') > MAX_CLOSE_REASON_BYTES) out = out.slice(0, -1);
  return out;
}

/**
 * Close codes an endpoint may put in a close frame (RFC 6455 §7.4): 1000-1014
 * but the reserved 1004, 1005 and 1006, the registered 3000-3999 and the
 * application range 4000-4999, where every squall code lives
 * (system/protocol/close-codes.ts). `ws` throws a TypeError for any other.
 */
export function isSendableCloseCode(code: number): boolean {
  if (!Number.isInteger(code)) return false;
  if (code >= 1000 && code <= 1014) return code !== 1004 && code !== 1005 && code !== 1006;
  return code >= 3000 && code <= 4999;
}

/** The close code as it goes on the wire: the one asked for when sendable, else 1011 (never a throw inside close()). */
export function wireCloseCode(code: number): number {
  return isSendableCloseCode(code) ? code : FALLBACK_CLOSE_CODE;
}
