/**
 * Collects what a live run sees (worker events from swarm hosts, coordinator
 * events from its events file, submissions, faults, phases) with monotonic
 * stamps, and replays them in stamp order into a HistoryRecorder at the end.
 * Live sources arrive out of order (a file tailed every 50 ms, several pipes),
 * so recording as they arrive would order the history wrongly; sorting by the
 * stamp the emitting process put on each line gives the true order.
 * History `time` = ms since the run's start (t0), like the simulation's.
 */
import type { SystemEvent } from '../../system/core/index.js';
import { type FaultDetails, HistoryRecorder, type HistoryRecord, type Phase, type SubmitInvoke } from '../check/history.js';

type Entry =
  | { mono: number; seq: number; kind: 'event'; event: SystemEvent }
  | { mono: number; seq: number; kind: 'invoke'; key: number; value: SubmitInvoke }
  | { mono: number; seq: number; kind: 'ok'; key: number; executionIds: string[] }
  | { mono: number; seq: number; kind: 'fail'; key: number; error: { code: string; message: string }; indeterminate: boolean }
  | { mono: number; seq: number; kind: 'fault'; phase: 'start' | 'stop'; details: FaultDetails }
  | { mono: number; seq: number; kind: 'phase'; phase: Phase }
  | { mono: number; seq: number; kind: 'note'; value: Record<string, unknown>; process?: string }
  | { mono: number; seq: number; kind: 'read'; executions: Record<string, string | null> };

type NoSeq<T> = T extends unknown ? Omit<T, 'seq'> : never;

/** One stamped entry, as an observer sees it (e.g. the live-run UI). */
export type TimelineEntry = Readonly<Entry>;

/** Stamped entries of a live run; see the file comment. */
export class TimelineBuffer {
  private readonly entries: Entry[] = [];
  private seq = 0;
  private nextKey = 1;

  /** `observe` sees every entry as it arrives (arrival order, not stamp order). */
  constructor(
    readonly t0: number,
    private readonly observe?: (entry: TimelineEntry) => void,
  ) {}

  private push(e: NoSeq<Entry>): void {
    const entry = { ...e, seq: this.seq++ } as Entry;
    this.entries.push(entry);
    this.observe?.(entry);
  }

  event(mono: number, event: SystemEvent): void {
    this.push({ mono, kind: 'event', event });
  }
  /** A submission is about to be sent; returns the key for ok/fail. */
  invoke(mono: number, value: SubmitInvoke): number {
    const key = this.nextKey++;
    this.push({ mono, kind: 'invoke', key, value });
    return key;
  }
  ok(mono: number, key: number, executionIds: string[]): void {
    this.push({ mono, kind: 'ok', key, executionIds });
  }
  fail(mono: number, key: number, error: { code: string; message: string }, indeterminate: boolean): void {
    this.push({ mono, kind: 'fail', key, error, indeterminate });
  }
  fault(mono: number, phase: 'start' | 'stop', details: FaultDetails): void {
    this.push({ mono, kind: 'fault', phase, details });
  }
  phase(mono: number, phase: Phase): void {
    this.push({ mono, kind: 'phase', phase });
  }
  /** A note in the history; `process` names who noted it (default the harness's; `secrets`: the secret watch, live-secrets.ts). */
  note(mono: number, value: Record<string, unknown>, process?: string): void {
    this.push({ mono, kind: 'note', value, ...(process === undefined ? {} : { process }) });
  }
  /** The final read of every acknowledged execution's status (null: unknown to the coordinator). */
  read(mono: number, executions: Record<string, string | null>): void {
    this.push({ mono, kind: 'read', executions });
  }

  /** Every stamped SystemEvent, in stamp order. */
  events(): { mono: number; event: SystemEvent }[] {
    return this.sorted().flatMap((e) => (e.kind === 'event' ? [{ mono: e.mono, event: e.event }] : []));
  }

  /** Stamps of fault stops with the workers each affected (link restorations). */
  faultStops(): { mono: number; workers?: string[] }[] {
    return this.sorted().flatMap((e) => (e.kind === 'fault' && e.phase === 'stop' ? [{ mono: e.mono, ...(e.details.workers === undefined ? {} : { workers: e.details.workers }) }] : []));
  }

  private sorted(): Entry[] {
    return [...this.entries].sort((a, b) => a.mono - b.mono || a.seq - b.seq);
  }

  /** The history in stamp order; time = ms since t0 (rounded to µs). `upToMono`: only entries stamped up to then (a mid-run prefix). */
  history(upToMono = Infinity): HistoryRecord[] {
    let now = 0;
    const rec = new HistoryRecorder({ now: () => now });
    const index = new Map<number, number>();
    for (const e of this.sorted()) {
      if (e.mono > upToMono) break;
      now = Math.round((e.mono - this.t0) * 1000) / 1000;
      switch (e.kind) {
        case 'event':
          rec.emit(e.event);
          break;
        case 'invoke':
          index.set(e.key, rec.recordInvoke(e.value));
          break;
        case 'ok': {
          const i = index.get(e.key);
          if (i !== undefined) rec.recordOk(i, { executionIds: e.executionIds });
          break;
        }
        case 'fail': {
          const i = index.get(e.key);
          if (i !== undefined) rec.recordFail(i, e.error, e.indeterminate);
          break;
        }
        case 'fault':
          rec.recordFault(e.phase, e.details);
          break;
        case 'phase':
          rec.recordPhase(e.phase);
          break;
        case 'note':
          rec.recordInfo(e.value, e.process);
          break;
        case 'read':
          rec.recordRead(e.executions);
          break;
      }
    }
    return rec.history();
  }
}
