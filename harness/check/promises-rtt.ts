/**
 * Promise 10 from the RTT trace: each side's adaptive heartbeat timeout is
 * only as right as the round trips it measures and the arithmetic behind it,
 * and the history otherwise holds only the estimates a side reports when its
 * timeout changes by 10% or more (`heartbeat_adapted`), not the samples they
 * come from. The simulation builds its processes with `traceRtt`: every
 * sample a side takes is an `rtt_sampled` event (what it measured, then its
 * estimate and the timeout in force). Three rules, per side and connection:
 *
 *  - A pong's sample is its true round trip. In simulation a process's
 *    monotonic clock reads the run's elapsed virtual time, which is also every
 *    record's time (harness/sim/process-clock.ts, run-sim.ts), so the ping a
 *    pong echoes (`pingT`, stamped when it was sent) left at record time
 *    `pingT` and the pong was handled at the sample's record time: the sample
 *    is their difference, within a tick. A round trip read off the wall clock
 *    (skewed, from an epoch) is caught.
 *  - The estimate is RFC 6298's (docs/PROTOCOL.md "Adaptive timeout"),
 *    recomputed here from the samples (the handshake's as the side measured
 *    it, each pong's true round trip; one outside [0, 1 h) is ignored, as a
 *    clock that went back): the first sample R gives srtt = R, rttvar = R/2;
 *    each later one rttvar ← ¾ rttvar + ¼ |srtt − R| against the OLD srtt,
 *    then srtt ← ⅞ srtt + ⅛ R.
 *  - The timeout in force after every sample is clamp(interval + k × (srtt +
 *    4 × rttvar), floor, ceiling) of the estimate the side reports (its floor
 *    when the timeout does not adapt), not only after the changes it reports.
 *
 * Each rule reports the first divergence per connection (one wrong step makes
 * every later one differ). Not judged where record times are receive times
 * (live runs, whose processes do not trace either).
 */
import type { CheckContext } from './context.js';
import { adaptiveTimeoutBounds, adapts } from './promises-heartbeat.js';
import type { Ev, HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** Timers and virtual time step in whole milliseconds. */
const TICK_MS = 1;
/** Samples at or beyond this are ignored (the coordinator's sanity bound; runs are far shorter). */
const MAX_SAMPLE_MS = 3_600_000;
/** The timeout's default k (both sides' rttFactor). */
const DEFAULT_RTT_FACTOR = 2;

/** The checker's own estimate of one side's connection, and which rules already fired on it. */
interface Estimate {
  srtt: number | undefined;
  rttvar: number;
  samples: number;
  fired: Set<'sample' | 'estimate' | 'timeout'>;
}

type Sampled = Ev<'rtt_sampled'>;

/** 10: every traced RTT sample, estimate and timeout in force against the checker's own. */
export function checkRttTrace(view: HistoryView, ctx: CheckContext): Violation[] {
  if (ctx.receivedTimes === true) return [];
  const out: Violation[] = [];
  const estimates = new Map<string, Estimate>();
  for (const e of view.ofType('rtt_sampled')) {
    const key = `${e.ev.side}/${e.ev.connectionId}`;
    let est = estimates.get(key);
    if (est === undefined) {
      est = { srtt: undefined, rttvar: 0, samples: 0, fired: new Set() };
      estimates.set(key, est);
    }
    const fire = (rule: 'sample' | 'estimate' | 'timeout', message: string): void => {
      if (est.fired.has(rule)) return;
      est.fired.add(rule);
      out.push(violation(view.records, 'liveness', message, { index: e.rec.index, workerId: e.ev.workerId }));
    };
    const truth = e.ev.pingT === undefined ? e.ev.sampleMs : e.rec.time - e.ev.pingT;
    const wrongSample = sampleMismatch(e, truth);
    if (wrongSample !== undefined) fire('sample', wrongSample);
    step(est, truth);
    const wrongEstimate = estimateMismatch(e, est);
    if (wrongEstimate !== undefined) fire('estimate', wrongEstimate);
    const wrongTimeout = timeoutMismatch(e, ctx);
    if (wrongTimeout !== undefined) fire('timeout', wrongTimeout);
  }
  return out;
}

/** Who measured what, for messages. */
function whose(e: Sampled): string {
  const { side, workerId, connectionId } = e.ev;
  return `the ${side}'s ${e.ev.pingId === undefined ? 'handshake sample' : `sample of pong ${e.ev.pingId}`} on ${workerId}'s connection ${connectionId} at t=${e.rec.time}`;
}

/** A pong's sample against its true round trip (record time minus the ping's stamp). */
function sampleMismatch(e: Sampled, truth: number): string | undefined {
  const { pingT, sampleMs } = e.ev;
  if (pingT === undefined || Math.abs(sampleMs - truth) <= TICK_MS) return undefined;
  return `${whose(e)} is ${sampleMs} ms, but the ping it answers left at t=${pingT}: its true round trip is ${truth} ms (a round trip must be read off the clock that stamped the ping, the monotonic one)`;
}

/** RFC 6298's step for one sample R (docs/PROTOCOL.md): variance against the old mean, then the mean. */
function step(est: Estimate, r: number): void {
  if (!Number.isFinite(r) || r < 0 || r >= MAX_SAMPLE_MS) return;
  est.samples += 1;
  if (est.srtt === undefined) {
    est.srtt = r;
    est.rttvar = r / 2;
    return;
  }
  est.rttvar = 0.75 * est.rttvar + 0.25 * Math.abs(est.srtt - r);
  est.srtt = 0.875 * est.srtt + 0.125 * r;
}

const near = (a: number | undefined, b: number | undefined): boolean =>
  a === b || (a !== undefined && b !== undefined && Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b)));

/** The side's reported estimate against the checker's. */
function estimateMismatch(e: Sampled, est: Estimate): string | undefined {
  const { srttMs, rttvarMs } = e.ev;
  if (near(srttMs, est.srtt) && near(rttvarMs, est.srtt === undefined ? 0 : est.rttvar)) return undefined;
  const want = est.srtt === undefined ? 'no estimate yet' : `srtt ${est.srtt} ms, rttvar ${est.rttvar} ms`;
  return `${whose(e)} left its estimate at srtt ${srttMs ?? 'none'} ms, rttvar ${rttvarMs} ms; RFC 6298 over this connection's ${est.samples} sample(s) (handshake as measured, each pong's true round trip) gives ${want}`;
}

/** The timeout in force after the sample against the one the side's own estimate implies. */
function timeoutMismatch(e: Sampled, ctx: CheckContext): string | undefined {
  const { srttMs, rttvarMs, timeoutMs, side } = e.ev;
  const { floorMs, ceilingMs, intervalMs } = adaptiveTimeoutBounds(ctx, side);
  const k = (side === 'worker' ? ctx.workerRttFactor : undefined) ?? ctx.rttFactor ?? DEFAULT_RTT_FACTOR;
  const adaptive = adapts(ctx, side) && srttMs !== undefined;
  const want = adaptive ? Math.min(ceilingMs, Math.max(floorMs, Math.ceil(intervalMs + k * (srttMs + 4 * rttvarMs)))) : floorMs;
  if (Math.abs(timeoutMs - want) < TICK_MS) return undefined;
  const formula = adaptive ? `clamp(${intervalMs} + ${k} × (${srttMs} + 4 × ${rttvarMs}), floor ${floorMs}, ceiling ${ceilingMs})` : `its floor (${!adapts(ctx, side) ? 'not adaptive: --no-adaptive-heartbeat keeps it at --heartbeat-timeout-ms' : 'no estimate yet'})`;
  return `${whose(e)} left the heartbeat timeout in force at ${timeoutMs} ms; its own estimate gives ${formula} = ${want} ms: the timeout in force follows every sample, not only the changes it reports`;
}
