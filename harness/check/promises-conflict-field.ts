/**
 * Promise 29 (api-contract), the idempotency conflict's message. README,
 * "HTTP API": reusing an `idempotencyKey` with a different spec is `409
 * conflict` naming the first differing field. Each keyed one-task
 * submission refused `conflict` whose key the client had acknowledged for
 * another task is judged on the refusal's message (recorded with the
 * refusal): it names a spec field in which the two tasks differ, and no
 * field in which they agree. The fields and the comparison are the
 * checker's own, on the tasks as the client sent them (object keys in any
 * order); a field the system normalizes (a default given explicitly) can
 * only differ here where it differs there too, so a field the system names
 * is always one found here. Which differing field comes "first" is not
 * documented: any differing one is accepted.
 */
import type { HistoryRecord } from './history.js';
import { canonicalJson } from './promises-reload.js';
import type { HistoryView } from './view.js';
import { violation, type Violation } from './violation.js';

/** The spec's fields, as README "HTTP API" and docs name them. */
const SPEC_FIELDS = ['kind', 'params', 'priority', 'retry', 'timeoutMs', 'scheduledAt', 'metadata', 'taskId', 'dependsOn', 'dependencies'] as const;

/** The one keyed task of a submit invoke, as the client sent it (with the priority it asked), or undefined. */
function keyedTask(invoke: HistoryRecord | undefined): { key: string; task: Record<string, unknown> } | undefined {
  const intent = invoke?.value.intent;
  const tasks = invoke?.value.tasks;
  if (!Array.isArray(intent) || !Array.isArray(tasks) || intent.length !== 1 || tasks.length !== 1) return undefined;
  const it = intent[0] as { idempotencyKey?: string; priority?: string } | undefined;
  if (it?.idempotencyKey === undefined) return undefined;
  return { key: it.idempotencyKey, task: { ...(tasks[0] as Record<string, unknown>), priority: it.priority } };
}

/** The spec fields in which two tasks differ. */
function differing(a: Record<string, unknown>, b: Record<string, unknown>): Set<string> {
  return new Set(SPEC_FIELDS.filter((f) => canonicalJson(a[f]) !== canonicalJson(b[f])));
}

/** The spec fields a refusal's message names (the key itself, quoted, left out: it may contain any word). */
function namedFields(message: string, key: string): string[] {
  const text = message.split(JSON.stringify(key)).join(' ');
  return SPEC_FIELDS.filter((f) => new RegExp(`\\b${f}\\b`).test(text));
}

function misnamed(view: HistoryView, r: HistoryRecord, key: string, message: string, differs: Set<string>): Violation | undefined {
  const named = namedFields(message, key);
  const agreeing = named.filter((f) => !differs.has(f));
  const want = [...differs].join(', ');
  if (named.length > 0 && agreeing.length === 0) return undefined;
  const said = named.length === 0 ? 'names no field of the spec' : `names ${agreeing.join(', ')}, in which the two agree`;
  return violation(view.records, 'api-contract', `the 409 conflict at t=${r.time} for idempotency key "${key}" ${said} ("${message.slice(0, 160)}"): README, a reused key with a different spec is refused naming the first differing field (here: ${want})`, { index: r.index });
}

/** 29. Each idempotency conflict's message names a field in which the reused key's tasks differ. */
export function checkConflictField(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  const acked = new Map<string, Record<string, unknown>>();
  for (const r of view.records) {
    if (r.f !== 'submit' || (r.type !== 'ok' && r.type !== 'fail')) continue;
    const k = keyedTask(typeof r.value.invoke === 'number' ? view.records[r.value.invoke] : undefined);
    if (k === undefined) continue;
    if (r.type === 'ok') {
      acked.set(k.key, k.task); // the key's current task (a new one after a prune forgot the key)
      continue;
    }
    const error = r.value.error as { code?: string; message?: string } | undefined;
    const held = acked.get(k.key);
    if (error?.code !== 'conflict' || held === undefined || typeof error.message !== 'string') continue;
    const differs = differing(held, k.task);
    if (differs.size === 0) continue; // a spurious conflict: promise 22's (promises-engine.ts)
    const v = misnamed(view, r, k.key, error.message, differs);
    if (v !== undefined) out.push(v);
  }
  return out;
}
