/**
 * Virtual time for the simulation: one @sinonjs/fake-timers clock created
 * with `withGlobal` over a throwaway global object, so no real global is ever
 * patched. Everything in a simulation (process timers, network deliveries)
 * is a timer on this clock; the scheduler fires them one at a time and lets
 * promise continuations settle between them, so async code behaves as it
 * would on a real event loop, only without waiting.
 *
 * Determinism: fake-timers orders timers by (callAt, creation order); the
 * scheduler never consults real time, so the same sequence of calls gives the
 * same sequence of firings.
 */
import FakeTimers from '@sinonjs/fake-timers';
import { type TimerHandle, IllegalStateError, InvalidArgumentError } from '../../system/core/index.js';

/** Simulated runs start at 2030-01-01T00:00:00Z so absolute times are stable across runs. */
export const SIM_EPOCH_MS = Date.UTC(2030, 0, 1);

type FakeClock = ReturnType<ReturnType<typeof FakeTimers.withGlobal>['createClock']>;

/**
 * A stand-in global for fake-timers: it only needs to see that timers and
 * Date exist. Nothing here is ever called to schedule real work.
 */
function fakeGlobalObject(): object {
  return {
    Date,
    Promise,
    setTimeout: () => 0,
    clearTimeout: () => {},
    setInterval: () => 0,
    clearInterval: () => {},
  };
}

/**
 * Lets every pending promise continuation run before the next timer fires.
 * Node runs process.nextTick callbacks only once the microtask queue is
 * empty, so resolving on nextTick is a complete drain without a trip through
 * the event loop (2-3x cheaper than setImmediate). Every YIELD_EVERY steps
 * the loop does go through setImmediate, so the host process (test runner,
 * progress bar) stays responsive. Nothing else is scheduled on the real event
 * loop during a simulation, so both are deterministic.
 */
function drainMicrotasks(): Promise<void> {
  return new Promise(resolveOnNextTick);
}

/** The executor of drainMicrotasks' promise, shared (no closure per step). */
function resolveOnNextTick(resolve: () => void): void {
  process.nextTick(resolve);
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

const YIELD_EVERY = 512;

/** A TimerHandle as a method on a small object: no closure per timer. */
class FakeTimerHandle implements TimerHandle {
  constructor(
    private readonly fake: FakeClock,
    private readonly id: ReturnType<FakeClock['setTimeout']>,
  ) {}

  cancel(): void {
    this.fake.clearTimeout(this.id);
  }
}

/** The one clock of a simulation and the loop that drives it. */
export class VirtualTime {
  private readonly fake: FakeClock;
  readonly startMs: number;
  /** Timers fired so far (a cheap progress/cost measure). */
  steps = 0;
  private running = false;

  constructor(startMs: number = SIM_EPOCH_MS) {
    this.startMs = startMs;
    this.fake = FakeTimers.withGlobal(fakeGlobalObject()).createClock(startMs, 1_000_000);
  }

  /** Current virtual epoch milliseconds (unskewed). */
  now(): number {
    return this.fake.now;
  }

  /** Virtual milliseconds since the simulation started. */
  elapsed(): number {
    return this.fake.now - this.startMs;
  }

  /** Schedules fn at now + ms (ms is truncated to whole milliseconds). */
  setTimeout(fn: () => void, ms: number): TimerHandle {
    return new FakeTimerHandle(this.fake, this.fake.setTimeout(fn, Math.max(0, Math.floor(ms))));
  }

  /**
   * The hot path behind ProcessClock: schedules fn(arg) at now + ms and
   * returns the raw timer id for clear(). A shared fn with a per-timer arg
   * allocates no closure and no handle per timer. Same ordering as setTimeout.
   */
  schedule<A>(fn: (arg: A) => void, ms: number, arg: A): number {
    return this.fake.setTimeout(fn as (...args: unknown[]) => void, Math.max(0, Math.floor(ms)), arg) as unknown as number;
  }

  /** Cancels a timer from schedule(); unknown or fired ids are ignored. */
  clear(id: number): void {
    this.fake.clearTimeout(id);
  }

  /** Number of timers waiting (all processes and the network). */
  pendingTimers(): number {
    return this.fake.countTimers();
  }

  /**
   * Runs timers in order until `predicate` holds (checked before each step)
   * or virtual time reaches `untilMs` (absolute). Returns whether the
   * predicate held. A timer callback that throws aborts the run with that
   * error, as an uncaught exception would crash a real process.
   */
  async runUntil(untilMs: number, predicate?: () => boolean): Promise<boolean> {
    if (this.running) throw new IllegalStateError('the simulation is already running; await the previous runFor/runUntil first');
    if (untilMs < this.now()) throw new InvalidArgumentError(`untilMs must not be in the past (now ${this.now()}, got ${untilMs})`, 'untilMs');
    this.running = true;
    let reached = false;
    const sentinel = this.setTimeout(() => {
      reached = true;
    }, untilMs - this.now());
    try {
      await yieldToEventLoop();
      while (!reached) {
        if (predicate?.()) return true;
        this.fake.next();
        this.steps++;
        if (this.steps % YIELD_EVERY === 0) await yieldToEventLoop();
        else await drainMicrotasks();
      }
      return predicate ? predicate() : true;
    } finally {
      sentinel.cancel();
      this.running = false;
    }
  }
}
