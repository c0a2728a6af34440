/**
 * The text/event-stream reader of `squall executions watch` (sse.ts), as
 * the WHATWG HTML standard's "event stream interpretation" reads a stream:
 * lines end with CRLF, LF or CR (a CRLF may arrive cut between two chunks:
 * a CR at a chunk's end already ends its line, and a LF opening the next
 * chunk is that same line end, not an empty line); a line starting with
 * ':' is a comment; `field: value` loses one leading space; `data` lines
 * join with LF; an empty line dispatches the event (none when it had no
 * data); `id` persists across events. Chunks are text (the HTTP reader
 * decodes UTF-8 across chunk boundaries).
 */

/** One dispatched event. */
export interface SseEvent {
  /** The `event` field, `message` when absent. */
  type: string;
  /** The `data` lines joined with LF. */
  data: string;
  /** The latest `id` seen on the stream (it carries over to later events). */
  lastEventId: string;
}

const LINE_END = /\r\n|\r|\n/g;

/** Feeds a stream's text chunk by chunk; calls `onEvent` for each event, in order. */
export class SseReader {
  private partial = '';
  /** The previous chunk ended with CR: a LF opening this one belongs to that line end. */
  private afterCr = false;
  private started = false;
  private type = '';
  private data: string[] = [];
  private lastId = '';

  constructor(private readonly onEvent: (e: SseEvent) => void) {}

  push(chunk: string): void {
    let text = chunk;
    if (text.length === 0) return;
    if (this.afterCr && text.startsWith('\n')) text = text.slice(1);
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.startsWith('\uFEFF')) text = text.slice(1);
    }
    this.afterCr = text.endsWith('\r');
    const all = this.partial + text;
    let from = 0;
    for (const m of all.matchAll(LINE_END)) {
      this.line(all.slice(from, m.index));
      from = m.index + m[0].length;
    }
    this.partial = all.slice(from);
  }

  private line(line: string): void {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const raw = colon < 0 ? '' : line.slice(colon + 1);
    const value = raw.startsWith(' ') ? raw.slice(1) : raw;
    if (field === 'event') this.type = value;
    else if (field === 'data') this.data.push(value);
    else if (field === 'id' && !value.includes('\0')) this.lastId = value;
  }

  private dispatch(): void {
    const data = this.data;
    const type = this.type === '' ? 'message' : this.type;
    this.data = [];
    this.type = '';
    if (data.length > 0) this.onEvent({ type, data: data.join('\n'), lastEventId: this.lastId });
  }
}
