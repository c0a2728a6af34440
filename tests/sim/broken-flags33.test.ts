/**
 * Session 33's flag pairs the CLI accepted and the process then refused
 * (after opening its data dir): the class rule (tests/cli/flag-agreement.ts,
 * fast-check at a fixed seed) catches a command whose pre-action flag rules
 * (since session 34 the processes' own resolvers, run as the command parses
 * through system/cli/config-flags.ts, mocked) lose one pair, while the real commands
 * pass at the same seed:
 * - the coordinator's heartbeat ceiling: `--heartbeat-timeout-max-ms` below
 *   the timeout in force passes the parse, then the coordinator refuses;
 * - the worker's backoff cap: `--backoff-max-ms` below
 *   `--backoff-initial-ms` (or `--backoff-initial-ms` above the default cap)
 *   passes the parse, then the worker refuses.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type * as ConfigFlags from '../../system/cli/config-flags.js';
import { SquallError } from '../../system/core/errors.js';
import { flagDisagreement } from '../cli/flag-agreement.js';

const plant = vi.hoisted(() => ({ noCeilingRule: false, noBackoffCapRule: false }));

vi.mock('../../system/cli/config-flags.js', async (importOriginal) => {
  const real = await importOriginal<typeof ConfigFlags>();
  /** The resolver run as the CLI parses, blind to refusals of `path` (the other fields still refused). */
  const blindTo = (path: string, resolve: () => unknown) => () => {
    try {
      return resolve();
    } catch (err) {
      if (err instanceof SquallError && err.path === path) return undefined;
      throw err;
    }
  };
  return {
    ...real,
    // Broken: the coordinator's heartbeatTimeoutMaxMs refusal is not checked as the command parses;
    // broken: the worker's backoff.maxMs >= backoff.initialMs refusal is not.
    resolverConflict: (resolve: () => unknown, table: Readonly<Record<string, ConfigFlags.FieldFlag>>, given: (key: string) => boolean) => {
      const blind = plant.noCeilingRule ? blindTo('heartbeatTimeoutMaxMs', resolve) : plant.noBackoffCapRule ? blindTo('backoff.maxMs', resolve) : resolve;
      return real.resolverConflict(blind, table, given);
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
