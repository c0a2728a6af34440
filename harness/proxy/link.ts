/**
 * One direction of a proxied connection: source socket → toxic stages → sink
 * (destination socket). Mirrors Toxiproxy's ToxicLink: toxics run in order of
 * creation; adding appends a stage, removing flushes what the stage held to the
 * next one (nothing is dropped), updating re-runs the toxic with what it held.
 * Toxicity is rolled each time a stage (re)starts, from the stage's own stream.
 * With no toxics, chunks go straight to the sink (the fast path).
 */
import type { Socket } from 'node:net';
import type { Clock, TimerHandle, Random } from '../../system/core/index.js';
import type { Toxic } from './toxic-spec.js';
import { passThrough, type Chunk, type Pending, type StageContext, type ToxicBehaviour } from './toxics/index.js';

/** Where a stage's output goes. Writes after end are dropped. */
interface Sink {
  write(chunk: Chunk): void;
  end(): void;
}

/** Callbacks from a link to its connection. */
export interface LinkOwner {
  /** The sink finished writing (its socket ended). */
  linkFinished(link: Link): void;
  /** A toxic asked for TCP RST. */
  resetConnection(): void;
  /** Sockets close with RST (SO_LINGER 0): the connection started with a reset_peer toxic on the proxy. */
  readonly lingerZero: boolean;
}

/** Bytes held inside a link before it stops reading its source. */
const HIGH_WATER = 1 << 20;
const LOW_WATER = 1 << 18;

class Stage implements Sink {
  next: Sink;
  private behaviour: ToxicBehaviour | undefined;
  private generation = 0;
  private timers = new Set<TimerHandle>();
  /** The end of input reached this stage. */
  inputEnded = false;
  closed = false;
  private readonly state: Record<string, number> = {};

  constructor(
    readonly toxic: Toxic,
    private readonly link: Link,
    private readonly random: Random,
    next: Sink,
  ) {
    this.next = next;
  }

  /** (Re)starts the toxic: rolls toxicity and builds a fresh behaviour. */
  run(): void {
    const gen = ++this.generation;
    const live = (): boolean => gen === this.generation && !this.closed;
    const ctx: StageContext = {
      push: (chunk) => {
        if (live()) this.next.write(chunk);
      },
      close: () => {
        if (!live()) return;
        this.closed = true;
        this.cancelTimers();
        this.next.end();
      },
      reset: () => {
        if (live()) this.link.owner.resetConnection();
      },
      discard: (bytes) => this.link.discarded(bytes),
      setTimer: (fn, ms) => {
        const handle = this.link.clock.setTimeout(() => {
          this.timers.delete(handle);
          if (live()) fn();
        }, ms);
        this.timers.add(handle);
        return handle;
      },
      now: () => this.link.clock.monotonic(),
      random: this.random,
      state: this.state,
    };
    const hit = this.random.float() < this.toxic.toxicity;
    this.behaviour = hit ? this.toxic.definition.run(ctx, this.toxic.attributes) : passThrough(ctx);
  }

  write(chunk: Chunk): void {
    if (this.closed || this.inputEnded || this.behaviour === undefined) this.link.discarded(chunk.data.length);
    else this.behaviour.write(chunk);
  }

  end(): void {
    if (this.closed || this.inputEnded) return;
    this.inputEnded = true;
    this.behaviour?.end();
  }

  /** Stops the behaviour and returns what it held. */
  interrupt(): Pending {
    this.generation++;
    this.cancelTimers();
    const held = this.behaviour?.interrupt() ?? { chunks: [], ended: false };
    this.behaviour = undefined;
    return held;
  }

  /** Re-runs with the toxic's new attributes, feeding back what it held. */
  restart(): void {
    if (this.closed) return;
    const held = this.interrupt();
    const wasEnded = this.inputEnded || held.ended;
    this.inputEnded = false;
    this.run();
    for (const c of held.chunks) this.write(c);
    if (wasEnded) this.end();
  }

  private cancelTimers(): void {
    for (const t of this.timers) t.cancel();
    this.timers.clear();
  }
}

/** The final sink: writes to the destination socket with backpressure. */
class SocketSink implements Sink {
  ended = false;
  needsDrain = false;
  constructor(
    private readonly link: Link,
    private readonly dest: Socket,
  ) {
    dest.on('drain', () => {
      this.needsDrain = false;
      link.checkFlow();
    });
  }
  write(chunk: Chunk): void {
    const n = chunk.data.length;
    if (this.ended || this.dest.destroyed) {
      this.link.discarded(n);
      return;
    }
    this.link.inFlight -= n;
    this.link.sent += n;
    if (!this.dest.write(chunk.data)) this.needsDrain = true;
    this.link.checkFlow();
  }
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.dest.destroyed || this.dest.writableFinished) {
      this.link.owner.linkFinished(this.link);
      return;
    }
    if (this.link.owner.lingerZero) {
      this.dest.resetAndDestroy();
      this.link.owner.linkFinished(this.link);
      return;
    }
    this.dest.end(() => this.link.owner.linkFinished(this.link));
  }
}

/** One direction of a connection. */
export class Link {
  private readonly stages: Stage[] = [];
  private readonly sink: SocketSink;
  private inputEnded = false;
  private paused = false;
  /** Bytes read from the source and not yet written or dropped. */
  inFlight = 0;
  /** Bytes read from the source / written to the destination (proxy metrics). */
  received = 0;
  sent = 0;

  constructor(
    readonly name: string,
    readonly owner: LinkOwner,
    readonly clock: Clock,
    private readonly source: Socket,
    dest: Socket,
    private readonly randomFor: (toxicName: string) => Random,
    toxics: readonly Toxic[],
  ) {
    this.sink = new SocketSink(this, dest);
    for (const t of toxics) this.addToxic(t);
  }

  private head(): Sink {
    return this.stages[0] ?? this.sink;
  }

  /** Bytes read from the source. */
  input(data: Buffer): void {
    if (this.inputEnded) return;
    this.inFlight += data.length;
    this.received += data.length;
    this.head().write({ data, ts: this.clock.monotonic() });
    this.checkFlow();
  }

  /** The source ended (FIN, error, or the other direction closed it). */
  endInput(): void {
    if (this.inputEnded) return;
    this.inputEnded = true;
    this.head().end();
  }

  discarded(bytes: number): void {
    this.inFlight -= bytes;
    this.checkFlow();
  }

  /** Pauses the source while too much is held or the destination is full. */
  checkFlow(): void {
    const stop = !this.inputEnded && (this.inFlight > HIGH_WATER || this.sink.needsDrain);
    if (stop && !this.paused) {
      this.paused = true;
      this.source.pause();
    } else if (!stop && this.paused && this.inFlight < LOW_WATER) {
      this.paused = false;
      if (!this.source.destroyed) this.source.resume();
    }
  }

  /** Appends a stage for a new toxic (Toxiproxy adds at the end of the chain). */
  addToxic(toxic: Toxic): void {
    const stage = new Stage(toxic, this, this.randomFor(toxic.name), this.sink);
    const last = this.stages[this.stages.length - 1];
    if (last !== undefined) last.next = stage;
    this.stages.push(stage);
    stage.run();
    // A chain that already ended stays ended for the new stage too.
    if (last?.closed === true || (last === undefined && this.inputEnded)) stage.end();
  }

  /** The toxic's attributes or toxicity changed: re-run it (re-rolls toxicity). */
  updateToxic(name: string): void {
    this.stages.find((s) => s.toxic.name === name)?.restart();
  }

  /** Removes a toxic's stage, handing what it held to the next stage. */
  removeToxic(name: string): void {
    const i = this.stages.findIndex((s) => s.toxic.name === name);
    const stage = this.stages[i];
    if (stage === undefined) return;
    const wasClosed = stage.closed;
    const held = stage.interrupt();
    const prev = this.stages[i - 1];
    if (prev !== undefined) prev.next = stage.next;
    this.stages.splice(i, 1);
    if (wasClosed) return;
    if (stage.toxic.definition.closeOnRemove === true) {
      for (const c of held.chunks) this.discarded(c.data.length);
      stage.next.end();
      return;
    }
    for (const c of held.chunks) stage.next.write(c);
    if (held.ended || stage.inputEnded) stage.next.end();
  }

  /** Cancels every stage's timers (the connection is going away). */
  destroy(): void {
    for (const s of this.stages) s.interrupt();
    this.inputEnded = true;
  }
}
