/**
 * The real system in the simulation: a coordinator, n workers and helpers to
 * submit work and wait for it. Events are collected for assertions.
 */
import type { SystemEvent } from '../../system/core/events.js';
import type { ExecutionSpec } from '../../system/engine/contract.js';
import { isTerminal } from '../../system/core/model.js';
import { Simulation } from '../../harness/sim/index.js';

export interface SystemWorld {
  sim: Simulation;
  events: SystemEvent[];
  workerIds: string[];
  /** Submits specs one by one (each resolves after commit); returns execution ids. */
  submit(specs: ExecutionSpec[]): Promise<string[]>;
  /** Statuses of the given executions as the live coordinator sees them. */
  statuses(ids: string[]): string[];
  allTerminal(ids: string[]): boolean;
}

export async function systemWorld(seed: number, workers = 5, opts: { keepTrace?: boolean } = {}): Promise<SystemWorld> {
  const events: SystemEvent[] = [];
  const sim = new Simulation({ seed, events: { emit: (e) => events.push(e) }, keepTrace: opts.keepTrace ?? false });
  await sim.spawnCoordinator({ config: { heartbeatMs: 1_000, heartbeatTimeoutMs: 3_000, leaseMs: 10_000 } });
  const workerIds = Array.from({ length: workers }, (_, i) => `worker-${i}`);
  for (const id of workerIds) sim.spawnWorker(id, { config: { concurrency: 2, heartbeatMs: 1_000 } });
  await sim.runFor(2_000);
  const statuses = (ids: string[]): string[] => {
    const engine = sim.coordinatorInstance.engine;
    return ids.map((id) => engine.getExecution(id)?.status ?? 'missing');
  };
  return {
    sim,
    events,
    workerIds,
    async submit(specs) {
      const ids: string[] = [];
      for (const spec of specs) ids.push((await sim.settle(sim.coordinatorInstance.engine.scheduleTask(spec))).executionId);
      return ids;
    },
    statuses,
    allTerminal: (ids) => sim.coordinator.instance !== null && statuses(ids).every((s) => s !== 'missing' && isTerminal(s as never)),
  };
}

/** n tasks alternating sleep(durationMs) and echo. */
export function mixedSpecs(n: number, durationMs: number): ExecutionSpec[] {
  return Array.from({ length: n }, (_, i) =>
    i % 2 === 0 ? { kind: 'sleep', params: { durationMs } } : { kind: 'echo', params: { value: { i } } },
  );
}

/** Execution ids with more than one accepted result (must never happen). */
export function doubleCompletions(events: SystemEvent[]): string[] {
  const seen = new Map<string, number>();
  for (const e of events) if (e.type === 'result_recorded') seen.set(e.executionId, (seen.get(e.executionId) ?? 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
}
