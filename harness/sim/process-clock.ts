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
 * - long timers: a delay above MAX_TIMER_MS (~24.8 days) is chained in steps
 *   by the system's own chainTimeout, exactly as the production clock does
 *   (system/core/clock.ts systemClock): VirtualTime clamps such a delay to
 *   1 ms as Node does, so without it a 30-day timer fired at once here while
 *   it waits 30 days in production (and a broken chain went unseen).
 *   Intervals take the system's clampInterval as the production clock does
 *   (Node turns a longer period into 1 ms, and so does VirtualTime).
 */
import { chainTimeout, clampInterval, MAX_TIMER_MS, type Clock, type TimerHandle } from '../../system/core/index.js';
import type { QueuedEvent } from './event-queue.js';
import type { VirtualTime } from './virtual-time.js';

/** Where one armed timer stands. */
type TimerState = 'armed' | 'deferred' | 'done';

/** One armed timer of a process; also its handle (cancel is a method: no closure per timer). */
class Tracked implements TimerHandle {
  state: TimerState = 'armed';
  /** The VirtualTime event while armed, else null. */
  inner: QueuedEvent | null = null;

  constructor(
    readonly clock: ProcessClock,
    readonly fn: () => void,
  ) {}

  cancel(): void {
    this.clock.cancelTimer(this);
  }
}

/** Shared by every armed timer: the event queue passes the Tracked as the argument. */
function fireTracked(t: Tracked): void {
  t.clock.fireTimer(t);
}

const NOOP_HANDLE: TimerHandle = { cancel: () => {} };

/** One interval as asked (its period before any clamp), since when, and how often it fired. */
interface IntervalPace {
  periodMs: number;
  armedAt: number;
  fires: number;
}

/** Firings an interval may have had by `now`: one per period (capped at MAX_TIMER_MS, as the system caps it). */
function allowedFires(p: IntervalPace, now: number): number {
  return Math.floor((now - p.armedAt) / Math.max(1, Math.min(MAX_TIMER_MS, p.periodMs))) + 1;
}

/** Clock for one incarnation of one simulated process. */
export class ProcessClock implements Clock {
  private readonly timers = new Set<Tracked>();
  private deferred: Tracked[] = [];
  private paused = false;
  private dead = false;
  private skewMs = 0;
  /** Intervals armed and not cancelled (a leaked one keeps the count up: promise 35, idle baseline). */
  private intervals = 0;
  /** Live intervals' pace (setInterval). */
  private readonly paces = new Set<IntervalPace>();
  private overrun: (IntervalPace & { cancelledAt: number }) | undefined;
  /** This incarnation's event source (same-instant tie-break, see event-queue.ts). */
  private readonly source: number;

  constructor(
    private readonly time: VirtualTime,
    /** For logs and errors. */
    readonly name: string,
    skewMs = 0,
  ) {
    this.skewMs = skewMs;
    this.source = time.allocSource();
  }

  /** Whole milliseconds, as Date.now: virtual time holds fractions only with a fractional link latency (monotonic() keeps them). */
  now(): number {
    return Math.floor(this.time.now()) + this.skewMs;
  }

  monotonic(): number {
    return this.time.elapsed();
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    if (Number.isFinite(ms) && ms > MAX_TIMER_MS) return chainTimeout((f, d) => this.rawTimeout(f, d), fn, ms);
    return this.rawTimeout(fn, ms);
  }

  /** One virtual timer, clamped as Node's setTimeout is (above MAX_TIMER_MS: 1 ms): what chainTimeout steps on. */
  private rawTimeout(fn: () => void, ms: number): TimerHandle {
    if (this.dead) return NOOP_HANDLE;
    const t = new Tracked(this, fn);
    t.inner = this.time.schedule(fireTracked, ms, t, this.source);
    this.timers.add(t);
    return t;
  }

  /**
   * As the production clock (systemClock): the period the system's own
   * clampInterval gives, then Node's rule for what it is given (above
   * MAX_TIMER_MS: 1 ms, which VirtualTime applies), so a period the system
   * fails to cap spins a 1 ms loop here too. Each interval's firings are
   * counted (intervalPaces) so the checker can tell one that fires far more
   * often than it was asked to.
   */
  setInterval(fn: () => void, ms: number): TimerHandle {
    const period = clampInterval(ms);
    const pace: IntervalPace = { periodMs: ms, armedAt: this.time.elapsed(), fires: 0 };
    let cancelled = false;
    let current: TimerHandle = NOOP_HANDLE;
    const tick = (): void => {
      if (cancelled) return;
      current = this.rawTimeout(tick, period);
      pace.fires += 1;
      fn();
    };
    current = this.rawTimeout(tick, period);
    if (!this.dead) {
      this.intervals += 1;
      this.paces.add(pace);
    }
    return {
      cancel: () => {
        if (!cancelled && !this.dead) this.intervals -= 1;
        if (!cancelled) this.retirePace(pace);
        cancelled = true;
        current.cancel();
      },
    };
  }

  /** A cancelled interval leaves the live set; the first that fired too often is kept (the checker's evidence). */
  private retirePace(pace: IntervalPace): void {
    this.paces.delete(pace);
    if (this.overrun === undefined && pace.fires > allowedFires(pace, this.time.elapsed())) this.overrun = { ...pace, cancelledAt: this.time.elapsed() };
  }

  /** Every live interval's asked period, when it was armed and how often it fired, and the first cancelled one that fired too often. */
  intervalPaces(): { periodMs: number; armedAt: number; fires: number; cancelledAt?: number }[] {
    return [...this.paces, ...(this.overrun === undefined ? [] : [this.overrun])].map((p) => ({ ...p }));
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

  /** Intervals armed by this incarnation and not cancelled yet. */
  get liveIntervals(): number {
    return this.intervals;
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
    this.intervals = 0;
    for (const t of this.timers) {
      t.state = 'done';
      if (t.inner !== null) this.time.clear(t.inner);
      t.inner = null;
    }
    this.timers.clear();
    this.deferred = [];
  }

  /** A timer came due (called by fireTracked). */
  fireTimer(t: Tracked): void {
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

  /** The handle's cancel(). */
  cancelTimer(t: Tracked): void {
    if (t.state === 'done') return;
    t.state = 'done';
    if (t.inner !== null) this.time.clear(t.inner);
    t.inner = null;
    this.timers.delete(t);
  }
}
