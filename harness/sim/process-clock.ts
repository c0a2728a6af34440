/**
 * A simulated process's view of virtual time: the Clock seam the real
 * coordinator/worker code receives. It exists so process faults are faithful:
 *
 * - kill(): every timer the process armed is cancelled and later requests are
 *   ignored, so a dead process never acts again (its objects are dropped).
 * - pause()/resume() (SIGSTOP/SIGCONT): timers that come due while paused do
 *   not fire; they fire, in due order, right after resume.
 * - skew: now() is offset per host (clock skew); timers and monotonic() are
 *   not, as with a wrong wall clock on a real machine.
 */
import type { Clock, TimerHandle } from '../../system/core/clock.js';
import type { VirtualTime } from './virtual-time.js';

/** Where one armed timer stands. */
type TimerState = 'armed' | 'deferred' | 'done';

interface Tracked {
  state: TimerState;
  fn: () => void;
  inner: TimerHandle | null;
}

const NOOP_HANDLE: TimerHandle = { cancel: () => {} };

/** Clock for one incarnation of one simulated process. */
export class ProcessClock implements Clock {
  private readonly timers = new Set<Tracked>();
  private deferred: Tracked[] = [];
  private paused = false;
  private dead = false;
  private skewMs = 0;

  constructor(
    private readonly time: VirtualTime,
    /** For logs and errors. */
    readonly name: string,
    skewMs = 0,
  ) {
    this.skewMs = skewMs;
  }

  now(): number {
    return this.time.now() + this.skewMs;
  }

  monotonic(): number {
    return this.time.elapsed();
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    if (this.dead) return NOOP_HANDLE;
    const t: Tracked = { state: 'armed', fn, inner: null };
    t.inner = this.time.setTimeout(() => this.fire(t), ms);
    this.timers.add(t);
    return { cancel: () => this.cancel(t) };
  }

  setInterval(fn: () => void, ms: number): TimerHandle {
    const period = Math.max(1, ms);
    let cancelled = false;
    let current: TimerHandle = NOOP_HANDLE;
    const arm = (): void => {
      current = this.setTimeout(() => {
        if (cancelled) return;
        arm();
        fn();
      }, period);
    };
    arm();
    return {
      cancel: () => {
        cancelled = true;
        current.cancel();
      },
    };
  }

  /** Clock skew of this host in ms (positive: the host's wall clock runs ahead). */
  get skew(): number {
    return this.skewMs;
  }

  set skew(ms: number) {
    this.skewMs = ms;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  get isDead(): boolean {
    return this.dead;
  }

  /** Timers armed or deferred and not yet fired or cancelled. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /** SIGSTOP: due timers wait until resume(). Idempotent. */
  pause(): void {
    if (!this.dead) this.paused = true;
  }

  /** SIGCONT: timers that came due while paused fire now, in due order. */
  resume(): void {
    if (this.dead || !this.paused) return;
    this.paused = false;
    const due = this.deferred;
    this.deferred = [];
    for (const t of due) {
      if (t.state !== 'deferred') continue;
      this.complete(t);
      t.fn();
      if (this.paused || this.dead) {
        // The process paused or died from inside a timer: keep the rest for later.
        for (const rest of due.slice(due.indexOf(t) + 1)) if (rest.state === 'deferred') this.deferred.push(rest);
        return;
      }
    }
  }

  /** kill -9: cancels every timer; the clock ignores all later requests. */
  kill(): void {
    this.dead = true;
    this.paused = false;
    for (const t of this.timers) {
      t.state = 'done';
      t.inner?.cancel();
    }
    this.timers.clear();
    this.deferred = [];
  }

  private fire(t: Tracked): void {
    if (t.state !== 'armed') return;
    t.inner = null;
    if (this.paused) {
      t.state = 'deferred';
      this.deferred.push(t);
      return;
    }
    this.complete(t);
    t.fn();
  }

  private complete(t: Tracked): void {
    t.state = 'done';
    this.timers.delete(t);
  }

  private cancel(t: Tracked): void {
    if (t.state === 'done') return;
    t.state = 'done';
    t.inner?.cancel();
    this.timers.delete(t);
  }
}
