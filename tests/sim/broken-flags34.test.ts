/**
 * Session 34's flags accepted and silently ignored: the class rule
 * (tests/cli/flag-effect.ts, fast-check at a fixed seed: every flag a
 * command accepts changes what it runs) catches a command whose
 * "has no effect" refusals (system/cli/inert-flags.ts, mocked) lose one,
 * while the real commands pass at the same seed:
 * - `squall coordinator --retain-sweep` without a retention limit (the
 *   sweep period was dropped: nothing to prune);
 * - `squall worker --command-env-allow` without `--allow-kinds command`;
 * - `squall submit --poll-ms` without `--wait`.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type * as Inert from '../../system/cli/inert-flags.js';
import { inertFlagFound } from '../cli/flag-effect.js';

const plant = vi.hoisted(() => ({ sweep: false, envAllow: false, poll: false }));

vi.mock('../../system/cli/inert-flags.js', async (importOriginal) => {
  const real = await importOriginal<typeof Inert>();
  /** The rules blind to one flag (as before session 34: it passes), the others still applied. */
  const blind = (given: Inert.Given, on: boolean, key: string): Inert.Given => (k) => !(on && k === key) && given(k);
  return {
    ...real,
    coordinatorInertFlag: (f: Inert.CoordinatorPairFlags, given: Inert.Given) => real.coordinatorInertFlag(f, blind(given, plant.sweep, 'retainSweep')),
    workerInertFlag: (f: Inert.WorkerPairFlags, given: Inert.Given) => real.workerInertFlag(f, blind(given, plant.envAllow, 'commandEnvAllow')),
    submitInertFlag: (f: Inert.SubmitPairFlags, given: Inert.Given) => real.submitInertFlag(f, blind(given, plant.poll, 'pollMs')),
  };
});

const ENV = ['SQUALL_SECRET', 'SQUALL_SECRET_FILE', 'SQUALL_TOKEN', 'SQUALL_TOKEN_FILE', 'SQUALL_URL'];
beforeAll(() => {
  for (const k of ENV) delete process.env[k];
});
afterEach(() => Object.assign(plant, { sweep: false, envAllow: false, poll: false }));

describe('session 34: flags accepted and silently ignored', () => {
  it('the real commands pass at seed 34', { timeout: 120_000 }, async () => {
    for (const c of ['coordinator', 'worker', 'submit'] as const) expect((await inertFlagFound(c, 34, 300)).found).toBeUndefined();
  });

  it('coordinator: --retain-sweep without --retain-count or --retain-age accepted', { timeout: 120_000 }, async () => {
    plant.sweep = true;
    expect((await inertFlagFound('coordinator', 34, 300)).found).toMatch(/accepted --retain-sweep 5s, which changes nothing/);
  });

  it('worker: --command-env-allow without --allow-kinds command accepted', { timeout: 120_000 }, async () => {
    plant.envAllow = true;
    expect((await inertFlagFound('worker', 34, 300)).found).toMatch(/accepted --command-env-allow PATH, which changes nothing/);
  });

  it('submit: --poll-ms without --wait accepted', { timeout: 120_000 }, async () => {
    plant.poll = true;
    expect((await inertFlagFound('submit', 34, 300)).found).toMatch(/accepted --poll-ms 500, which changes nothing/);
  });
});
