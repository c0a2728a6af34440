/**
 * Part of 29, api-contract: what a submission leaves out reads back as the
 * documented default (docs/TASK-KINDS.md, the execution spec; README, "HTTP
 * API"). The workload records, per execution, which of these fields the
 * client left out (its intent's `omitted`, harness/scenario/workload.ts), and
 * the end-of-run listing reads each execution's spec fields
 * (harness/scenario/api-reads.ts). The checker keeps its own copy of the
 * defaults (it does not import the engine's):
 *
 * - `priority`: medium (blind set 14 #08: low);
 * - `taskId`: the execution's id (a graph task's: its name in the graph); `metadata`: {}; `timeoutMs`, `idempotencyKey`: none (null);
 * - `retry`: each field left out is the engine's default policy's:
 *   strategy exponential, maxRetries 3, delayMs 1000, and maxDelayMs 60000 or
 *   the given delayMs if larger; a strategy `none` stores maxRetries 0.
 *
 * And a field the client gave reads back exactly as given (priority,
 * timeoutMs, idempotencyKey, each retry field; blind set 22 #07: a policy
 * one field off the default, delayMs, read back as the default).
 *
 * An execution is judged by the first acknowledgement that named it (an
 * idempotent repeat answers with the execution the key already holds).
 */
import type { HistoryRecord } from './history.js';
import type { ApiReads, ListedSpec } from './promises-reads.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** The documented defaults, restated (system/engine/config.ts, spec.ts): the checker does not import the system's. */
const DOCUMENTED_DEFAULTS = { priority: 'medium', metadata: {}, timeoutMs: null, idempotencyKey: null, retry: { strategy: 'exponential', maxRetries: 3, delayMs: 1000, maxDelayMs: 60_000 } } as const;

interface Intent {
  priority?: string;
  timeoutMs?: number;
  idempotencyKey?: string;
  omitted?: string[];
  node?: string;
  retry?: Record<string, unknown>;
}

/** What each left-out field of one execution must read, by field name. */
function expectedDefaults(id: string, intent: Intent): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const omitted = new Set(intent.omitted ?? []);
  const d = DOCUMENTED_DEFAULTS;
  if (omitted.has('priority')) out.priority = d.priority;
  if (omitted.has('taskId')) out.taskId = intent.node ?? id;
  if (omitted.has('metadata')) out.metadata = d.metadata;
  if (omitted.has('timeoutMs')) out.timeoutMs = d.timeoutMs;
  if (omitted.has('idempotencyKey')) out.idempotencyKey = d.idempotencyKey;
  const given = intent.retry ?? {};
  const strategy = omitted.has('retry.strategy') ? d.retry.strategy : given.strategy;
  if (omitted.has('retry.strategy')) out['retry.strategy'] = strategy;
  if (strategy === 'none') out['retry.maxRetries'] = 0;
  else if (omitted.has('retry.maxRetries')) out['retry.maxRetries'] = d.retry.maxRetries;
  if (omitted.has('retry.delayMs')) out['retry.delayMs'] = d.retry.delayMs;
  if (omitted.has('retry.maxDelayMs')) out['retry.maxDelayMs'] = Math.max(d.retry.maxDelayMs, typeof given.delayMs === 'number' ? given.delayMs : 0);
  return { ...out, ...expectedGiven(intent, omitted) };
}

/** What each field the client gave must read: exactly what it gave (blind set 22 #07: a retry policy one field off the default read as the default). */
function expectedGiven(intent: Intent, omitted: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!omitted.has('priority') && intent.priority !== undefined) out.priority = intent.priority;
  if (!omitted.has('timeoutMs') && intent.timeoutMs !== undefined) out.timeoutMs = intent.timeoutMs;
  if (!omitted.has('idempotencyKey') && intent.idempotencyKey !== undefined) out.idempotencyKey = intent.idempotencyKey;
  const given = intent.retry ?? {};
  for (const f of ['strategy', 'maxRetries', 'delayMs', 'maxDelayMs'] as const) {
    if (omitted.has(`retry.${f}`) || given[f] === undefined || (f === 'maxRetries' && given.strategy === 'none')) continue;
    out[`retry.${f}`] = given[f];
  }
  return out;
}

/** The violation's text: fields left out that did not read as their default, fields given that did not read as given. */
function misreadMessage(id: string, intent: Intent, spec: ListedSpec, wrong: readonly [string, unknown][]): string {
  const omitted = new Set(intent.omitted ?? []);
  const read = (name: string): string => JSON.stringify(field(spec, name)) ?? 'absent';
  const left = wrong.filter(([n]) => omitted.has(n));
  const gave = wrong.filter(([n]) => !omitted.has(n));
  const what = (list: readonly [string, unknown][], why: string): string => list.map(([n, want]) => `${n} ${read(n)} (${why} ${JSON.stringify(want)})`).join(', ');
  const parts = [
    ...(left.length === 0 ? [] : [`, submitted without ${left.map(([n]) => n).join(', ')}, with ${what(left, 'documented default')}`]),
    ...(gave.length === 0 ? [] : [`, reading ${what(gave, 'submitted')}`]),
  ];
  return `GET /api/v1/executions lists ${id}${parts.join('')}: a field left out reads back as its documented default, a field given as given`;
}

/** A listed spec's field by name (`retry.<field>` inside its retry). */
function field(spec: ListedSpec, name: string): unknown {
  if (!name.startsWith('retry.')) return spec[name as keyof ListedSpec];
  const r = spec.retry;
  return typeof r === 'object' && r !== null ? (r as Record<string, unknown>)[name.slice(6)] : undefined;
}

/** The intent of each execution the client was told it created, by the first acknowledgement naming it. */
function intents(view: HistoryView): Map<string, Intent> {
  const out = new Map<string, Intent>();
  for (const r of view.records) {
    if (r.f !== 'submit' || r.type !== 'ok' || !Array.isArray(r.value.executionIds)) continue;
    const inv = typeof r.value.invoke === 'number' ? view.records[r.value.invoke]?.value : undefined;
    const list = Array.isArray(inv?.intent) ? (inv.intent as Intent[]) : [];
    (r.value.executionIds as unknown[]).forEach((id, i) => {
      const intent = list[i];
      if (intent?.omitted !== undefined && !out.has(String(id))) out.set(String(id), intent);
    });
  }
  return out;
}

/** Every listed execution's left-out fields against the documented defaults (see the file comment). */
export function checkApiDefaults(view: HistoryView): Violation[] {
  let last: { rec: HistoryRecord; reads: ApiReads } | undefined;
  for (const rec of view.records) if (rec.f === 'note' && typeof rec.value.apiReads === 'object' && rec.value.apiReads !== null) last = { rec, reads: rec.value.apiReads as ApiReads };
  const all = last?.reads.all;
  if (last === undefined || all === undefined || 'error' in all) return [];
  const byId = intents(view);
  const out: Violation[] = [];
  for (const [id, , , , , , , , spec] of all.items) {
    const intent = byId.get(id);
    if (spec === undefined || intent === undefined) continue;
    const wrong = Object.entries(expectedDefaults(id, intent)).filter(([name, want]) => JSON.stringify(field(spec, name)) !== JSON.stringify(want));
    if (wrong.length === 0) continue;
    out.push(violation(view.records, 'api-contract', misreadMessage(id, intent, spec, wrong), { index: last.rec.index, executionId: id }));
  }
  return out;
}
