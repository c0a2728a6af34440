/**
 * Promise 10 recomputes each side's RTT estimate from the samples the sides
 * trace (`rtt_sampled`, harness/check/promises-rtt.ts): the history's
 * `heartbeat_adapted` reports only 10% changes of the timeout, so arithmetic
 * that goes wrong below them passed every run. Each defect is planted by a
 * module mock local to this file, off until its test turns it on:
 *  - the coordinator reads a pong's round trip off the wall clock (clock.now())
 *    while the ping carried a monotonic stamp (blind set 10 #14);
 *  - LinkTiming.sample updates the timeout in force only when it changed by
 *    10% or more, the reporting threshold gating the update (set 10 #15);
 *  - RTT variance updated against the new mean instead of the old (RFC 6298's
 *    order; set 9 #28).
 * high-latency (2 s ± 200 ms each way) keeps the timeout above its floor, so
 * each sample moves it a little. It passes on the real system in
 * tests/sim/adaptive-connection.test.ts and below.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import type * as Inbound from '../../system/coordinator/inbound.js';
import type * as Timing from '../../system/coordinator/link-timing.js';
import type * as Rtt from '../../system/core/rtt.js';
import { simVerdict } from './broken/verdict.js';

const state = vi.hoisted(() => ({ wallClockRtt: false, gatedUpdate: false, varianceAgainstNewMean: false }));

vi.mock('../../system/core/rtt.js', async (importOriginal) => {
  const real = await importOriginal<typeof Rtt>();
  class RttEstimator extends real.RttEstimator {
    override sample(ms: number): void {
      if (!state.varianceAgainstNewMean || this.srttMs === undefined || !Number.isFinite(ms) || ms < 0) return super.sample(ms);
      this.lastMs = ms;
      this.srttMs = 0.875 * this.srttMs + 0.125 * ms;
      this.rttvarMs = 0.75 * this.rttvarMs + 0.25 * Math.abs(this.srttMs - ms);
    }
  }
  return { ...real, RttEstimator };
});

vi.mock('../../system/coordinator/link-timing.js', async (importOriginal) => {
  const real = await importOriginal<typeof Timing>();
  const rtt = await import('../../system/core/rtt.js');
  class LinkTiming extends real.LinkTiming {
    override sample(ms: number, workerId: string): void {
      if (!state.gatedUpdate) return super.sample(ms, workerId);
      const before = this.timeoutMs;
      super.sample(ms, workerId);
      // The reporting threshold gates the update too: a change under 10% leaves the old timeout in force.
      if (!rtt.timeoutChanged(before, this.timeoutMs)) this.timeoutMs = before;
    }
  }
  return { ...real, LinkTiming };
});

vi.mock('../../system/coordinator/inbound.js', async (importOriginal) => {
  const real = await importOriginal<typeof Inbound>();
  const handleWorkerMessage: typeof real.handleWorkerMessage = (scope, msg) => {
    if (!state.wallClockRtt || msg.type !== 'pong') return real.handleWorkerMessage(scope, msg);
    // inbound.ts's pong case with the wall clock: now() minus a monotonic stamp.
    const rtt = scope.ctx.clock.now() - msg.t;
    if (rtt >= 0 && rtt < 3_600_000) scope.onRtt?.(rtt);
    scope.onPong?.(msg.id, msg.t, rtt);
  };
  return { ...real, handleWorkerMessage };
});

afterEach(() => {
  state.wallClockRtt = false;
  state.gatedUpdate = false;
  state.varianceAgainstNewMean = false;
});

describe('RTT samples and the estimator recomputed from the trace (promise 10)', () => {
  it('high-latency passes on the real estimator', async () => {
    const v = await simVerdict(await loadScenario('scenarios/high-latency.yaml'));
    expect(v.text).toBe('');
  });

  it("catches a pong's round trip read off the wall clock (set 10 #14)", async () => {
    state.wallClockRtt = true;
    const v = await simVerdict(await loadScenario('scenarios/high-latency.yaml'));
    expect(v.promises).toEqual(['liveness']);
    expect(v.text).toMatch(/the coordinator's sample of pong \d+ on w\d's connection c\d+ at t=\d+ is \d+(\.\d+)? ms, but the ping it answers left at t=\d+: its true round trip is \d+ ms/);
  });

  it('catches a timeout in force updated only on a 10% change (set 10 #15)', async () => {
    state.gatedUpdate = true;
    const v = await simVerdict(await loadScenario('scenarios/high-latency.yaml'));
    expect(v.promises).toEqual(['liveness']);
    expect(v.text).toMatch(/the coordinator's sample of pong \d+ on w\d's connection c\d+ at t=\d+ left the heartbeat timeout in force at \d+ ms; its own estimate gives clamp\(1000 \+ 2 × .*\) = \d+ ms: the timeout in force follows every sample/);
  });

  it('catches RTT variance updated against the new mean (set 9 #28)', async () => {
    state.varianceAgainstNewMean = true;
    const v = await simVerdict(await loadScenario('scenarios/high-latency.yaml'));
    expect(v.promises).toEqual(['liveness']);
    expect(v.text).toMatch(/left its estimate at srtt \d+(\.\d+)? ms, rttvar \d+(\.\d+)? ms; RFC 6298 over this connection's 2 sample\(s\)/);
  });
});
