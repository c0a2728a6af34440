/**
 * Circuit-breaker mistakes (scenarios/breaker.yaml, promise 28): CircuitBreakers
 * subclasses an Engine builds through its `createBreakers` seam, wired in by
 * SimWiring.engineFactory (tests/sim/broken-breaker.test.ts).
 */
import type { EngineFactory } from '../../../system/coordinator/index.js';
import type { ExecutionId } from '../../../system/core/ids.js';
import { CircuitBreakers, type BreakerConfig } from '../../../system/engine/circuit-breaker.js';
import { Engine } from '../../../system/engine/engine.js';
import { engineFactoryOf } from './variants.js';

/** Half-open lets `trials <= halfOpenMaxCalls` through: one trial too many. */
class OneTrialTooMany extends CircuitBreakers {
  override canPass(kind: string): boolean {
    if (super.canPass(kind)) return true;
    const b = this.kinds.get(kind);
    return b?.state === 'half-open' && b.trials.size <= this.config.halfOpenMaxCalls;
  }
}

/** An open breaker is read as half-open at once: the reset period is skipped. */
class NoResetWait extends CircuitBreakers {
  override canPass(kind: string): boolean {
    const b = this.kinds.get(kind);
    if (b?.state === 'open') return b.trials.size < this.config.halfOpenMaxCalls;
    return super.canPass(kind);
  }
}

/** A failed half-open trial leaves the breaker half-open (it never re-opens): the next trial goes at once. */
class StaysHalfOpen extends CircuitBreakers {
  override onFailure(kind: string, id: ExecutionId): void {
    const before = this.kinds.get(kind)?.state;
    super.onFailure(kind, id);
    const b = this.kinds.get(kind);
    if (before === 'half-open' && b !== undefined) b.state = 'half-open';
  }
}

/** A failure while open opens it again, restarting the reset period (blind set 9 #12): a late failure holds the kind's retries back longer. */
class ReopensWhenOpen extends CircuitBreakers {
  override onFailure(kind: string, id: ExecutionId): void {
    super.onFailure(kind, id);
    const b = this.kinds.get(kind);
    if (b?.state === 'open') this.open(b);
  }
}

/** A lease that ends without a verdict (expired, given back at a sync) keeps its half-open trial slot: the kind stays half-open with no trial ever again. */
class KeepsTrialOnRelease extends CircuitBreakers {
  override onRelease(): void {}
}

const MISTAKES = {
  'one-trial-too-many': OneTrialTooMany,
  'no-reset-wait': NoResetWait,
  'stays-half-open': StaysHalfOpen,
  'reopens-when-open': ReopensWhenOpen,
  'keeps-trial-on-release': KeepsTrialOnRelease,
} as const;

export type BreakerMistake = keyof typeof MISTAKES;

/** The coordinator's engine with breakers making `mistake`. */
export function brokenBreakers(mistake: BreakerMistake): EngineFactory {
  const Breakers = MISTAKES[mistake];
  return engineFactoryOf(
    class extends Engine {
      protected override createBreakers(config: BreakerConfig, onReopenable: () => void): CircuitBreakers {
        return new Breakers(this.clock, config, onReopenable);
      }
    },
  );
}
