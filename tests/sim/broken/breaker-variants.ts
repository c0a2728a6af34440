/**
 * Circuit-breaker mistakes (scenarios/breaker.yaml, promise 28), planted on
 * CircuitBreakers' prototype for one run and taken out again
 * (tests/sim/broken-breaker.test.ts).
 */
import type { ExecutionId } from '../../../system/core/ids.js';
import { CircuitBreakers } from '../../../system/engine/circuit-breaker.js';

type Kinds = Map<string, { state: string; trials: Set<string> }>;
const kindsOf = (b: CircuitBreakers): Kinds => (b as unknown as { kinds: Kinds }).kinds;
const configOf = (b: CircuitBreakers): { halfOpenMaxCalls: number } => (b as unknown as { config: { halfOpenMaxCalls: number } }).config;

type CanPass = CircuitBreakers['canPass'];
type OnFailure = CircuitBreakers['onFailure'];

const MISTAKES = {
  /** Half-open lets `trials <= halfOpenMaxCalls` through: one trial too many. */
  'one-trial-too-many': (original: CanPass): CanPass =>
    function (this: CircuitBreakers, kind: string) {
      if (original.call(this, kind)) return true;
      const b = kindsOf(this).get(kind);
      return b?.state === 'half-open' && b.trials.size <= configOf(this).halfOpenMaxCalls;
    },
  /** An open breaker is read as half-open at once: the reset period is skipped. */
  'no-reset-wait': (original: CanPass): CanPass =>
    function (this: CircuitBreakers, kind: string) {
      const b = kindsOf(this).get(kind);
      if (b?.state === 'open') return b.trials.size < configOf(this).halfOpenMaxCalls;
      return original.call(this, kind);
    },
} as const;

/** A failed half-open trial leaves the breaker half-open (it never re-opens): the next trial goes at once. */
const stayHalfOpen = (original: OnFailure): OnFailure =>
  function (this: CircuitBreakers, kind: string, id: ExecutionId) {
    const before = kindsOf(this).get(kind)?.state;
    original.call(this, kind, id);
    const b = kindsOf(this).get(kind);
    if (before === 'half-open' && b !== undefined) b.state = 'half-open';
  };

/** A failure while open opens it again, restarting the reset period (blind set 9 #12): a late failure holds the kind's retries back longer. */
const reopenWhenOpen = (original: OnFailure): OnFailure =>
  function (this: CircuitBreakers, kind: string, id: ExecutionId) {
    original.call(this, kind, id);
    const b = kindsOf(this).get(kind);
    if (b?.state === 'open') (this as unknown as { open(x: unknown): void }).open(b);
  };

/** A lease that ends without a verdict (expired, given back at a sync) keeps its half-open trial slot: the kind stays half-open with no trial ever again. */
const keepsTrialOnRelease = (): CircuitBreakers['onRelease'] => () => {};

export type BreakerMistake = keyof typeof MISTAKES | 'stays-half-open' | 'keeps-trial-on-release' | 'reopens-when-open';

/** Runs `body` with the breakers making `mistake`; restores the real methods after. */
export async function withBrokenBreakers<T>(mistake: BreakerMistake, body: () => Promise<T>): Promise<T> {
  const canPass = CircuitBreakers.prototype.canPass;
  const onFailure = CircuitBreakers.prototype.onFailure;
  const onRelease = CircuitBreakers.prototype.onRelease;
  if (mistake === 'stays-half-open') CircuitBreakers.prototype.onFailure = stayHalfOpen(onFailure);
  else if (mistake === 'reopens-when-open') CircuitBreakers.prototype.onFailure = reopenWhenOpen(onFailure);
  else if (mistake === 'keeps-trial-on-release') CircuitBreakers.prototype.onRelease = keepsTrialOnRelease();
  else CircuitBreakers.prototype.canPass = MISTAKES[mistake](canPass);
  try {
    return await body();
  } finally {
    CircuitBreakers.prototype.canPass = canPass;
    CircuitBreakers.prototype.onFailure = onFailure;
    CircuitBreakers.prototype.onRelease = onRelease;
  }
}
