/**
 * Promise 19 (store health) judged over the coordinator's whole life, not
 * at one instant: while a storage fault lasts and for a while after it
 * heals (the probe recovers within 2 s plus its tolerance), a client reads
 * /readyz and /healthz every POLL_MS on whichever coordinator is up
 * (recordReadyz, sim-client.ts), so the checker sees both before, during
 * and after every outage and recovery, in the same life and across
 * restarts (harness/check/promises-store.ts livenessViolations). Set 18 #10
 * (liveness judged by failures since start) answers 503 on every read
 * after the store recovered.
 */
import type { Simulation } from '../sim/index.js';
import type { RunRecorder } from './driver.js';
import { recordReadyz } from './sim-client.js';

/** How often the health endpoints are read while a poll window is open (virtual ms). */
const POLL_MS = 100;
/** How long after a storage fault heals the reads go on: the probe's longest delay plus slack. */
const AFTER_HEAL_MS = 3000;

/** Per simulation: storage faults in force, the virtual time the reads stop once none is, and whether a read is scheduled. */
const polls = new WeakMap<Simulation, { open: number; until: number; armed: boolean }>();

function tick(sim: Simulation, note: RunRecorder['note']): void {
  const p = polls.get(sim);
  if (p === undefined) return;
  if (p.open === 0 && sim.now() > p.until) {
    p.armed = false;
    return;
  }
  const c = sim.coordinator.instance;
  if (c !== null) void recordReadyz(c, note, 'poll');
  sim.time.setTimeout(() => tick(sim, note), POLL_MS);
}

/** A storage fault begins: the health endpoints are read every POLL_MS until AFTER_HEAL_MS after the last one in force heals (the returned call). */
export function pollHealth(sim: Simulation, note: RunRecorder['note']): () => void {
  const p = polls.get(sim) ?? { open: 0, until: 0, armed: false };
  polls.set(sim, p);
  p.open++;
  if (!p.armed) {
    p.armed = true;
    tick(sim, note);
  }
  return () => {
    p.open--;
    p.until = sim.now() + AFTER_HEAL_MS;
  };
}
