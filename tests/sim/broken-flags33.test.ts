/**
 * Session 33's flag pairs the CLI accepted and the process then refused
 * (after opening its data dir): the class rule (tests/cli/flag-agreement.ts,
 * fast-check at a fixed seed) catches a command whose pre-action flag rules
 * (system/cli/flag-rules.ts, mocked) lose one pair, while the real commands
 * pass at the same seed:
 * - the coordinator's heartbeat ceiling: `--heartbeat-timeout-max-ms` below
 *   the timeout in force passes the parse, then the coordinator refuses;
 * - the worker's backoff cap: `--backoff-max-ms` below
 *   `--backoff-initial-ms` (or `--backoff-initial-ms` above the default cap)
 *   passes the parse, then the worker refuses.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type * as FlagRules from '../../system/cli/flag-rules.js';
import { flagDisagreement } from '../cli/flag-agreement.js';

const plant = vi.hoisted(() => ({ noCeilingRule: false, noBackoffCapRule: false }));

vi.mock('../../system/cli/flag-rules.js', async (importOriginal) => {
  const real = await importOriginal<typeof FlagRules>();
  return {
    ...real,
    // Broken: the coordinator's --heartbeat-timeout-max-ms rule is missing (the other rules still apply).
    coordinatorFlagConflict: (f: FlagRules.CoordinatorRuleFlags, env?: NodeJS.ProcessEnv) => {
      const why = real.coordinatorFlagConflict(f, env);
      return plant.noCeilingRule && why?.startsWith('--heartbeat-timeout-max-ms') === true ? real.coordinatorFlagConflict({ ...f, heartbeatTimeoutMaxMs: undefined }, env) : why;
    },
    // Broken: the worker's --backoff-max-ms >= --backoff-initial-ms rule is missing.
    workerFlagConflict: (f: FlagRules.WorkerRuleFlags, env?: NodeJS.ProcessEnv) => {
      const why = real.workerFlagConflict(f, env);
      return plant.noBackoffCapRule && why?.startsWith('--backoff-max-ms') === true ? real.workerFlagConflict({ ...f, backoffMaxMs: Math.max(f.backoffMaxMs, f.backoffInitialMs) }, env) : why;
    },
  };
});

beforeAll(() => {
  for (const k of ['SQUALL_SECRET', 'SQUALL_SECRET_FILE']) delete process.env[k];
});
afterEach(() => Object.assign(plant, { noCeilingRule: false, noBackoffCapRule: false }));

describe('session 33: flag pairs the CLI accepts and the process refuses', () => {
  it('the real commands agree with their processes at seed 33', { timeout: 120_000 }, async () => {
    expect((await flagDisagreement('coordinator', 33, 400)).found).toBeUndefined();
    expect((await flagDisagreement('worker', 33, 400)).found).toBeUndefined();
  });

  it('coordinator: no rule for --heartbeat-timeout-max-ms below the timeout', { timeout: 120_000 }, async () => {
    plant.noCeilingRule = true;
    const r = await flagDisagreement('coordinator', 33, 400);
    expect(r.found).toMatch(/--heartbeat-timeout-max-ms \d+.*: the command accepted it, then the coordinator refused to start: heartbeatTimeoutMaxMs \(\d+\) must be >= heartbeatTimeoutMs \(\d+\)/);
  });

  it('worker: no rule for --backoff-max-ms below --backoff-initial-ms', { timeout: 120_000 }, async () => {
    plant.noBackoffCapRule = true;
    const r = await flagDisagreement('worker', 33, 400);
    expect(r.found).toMatch(/the command accepted it, then the worker refused to start: backoff\.maxMs must be >= backoff\.initialMs/);
  });
});
