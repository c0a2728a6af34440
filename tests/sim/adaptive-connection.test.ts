/**
 * Issue 13 in simulation (deterministic seeds):
 *  - adaptive heartbeat timeouts: on a 2 s-latency link (scenarios/high-latency.yaml)
 *    fixed timeouts declare live links dead, adaptive ones never do;
 *  - early sync: register and the held-task report cost one round trip, not two
 *    (the variant without it, the coordinator's earlySync off, shows the extra trip);
 *  - admission control: a herd above the coordinator's handshake limit is told when
 *    to come back (close 4503 retry-after) and every worker honours the hint.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SystemEvent } from '../../system/core/events.js';
import { formatViolation } from '../../harness/check/violation.js';
import { parseScenario } from '../../harness/scenario/loader.js';
import { runChecked } from '../../harness/scenario/run.js';
import { Simulation } from '../../harness/sim/index.js';
import { LinkTiming } from '../../system/coordinator/link-timing.js';

/** high-latency at seed 1; `zeroRtt` false: the workers register after the welcome (the 2-RTT handshake, whose register → registered is the first RTT sample). */
async function highLatency(adaptive: boolean, zeroRtt = true): Promise<Awaited<ReturnType<typeof runChecked>>> {
  const scenario = parseScenario(readFileSync('scenarios/high-latency.yaml', 'utf8'), 'high-latency.yaml');
  scenario.coordinator.adaptiveHeartbeat = adaptive;
  scenario.fleet.zeroRtt = zeroRtt;
  return runChecked(scenario, { seed: 1 });
}

describe('adaptive heartbeat timeouts on a 2 s-latency link', () => {
  it('fixed timeouts drop live links; adaptive ones drop none, and every promise holds', async () => {
    const fixed = await highLatency(false, false);
    expect(fixed.outcome.history.filter((r) => r.f === 'heartbeat_timeout').length).toBeGreaterThan(0);
    const twoRtt = await highLatency(true, false);
    expect(twoRtt.outcome.history.filter((r) => r.f === 'heartbeat_timeout' || r.f === 'disconnected')).toEqual([]);
    expect(twoRtt.violations.map(formatViolation)).toEqual([]);
    // The 0-RTT register: connect → registered is the worker's first sample, the worker's first answer the coordinator's.
    const adaptive = await highLatency(true);
    const h = adaptive.outcome.history;
    expect(adaptive.outcome.marks['coordinator.hello-register']).toBeGreaterThan(0);
    expect(h.filter((r) => r.f === 'heartbeat_timeout' || r.f === 'disconnected' || r.f === 'worker_disconnected')).toEqual([]);
    expect(adaptive.violations.map(formatViolation)).toEqual([]);
    expect(adaptive.passed).toBe(true);
    // The adaptation is visible: both sides report a timeout above the 3 s floor.
    const adapted = h.filter((r) => r.f === 'heartbeat_adapted');
    for (const side of ['worker', 'coordinator']) {
      expect(adapted.some((r) => r.value.side === side && Number(r.value.timeoutMs) > 3000), side).toBe(true);
    }
  });
});

describe('the timeout in force is honoured (promise 10)', () => {
  it('a coordinator that reports its adapted timeout but judges silence against the 3 s floor is caught', async () => {
    const sample = LinkTiming.prototype.sample;
    LinkTiming.prototype.sample = function (this: LinkTiming, ms: number, workerId: string) {
      sample.call(this, ms, workerId);
      this.timeoutMs = 3000;
    };
    try {
      const broken = await highLatency(true, false);
      expect(broken.passed).toBe(false);
      expect(broken.violations.map(formatViolation).join('\n')).toMatch(
        /the coordinator side declared w\d's connection c\d+ dead at t=\d+ after \d+ ms of silence, though the timeout in force was at least \d+ ms \(floor 3000 ms, its last heartbeat_adapted said \d+ ms\)/,
      );
      // With the 0-RTT register the first sample is the worker's first answer; the floor in force after it is caught too.
      const zeroRtt = await highLatency(true);
      expect(zeroRtt.violations.map(formatViolation).join('\n')).toMatch(/the coordinator's handshake sample on w\d's connection c\d+ at t=\d+ left the heartbeat timeout in force at 3000 ms/);
    } finally {
      LinkTiming.prototype.sample = sample;
    }
  });
});

/** Per worker: `connected` (registered) → `synced`, ms of virtual time, on a 500 ms-latency link. */
async function registeredToSynced(earlySync: boolean): Promise<number[]> {
  const events: SystemEvent[] = [];
  const sim = new Simulation({ seed: 7, events: { emit: (e) => events.push(e) } });
  await sim.spawnCoordinator({ config: { heartbeatMs: 1000, heartbeatTimeoutMs: 3000, earlySync } });
  const ids = ['w1', 'w2', 'w3'];
  for (const id of ids) {
    sim.net.addRuleBothWays(id, 'coordinator', { type: 'latency', latency: 500 });
    sim.spawnWorker(id, { config: { handshakeTimeoutMs: 10_000 } });
  }
  await sim.runFor(8000);
  return ids.map((id) => {
    const c = events.find((e) => e.type === 'connected' && e.source === id);
    const s = events.find((e) => e.type === 'synced' && e.source === id);
    return (s?.at ?? Infinity) - (c?.at ?? 0);
  });
}

describe('early sync: registered and sync_result in one round trip', () => {
  it('with it the report is answered with registered; without it one more 1 s round trip', async () => {
    const early = await registeredToSynced(true);
    for (const ms of early) expect(ms).toBeLessThan(100);
    const late = await registeredToSynced(false);
    for (const ms of late) expect(ms).toBeGreaterThanOrEqual(1000);
  });
});

describe('admission control under a herd', () => {
  it('beyond the handshake limit connections are told when to come back, workers honour it, all register', async () => {
    const events: SystemEvent[] = [];
    const sim = new Simulation({ seed: 3, events: { emit: (e) => events.push(e) } });
    await sim.spawnCoordinator({ config: { heartbeatMs: 1000, heartbeatTimeoutMs: 3000, maxPendingHandshakes: 4 } });
    const ids = Array.from({ length: 40 }, (_, i) => `w${i + 1}`);
    for (const id of ids) {
      sim.net.addRuleBothWays(id, 'coordinator', { type: 'latency', latency: 50 });
      // The 2-RTT handshake (as a worker with a secret or an older one): a 0-RTT register never leaves a handshake pending.
      sim.spawnWorker(id, { config: { zeroRtt: false, backoff: { strategy: 'full-jitter', initialMs: 10, maxMs: 2000 } } });
    }
    await sim.runFor(15_000);
    const refused = events.filter((e) => e.type === 'admission_refused');
    expect(refused.length).toBeGreaterThan(0);
    const hinted = events.filter((e): e is Extract<SystemEvent, { type: 'backoff' }> => e.type === 'backoff' && e.retryAfterMs !== undefined);
    expect(hinted.length).toBeGreaterThan(0);
    // At least the hint, or the top third of the cap when the hint is past it (worker-types.ts retryAfterBounds).
    for (const b of hinted) expect(b.delayMs).toBeGreaterThanOrEqual(Math.min(b.retryAfterMs ?? 0, 2000 / 1.5));
    const synced = new Set(events.filter((e) => e.type === 'synced').map((e) => e.source));
    expect([...synced].sort()).toEqual([...ids].sort());
  });
});
