/**
 * The `oversized-frame` attack (scenario `adversaries`): the frame limit
 * (`maxFrameBytes`, announced in the welcome) is in UTF-8 bytes, which is what
 * the wire carries (docs/PROTOCOL.md). The adversary sends, each on a
 * connection of its own, frames of ASCII and two-byte characters a few
 * bytes *below* the limit, one byte below, *exactly at* it, one byte above
 * and a few bytes *above* it, all well below it in UTF-16 code units (a
 * JavaScript string's length). Those above must be refused as too large
 * (`protocol_error` too_large, close 4413); those at or below must not be
 * (they are refused otherwise: they are no valid message), since the limit
 * is the largest frame accepted (docs/PROTOCOL.md; a receiver that refuses
 * a frame of exactly maxFrameBytes refuses an honest peer's). Each
 * frame is recorded first as an `adversary` note with its sizes, for promise
 * 8's check (harness/check/promises-adversary.ts, oversizeViolations).
 */
import { PROTOCOL_VERSION, type Welcome } from '../../system/protocol/index.js';

/** Two-byte characters in each frame: its UTF-8 size is this many bytes above its UTF-16 length. */
const WIDE_CHARS = 64;
/** How far each frame is from the limit, in UTF-8 bytes (below it in UTF-16 units by WIDE_CHARS more). */
const MARGIN_BYTES = 16;

/** One probe: the frame and what the note says about it. */
export interface OversizeProbe {
  frame: string;
  bytes: number;
  units: number;
  limit: number;
  /** Whether the coordinator must refuse it as too large. */
  over: boolean;
}

/** A frame of exactly `bytes` UTF-8 bytes, WIDE_CHARS of its characters two bytes each. */
function frameOf(bytes: number): string {
  const head = `{"v":${PROTOCOL_VERSION},"type":"register","pad":"`;
  const tail = '"}';
  const wide = 'é'.repeat(WIDE_CHARS);
  const ascii = bytes - Buffer.byteLength(head + wide + tail, 'utf8');
  return `${head}${'a'.repeat(Math.max(0, ascii))}${wide}${tail}`;
}

/** The probes for a coordinator whose welcome announced `limit`: below it, one byte below, at it, one byte above, above it. */
export function oversizeProbes(welcome: Welcome): OversizeProbe[] {
  const limit = welcome.maxFrameBytes;
  return [limit - MARGIN_BYTES, limit - 1, limit, limit + 1, limit + MARGIN_BYTES].map((target) => {
    const frame = frameOf(target);
    return { frame, bytes: Buffer.byteLength(frame, 'utf8'), units: frame.length, limit, over: target > limit };
  });
}
