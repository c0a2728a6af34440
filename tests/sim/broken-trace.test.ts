/**
 * Defects the system's own redundancy heals, caught from the worker's trace
 * (issue 10, docs/DEFECTS.md classes 07, 08, 10, 17;
 * harness/check/promises-trace.ts): each small scenario runs as the system is
 * (it passes) and with one broken piece (./broken/trace-variants.ts), which
 * must be reported under the promise it breaks, by name.
 */
import { simVerdict, type Verdict } from './broken/verdict.js';
import { describe, expect, it } from 'vitest';
import type { PromiseName } from '../../harness/check/promises.js';
import { parseScenario } from '../../harness/scenario/loader.js';
import type { SimWiring } from '../../harness/sim/index.js';
import { syncIgnoringInFlight } from './broken/session-variants.js';
import { abortsAsRevoked, checkpointsFromOne, neverForgetFinished } from './broken/trace-variants.js';

const run = (yaml: string, wiring?: SimWiring): Promise<Verdict> => simVerdict(parseScenario(yaml, 'broken-trace.yaml'), wiring);

interface Case {
  name: string;
  yaml: string;
  /** Runs the broken variant (a wiring, or a prototype patch around the run). */
  broken: (yaml: string) => Promise<Verdict>;
  caught: PromiseName;
  says: RegExp;
}

const CASES: Case[] = [
  {
    name: 'class 07: a resumed attempt numbers its checkpoints from 1 (all refused as stale, silently)',
    yaml: `name: checkpoints-from-one
description: checkpointing sleeps; one worker dies mid-task and its attempts resume elsewhere
fleet: { workers: 3, concurrency: 2 }
coordinator: { heartbeatMs: 300, heartbeatTimeoutMs: 1000, leaseMs: 1000 }
workload:
  items: [{ kind: sleep, count: 4, params: { durationMs: 2000, checkpointEveryMs: 200 } }]
faults:
  - { at: 1000, for: 2000, target: w1, action: kill }
phases: { faultsMs: 3000, healMs: 6000 }
`,
    broken: (yaml) => run(yaml, { onWorker: checkpointsFromOne }),
    caught: 'checkpoints',
    says: /sent checkpoint 1 of attempt 2 .* as new, though it resumed from checkpoint \d+/,
  },
  {
    name: 'class 08: a finished attempt is never forgotten when its result is acknowledged (reported held at every sync)',
    yaml: `name: held-after-ack
description: echo tasks finish; then every worker loses its link for a while and syncs again
fleet: { workers: 2, concurrency: 2 }
coordinator: { heartbeatMs: 300, heartbeatTimeoutMs: 1000 }
workload:
  items: [{ kind: echo, count: 6, ratePerSec: 6, params: { value: 1 } }]
faults:
  - { at: 1500, for: 1500, target: all-workers, action: { type: partition, groups: [coordinator, all-workers] } }
phases: { faultsMs: 3000, healMs: 4000 }
`,
    broken: (yaml) => run(yaml, { onWorker: neverForgetFinished }),
    caught: 'acked-not-resent',
    says: /reported lease \S+ as finished in its held-task report .* though it saw that lease's result acknowledged/,
  },
  {
    name: 'class 10: every abort is taken as a revoke (cancel and pause arrive, the reason is ignored)',
    yaml: `name: abort-reason
description: long sleeps cancelled and paused (then resumed) while they run
fleet: { workers: 2, concurrency: 2 }
coordinator: { heartbeatMs: 300, heartbeatTimeoutMs: 1000 }
workload:
  items:
    - { name: cancelled, kind: sleep, count: 1, params: { durationMs: 4000, checkpointEveryMs: 200 }, control: [{ op: cancel, afterMs: 800 }] }
    - { name: paused, kind: sleep, count: 1, params: { durationMs: 2000, checkpointEveryMs: 200 }, control: [{ op: pause, afterMs: 800 }, { op: resume, afterMs: 1600 }] }
phases: { faultsMs: 2000, healMs: 5000 }
`,
    broken: (yaml) => run(yaml, { onWorker: abortsAsRevoked }),
    caught: 'client-control',
    says: /received abort "(cancel|pause)" .* aborted it as "revoked"/,
  },
  {
    name: 'class 17: a sync counts only reported leases as held (an assign in flight is released and redone)',
    yaml: `name: sync-in-flight
description: a worker's connection is reset the moment its assign leaves; it resumes its session and syncs
fleet: { workers: 2, concurrency: 2 }
coordinator: { heartbeatMs: 300, heartbeatTimeoutMs: 1000, leaseMs: 3000 }
workload:
  items: [{ kind: sleep, count: 4, ratePerSec: 4, params: { durationMs: 500 } }]
triggers:
  - { on: { event: claim, worker: w1, nth: 2 }, target: w1, action: { type: reset_peer, timeoutMs: 0 }, for: 50, note: assign in flight }
phases: { faultsMs: 3000, healMs: 5000 }
`,
    broken: (yaml) => run(yaml, { coordinatorPolicies: syncIgnoringInFlight }),
    caught: 'lease-expiry',
    says: /ended at w1's sync as not held .* its assign \(seq \d+, sent at t=\d+\) was still unacknowledged/,
  },
];

describe('defects healed by redundancy are caught from the worker trace', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const real = await run(c.yaml);
      expect(real.text).toBe('');
      expect(real.passed).toBe(true);
      const broken = await c.broken(c.yaml);
      expect(broken.passed).toBe(false);
      expect(broken.promises, broken.text).toContain(c.caught);
      expect(broken.text).toMatch(c.says);
    });
  }
});
