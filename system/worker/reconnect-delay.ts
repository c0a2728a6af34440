/**
 * The worker's next reconnect delay (worker-link.ts), in its own module so
 * that it reaches retryAfterBounds through worker-types.js's exports.
 */
import type { Random } from '../core/random.js';
import { type BackoffBounds, type BackoffConfig, backoffBounds, backoffDelay } from './backoff.js';
import { retryAfterBounds } from './worker-types.js';

/**
 * The next reconnect delay and the bounds it was drawn in: the backoff
 * strategy's, or, when the coordinator's last refusal carried a retry-after
 * hint, that hint's window (jittered). The strategy draws first either way,
 * so a hint shifts no later draw of the stream.
 */
export function reconnectDelay(backoff: BackoffConfig, attempt: number, random: Random, prevDelay: number | undefined, hint: number | undefined, draw: typeof backoffDelay = backoffDelay): { bounds: BackoffBounds; delayMs: number } {
  const delayMs = draw(backoff, attempt, random, prevDelay);
  if (hint === undefined) return { bounds: backoffBounds(backoff.strategy, backoff, attempt, prevDelay), delayMs };
  // The coordinator said when to come back: wait at least that (within the backoff cap), jittered.
  const bounds = retryAfterBounds(hint, backoff.maxMs);
  return { bounds, delayMs: bounds.floorMs + random.float() * (bounds.capMs - bounds.floorMs) };
}
