/**
 * What a simulated run's network and hosts tell its history, wired once per
 * run: corrupted frames a receiver reads (promise 8), handshake nonces as
 * sent (promise 34), what the container and command kinds made (promise 32),
 * and the sizes of the coordinator's frames when its gauges are read.
 */
import type { HistoryRecorder } from '../check/history.js';
import { COORDINATOR_HOST, FrameSizes, type Simulation } from '../sim/index.js';
import { recordNonce } from './record-nonces.js';
import type { Scenario } from './schema.js';

/** What the simulated network and hosts tell the history (corrupted frames, nonces, resources, frame sizes). */
export function recordNetwork(sim: Simulation, scenario: Scenario, recorder: HistoryRecorder): void {
  // Each corrupted frame a live receiver reads, for promise 8's integrity rule (harness/check/promises-integrity.ts).
  sim.net.onCorruptDelivered = (c) => recorder.recordInfo({ corrupted: c.connection, from: c.from, to: c.to, frame: c.frame, field: c.field }, 'net');
  // Handshake nonces as the coordinator and the fleet sent them (promise 34, promises-ids.ts); an adversary's host is not the system's.
  sim.net.onSent = (host, frame) => recordNonce(recorder, host, frame);
  // What the container and command kinds made on each worker's simulated engine and process table (promise 32, promises-resources.ts).
  sim.resources.onRecord = (r) => recorder.recordInfo(r, 'resources');
  // The sizes of the frames to and from the coordinator, which its bytes counters are judged by (gauge reads, promises-metrics-bytes.ts).
  if (scenario.clientReads.some((r) => r.read === 'gauges')) sim.net.frameSizes = new FrameSizes(COORDINATOR_HOST);
}

