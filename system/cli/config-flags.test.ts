import { describe, expect, it, vi } from 'vitest';
import { InvalidArgumentError } from '../core/errors.js';
import type * as CoordinatorConfigModule from '../coordinator/config.js';
import type * as WorkerConfigModule from '../worker/config.js';
import { COORDINATOR_FIELD_FLAGS, resolverConflict, WORKER_FIELD_FLAGS } from './config-flags.js';
import { coordinatorCommand } from './coordinator.js';
import { workerCommand } from './worker.js';
import { parseCommand as parse } from './testing.js';

// A rule the resolvers gain that the CLI never heard of: the command must refuse it too, by its flag.
const plant = vi.hoisted(() => ({ on: false }));
vi.mock('../coordinator/config.js', async (importOriginal) => {
  const real = await importOriginal<typeof CoordinatorConfigModule>();
  return {
    ...real,
    resolveCoordinatorConfig: (c: CoordinatorConfigModule.CoordinatorConfig) => {
      if (plant.on && c.leaseMs !== undefined && c.leaseMs % 1000 !== 0) throw new InvalidArgumentError(`leaseMs must be whole seconds, got ${c.leaseMs}`, 'leaseMs');
      return real.resolveCoordinatorConfig(c);
    },
  };
});
vi.mock('../worker/config.js', async (importOriginal) => {
  const real = await importOriginal<typeof WorkerConfigModule>();
  return {
    ...real,
    workerConfigWithDefaults: (c: WorkerConfigModule.WorkerConfig) => {
      if (plant.on && (c.concurrency ?? 1) > 64) throw new InvalidArgumentError(`concurrency above 64 needs a bigger machine, got ${c.concurrency}`, 'concurrency');
      return real.workerConfigWithDefaults(c);
    },
  };
});


describe('the commands run the processes’ own config resolvers as they parse', () => {
  it('a rule only the coordinator resolver knows refuses the flag, exit 2; off, the same line runs', async () => {
    plant.on = true;
    const r = await parse(coordinatorCommand, ['--store', 'memory', '--lease-ms', '1500']);
    expect(r).toMatchObject({ ran: false, exitCode: 2 });
    expect(r.err).toMatch(/^error: --lease-ms must be whole seconds, got 1500$/m);
    const w = await parse(workerCommand, ['--coordinator', 'ws://127.0.0.1:1', '--id', 'w', '--concurrency', '65']);
    expect(w).toMatchObject({ ran: false, exitCode: 2 });
    expect(w.err).toMatch(/^error: --concurrency above 64 needs a bigger machine, got 65$/m);
    plant.on = false;
    expect((await parse(coordinatorCommand, ['--store', 'memory', '--lease-ms', '1500'])).ran).toBe(true);
  });

  it('maps dotted engine and backoff fields to their flags, and names a defaulted flag as such', () => {
    const fail = (msg: string, path: string) => () => {
      throw new InvalidArgumentError(msg, path);
    };
    expect(resolverConflict(fail('EngineConfig.retention.sweepMs must be an integer > 0, got 0', 'retention.sweepMs'), COORDINATOR_FIELD_FLAGS, () => true)).toBe('--retain-sweep must be an integer > 0, got 0');
    expect(resolverConflict(fail('EngineConfig.breaker.failureThreshold must be an integer > 0, got 0', 'breaker.failureThreshold'), COORDINATOR_FIELD_FLAGS, () => true)).toBe('--breaker-threshold must be an integer > 0, got 0');
    expect(resolverConflict(fail('must be whole', 'maxConcurrentExecutions'), COORDINATOR_FIELD_FLAGS, () => true)).toBe('--max-concurrent: must be whole');
    expect(resolverConflict(fail('backoff.maxMs must be >= backoff.initialMs (got maxMs 1 < initialMs 2)', 'backoff.maxMs'), WORKER_FIELD_FLAGS, (k) => k !== 'backoffMaxMs')).toBe(
      '--backoff-max-ms must be >= --backoff-initial-ms (got --backoff-max-ms 1 < --backoff-initial-ms 2) (--backoff-max-ms not given: its default is 10000; give --backoff-max-ms)',
    );
    expect(resolverConflict(() => 1, WORKER_FIELD_FLAGS, () => true)).toBeUndefined();
    expect(() => resolverConflict(() => { throw new Error('not a config error'); }, WORKER_FIELD_FLAGS, () => true)).toThrow('not a config error');
  });
});
