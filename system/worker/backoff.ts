/**
 * Reconnect backoff, as pure functions of (config, attempt, previous delay,
 * Random). Two promises the seed system broke:
 *  - the cap is applied BEFORE jitter, so workers that reached the cap still
 *    spread over [floor, cap] instead of retrying in lockstep at the cap;
 *  - the exponential saturates at the cap without ever computing a huge
 *    power, so attempt 1e9 gives a finite delay and reconnection never stops.
 */
import { InvalidArgumentError } from '../core/errors.js';
import type { Random } from '../core/random.js';
import { shareEqual } from '../core/share-equal.js';

export const BACKOFF_STRATEGIES = ['none', 'full-jitter', 'equal-jitter', 'decorrelated-jitter'] as const;
/** none: fixed initialMs; the jitter variants follow the AWS Architecture Blog names. */
export type BackoffStrategy = (typeof BACKOFF_STRATEGIES)[number];

/** What a caller may pass; every field optional. */
export interface BackoffOptions {
  strategy?: BackoffStrategy;
  /** Base delay of the first retry, ms (>= 0). */
  initialMs?: number;
  /** Largest delay ever chosen, ms (>= initialMs). */
  maxMs?: number;
  /** Growth factor per attempt (>= 1). */
  multiplier?: number;
}

/** Validated options with defaults filled in. */
export interface BackoffConfig {
  readonly strategy: BackoffStrategy;
  readonly initialMs: number;
  readonly maxMs: number;
  readonly multiplier: number;
}

export const BACKOFF_DEFAULTS: BackoffConfig = { strategy: 'full-jitter', initialMs: 100, maxMs: 10_000, multiplier: 2 };

/** Workers of one process with the same backoff share its resolved object. */
const sharedBackoff = shareEqual<BackoffConfig>();

/** Fills defaults and rejects values that cannot make a sensible schedule. */
export function backoffWithDefaults(opts: BackoffOptions = {}, path = 'backoff'): BackoffConfig {
  const cfg: BackoffConfig = {
    strategy: opts.strategy ?? BACKOFF_DEFAULTS.strategy,
    initialMs: opts.initialMs ?? BACKOFF_DEFAULTS.initialMs,
    maxMs: opts.maxMs ?? Math.max(BACKOFF_DEFAULTS.maxMs, opts.initialMs ?? 0),
    multiplier: opts.multiplier ?? BACKOFF_DEFAULTS.multiplier,
  };
  if (!BACKOFF_STRATEGIES.includes(cfg.strategy)) {
    throw new InvalidArgumentError(
      `${path}.strategy must be one of ${BACKOFF_STRATEGIES.join(', ')}; got ${JSON.stringify(cfg.strategy)}`,
      `${path}.strategy`,
    );
  }
  const finiteNonNeg = (v: number, name: string): void => {
    if (!Number.isFinite(v) || v < 0) {
      throw new InvalidArgumentError(`${path}.${name} must be a finite number >= 0; got ${v}`, `${path}.${name}`);
    }
  };
  finiteNonNeg(cfg.initialMs, 'initialMs');
  finiteNonNeg(cfg.maxMs, 'maxMs');
  if (cfg.maxMs < cfg.initialMs) {
    throw new InvalidArgumentError(
      `${path}.maxMs must be >= ${path}.initialMs (got maxMs ${cfg.maxMs} < initialMs ${cfg.initialMs})`,
      `${path}.maxMs`,
    );
  }
  if (!Number.isFinite(cfg.multiplier) || cfg.multiplier < 1) {
    throw new InvalidArgumentError(`${path}.multiplier must be a finite number >= 1; got ${cfg.multiplier}`, `${path}.multiplier`);
  }
  return sharedBackoff(cfg);
}


/**
 * min(maxMs, initialMs * multiplier^(attempt-1)) without overflow: the power
 * is only computed while it is known to stay below the cap. attempt >= 1.
 */
export function cappedExponential(cfg: BackoffConfig, attempt: number): number {
  const { initialMs, maxMs, multiplier } = cfg;
  const n = Math.max(0, Math.floor(attempt) - 1);
  if (initialMs === 0 || n === 0 || multiplier === 1) return Math.min(initialMs, maxMs);
  if (initialMs >= maxMs) return maxMs;
  // Exponent at which the cap is reached; n beyond it saturates without computing a power.
  const saturateAt = Math.log(maxMs / initialMs) / Math.log(multiplier);
  if (!(n < saturateAt)) return maxMs;
  return Math.min(maxMs, initialMs * multiplier ** n);
}

/** The interval a delay for this attempt is drawn from (both ends inclusive). */
export interface BackoffBounds {
  floorMs: number;
  capMs: number;
}

/**
 * Bounds of the delay for `attempt` (1 = first retry). For decorrelated jitter
 * `prevMs` is the previous delay (defaults to initialMs).
 */
export function backoffBounds(strategy: BackoffStrategy, cfg: BackoffConfig, attempt: number, prevMs?: number): BackoffBounds {
  switch (strategy) {
    case 'none': {
      const d = Math.min(cfg.initialMs, cfg.maxMs);
      return { floorMs: d, capMs: d };
    }
    case 'full-jitter':
      return { floorMs: 0, capMs: cappedExponential(cfg, attempt) };
    case 'equal-jitter': {
      const b = cappedExponential(cfg, attempt);
      return { floorMs: b / 2, capMs: b };
    }
    case 'decorrelated-jitter': {
      const base = Math.min(cfg.initialMs, cfg.maxMs);
      const prev = prevMs !== undefined && Number.isFinite(prevMs) && prevMs > 0 ? prevMs : base;
      // Cap before jitter: draw in [base, min(cap, 3*prev)], never clamp a draw to the cap.
      const hi = Math.min(cfg.maxMs, Math.max(base, prev * 3));
      return { floorMs: base, capMs: hi };
    }
  }
}

/** The delay before reconnect attempt `attempt`, drawn uniformly within backoffBounds. */
export function backoffDelay(cfg: BackoffConfig, attempt: number, random: Random, prevMs?: number): number {
  const { floorMs, capMs } = backoffBounds(cfg.strategy, cfg, attempt, prevMs);
  if (capMs <= floorMs) return floorMs;
  const d = floorMs + random.float() * (capMs - floorMs);
  return Math.min(capMs, Math.max(floorMs, d));
}

/**
 * The handshake deadline of the next attempt after `timeouts` consecutive
 * handshake timeouts: baseMs doubled per timeout, at most maxMs. A fixed
 * deadline shorter than what a loaded coordinator needs abandons every
 * attempt just before it would complete, and the retries keep it loaded: no
 * worker ever registers (congestion collapse). Doubling (TCP backs off its
 * retransmission timer the same way, RFC 6298 5.5) guarantees an attempt
 * long enough; the first registration resets it.
 */
export function handshakeDeadline(baseMs: number, maxMs: number, timeouts: number): number {
  if (timeouts <= 0) return Math.min(baseMs, maxMs);
  // 2^31 * baseMs is beyond any ceiling: no huge power is computed.
  return Math.min(maxMs, baseMs * 2 ** Math.min(timeouts, 31));
}
