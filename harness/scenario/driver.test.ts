/**
 * The shared scenario driver on a fake mode (a manual clock, submissions
 * answered at once): what it records for graphs, and that a refused fault
 * stops the schedule, is listed apart from the applied ones and still heals.
 */
import { describe, expect, it } from 'vitest';
import { driveScenario, type ModeAdapter, type RunRecorder } from './driver.js';
import { parseScenario } from './loader.js';

const YAML = `
name: driver-test
description: two graphs and three faults
fleet: { workers: 2 }
workload:
  items:
    - { kind: echo, count: 2, ratePerSec: 1, graph: { shape: chain, size: 3 } }
faults:
  - { at: 100, for: 200, target: w1, action: { type: latency, ms: 10 } }
  - { at: 500, target: w2, action: { type: corrupt, probability: 0.1 } }
  - { at: 700, target: w1, action: down }
phases: { faultsMs: 1000, healMs: 1000 }
`;

function fakeMode(refuse: (type: string) => boolean, faultSteps: 'inline' | 'chained' = 'inline') {
  let now = 0;
  let nextId = 1;
  const log: string[] = [];
  const invokes: unknown[] = [];
  const recorder: RunRecorder = {
    invoke: (v) => (invokes.push(v), invokes.length - 1),
    ok: () => undefined,
    fail: () => undefined,
    fault: (phase, d) => log.push(`${now} fault ${phase} ${d.id}`),
    phase: (p) => log.push(`${now} phase ${p}`),
    note: (v) => log.push(`${now} note ${JSON.stringify(v)}`),
    read: () => log.push(`${now} read`),
  };
  const mode: ModeAdapter = {
    recorder,
    faultSteps,
    now: () => now,
    // Time moves on a later macrotask, as a real wait does (a refusal on a fault chain can interrupt it).
    sleepUntil: (t) =>
      new Promise<void>((r) =>
        setTimeout(() => {
          now = Math.max(now, t);
          r();
        }, 0),
      ),
    submit: (s, h) => {
      h.begin();
      h.ok(s.type === 'graph' ? Object.keys(s.graph).map(() => `e${nextId++}`) : [`e${nextId++}`]);
    },
    applyFault: (f, id) => {
      if (refuse(f.action.type)) return Promise.reject(new Error(`proxy at http://proxy.invalid answered 400 invalid toxic type for ${id}`));
      log.push(`${now} apply ${id}`);
      return Promise.resolve(() => void log.push(`${now} undo ${id}`));
    },
    awaitConvergence: () => Promise.resolve(true),
    finalStatuses: (ids) => Promise.resolve(Object.fromEntries(ids.map((id) => [id, 'completed']))),
  };
  return { mode, log, invokes };
}

describe('driveScenario', () => {
  it('records each graph with the dependencies the client asked for, and runs faults and heal in time order', async () => {
    const scenario = parseScenario(YAML, 'driver-test.yaml');
    const { mode, log, invokes } = fakeMode(() => false);
    const out = await driveScenario(scenario, mode, { seed: 1, swarm: [] });
    expect(invokes).toMatchObject([
      { ref: 'item1#1', kind: 'graph', graph: 'chain', dependsOn: [[], [0], [1]] },
      { ref: 'item1#2', kind: 'graph', graph: 'chain', dependsOn: [[], [0], [1]] },
    ]);
    expect(out.acked.size).toBe(6);
    expect(out.applied).toEqual(['f1', 'f2', 'f3']);
    expect(out.refused).toEqual([]);
    expect(log.filter((l) => !l.includes('note'))).toEqual([
      '0 phase faults', '100 fault start f1', '100 apply f1', '300 undo f1', '300 fault stop f1',
      '500 fault start f2', '500 apply f2', '700 fault start f3', '700 apply f3',
      '1000 phase heal', '1000 undo f3', '1000 fault stop f3', '1000 undo f2', '1000 fault stop f2',
      '2000 read', '2000 phase end', // after the settling tail
    ]);
  });

  it('a refused fault stops the schedule at once, is listed apart, and the run still heals', async () => {
    const scenario = parseScenario(YAML, 'driver-test.yaml');
    for (const steps of ['inline', 'chained'] as const) {
      const { mode, log } = fakeMode((t) => t === 'corrupt', steps);
      const out = await driveScenario(scenario, mode, { seed: 1, swarm: [] });
      expect(out.applied).toEqual(['f1']);
      expect(out.refused).toEqual([{ id: 'f2', action: 'corrupt', target: 'w2', at: 500, reason: 'proxy at http://proxy.invalid answered 400 invalid toxic type for f2' }]);
      expect(log.some((l) => l.includes('apply f3')), steps).toBe(false); // nothing after the refusal
      expect(log, steps).toContain('500 phase heal');
      expect(out.convergedAfterMs).toBeNull(); // a refused run is not waited on
    }
  });
});
