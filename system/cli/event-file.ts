/**
 * `--events-file PATH`: every SystemEvent as one JSON line, for the live
 * harness (it feeds the same checker as the simulation) and for debugging.
 * Each line also carries `mono`, a monotonic timestamp in ms (performance.now
 * plus the process's time origin), so events from several processes on one
 * machine can be ordered and timed at sub-millisecond precision.
 */
import { createWriteStream } from 'node:fs';
import type { EventSink } from '../core/events.js';

export function fileEventSink(path: string): EventSink & { close(): Promise<void> } {
  const out = createWriteStream(path, { flags: 'a' });
  return {
    emit(event) {
      out.write(`${JSON.stringify({ ...event, mono: performance.timeOrigin + performance.now() })}\n`);
    },
    close: () => new Promise<void>((resolve) => out.end(resolve)),
  };
}
