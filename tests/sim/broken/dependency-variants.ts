/**
 * Broken pieces for the dependency states outside the live cascade (issue
 * 10): the engine's judgement of dependencies that ended before a dependent
 * was submitted, recovered or resumed, and the order of a dependency's
 * completion commit and its dependents' claims. Wired in through SimWiring
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
