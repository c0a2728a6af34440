/**
 * The 0-RTT register (docs/PROTOCOL.md "0-RTT register"): a worker without a
 * shared secret carries its `register` (and the early `sync`, if it fits) in
 * the WebSocket upgrade request, in one header, so the coordinator answers
 * behind the 101 with welcome + registered (+ sync_result) in one write and
 * the register round trip is gone. The header holds the frames exactly as
 * they would go on the wire (CRC trailer and all), newline-joined and
 * base64url-encoded (header-safe whatever the kinds' names); the coordinator
 * runs each through the same decode and register path as a frame.
 *
 * Bounded: a hello longer than MAX_HELLO_CHARS is not sent (the worker
 * registers after the welcome, as without it) and not read. A coordinator that
 * does not know the header ignores it and answers a plain welcome; one that
 * took it says so in the welcome (`helloAccepted`), so both directions of an
 * old/new pairing fall back to the 2-RTT handshake.
 */

/** The upgrade request's header (lower case, as node reports request headers). */
export const HELLO_HEADER = 'x-squall-hello';

/** Longest header value sent or read (base64url characters): ~3 KB of frames, well inside the parser's header limit. */
export const MAX_HELLO_CHARS = 4096;

/** At most register + early sync. */
const MAX_HELLO_FRAMES = 2;

/** The header value for these frames, or undefined when it would exceed MAX_HELLO_CHARS. */
export function encodeHello(frames: readonly string[]): string | undefined {
  if (frames.length === 0 || frames.length > MAX_HELLO_FRAMES) return undefined;
  const value = Buffer.from(frames.join('\n'), 'utf8').toString('base64url');
  return value.length <= MAX_HELLO_CHARS ? value : undefined;
}

/** The frames of a header value, or undefined when it is absent, too long or not a hello (the caller ignores it). */
export function decodeHello(value: string | undefined): string[] | undefined {
  if (value === undefined || value.length === 0 || value.length > MAX_HELLO_CHARS || !/^[A-Za-z0-9_-]+$/.test(value)) return undefined;
  const frames = Buffer.from(value, 'base64url').toString('utf8').split('\n');
  return frames.length <= MAX_HELLO_FRAMES && frames.every((f) => f.length > 0) ? frames : undefined;
}

/** The hello a request's headers carry (node: repeated headers joined; a stand-in: a plain record). */
export function helloOfHeaders(headers: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const v = headers?.[HELLO_HEADER];
  return typeof v === 'string' ? v : undefined;
}
