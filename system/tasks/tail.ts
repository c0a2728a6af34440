/**
 * The last bytes of a task's output as text: the command and container
 * kinds keep the last 64 KiB of stdout and stderr (docs/TASK-KINDS.md).
 * Counted in bytes, never in UTF-16 characters (multi-byte output would
 * triple the size), and cut at a UTF-8 character boundary so the text
 * starts with a whole character rather than a replacement mark.
 */

/** The tail of every output stream: the last 64 KiB. */
export const TAIL_BYTES = 64 * 1024;

/** At most the last `limit` bytes of `buf`, from the first whole UTF-8 character on, as text. */
export function utf8Tail(buf: Buffer, limit: number = TAIL_BYTES): string {
  let start = Math.max(0, buf.length - limit);
  // Continuation bytes (10xxxxxx) belong to a character cut off in front: skip them.
  while (start < buf.length && start > 0 && ((buf[start] as number) & 0xc0) === 0x80) start++;
  return buf.subarray(start).toString('utf8');
}

/**
 * Keeps the last `limit` bytes of a stream written to it in chunks (a
 * child's pipe reads), dropping whole chunks in front as it grows. The text
 * starts at a whole character: a chunk dropped in front may have ended
 * inside one (without noting the drop, an output of exactly `limit` kept
 * bytes began with U+FFFD marks, found by a 98,304-byte multi-byte stdout).
 */
export class OutputTail {
  private chunks: Buffer[] = [];
  private size = 0;
  private dropped = false;

  constructor(private readonly limit: number = TAIL_BYTES) {}

  push(b: Buffer): void {
    this.chunks.push(b);
    this.size += b.length;
    while (this.size - (this.chunks[0]?.length ?? 0) >= this.limit && this.chunks.length > 1) {
      this.size -= this.chunks.shift()?.length ?? 0;
      this.dropped = true;
    }
  }

  text(): string {
    const buf = Buffer.concat(this.chunks);
    // After a drop, even the first byte may continue a character cut off in front (utf8Tail trusts a start of 0).
    let start = 0;
    while (this.dropped && start < buf.length && ((buf[start] as number) & 0xc0) === 0x80) start++;
    return utf8Tail(buf.subarray(start), this.limit);
  }
}
