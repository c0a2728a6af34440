/**
 * The engine-feature promises can fail (issue 10): scenarios/engine-features.yaml
 * runs with the real system (it passes) and with one broken engine piece
 * swapped in through SimWiring (./broken/engine-variants.ts). Each broken run
 * must be reported under the promise the defect breaks, with a story that
 * says what happened.
 */
import { simVerdict, type Verdict } from './broken/verdict.js';
import { describe, expect, it } from 'vitest';
import type { PromiseName } from '../../harness/check/promises.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import type { SimWiring } from '../../harness/sim/index.js';
import type { Engine } from '../../system/engine/engine.js';
import { engineFactoryOf } from './broken/variants.js';
import {
  CancelNotDispatchedEngine,
  CheckpointDroppingEngine,
  ForgetfulKeysEngine,
  KeylessEngine,
  NoRetryDelayEngine,
  OnlyFailedPropagatesEngine,
  PauseNotDispatchedEngine,
  PriorityBlindEngine,
  RetryDueForgottenEngine,
  TimeoutInSecondsEngine,
  TimeoutTimesThousandEngine,
} from './broken/engine-variants.js';
import { FirstKindWinsEngine, RepeatBeforeCommitEngine, ResumeIgnoresDependenciesEngine, StickyDelayTimerEngine } from './broken/engine-variants.js';
import { FirstStartKeptEngine } from './broken/read-variants.js';
import { DedupedNodeEdgeDroppedEngine } from './broken/dependency-variants.js';

const FILE = 'scenarios/engine-features.yaml';

const verdict = async (wiring?: SimWiring, file = FILE): Promise<Verdict> => simVerdict(await loadScenario(file), wiring);

const engine = (cls: typeof Engine): SimWiring => ({ engineFactory: engineFactoryOf(cls) });

const CASES: { name: string; wiring: SimWiring; caught: PromiseName; says: RegExp }[] = [
  { name: 'the ready queue ignores priorities', wiring: engine(PriorityBlindEngine), caught: 'priority', says: /higher priority must go first/ },
  { name: 'idempotency keys are ignored', wiring: engine(KeylessEngine), caught: 'idempotency', says: /the same key must give one execution/ },
  { name: 'known keys forgotten (a repeat trips the store and is refused)', wiring: engine(ForgetfulKeysEngine), caught: 'idempotency', says: /was refused as a conflict/ },
  { name: 'timeoutMs sent in seconds', wiring: engine(TimeoutInSecondsEngine), caught: 'worker-timeouts', says: /fired early/ },
  { name: 'timeoutMs scaled by 1000', wiring: engine(TimeoutTimesThousandEngine), caught: 'worker-timeouts', says: /not stopped at its timeout/ },
  { name: 'a cancel never reaches the worker', wiring: engine(CancelNotDispatchedEngine), caught: 'client-control', says: /cancel at t=\d+ .* never stopped it|cancel at t=\d+ .* stopped it only/ },
  { name: 'a pause never reaches the worker', wiring: engine(PauseNotDispatchedEngine), caught: 'client-control', says: /pause at t=\d+ .* (never stopped it|stopped it only)/ },
  { name: 'the assignment drops the checkpoint the claim names', wiring: engine(CheckpointDroppingEngine), caught: 'checkpoints', says: /as the worker reports/ },
  { name: 'retry delays ignored', wiring: engine(NoRetryDelayEngine), caught: 'retries', says: /retried \d+ ms after failure 1; strategy fixed/ },
  { name: 'timed-out and cancelled dependencies leave dependents hanging', wiring: engine(OnlyFailedPropagatesEngine), caught: 'order', says: /ended (timeout|cancelled) but this dependent/ },
  // Issue 10, efeat: engine features in the states where their defects bite.
  { name: 'the ready queue serves the first kind that has work (class 26)', wiring: engine(FirstKindWinsEngine), caught: 'priority', says: /kind (echo|cpu), which w\d runs, breaker closed.*higher priority must go first/ },
  { name: 'resume schedules a paused dependent whatever its dependencies (class 37)', wiring: engine(ResumeIgnoresDependenciesEngine), caught: 'order', says: /claimed at t=\d+ before its dependency \S+ completed/ },
  { name: 'a retried execution keeps its first attempt\'s startedAt (blind set 10 #08)', wiring: engine(FirstStartKeptEngine), caught: 'api-contract', says: /startedAt is not the final attempt's start/ },
  { name: 'a graph node that is an idempotent repeat loses its dependents\' edge (blind set 10 #09)', wiring: engine(DedupedNodeEdgeDroppedEngine), caught: 'order', says: /dependencies \S+ dropped[\s\S]*claimed at t=\d+ before its dependency \S+ completed/ },
  { name: 'the delay queue keeps its timer for a later entry (class 28)', wiring: engine(StickyDelayTimerEngine), caught: 'retries', says: /strategy fixed \(delay 200, .*the retry came too late/ },
];

describe('engine-features scenario', () => {
  it('passes on the real system at seed 1', async () => {
    const v = await verdict();
    expect(v.text).toBe('');
    expect(v.passed).toBe(true);
  });

  for (const c of CASES) {
    it(`catches: ${c.name} (promise ${c.caught})`, async () => {
      const v = await verdict(c.wiring);
      expect(v.passed).toBe(false);
      expect(v.promises).toContain(c.caught);
      expect(v.text).toMatch(c.says);
    });
  }
});

describe('combined-faults scenario', () => {
  it('passes on the real system and catches a restart that forgets when waiting retries are due', async () => {
    const file = 'scenarios/combined-faults.yaml';
    expect((await verdict(undefined, file)).text).toBe('');
    const v = await verdict(engine(RetryDueForgottenEngine), file);
    expect(v.promises).toContain('retries');
    expect(v.text).toMatch(/retried \d+ ms after failure \d; strategy (fixed|exponential|fibonacci)/);
    // A restart alone, with nothing waiting on a retry delay, does not reach the defect.
    expect((await verdict(engine(RetryDueForgottenEngine), 'scenarios/coordinator-crash-restart.yaml')).passed).toBe(true);
  });
});

describe('commit-window-crash scenario, idempotent repeats in the commit window (class 32)', () => {
  it('passes on the real system and catches a repeat answered before its original committed', async () => {
    const file = 'scenarios/commit-window-crash.yaml';
    expect((await verdict(undefined, file)).text).toBe('');
    const v = await verdict(engine(RepeatBeforeCommitEngine), file);
    expect(v.promises).toContain('durability');
    expect(v.text).toMatch(/acknowledged at t=6500 but unknown to the coordinator at the final read/);
  });
});
