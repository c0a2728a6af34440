/**
 * Worker features the workload never used before (issue 10, docs/DEFECTS.md
 * classes 12, 13, 22), end to end: scenarios/worker-features.yaml runs at its
 * seed as shipped (it passes), then once per broken variant
 * (./broken/worker-feature-variants.ts), and each broken run must be reported
 * under the promise the defect breaks. A broken run keeps only the part of the
 * scenario its feature needs (the flood, the oversized echoes, the drain): a
 * run with a defect spins (the KiB variant reconnects for every re-send of the
 * whole unacknowledged flood), and the rest adds nothing to the verdict.
 * The drain part also covers a worker that keeps accepting assigns while it
 * drains (set 6, miss 25): the trigger lands an assign on w3 just as it drains.
 * Two more triggers on that claim lose the refusal's result and reset w3's
 * link, so its held-task report at the resume must list the refusal (set 11 #25).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PromiseName } from '../../harness/check/promises.js';
import { formatViolation } from '../../harness/check/violation.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import type { Scenario } from '../../harness/scenario/schema.js';
import { runChecked } from '../../harness/scenario/run.js';
import type { SimWiring } from '../../harness/sim/index.js';
import { withDrainForgottenOnResume } from './broken/idle-variants.js';
import { refusalsNotHeld } from './broken/trace-variants.js';
import { drainDropsAssigns, drainIgnoresQueued, drainKeepsAccepting, drainTimeoutCancels, drainTimeoutClosesAtOnce, drainWithoutAcks, kibFrameLimit, leakyOutbox, withDrainIgnored } from './broken/worker-feature-variants.js';

const FILE = join(import.meta.dirname, '..', '..', 'scenarios', 'worker-features.yaml');

type Part = 'flood' | 'too-large' | 'drain';

const drainPart = (f: Scenario['faults'][number]): boolean => f.action.type === 'drain' || f.action.type === 'down';

/** The scenario with only one feature's part (no flood, no oversized echoes, no drain unless it is that part). */
function only(s: Scenario, part: Part): Scenario {
  const { flood, ...workload } = s.workload;
  return {
    ...s,
    // The oversized echoes alone: with the KiB defect every reconnect re-sends whatever queued up behind them.
    workload: { ...workload, items: s.workload.items.filter((i) => (i.name === 'too-large') === (part === 'too-large')), ...(part === 'flood' && flood !== undefined ? { flood } : {}) },
    // A shorter heal for them too: the defect's reconnect loop re-sends a growing backlog (a stale sync per reconnect) until the run ends.
    ...(part === 'too-large' ? { phases: { ...s.phases, healMs: 3_000 } } : {}),
    // The drain part keeps w2's link going down during its drain (a resumed session must stay draining).
    faults: s.faults.filter((f) => drainPart(f) === (part === 'drain') && (part === 'flood' || drainPart(f))),
    // The drain-on-claim trigger (a hand-back) needs the queued sleeps' claims; the oversized echoes alone never reach it.
    triggers: part === 'too-large' ? [] : s.triggers,
  };
}

async function verdict(part?: Part, wiring?: SimWiring, around: <T>(body: () => Promise<T>) => Promise<T> = (b) => b(), twoRtt = false) {
  const loaded = await loadScenario(FILE);
  const file = twoRtt ? { ...loaded, fleet: { ...loaded.fleet, zeroRtt: false } } : loaded;
  const scenario = part === undefined ? file : only(file, part);
  const r = await around(() => runChecked(scenario, wiring === undefined ? {} : { wiring }));
  return { passed: r.passed, promises: [...new Set(r.violations.map((v) => v.promise.name))], text: r.violations.map(formatViolation).join('\n'), marks: r.outcome.marks };
}

interface Case {
  name: string;
  part: Part;
  wiring?: SimWiring;
  around?: <T>(body: () => Promise<T>) => Promise<T>;
  caught: PromiseName;
  says: RegExp;
  /** Also run on the 2-RTT register (fleet.zeroRtt false): without a secret the fleet takes the 0-RTT register. */
  bothHandshakes?: true;
}

const CASES: Case[] = [
  {
    name: 'class 12: the outbox never gives a capacity slot back',
    part: 'flood',
    wiring: { onWorker: leakyOutbox },
    caught: 'delivery',
    says: /outbox refused \d+ data message\(s\) while only \d+ message\(s\) waited in it, below its capacity of 16/,
  },
  {
    name: 'class 13: the result size check in KiB (maxFrameBytes × 1024)',
    part: 'too-large',
    wiring: { onWorker: kibFrameLimit },
    caught: 'task-contract',
    says: /cannot fit a frame \(maxFrameBytes 16384\): the worker must report it failed with too_large/,
  },
  {
    name: 'class 22: the coordinator acknowledges drain without marking the worker draining',
    part: 'drain',
    around: withDrainIgnored,
    caught: 'drain',
    says: /after its drain was delivered in session .*: a draining worker gets no new work/,
  },
  {
    name: 'a drain that ends without waiting for the acknowledgements of what the worker sent',
    part: 'drain',
    wiring: { onWorker: drainWithoutAcks },
    caught: 'drain',
    says: /finished its drain at t=\d+ with seq \d+(\.\.\d+)? of session \S+ unacknowledged/,
  },
  {
    name: 'a drain that times out closes its link before what it aborted is handed back',
    part: 'drain',
    wiring: { onWorker: drainTimeoutClosesAtOnce },
    caught: 'drain',
    says: /w4 stopped at t=\d+ after its drain timed out without handing back attempt \d+ \(lease \S+, a `revoked` result\) it aborted/,
  },
  {
    name: 'a drain that times out aborts what still runs as a cancel, not a shutdown (set 10 #21)',
    part: 'drain',
    wiring: { onWorker: drainTimeoutCancels },
    caught: 'client-control',
    says: /w4 aborted its attempt under lease \S+ as "cancel" at t=\d+, though no cancel for it reached the worker[\s\S]*ended cancelled at t=\d+ \(cancelled by worker\) though no cancel was requested for it/,
  },
  {
    // The trigger drains w3 the moment an assign to it leaves: the assign lands on a draining worker.
    name: 'stop() with drain leaves the task runner accepting: an assign that lands during the drain is started (set 6, miss 25)',
    part: 'drain',
    wiring: { onWorker: drainKeepsAccepting },
    caught: 'drain',
    says: /w3 started lease \S+ at t=\d+, whose assign reached it at t=\d+ after it began draining: a draining worker refuses new assignments/,
  },
  {
    name: 'a draining worker drops an assign that lands during the drain without handing it back',
    part: 'drain',
    wiring: { onWorker: drainDropsAssigns },
    caught: 'drain',
    says: /w3 finished its drain at t=\d+ without handing back lease \S+, whose assign reached it at t=\d+ while it drained/,
  },
  {
    name: 'a drain that ignores results still queued while the link is down (blind set 8, #22)',
    part: 'drain',
    wiring: { onWorker: drainIgnoresQueued },
    bothHandshakes: true,
    caught: 'drain',
    says: /w2 finished its drain at t=\d+ without ever sending the result of lease \S+ \(its attempt ended at t=\d+\): a draining worker stops only once what it queued has left/,
  },
  {
    name: 'the coordinator forgets a drain when the draining worker resumes its session (blind set 7, #17)',
    part: 'drain',
    around: withDrainForgottenOnResume,
    caught: 'drain',
    says: /w2 was given attempt \d+ \(lease \S+\) \d+ ms after its drain was delivered in session \S+: a draining worker gets no new work/,
  },
  {
    // Triggers on the same claim blackhole w3's sends, so the refusal's `revoked` result is lost, then reset its link.
    name: 'a refused assignment is not recorded as finished: the held report after a resume omits its unacknowledged result (set 11 #25)',
    part: 'drain',
    wiring: { onWorker: refusalsNotHeld },
    caught: 'delivery',
    says: /w3's held-task report built at t=\d+ left out lease \S+ of \S+, whose result it had sent at t=\d+ and never saw acknowledged/,
  },
];

describe('worker features: scenarios/worker-features.yaml catches their broken variants', () => {
  it('passes as shipped and reaches the outbox-full, result-too-large and drain-received marks', { timeout: 60_000 }, async () => {
    const real = await verdict();
    expect(real.text).toBe('');
    expect(real.marks['worker.outbox-full']).toBeGreaterThan(0);
    expect(real.marks['worker.result-too-large']).toBeGreaterThan(0);
    expect(real.marks['coordinator.drain-received']).toBeGreaterThan(0);
  });

  for (const c of CASES) {
    it(c.name, { timeout: 60_000 }, async () => {
      for (const twoRtt of c.bothHandshakes ? [false, true] : [false]) {
        const real = await verdict(c.part, undefined, undefined, twoRtt);
        expect(real.text).toBe('');
        const broken = await verdict(c.part, c.wiring, c.around, twoRtt);
        expect(broken.passed).toBe(false);
        expect(broken.promises, broken.text).toContain(c.caught);
        expect(broken.text).toMatch(c.says);
      }
    });
  }
});
