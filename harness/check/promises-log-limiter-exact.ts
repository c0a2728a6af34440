/**
 * Promise 8 (auth), the rate-limited logs counted exactly (blind set 16 #25).
 * The README documents the limits: the coordinator logs at most 10 lines per
 * rejection kind per 10 s, a worker at most 5 "cannot connect" lines per
 * 30 s; a window opens at the first occurrence after the last one closed,
 * and the first line of a window says how many the window before it
 * suppressed. Replaying the occurrences' times through that rule gives, for
 * each, whether it is logged and with which `suppressed` count: the recorded
 * lines (`log` notes, harness/scenario/log-record.ts) must be exactly those
 * (an extra line in a window, a missing one, a count one short).
 * Occurrences: the coordinator's `auth_failed` / `protocol_error`; a
 * worker's failed connect tries (a `backoff` after a `connecting` with no
 * `disconnected` between: the try never had a connection). A process's
 * crash or restart starts its counting again (a new limiter).
 */
import { coordinatorCrashes } from './promises-state.js';
import type { HistoryRecord } from './history.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** The limiter key of a coordinator refusal event, if it is one. */
export function keyOf(type: string, value: Record<string, unknown>): string | undefined {
  if (type === 'auth_failed') return 'auth_failed';
  return type === 'protocol_error' ? `protocol_error:${String(value.code)}` : undefined;
}

interface Limit {
  perWindow: number;
  windowMs: number;
}

/** The README's limits: the coordinator's rejection lines, a worker's connect failures. */
const COORDINATOR_LIMIT: Limit = { perWindow: 10, windowMs: 10_000 };
const WORKER_CONNECT_LIMIT: Limit = { perWindow: 5, windowMs: 30_000 };

interface ModelWindow {
  start: number;
  count: number;
  suppressed: number;
}

/** The documented limiter's decision for one occurrence at `t`: the `suppressed` its line reports, or undefined (no line). */
function decide(windows: Map<string, ModelWindow>, stream: string, limit: Limit, t: number): number | undefined {
  const w = windows.get(stream);
  if (w === undefined || t - w.start >= limit.windowMs) {
    windows.set(stream, { start: t, count: 1, suppressed: 0 });
    return w?.suppressed ?? 0;
  }
  if (w.count < limit.perWindow) {
    w.count++;
    return 0;
  }
  w.suppressed++;
  return undefined;
}

/** A limited line or occurrence: its stream (who, which key), the limit, and whether it is the line. */
interface Item {
  /** The process whose limiter it is (`coordinator` or a worker id). */
  who: string;
  key: string;
  limit: Limit;
  line: boolean;
  /** The line is written before its occurrence is recorded (a worker logs, then emits its `backoff`). */
  lineFirst: boolean;
}

/** Classifies one record; `open` tracks each worker's connect try (connecting seen, no disconnected yet). */
function itemOf(r: HistoryRecord, open: Map<string, boolean>): Item | undefined {
  if (r.process === 'log' && r.f === 'note' && typeof r.value.key === 'string') {
    const worker = typeof r.value.worker === 'string' ? r.value.worker : undefined;
    return { who: worker ?? 'coordinator', key: r.value.key, limit: worker === undefined ? COORDINATOR_LIMIT : WORKER_CONNECT_LIMIT, line: true, lineFirst: worker !== undefined };
  }
  if (r.process === 'coordinator') {
    const key = keyOf(r.f, r.value);
    return key === undefined ? undefined : { who: 'coordinator', key, limit: COORDINATOR_LIMIT, line: false, lineFirst: false };
  }
  if (r.f === 'connecting') open.set(r.process, true);
  else if (r.f === 'disconnected') open.set(r.process, false);
  else if (r.f === 'backoff' && open.get(r.process) === true) {
    open.set(r.process, false);
    return { who: r.process, key: 'connect', limit: WORKER_CONNECT_LIMIT, line: false, lineFirst: true };
  }
  return undefined;
}

/** Where each process's limiter starts again: the coordinator's crashes, each worker's kill or restart, and the end of its drain (a drained worker exits; the drain's undo starts a new process). */
function resetsOf(view: HistoryView): Map<number, string[]> {
  const at = new Map<number, string[]>(coordinatorCrashes(view).map((c) => [c.index, ['coordinator']]));
  const add = (index: number, w: string): void => void at.set(index, [...(at.get(index) ?? []), w]);
  for (const f of view.faults) {
    if (f.details.action === 'drain' && f.stop !== undefined) for (const w of f.details.workers ?? []) add(f.stop.index, w);
    if (f.details.action !== 'kill' && f.details.action !== 'restart' && f.details.action !== 'twin') continue;
    for (const w of f.details.workers ?? []) add(f.start.index, w);
  }
  return at;
}

/** The replay of every limiter's decisions against the lines recorded (one run of checkLimitExact). */
class LimitReplay {
  private readonly windows = new Map<string, ModelWindow>();
  /** Occurrence-first streams: the line the last occurrence asks for (undefined: none) until a line or the next occurrence. */
  private readonly expected = new Map<string, { suppressed: number; at: number } | undefined>();
  /** Line-first streams: a line seen, waiting for its occurrence. */
  private readonly ahead = new Map<string, number>();
  private readonly reported = new Set<string>();
  readonly out: Violation[] = [];

  constructor(private readonly view: HistoryView) {}

  /** A process restarted: its limiters start again. */
  restart(who: string): void {
    for (const m of [this.windows, this.expected, this.ahead]) for (const s of [...m.keys()]) if (s.startsWith(`${who}:`)) m.delete(s);
  }

  /** One line or occurrence. */
  take(r: HistoryRecord, item: Item): void {
    const stream = `${item.who}:${item.key}`;
    const got = typeof r.value.suppressed === 'number' ? r.value.suppressed : 0;
    if (item.lineFirst && item.line) {
      if (this.ahead.has(stream)) this.report(r, item, 'extra');
      this.ahead.set(stream, got);
    } else if (item.lineFirst) {
      const line = this.ahead.get(stream);
      this.ahead.delete(stream);
      const decided = decide(this.windows, stream, item.limit, r.time);
      if (decided === undefined && line !== undefined) this.report(r, item, 'extra');
      else if (decided !== undefined && line === undefined) this.report(r, item, 'missing', r.time);
      else if (decided !== undefined && line !== undefined && line !== decided) this.report(r, item, 'miscount', decided, line);
    } else if (item.line) {
      const due = this.expected.get(stream);
      this.expected.delete(stream);
      if (due === undefined) this.report(r, item, 'extra');
      else if (got !== due.suppressed) this.report(r, item, 'miscount', due.suppressed, got);
    } else {
      const due = this.expected.get(stream);
      if (due !== undefined) this.report(r, item, 'missing', due.at);
      const suppressed = decide(this.windows, stream, item.limit, r.time);
      this.expected.set(stream, suppressed === undefined ? undefined : { suppressed, at: r.time });
    }
  }

  /** The first violation per stream: an extra line, a missing one (its occurrence's time), a wrong count (due, got). */
  private report(r: HistoryRecord, item: Item, what: 'extra' | 'missing' | 'miscount', n = 0, got = 0): void {
    const stream = `${item.who}:${item.key}`;
    if (this.reported.has(stream)) return;
    this.reported.add(stream);
    const whom = item.who === 'coordinator' ? 'the coordinator' : item.who;
    const rule = `at most ${item.limit.perWindow} lines per key per ${item.limit.windowMs / 1000} s`;
    const msg =
      what === 'extra'
        ? `${whom} logged a ${item.key} line at t=${r.time} that its limit (${rule}) suppresses: more lines than the limit in that window`
        : what === 'missing'
          ? `${whom} did not log the ${item.key} occurrence at t=${n}, which its limit (${rule}) lets through`
          : `${whom}'s ${item.key} line at t=${r.time} reports ${got} suppressed; ${rule}, the window before it left ${n} unlogged`;
    this.out.push(violation(this.view.records, 'auth', msg, { index: r.index }));
  }
}

/** 8, exactly: the lines logged per stream are the documented limiter's, occurrence by occurrence (see the file comment). */
export function checkLimitExact(view: HistoryView): Violation[] {
  if (!view.records.some((r) => r.process === 'log' && r.f === 'note')) return [];
  const resets = resetsOf(view);
  const replay = new LimitReplay(view);
  const open = new Map<string, boolean>();
  for (const r of view.records) {
    const restarted = resets.get(r.index);
    for (const who of restarted ?? []) replay.restart(who);
    const item = itemOf(r, open);
    if (item !== undefined) replay.take(r, item);
  }
  return replay.out;
}
