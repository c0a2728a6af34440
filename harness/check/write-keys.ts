/**
 * Which coordinator events claim the effect of which store write, so the
 * history can tell an event whose write FAILED (a storage fault) from a fact.
 * The engine emits submitted, status, claimed, result_recorded and
 * checkpoint_saved only after the write that makes them durable committed;
 * an engine that logs a failed write and goes on (announces the change,
 * acknowledges the worker or the client) emits them anyway. The commit
 * observer (harness/sim/commit-observer.ts) names each staged write by these
 * keys; FailedWrites remembers the keys of failed writes until a later write
 * with the same key commits, and the HistoryRecorder discards the event that
 * claims one.
 */
import type { SystemEvent } from '../../system/core/index.js';

/** What a staged store write makes durable, as keys events can be matched against. */
export interface StagedWrite {
  op: string;
  keys: readonly string[];
}

interface RecordLike {
  executionId: string;
  status: string;
}

const statusKeys = (r: RecordLike): string[] => [`status|${r.executionId}|${r.status}`];

/** The keys of a Store write (by method and arguments), read when it is staged; [] for anything else. */
export function writeKeys(op: string, args: readonly unknown[]): string[] {
  const [first, second] = args;
  const records = (Array.isArray(first) ? first : [first]) as RecordLike[];
  switch (op) {
    case 'submit':
      return records.map((r) => `submitted|${r.executionId}`);
    case 'claim':
      return [...statusKeys(records[0] as RecordLike), `claimed|${(records[0] as RecordLike).executionId}`];
    case 'complete':
      return [...statusKeys(records[0] as RecordLike), `result_recorded|${(records[0] as RecordLike).executionId}`];
    case 'update':
      return records.flatMap(statusKeys);
    case 'saveCheckpoint':
      return [`checkpoint_saved|${String(first)}|${(second as { seq: number }).seq}`];
    default:
      return [];
  }
}

/** The key of the write a coordinator event claims committed; undefined for events no single write backs. */
function eventKey(e: SystemEvent): string | undefined {
  switch (e.type) {
    case 'submitted':
    case 'claimed':
    case 'result_recorded':
      return `${e.type}|${e.executionId}`;
    case 'status':
      return `status|${e.executionId}|${e.to}`;
    case 'checkpoint_saved':
      return `checkpoint_saved|${e.executionId}|${e.seq}`;
    default:
      return undefined;
  }
}

/** Keys of failed writes not since superseded by a committed write with the same key. */
export class FailedWrites {
  private readonly byToken = new Map<number, readonly string[]>();
  private readonly failedKeys = new Set<string>();

  staged(token: number, keys: readonly string[]): void {
    if (keys.length > 0) this.byToken.set(token, keys);
  }

  committed(token: number): void {
    for (const k of this.byToken.get(token) ?? []) this.failedKeys.delete(k);
    this.byToken.delete(token);
  }

  failed(token: number): void {
    for (const k of this.byToken.get(token) ?? []) this.failedKeys.add(k);
    this.byToken.delete(token);
  }

  /** A new coordinator life: nothing staged survives, and its events are judged afresh. */
  crashed(): void {
    this.byToken.clear();
    this.failedKeys.clear();
  }

  /** Whether `e` claims the effect of a write that failed (each failed key is claimed once). */
  claims(e: SystemEvent): boolean {
    const key = e.source === 'coordinator' ? eventKey(e) : undefined;
    if (key === undefined || !this.failedKeys.has(key)) return false;
    this.failedKeys.delete(key);
    return true;
  }
}
