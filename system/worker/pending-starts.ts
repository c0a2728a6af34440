/**
 * `started` messages held back for one timer turn (0 ms), so an attempt that
 * finishes within it folds its start into its result (`result.started`, see
 * docs/PROTOCOL.md): for a short task the coordinator then receives, decodes
 * and commits one message fewer. An attempt still running when the turn ends
 * gets its `started` then; one that reports a checkpoint or progress first
 * gets it just before, so the coordinator never hears of an attempt's work
 * before its start.
 */
import type { Clock, TimerHandle } from '../core/clock.js';
import type { OutMessage } from './outbox.js';

/** Where held starts go (the runner's outlet). */
export interface StartSink {
  send(msg: OutMessage): void;
}

export class PendingStarts {
  /** Held `started` messages by attempt key, in the order the attempts started. */
  private readonly held = new Map<string, OutMessage>();
  private timer: TimerHandle | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly sink: StartSink,
  ) {}

  /** Holds an attempt's `started` until the end of this turn. */
  add(key: string, msg: OutMessage): void {
    this.held.set(key, msg);
    this.timer ??= this.clock.setTimeout(() => this.sendAll(), 0);
  }

  /** Sends the attempt's `started` now if it is still held (before its first checkpoint or progress). */
  release(key: string): void {
    const msg = this.held.get(key);
    if (msg === undefined) return;
    this.held.delete(key);
    this.sink.send(msg);
  }

  /** The attempt finished: true if its `started` was still held (never sent; its result carries it). */
  fold(key: string): boolean {
    return this.held.delete(key);
  }

  private sendAll(): void {
    this.timer = undefined;
    const msgs = [...this.held.values()];
    this.held.clear();
    for (const msg of msgs) this.sink.send(msg);
  }
}
