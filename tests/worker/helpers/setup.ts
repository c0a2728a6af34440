/**
 * A Worker wired to FakeCoordinator over MemoryTransport on a manual clock:
 * the setup every worker test file shares.
 */
import { z } from 'zod';
import { sleep } from '../../../system/core/clock.js';
import type { Cpu } from '../../../system/core/cpu.js';
import type { SystemEvent } from '../../../system/core/events.js';
import { silentLogger } from '../../../system/core/logger.js';
import { seededRandom } from '../../../system/core/random.js';
import { defineTaskKind, type TaskKind } from '../../../system/tasks/kind.js';
import { builtinTaskKinds } from '../../../system/tasks/registry.js';
import type { WorkerConfig } from '../../../system/worker/config.js';
import { Worker } from '../../../system/worker/worker.js';
import { fakeClock } from './fake-clock.js';
import { FakeCoordinator, type FakeCoordinatorOptions } from './fake-coordinator.js';
import { MemoryTransport } from './memory-transport.js';

/** Returns a string of `size` characters: a result much bigger than its assignment. */
const bigKind = defineTaskKind<{ size: number }>({
  name: 'big',
  params: z.strictObject({ size: z.number().int() }),
  run: ({ size }) => Promise.resolve('x'.repeat(size)),
});

export function setup(o: { coord?: FakeCoordinatorOptions; worker?: Partial<WorkerConfig> } = {}) {
  const fc = fakeClock();
  const transport = new MemoryTransport();
  const coord = new FakeCoordinator(transport, o.coord);
  const events: SystemEvent[] = [];
  const cpu: Cpu = { burn: (ms, signal) => sleep(fc.clock, ms, signal) };
  const worker = new Worker(
    { transport, clock: fc.clock, random: seededRandom(42), logger: silentLogger, events: { emit: (e) => events.push(e) }, cpu, taskKinds: new Map([...builtinTaskKinds(), ['big', bigKind as TaskKind<unknown>]]) },
    { id: 'w1', coordinatorUrl: 'ws://127.0.0.1:1', backoff: { initialMs: 100, maxMs: 1000 }, heartbeatMs: 1000, ...o.worker },
  );
  const of = <T extends SystemEvent['type']>(type: T) => events.filter((e): e is Extract<SystemEvent, { type: T }> => e.type === type);
  return { ...fc, transport, coord, events, of, worker };
}


/** setup(), then the worker started and registered with the fake coordinator: where most tests begin. */
export async function connected(o: Parameters<typeof setup>[0] = {}) {
  const t = setup(o);
  t.worker.start();
  await t.flush();
  return t;
}
