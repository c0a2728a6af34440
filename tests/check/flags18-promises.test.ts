/**
 * Operator flags at their extremes (blind set 18 #19, #28) on synthetic
 * histories: each rule fires on a violating history and stays quiet on its
 * good neighbour (harness/check/promises-interval-pace.ts, promise 35;
 * promises-heartbeat.ts and promises-rtt.ts with adaptation off, promise 10).
 */
import { describe, expect, it } from 'vitest';
import type { CheckContext } from '../../harness/check/context.js';
import { checkHistory } from '../../harness/check/invariants.js';
import { H, baseContext } from './builder.js';

interface Pace {
  periodMs: number;
  armedAt: number;
  fires: number;
  cancelledAt?: number;
}

const THIRTY_DAYS = 30 * 86_400_000;

function paces(list: Pace[], at = 4000): H {
  const h = new H().at(at);
  h.rec.recordInfo({ idleCoordinator: { intervals: 2, bootIntervals: 2, hubStreams: 0, openStreams: 0, intervalPaces: list } });
  return h;
}

const hygiene = (h: H, ctx: CheckContext = baseContext): string[] => checkHistory(h.history(), ['hygiene'], ctx).map((v) => v.message);

describe('35 hygiene: a periodic task fires at its period, never far more often', () => {
  it('passes intervals that fired once per period (a 30-day one capped at 2^31-1 ms, not yet due)', () => {
    expect(hygiene(paces([{ periodMs: 100, armedAt: 0, fires: 40 }, { periodMs: THIRTY_DAYS, armedAt: 0, fires: 0 }, { periodMs: 250, armedAt: 1000, fires: 12, cancelledAt: 4000 }]))).toEqual([]);
  });

  it('reports a 30-day period turned into 1 ms (Node\'s rule for a period it cannot hold)', () => {
    expect(hygiene(paces([{ periodMs: THIRTY_DAYS, armedAt: 0, fires: 3999 }]))).toEqual([
      expect.stringMatching(/interval of period 2592000000 ms armed at t=0 fired 3999 times by t=4000 \(1000 per second\), at most 1 at its period \(capped at 2\^31-1 ms/),
    ]);
  });

  it('reports an ordinary interval firing twice per period, cancelled or still armed', () => {
    expect(hygiene(paces([{ periodMs: 100, armedAt: 0, fires: 80 }]))).toHaveLength(1);
    expect(hygiene(paces([{ periodMs: 100, armedAt: 0, fires: 30, cancelledAt: 1000 }]))).toEqual([expect.stringMatching(/fired 30 times by t=1000 .* at most 11 at its period/)]);
  });

  it('requires an interval at the retention sweep period the operator gave (default 10 s)', () => {
    const ctx = { ...baseContext, retention: { maxCount: 5, sweepMs: THIRTY_DAYS } };
    expect(hygiene(paces([{ periodMs: THIRTY_DAYS, armedAt: 0, fires: 0 }]), ctx)).toEqual([]);
    expect(hygiene(paces([{ periodMs: 10_000, armedAt: 0, fires: 0 }]), ctx)).toEqual([expect.stringMatching(/no coordinator interval has the retention sweep's period 2592000000 ms \(--retain-sweep; armed: 10000 ms\)/)]);
    expect(hygiene(paces([{ periodMs: 10_000, armedAt: 0, fires: 0 }]), { ...baseContext, retention: { maxCount: 5 } })).toEqual([]);
  });
});

describe('10 liveness: --no-adaptive-heartbeat keeps the timeout in force at the fixed one', () => {
  // baseContext: floor 2000 on both sides.
  const adapted = (side: 'coordinator' | 'worker', timeoutMs: number): H =>
    new H().connect('w1').at(100).emit(side === 'coordinator' ? 'coordinator' : 'w1', { type: 'heartbeat_adapted', side, workerId: 'w1', connectionId: 'c', srttMs: 900, rttvarMs: 300, timeoutMs });
  const sampled = (side: 'coordinator' | 'worker', timeoutMs: number): H =>
    new H().connect('w1').at(100).emit(side === 'coordinator' ? 'coordinator' : 'w1', { type: 'rtt_sampled', side, workerId: 'w1', connectionId: 'c', sampleMs: 500, srttMs: 500, rttvarMs: 250, timeoutMs });
  const liveness = (h: H, ctx: CheckContext): string[] => checkHistory(h.history(), ['liveness'], ctx).map((v) => v.message);
  const off = { ...baseContext, adaptiveHeartbeat: false };

  it('passes the fixed timeout with adaptation off, and an adapted one with it on', () => {
    for (const side of ['coordinator', 'worker'] as const) {
      expect(liveness(adapted(side, 2000), off)).toEqual([]);
      expect(liveness(sampled(side, 2000), off)).toEqual([]);
      expect(liveness(adapted(side, 2400), baseContext)).toEqual([]);
    }
  });

  it('reports a timeout that moved with the RTT although its side does not adapt', () => {
    expect(liveness(adapted('coordinator', 2400), off)).toEqual([expect.stringMatching(/coordinator heartbeat timeout for w1 adapted to 2400 ms .* runs with --no-adaptive-heartbeat: the timeout stays fixed at --heartbeat-timeout-ms 2000 ms/)]);
    expect(liveness(sampled('worker', 2500), off)).toEqual([expect.stringMatching(/left the heartbeat timeout in force at 2500 ms; .* its floor \(not adaptive/)]);
  });

  it('judges each side by its own flag: workers started with --no-adaptive-heartbeat under an adaptive coordinator', () => {
    const workersOff = { ...baseContext, workerAdaptiveHeartbeat: false };
    expect(liveness(adapted('coordinator', 2400), workersOff)).toEqual([]);
    expect(liveness(adapted('worker', 2400), workersOff)).toHaveLength(1);
  });

  it('judges each side\'s timeout in force with its own k (--rtt-factor)', () => {
    // srtt 500, rttvar 250, interval 500: k 2 gives 500 + 2 × 1500 = 3500, k 1 gives 2000 (a long lease keeps the ceiling above both).
    const ctx = { ...baseContext, leaseMs: 60_000, rttFactor: 1, workerRttFactor: 2 };
    expect(liveness(sampled('coordinator', 2000), ctx)).toEqual([]);
    expect(liveness(sampled('worker', 3500), ctx)).toEqual([]);
    expect(liveness(sampled('worker', 2000), ctx)).toEqual([expect.stringMatching(/left the heartbeat timeout in force at 2000 ms; its own estimate gives clamp\(500 \+ 2 × /)]);
  });
});

