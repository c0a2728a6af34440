/**
 * A live run records each graph's dependencies as the client asked for them
 * (the shared driver does it for both modes), so the checker's order promise
 * judges live runs as it judges simulations. The broken variant is a system
 * that drops every dependency: built here by rewriting the HTTP body the
 * live runner sends (LiveRunOptions.wiring), the live twin of the
 * simulation's "dependencies dropped" variant (tests/sim/broken-variants).
 * Before the shared driver, the live runner never recorded dependsOn and the
 * broken variant passed.
 */
import { describe, expect, it } from 'vitest';
import { runLive } from '../../harness/live/runner.js';
import { parseScenario } from '../../harness/scenario/loader.js';

const YAML = `
name: live-graph-order
description: chains of sleeps, live, no faults
fleet: { workers: 2, concurrency: 4, backoff: { strategy: full-jitter, initialMs: 50, maxMs: 500 } }
coordinator: { heartbeatMs: 300, heartbeatTimeoutMs: 1000, leaseMs: 2000 }
workload:
  items:
    - { kind: sleep, count: 3, graph: { shape: chain, size: 4 }, params: { durationMs: 200 } }
phases: { faultsMs: 1500, healMs: 15000 }
`;

type GraphBody = { tasks: Record<string, { dependsOn?: string[] }> };

/** The broken system: every graph arrives without dependencies. */
const dropDependsOn = (body: unknown, graph: boolean): unknown => {
  if (!graph) return body;
  const g = structuredClone(body) as GraphBody;
  for (const node of Object.values(g.tasks)) node.dependsOn = [];
  return g;
};

describe('live: graph dependencies are checked as in simulation', () => {
  it('a correct run keeps the order promise; one whose dependencies are dropped breaks it', async () => {
    const scenario = parseScenario(YAML, 'live-graph-order.yaml');
    const good = await runLive(scenario, { seed: 5, reportDir: null });
    expect(good.json.acknowledged).toBe(12);
    expect(good.json.violations.filter((v) => v.name === 'order')).toEqual([]);

    const broken = await runLive(scenario, { seed: 5, reportDir: null, wiring: { submitBody: dropDependsOn } });
    expect(broken.json.passed).toBe(false);
    const order = broken.json.violations.filter((v) => v.name === 'order');
    expect(order.length).toBeGreaterThan(0);
    expect(order[0]?.message).toMatch(/depend/i);
  }, 120_000);
});
