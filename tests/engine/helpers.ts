/**
 * Shared helpers for the engine suites: claiming, reporting, and
 * `caughtBroken`, which runs a scenario against a deliberately broken variant
 * and returns whether the scenario noticed (it must).
 */
import { expect } from 'vitest';
import { asWorkerId } from '../../system/core/ids.js';
import type { AssignmentSpec, ResultReport } from '../../system/engine/contract.js';
import type { Engine } from '../../system/engine/engine.js';

export const W1 = asWorkerId('w1');
export const W2 = asWorkerId('w2');
export const W3 = asWorkerId('w3');
export const ALL_KINDS: ReadonlySet<string> = new Set(['echo', 'fail', 'sleep']);

export function claim(engine: Engine, worker = W1, kinds: ReadonlySet<string> = ALL_KINDS): AssignmentSpec {
  const c = engine.claimNext(worker, kinds);
  expect(c, `something to claim for ${worker}`).toBeDefined();
  return (c as NonNullable<typeof c>).assignment;
}

export function report(a: AssignmentSpec, outcome: ResultReport['outcome'], extra: Partial<ResultReport> = {}): ResultReport {
  return { executionId: a.executionId, attempt: a.attempt, leaseToken: a.leaseToken, outcome, durationMs: 1, ...extra };
}

/** Runs `scenario` expecting it to fail on an assertion (not a crash) against the broken variant. */
export async function expectCaught(scenario: () => Promise<void>): Promise<void> {
  let error: unknown;
  try {
    await scenario();
  } catch (err) {
    error = err;
  }
  expect(error, 'the scenario must fail against the deliberately broken variant').toBeDefined();
  // It must fail on an assertion about behaviour, not crash for an unrelated reason.
  expect((error as Error).name, String(error)).toBe('AssertionError');
  if (process.env.SHOW_CAUGHT) console.log('caught:', (error as Error).message.split('\n')[0]);
}
