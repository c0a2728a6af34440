/**
 * An indexed, read-only view of a history for the checkers: system events by
 * execution and by worker, acknowledged submissions, fault spans and phase
 * times. Built once per check; every checker reads it, none mutates it.
 */
import type { SystemEvent, SystemEventType } from '../../system/core/index.js';
import { TERMINAL_STATUSES } from './spec-tables.js';
import type { FaultDetails, HistoryRecord } from './history.js';
import { eventOf } from './history.js';

/** The event variant with type T. */
type EventOf<T extends SystemEventType> = Extract<SystemEvent, { type: T }>;

/** A system event with the record that holds it (time = recorder time). */
export interface Ev<T extends SystemEventType = SystemEventType> {
  rec: HistoryRecord;
  ev: EventOf<T>;
}

/** A fault from its start record to its stop record (undefined: still active at the end). */
export interface FaultSpan {
  details: FaultDetails;
  start: HistoryRecord;
  stop: HistoryRecord | undefined;
}

/** An acknowledged submission: the ok record and the invoke it answers. */
export interface Ack {
  executionId: string;
  ok: HistoryRecord;
  invoke: HistoryRecord | undefined;
}

export class HistoryView {
  readonly events: Ev[] = [];
  readonly byExecution = new Map<string, Ev[]>();
  readonly byWorker = new Map<string, Ev[]>();
  /** Events by type, in order: ofType hands out fresh arrays of these (a promise may sort or filter what it gets). */
  private readonly byType = new Map<string, Ev[]>();
  readonly acked = new Map<string, Ack>();
  readonly submitted = new Map<string, Ev<'submitted'>>();
  readonly faults: FaultSpan[] = [];
  /** When heal began (the 'heal' phase record), if recorded. */
  readonly healAt: number | undefined;
  /** When the run ended ('end' phase record, else the last record's time). */
  readonly endAt: number;
  /** The last final read (recordRead), if any: execution id → status (null: unknown). */
  readonly finalRead: { rec: HistoryRecord; executions: Record<string, string | null> } | undefined;
  /** Reads made right after a coordinator restart (recordRead with after 'restart'), in order. */
  readonly restartReads: { rec: HistoryRecord; executions: Record<string, string | null> }[] = [];

  /** Indexes of events the coordinator emitted but never committed (a crash discarded them): not facts. */
  readonly discarded: ReadonlySet<number>;

  constructor(readonly records: readonly HistoryRecord[]) {
    const discarded = new Set<number>();
    for (const rec of records) {
      if (rec.f === 'discard' && Array.isArray(rec.value.indexes)) for (const i of rec.value.indexes) if (typeof i === 'number') discarded.add(i);
    }
    this.discarded = discarded;
    let healAt: number | undefined;
    let endAt: number | undefined;
    let finalRead: HistoryView['finalRead'];
    const openFaults = new Map<string, FaultSpan>();
    for (const rec of records) {
      const ev = eventOf(rec);
      if (ev !== undefined) {
        if (!discarded.has(rec.index)) this.addEvent({ rec, ev });
        continue;
      }
      if (rec.f === 'submit' && rec.type === 'ok') {
        const ids = Array.isArray(rec.value.executionIds) ? (rec.value.executionIds as unknown[]) : [];
        const invokeIndex = typeof rec.value.invoke === 'number' ? rec.value.invoke : -1;
        for (const id of ids) {
          if (typeof id === 'string') this.acked.set(id, { executionId: id, ok: rec, invoke: records[invokeIndex] });
        }
      } else if (rec.f === 'read') {
        const executions = rec.value.executions;
        if (executions === null || typeof executions !== 'object') continue;
        const read = { rec, executions: executions as Record<string, string | null> };
        if (rec.value.after === 'restart') this.restartReads.push(read);
        else finalRead = read;
      } else if (rec.f === 'phase') {
        if (rec.value.phase === 'heal' && healAt === undefined) healAt = rec.time;
        if (rec.value.phase === 'end') endAt = rec.time;
      } else if (rec.f === 'fault') {
        const details = rec.value;
        if (!isFaultValue(details)) continue;
        if (details.phase === 'start') {
          const span: FaultSpan = { details, start: rec, stop: undefined };
          this.faults.push(span);
          openFaults.set(details.id, span);
        } else {
          const span = openFaults.get(details.id);
          if (span !== undefined) span.stop = rec;
          openFaults.delete(details.id);
        }
      }
    }
    this.healAt = healAt;
    this.finalRead = finalRead;
    this.endAt = endAt ?? records[records.length - 1]?.time ?? 0;
  }

  private addEvent(e: Ev): void {
    this.events.push(e);
    push(this.byType, e.ev.type, e);
    const ex = (e.ev as { executionId?: unknown }).executionId;
    if (typeof ex === 'string') push(this.byExecution, ex, e);
    const worker = workerOf(e.ev);
    if (worker !== undefined) push(this.byWorker, worker, e);
    if (e.ev.type === 'submitted' && !this.submitted.has(e.ev.executionId)) this.submitted.set(e.ev.executionId, e as Ev<'submitted'>);
  }

  /** Events of one type, in order. */
  ofType<T extends SystemEventType>(type: T): Ev<T>[] {
    return (this.byType.get(type) ?? []).filter((e): e is Ev & Ev<T> => isEv(e, type));
  }

  /** When a fault span ends: its stop record, else heal, else the end. */
  faultEnd(span: FaultSpan): number {
    return span.stop?.time ?? this.healAt ?? this.endAt;
  }

  /**
   * Which life of a process (a worker id or 'coordinator') a record at `index`
   * belongs to: the number of kill/restart faults on it that started before
   * (and drains that ended before: a drained worker exits; its undo starts a
   * new process). A process's memory (outbox, sessions, seen seqs) dies with its life.
   */
  lifeOf(process: string, index: number): number {
    let deaths = this.deaths.get(process);
    if (deaths === undefined) {
      const on = (f: FaultSpan): boolean => (process === 'coordinator' ? affectsCoordinator(f.details) : affectsWorker(f.details, process));
      // A twin (a second process with the worker's id, scenario fleet.twins) starts a new life of the id, as a restart does.
      const killed = this.faults.filter((f) => (f.details.action === 'kill' || f.details.action === 'restart' || f.details.action === 'twin') && on(f)).map((f) => f.start.index);
      const drained = this.faults.filter((f) => f.details.action === 'drain' && on(f)).map((f) => f.stop?.index ?? Infinity);
      deaths = [...killed, ...drained].sort((a, b) => a - b);
      this.deaths.set(process, deaths);
    }
    let n = 0;
    while (n < deaths.length && (deaths[n] as number) < index) n++;
    return n;
  }

  /** Per process, the record indexes of its kills and restarts (lifeOf's cache). */
  private readonly deaths = new Map<string, number[]>();

  /**
   * Whether any fault (other than those listed) touching this worker or the coordinator overlaps [from, to].
   * `sinceIndex`: a fault already over at that record (its stop, or a restart, recorded before it) does not
   * count, even in the same ms (a worker that restarts and registers within one ms, as the 0-RTT register does).
   */
  anyFaultOn(workerId: string, from: number, to: number, except: readonly string[] = [], sinceIndex?: number): boolean {
    return this.faults.some(
      (f) =>
        !except.includes(f.details.action) &&
        (sinceIndex === undefined || ((f.details.action === 'restart' ? f.start : f.stop)?.index ?? Infinity) > sinceIndex) &&
        (affectsWorker(f.details, workerId) || affectsCoordinator(f.details) || f.details.target === 'all') &&
        f.start.time <= to &&
        (f.details.action === 'restart' ? f.start.time : this.faultEnd(f)) >= from,
    );
  }

  /** Whether a process fault (pause, kill, restart, drain, a twin's start) on this worker (or 'coordinator') overlaps [from, to]. */
  processFaultOn(workerId: string, from: number, to: number): boolean {
    return this.faults.some(
      (f) =>
        (f.details.action === 'pause' || f.details.action === 'kill' || f.details.action === 'restart' || f.details.action === 'drain' || f.details.action === 'twin') &&
        (workerId === 'coordinator' ? affectsCoordinator(f.details) : affectsWorker(f.details, workerId)) &&
        f.start.time <= to &&
        (f.details.action === 'restart' ? f.start.time : this.faultEnd(f)) >= from,
    );
  }
}

/**
 * Indexes (record index) of interim terminal statuses: a failed or timed-out
 * attempt that is retried is recorded as `failed`/`timeout` immediately
 * followed by `retrying` (the engine's interim entry); it does not end the
 * execution.
 */
export function interimStatuses(events: readonly Ev[]): Set<number> {
  const st = events.filter(isStatus);
  const out = new Set<number>();
  st.forEach((e, i) => {
    const next = st[i + 1];
    if (TERMINAL_STATUSES.has(e.ev.to) && next !== undefined && next.ev.to === 'retrying' && next.ev.from === e.ev.to) out.add(e.rec.index);
  });
  return out;
}

/** Status events that end an execution (terminal and not interim), in order. */
export function finalTerminals(events: readonly Ev[]): Ev<'status'>[] {
  const interim = interimStatuses(events);
  return events.filter(isStatus).filter((e) => TERMINAL_STATUSES.has(e.ev.to) && !interim.has(e.rec.index));
}

/** Whether an event has the given type (narrows it to that variant). */
function isEv<T extends SystemEventType>(e: Ev, type: T): e is Ev & Ev<T> {
  return e.ev.type === type;
}

/** Whether an event is a status change. */
export function isStatus(e: Ev): e is Ev & Ev<'status'> {
  return isEv(e, 'status');
}

/** A fault record's value: the recorded details and whether the fault started or stopped. */
type FaultValue = Record<string, unknown> & FaultDetails & { phase: string };

/** Whether a fault record's value has the fields recordFault writes (id, action, target, phase). */
function isFaultValue(v: Record<string, unknown>): v is FaultValue {
  const { id, action, target, phase, workers, coordinator } = v;
  return (
    typeof id === 'string' &&
    typeof action === 'string' &&
    typeof target === 'string' &&
    typeof phase === 'string' &&
    (workers === undefined || (Array.isArray(workers) && workers.every((w) => typeof w === 'string'))) &&
    (coordinator === undefined || typeof coordinator === 'boolean')
  );
}

/** The worker an event is about: its workerId field, or its source when a worker emitted it. */
function workerOf(ev: SystemEvent): string | undefined {
  const w = (ev as { workerId?: unknown }).workerId;
  if (typeof w === 'string') return w;
  return ev.source !== 'coordinator' ? ev.source : undefined;
}

/** Whether a recorded fault affects a worker (resolved `workers`, else its target). */
export function affectsWorker(d: FaultDetails, workerId: string): boolean {
  if (d.workers !== undefined) return workerSet(d.workers).has(workerId);
  return d.target === workerId || d.target === 'all-workers';
}

/**
 * A fault's resolved worker list as a set, made once per list: a herd's
 * network cut lists every worker, and the promises ask about it per worker
 * and per record (`includes` on 500 names was a tenth of the herd's check).
 */
const workerSets = new WeakMap<readonly string[], ReadonlySet<string>>();
function workerSet(workers: readonly string[]): ReadonlySet<string> {
  let set = workerSets.get(workers);
  if (set === undefined) workerSets.set(workers, (set = new Set(workers)));
  return set;
}

/**
 * The coordinator's decision times (`at`, its clock) in the history's time
 * (fault spans, records): they differ by a constant, the history's origin.
 */
export function clockOffset(view: HistoryView): number {
  const first = view.events.find((e) => e.ev.source === 'coordinator');
  return first === undefined ? 0 : first.rec.time - first.ev.at;
}

/** Whether a recorded fault affects the coordinator process. */
export function affectsCoordinator(d: FaultDetails): boolean {
  return d.coordinator ?? d.target === 'coordinator';
}

/** Appends v to the list at k (a new list if there is none). */
export function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list === undefined) m.set(k, [v]);
  else list.push(v);
}
