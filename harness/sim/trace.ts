/**
 * The canonical trace of a simulation: one line per thing that happened
 * (frame delivered, connection opened/closed, fault applied, SystemEvent),
 * each prefixed by the virtual time, hashed incrementally with SHA-256. The
 * same seed must give the same hash; any divergence in behaviour shows up
 * as a different hash. Optionally keeps the lines to diff two runs.
 */
import { createHash } from 'node:crypto';

/** Line kinds in the trace (first field after the time). */
export const TraceKind = {
  Frame: 'frame',
  Connect: 'connect',
  Refused: 'refused',
  Close: 'close',
  Fault: 'fault',
  Process: 'process',
  Event: 'event',
  Note: 'note',
} as const;
export type TraceKind = (typeof TraceKind)[keyof typeof TraceKind];

/** Pending characters that trigger a hash update. */
const PENDING_CHARS = 64 * 1024;

/** Incremental, canonical record of a run. */
export class Trace {
  private readonly hash = createHash('sha256');
  /** Lines recorded so far, only when constructed with keepLines. */
  readonly lines: string[] | null;
  /** Number of lines recorded (cheap determinism sanity check). */
  count = 0;
  /** Frames delivered (a cost measure for benchmarks). */
  frames = 0;

  constructor(
    private readonly now: () => number,
    keepLines = false,
  ) {
    this.lines = keepLines ? [] : null;
  }

  /**
   * Lines not yet fed to the hash: SHA-256 is a stream, so hashing them in
   * chunks gives the same digest as line by line, with one native call per
   * ~64 KB instead of one per line.
   */
  private pending = '';

  /** Appends one line: time, kind and fields joined by '|'. */
  record(kind: TraceKind, ...fields: (string | number)[]): void {
    if (kind === TraceKind.Frame) this.frames++;
    this.append(`${this.now()}|${kind}|${fields.join('|')}\n`);
  }

  /** The line record(Frame, connection, text) writes, without its argument array and join (one per delivered frame). */
  frame(connection: string, text: string): void {
    this.frames++;
    this.append(`${this.now()}|${TraceKind.Frame}|${connection}|${text}\n`);
  }

  /** The line record(Event, json) writes, without its argument array and join (one per SystemEvent). */
  event(json: string): void {
    this.append(`${this.now()}|${TraceKind.Event}|${json}\n`);
  }

  private append(line: string): void {
    this.pending += line;
    if (this.pending.length >= PENDING_CHARS) this.flush();
    this.count++;
    this.lines?.push(line);
  }

  /** The SHA-256 of everything recorded so far (recording may continue). */
  digest(): string {
    this.flush();
    return this.hash.copy().digest('hex');
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    this.hash.update(this.pending);
    this.pending = '';
  }
}

/** Where two kept traces first differ (null if identical): for a failed determinism check. */
export function firstTraceDifference(a: readonly string[], b: readonly string[]): { index: number; a: string | null; b: string | null } | null {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return { index: i, a: a[i] ?? null, b: b[i] ?? null };
  }
  return null;
}
