/**
 * 33, reload: what a client reads back survives restarts and store reloads
 * unchanged (blind set 14 #12, #14). The run notes every execution's API
 * view (GET /api/v1/executions/:id as JSON text) just before a coordinator
 * kill or restart that loses nothing (its store held no uncommitted write)
 * and just after the next incarnation loaded the store and listens, before
 * any worker reconnected (harness/scenario/restart-views.ts). Then:
 *
 * - the restart changes nothing a life keeps: each execution in both views
 *   reads the same after as before, every field but `lease` (its expiry is
 *   re-armed on load), a field cleared during the life (error cleared by a
 *   completed retry, nextRunAt cleared by a claim, a pause or an end, an
 *   idempotency key released) included. An execution that recovery moved
 *   (a status entry appended: requeued, released from pending) keeps at
 *   least what no recovery touches: kind, params, metadata, priority,
 *   retry, timeoutMs, scheduledAt, dependencies, createdAt, result,
 *   checkpoint and the history it had;
 * - data round-trips: in every noted view, params and metadata equal what
 *   the client submitted (the submit invoke's `tasks`), and a completed
 *   echo's result equals its params.value, awkward JSON included (keys
 *   `__proto__`, `constructor`, the empty key, unicode keys, numbers at the
 *   edges of a double, nested empty objects and arrays, long strings).
 *
 * Compared as JSON values (objects by their own keys, in any order).
 */
import type { HistoryRecord } from './history.js';
import { tasksById } from './promises-tasks.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** A note `restartViews` as harness/scenario/restart-views.ts writes it. */
interface ViewsNote {
  phase: 'before' | 'after';
  incarnation: number;
  views: Record<string, string>;
}

/** Fields no recovery action changes (compared even when recovery moved the execution). */
const KEPT_BY_RECOVERY = ['executionId', 'taskId', 'kind', 'params', 'metadata', 'priority', 'retry', 'timeoutMs', 'scheduledAt', 'dependencies', 'createdAt', 'result', 'checkpoint'] as const;

/** JSON text with every object's own keys sorted (a `__proto__` own key included). */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** Where two JSON values first differ: the path and both sides (`absent` for a missing member), shortened. */
export function firstDifference(a: unknown, b: unknown, path: string): string | undefined {
  if (canonicalJson(a) === canonicalJson(b)) return undefined;
  const both = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object';
  if (both(a) && both(b) && Array.isArray(a) === Array.isArray(b)) {
    // Own members only: `x['__proto__']` of an object without that member is its prototype.
    const own = (x: Record<string, unknown>, k: string): unknown => (Object.hasOwn(x, k) ? x[k] : undefined);
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => own(a, k) !== undefined || own(b, k) !== undefined).sort();
    for (const k of keys) {
      const d = firstDifference(own(a, k), own(b, k), Array.isArray(a) ? `${path}[${k}]` : `${path}.${k}`);
      if (d !== undefined) return d;
    }
  }
  const show = (x: unknown): string => (x === undefined ? 'absent' : canonicalJson(x).slice(0, 100));
  return `${path} ${show(a)} → ${show(b)}`;
}

const notesOf = (view: HistoryView): { rec: HistoryRecord; note: ViewsNote }[] =>
  view.records.filter((r) => r.f === 'note' && typeof r.value.restartViews === 'object' && r.value.restartViews !== null).map((rec) => ({ rec, note: rec.value.restartViews as ViewsNote }));

/** Every rule of this file (see the file comment). */
export function checkReload(view: HistoryView): Violation[] {
  const notes = notesOf(view);
  return [...restartKeeps(view, notes), ...roundTrips(view, notes)];
}

function restartKeeps(view: HistoryView, notes: { rec: HistoryRecord; note: ViewsNote }[]): Violation[] {
  const out: Violation[] = [];
  for (let i = 1; i < notes.length; i++) {
    const before = notes[i - 1]!;
    const after = notes[i]!;
    if (before.note.phase !== 'before' || after.note.phase !== 'after' || after.note.incarnation !== before.note.incarnation + 1) continue;
    for (const [id, text] of Object.entries(before.note.views)) {
      const was = JSON.parse(text) as Record<string, unknown>;
      const nowText = after.note.views[id];
      if (nowText === undefined) continue; // lost executions are no-lost-work's
      const now = JSON.parse(nowText) as Record<string, unknown>;
      const changed = changedFields(was, now);
      if (changed.length === 0) continue;
      const shown = changed.map((f) => firstDifference(was[f], now[f], f)).join('; ');
      out.push(violation(view.records, 'reload', `${id} read differently after the coordinator restarted (incarnation ${after.note.incarnation}, t=${after.rec.time}) than just before it (t=${before.rec.time}, nothing uncommitted): ${shown}`, { index: after.rec.index, executionId: id }));
    }
  }
  return out;
}

/** The fields that differ; only KEPT_BY_RECOVERY (and the old history as a prefix) when recovery appended a status entry. */
function changedFields(was: Record<string, unknown>, now: Record<string, unknown>): string[] {
  const wasHistory = Array.isArray(was.statusHistory) ? was.statusHistory : [];
  const nowHistory = Array.isArray(now.statusHistory) ? now.statusHistory : [];
  const moved = nowHistory.length > wasHistory.length && canonicalJson(nowHistory.slice(0, wasHistory.length)) === canonicalJson(wasHistory);
  const fields = moved ? [...KEPT_BY_RECOVERY] : [...new Set([...Object.keys(was), ...Object.keys(now)])].filter((f) => f !== 'lease');
  return fields.filter((f) => canonicalJson(was[f]) !== canonicalJson(now[f]));
}

function roundTrips(view: HistoryView, notes: { rec: HistoryRecord; note: ViewsNote }[]): Violation[] {
  if (notes.length === 0) return [];
  const tasks = tasksById(view);
  const out: Violation[] = [];
  const reported = new Set<string>();
  for (const { rec, note } of notes) {
    for (const [id, text] of Object.entries(note.views)) {
      const task = tasks.get(id);
      if (task === undefined || reported.has(id)) continue;
      const got = JSON.parse(text) as Record<string, unknown>;
      const value = (task.params as { value?: unknown } | undefined)?.value;
      const wrong = [
        task.params === undefined ? undefined : firstDifference(task.params, got.params, 'params'),
        task.metadata === undefined ? undefined : firstDifference(task.metadata, got.metadata, 'metadata'),
        task.kind === 'echo' && got.status === 'completed' && value !== undefined ? firstDifference(value, got.result, 'result') : undefined,
      ].filter((d) => d !== undefined);
      if (wrong.length === 0) continue;
      reported.add(id);
      out.push(violation(view.records, 'reload', `${id} reads ${note.phase === 'before' ? 'before' : 'after'} a coordinator restart (incarnation ${note.incarnation}, t=${rec.time}) differing from what was submitted (an echo's result: from its value), submitted → read: ${wrong.join('; ')}; what a client reads back is what it submitted and what the task produced`, { index: rec.index, executionId: id }));
    }
  }
  return out;
}
