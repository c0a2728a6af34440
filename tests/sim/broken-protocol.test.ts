/**
 * Broken variants for promises 11–17 and the new halves of 5 (late retries)
 * and 10 (spurious disconnects), end to end: the real system runs a small
 * scenario as it is (it passes) and with one defect wired in through SimWiring
 * (./broken/protocol-variants.ts); the broken run must be reported under the
 * promise the defect breaks. Most of these defects are healed by another
 * mechanism (a lease expiry, a reassignment, the worker's own timer), so the
 * ten outcome promises alone never saw them (issue 10).
 */
import { describe, expect, it } from 'vitest';
import type { PromiseName } from '../../harness/check/promises.js';
import { formatViolation } from '../../harness/check/violation.js';
import { parseScenario } from '../../harness/scenario/loader.js';
import { runChecked } from '../../harness/scenario/run.js';
import type { SimWiring } from '../../harness/sim/index.js';
import { engineFactoryOf } from './broken/variants.js';
import {
  dropFirstResend,
  flakyConnection,
  HalfLeaseRenewEngine,
  forgetResultsOnReconnect,
  instantKinds,
  LazySyncEngine,
  NoRenewEngine,
  pauseForgetsSlept,
  progressCoalescedAcrossExecutions,
  renumberAcked,
  SecondsTimeoutEngine,
  SlowRetryEngine,
} from './broken/protocol-variants.js';

interface Case {
  name: string;
  yaml: string;
  broken: SimWiring;
  caught: PromiseName[];
  says: RegExp;
  /** Also run on the 2-RTT register (fleet.zeroRtt false): the default, without a secret, is the 0-RTT register. */
  bothHandshakes?: true;
}

// The lease outlasts w1's absence (its backoff included), so its leases are still live when it comes back.
const PARTITIONED = `fleet: { workers: 2, concurrency: 4 }
coordinator: { heartbeatMs: 200, heartbeatTimeoutMs: 800, leaseMs: 9000 }
workload:
  items: [{ kind: sleep, count: 40, ratePerSec: 20, params: { durationMs: 150 } }]
faults:
  - { at: 1000, for: 1200, action: { type: partition, groups: [coordinator, w1] } }
phases: { faultsMs: 3000, healMs: 12000 }
`;

const CASES: Case[] = [
  {
    name: 'the outbox forgets the first message it should re-send at resume',
    yaml: `name: resume-drop\ndescription: w1 is cut off while results are in flight, then resumes\n${PARTITIONED}`,
    broken: { onWorker: dropFirstResend },
    caught: ['delivery'],
    says: /lost at the reconnect|were lost/,
  },
  {
    name: 'a new session re-sends acknowledged results as new work',
    yaml: `name: renumber-acked
description: the coordinator restarts; workers renumber into new sessions
fleet: { workers: 2, concurrency: 2 }
# The dead coordinator's FIN may come late: workers notice by their heartbeat timeout.
coordinator: { heartbeatMs: 200, heartbeatTimeoutMs: 800 }
workload:
  items: [{ kind: echo, count: 30, ratePerSec: 15, params: { value: 1 } }]
faults:
  - { at: 1500, for: 500, target: coordinator, action: kill }
phases: { faultsMs: 2500, healMs: 5000 }
`,
    broken: { onWorker: renumberAcked },
    caught: ['acked-not-resent'],
    says: /sent again as seq \d+ in session .* though the peer acknowledged it/,
  },
  {
    name: 'leases are not renewed by the holder’s traffic',
    yaml: `name: no-renew
description: tasks longer than the lease on a healthy fleet
fleet: { workers: 2, concurrency: 2 }
coordinator: { heartbeatMs: 200, heartbeatTimeoutMs: 800, leaseMs: 1000 }
workload:
  items: [{ kind: sleep, count: 3, params: { durationMs: 2500 } }]
phases: { faultsMs: 500, healMs: 8000 }
`,
    broken: { engineFactory: engineFactoryOf(NoRenewEngine) },
    caught: ['lease-expiry'],
    says: /stayed connected for the whole lease period/,
  },
  {
    name: 'sync leaves leases the worker no longer holds to time out',
    yaml: `name: lazy-sync
description: w1 restarts while holding long tasks
fleet: { workers: 2, concurrency: 2 }
coordinator: { heartbeatMs: 200, heartbeatTimeoutMs: 800, leaseMs: 3000 }
workload:
  items: [{ kind: sleep, count: 4, params: { durationMs: 1500 } }]
faults:
  - { at: 500, for: 300, target: w1, action: kill }
phases: { faultsMs: 1000, healMs: 6000 }
`,
    // On the 0-RTT register w1 registers in the ms of its restart (promise 14 reads the kill's end as over then).
    bothHandshakes: true,
    broken: { engineFactory: engineFactoryOf(LazySyncEngine) },
    caught: ['prompt-completion'],
    says: /its sync must give the work back at once/,
  },
  {
    // Blind set 10 #23: sleeps finishing on w1 while it is cut off queue their final progress side by side.
    name: 'the outbox coalesces a progress report with another execution\'s',
    yaml: `name: progress-across
description: w1 is cut off while its sleeps report progress and finish
fleet: { workers: 2, concurrency: 4 }
coordinator: { heartbeatMs: 200, heartbeatTimeoutMs: 800, leaseMs: 9000 }
workload:
  items: [{ kind: sleep, count: 16, ratePerSec: 16, params: { durationMs: 1500, checkpointEveryMs: 300 } }]
faults:
  - { at: 500, for: 2500, action: { type: partition, groups: [coordinator, w1] } }
phases: { faultsMs: 3000, healMs: 8000 }
`,
    // Cut at 500 ms, w1 knows its link is down (heartbeat timeout) before its first sleeps end at 1.5-1.9 s, on either
    // handshake. Cut at 1 s, on the 0-RTT register (the run a round trip earlier) all but one ended before it knew.
    bothHandshakes: true,
    broken: { onWorker: progressCoalescedAcrossExecutions },
    caught: ['delivery'],
    says: /completed sleep \S+ \(lease \S+\) at t=\d+ but its final progress \(fraction 1\) never left the worker/,
  },
  {
    name: 'a worker that forgets finished results when it reconnects',
    yaml: `name: forget-results\ndescription: w1 is cut off while results are in flight\n${PARTITIONED}`,
    broken: { onWorker: forgetResultsOnReconnect },
    caught: ['result-recorded'],
    says: /under live lease .* no result recorded: the work is redone/,
  },
  {
    name: 'every task reports completed at once',
    yaml: `name: instant-tasks
description: failing tasks and long sleeps
fleet: { workers: 2, concurrency: 2 }
coordinator: { breaker: false }
workload:
  items:
    - { kind: fail, count: 2, params: { times: 1000 }, retry: { maxRetries: 0 } }
    - { kind: sleep, count: 2, params: { durationMs: 6000 } }
phases: { faultsMs: 500, healMs: 9000 }
`,
    broken: { workerDeps: instantKinds },
    caught: ['task-contract'],
    says: /fails attempts 1..1000|takes at least 6000 ms/,
  },
  {
    name: 'a paused sleep checkpoints only the chunk the pause cut short',
    yaml: `name: pause-forgets-slept
description: a sleep paused after six checkpoints, resumed later
fleet: { workers: 1, concurrency: 1 }
workload:
  items:
    - { name: paused, kind: sleep, count: 1, params: { durationMs: 3000, checkpointEveryMs: 200 }, control: [{ op: pause, afterMs: 1300 }, { op: resume, afterMs: 2000 }] }
phases: { faultsMs: 500, healMs: 6000 }
`,
    broken: { workerDeps: pauseForgetsSlept },
    caught: ['task-contract'],
    says: /the pause checkpoint lost time already slept/,
  },
  {
    name: 'lease renewal coalesced per half lease',
    yaml: `name: half-lease-renewal
description: long checkpointing sleeps; two workers die holding them
fleet: { workers: 4, concurrency: 2, groups: [{ name: victims, count: 2 }] }
coordinator: { heartbeatMs: 500, heartbeatTimeoutMs: 2000, leaseMs: 3000 }
workload:
  items: [{ kind: sleep, count: 8, ratePerSec: 8, params: { durationMs: 4000, checkpointEveryMs: 300 } }]
faults: [{ at: 2900, for: 4500, target: victims, action: kill }]
phases: { faultsMs: 7500, healMs: 9000 }
`,
    broken: { engineFactory: engineFactoryOf(HalfLeaseRenewEngine) },
    caught: ['lease-expiry'],
    says: /that traffic renews it until/,
  },
  {
    name: 'retries wait ten times their delay',
    yaml: `name: slow-retries
description: tasks that fail once, retried after 300 ms
fleet: { workers: 2, concurrency: 2 }
coordinator: { breaker: false }
workload:
  items: [{ kind: fail, count: 3, params: { times: 1 }, retry: { strategy: fixed, maxRetries: 2, delayMs: 300 } }]
phases: { faultsMs: 500, healMs: 6000 }
`,
    broken: { engineFactory: engineFactoryOf(SlowRetryEngine) },
    caught: ['retries'],
    says: /the retry came too late/,
  },
  {
    name: 'timeouts read as seconds',
    yaml: `name: seconds-timeout
description: sleeps longer than their timeout
fleet: { workers: 2, concurrency: 2 }
workload:
  items: [{ kind: sleep, count: 2, timeoutMs: 500, params: { durationMs: 3000 }, retry: { maxRetries: 0 } }]
phases: { faultsMs: 500, healMs: 6000 }
`,
    broken: { engineFactory: engineFactoryOf(SecondsTimeoutEngine) },
    caught: ['timeouts'],
    says: /its timeoutMs is 500/,
  },
  {
    name: 'a worker that drops its connection now and then',
    yaml: `name: flaky-connection
description: a fault-free run
fleet: { workers: 2, concurrency: 2 }
workload:
  items: [{ kind: echo, count: 10, ratePerSec: 5, params: { value: 1 } }]
phases: { faultsMs: 2000, healMs: 3000 }
`,
    broken: { onWorker: flakyConnection(700) },
    caught: ['liveness'],
    says: /spurious disconnect/,
  },
];

describe('protocol-level broken variants are caught in simulation', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const parsed = parseScenario(c.yaml, `${c.name}.yaml`);
      for (const scenario of c.bothHandshakes ? [parsed, { ...parsed, fleet: { ...parsed.fleet, zeroRtt: false } }] : [parsed]) {
        const real = await runChecked(scenario, { seed: 1 });
        expect(real.violations.map(formatViolation)).toEqual([]);
        const broken = await runChecked(scenario, { seed: 1, wiring: c.broken });
        const text = broken.violations.map(formatViolation).join('\n');
        expect(broken.passed).toBe(false);
        expect([...new Set(broken.violations.map((v) => v.promise.name))], text).toEqual(expect.arrayContaining(c.caught));
        expect(text).toMatch(c.says);
      }
    });
  }
});
