/**
 * Self-healing judged at its trigger (issue 10, docs/DEFECTS.md classes 06,
 * 09, 18, 21 and 36): the real system runs a scenario in simulation and
 * passes; with one broken healing trigger swapped in (./broken/healing-variants.ts)
 * the end result is still right (redundancy heals it), and the run must be
 * reported under the promise the trigger breaks.
 *
 * Set 5 #17, the coordinator's adaptive heartbeat-timeout ceiling at
 * leaseMs + heartbeatMs instead of a heartbeat below the lease, is planted by
 * a module mock local to this file (the policy is not a SimWiring seam).
 */
import { simVerdict, type Verdict } from './broken/verdict.js';
import { describe, expect, it, vi } from 'vitest';
import type * as LinkTimingModule from '../../system/coordinator/link-timing.js';
import type { PromiseName } from '../../harness/check/promises.js';
import { loadScenario, parseScenario } from '../../harness/scenario/loader.js';
import type { Scenario } from '../../harness/scenario/schema.js';
import type { SimWiring } from '../../harness/sim/index.js';
import { brokenSession } from './broken/session-variants.js';
import { engineFactoryOf } from './broken/variants.js';
import { admitAtConcurrency, HeldLeasesIgnoredEngine, keepAbortedGhosts, keepRetryAfterHint, lostCountsEveryTry, neverResetAttempts, ThrottledRenewalEngine, TimeoutAsFailedEngine } from './broken/healing-variants.js';

const hbCeiling = vi.hoisted(() => ({ broken: false }));

vi.mock('../../system/coordinator/link-timing.js', async (importOriginal) => {
  const real = await importOriginal<typeof LinkTimingModule>();
  /** The ceiling a heartbeat past the lease instead of below it. */
  class LinkTiming extends real.LinkTiming {
    constructor(ctx: ConstructorParameters<typeof real.LinkTiming>[0], connectionId: string, policy?: ConstructorParameters<typeof real.LinkTiming>[2]) {
      const c = ctx.config;
      const broken = { ...real.coordinatorTimeoutPolicy(c), maxMs: Math.max(c.heartbeatTimeoutMs, Math.min(c.heartbeatTimeoutMaxMs, c.leaseMs + c.heartbeatMs)) };
      super(ctx, connectionId, policy ?? (hbCeiling.broken ? broken : real.coordinatorTimeoutPolicy(c)));
    }
  }
  return { ...real, LinkTiming };
});

const verdict = (scenario: Scenario, wiring?: SimWiring): Promise<Verdict> => simVerdict(scenario, wiring);

/** One worker with two slots: an attempt is cancelled while it runs, then more work than one slot arrives. */
const GHOSTS = `name: ghost-slots
description: a running attempt is cancelled; later work needs both of the worker's slots
fleet: { workers: 1, concurrency: 2 }
workload:
  items:
    - { name: cancelled, kind: sleep, count: 1, at: 0, params: { durationMs: 5000 }, control: [{ op: cancel, afterMs: 300 }] }
    - { name: after, kind: sleep, count: 4, at: 1000, params: { durationMs: 100 } }
phases: { faultsMs: 1500, healMs: 4000 }
`;

/** One worker with two slots holds a long attempt when short ones arrive: one slot is free, not two. */
const BURST = `name: capacity-held
description: short tasks arrive while the worker holds a long one
fleet: { workers: 1, concurrency: 2 }
workload:
  items:
    - { name: long, kind: sleep, count: 1, at: 0, params: { durationMs: 1000 } }
    - { name: short, kind: sleep, count: 4, at: 100, params: { durationMs: 100 } }
phases: { faultsMs: 500, healMs: 3000 }
`;

const CASES: { name: string; file: string; wiring: SimWiring; caught: PromiseName; says: RegExp }[] = [
  {
    name: '06 the reconnect attempt counter is never reset after a registration',
    file: 'scenarios/flapping-link.yaml',
    wiring: { onWorker: neverResetAttempts },
    caught: 'backoff',
    says: /first backoff after the registration at t=\d+ is attempt \d+, not 1/,
  },
  {
    name: 'set 10 #25 a lost connection counted as registered from everRegistered, not connectedSince',
    file: 'scenarios/flapping-link.yaml',
    wiring: { onWorker: lostCountsEveryTry },
    caught: 'backoff',
    says: /w\d+ registered again at t=\d+ reporting \d+ ms without a connection \(afterMs\), but its registered connection was lost at t=\d+, \d+ ms before/,
  },
  {
    name: "set 11 #18 a refusal's retry-after hint never cleared: it governs every later reconnect",
    file: 'scenarios/admission-leak.yaml',
    wiring: { onWorker: keepRetryAfterHint },
    caught: 'backoff',
    says: /backoff attempt 1 follows a close 1006 without a retry-after hint but honours a retry-after hint of \d+ ms/,
  },
  {
    name: '09 an aborted attempt is never removed from the running set (ghost slots)',
    file: GHOSTS,
    wiring: { onWorker: keepAbortedGhosts },
    caught: 'capacity',
    says: /refused lease \S+ \(revoked without starting it\) .* below its concurrency 2/,
  },
  {
    name: 'set 10 #20 the task runner admits an assignment at running == concurrency',
    file: 'scenarios/zombie-checkpoint.yaml',
    wiring: { onWorker: admitAtConcurrency },
    caught: 'capacity',
    says: /w1 started lease \S+ at t=\d+ while 2 of its attempts were live .* its whole concurrency 2: an assignment beyond it must be handed back/,
  },
  {
    name: '21 free capacity counted from this pass only, not the leases a worker holds',
    file: BURST,
    wiring: { engineFactory: engineFactoryOf(HeldLeasesIgnoredEngine) },
    caught: 'capacity',
    says: /claimed for w1 .* already held 2 live lease\(s\), its whole concurrency 2/,
  },
  {
    name: '18 leases renewed at most once per lease period',
    file: 'scenarios/engine-features.yaml',
    wiring: { engineFactory: engineFactoryOf(ThrottledRenewalEngine) },
    caught: 'lease-expiry',
    says: /expired at t=\d+ though its holder w\d stayed connected/,
  },
  {
    name: "set 10 #12 a resume re-sends before applying the worker's lastSeq (the worker's dedupe absorbs the copies)",
    file: 'scenarios/flapping-link.yaml',
    wiring: { coordinatorPolicies: brokenSession('resend-before-last-seq') },
    caught: 'acked-not-resent',
    says: /w4 \(to_worker\): seq \d+ \(assign .*\) re-sent at a resume though the peer reported having up to seq \d+ \(its lastSeq\)/,
  },
  {
    name: "36 the coordinator's timeout recorded as failed",
    file: 'scenarios/worker-crash.yaml',
    wiring: { engineFactory: engineFactoryOf(TimeoutAsFailedEngine) },
    caught: 'timeouts',
    says: /the coordinator's timeout .* recorded outcome 'failed'/,
  },
];

const load = (file: string): Promise<Scenario> => (file.startsWith('scenarios/') ? loadScenario(file) : Promise.resolve(parseScenario(file, 'healing.yaml')));

describe('broken healing triggers are caught under the promise they break', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const scenario = await load(c.file);
      // admission-leak, engine-features, flapping-link, worker-crash and zombie-checkpoint pass on the real system in their own tests.
      if (!c.file.startsWith('scenarios/')) expect((await verdict(scenario)).text).toBe('');
      const v = await verdict(scenario, c.wiring);
      expect(v.passed).toBe(false);
      expect(v.promises, v.text).toContain(c.caught);
      expect(v.text).toMatch(c.says);
    });
  }

  it('17 the adaptive heartbeat-timeout ceiling at leaseMs + heartbeatMs', async () => {
    // high-latency passes on the real system in tests/sim/adaptive-connection.test.ts.
    hbCeiling.broken = true;
    try {
      const v = await verdict(await loadScenario('scenarios/high-latency.yaml'));
      expect(v.passed).toBe(false);
      expect(v.promises, v.text).toContain('lease-expiry');
      expect(v.text).toMatch(/coordinator heartbeat timeout for w\d adapted to 16000 ms .* above its ceiling 14000 ms/);
    } finally {
      hbCeiling.broken = false;
    }
  });
});
