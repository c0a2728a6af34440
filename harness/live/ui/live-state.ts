/**
 * What the live-run page shows, folded from the run's stamped entries as
 * they arrive: the fault timeline (start, stop, target, workers hit), which
 * workers are connected, completions per second, warnings seen on the wire
 * (rejected results, expired leases, protocol errors), safety violations
 * found mid-run (live-safety.ts) and, at the end, the checker's verdict. Small and bounded: series keep one point
 * per second for at most MAX_POINTS seconds.
 */
import { describeFaultTarget } from '../../report/fault-label.js';
import type { EarlyViolation } from '../../check/prefix-safe.js';
import type { TimelineEntry } from '../timeline-buffer.js';
import type { SafetyStats } from './live-safety.js';

const MAX_POINTS = 3600;
const MAX_WARNINGS = 200;
const MAX_EARLY = 200;

/** One fault as the page draws it; times in ms since the run's start. */
interface UiFault {
  id: string;
  action: string;
  /** Who it hits, for people (partitions by their sides). */
  target: string;
  /** Workers it cut off or touched. */
  workers: string[];
  start: number;
  stop: number | null;
}

/** The page's whole state (sent as one SSE push). */
export interface LiveUiState {
  scenario: string;
  description: string;
  coordinatorUrl: string | null;
  /** ms since the run's start of the latest entry seen. */
  now: number;
  phase: 'starting' | 'faults' | 'heal' | 'end' | 'checked';
  healAt: number | null;
  /** When the faults phase began (before it: processes starting). */
  faultsAt: number | null;
  fleet: string[];
  connected: string[];
  faults: UiFault[];
  /** Per second: [t, connected workers, completions in that second]. */
  series: [number, number, number][];
  completed: number;
  submitted: number;
  warnings: { t: number; type: string; workerId?: string; executionId?: string; detail?: string }[];
  /** Safety violations found while the run goes (prefix-safe promises only; the verdict stays authoritative). */
  early: EarlyViolation[];
  /** Which promises are checked mid-run and what the checks cost. */
  safety: { promises: string[]; stats: SafetyStats } | null;
  verdict: null | { passed: boolean; violations: { promise: number | string; name: string; message: string }[]; report: string | null };
}

const WARN = new Set(['result_rejected', 'lease_expired', 'protocol_error', 'auth_failed', 'heartbeat_timeout', 'worker_lost']);

/** Folds entries into LiveUiState. */
export class LiveUiModel {
  readonly state: LiveUiState;
  private readonly up = new Set<string>();
  private completedAt: number[] = [];

  constructor(scenario: { name: string; description?: string }, fleet: string[]) {
    this.state = { scenario: scenario.name, description: scenario.description ?? '', coordinatorUrl: null, now: 0, phase: 'starting', healAt: null, faultsAt: null, fleet, connected: [], faults: [], series: [], completed: 0, submitted: 0, warnings: [], early: [], safety: null, verdict: null };
  }

  /** Feeds one entry (the LiveRunObserver's onEntry). */
  add(entry: TimelineEntry, t0: number): void {
    const t = Math.max(0, Math.round(entry.mono - t0));
    this.state.now = Math.max(this.state.now, t);
    switch (entry.kind) {
      case 'event':
        this.event(entry.event, t);
        break;
      case 'invoke':
        this.state.submitted++;
        break;
      case 'fault': {
        const d = entry.details;
        if (entry.phase === 'start') {
          const { label, workers } = describeFaultTarget(d);
          this.state.faults.push({ id: d.id, action: d.action, target: label, workers, start: t, stop: null });
        }
        else {
          const f = this.state.faults.find((x) => x.id === d.id && x.stop === null);
          if (f !== undefined) f.stop = t;
        }
        break;
      }
      case 'phase':
        this.state.phase = entry.phase;
        if (entry.phase === 'heal') this.state.healAt = t;
        if (entry.phase === 'faults') this.state.faultsAt = t;
        break;
      default:
        break;
    }
    this.sample(t);
  }

  private event(e: Extract<TimelineEntry, { kind: 'event' }>['event'], t: number): void {
    if (e.type === 'synced') this.up.add(e.source);
    else if (e.type === 'disconnected' || e.type === 'backoff') this.up.delete(e.source);
    else if (e.type === 'result_recorded' && e.outcome === 'completed') {
      this.state.completed++;
      this.completedAt.push(t);
    }
    if (WARN.has(e.type)) {
      const x = e as typeof e & { workerId?: string; executionId?: string; reason?: string };
      this.state.warnings.push({ t, type: e.type, ...(x.workerId === undefined ? {} : { workerId: x.workerId }), ...(x.executionId === undefined ? {} : { executionId: x.executionId }), ...(x.reason === undefined ? {} : { detail: String(x.reason) }) });
      if (this.state.warnings.length > MAX_WARNINGS) this.state.warnings.shift();
    }
    this.state.connected = [...this.up].sort();
  }

  private sample(t: number): void {
    const sec = Math.floor(t / 1000);
    const s = this.state.series;
    while ((s.length === 0 ? -1 : (s[s.length - 1] as [number, number, number])[0]) < sec) {
      const at = s.length === 0 ? 0 : (s[s.length - 1] as [number, number, number])[0] + 1;
      s.push([at, this.up.size, 0]);
      if (s.length > MAX_POINTS) s.shift();
    }
    const last = s[s.length - 1] as [number, number, number];
    last[1] = this.up.size;
    last[2] = this.completedAt.filter((c) => Math.floor(c / 1000) === last[0]).length;
    this.completedAt = this.completedAt.filter((c) => Math.floor(c / 1000) >= last[0]);
  }

  /** Safety violations found mid-run (kept to the first MAX_EARLY). */
  addEarly(found: EarlyViolation[]): void {
    this.state.early.push(...found.slice(0, Math.max(0, MAX_EARLY - this.state.early.length)));
  }

  /** The checker's verdict (the end of the run). */
  finish(verdict: NonNullable<LiveUiState['verdict']>): void {
    this.state.verdict = verdict;
    this.state.phase = 'checked';
  }

}
