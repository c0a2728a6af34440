/**
 * Two ways a reconnecting herd never comes back, each run in simulation with
 * the real worker and then with the old code swapped in (module mocks local
 * to this file); the old code must fail each test.
 *  - A fixed handshake deadline shorter than the handshake takes: every
 *    attempt is abandoned just before it completes and no worker ever
 *    registers. Live, a loaded machine did this to a 500-worker herd (connect
 *    + upgrade took over the 5 s deadline; each retry kept the load up). Here
 *    the link's latency makes the handshake ~8 s against a 5 s first deadline;
 *    the deadline now doubles per consecutive timeout (worker/backoff.ts).
 *    Judged by the test (every worker syncs while the link is slow but alive):
 *    no promise is broken by a fleet that only reconnects once faults stop.
 *  - A herd beyond the coordinator's admission limit, hints past the backoff
 *    cap: the old retry-after window clamped to [cap, cap] sent every worker
 *    refused in one burst back at the same instant; promise 9
 *    (harness/check/promises-backoff.ts) now reports a retry-after window
 *    without jitter.
 */
import { describe, expect, it, vi } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import { contextFromScenario } from '../../harness/scenario/check-context.js';
import { parseScenario } from '../../harness/scenario/loader.js';
import { runScenarioSim } from '../../harness/scenario/run-sim.js';
import type * as Backoff from '../../system/worker/backoff.js';
import type * as WorkerTypes from '../../system/worker/worker-types.js';

const old = vi.hoisted(() => ({ fixedDeadline: false, clampedRetryAfter: false }));

vi.mock('../../system/worker/backoff.js', async (importOriginal) => {
  const real = await importOriginal<typeof Backoff>();
  const handshakeDeadline: typeof real.handshakeDeadline = (baseMs, maxMs, timeouts) => (old.fixedDeadline ? baseMs : real.handshakeDeadline(baseMs, maxMs, timeouts));
  return { ...real, handshakeDeadline };
});

vi.mock('../../system/worker/worker-types.js', async (importOriginal) => {
  const real = await importOriginal<typeof WorkerTypes>();
  const retryAfterBounds: typeof real.retryAfterBounds = (hintMs, maxMs) => {
    if (!old.clampedRetryAfter) return real.retryAfterBounds(hintMs, maxMs);
    const floorMs = Math.min(hintMs, maxMs);
    return { floorMs, capMs: Math.min(maxMs, Math.max(floorMs, hintMs * 1.5)) };
  };
  return { ...real, retryAfterBounds };
});

/** The backoff promise's violations, the workers synced before and after heal, and the hints past the backoff cap. */
async function run(yaml: string): Promise<{ violations: string[]; syncedBeforeHeal: number; syncedAfterHeal: number; hintsPastCap: number }> {
  const s = parseScenario(yaml, 'herd.yaml');
  const o = await runScenarioSim(s, { seed: 1 });
  const healAt = o.history.find((r) => r.f === 'phase' && r.value.phase === 'heal')?.time ?? 0;
  const syncedIn = (from: number, to: number): number => new Set(o.history.filter((r) => r.f === 'synced' && r.time >= from && r.time < to).map((r) => String(r.value.workerId))).size;
  const maxMs = s.fleet.backoff.maxMs;
  const hintsPastCap = o.history.filter((r) => r.f === 'backoff' && Number(r.value.retryAfterMs ?? 0) >= maxMs).length;
  const violations = checkHistory(o.history, ['backoff'], contextFromScenario(s)).map((v) => v.message);
  return { violations, syncedBeforeHeal: syncedIn(0, healAt), syncedAfterHeal: syncedIn(healAt, Infinity), hintsPastCap };
}

/** Both runs below use the 2-RTT handshake (fleet.zeroRtt false: a worker with a secret, or an older one): the 0-RTT register needs no admission slot and saves a round trip. */
const slowHandshake = `name: slow-handshake
description: 2 s latency each way from the start; the default 5 s first deadline is shorter than the handshake
fleet: { workers: 4, concurrency: 1, zeroRtt: false }
coordinator: { heartbeatMs: 1000, heartbeatTimeoutMs: 3000, leaseMs: 30000 }
faults:
  - { at: 0, for: 30000, target: all-workers, action: { type: latency, ms: 2000 } }
phases: { faultsMs: 30000, healMs: 5000 }
`;

describe('a handshake slower than the first deadline', () => {
  it('is reached once the deadline has doubled; with a fixed deadline no worker syncs while the link is slow', async () => {
    const real = await run(slowHandshake);
    expect(real.violations).toEqual([]);
    expect(real.syncedBeforeHeal).toBe(4);
    old.fixedDeadline = true;
    try {
      const broken = await run(slowHandshake);
      expect(broken.syncedBeforeHeal).toBe(0);
      // The 0-RTT register (connect → registered, one round trip fewer: ~4 s) fits even the fixed 5 s deadline.
      const zeroRtt = await run(slowHandshake.replace('zeroRtt: false', 'zeroRtt: true'));
      expect(zeroRtt.syncedBeforeHeal).toBe(4);
    } finally {
      old.fixedDeadline = false;
    }
  });
});

const herd = `name: admission-herd
description: 60 workers lose the network at once; the coordinator admits 4 handshakes at a time
fleet: { workers: 60, concurrency: 1, zeroRtt: false, backoff: { strategy: full-jitter, initialMs: 20, maxMs: 100, multiplier: 2 } }
coordinator: { heartbeatMs: 1000, heartbeatTimeoutMs: 3000, leaseMs: 5000, maxPendingHandshakes: 4 }
faults:
  - { at: 2000, for: 2000, target: all-workers, action: down }
phases: { faultsMs: 4000, healMs: 15000 }
`;

describe('a herd beyond the admission limit with retry-after hints past the backoff cap', () => {
  it('comes back jittered, every worker synced; the window clamped to [cap, cap] is lockstep (promise 9 says so)', async () => {
    const real = await run(herd);
    expect(real.hintsPastCap).toBeGreaterThan(0);
    expect(real.violations).toEqual([]);
    expect(real.syncedAfterHeal).toBe(60);
    old.clampedRetryAfter = true;
    try {
      const broken = await run(herd);
      expect(broken.violations).toContainEqual(expect.stringMatching(/no jitter left.*lockstep/));
    } finally {
      old.clampedRetryAfter = false;
    }
  });
});
