/**
 * Part of 29, api-contract: the gauges of GET /metrics say what is true at
 * the scrape (they mirror state kept elsewhere), judged on the client's
 * gauge reads (scenario `clientReads` read `gauges`,
 * harness/scenario/client-gauges.ts: a scrape, GET /api/v1/workers and
 * GET /api/v1/stats at one instant):
 *
 * - `squall_heartbeat_timeout_seconds` (the timeout in force over live
 *   connections, min and max) has samples exactly when
 *   `squall_connections` counts a live connection, and min <= max: with the
 *   last connection gone it must go back to no samples, not keep the last
 *   ones (blind set 12 #17: the gauge never reset at a scrape);
 * - `squall_workers{state}` counts what GET /api/v1/workers lists in each
 *   state, and `squall_executions{status}` what GET /api/v1/stats counts
 *   (a state or status that emptied reads 0 or is absent, never its old
 *   count);
 * - no gauge is negative;
 * - `squall_connections` never counts more connections than the simulated
 *   network holds open on the coordinator's host (ones whose close it was
 *   not told of yet): a connection refused by admission (4503) or closed
 *   is no longer counted (blind set 13 #06: incremented before admission,
 *   never decremented for the refused);
 * - `squall_reconnect_duration_seconds` observes seconds: no reconnect took
 *   longer than the run has lasted, so its sum is at most its count times
 *   the scrape's time since the start (blind set 13 #05: observed in ms,
 *   1000x).
 */
import type { FrameBand } from './promises-metrics-bytes.js';
import type { HistoryRecord } from './history.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** One gauge read as noted: each gauge family's samples by label values, the workers listing by state, the stats' byStatus. */
export interface GaugeRead {
  at: number;
  gauges: Record<string, Record<string, number>>;
  workers: Record<string, number>;
  byStatus: Record<string, number>;
  /** Connections open on the coordinator's host at the scrape (absent in older histories). */
  live?: number;
  /** The coordinator's clock at the read, and each worker listed connected with its lastSeenAt (promises-api-echoes.ts). */
  now?: number;
  seen?: [string, number | null][];
  /** GET /api/v1/workers: each worker listed connected with its concurrency and the dangerous kinds it lists (promises-allowed-kinds.ts). */
  capabilities?: [string, unknown, unknown][];
  /** GET /api/v1/workers: the workers listed connected and `draining: true` (promises-drain-reach.ts). */
  draining?: string[];
  /** The frames the network carried to and from the coordinator by `type|direction` (promises-metrics-bytes.ts). */
  frames?: Record<string, FrameBand>;
  /** GET /api/v1/stats' breakers (state by kind) and the HELP text of each enum gauge (promises-metrics-enums.ts). */
  breakers?: Record<string, string>;
  help?: Record<string, string>;
  /** GET /api/v1/workers: each worker's rttMs as listed; GET /api/v1/stats' running, inFlight and total; the listing's count per leased status (null: not read whole) (promises-reads-instant.ts). */
  rtt?: [string, unknown][];
  /** GET /api/v1/workers: each worker's `running` (the leases it holds) as listed (promises-reads-instant.ts). */
  load?: [string, unknown][];
  stats?: Record<string, unknown>;
  listed?: Record<string, number | null>;
}

const isRead = (v: unknown): v is GaugeRead => typeof v === 'object' && v !== null && 'gauges' in v && 'workers' in v;

/** Every gauge read note given to `judge`; each message it returns is an api-contract violation at that read (the one loop the gauge rules share). */
export function judgeGaugeReads(view: HistoryView, judge: (read: GaugeRead, rec: HistoryRecord) => string[]): Violation[] {
  const out: Violation[] = [];
  for (const rec of view.records) {
    if (rec.f !== 'note' || !isRead(rec.value.gaugeRead)) continue;
    const read = rec.value.gaugeRead;
    out.push(...judge(read, rec).map((m) => violation(view.records, 'api-contract', `GET /metrics at t=${read.at}: ${m}`, { index: rec.index })));
  }
  return out;
}

/** Each gauge read judged (see the file comment). */
export function checkGaugeReads(view: HistoryView): Violation[] {
  return judgeGaugeReads(view, readViolations);
}

function readViolations(read: GaugeRead): string[] {
  const out: string[] = [];
  const g = read.gauges;
  const connections = g.squall_connections?.[''] ?? 0;
  const timeout = g.squall_heartbeat_timeout_seconds ?? {};
  const [min, max] = [timeout['stat=min'], timeout['stat=max']];
  if (connections === 0 && Object.keys(timeout).length > 0) out.push(`squall_heartbeat_timeout_seconds reports ${JSON.stringify(timeout)} with squall_connections 0: the timeout in force over no connection has no samples (a gauge left from connections that are gone)`);
  if (connections > 0 && (min === undefined || max === undefined)) out.push(`squall_heartbeat_timeout_seconds has no min/max with ${connections} live connection(s)`);
  if (min !== undefined && max !== undefined && min > max) out.push(`squall_heartbeat_timeout_seconds min ${min} > max ${max}`);
  out.push(...mirrorViolations('squall_workers', 'state', g.squall_workers ?? {}, read.workers, 'GET /api/v1/workers lists'));
  out.push(...mirrorViolations('squall_executions', 'status', g.squall_executions ?? {}, read.byStatus, 'GET /api/v1/stats counts'));
  out.push(...countViolations(read));
  for (const [family, samples] of Object.entries(g)) for (const [labels, value] of Object.entries(samples)) if (value < 0) out.push(`${family}{${labels}} is ${value}: a gauge that counts is never negative`);
  return out;
}

/** A gauge by one label against the counts the API gives at the same instant (absent = 0 on both sides). */
function mirrorViolations(family: string, label: string, samples: Record<string, number>, truth: Record<string, number>, source: string): string[] {
  const out: string[] = [];
  const keys = new Set([...Object.keys(truth), ...Object.keys(samples).map((k) => k.replace(`${label}=`, ''))]);
  for (const k of keys) {
    const [gauge, api] = [samples[`${label}=${k}`] ?? 0, truth[k] ?? 0];
    if (gauge !== api) out.push(`${family}{${label}="${k}"} is ${gauge}, but ${source} ${api} at the same instant`);
  }
  return out;
}

/** The connections gauge against the network's open connections; the reconnect histogram's seconds against the run's length. */
function countViolations(read: GaugeRead): string[] {
  const out: string[] = [];
  const connections = read.gauges.squall_connections?.[''] ?? 0;
  if (read.live !== undefined && connections > read.live) out.push(`squall_connections is ${connections}, but only ${read.live} connection(s) are open on the coordinator's host: a refused or closed connection is still counted`);
  const sum = read.gauges.squall_reconnect_duration_seconds_sum?.[''] ?? 0;
  const count = read.gauges.squall_reconnect_duration_seconds_count?.[''] ?? 0;
  const most = (count * read.at) / 1000;
  if (sum > most + 1e-6) out.push(`squall_reconnect_duration_seconds sums ${sum} s over ${count} reconnect(s), but the run has lasted ${read.at / 1000} s (at most ${most} s in all): a duration observed in the wrong unit`);
  return out;
}
