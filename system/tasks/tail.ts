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
