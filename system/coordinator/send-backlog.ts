/**
 * Which connections may hold a send backlog: the assignment loop gives no new
 * work to a worker whose socket has more than ASSIGN_HIGH_WATER_BYTES queued
 * (assignment.ts), and used to ask every assignable worker's socket on every
 * pass, idle ones included (with 2,000 workers, a map lookup and getters for
 * each on every wake). The connection handler reports each send here instead.
 *
 * A socket's queue grows only when something is sent on it (and then drains
 * on its own, unreported), so every socket past the mark was past the watch
 * line (half the mark) right after some send of its own, and is watched from
 * then until it is seen back under the line. The slack covers what grows
 * without a send: a close frame (at most 125 bytes) and, with
 * permessage-deflate, a frame's header and deflate overhead when it moves from
 * ws's compression queue to the socket (tens of bytes per frame of 50 or more
 * bytes, so a queue under 2 MB cannot pass 4 MB). An empty watch list thus
 * proves that no socket is past the mark, and the loop skips its per-worker
 * test; otherwise it makes the test exactly as before.
 */
import { type Marks, noMarks } from '../core/marks.js';
import type { LiveConnection } from './context.js';

/** A worker whose socket has more than this queued gets no new work until it drains. */
export const ASSIGN_HIGH_WATER_BYTES = 4 * 1024 * 1024;
/** A connection is watched from this many queued bytes (see the file comment). */
const WATCH_FROM_BYTES = ASSIGN_HIGH_WATER_BYTES / 2;

/** The connections whose queue was past the watch line at their last send and not seen back under it. */
export class SendBacklog {
  private readonly watched = new Set<LiveConnection>();

  constructor(private readonly marks: Marks = noMarks) {}

  /** After every frame sent on `conn` (its queue only grows by a send). */
  sent(conn: LiveConnection): void {
    if (conn.bufferedAmount <= WATCH_FROM_BYTES || this.watched.has(conn)) return;
    this.watched.add(conn);
    this.marks.hit('coordinator.send-backlog-watched');
  }

  /** The connection closed: nothing will be assigned through it. */
  closed(conn: LiveConnection): void {
    this.watched.delete(conn);
  }

  /**
   * Whether any socket may be past the mark: false proves none is. Forgets
   * the connections back under the watch line (they must send to come back).
   */
  possible(): boolean {
    if (this.watched.size === 0) return false;
    for (const conn of this.watched) if (conn.bufferedAmount <= WATCH_FROM_BYTES) this.watched.delete(conn);
    return this.watched.size > 0;
  }
}
