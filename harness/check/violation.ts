/**
 * A broken promise, found in a history: which promise, what happened, which
 * execution or worker, and the history records around the offending one, so
 * a reader sees the story without opening the whole trace.
 */
import type { HistoryRecord } from './history.js';
import type { PromiseName } from './promises.js';
import { promiseByName } from './promises.js';

export interface Violation {
  promise: { number: number; name: PromiseName; title: string };
  message: string;
  executionId?: string;
  workerId?: string;
  /** Index of the offending record (in the history), when there is one. */
  index?: number;
  /** The records around the offending one that concern the same execution or worker. */
  events: HistoryRecord[];
}

/** Records related to an execution or worker near `index` (up to `n`, split before/after). */
export function around(
  records: readonly HistoryRecord[],
  index: number | undefined,
  ids: { executionId?: string | undefined; workerId?: string | undefined },
  n = 10,
): HistoryRecord[] {
  if (records.length === 0) return [];
  const at = index ?? records.length - 1;
  // Look at most this far away, so thousands of violations over a long history stay cheap.
  const reach = 20_000;
  // Faults matter when they touch the worker, or a worker that held the execution, or everyone.
  const workers = new Set<string>(ids.workerId === undefined ? [] : [ids.workerId]);
  if (ids.executionId !== undefined) {
    for (let i = Math.max(0, at - reach); i < Math.min(records.length, at + reach); i++) {
      const v = records[i]?.value;
      if (v?.executionId === ids.executionId && typeof v.workerId === 'string') workers.add(v.workerId);
    }
  }
  const related = (r: HistoryRecord): boolean => {
    if (ids.executionId === undefined && ids.workerId === undefined) return true;
    const v = r.value;
    if (r.f === 'phase') return true;
    if (r.f === 'fault') {
      if (v.coordinator === true || v.target === 'all-workers' || workers.has(String(v.target))) return true;
      return Array.isArray(v.workers) && v.workers.some((w) => workers.has(String(w)));
    }
    if (ids.executionId !== undefined) {
      if (v.executionId === ids.executionId) return true;
      if (Array.isArray(v.executionIds) && v.executionIds.includes(ids.executionId)) return true;
    }
    return ids.workerId !== undefined && (v.workerId === ids.workerId || r.process === ids.workerId);
  };
  const before: HistoryRecord[] = [];
  for (let i = at - 1; i >= Math.max(0, at - reach) && before.length < Math.ceil(n / 2); i--) {
    const r = records[i];
    if (r !== undefined && related(r)) before.unshift(r);
  }
  const after: HistoryRecord[] = [];
  for (let i = at + 1; i < Math.min(records.length, at + reach) && after.length < Math.floor(n / 2); i++) {
    const r = records[i];
    if (r !== undefined && related(r)) after.push(r);
  }
  const self = records[at];
  return [...before, ...(self === undefined ? [] : [self]), ...after];
}

/** Builds a violation with its surrounding records. */
export function violation(
  records: readonly HistoryRecord[],
  name: PromiseName,
  message: string,
  where: { index?: number | undefined; executionId?: string | undefined; workerId?: string | undefined },
): Violation {
  const p = promiseByName(name);
  const v: Violation = { promise: { number: p.number, name: p.name, title: p.title }, message, events: around(records, where.index, where) };
  if (where.executionId !== undefined) v.executionId = where.executionId;
  if (where.workerId !== undefined) v.workerId = where.workerId;
  if (where.index !== undefined) v.index = where.index;
  return v;
}

/** One line per record: `#index t=time process type f {value}`. */
export function formatRecord(r: HistoryRecord): string {
  return `#${r.index} t=${r.time} ${r.process} ${r.type} ${r.f} ${JSON.stringify(r.value)}`;
}

/** A readable, multi-line rendering of a violation; the offending record is marked with '>'. */
export function formatViolation(v: Violation): string {
  const who = [v.executionId !== undefined ? `execution ${v.executionId}` : undefined, v.workerId !== undefined ? `worker ${v.workerId}` : undefined]
    .filter((x) => x !== undefined)
    .join(', ');
  const head = `promise ${v.promise.number} (${v.promise.title}) violated${who === '' ? '' : ` [${who}]`}: ${v.message}`;
  if (v.events.length === 0) return head;
  const lines = v.events.map((r) => `  ${r.index === v.index ? '>' : ' '} ${formatRecord(r)}`);
  return [head, '  history:', ...lines].join('\n');
}
