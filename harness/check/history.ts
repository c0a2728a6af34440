/**
 * The history a run leaves behind, in Jepsen's shape: an ordered list of
 * records {index, time, process, type: invoke | ok | fail | info, f, value}.
 *
 * Two kinds of records:
 *  - system events (SystemEvent from system/core/events.ts) the coordinator,
 *    engine and workers emitted: type 'info', f = the event type, process =
 *    the event's source, value = the event's fields (HistoryRecorder is an
 *    EventSink, so it plugs in wherever events go);
 *  - harness actions: submissions (invoke before submitting, ok once the
 *    coordinator acknowledged with execution ids, fail when refused), faults
 *    starting and stopping, phase changes, free-form info.
 *
 * `time` is the recorder's clock (the simulation's true virtual time, or the
 * harness's wall clock live), not the emitter's possibly skewed `at`, which is
 * kept in the value only when it differs. Records serialise to JSON lines.
 */
import { type Clock, type EventSink, type SystemEvent, type SystemEventType, IllegalStateError, InvalidArgumentError } from '../../system/core/index.js';
import type { FaultDetails, SubmitInvoke, SubmitOk, SubmitRefusal } from './history-types.js';
import { FailedWrites, type StagedWrite } from './write-keys.js';
import { CommitLatency } from './commit-latency.js';

export type RecordType = 'invoke' | 'ok' | 'fail' | 'info';

/** Harness operations (f of harness records). */
export const HARNESS_OPS = ['submit', 'fault', 'phase', 'note', 'read', 'discard'] as const;
export type HarnessOp = (typeof HARNESS_OPS)[number];

export interface HistoryRecord {
  /** Position in the history, from 0. */
  index: number;
  /** Recorder time in ms. */
  time: number;
  /** 'coordinator', a worker id, 'client' (submissions), 'nemesis' (faults) or 'harness'. */
  process: string;
  type: RecordType;
  /** A SystemEvent type, or a HarnessOp. */
  f: SystemEventType | HarnessOp;
  value: Record<string, unknown>;
}

/** The harness's own record payloads (submissions, faults). */
export type { FaultDetails, SubmitInvoke, SubmitOk, SubmitRefusal, TaskSubmitted } from './history-types.js';

/** Phases of a run: faults start, heal begins (all faults removed), the run ends. */
export type Phase = 'faults' | 'heal' | 'end';

/**
 * Coordinator event types an emitter announces BEFORE the store commits their
 * effect. The merged engine (system/engine/core.ts transition(), committed.ts
 * goLive(), recordOutcome()) emits submitted, status, claimed, lease_expired,
 * lease_released and result_recorded only once their write committed, so by
 * default none is pre-commit: every event is a fact, and an engine that
 * announced an uncommitted change (lost in a crash) is caught by the
 * promises instead of being excused by a discard. A recorder for a
 * pre-commit emitter names its types (HistoryRecorderOptions.preCommit); an
 * event that carries `committed: true` is a fact either way.
 */
const ENGINE_PRE_COMMIT: ReadonlySet<string> = new Set();

/** The reason on a `discard` record of events whose store write failed (promise 20 reads it). */
export const WRITE_FAILED = 'its store write failed';

/** How a HistoryRecorder treats the coordinator's events. */
export interface HistoryRecorderOptions {
  /** Event types emitted before their store write (see ENGINE_PRE_COMMIT); default: none. */
  preCommit?: ReadonlySet<string>;
}

/**
 * Records a run's history. Implements EventSink (never throws into an
 * emitter) and CommitObserver (harness/sim/commit-observer.ts): when the
 * coordinator crashes, the events whose store write had not committed are
 * marked by a `discard` record, and the checker ignores them, so the history
 * holds only what was committed at any commit latency; so are events whose
 * write failed (a storage fault), even when the engine announced them anyway.
 */
export class HistoryRecorder implements EventSink {
  private readonly records: HistoryRecord[] = [];
  private readonly open = new Map<number, string>();
  /** Pre-commit coordinator events of this instant that no store write covers yet. */
  private awaiting: number[] = [];
  /** Staged, uncommitted store writes and the events they make durable. */
  private readonly uncommitted = new Map<number, number[]>();
  private nextOp = 0;
  private lastOp: { token: number; time: number } | undefined;
  private readonly failedWrites = new FailedWrites();
  /** How long the store's writes take to commit (the run notes its summary at the end). */
  readonly commitLatency = new CommitLatency();

  private readonly preCommit: ReadonlySet<string>;

  constructor(
    private readonly clock: Pick<Clock, 'now'>,
    options: HistoryRecorderOptions = {},
  ) {
    this.preCommit = options.preCommit ?? ENGINE_PRE_COMMIT;
  }

  /** EventSink: a system event becomes an info record. */
  emit(event: SystemEvent): void {
    const { type, at, source } = event;
    const time = this.clock.now();
    const value = withoutKeys(event, 'type', 'at', 'source');
    if (at !== time) value.at = at;
    this.settleAwaiting(time);
    const index = this.push(source, 'info', type, value, time);
    if (this.failedWrites.claims(event)) this.discard([index], WRITE_FAILED);
    else if (source === 'coordinator' && this.preCommit.has(type) && value.committed !== true) this.awaiting.push(index);
  }

  /** CommitObserver: a store write is staged now; it covers the pre-commit events emitted just before it. */
  staged(write?: StagedWrite): number {
    const now = this.clock.now();
    this.settleAwaiting(now);
    const token = this.nextOp++;
    this.failedWrites.staged(token, write?.keys ?? []);
    this.commitLatency.staged(token, write?.op ?? 'write', now);
    this.uncommitted.set(token, this.awaiting);
    this.awaiting = [];
    this.lastOp = { token, time: now };
    return token;
  }

  /** CommitObserver: that write is durable, and so are its events. */
  committed(token: number): void {
    this.uncommitted.delete(token);
    this.failedWrites.committed(token);
    this.commitLatency.committed(token, this.clock.now());
  }

  /** CommitObserver: that write failed (storage fault); its events, and any that later claim it, are not facts. */
  failed(token: number): void {
    const lost = this.uncommitted.get(token) ?? [];
    this.uncommitted.delete(token);
    this.failedWrites.failed(token);
    this.commitLatency.failed(token);
    if (lost.length > 0) this.discard(lost, WRITE_FAILED);
  }

  /** CommitObserver: the coordinator died; its events whose write had not committed are marked discarded. */
  crashed(): void {
    this.settleAwaiting(Infinity);
    const lost = [...this.uncommitted.values()].flat();
    this.uncommitted.clear();
    this.lastOp = undefined;
    this.failedWrites.crashed();
    this.commitLatency.crashed(this.clock.now());
    if (lost.length > 0) this.discard(lost.sort((a, b) => a - b), 'coordinator crashed before its store committed them');
  }

  private discard(indexes: number[], reason: string): void {
    this.push('harness', 'info', 'discard', { indexes, reason });
  }

  /**
   * Pre-commit events of an earlier instant that no write followed were
   * emitted right after the last write of their instant (result_recorded
   * follows its status write): they share its fate. Otherwise no write
   * backs them and they stand.
   */
  private settleAwaiting(now: number): void {
    if (this.awaiting.length === 0) return; // the common case: no filter, no arrays per event
    const stale = this.awaiting.filter((i) => (this.records[i]?.time ?? now) < now);
    if (stale.length === 0) return;
    this.awaiting = this.awaiting.filter((i) => !stale.includes(i));
    const last = this.lastOp === undefined ? undefined : this.uncommitted.get(this.lastOp.token);
    if (last !== undefined) last.push(...stale.filter((i) => this.records[i]?.time === this.lastOp?.time));
  }

  /** Before a submission is sent; returns the invoke's index to pass to recordOk/recordFail. */
  recordInvoke(value: SubmitInvoke, process = 'client'): number {
    const index = this.push(process, 'invoke', 'submit', { ...value });
    this.open.set(index, process);
    return index;
  }

  /** The coordinator acknowledged the submission (after commit) with these executions. */
  recordOk(invokeIndex: number, value: SubmitOk): void {
    this.complete(invokeIndex, 'ok', { ...value, invoke: invokeIndex });
  }

  /** The submission was refused or its outcome is unknown (`indeterminate`: Jepsen's info). */
  recordFail(invokeIndex: number, error: SubmitRefusal, indeterminate = false): void {
    this.complete(invokeIndex, indeterminate ? 'info' : 'fail', { error, invoke: invokeIndex });
  }

  /** A fault started or stopped. */
  recordFault(phase: 'start' | 'stop', details: FaultDetails): void {
    this.push('nemesis', 'info', 'fault', { phase, ...details });
  }

  /** A phase began. */
  recordPhase(phase: Phase): void {
    this.push('harness', 'info', 'phase', { phase });
  }

  /**
   * A read of every acknowledged execution's status from the coordinator
   * (Jepsen's final read), at the end of the run: null for one the
   * coordinator does not know. Lets the checker see acknowledged work lost
   * by a crash even when nothing else would mention it again.
   */
  recordRead(executions: Record<string, string | null>, after?: 'restart'): void {
    this.push('client', 'ok', 'read', after === undefined ? { executions } : { executions, after });
  }

  /** Anything else worth seeing next to the events (shown in violations). */
  recordInfo(value: Record<string, unknown>, process = 'harness'): void {
    this.push(process, 'info', 'note', value);
  }

  /** The records so far (a copy of the list; records are frozen). */
  history(): HistoryRecord[] {
    return [...this.records];
  }

  get length(): number {
    return this.records.length;
  }
  /** One record by index, without copying the list (a watcher reading the history as it grows). */
  recordAt(index: number): HistoryRecord | undefined {
    return this.records[index];
  }

  private complete(invokeIndex: number, type: RecordType, value: Record<string, unknown>): void {
    const process = this.open.get(invokeIndex);
    if (process === undefined) {
      throw new IllegalStateError(`no open submit invoke at index ${invokeIndex}; call recordInvoke first, and complete it once`);
    }
    this.open.delete(invokeIndex);
    this.push(process, type, 'submit', value);
  }

  private push(process: string, type: RecordType, f: HistoryRecord['f'], value: Record<string, unknown>, time = this.clock.now()): number {
    const index = this.records.length;
    this.records.push(Object.freeze({ index, time, process, type, f, value }));
    return index;
  }
}

/** The SystemEvent a record holds, or undefined for harness records. */
export function eventOf(r: HistoryRecord): SystemEvent | undefined {
  if (r.type !== 'info' || (HARNESS_OPS as readonly string[]).includes(r.f)) return undefined;
  const { at } = r.value;
  const e = withoutKeys(r.value, 'at');
  e.type = r.f;
  e.at = typeof at === 'number' ? at : r.time;
  e.source = r.process;
  return e as SystemEvent;
}

/**
 * A copy of `o` without the named keys (up to three), in key order: `const
 * { a, ...rest } = o`, several times faster on Node 20 (rest destructuring
 * takes V8's slow path; the recorder copies every event, the checker every
 * record). Fixed parameters: a rest array's `includes` cost 2% of a herd.
 */
function withoutKeys(o: object, a: string, b?: string, c?: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const from = o as Record<string, unknown>;
  for (const k in from) if (k !== a && k !== b && k !== c) out[k] = from[k];
  return out;
}

/** The history as JSON lines (one record per line, trailing newline). */
export function toJsonLines(history: readonly HistoryRecord[]): string {
  return history.map((r) => JSON.stringify(r)).join('\n') + (history.length > 0 ? '\n' : '');
}

/** Parses JSON lines written by toJsonLines; throws InvalidArgumentError naming the bad line. */
export function fromJsonLines(text: string): HistoryRecord[] {
  const out: HistoryRecord[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let r: unknown;
    try {
      r = JSON.parse(line);
    } catch (err) {
      throw new InvalidArgumentError(`history line ${i + 1} is not JSON: ${(err as Error).message}`, `line ${i + 1}`);
    }
    if (!isRecord(r)) throw new InvalidArgumentError(`history line ${i + 1} is not a history record {index,time,process,type,f,value}`, `line ${i + 1}`);
    out.push(r);
  });
  return out;
}

function isRecord(r: unknown): r is HistoryRecord {
  if (r === null || typeof r !== 'object') return false;
  const o = r as Record<string, unknown>;
  return (
    typeof o.index === 'number' &&
    typeof o.time === 'number' &&
    typeof o.process === 'string' &&
    (o.type === 'invoke' || o.type === 'ok' || o.type === 'fail' || o.type === 'info') &&
    typeof o.f === 'string' &&
    o.value !== null &&
    typeof o.value === 'object'
  );
}
