/**
 * The message flood of a simulated run (scenario workload.flood): every
 * connected worker sends data messages in 100 ms ticks, and what its outbox
 * answered goes into the history for promise 11 (harness/scenario/run-sim.ts),
 * and a probe that a held outbox flushes by itself.
 */
import type { Worker } from '../../system/worker/index.js';
import type { Simulation } from '../sim/index.js';
import type { RunRecorder, Schedule } from './driver.js';
import { type Scenario, workerIds } from './schema.js';

/**
 * Message flood: every connected worker sends `messagesPerSec` data messages, in 100 ms ticks.
 * Each tick's answers go into the history (floodNote): how many the outbox accepted, and for a
 * refusal the outbox's depth and capacity at that moment (promise 11 judges both).
 */
export function scheduleFlood(sim: Simulation, scenario: Scenario, at: Schedule, faultsMs: number, note: RunRecorder['note']): void {
  const flood = scenario.workload.flood;
  if (flood === undefined) return;
  const end = flood.during === 'faults' ? faultsMs : faultsMs + scenario.phases.healMs;
  const payload = 'x'.repeat(flood.bytes);
  const perTick = flood.messagesPerSec / 10;
  let credit = 0;
  for (let t = 0; t < end; t += 100) {
    at(t, () => {
      credit += perTick;
      const n = Math.floor(credit);
      credit -= n;
      for (const id of workerIds(scenario.fleet)) {
        const w = sim.worker(id).instance;
        if (w !== null && w.state === 'ready' && n > 0) floodTick(w, id, n, payload, note);
      }
    });
    scheduleHeldProbe(sim, scenario, at, t + 50, note);
  }
}

/** How long a held outbox is watched for a send (well above the worker's 5 ms flush retry). */
const HELD_PROBE_MS = 20;

/**
 * The flood's outbox probe: a ready worker whose outbox holds messages while
 * its transport is not backed up must be sending (flush() retries every few
 * ms while backed up, and sends as soon as it is not). Looked at twice,
 * HELD_PROBE_MS apart: held, not backed up and no frame sent in between both
 * times is an outbox that stopped flushing (`{flood: 'held'}`, promise 11).
 */
function scheduleHeldProbe(sim: Simulation, scenario: Scenario, at: Schedule, t: number, note: RunRecorder['note']): void {
  const first = new Map<string, number>();
  const held = (w: Worker | null): w is Worker => w !== null && w.state === 'ready' && w.stats().outboxDepth > 0 && !w.stats().transportBackedUp;
  at(t, () => {
    first.clear();
    for (const id of workerIds(scenario.fleet)) {
      const w = sim.worker(id).instance;
      if (held(w)) first.set(id, w.stats().framesSent);
    }
  });
  at(t + HELD_PROBE_MS, () => {
    for (const [id, sent] of first) {
      const w = sim.worker(id).instance;
      if (held(w) && w.stats().framesSent === sent) note({ flood: 'held', workerId: id, outboxDepth: w.stats().outboxDepth, forMs: HELD_PROBE_MS });
    }
  });
}

/** One worker's share of a flood tick: n data messages; what the outbox answered goes into the history. */
function floodTick(w: Worker, workerId: string, n: number, payload: string, note: RunRecorder['note']): void {
  let accepted = 0;
  let refusal: { outboxDepth: number; outboxCapacity: number } | undefined;
  for (let i = 0; i < n; i++) {
    if (w.sendData(payload)) accepted++;
    else if (refusal === undefined) {
      const { outboxDepth, outboxCapacity } = w.stats();
      refusal = { outboxDepth, outboxCapacity };
    }
  }
  note({ flood: 'tick', workerId, accepted, refused: n - accepted, ...refusal });
}

/** At the end, what each flooding worker still holds (queued or unacknowledged, every kind): accepted data not delivered yet is in there. */
export function floodEnd(sim: Simulation, scenario: Scenario, note: RunRecorder['note']): void {
  for (const id of workerIds(scenario.fleet)) {
    const s = sim.worker(id).instance?.stats();
    if (s !== undefined) note({ flood: 'end', workerId: id, held: s.outboxDepth + s.unacked });
  }
}
