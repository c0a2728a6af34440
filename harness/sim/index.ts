/**
 * harness/sim: the deterministic simulation. The real coordinator, worker and
 * engine code runs over a virtual network and a virtual clock, driven by a
 * seed; every run has a trace hash, and the same seed gives the same hash.
 *
 * ## Running
 *
 *   const sim = new Simulation({ seed: 7, events: recorder });
 *   await sim.spawnCoordinator({ config: { heartbeatMs: 1000 } });
 *   for (const id of ids) sim.spawnWorker(id, { config: { concurrency: 4 } });
 *   await sim.runFor(5_000);                         // virtual ms
 *   await sim.runUntil(() => allDone(), { maxMs: 600_000 });
 *   await sim.settle(sim.coordinatorInstance.engine.scheduleTask(spec));
 *   sim.traceHash(); sim.stats();                    // { simulatedMs, wallMs, cpuMs, speedup, ... }
 *   await sim.settle(sim.net.http('client', 'http://coordinator:7000/api/v1/stats', req)); // HTTP API
 *
 * Determinism: everything runs on one event queue (event-queue.ts: a binary
 * heap keyed by virtual time; nothing real is patched); between two events every
 * promise continuation settles; randomness comes only from the seed (one
 * forked stream per component); rule ids, connection ids and ports are
 * per-simulation counters. Keep lines with `keepTrace: true` and compare two
 * runs with firstTraceDifference() when a hash differs.
 *
 * Hosts: the coordinator listens on `coordinator:7000` (workers connect to
 * ws://coordinator:7000/ws); each worker's host is named by its worker id.
 *
 * ## Fault API (what the scenario runner maps scenario faults onto)
 *
 * Every fault returns a FaultHandle whose remove() undoes it (idempotent).
 * All faults are recorded in the trace.
 *
 * Network, per link direction (from → to), Toxiproxy vocabulary (faults.ts
 * documents how each acts on frames):
 *   sim.net.addRule(from, to, rule)            → FaultHandle
 *   sim.net.addRuleBothWays(a, b, rule)        → FaultHandle
 *     rule: { type: 'latency', latency, jitter? } | { type: 'bandwidth', rate /* KB/s *\/ }
 *         | { type: 'timeout', timeout }  (blackhole; >0 closes after)  | { type: 'reset_peer', timeout }
 *         | { type: 'slow_close', delay } | { type: 'slicer', average_size, size_variation?, delay /* µs *\/ }
 *         | { type: 'limit_data', bytes } | { type: 'down' } | { type: 'corrupt', probability }
 *       each with optional toxicity (0..1, rolled per connection direction)
 *   sim.net.setLinkState(from, to, 'partition' | 'hold' | 'healthy', { oneWay? }) → FaultHandle
 *   sim.net.partition(groupA, groupB, { oneWay? }) → FaultHandle
 *     (symmetric by default; oneWay cuts only A → B; partitions stack)
 *   Partitioned / held / blackholed links keep frames of open connections and
 *   deliver them on heal (TCP retransmission): peers see nothing meanwhile
 *   (half-open, detected only by heartbeats). New connections across a
 *   partition or blackhole time out; across `down` they are refused.
 *
 * On path (the adversaries of harness/scenario/adversary-onpath.ts):
 *   sim.net.link(from, to).addTamper(text => text') → FaultHandle  (rewrite frames in flight)
 *   sim.net.redirect(client, to, via)             → FaultHandle  (host `via` answers client's connects to `to`)
 *   sim.net.onCorruptDelivered = (c) => ...       each corrupted frame a live receiver reads
 *                                                 ({connection, from, to, frame}), just before it reads it
 *
 * Processes:
 *   sim.killCoordinator() / await sim.restartCoordinator()   (store.crash() / reopen())
 *   sim.spawnWorker(id, opts) / killWorker(id) / restartWorker(id)
 *   sim.pauseWorker(id) / resumeWorker(id)                  (SIGSTOP / SIGCONT)
 *   sim.host(name).pause() / resume() / kill()               (any host, coordinator too)
 *   sim.setClockSkew(host, ms)                                (now() offset; timers unaffected)
 *
 * Killing a process cancels all its timers, makes its sockets vanish (a peer
 * sees 1006 when the link can deliver the FIN; across a partition it sees
 * nothing) and drops its objects. A paused process fires no timers and
 * receives nothing (arrivals queue) until resumed.
 */
export { Simulation, COORDINATOR_HOST, type SimulationOptions, type SimulationStats } from './simulation.js';
export { FrameSizes, type SizeBand } from './frame-sizes.js';
export { VirtualNetwork, type PartitionOptions } from './network.js';
export { LinkState, type LinkDir } from './link.js';
export { validateRule, describeRule, corruptFrame, type FaultRule, type FaultRuleType, type FaultHandle } from './faults.js';
export { Host, type HostState } from './host.js';
export { ProcessClock } from './process-clock.js';
export { VirtualTime, SIM_EPOCH_MS } from './virtual-time.js';
export { SimBudgetExceeded } from './step-budget.js';
export type { TieBreak } from './event-queue.js';
export { Trace, TraceKind, firstTraceDifference } from './trace.js';
export { virtualCpu } from './virtual-cpu.js';
export { CoordinatorProcess, WorkerProcess, twinHost, type SimCoordinatorOptions, type SimWorkerOptions } from './processes.js';
export type { CliWiring, SimWiring } from './wiring.js';
