/**
 * The worker's refusals before it registers (worker-session.ts onWelcome):
 * a coordinator that does not require the secret this worker was given
 * cannot prove itself, so the worker never registers with it (it retries:
 * the real coordinator may come back); a coordinator that requires a secret
 * this worker lacks is a configuration error. Written for survivors of the
 * mutation run (docs/MUTATION.md round 3): the first one survived every test,
 * the security suites included.
 */
import { describe, expect, it } from 'vitest';
import type { Cpu } from '../../system/core/cpu.js';
import type { SystemEvent } from '../../system/core/events.js';
import { sleep } from '../../system/core/clock.js';
import { silentLogger } from '../../system/core/logger.js';
import { seededRandom } from '../../system/core/random.js';
import { CloseCode } from '../../system/protocol/index.js';
import { builtinTaskKinds } from '../../system/tasks/registry.js';
import type { WorkerConfig } from '../../system/worker/config.js';
import { Worker } from '../../system/worker/worker.js';
import { fakeClock } from './helpers/fake-clock.js';
import { FakeCoordinator, type FakeCoordinatorOptions } from './helpers/fake-coordinator.js';
import { MemoryTransport } from './helpers/memory-transport.js';

function setup(coord: FakeCoordinatorOptions, worker: Partial<WorkerConfig>) {
  const fc = fakeClock();
  const transport = new MemoryTransport();
  const c = new FakeCoordinator(transport, coord);
  const events: SystemEvent[] = [];
  const cpu: Cpu = { burn: (ms, signal) => sleep(fc.clock, ms, signal) };
  const w = new Worker(
    { transport, clock: fc.clock, random: seededRandom(42), logger: silentLogger, events: { emit: (e) => events.push(e) }, cpu, taskKinds: builtinTaskKinds() },
    { id: 'w1', coordinatorUrl: 'ws://127.0.0.1:1', backoff: { initialMs: 100, maxMs: 1000 }, heartbeatMs: 1000, ...worker },
  );
  const closes = (): unknown[] => events.filter((e) => e.type === 'disconnected').map((e) => (e.type === 'disconnected' ? e.code : undefined));
  return { ...fc, coord: c, worker: w, closes };
}

describe('worker refusals before registering', () => {
  it('never registers with a coordinator that does not require the secret it was given, and keeps retrying', async () => {
    const t = setup({}, { secret: 's3cret' });
    t.worker.start();
    await t.tick(3000);
    expect(t.coord.of('register')).toEqual([]);
    expect(t.worker.state).not.toBe('ready');
    expect(t.worker.stats().fatalError).toBeNull();
    expect(t.closes().length).toBeGreaterThan(1);
    expect(t.closes().every((c) => c === CloseCode.CoordinatorAuthFailed)).toBe(true);
  });

  it('stops with a fatal error naming the missing secret when the coordinator requires one', async () => {
    const t = setup({ secret: 's3cret' }, {});
    t.worker.start();
    await t.tick(3000);
    expect(t.coord.of('register')).toEqual([]);
    expect(t.worker.stats().fatalError).toEqual({ code: CloseCode.AuthFailed, message: expect.stringContaining('configure the shared secret') });
  });
});
