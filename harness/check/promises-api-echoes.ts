/**
 * Part of 29, api-contract: what the client told the API comes back as it
 * said it, and what the docs accept is accepted (blind set 13):
 *
 * - documented boundaries are accepted: a workload submission whose
 *   scheduledAt is at most 366 days ahead, timeoutMs at most 30 days and
 *   retry delays at most 30 days (README, "HTTP API"; system/engine/spec.ts)
 *   is never refused 400 over that field (set 13 #24: the horizon checked
 *   against the 30-day timeout limit refused a 200-day-ahead submission);
 * - a cancel's reason is recorded: an execution the client cancelled (its
 *   cancel answered with status cancelled) reads at the end with the error
 *   {code: cancelled, message: the reason the client sent} (set 13 #27: the
 *   route dropped `{reason}`, every cancel read 'cancelled by request');
 * - a graph reads the way it was submitted: each edge of GET /ui/graph/:id
 *   (read at the end of a simulated run for each acknowledged graph, noted
 *   `uiGraphs`) is [dependency, dependent] of an edge the client submitted,
 *   and every submitted edge between two nodes it shows is there (set 13
 *   #30: edges returned reversed drew the graph upside down);
 * - a worker's lastSeenAt follows its traffic: a worker GET /api/v1/workers
 *   lists connected (gauge reads, `gaugeRead.seen`) was last seen within two
 *   heartbeat timeouts of the read, by the coordinator's clock (set 13 #19:
 *   lastSeenAt set only at registration showed live workers as silent).
 */
import type { CheckContext } from './context.js';
import type { HistoryRecord } from './history.js';
import type { ApiReads } from './promises-reads.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

const DAY = 86_400_000;
/** The documented limits (system/engine/spec.ts SPEC_LIMITS), restated from the README: the checker does not import the system. */
const DOCUMENTED = { scheduleAheadMs: 366 * DAY, timeoutMs: 30 * DAY, retryDelayMs: 30 * DAY } as const;

/** A graph read at the end: GET /ui/graph/<id> of a dependent execution, its status, the nodes and edges it answered. */
export interface UiGraphRead {
  id: string;
  status: number;
  nodes: string[];
  edges: [string, string][];
  /** Each node's status as the graph shows it (parallel to nodes; promises-ui-reads.ts). */
  statuses?: string[];
}

const notes = (view: HistoryView, key: string): { rec: HistoryRecord; value: unknown }[] =>
  view.records.filter((r) => r.f === 'note' && r.value[key] !== undefined).map((rec) => ({ rec, value: rec.value[key] }));

/** Every rule of this file (see the file comment). */
export function checkApiEchoes(view: HistoryView, ctx: Pick<CheckContext, 'heartbeatTimeoutMs'>): Violation[] {
  return [...boundaryRefusals(view), ...cancelReasons(view), ...graphEdges(view), ...lastSeen(view, ctx.heartbeatTimeoutMs)];
}

function boundaryRefusals(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  for (const r of view.records) {
    if (r.f !== 'submit' || r.type !== 'fail') continue;
    const e = r.value.error as { code?: string; message?: string; status?: number } | undefined;
    if (e?.code !== 'invalid_argument' || typeof e.message !== 'string') continue;
    const inv = typeof r.value.invoke === 'number' ? view.records[r.value.invoke]?.value : undefined;
    if (inv === undefined) continue;
    const intents = Array.isArray(inv.intent) ? (inv.intent as { timeoutMs?: number; retry?: { delayMs?: number; maxDelayMs?: number } }[]) : [];
    const ahead = typeof inv.startAfterMs === 'number' ? inv.startAfterMs : undefined;
    const within = (field: string): boolean => {
      if (field === 'scheduledAt') return ahead !== undefined && ahead <= DOCUMENTED.scheduleAheadMs;
      if (field === 'timeoutMs') return intents.some((i) => i.timeoutMs !== undefined) && intents.every((i) => (i.timeoutMs ?? 0) <= DOCUMENTED.timeoutMs);
      return intents.some((i) => i.retry?.delayMs !== undefined) && intents.every((i) => Math.max(i.retry?.delayMs ?? 0, i.retry?.maxDelayMs ?? 0) <= DOCUMENTED.retryDelayMs);
    };
    const field = ['scheduledAt', 'timeoutMs', 'delayMs'].find((f) => e.message!.includes(f));
    if (field === undefined || !within(field)) continue;
    out.push(violation(view.records, 'api-contract', `submission ${String(inv.ref)} (${field} within the documented limit: scheduledAt ≤ 366 days ahead, timeoutMs and retry delays ≤ 30 days) was refused 400 invalid_argument at t=${r.time}: "${e.message.slice(0, 160)}"`, { index: r.index }));
  }
  return out;
}

function cancelReasons(view: HistoryView): Violation[] {
  const reads = notes(view, 'apiReads').at(-1);
  const all = (reads?.value as ApiReads | undefined)?.all;
  if (reads === undefined || all === undefined || 'error' in all) return [];
  const errors = new Map(all.items.map((i) => [i[0], i[6] ?? null]));
  const out: Violation[] = [];
  for (const r of view.records) {
    if (r.f !== 'note' || r.process !== 'client' || r.value.op !== 'cancel' || r.value.phase !== 'ok' || r.value.status !== 'cancelled' || typeof r.value.reason !== 'string') continue;
    const id = String(r.value.executionId);
    const got = errors.get(id);
    if (got === undefined) continue;
    const want = JSON.stringify({ code: 'cancelled', message: r.value.reason });
    if (got !== null && JSON.stringify(JSON.parse(got) as unknown) === want) continue;
    out.push(violation(view.records, 'api-contract', `${id}, cancelled by the client at t=${r.time} with reason "${r.value.reason}", reads at the end with error ${got ?? 'none'}: a cancel records the reason the client gave`, { index: reads.rec.index, executionId: id }));
  }
  return out;
}

function graphEdges(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  const dependsOn = new Map<string, string[]>();
  for (const r of view.records) {
    if (r.f !== 'submit' || r.type !== 'ok' || !Array.isArray(r.value.executionIds)) continue;
    const inv = typeof r.value.invoke === 'number' ? view.records[r.value.invoke]?.value : undefined;
    const ids = r.value.executionIds as string[];
    if (inv === undefined) continue;
    // A graph node's in-graph dependencies; a node without any (and every task of a plain submission) depends on the workload's `after` executions.
    const inGraph = Array.isArray(inv.dependsOn) ? (inv.dependsOn as number[][]) : [];
    const after = Array.isArray(inv.after) ? (inv.after as string[]) : [];
    ids.forEach((id, i) => {
      const deps = (inGraph[i] ?? []).map((d) => String(ids[d]));
      // The first acknowledgement made it: an idempotent repeat answers with the execution the key already holds.
      if (!dependsOn.has(String(id))) dependsOn.set(String(id), deps.length === 0 ? after : deps);
    });
  }
  for (const { rec, value } of notes(view, 'uiGraphs')) {
    for (const g of value as UiGraphRead[]) {
      if (g.status !== 200) continue;
      const v = (m: string): Violation => violation(view.records, 'api-contract', `GET /ui/graph/${g.id}: ${m}`, { index: rec.index, executionId: g.id });
      const shown = new Set(g.edges.map(([a, b]) => `${a}>${b}`));
      for (const [a, b] of g.edges) if (dependsOn.has(b) && !(dependsOn.get(b) ?? []).includes(a)) out.push(v(`edge [${a}, ${b}] is not a submitted dependency (edges are [dependency, dependent]; ${b} depends on ${(dependsOn.get(b) ?? []).join(', ') || 'nothing'})`));
      const nodes = new Set(g.nodes);
      for (const n of g.nodes) for (const d of dependsOn.get(n) ?? []) if (nodes.has(d) && !shown.has(`${d}>${n}`)) out.push(v(`the submitted edge [${d}, ${n}] (${n} depends on ${d}) is missing, though both nodes are shown`));
    }
  }
  return out;
}

function lastSeen(view: HistoryView, heartbeatTimeoutMs: number): Violation[] {
  const out: Violation[] = [];
  for (const { rec, value } of notes(view, 'gaugeRead')) {
    const g = value as { now?: number; seen?: [string, number | null][] };
    if (g.now === undefined || g.seen === undefined) continue;
    for (const [id, at] of g.seen) {
      if (at !== null && at >= g.now - 2 * heartbeatTimeoutMs && at <= g.now) continue;
      out.push(violation(view.records, 'api-contract', `GET /api/v1/workers at t=${rec.time} lists ${id} connected with lastSeenAt ${at === null ? 'null' : `${at}, ${at > g.now ? `${at - g.now} ms after` : `${g.now - at} ms before`} the read`} (coordinator clock ${g.now}): a connected worker's lastSeenAt follows its frames, so it is within two heartbeat timeouts (${2 * heartbeatTimeoutMs} ms)`, { index: rec.index, workerId: id }));
    }
  }
  return out;
}
