/**
 * Broken pieces for the dependency states outside the live cascade (issue
 * 10): the engine's judgement of dependencies that ended before a dependent
 * was submitted, recovered or resumed, and a recovered dependent whose
 * dependency's completion the store never kept. Wired in through SimWiring
 * (tests/sim/broken-dependency-states.test.ts); none is a switch in production code.
 */
import { Engine } from '../../../system/engine/engine.js';

/** Only a `failed` dependency counts as unsuccessful: a dependent of a timed-out or cancelled one waits forever. */
export class OnlyFailedUnsuccessfulEngine extends Engine {
  protected override dependencyStateOf(...args: Parameters<Engine['dependencyStateOf']>): ReturnType<Engine['dependencyStateOf']> {
    const deps = super.dependencyStateOf(...args);
    return deps.state === 'failed' && deps.status !== 'failed' ? { state: 'waiting' } : deps;
  }
}

/** The same mistake in recovery alone: a dependent recovered pending after its dependency timed out or was cancelled waits forever. */
export class RecoveredOnlyFailedUnsuccessfulEngine extends Engine {
  protected override dependencyStateOf(...args: Parameters<Engine['dependencyStateOf']>): ReturnType<Engine['dependencyStateOf']> {
    const deps = super.dependencyStateOf(...args);
    return this.state === 'recovering' && deps.state === 'failed' && deps.status !== 'failed' ? { state: 'waiting' } : deps;
  }
}

/**
 * Recovery trusts a scheduled status: a dependent whose `scheduled` write
 * committed while its dependency's completion write failed is queued at the
 * reload and runs before its dependency completed.
 */
export class ScheduledTrustedAtRecoveryEngine extends Engine {
  protected override recoverOne(...args: Parameters<Engine['recoverOne']>): void {
    const rec = args[0];
    if (rec.status === 'scheduled') this.enqueue(rec);
    else super.recoverOne(...args);
  }
}
