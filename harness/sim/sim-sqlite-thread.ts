/**
 * The SQLite store's worker thread (system/store/sqlite-thread.ts) on virtual
 * time, behind the production client (SqliteThread, sqlite-thread-client.ts):
 * a StoreThread that receives the client's requests, runs each with the
 * in-process executor after a seeded delay of the process's clock, and posts
 * its answer then, encoded as the real thread encodes it (sqlite-wire.ts).
 * Requests are answered in the order they were sent (the thread reads one
 * message queue), so a later group never overtakes an earlier one whatever
 * its draw; a load or a close waits only for what was sent before it.
 *
 * What it exercises that the synchronous executor never does: SqliteStore's
 * threaded path, a group in flight (`inFlight`) while later operations queue
 * behind it and go as the next group once it settles; the flush deferred to
 * the next turn (the store's clock seam, here the process clock, so the
 * order of turns is the simulation's, deterministic per seed); and the
 * client's own bookkeeping: requests matched to answers in order, and what
 * it does when the thread dies.
 *
 * die() is the thread's death while the process lives (an uncaught error in
 * it, its resource limits): nothing more is answered, its connection is
 * closed (as the thread's teardown closes it), and the client hears 'error'
 * then 'exit' as from node's Worker (fault `store_thread_death`). abandon()
 * (the client's terminate) is kill -9 of the process: the requests not yet
 * answered never are, the connection is dropped.
 */
import type { Clock, Random, TimerHandle } from '../../system/core/index.js';
import { encodeError, encodeGroup, SqliteThread, type SqliteBackend, type SqliteExecutor, type StoreThread, type ThreadAnswer, type ThreadRequest } from '../../system/store/index.js';

/** How the simulated thread commits: each group after 1..maxCommitMs ms (seeded), in order. */
export interface SimThreadOptions {
  clock: Clock;
  random: Random;
  maxCommitMs: number;
}

type Listeners = { message: ((a: ThreadAnswer) => void)[]; error: ((err: Error) => void)[]; exit: ((code: number) => void)[] };

/** The thread itself (see the file header); `die` kills it. */
export class SimStoreThread implements StoreThread {
  private readonly listeners: Listeners = { message: [], error: [], exit: [] };
  private readonly timers = new Set<TimerHandle>();
  /** When the last request sent is answered (monotonic ms): the next one is answered no earlier. */
  private lastDue = 0;
  private state: 'running' | 'dead' = 'running';
  private open = true;

  constructor(
    private readonly executor: SqliteExecutor,
    private readonly options: SimThreadOptions,
  ) {}

  /** Whether it still answers (not dead, not terminated). */
  get alive(): boolean {
    return this.state === 'running';
  }

  postMessage(req: ThreadRequest): void {
    if (this.state !== 'running') return;
    // A load or close with nothing ahead of it is answered on the next microtask (opening a store needs no clock running).
    if (req.type !== 'group' && this.timers.size === 0) return void Promise.resolve().then(() => this.post(req));
    const { clock, random, maxCommitMs } = this.options;
    const draw = req.type === 'group' ? random.int(1, Math.max(1, maxCommitMs)) : 0;
    const due = Math.max(this.lastDue, clock.monotonic() + draw);
    this.lastDue = due;
    const timer = clock.setTimeout(() => {
      this.timers.delete(timer);
      this.post(req);
    }, due - clock.monotonic());
    this.timers.add(timer);
  }

  on(event: 'message', fn: (a: ThreadAnswer) => void): this;
  on(event: 'error', fn: (err: Error) => void): this;
  on(event: 'exit', fn: (code: number) => void): this;
  on(event: keyof Listeners, fn: never): this {
    (this.listeners[event] as unknown[]).push(fn);
    return this;
  }

  removeAllListeners(event: 'message'): this {
    this.listeners[event] = [];
    return this;
  }

  ref(): void {}
  unref(): void {}

  /** The client's terminate (after close, or abandon: kill -9): nothing more is answered. */
  terminate(): Promise<number> {
    this.stop();
    return Promise.resolve(1);
  }

  /** The thread dies (see the file header): 'error' with `why`, then 'exit' with code 1. */
  die(why: string): void {
    if (this.state !== 'running') return;
    this.stop();
    const err = new Error(`the store's SQLite thread died: ${why}`);
    for (const fn of [...this.listeners.error]) fn(err);
    for (const fn of [...this.listeners.exit]) fn(1);
  }

  private stop(): void {
    this.state = 'dead';
    for (const t of this.timers) t.cancel();
    this.timers.clear();
    if (this.open) this.executor.close();
    this.open = false;
  }

  /** Answers `req` to the listeners, unless the thread stopped meanwhile. */
  private post(req: ThreadRequest): void {
    if (this.state !== 'running') return;
    const a = this.answer(req);
    for (const fn of [...this.listeners.message]) fn(a);
  }

  /** One request's answer, as sqlite-thread.ts gives it. */
  private answer(req: ThreadRequest): ThreadAnswer {
    try {
      switch (req.type) {
        case 'group':
          return encodeGroup(this.executor.runGroup(req.ops));
        case 'load':
          return { type: 'load', rows: this.executor.loadAll() };
        case 'close':
          this.executor.close();
          this.open = false;
          return { type: 'close' };
      }
    } catch (err) {
      return { type: 'failed', err: encodeError(err) };
    }
  }
}

/** The store's backend: the production client over a simulated thread (handed to `onThread`, for a fault to kill). */
export function simThreadBackend(executor: SqliteExecutor, options: SimThreadOptions, onThread?: (t: SimStoreThread) => void): SqliteBackend {
  const thread = new SimStoreThread(executor, options);
  onThread?.(thread);
  return SqliteThread.over(thread);
}
