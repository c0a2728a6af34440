/**
 * The gauges of GET /metrics read next to what they mirror (scenario
 * `clientReads` read `gauges`), in simulation, at one instant: the scrape,
 * then GET /api/v1/workers and GET /api/v1/stats, through the coordinator's
 * HTTP handler with the client's read token, and the connections the
 * simulated network holds open on the coordinator's host (`live`: ones
 * whose close the coordinator was not told of yet). Noted as `gaugeRead`;
 * harness/check/promises-metrics-gauges.ts judges it.
 */
import { DANGEROUS_KINDS } from '../../system/tasks/index.js';
import type { HistoryRecorder } from '../check/history.js';
import type { GaugeRead } from '../check/promises-metrics-gauges.js';
import { COORDINATOR_HOST, type Simulation } from '../sim/index.js';
import type { SimClient } from './sim-client.js';

/** The gauge families read, by name: each sample keyed by its label values (`state=connected`; '' without labels). */
const GAUGES = ['squall_connections', 'squall_heartbeat_timeout_seconds', 'squall_workers', 'squall_executions', 'squall_handshakes_pending', 'squall_outbox_depth', 'squall_reconnect_duration_seconds_sum', 'squall_reconnect_duration_seconds_count', 'squall_messages_total', 'squall_message_bytes_total', 'squall_breaker_state', 'squall_heartbeat_rtt_seconds_sum', 'squall_heartbeat_rtt_seconds_count', 'squall_rtt_estimate_seconds_sum', 'squall_rtt_estimate_seconds_count', 'squall_heartbeat_timeout_adapted_seconds_sum', 'squall_heartbeat_timeout_adapted_seconds_count'] as const;

/** The gauges whose value encodes a state: their HELP text is noted too (promises-metrics-enums.ts). */
const ENUM_FAMILIES = ['squall_breaker_state'] as const;

/** The HELP text of each enum family in a Prometheus text exposition. */
function helpTexts(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/^# HELP (\w+) (.*)$/gm)) if ((ENUM_FAMILIES as readonly string[]).includes(m[1] ?? '')) out[m[1] ?? ''] = m[2] ?? '';
  return out;
}

/** The samples of the gauge families in a Prometheus text exposition. */
function gaugeSamples(text: string): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = Object.fromEntries(GAUGES.map((g) => [g, {}]));
  for (const m of text.matchAll(/^(\w+)(?:\{([^}]*)\})? (\S+)$/gm)) {
    const family = out[m[1] ?? ''];
    if (family === undefined) continue;
    const labels = [...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => `${l[1]}=${l[2]}`).join(',');
    family[labels] = Number(m[3]);
  }
  return out;
}

/** One gauge read (nothing while the coordinator is down). */
export async function readGauges(sim: Simulation, client: SimClient, recorder: HistoryRecorder): Promise<void> {
  if (sim.coordinator.instance === null) return;
  const auth = { authorization: `Bearer ${client.probe.read}` };
  const m = await client.call(sim, { method: 'GET', path: '/metrics', headers: auth });
  const live = sim.host(COORDINATOR_HOST).liveConnections(); // right after the scrape
  const frames = sim.net.frameSizes?.snapshot(); // every frame the scrape counted was sent before it
  const w = await client.call(sim, { method: 'GET', path: '/api/v1/workers', headers: auth });
  const s = await client.call(sim, { method: 'GET', path: '/api/v1/stats', headers: auth });
  if (m.status !== 200 || typeof m.body !== 'string' || w.status !== 200 || s.status !== 200) return void recorder.recordInfo({ gaugeRead: { error: [m.status, w.status, s.status] } });
  const workers: Record<string, number> = {};
  const listed = (w.body as { workers?: { id?: unknown; state?: unknown; lastSeenAt?: unknown; concurrency?: unknown; kinds?: unknown; draining?: unknown }[] } | null)?.workers ?? [];
  for (const x of listed) workers[String(x.state)] = (workers[String(x.state)] ?? 0) + 1;
  // Each connected worker's lastSeenAt, with the coordinator's clock at the read (promises-api-echoes.ts).
  const seen = listed.filter((x) => x.state === 'connected').map((x): [string, number | null] => [String(x.id), typeof x.lastSeenAt === 'number' ? x.lastSeenAt : null]);
  // Each connected worker's capabilities as listed: its concurrency and the dangerous kinds among its kinds (promise 26, promises-allowed-kinds.ts).
  const capabilities = listed.filter((x) => x.state === 'connected').map((x): [string, unknown, unknown] => [String(x.id), x.concurrency, Array.isArray(x.kinds) ? x.kinds.filter((k) => DANGEROUS_KINDS.has(String(k))).sort() : x.kinds]);
  const stats = s.body as { byStatus?: Record<string, number>; breakers?: Record<string, string> } | null;
  const byStatus = stats?.byStatus ?? {};
  const breakers = stats?.breakers === undefined ? {} : { breakers: stats.breakers };
  // Each worker's rttMs as listed, and the stats' own counts next to the listing by status, at the same instant (promises-reads-instant.ts).
  const rtt = listed.map((x): [string, unknown] => [String(x.id), (x as { rttMs?: unknown }).rttMs]);
  const load = listed.map((x): [string, unknown] => [String(x.id), (x as { running?: unknown }).running]);
  const instant = { rtt, load, stats: statCounts(s.body), listed: await listedByStatus(sim, client, auth) };
  const draining = listed.filter((x) => x.state === 'connected' && x.draining === true).map((x) => String(x.id)); // promise 25
  const read: GaugeRead = { at: sim.simulatedMs, gauges: gaugeSamples(m.body), workers, byStatus, live, now: sim.now(), seen, capabilities, draining, ...(frames === undefined ? {} : { frames }), ...breakers, help: helpTexts(m.body), ...instant };
  recorder.recordInfo({ gaugeRead: read });
}

/** The counts GET /api/v1/stats reports besides byStatus (promises-reads-instant.ts). */
function statCounts(body: unknown): Record<string, unknown> {
  const b = (body ?? {}) as Record<string, unknown>;
  return { running: b.running, inFlight: b.inFlight, total: b.total };
}

/** The statuses whose listing a gauge read counts (work that holds a lease): each status's count, or null past one page. */
const LISTED_STATUSES = ['preparing', 'running'] as const;
const PAGE = 1000;

/** How many executions GET /api/v1/executions?status=S lists, for each leased status, at the read's instant. */
async function listedByStatus(sim: Simulation, client: SimClient, auth: Record<string, string>): Promise<Record<string, number | null>> {
  const out: Record<string, number | null> = {};
  for (const status of LISTED_STATUSES) {
    const r = await client.call(sim, { method: 'GET', path: `/api/v1/executions?status=${status}&limit=${PAGE}`, headers: auth });
    const body = r.body as { executions?: unknown[]; nextCursor?: unknown } | null;
    const items = body?.executions;
    out[status] = r.status !== 200 || !Array.isArray(items) || (body?.nextCursor !== undefined && body.nextCursor !== null) ? null : items.length;
  }
  return out;
}
