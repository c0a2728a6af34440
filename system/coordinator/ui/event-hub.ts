/**
 * The dashboard's live feed: coordinator events are coalesced and pushed as
 * server-sent events to every open /ui/events stream, at most once per
 * `flushMs` however busy the system is (no polling, no storm). Each push
 * carries a fresh snapshot (workers, engine stats) plus the events since
 * the last one, so a client never has to poll for them. Time comes from the
 * Clock seam, so the hub runs in simulation too.
 */
import type { Clock, TimerHandle } from '../../core/clock.js';
import type { SystemEvent } from '../../core/events.js';
import type { HttpStreamSink } from '../../core/transport.js';

/** What a push carries besides the events. */
type SnapshotFn = () => Record<string, unknown>;

/** One event as the dashboard shows it. */
export interface FeedEvent {
  type: string;
  at: number;
  workerId?: string;
  executionId?: string;
  detail?: string;
}

export interface EventHubOptions {
  clock: Clock;
  snapshot: SnapshotFn;
  /** Coalescing window; default 250 ms. */
  flushMs?: number;
  /** Keep-alive comment period for idle streams; default 15 s. */
  keepAliveMs?: number;
  /** Events kept per push (the newest); default 200. */
  maxEvents?: number;
}

function feedEvent(e: SystemEvent): FeedEvent {
  const x = e as SystemEvent & { workerId?: string; executionId?: string; to?: string; reason?: string; outcome?: string };
  const detail = x.to ?? x.outcome ?? x.reason;
  return {
    type: e.type,
    at: e.at,
    ...(x.workerId === undefined ? {} : { workerId: x.workerId }),
    ...(x.executionId === undefined ? {} : { executionId: x.executionId }),
    ...(detail === undefined ? {} : { detail: String(detail).slice(0, 200) }),
  };
}

/** Fans coalesced coordinator events out to SSE clients. */
export class EventHub {
  /** Each open stream, with the number of the first event it may be sent (the events emitted before it attached are its snapshot's). */
  private readonly clients = new Map<HttpStreamSink, number>();
  private pending: FeedEvent[] = [];
  private dropped = 0;
  /** Events counted while a stream was open, and the number of the first one of the window being coalesced. */
  private emitted = 0;
  private windowStart = 0;
  private timer: TimerHandle | undefined;
  private keepAlive: TimerHandle | undefined;
  private seq = 0;

  constructor(private readonly opts: EventHubOptions) {}

  /** An EventSink-compatible entry point: called for every coordinator event. */
  notify(e: SystemEvent): void {
    if (this.clients.size === 0) return;
    this.emitted += 1;
    this.pending.push(feedEvent(e));
    const max = this.opts.maxEvents ?? 200;
    if (this.pending.length > max) {
      this.dropped += this.pending.length - max;
      this.pending.splice(0, this.pending.length - max);
    }
    this.timer ??= this.opts.clock.setTimeout(() => this.flush(), this.opts.flushMs ?? 250);
  }

  /** Adds a client: it gets a snapshot at once, then every coalesced push. */
  attach(sink: HttpStreamSink): void {
    if (this.clients.size === 0) this.windowStart = this.emitted;
    this.clients.set(sink, this.emitted);
    sink.onClose(() => {
      this.clients.delete(sink);
      if (this.clients.size === 0) this.stopTimers();
    });
    sink.write(`retry: 2000\n\n`);
    this.send(sink, { ...this.opts.snapshot(), events: [], dropped: 0 });
    this.keepAlive ??= this.opts.clock.setInterval(() => {
      for (const c of this.clients.keys()) c.write(': keep-alive\n\n');
    }, this.opts.keepAliveMs ?? 15_000);
  }

  /** Number of open streams (for tests and metrics). */
  get size(): number {
    return this.clients.size;
  }

  /** Ends every stream (coordinator shutdown). */
  close(): void {
    for (const c of [...this.clients.keys()]) c.end();
    this.clients.clear();
    this.stopTimers();
  }

  private flush(): void {
    this.timer = undefined;
    if (this.clients.size === 0) return;
    const snapshot = this.opts.snapshot();
    const data = { ...snapshot, events: this.pending, dropped: this.dropped };
    for (const [c, first] of this.clients) this.send(c, first <= this.windowStart ? data : { ...snapshot, ...this.since(first) });
    this.pending = [];
    this.dropped = 0;
    this.windowStart = this.emitted;
  }

  /** The window's events (and dropped count) from event number `first` on: a stream that attached mid-window gets only what came after. */
  private since(first: number): { events: FeedEvent[]; dropped: number } {
    const keptFrom = this.windowStart + this.dropped;
    return { events: this.pending.slice(Math.max(0, first - keptFrom)), dropped: Math.max(0, keptFrom - Math.max(first, this.windowStart)) };
  }

  private send(sink: HttpStreamSink, data: Record<string, unknown>): void {
    sink.write(`id: ${++this.seq}\nevent: update\ndata: ${JSON.stringify(data)}\n\n`);
  }

  private stopTimers(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.keepAlive?.cancel();
    this.keepAlive = undefined;
  }
}
