/**
 * Promise 10 (liveness), a worker ceiling below the coordinator's heartbeat
 * timeout (harness/check/promises-heartbeat-ceiling.ts), on synthetic
 * histories: fires on a silent clamp, a repeated or wrong report, and a
 * report where the ceiling holds; quiet on the documented behaviour.
 */
import { describe, expect, it } from 'vitest';
import type { CheckContext } from '../../harness/check/context.js';
import { checkHistory } from '../../harness/check/invariants.js';
import { H, baseContext } from './builder.js';

// baseContext: the coordinator's timeout (the worker's floor) 2000 ms.
const below: CheckContext = { ...baseContext, workerHeartbeatTimeoutMaxMs: 1500 };
const raised = (h: H, fields: { configuredMaxMs?: number; floorMs?: number; ceilingMs?: number } = {}): H =>
  h.emit('w1', { type: 'heartbeat_ceiling_raised', side: 'worker', workerId: 'w1', connectionId: 'c', configuredMaxMs: 1500, floorMs: 2000, ceilingMs: 2000, ...fields });
const liveness = (h: H, ctx: CheckContext): string[] => checkHistory(h.history(), ['liveness'], ctx).map((v) => v.message).filter((m) => /ceiling/.test(m));

describe('10 liveness: a worker ceiling below the coordinator timeout is raised and reported', () => {
  it('passes one report per registration with the configured ceiling, the floor and the raised ceiling', () => {
    expect(liveness(raised(raised(new H().connect('w1')).at(500).connect('w1')), below)).toEqual([]);
    expect(liveness(new H().connect('w1'), baseContext)).toEqual([]);
  });

  it('reports a worker that clamps silently, at each registration', () => {
    expect(liveness(raised(new H().connect('w1')).at(500).connect('w1'), below)).toEqual([
      expect.stringMatching(/w1's registration at t=500: its --heartbeat-timeout-max-ms 1500 ms is below the coordinator's heartbeat timeout 2000 ms; .* it reported 0/),
    ]);
  });

  it('reports wrong numbers, a report repeated, and a report where the ceiling holds', () => {
    expect(liveness(raised(new H().connect('w1'), { ceilingMs: 1500 }), below)).toEqual([expect.stringMatching(/says configured 1500 ms, floor 2000 ms, ceiling 1500 ms; the run's configuration gives configured 1500 ms, floor 2000 ms, ceiling 2000 ms/)]);
    expect(liveness(raised(raised(new H().connect('w1'))), below)).toEqual([expect.stringMatching(/it reported 2$/)]);
    expect(liveness(raised(new H().connect('w1')), baseContext)).toEqual([expect.stringMatching(/reported heartbeat_ceiling_raised .* though its configured ceiling 60000 ms is not below the floor 2000 ms/)]);
  });
});
