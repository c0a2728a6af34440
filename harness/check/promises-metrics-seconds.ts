/**
 * Part of 29, api-contract: every `_seconds` family of GET /metrics holds
 * seconds. The coordinator registers five (system/coordinator/metrics.ts):
 * `squall_heartbeat_rtt_seconds`, `squall_rtt_estimate_seconds` and
 * `squall_heartbeat_timeout_adapted_seconds` are recomputed in
 * promises-reads-instant.ts; this file judges the other two at each gauge
 * read (harness/scenario/client-gauges.ts):
 *
 * - `squall_heartbeat_timeout_seconds{stat=min|max}` (the timeout in force
 *   over live connections): each value is the timeout of one connection of
 *   this coordinator life, in seconds: the configured floor
 *   (heartbeatTimeoutMs, a connection's timeout before any sample) or the
 *   timeout in force after that connection's latest traced sample
 *   (`rtt_sampled` timeoutMs / 1000). Where samples are not traced (record
 *   times are receive times) the values are only bounded: between the floor
 *   and the ceiling the coordinator applies (max(floor, min(ceiling,
 *   lease - heartbeat))), so a timeout set in ms (1000x) is still caught.
 * - `squall_reconnect_duration_seconds` (a known worker's disconnect to its
 *   re-registration, seen by the coordinator) is recomputed from the
 *   coordinator's events of this life: a worker_disconnected of the
 *   worker's current connection starts a gap, its next worker_registered
 *   ends it; count = the gaps closed before the read, sum = their lengths in
 *   seconds (virtual time). Live: the plausibility bound of
 *   promises-metrics-gauges.ts (sum <= count x the run's length) stands.
 */
import type { CheckContext } from './context.js';
import type { HistoryRecord } from './history.js';
import { judgeGaugeReads, type GaugeRead } from './promises-metrics-gauges.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';

/** The ceiling's default on the coordinator (README "Configuration"). */
const DEFAULT_TIMEOUT_MAX_MS = 60_000;
/** Float slack of one division by 1000 and of prom-client's sums. */
const EPS_S = 1e-6;

/** Both `_seconds` families this file recomputes, at each gauge read (see the file comment). */
export function checkSecondsMetrics(view: HistoryView, ctx: CheckContext): Violation[] {
  const traced = ctx.receivedTimes !== true;
  return judgeGaugeReads(view, (read, rec) => [...timeoutGaugeViolations(view, ctx, read, rec, traced), ...(traced ? reconnectViolations(view, read, rec) : [])]);
}

/** The floor and ceiling of a coordinator connection's timeout, ms (link-timing.ts coordinatorTimeoutPolicy). */
function timeoutBounds(ctx: CheckContext): [number, number] {
  const floor = ctx.heartbeatTimeoutMs;
  if (ctx.adaptiveHeartbeat === false) return [floor, floor];
  return [floor, Math.max(floor, Math.min(ctx.heartbeatTimeoutMaxMs ?? DEFAULT_TIMEOUT_MAX_MS, ctx.leaseMs - ctx.heartbeatMs))];
}

/** The timeout gauge's min and max: within the bounds, and (traced) one connection's timeout of this life. */
function timeoutGaugeViolations(view: HistoryView, ctx: CheckContext, read: GaugeRead, rec: HistoryRecord, traced: boolean): string[] {
  const samples = read.gauges.squall_heartbeat_timeout_seconds ?? {};
  const [floor, ceiling] = timeoutBounds(ctx);
  const candidates = traced ? timeoutsOfLife(view, rec, floor) : undefined;
  const out: string[] = [];
  for (const stat of ['min', 'max']) {
    const v = samples[`stat=${stat}`];
    if (v === undefined) continue;
    if (v < floor / 1000 - EPS_S || v > ceiling / 1000 + EPS_S) {
      out.push(`squall_heartbeat_timeout_seconds{stat="${stat}"} is ${v}, outside the coordinator's timeout range [${floor / 1000}, ${ceiling / 1000}] s (heartbeat timeout floor and ceiling): a _seconds gauge holds seconds`);
    } else if (candidates !== undefined && ![...candidates].some((ms) => Math.abs(v - ms / 1000) <= EPS_S)) {
      out.push(`squall_heartbeat_timeout_seconds{stat="${stat}"} is ${v}, but no connection of this coordinator life had that timeout (the floor ${floor / 1000} s or a traced sample's timeoutMs / 1000)`);
    }
  }
  return out;
}

/** The floor and each coordinator connection's latest traced timeoutMs of this life before the read. */
function timeoutsOfLife(view: HistoryView, rec: HistoryRecord, floor: number): Set<number> {
  const life = view.lifeOf('coordinator', rec.index);
  const latest = new Map<string, number>();
  for (const e of view.ofType('rtt_sampled')) {
    if (e.ev.side !== 'coordinator' || e.rec.index >= rec.index || view.lifeOf('coordinator', e.rec.index) !== life) continue;
    latest.set(e.ev.connectionId, e.ev.timeoutMs);
  }
  return new Set([floor, ...latest.values()]);
}

/** The reconnect histogram against the gaps the coordinator's events of this life close before the read. */
function reconnectViolations(view: HistoryView, read: GaugeRead, rec: HistoryRecord): string[] {
  const count = read.gauges.squall_reconnect_duration_seconds_count?.[''];
  const sum = read.gauges.squall_reconnect_duration_seconds_sum?.[''];
  if (count === undefined || sum === undefined) return [];
  const gaps = reconnectGaps(view, rec);
  const total = gaps.reduce((a, b) => a + b, 0) / 1000;
  if (count === gaps.length && Math.abs(sum - total) <= EPS_S * Math.max(1, total, gaps.length)) return [];
  return [`squall_reconnect_duration_seconds counts ${count} observation(s) summing ${sum} s, but the coordinator's events of this life show ${gaps.length} re-registration(s) after a disconnect whose gaps sum ${total} s (ms / 1000): a _seconds histogram observes seconds, once per reconnect`];
}

/** Each gap (ms) between a worker's disconnect (its current connection's worker_disconnected) and its next worker_registered, this life, before the read. */
function reconnectGaps(view: HistoryView, rec: HistoryRecord): number[] {
  const life = view.lifeOf('coordinator', rec.index);
  const current = new Map<string, string>();
  const downSince = new Map<string, number>();
  const gaps: number[] = [];
  const events = [...view.ofType('worker_registered'), ...view.ofType('worker_disconnected')]
    .filter((e) => e.rec.process === 'coordinator' && e.rec.index < rec.index && view.lifeOf('coordinator', e.rec.index) === life)
    .sort((a, b) => a.rec.index - b.rec.index);
  for (const { ev, rec: r } of events) {
    if (ev.type === 'worker_disconnected') {
      if (current.get(ev.workerId) === ev.connectionId) {
        current.delete(ev.workerId);
        downSince.set(ev.workerId, r.time);
      }
      continue;
    }
    const since = downSince.get(ev.workerId);
    if (since !== undefined) gaps.push(Math.max(0, r.time - since));
    downSince.delete(ev.workerId);
    current.set(ev.workerId, ev.connectionId);
  }
  return gaps;
}
