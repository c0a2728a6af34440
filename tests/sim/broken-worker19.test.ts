/**
 * Blind set 19's workers stopped the ways users do, each as a broken variant
 * configured the ways users do (./broken/worker19-variants.ts): each scenario
 * passes on the real system and fails naming the promise with the defect planted.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import { capsAtInitialDelay, dropsQueuedDrain, noDrainWhileSyncing, replacesUrlPath, workersNeverDraining } from './broken/worker19-variants.js';
import { simVerdict } from './broken/verdict.js';

describe('blind set 19: drains at every point of a connection life', () => {
  it('drain-points: a drain queued while cut off, dropped at the reconnect, never reaches the coordinator (drain)', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario('scenarios/drain-points.yaml');
    expect((await simVerdict(scenario)).text).toBe('');
    const broken = await simVerdict(scenario, { onWorker: dropsQueuedDrain });
    expect(broken.passed).toBe(false);
    expect(broken.promises).toContain('drain');
    expect(broken.text).toMatch(/w1 was told to stop at t=1900, registered in session \S+ at t=\d+, .* the coordinator never got its drain in that session/);
  });

  it('drain-points: a drain while syncing throws at the sync_result, the worker drops its link again and again (drain)', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario('scenarios/drain-points.yaml');
    const broken = await simVerdict(scenario, { onWorker: noDrainWhileSyncing });
    expect(broken.passed).toBe(false);
    expect(broken.promises).toContain('drain');
    expect(broken.text).toMatch(/w[23] dropped its link at t=\d+ for its own internal error \(internal error handling "sync_result"\)/);
  });

  it('drain-points: GET /api/v1/workers never lists a worker draining (drain)', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario('scenarios/drain-points.yaml');
    const broken = await simVerdict(scenario, { wrapHttp: workersNeverDraining });
    expect(broken.passed).toBe(false);
    expect(broken.promises).toContain('drain');
    expect(broken.text).toMatch(/GET \/api\/v1\/workers at t=\d+ lists w\d connected and not draining, though its drain reached the coordinator in its session \S+ at t=\d+/);
  });
});

describe('blind set 19: workers built in code with partial configs', () => {
  it('worker-entry-points: a worker given only initialMs 500 caps every delay at 500 ms instead of the documented 10 s (backoff)', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario('scenarios/worker-entry-points.yaml');
    expect((await simVerdict(scenario)).text).toBe('');
    const broken = await simVerdict(scenario, { onWorker: capsAtInitialDelay });
    expect(broken.passed).toBe(false);
    expect(broken.promises).toContain('backoff');
    expect(broken.text).toMatch(/w[12].*attempt 2 drew from \[0, 500\] ms; full-jitter with initialMs 500, multiplier 2, maxMs 10000 asks for \[0, 1000\]/s);
  });

  it('worker-entry-points: a worker that replaces its URL\'s path with /ws never reaches a coordinator behind a reverse proxy at /squall/ws (backoff)', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario('scenarios/worker-entry-points.yaml');
    const broken = await simVerdict(scenario, { onWorker: replacesUrlPath });
    expect(broken.passed).toBe(false);
    expect(broken.promises).toContain('backoff');
    expect(broken.text).toMatch(/w1 never registered during the run/);
  });
});
