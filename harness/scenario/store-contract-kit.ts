/**
 * What the store contract probe (store-contract.ts) works with: a clock of
 * its own that it advances by hand (the probe runs before the fleet, outside
 * the simulation's event loop, and must be deterministic), execution records
 * moved through their statuses as the engine moves them, and a record of
 * each operation's outcome (settled or not, refused or not).
 */
import { asExecutionId, asLeaseToken, asTaskId, asWorkerId, type Clock, type ExecutionRecord, type ExecutionStatus, type Random, type TimerHandle } from '../../system/core/index.js';

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** Waits until Node has run every pending microtask and this turn's I/O (the probe's stores do no real I/O in between). */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A Clock whose time moves only in run(): timers fire in (due time, arming order). */
export class ProbeClock implements Clock {
  private t = 0;
  private seq = 0;
  private timers: Timer[] = [];

  now(): number {
    return this.t;
  }

  monotonic(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: Timer = { at: this.t + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => void (timer.cancelled = true) };
  }

  setInterval(): TimerHandle {
    throw new Error('ProbeClock: no store under probe arms an interval');
  }

  /** Fires the timers due within `ms` from now, one at a time, letting promises settle after each; stops early once `done()` holds. */
  async run(ms: number, done: () => boolean = () => false): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await nextTurn();
      if (done()) return;
      this.timers = this.timers.filter((x) => !x.cancelled);
      const next = this.timers.reduce<Timer | undefined>((a, b) => (a === undefined || b.at < a.at || (b.at === a.at && b.seq < a.seq) ? b : a), undefined);
      if (next === undefined || next.at > end) {
        this.t = end;
        return;
      }
      this.timers.splice(this.timers.indexOf(next), 1);
      this.t = Math.max(this.t, next.at);
      next.fn();
    }
  }
}

/** One store operation's outcome as the probe saw it. */
export interface Tracked {
  settled: boolean;
  error: string | null;
}

/** Follows a store operation's promise (never rejects itself). */
export function track(p: Promise<unknown>): Tracked {
  const t: Tracked = { settled: false, error: null };
  p.then(
    () => void (t.settled = true),
    (err: unknown) => {
      t.settled = true;
      t.error = err instanceof Error ? err.message : String(err);
    },
  );
  return t;
}

const AT = 1_700_000_000_000;

/** A submitted execution `ex_contract_<n>` (scheduled, one history entry). */
export function submitted(n: number): ExecutionRecord {
  return {
    executionId: asExecutionId(`ex_contract_${n}`),
    taskId: asTaskId(`task_contract_${n}`),
    kind: 'echo',
    params: { value: n },
    priority: 'medium',
    retry: { strategy: 'none', maxRetries: 0, delayMs: 0, maxDelayMs: 0 },
    timeoutMs: undefined,
    dependencies: [],
    scheduledAt: undefined,
    metadata: {},
    idempotencyKey: undefined,
    status: 'scheduled',
    attempts: 0,
    result: undefined,
    error: undefined,
    statusHistory: [{ status: 'scheduled', at: AT, previous: null, attempt: 0 }],
    lease: undefined,
    checkpoint: undefined,
    nextRunAt: undefined,
    createdAt: AT,
    startedAt: undefined,
    completedAt: undefined,
  };
}

/** The record after a move to `status`, as the engine writes it: one history entry appended, a claim's lease, an end's time. */
export function moved(rec: ExecutionRecord, status: ExecutionStatus): ExecutionRecord {
  const at = AT + rec.statusHistory.length;
  const attempts = status === 'preparing' ? rec.attempts + 1 : rec.attempts;
  const lease = status === 'preparing' ? { workerId: asWorkerId('w-contract'), token: asLeaseToken(`ls_contract_${rec.executionId}_${attempts}`), attempt: attempts, expiresAt: at + 5000 } : status === 'running' ? rec.lease : undefined;
  const end = status === 'completed' ? { completedAt: at, result: { value: 'done' } } : {};
  return { ...rec, status, attempts, lease, statusHistory: [...rec.statusHistory, { status, at, previous: rec.status, attempt: attempts }], ...end };
}

/** What the probe compares between what was acknowledged and what is stored: status, attempts and the status history. */
export function digest(rec: ExecutionRecord | undefined): string {
  if (rec === undefined) return 'absent';
  return `${rec.status}/${rec.attempts} [${rec.statusHistory.map((e) => e.status).join(' ')}]`;
}

/** A small seeded Random (mulberry32) of the probe's own, so the probe draws nothing from the run's streams. */
export function probeRandom(seed: number): Random {
  let a = seed >>> 0;
  const float = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const random: Random = {
    float,
    int: (min, max) => min + Math.floor(float() * (max - min + 1)),
    bytes: (n) => Uint8Array.from({ length: n }, () => Math.floor(float() * 256)),
    fork: (name) => probeRandom(seed ^ [...name].reduce((h, ch) => Math.imul(h ^ ch.charCodeAt(0), 16777619), 2166136261)),
  };
  return random;
}
