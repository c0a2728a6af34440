/**
 * The checker can fail (issue 4 item 8), end to end: the real coordinator,
 * engine and workers run a small scenario in simulation twice, once as they
 * are (the run passes) and once with one deliberately broken piece swapped in
 * through the simulation's test-only wiring (SimWiring; the doubles are in
 * ./broken/variants.ts). The broken run must be reported as a violation of the
 * promise that defect breaks, by name. Each case names the item of
 * ../shared/KNOWN_FAILURE_MODES.md it mirrors.
 */
import { simVerdict, type Verdict } from './broken/verdict.js';
import { describe, expect, it } from 'vitest';
import type { PromiseName } from '../../harness/check/promises.js';
import { parseScenario } from '../../harness/scenario/loader.js';
import type { SimWiring } from '../../harness/sim/index.js';
import { resolveOnIssue } from '../../system/store/testing.js';
import {
  capAfterJitter,
  DependencyDroppingEngine,
  DoubleQueueEngine,
  DroppingRecoveryEngine,
  engineFactoryOf,
  ForgetfulCheckpointEngine,
  HangingDependentsEngine,
  keepGhosts,
  NeverExpiringEngine,
  RetryForeverEngine,
  UnfencedEngine,
} from './broken/variants.js';

const run = (yaml: string, wiring?: SimWiring): Promise<Verdict> => simVerdict(parseScenario(yaml, 'broken-variant.yaml'), wiring);

interface Case {
  name: string;
  /** The KNOWN_FAILURE_MODES.md item this variant mirrors. */
  mirrors: string;
  yaml: string;
  broken: SimWiring;
  /** Promises the broken run must violate (each of them). */
  caught: PromiseName[];
  /** What the story of the violation must say. */
  says: RegExp;
}

const CASES: Case[] = [
  {
    name: 'dependencies dropped: graph nodes run before what they depend on',
    mirrors: 'engine #1 (task graphs lost every dependency: the graph was emptied in place)',
    yaml: `name: dropped-dependencies
description: chains of sleeps; each node must wait for the one before
fleet: { workers: 3, concurrency: 4 }
workload:
  items: [{ kind: sleep, count: 3, graph: { shape: chain, size: 4 }, params: { durationMs: 300 } }]
phases: { faultsMs: 500, healMs: 6000 }
`,
    broken: { engineFactory: engineFactoryOf(DependencyDroppingEngine) },
    caught: ['order'],
    says: /dropped|before its dependency/,
  },
  {
    name: 'results accepted without fencing: a stale holder’s late result is recorded',
    mirrors: 'engine #4 (a late result overwrites the new attempt) / promise 2 fencing',
    // w1's frames take 1.7 s each way from t=1000: its lease expires (no renewal) and another worker takes the
    // task over; w1 finishes first (the abort is still on its way) and its result arrives while the other holds the lease.
    // (w2 until session 35: with the 0-RTT register's timing w2 no longer holds one of the two tasks at t=1000.)
    yaml: `name: no-fencing
description: a slow link makes a holder stale; its late result arrives under the new holder's lease
fleet: { workers: 3, concurrency: 1 }
coordinator: { heartbeatMs: 300, heartbeatTimeoutMs: 5000, leaseMs: 1000 }
workload:
  items: [{ kind: sleep, count: 2, params: { durationMs: 3000 } }]
faults:
  - { at: 1000, for: 4000, target: w1, action: { type: latency, ms: 1700 } }
phases: { faultsMs: 5000, healMs: 6000 }
`,
    broken: { engineFactory: engineFactoryOf(UnfencedEngine) },
    caught: ['exactly-once'],
    says: /someone else|completed twice|left terminal state|holder/,
  },
  {
    name: 'backoff cap applied after jitter: workers at the cap retry in lockstep',
    mirrors: 'reconnection #6 (the cap was applied after jitter)',
    yaml: `name: cap-after-jitter
description: every worker loses the coordinator for seconds and retries at the cap
fleet: { workers: 6, concurrency: 1, backoff: { strategy: full-jitter, initialMs: 20, maxMs: 200 }, handshakeTimeoutMs: 500 }
coordinator: { heartbeatMs: 300, heartbeatTimeoutMs: 1000 }
workload:
  items: [{ kind: echo, count: 4, params: { value: 1 } }]
faults:
  - { at: 500, for: 4000, target: all-workers, action: down }
phases: { faultsMs: 5000, healMs: 3000 }
`,
    broken: { workerDeps: (_id, deps) => ({ ...deps, backoffDelay: capAfterJitter }) },
    caught: ['backoff'],
    says: /lockstep/,
  },
  {
    name: 'finished tasks never removed from the running set: ghosts fill capacity, work never runs',
    mirrors: 'reconnection #3 (finished tasks stayed in the running set)',
    yaml: `name: ghosts
description: more tasks than the fleet's total capacity
fleet: { workers: 1, concurrency: 2 }
workload:
  items: [{ kind: echo, count: 4, params: { value: 1 } }]
coordinator: { heartbeatMs: 200, heartbeatTimeoutMs: 1000 }
phases: { faultsMs: 200, healMs: 400 }
`,
    broken: { onWorker: keepGhosts },
    caught: ['no-lost-work'],
    says: /never reached a terminal state/,
  },
  {
    name: 'leases never expiring: work held by killed workers waits for them',
    mirrors: 'reconnection #4 (tasks held by dead workers were never reassigned)',
    yaml: `name: stuck-leases
description: two of four workers die holding leases
fleet: { workers: 4, concurrency: 2 }
coordinator: { heartbeatMs: 300, heartbeatTimeoutMs: 1000, leaseMs: 1000 }
workload:
  items: [{ kind: sleep, count: 16, params: { durationMs: 1500 } }]
faults:
  - { at: 500, for: 3000, target: w1, action: kill }
  - { at: 500, for: 3000, target: w2, action: kill }
phases: { faultsMs: 4000, healMs: 6000 }
`,
    broken: { engineFactory: engineFactoryOf(NeverExpiringEngine) },
    caught: ['no-lost-work'],
    says: /lease \S+ was still held|never reached a terminal state/,
  },
  {
    name: 'acknowledgement before commit: a coordinator crash loses acknowledged work',
    mirrors: 'durability promise / reconnection #9 (state only in memory); store acks before commit',
    yaml: `name: ack-before-commit
description: the coordinator is killed 1 ms after a submission (its group commit takes 2 ms)
fleet: { workers: 3, concurrency: 2 }
workload:
  items: [{ kind: echo, count: 40, ratePerSec: 20, params: { value: 1 } }]
faults:
  - { at: 1501, for: 500, target: coordinator, action: kill }
phases: { faultsMs: 3000, healMs: 8000 }
`,
    broken: { wrapStore: (store) => resolveOnIssue(store) },
    caught: ['durability'],
    // With a final read the read is the evidence: the acknowledged execution is unknown after the restart.
    says: /unknown to the coordinator at the final read|restart/,
  },
  {
    name: 'dependents of failed tasks hang instead of failing',
    mirrors: 'engine #5 (dependents of failed tasks re-queued forever, never failing)',
    yaml: `name: hanging-dependents
description: chains whose root fails for good
fleet: { workers: 2, concurrency: 2 }
coordinator: { breaker: false }
workload:
  items: [{ kind: fail, count: 2, graph: { shape: chain, size: 3 }, params: { times: 1000 }, retry: { maxRetries: 0 } }]
phases: { faultsMs: 500, healMs: 3000 }
`,
    broken: { engineFactory: engineFactoryOf(HangingDependentsEngine) },
    caught: ['order', 'no-lost-work'],
    says: /must end failed/,
  },
  {
    name: 'restart recovery drops running executions',
    mirrors: 'engine #6 (restart recovery silently dropped executions)',
    yaml: `name: dropping-recovery
description: the coordinator crashes while long tasks run
fleet: { workers: 2, concurrency: 4 }
coordinator: { heartbeatMs: 300, heartbeatTimeoutMs: 1000, leaseMs: 1500 }
workload:
  items: [{ kind: sleep, count: 6, params: { durationMs: 2000 } }]
faults:
  - { at: 800, for: 500, target: coordinator, action: kill }
phases: { faultsMs: 2000, healMs: 8000 }
`,
    broken: { engineFactory: engineFactoryOf(DroppingRecoveryEngine) },
    caught: ['no-lost-work'],
    says: /never reached a terminal state|restart/,
  },
  {
    name: 'identity collision: every worker registers under the same id',
    mirrors: 'reconnection #1 (a URL template bug made every worker register under one id)',
    yaml: `name: identity-collision
description: four workers, a steady workload
fleet: { workers: 4, concurrency: 2 }
workload:
  items: [{ kind: sleep, count: 12, ratePerSec: 6, params: { durationMs: 300 } }]
phases: { faultsMs: 2000, healMs: 4000 }
`,
    broken: { workerConfig: (_id, config) => ({ ...config, id: 'w1' }) },
    // The coordinator closes the older connection with 4409 (replaced), a fatal code: the
    // displaced workers stop for good, as they must; the backoff promise reports the fleet's
    // other ids, which never register.
    caught: ['backoff'],
    says: /w[234] never registered during the run \(a worker identity collision/,
  },
  {
    name: 'a task queued twice runs twice: two workers hold leases on one execution',
    mirrors: 'engine #2 (concurrency limit not enforced; a task queued twice ran twice)',
    yaml: `name: double-queue
description: a few sleeps on a fleet with spare capacity
fleet: { workers: 3, concurrency: 2 }
workload:
  items: [{ kind: sleep, count: 3, params: { durationMs: 500 } }]
phases: { faultsMs: 500, healMs: 3000 }
`,
    broken: { engineFactory: engineFactoryOf(DoubleQueueEngine) },
    caught: ['no-double-ownership'],
    says: /while \S+'s lease \S+ .* was still valid/,
  },
  {
    name: 'retry policy ignored: failed attempts retried at once, past maxRetries',
    mirrors: 'engine #5 (re-queued forever) and #7 (attempt accounting): promise 5',
    yaml: `name: retry-forever
description: tasks that fail their first three attempts, with one fixed-delay retry allowed
fleet: { workers: 2, concurrency: 2 }
coordinator: { breaker: false }
workload:
  items: [{ kind: fail, count: 3, params: { times: 3 }, retry: { strategy: fixed, maxRetries: 1, delayMs: 300 } }]
phases: { faultsMs: 500, healMs: 3000 }
`,
    broken: { engineFactory: engineFactoryOf(RetryForeverEngine) },
    caught: ['retries'],
    says: /claimed again \(attempt \d+\) after \d+ failed attempts/,
  },
  {
    name: 'checkpoints forgotten on reassignment: the new attempt starts from scratch',
    mirrors: 'reconnection #9 (checkpoints lived only in worker memory)',
    yaml: `name: forgotten-checkpoints
description: checkpointing sleeps; one worker dies mid-task
fleet: { workers: 3, concurrency: 2 }
coordinator: { heartbeatMs: 300, heartbeatTimeoutMs: 1000, leaseMs: 1000 }
workload:
  items: [{ kind: sleep, count: 4, params: { durationMs: 2000, checkpointEveryMs: 200 } }]
faults:
  - { at: 1000, for: 2000, target: w1, action: kill }
phases: { faultsMs: 3000, healMs: 6000 }
`,
    broken: { engineFactory: engineFactoryOf(ForgetfulCheckpointEngine) },
    caught: ['checkpoints'],
    says: /resumes from no checkpoint although checkpoint \d+ was saved/,
  },
  {
    name: 'a worker that never judges heartbeat silence keeps a half-open connection forever',
    mirrors: 'promise 10 (liveness); the heartbeat half of reconnection #6',
    yaml: `name: deaf-heartbeat
description: the coordinator's frames to w1 are dropped (one-way partition) for a while
fleet: { workers: 2, concurrency: 1, heartbeatMs: 300, heartbeatTimeoutMs: 1000 }
coordinator: { heartbeatMs: 300, heartbeatTimeoutMs: 1000 }
workload:
  items: [{ kind: echo, count: 4, ratePerSec: 2, params: { value: 1 } }]
faults:
  - { at: 500, for: 3000, action: { type: partition, groups: [coordinator, w1], oneWay: true } }
phases: { faultsMs: 4000, healMs: 4000 }
`,
    // The worker's half-open timeout is configured, and ignored: it waits ten minutes.
    broken: { workerConfig: (_id, config) => ({ ...config, heartbeatTimeoutMs: 600_000 }) },
    caught: ['liveness'],
    says: /the worker side did not detect it/,
  },
];

describe('broken variants of the real system are caught in simulation', () => {
  for (const c of CASES) {
    it(`${c.name} [${c.mirrors}]`, async () => {
      const real = await run(c.yaml);
      expect(real.text).toBe('');
      expect(real.passed).toBe(true);
      const broken = await run(c.yaml, c.broken);
      expect(broken.passed).toBe(false);
      expect(broken.promises, broken.text).toEqual(expect.arrayContaining(c.caught));
      expect(broken.text).toMatch(c.says);
    });
  }
});
