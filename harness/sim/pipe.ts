/**
 * One direction of a virtual connection (connection.ts): keeps its items in
 * send order, asks its link what to do with each (hold / deliver after a
 * delay / abort) and delivers them with one timer for the head of its
 * in-flight queue, so frames due at the same instant arrive as a batch.
 */
import type { Endpoint, NetEnv, VirtualConnection } from './connection.js';
import type { QueuedEvent } from './event-queue.js';
import type { LinkDir } from './link.js';
import { TraceKind } from './trace.js';
import type { PipeLike, RuleConnState, WireItem } from './types.js';

/** One direction of a connection. */
export class Pipe implements PipeLike {
  readonly ruleStates = new Map<number, RuleConnState>();
  /** Bytes accepted from the sender and not yet arrived. */
  bufferedBytes = 0;
  private queue: WireItem[] = [];
  private inflight: { at: number; item: WireItem }[] = [];
  private inflightHead = 0;
  private lastAt = 0;
  /** Data frames that arrived on this direction (a corrupted one is reported by its index). */
  private dataFrames = 0;
  private timer: QueuedEvent | null = null;
  private retired = false;
  /** This direction's event source (same-instant tie-break, see event-queue.ts). */
  readonly source: number;
  /** limit_data: what already passed the proxy still arrives, then the connection is closed. */
  private abortWhenDrained: string | null = null;

  constructor(
    readonly id: string,
    private readonly env: NetEnv,
    private readonly link: LinkDir,
    private readonly receiver: Endpoint,
    private readonly owner: VirtualConnection,
  ) {
    this.source = env.time.allocSource();
    link.attach(this);
  }

  push(item: WireItem): void {
    if (this.retired || this.abortWhenDrained !== null) return;
    this.queue.push(item);
    this.bufferedBytes += item.bytes;
    this.link.dataArrived(this);
    this.pump();
  }

  pump(): void {
    if (this.retired || this.abortWhenDrained !== null) return;
    let sent = 0;
    for (; sent < this.queue.length; sent++) {
      const item = this.queue[sent] as WireItem;
      const verdict = this.link.evaluate(this, item);
      if (verdict.action === 'hold') break;
      if (verdict.action === 'abort') {
        this.discardUnsent();
        if (this.inflightHead >= this.inflight.length) this.owner.abort(verdict.why);
        else {
          // What passed before the limit still arrives; the head timer must be armed for it
          // (items taken in this very pump are not armed yet), or the pipe stalls for good.
          this.abortWhenDrained = verdict.why;
          this.arm();
        }
        return;
      }
      // A fractional base latency keeps the fraction (schema-network.ts); else the next whole ms, as always.
      const base = this.env.latencyMs?.();
      const at = Math.max(base === undefined ? Math.ceil(this.env.time.now() + verdict.delayMs) : this.env.time.now() + base + verdict.delayMs, this.lastAt);
      this.lastAt = at;
      this.inflight.push({ at, item: verdict.item });
      this.bufferedBytes += verdict.item.bytes - item.bytes;
    }
    if (sent === this.queue.length) this.queue.length = 0;
    else if (sent > 0) this.queue = this.queue.slice(sent);
    this.arm();
  }

  /** Drops what the sender queued but the link has not taken yet (RST / crash). */
  discardUnsent(): void {
    for (const item of this.queue) this.bufferedBytes -= item.bytes;
    this.queue = [];
  }

  abort(why: string): void {
    this.owner.abort(why);
  }

  /** Stops everything: no more deliveries, rule timers cancelled. */
  retire(): void {
    if (this.retired) return;
    this.retired = true;
    if (this.timer !== null) this.env.time.clear(this.timer);
    this.timer = null;
    this.queue = [];
    this.inflight = [];
    this.inflightHead = 0;
    this.bufferedBytes = 0;
    this.link.detach(this);
  }

  private arm(): void {
    if (this.timer !== null) return;
    const head = this.inflight[this.inflightHead];
    if (head === undefined) return;
    this.timer = this.env.latencyMs?.() === undefined ? this.env.time.schedule(deliverDue, head.at - this.env.time.now(), this, this.source) : this.env.time.scheduleAt(deliverDue, head.at, this, this.source);
  }

  /** The head's event fired: delivers every item due now, in order (called by deliverDue). */
  deliverNow(): void {
    this.timer = null;
    const now = this.env.time.now();
    while (!this.retired) {
      const next = this.inflight[this.inflightHead];
      if (next === undefined || next.at > now) break;
      this.inflightHead++;
      this.bufferedBytes -= next.item.bytes;
      this.arrive(next.item);
    }
    if (this.abortWhenDrained !== null && this.inflightHead >= this.inflight.length) {
      this.owner.abort(this.abortWhenDrained);
      return;
    }
    if (this.inflightHead > 64 && this.inflightHead * 2 > this.inflight.length) {
      this.inflight = this.inflight.slice(this.inflightHead);
      this.inflightHead = 0;
    }
    this.arm();
  }

  private arrive(item: WireItem): void {
    const trace = this.env.trace;
    switch (item.kind) {
      case 'data':
        trace.frame(this.id, item.text);
        this.dataFrames++;
        if (item.corrupted === true && this.env.corrupted !== undefined) {
          this.arriveCorrupted(item, this.dataFrames);
          return;
        }
        break;
      case 'close':
        trace.record(TraceKind.Close, this.id, item.code, item.reason);
        break;
      case 'fin':
        trace.record(TraceKind.Close, this.id, 'fin');
        break;
      case 'open':
        trace.record(TraceKind.Connect, this.id, 'open');
        break;
    }
    const ep = this.receiver;
    ep.host.deliverItem(ep.incarnation, ep, item);
  }

  /**
   * A corrupted frame: reported just before a live receiver (an open endpoint
   * of its running incarnation) reads it, so the checker can require the
   * rejection that must follow at once. One that reaches a closing endpoint
   * or a dead process is read by nobody and not reported.
   */
  private arriveCorrupted(item: WireItem, frame: number): void {
    const ep = this.receiver;
    ep.host.deliver(ep.incarnation, () => {
      if (ep.state === 'open') {
        const [from = '', to = ''] = this.id.slice(this.id.indexOf(':') + 1).split('>');
        this.env.corrupted?.({ connection: this.owner.id, from, to, frame, field: item.kind === 'data' ? (item.field ?? '') : '' });
      }
      ep.receive(item);
    });
  }
}

/** Shared by every pipe's head event: the queue passes the pipe as the argument (no closure per arm). */
function deliverDue(pipe: Pipe): void {
  pipe.deliverNow();
}
