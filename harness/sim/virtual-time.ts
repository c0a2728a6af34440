/**
 * Virtual time for the simulation: one event queue (event-queue.ts, a binary
 * heap keyed by virtual time and a tie rank) holds every process timer,
 * network delivery and harness step. The loop fires them one at a time and
 * lets promise continuations settle between them, so async code behaves as
 * it would on a real event loop, only without waiting.
 *
 * Determinism: events fire in (time, rank, scheduling order); with the
 * default `fifo` tie-break this is exactly the order the @sinonjs/fake-timers
 * clock this replaces used (callAt, creation order), including its rule that
 * a zero delay requested while a timer callback runs means 1 ms, so trace
 * hashes of earlier runs are unchanged. The scheduler never consults real
 * time, so the same sequence of calls gives the same sequence of firings.
 */
import { type TimerHandle, IllegalStateError, InvalidArgumentError } from '../../system/core/index.js';
import { EventQueue, type QueuedEvent, type TieBreak } from './event-queue.js';
import { SimBudgetExceeded } from './step-budget.js';

/** Simulated runs start at 2030-01-01T00:00:00Z so absolute times are stable across runs. */
export const SIM_EPOCH_MS = Date.UTC(2030, 0, 1);

/** Largest delay a timer takes as is (setTimeout's 32-bit limit; larger means 1 ms, as in Node and fake-timers). */
const MAX_DELAY_MS = 2 ** 31 - 1;

/** Event source of harness-level events (network handshakes, scenario steps). */
const NETWORK_SOURCE = 0;

/**
 * The loop fires one event, then lets every pending promise continuation run
 * before the next. Node runs process.nextTick callbacks only once the
 * microtask queue is empty, so the next step is a nextTick armed from a
 * microtask queued behind the event's own continuations: a complete drain
 * with no promise, continuation or closure per step, and no trip through
 * the event loop (2-3x cheaper than setImmediate). Every YIELD_EVERY steps
 * the loop does go through setImmediate, so the host process (test runner,
 * progress bar) stays responsive. Nothing else is scheduled on the real
 * event loop during a simulation, so both are deterministic.
 */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

const YIELD_EVERY = 512;

/** A TimerHandle over a queued event: cancel is a method, no closure per timer. */
class EventHandle implements TimerHandle {
  constructor(
    private readonly queue: EventQueue,
    private readonly event: QueuedEvent,
  ) {}

  cancel(): void {
    this.queue.cancel(this.event);
  }
}

/** Calls a plain () => void callback stored as the event's argument. */
function callThunk(fn: () => void): void {
  fn();
}

interface VirtualTimeOptions {
  /** Order of same-instant events of different sources (default 'fifo': scheduling order). */
  tieBreak?: TieBreak;
  /** Seed of the `seeded` tie-break. */
  seed?: number;
  /** Most events the run may fire (step-budget.ts); beyond it runUntil rejects with SimBudgetExceeded. Default: no cap. */
  maxSteps?: number;
}

/** The one clock of a simulation and the loop that drives it. */
export class VirtualTime {
  readonly startMs: number;
  /** Events fired so far (a cheap progress/cost measure). */
  steps = 0;
  private current: number;
  private readonly queue: EventQueue;
  private running = false;
  /** True while an event's callback runs synchronously (fake-timers' duringTick). */
  private firing = false;
  private nextSource = NETWORK_SOURCE + 1;
  /** The step budget (Infinity: none). */
  readonly maxSteps: number;

  constructor(startMs: number = SIM_EPOCH_MS, options: VirtualTimeOptions = {}) {
    this.startMs = startMs;
    this.current = startMs;
    this.maxSteps = options.maxSteps ?? Infinity;
    this.queue = new EventQueue(options.tieBreak ?? 'fifo', options.seed ?? 0);
  }

  /** How same-instant events are ordered. */
  get tieBreak(): TieBreak {
    return this.queue.tieBreak;
  }

  /** Current virtual epoch milliseconds (unskewed). */
  now(): number {
    return this.current;
  }

  /** Virtual milliseconds since the simulation started. */
  elapsed(): number {
    return this.current - this.startMs;
  }

  /** A new event source id (a process incarnation, a connection direction) for the tie-break. */
  allocSource(): number {
    return this.nextSource++;
  }

  /** Schedules fn at now + ms (ms is truncated to whole milliseconds). */
  setTimeout(fn: () => void, ms: number, source = NETWORK_SOURCE): TimerHandle {
    return new EventHandle(this.queue, this.queue.push(this.dueAt(ms), source, callThunk, fn));
  }

  /**
   * The hot path behind ProcessClock and the pipes: schedules fn(arg) at
   * now + ms and returns the event for clear(). A shared fn with a per-event
   * arg allocates no closure and no handle. Same ordering as setTimeout.
   */
  schedule<A>(fn: (arg: A) => void, ms: number, arg: A, source = NETWORK_SOURCE): QueuedEvent {
    return this.queue.push(this.dueAt(ms), source, fn, arg);
  }

  /**
   * schedule() at an absolute time that may hold a fraction of a millisecond
   * (a link's fractional latency, harness/scenario/schema-network.ts): the
   * one way time leaves whole milliseconds. Never before now.
   */
  scheduleAt<A>(fn: (arg: A) => void, at: number, arg: A, source = NETWORK_SOURCE): QueuedEvent {
    return this.queue.push(Math.max(at, this.current), source, fn, arg);
  }

  /** Cancels an event from schedule(); fired or cancelled events are ignored. */
  clear(event: QueuedEvent): void {
    this.queue.cancel(event);
  }

  /** Number of events waiting (all processes and the network). */
  pendingTimers(): number {
    return this.queue.size;
  }

  /** Absolute due time of a delay, normalised as setTimeout (and fake-timers) do. */
  private dueAt(ms: number): number {
    let d = Math.floor(ms);
    if (!Number.isFinite(d)) d = 0;
    else if (d > MAX_DELAY_MS) d = 1;
    else if (d < 0) d = 0;
    if (d === 0 && this.firing) d = 1;
    return this.current + d;
  }

  /**
   * Runs events in order until `predicate` holds (checked before each step)
   * or virtual time reaches `untilMs` (absolute). Returns whether the
   * predicate held. A callback that throws aborts the run with that error,
   * as an uncaught exception would crash a real process.
   */
  async runUntil(untilMs: number, predicate?: () => boolean): Promise<boolean> {
    if (this.running) throw new IllegalStateError('the simulation is already running; await the previous runFor/runUntil first');
    if (untilMs < this.now()) throw new InvalidArgumentError(`untilMs must not be in the past (now ${this.now()}, got ${untilMs})`, 'untilMs');
    this.running = true;
    const stop = { reached: false };
    // An absolute deadline, not a setTimeout delay: a run of more than 2^31-1 ms (a virtual month) is not clamped to 1 ms.
    const wait = untilMs - this.current;
    const sentinel = this.queue.push(wait > MAX_DELAY_MS ? this.current + Math.floor(wait) : this.dueAt(wait), NETWORK_SOURCE, markReached, stop);
    try {
      await yieldToEventLoop();
      return await new Promise<boolean>((resolve, reject) => new Stepper(this, stop, predicate, resolve, reject).step());
    } finally {
      this.queue.cancel(sentinel);
      this.running = false;
    }
  }

  /** Fires the earliest event (the sentinel guarantees there is one); runUntil's Stepper calls it. */
  fireNext(): void {
    if (this.steps >= this.maxSteps) throw new SimBudgetExceeded(this.steps, this.maxSteps, this.elapsed());
    const e = this.queue.shift();
    if (e === undefined) throw new IllegalStateError('the event queue ran dry before the run ended');
    this.current = e.at;
    this.steps++;
    this.firing = true;
    try {
      (e.fn as (arg: unknown) => void)(e.arg);
    } finally {
      this.firing = false;
    }
  }
}

function markReached(stop: { reached: boolean }): void {
  stop.reached = true;
}

/**
 * runUntil's loop as callbacks: step() checks the predicate, fires one
 * event, and arms the next step behind every continuation that event queued
 * (see yieldToEventLoop's comment). Same order as
 * `while (!reached) { if (predicate()) return; fireNext(); await drain; }`.
 */
class Stepper {
  /** Queues the next step's nextTick; a microtask, so it runs after the event's own continuations. */
  private readonly armTick = (): void => {
    process.nextTick(this.step);
  };

  constructor(
    private readonly time: VirtualTime,
    private readonly stop: { reached: boolean },
    private readonly predicate: (() => boolean) | undefined,
    private readonly resolve: (held: boolean) => void,
    private readonly reject: (err: unknown) => void,
  ) {}

  readonly step = (): void => {
    try {
      if (this.stop.reached) {
        this.resolve(this.predicate ? this.predicate() : true);
        return;
      }
      if (this.predicate?.()) {
        this.resolve(true);
        return;
      }
      this.time.fireNext();
    } catch (err) {
      this.reject(err);
      return;
    }
    if (this.time.steps % YIELD_EVERY === 0) setImmediate(this.step);
    else queueMicrotask(this.armTick);
  };
}
