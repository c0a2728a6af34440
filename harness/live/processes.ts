/**
 * Real processes for the live harness, one module per kind of child:
 * coordinator-process.ts (a coordinator that survives kill -9 + restart),
 * swarm-host-process.ts (N workers in one process), worker-process.ts (one
 * `squall worker`), proxy-host-process.ts (the fault proxy). Spawning,
 * readiness, stopping, ports, output tails and CPU time are harness/proc's,
 * shared with the benchmarks. This index keeps the live harness's one import.
 *
 * Timestamps: `monoNow()` (performance.timeOrigin + performance.now()), the
 * same stamp the children put on their events, so durations across processes
 * on one machine are comparable at sub-millisecond precision.
 */
export { delay, exitOnSignals, freePort, JsonLinesTail, monoNow, REPO_ROOT } from '../proc/index.js';
export { CoordinatorProcess, type CoordinatorProcessOptions } from './coordinator-process.js';
export { SwarmHostProcess, type StampedEvent } from './swarm-host-process.js';
export { WorkerProcess } from './worker-process.js';
export { startRunProxy } from './proxy-host-process.js';
