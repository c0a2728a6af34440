/**
 * The harness catches real defects, not only synthetic histories: the real
 * coordinator, engine and workers run a small scenario in simulation, once as
 * they are (no violation of the promise under test) and once with one
 * deliberately broken piece swapped in by the test (a prototype patched for
 * the duration of the run, restored after; nothing in production code knows
 * about it). Each broken variant is a defect of KNOWN_FAILURE_MODES.md:
 *  - leases never expiring (reconnection #4: work held by dead workers never reassigned)
 *  - acknowledgement before commit (engine #6 / durability: kill -9 loses acknowledged work)
 *  - results accepted without fencing (engine #4: a late result overwrites the new attempt's)
 *  - finished tasks never removed from the running set (reconnection #3: ghost capacity)
 * The backoff cap applied after jitter (reconnection #6) is in broken-backoff.test.ts
 * (it replaces a module, which is per file).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { contextFromScenario } from '../../harness/check/context.js';
import { checkHistory } from '../../harness/check/invariants.js';
import type { PromiseName } from '../../harness/check/promises.js';
import { formatViolation } from '../../harness/check/violation.js';
import { parseScenario } from '../../harness/scenario/loader.js';
import { runScenarioSim } from '../../harness/scenario/run-sim.js';
import { EngineCore } from '../../system/engine/core.js';
import { Engine } from '../../system/engine/engine.js';
import { MemoryStore } from '../../system/store/memory-store.js';
import { TaskRunner } from '../../system/worker/task-runner.js';

type AnyFn = (this: unknown, ...args: unknown[]) => unknown;
const restores: (() => void)[] = [];
afterEach(() => {
  while (restores.length > 0) restores.pop()?.();
});

/** Replaces a method on a prototype until the end of the test. */
function patch(proto: object, name: string, make: (original: AnyFn) => AnyFn): void {
  const target = proto as Record<string, AnyFn>;
  const original = target[name];
  if (typeof original !== 'function') throw new Error(`no method ${name} to patch`);
  target[name] = make(original);
  restores.push(() => {
    target[name] = original;
  });
}

/** Violations of every promise for a scenario run at seed 1. */
async function violations(yaml: string): Promise<{ promise: PromiseName; text: string }[]> {
  const s = parseScenario(yaml, 'broken-variant.yaml');
  const o = await runScenarioSim(s, { seed: 1 });
  return checkHistory(o.history, s.checks, contextFromScenario(s)).map((v) => ({ promise: v.promise.name, text: formatViolation(v) }));
}

const promisesOf = (vs: { promise: PromiseName }[]): PromiseName[] => [...new Set(vs.map((v) => v.promise))];

describe('broken variants are caught', () => {
  it('leases that never expire: work held by killed workers waits for them', async () => {
    const yaml = `name: stuck-leases
description: two of four workers die holding leases
fleet: { workers: 4, concurrency: 2 }
coordinator: { heartbeatMs: 300, heartbeatTimeoutMs: 1000, leaseMs: 1000 }
workload:
  items: [{ kind: sleep, count: 16, params: { durationMs: 1500 } }]
faults:
  - { at: 500, for: 3000, target: w1, action: kill }
  - { at: 500, for: 3000, target: w2, action: kill }
phases: { faultsMs: 4000, healMs: 6000 }
`;
    expect(await violations(yaml)).toEqual([]);
    patch(EngineCore.prototype, 'sweepLeases', () => function (this: unknown) {});
    const broken = await violations(yaml);
    expect(promisesOf(broken)).toContain('no-lost-work');
    expect(broken.map((v) => v.text).join('\n')).toMatch(/connection was lost at t=\d+ but its lease \S+ was still held/);
  });

  it('acknowledgement before commit: a coordinator crash loses acknowledged submissions', async () => {
    const yaml = `name: ack-before-commit
description: the coordinator is killed while submissions are acknowledged
fleet: { workers: 3, concurrency: 2 }
workload:
  items: [{ kind: sleep, count: 40, ratePerSec: 20, params: { durationMs: 1000 } }]
faults:
  - { at: 1500, for: 500, target: coordinator, action: kill }
phases: { faultsMs: 3000, healMs: 8000 }
`;
    expect(await violations(yaml)).toEqual([]);
    // Resolve every store operation at once, commit a second later.
    patch(MemoryStore.prototype, 'stage', (original) =>
      function (this: unknown, op: unknown, apply: unknown) {
        const p = original.call(this, op, apply) as Promise<unknown>;
        p.catch(() => {});
        return op === 'prune' ? p : Promise.resolve(undefined);
      } as AnyFn,
    );
    patch(MemoryStore.prototype, 'schedule', () =>
      function (this: { options: { clock?: { setTimeout(f: () => void, ms: number): unknown } }; timer: unknown; flush(): void }) {
        const clock = this.options.clock;
        if (clock === undefined) return;
        this.timer ??= clock.setTimeout(() => {
          this.timer = undefined;
          this.flush();
        }, 1000);
      } as AnyFn,
    );
    const broken = await violations(yaml);
    expect(promisesOf(broken)).toEqual(expect.arrayContaining(['durability', 'no-lost-work']));
    expect(broken.find((v) => v.promise === 'durability')?.text).toMatch(/never seen again after the restart/);
  });

  it('results accepted without fencing: a partitioned worker’s late result is recorded over the new attempt', async () => {
    const yaml = `name: no-fencing
description: a worker is cut off longer than its lease, finishes, and comes back with a stale result
fleet: { workers: 2, concurrency: 1, backoff: { initialMs: 50, maxMs: 200 } }
coordinator: { heartbeatMs: 300, heartbeatTimeoutMs: 1000, leaseMs: 1000 }
workload:
  items: [{ kind: sleep, count: 2, params: { durationMs: 6000 } }]
faults:
  - { at: 500, for: 1500, action: { type: partition, groups: [coordinator, w1] } }
phases: { faultsMs: 2500, healMs: 15000 }
`;
    expect(await violations(yaml)).toEqual([]);
    // The engine records any result for the execution, whatever its lease token.
    patch(Engine.prototype, 'onResult', (original) =>
      async function (this: { records: Map<string, { lease?: { token: string } }>; recordOutcome: AnyFn }, report: unknown) {
        const r = report as { executionId: string; leaseToken: string; outcome: string; result?: unknown; error?: unknown };
        const rec = this.records.get(r.executionId);
        if (rec?.lease !== undefined && rec.lease.token !== r.leaseToken) {
          await (this.recordOutcome.call(this, rec, r.outcome, r.result, r.error) as Promise<void>);
          return 'recorded';
        }
        return original.call(this, report);
      } as AnyFn,
    );
    const broken = await violations(yaml);
    expect(promisesOf(broken)).toContain('exactly-once');
    expect(broken.map((v) => v.text).join('\n')).toMatch(/the result came from someone else|completed twice|left terminal state/);
  });

  it('finished tasks never removed from the running set: capacity fills with ghosts', async () => {
    const yaml = `name: ghosts
description: workers keep finished tasks in their running set
fleet: { workers: 2, concurrency: 2 }
workload:
  items: [{ kind: echo, count: 6, params: { value: 1 } }]
phases: { faultsMs: 200, healMs: 300 }
`;
    expect(await violations(yaml)).toEqual([]);
    patch(TaskRunner.prototype, 'settle', (original) =>
      function (this: { running: Map<string, unknown> }, ...args: unknown[]) {
        const running = this.running;
        const del = running.delete.bind(running);
        running.delete = () => false;
        try {
          return original.apply(this, args);
        } finally {
          running.delete = del;
        }
      } as AnyFn,
    );
    const broken = await violations(yaml);
    expect(promisesOf(broken)).toContain('no-lost-work');
    expect(broken.find((v) => v.promise === 'no-lost-work')?.text).toMatch(/never reached a terminal state/);
  });
});
