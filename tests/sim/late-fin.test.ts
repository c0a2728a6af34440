/**
 * The simulated network can deliver a restarted process's new connection
 * before the old connection's close (a FIN held up, seeded), so the
 * coordinator's session replacement (worker_replaced, close 4409 to the old
 * connection) is reachable in simulation and checked like everything else.
 * Before, a dead connection's FIN always arrived first and replacement never
 * happened in any scenario.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatViolation } from '../../harness/check/index.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import { runChecked } from '../../harness/scenario/run.js';

describe('late FIN after a kill', () => {
  it('worker-crash seed 1 replaces a session (4409) and keeps every promise', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario(join(import.meta.dirname, '../../scenarios/worker-crash.yaml'));
    const run = await runChecked(scenario, { seed: 1 });
    expect(run.violations.map(formatViolation)).toEqual([]);
    const replaced = run.outcome.history.filter((r) => r.f === 'worker_replaced');
    expect(replaced.length).toBeGreaterThan(0);
    // The new connection registered while the old one was still open at the
    // coordinator: the worker's next registration after the replacement, at
    // the same instant, is on the new connection.
    const r0 = replaced[0];
    const next = run.outcome.history.find((r) => r.f === 'worker_registered' && r.index > (r0?.index ?? 0) && r.value.workerId === r0?.value.workerId);
    expect(next?.time).toBe(r0?.time);
    expect(next?.value.connectionId).toBe(r0?.value.newConnectionId);
  });
});
