/**
 * A live partition and heal: real coordinator and worker processes (one swarm
 * host per group), half the fleet blackholed through the fault proxy for
 * longer than a lease. Checked from the coordinator's HTTP API: no
 * acknowledged execution lost, none completed twice, every worker back.
 */
import { describe, expect, it } from 'vitest';
import { essentialViolations } from '../../harness/live/runner.js';
import { runScenarioLive } from '../../harness/live/live-run.js';
import { parseScenario } from '../../harness/scenario/loader.js';

const YAML = `
name: live-partition-heal-test
description: tiny live partition and heal
fleet:
  workers: 4
  concurrency: 2
  groups:
    - { name: east, count: 2 }
    - { name: west, count: 2 }
  backoff: { strategy: full-jitter, initialMs: 50, maxMs: 500 }
coordinator:
  heartbeatMs: 300
  heartbeatTimeoutMs: 1000
  leaseMs: 1200
  secret: live-test-secret
workload:
  items:
    - kind: sleep
      count: 16
      ratePerSec: 10
      params: { durationMs: 400, checkpointEveryMs: 100 }
faults:
  - at: 300
    for: 2000
    action: { type: partition, groups: [[coordinator, east], west] }
phases:
  faultsMs: 2500
  healMs: 15000
`;

describe('live: partition and heal', () => {
  it('loses and duplicates no completion, and every worker reconnects', async () => {
    const scenario = parseScenario(YAML, 'live-partition-heal-test.yaml');
    const outcome = await runScenarioLive(scenario, { seed: 3 });
    expect(outcome.acked.size).toBe(16);
    expect(outcome.convergedAfterMs).not.toBeNull();
    expect(essentialViolations(outcome)).toEqual([]);
    // The partition really cut the west workers off: they disconnected and came back.
    const events = outcome.buffer.events();
    const westDown = events.filter((e) => (e.event.source === 'w3' || e.event.source === 'w4') && e.event.type === 'disconnected');
    expect(westDown.length).toBeGreaterThan(0);
    const completed = outcome.executions.filter((e) => outcome.acked.has(e.executionId) && e.status === 'completed');
    expect(completed.length).toBe(16);
  }, 90_000);
});
