/**
 * The contract between a link's pipeline and one toxic. A toxic is a stage in
 * a one-direction pipeline (Toxiproxy's ToxicStub): it receives chunks and the
 * end of input, and emits chunks, closes its output, or resets the connection.
 * Stages are rebuilt on update (Toxiproxy interrupts and re-runs the toxic),
 * so a behaviour hands back what it still holds when interrupted.
 */
import type { TimerHandle, Random } from '../../../system/core/index.js';

/** A piece of the byte stream with the monotonic time (ms) it entered the proxy (advanced by latency). */
export interface Chunk {
  data: Buffer;
  ts: number;
}

/** What an interrupted behaviour still held, in order, and whether the end of input was among it. */
export interface Pending {
  chunks: Chunk[];
  ended: boolean;
}

/** What a behaviour may do; calls after the behaviour was interrupted are ignored. */
export interface StageContext {
  /** Passes a chunk to the next stage. */
  push(chunk: Chunk): void;
  /** Closes this stage's output (Toxiproxy stub.Close): the next stages see end of stream. */
  close(): void;
  /** Resets the whole connection with TCP RST on both sides. */
  reset(): void;
  /** Accounts for bytes the toxic dropped (flow control). */
  discard(bytes: number): void;
  /** Runs fn after ms; cancelled automatically when the behaviour is interrupted. */
  setTimer(fn: () => void, ms: number): TimerHandle;
  /** Monotonic milliseconds. */
  now(): number;
  /** This stage's own seeded stream (jitter, slicing, corruption). */
  readonly random: Random;
  /** Per-connection state kept across updates (Toxiproxy StatefulToxic). */
  readonly state: Record<string, number>;
}

/** One run of a toxic on one stage. */
export interface ToxicBehaviour {
  write(chunk: Chunk): void;
  /** End of input (the source closed or an earlier stage closed). */
  end(): void;
  /** Stops and returns what it holds; timers are cancelled by the stage. */
  interrupt(): Pending;
}

/** Attribute kinds as Go declares them: `int` (int64) or `float` (float64). */
type AttributeKind = 'int' | 'float';

/** A toxic type: its attributes (in Go's JSON field order, zero defaults) and how it runs. */
export interface ToxicDefinition {
  readonly type: string;
  readonly attributes: readonly (readonly [name: string, kind: AttributeKind])[];
  /** squall's own toxic, not Toxiproxy's: refused unless the server runs with extensions on. */
  readonly extension?: boolean;
  /** Removing the toxic closes the connection it ran on (Toxiproxy's timeout Cleanup). */
  readonly closeOnRemove?: boolean;
  run(ctx: StageContext, attributes: Readonly<Record<string, number>>): ToxicBehaviour;
}

/** A behaviour that only forwards: the toxic when its toxicity roll failed, and `noop`. */
export function passThrough(ctx: StageContext): ToxicBehaviour {
  return {
    write: (chunk) => ctx.push(chunk),
    end: () => ctx.close(),
    interrupt: () => ({ chunks: [], ended: false }),
  };
}

/**
 * A FIFO worker for toxics that hold data (latency, bandwidth, slicer): items
 * are processed one at a time; `step` calls `done` when the head item is finished.
 */
export class SerialQueue {
  private readonly items: (Chunk | 'end')[] = [];
  private busy = false;
  constructor(
    private readonly onChunk: (chunk: Chunk, done: () => void) => void,
    private readonly onEnd: () => void,
  ) {}
  add(item: Chunk | 'end'): void {
    this.items.push(item);
    if (!this.busy) this.next();
  }
  private next(): void {
    for (;;) {
      const item = this.items[0];
      if (item === undefined) {
        this.busy = false;
        return;
      }
      this.busy = true;
      if (item === 'end') {
        this.items.length = 0;
        this.onEnd();
        return;
      }
      // done() may run synchronously (no wait): loop instead of recursing.
      let sync = true;
      let doneSync = false;
      this.onChunk(item, () => {
        this.items.shift();
        if (sync) doneSync = true;
        else this.next();
      });
      sync = false;
      if (!doneSync) return;
    }
  }
  /** Replaces the head chunk's data (the part not yet emitted). */
  setHead(chunk: Chunk): void {
    if (this.items.length > 0) this.items[0] = chunk;
  }
  drain(): Pending {
    const chunks: Chunk[] = [];
    let ended = false;
    for (const it of this.items) {
      if (it === 'end') ended = true;
      else chunks.push(it);
    }
    this.items.length = 0;
    this.busy = false;
    return { chunks, ended };
  }
}
