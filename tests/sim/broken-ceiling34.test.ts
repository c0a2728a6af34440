/**
 * Session 34: a worker whose --heartbeat-timeout-max-ms is below the
 * coordinator's heartbeat timeout learns it only at the welcome. README
 * "Configuration": it raises its ceiling to the coordinator's timeout and
 * reports it (`heartbeat_ceiling_raised` at every registration, one warning).
 * scenarios/worker-ceiling-below.yaml passes with the real worker at seed 1;
 * a worker that clamps silently (the report planted away through the
 * prototype) is caught by promise 10 at the same seed.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { formatViolation } from '../../harness/check/violation.js';
import { parseScenario } from '../../harness/scenario/loader.js';
import { runChecked } from '../../harness/scenario/run.js';
import { WorkerSession } from '../../system/worker/worker-session.js';

type Raise = (connectionId: string, configuredMaxMs: number, floorMs: number, ceilingMs: number) => void;
const proto = WorkerSession.prototype as unknown as { ceilingRaised: Raise };
const real = proto.ceilingRaised;
afterEach(() => {
  proto.ceilingRaised = real;
});

const run = () => runChecked(parseScenario(readFileSync('scenarios/worker-ceiling-below.yaml', 'utf8'), 'worker-ceiling-below.yaml'), { seed: 1 });

describe('session 34: a worker ceiling below the coordinator timeout', () => {
  it('the real worker raises and reports it at every registration (seed 1)', { timeout: 60_000 }, async () => {
    const r = await run();
    expect(r.violations.map(formatViolation)).toEqual([]);
    const reports = r.outcome.history.filter((h) => h.f === 'heartbeat_ceiling_raised');
    expect(reports.length).toBeGreaterThanOrEqual(4);
    expect(reports[0]?.value).toMatchObject({ configuredMaxMs: 2000, floorMs: 3000, ceilingMs: 3000 });
  });

  it('a worker that clamps silently is caught (promise 10)', { timeout: 60_000 }, async () => {
    proto.ceilingRaised = () => {};
    const r = await run();
    expect(r.passed).toBe(false);
    expect(r.violations.map(formatViolation).join('\n')).toMatch(/w\d's registration at t=\d+: its --heartbeat-timeout-max-ms 2000 ms is below the coordinator's heartbeat timeout 3000 ms; .* it reported 0/);
  });
});
