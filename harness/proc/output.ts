/** What child processes write: the tail of their output (for error messages) and JSON-lines files they append to. */
import { closeSync, openSync, readSync, statSync } from 'node:fs';

/** Keeps the last `limit` characters a child wrote, for error messages. */
export function tailBuffer(limit = 4096): { push(chunk: Buffer): void; text(): string } {
  let s = '';
  return {
    push(chunk) {
      s = (s + chunk.toString('utf8')).slice(-limit);
    },
    text: () => s,
  };
}

/**
 * Follows a JSON-lines file someone else appends to (events file, probe file),
 * polling every `everyMs`; partial lines wait for their newline.
 */
export class JsonLinesTail<T> {
  private offset = 0;
  private rest = '';
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly path: string,
    private readonly onLine: (value: T) => void,
    private readonly everyMs = 50,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => this.poll(), this.everyMs);
  }

  /** Reads whatever is new now (also called once more by stop). */
  poll(): void {
    let size: number;
    try {
      size = statSync(this.path).size;
    } catch {
      return;
    }
    if (size <= this.offset) return;
    const fd = openSync(this.path, 'r');
    try {
      const buf = Buffer.alloc(size - this.offset);
      const n = readSync(fd, buf, 0, buf.length, this.offset);
      this.offset += n;
      this.emitLines(this.rest + buf.subarray(0, n).toString('utf8'));
    } finally {
      closeSync(fd);
    }
  }

  private emitLines(text: string): void {
    const lines = text.split('\n');
    this.rest = lines.pop() ?? '';
    for (const l of lines) {
      if (l.trim() === '') continue;
      try {
        this.onLine(JSON.parse(l) as T);
      } catch {
        // a torn line from a killed writer: skip it
      }
    }
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.poll();
  }
}
