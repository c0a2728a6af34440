/**
 * Part of 29, api-contract: the numbers the API reports mid-run, at each
 * gauge read (scenario `clientReads` read `gauges`,
 * harness/scenario/client-gauges.ts: GET /metrics, /api/v1/workers,
 * /api/v1/stats and the listing by leased status, all at one instant), not
 * only at the end of a run when nothing is preparing (blind set 19 #14, #07):
 *
 * - the stats' `running` is its own byStatus.running, `inFlight` its
 *   preparing + running (the leases held), `total` the sum of its byStatus,
 *   and GET /api/v1/executions?status=preparing|running lists as many
 *   executions as byStatus counts in that status (work claimed but not
 *   started, on a slow link, is preparing, never running); and the workers'
 *   `running` (the leases each holds, GET /api/v1/workers) add up to the
 *   stats' `inFlight` (the leases held), in the coordinator's first life (a
 *   restarted coordinator recovers leases of workers it has not met yet);
 * - each worker's `rttMs` is the round trip the coordinator last measured
 *   for it in this coordinator life: the latest pong sample it traced
 *   (`rtt_sampled` with a ping, promises-rtt.ts holds that sample to the
 *   simulated network's true round trip), in milliseconds (to 0.001 ms);
 *   null when it measured none;
 * - `squall_heartbeat_rtt_seconds` (the same samples in seconds) counts
 *   every pong sample of this coordinator life and sums them / 1000, so
 *   /metrics and /api/v1/workers agree on the unit;
 * - `squall_rtt_estimate_seconds` and `squall_heartbeat_timeout_adapted_seconds`
 *   are observed at each coordinator `heartbeat_adapted` of this life, the
 *   event's srttMs and timeoutMs in seconds: each counts those events and
 *   sums their values / 1000 (blind set 20 #03 observed the RTT estimate in
 *   ms: a 40 ms round trip reported as 40 s). A `_seconds` family holds
 *   seconds: every histogram the history can recompute is recomputed.
 *
 * Not judged where record times are receive times (live runs trace no
 * samples).
 */
import type { CheckContext } from './context.js';
import type { HistoryRecord } from './history.js';
import { judgeGaugeReads, type GaugeRead } from './promises-metrics-gauges.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';

/** rttMs is rounded to the microsecond (3 decimals of a millisecond). */
const RTT_ROUNDING_MS = 0.0015;
/** Samples outside [0, 1 h) are ignored by the coordinator (a clock that went back). */
const MAX_SAMPLE_MS = 3_600_000;

/** Each gauge read's stats counts, listing counts, rttMs and RTT histogram (see the file comment). */
export function checkInstantReads(view: HistoryView, ctx: CheckContext): Violation[] {
  const samples = pongSamples(view);
  return judgeGaugeReads(view, (read, rec) => [...statViolations(read), ...loadViolations(view, read, rec), ...(ctx.receivedTimes === true ? [] : [...rttViolations(view, read, rec, samples), ...adaptedViolations(view, read, rec)])]);
}

/** The workers' leases as listed against the stats' inFlight of the same instant (the coordinator's first life). */
function loadViolations(view: HistoryView, read: GaugeRead, rec: HistoryRecord): string[] {
  const inFlight = read.stats?.inFlight;
  if (read.load === undefined || typeof inFlight !== 'number' || view.lifeOf('coordinator', rec.index) > 0) return [];
  const bad = read.load.find(([, n]) => typeof n !== 'number' || !Number.isInteger(n) || n < 0);
  if (bad !== undefined) return [`GET /api/v1/workers lists ${bad[0]} running ${JSON.stringify(bad[1])}: a count of the leases it holds`];
  const sum = read.load.reduce((a, [, n]) => a + (n as number), 0);
  if (sum === inFlight) return [];
  return [`GET /api/v1/workers lists ${sum} execution(s) running on its workers (${read.load.map(([id, n]) => `${id} ${String(n)}`).join(', ')}), but GET /api/v1/stats counts ${inFlight} leases held (inFlight) at the same instant`];
}

/** The stats' counts against its own byStatus and the listing read at the same instant. */
function statViolations(read: GaugeRead): string[] {
  const s = read.stats;
  if (s === undefined) return [];
  const out: string[] = [];
  const count = (status: string): number => read.byStatus[status] ?? 0;
  const [running, preparing] = [count('running'), count('preparing')];
  if (s.running !== undefined && s.running !== running) out.push(`GET /api/v1/stats says running ${JSON.stringify(s.running)}, but its byStatus counts ${running} running (and ${preparing} preparing: claimed, not started)`);
  if (s.inFlight !== undefined && s.inFlight !== running + preparing) out.push(`GET /api/v1/stats says inFlight ${JSON.stringify(s.inFlight)}, but its byStatus counts ${preparing} preparing and ${running} running: the leases held`);
  const sum = Object.values(read.byStatus).reduce((a, b) => a + b, 0);
  if (s.total !== undefined && s.total !== sum) out.push(`GET /api/v1/stats says total ${JSON.stringify(s.total)}, but its byStatus sums to ${sum}`);
  for (const [status, n] of Object.entries(read.listed ?? {})) {
    if (n !== null && n !== count(status)) out.push(`GET /api/v1/executions?status=${status} lists ${n}, but GET /api/v1/stats counts ${count(status)} ${status} at the same instant`);
  }
  return out;
}

/** One coordinator pong sample: its record index, the coordinator life it belongs to, its worker and value (ms). */
interface PongSample {
  index: number;
  life: number;
  workerId: string;
  ms: number;
}

/** Every traced coordinator pong sample the coordinator took (within [0, 1 h)), in record order. */
function pongSamples(view: HistoryView): PongSample[] {
  const out: PongSample[] = [];
  for (const e of view.ofType('rtt_sampled')) {
    if (e.ev.side !== 'coordinator' || e.ev.pingId === undefined || !(e.ev.sampleMs >= 0 && e.ev.sampleMs < MAX_SAMPLE_MS)) continue;
    out.push({ index: e.rec.index, life: view.lifeOf('coordinator', e.rec.index), workerId: e.ev.workerId, ms: e.ev.sampleMs });
  }
  return out;
}

/** Each listed rttMs against the worker's latest sample of this life; the RTT histogram against every sample of it. */
function rttViolations(view: HistoryView, read: GaugeRead, rec: HistoryRecord, samples: readonly PongSample[]): string[] {
  if (read.rtt === undefined) return [];
  const life = view.lifeOf('coordinator', rec.index);
  const mine = samples.filter((s) => s.life === life && s.index < rec.index);
  if (mine.length === 0 && view.ofType('rtt_sampled').length === 0) return []; // a run that traces no samples
  const out: string[] = [];
  for (const [workerId, rttMs] of read.rtt) {
    const last = mine.filter((s) => s.workerId === workerId).at(-1);
    if (last === undefined ? rttMs === null : typeof rttMs === 'number' && Math.abs(rttMs - last.ms) <= RTT_ROUNDING_MS) continue;
    const want = last === undefined ? 'null (it measured no round trip of it in this life)' : `${last.ms} ms (its latest pong sample, t=${view.records[last.index]?.time})`;
    out.push(`GET /api/v1/workers lists ${workerId} with rttMs ${JSON.stringify(rttMs)}, but the coordinator's last round trip to it is ${want}: rttMs is the last measured round trip in milliseconds`);
  }
  const count = read.gauges.squall_heartbeat_rtt_seconds_count?.[''];
  const sum = read.gauges.squall_heartbeat_rtt_seconds_sum?.[''];
  if (count === undefined || sum === undefined) return out;
  const total = mine.reduce((a, s) => a + s.ms, 0) / 1000;
  if (count !== mine.length || Math.abs(sum - total) > 1e-6 * Math.max(1, total) + 1e-9 * mine.length) {
    out.push(`squall_heartbeat_rtt_seconds counts ${count} sample(s) summing ${sum} s, but the coordinator took ${mine.length} pong sample(s) in this life summing ${total} s: the histogram observes every round trip, in seconds`);
  }
  return out;
}

/** The histograms observed at each coordinator heartbeat_adapted (its field in ms), in seconds. */
const ADAPTED_HISTOGRAMS = [
  { family: 'squall_rtt_estimate_seconds', field: 'srttMs', what: 'smoothed round-trip estimate' },
  { family: 'squall_heartbeat_timeout_adapted_seconds', field: 'timeoutMs', what: 'heartbeat timeout adapted to' },
] as const;

/** Each heartbeat_adapted histogram against the coordinator's heartbeat_adapted events of this life before the read. */
function adaptedViolations(view: HistoryView, read: GaugeRead, rec: HistoryRecord): string[] {
  const life = view.lifeOf('coordinator', rec.index);
  const mine = view.ofType('heartbeat_adapted').filter((e) => e.ev.side === 'coordinator' && e.rec.index < rec.index && view.lifeOf('coordinator', e.rec.index) === life);
  const out: string[] = [];
  for (const h of ADAPTED_HISTOGRAMS) {
    const count = read.gauges[`${h.family}_count`]?.[''];
    const sum = read.gauges[`${h.family}_sum`]?.[''];
    if (count === undefined || sum === undefined) continue;
    const total = mine.reduce((a, e) => a + e.ev[h.field], 0) / 1000;
    // The events carry the value rounded to the microsecond: half a microsecond per observation, in seconds.
    if (count === mine.length && Math.abs(sum - total) <= 1e-6 * Math.max(1, total) + 5e-7 * mine.length) continue;
    out.push(`${h.family} counts ${count} observation(s) summing ${sum} s, but the coordinator reported ${mine.length} heartbeat adaptation(s) in this life whose ${h.what} sums ${total} s (${h.field} / 1000): a _seconds histogram observes seconds, once per adaptation`);
  }
  return out;
}
