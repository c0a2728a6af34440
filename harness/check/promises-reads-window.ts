/**
 * Part of 29, api-contract: the stats' duration percentiles over a long run
 * (blind set 19 #11). GET /api/v1/stats `durationsMs` gives p50/p95 of the
 * RECENT completed executions' durations: the engine keeps the last
 * `durationSamples` of them (system/engine/config.ts: "How many recent
 * completed-execution durations feed the p50/p95 stats", default 4096;
 * scenario `coordinator.durationSamples`). With more completions than that,
 * the checker's own reading: `samples` is the window, and p50/p95 are the
 * nearest ranks (nearest-rank.ts) of the durations (completedAt - startedAt,
 * as listed at the final read) of the last `window` executions to complete,
 * in the order the coordinator decided their completions (its `status`
 * events to `completed`). A window that stops rolling once full (percentiles
 * frozen at the first completions) or that keeps the oldest shows here.
 *
 * Judged only when the percentiles sampled exactly the run's completions
 * (the conditions of promises-reads-derived.ts: nothing pruned, no store
 * reload, no coordinator restart) and every completion decided is listed
 * completed once, with its duration.
 */
import type { HistoryRecord } from './history.js';
import { nearestRank } from './nearest-rank.js';
import type { ApiStats, ListedExecution } from './promises-reads.js';
import type { HistoryView } from './view.js';
import { violation, type Violation } from './violation.js';

/** The engine's default window (system/engine/config.ts durationSamples). */
const DEFAULT_DURATION_SAMPLES = 4096;

/** The final read's percentiles against the last `window` completions' listed durations. */
export function windowViolations(view: HistoryView, rec: HistoryRecord, items: readonly ListedExecution[], stats: ApiStats, window = DEFAULT_DURATION_SAMPLES): Violation[] {
  const d = stats.durationsMs;
  const resampled = view.ofType('pruned').length > 0 || view.ofType('store_recovered').length > 0 || view.lifeOf('coordinator', view.records.length) > 0;
  if (d === undefined || resampled) return [];
  const ms = new Map(items.flatMap(([id, status, , , , m]) => (status === 'completed' && typeof m === 'number' ? [[id, m] as const] : [])));
  const order = view.ofType('status').filter((e) => e.ev.source === 'coordinator' && e.ev.to === 'completed' && e.rec.index < rec.index && !view.discarded.has(e.rec.index)).map((e) => e.ev.executionId);
  if (order.length <= window || new Set(order).size !== order.length || order.length !== ms.size || !order.every((id) => ms.has(id))) return [];
  const v = (message: string): Violation => violation(view.records, 'api-contract', `GET /api/v1/stats ${message}`, { index: rec.index });
  if (d.samples !== window) return [v(`gives durationsMs.samples ${d.samples}, but ${order.length} executions completed and the window holds the last ${window} (durationSamples)`)];
  const recent = order.slice(-window).map((id) => ms.get(id) as number);
  const out: Violation[] = [];
  for (const [name, p] of [['p50', 50], ['p95', 95]] as const) {
    const want = nearestRank(recent, p);
    if (d[name] === want) continue;
    const all = nearestRank([...ms.values()], p);
    const first = nearestRank(order.slice(0, window).map((id) => ms.get(id) as number), p);
    out.push(v(`gives durationsMs.${name} ${d[name]}, but the last ${window} of ${order.length} completions (the window of recent work) give ${want} by nearest rank (all of them give ${all}, the first ${window} ${first}): the window must roll with every completion`));
  }
  return out;
}
