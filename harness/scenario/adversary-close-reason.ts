/**
 * The `wide-close-reason` attack (scenario `adversaries`, blind set 13 #15): a
 * frame whose message type is unknown and written in three-byte characters.
 * The coordinator refuses it (`protocol_error` unknown_type) and closes the
 * connection with the code it names, echoing the type in the reason. A
 * WebSocket close reason is limited to 123 *bytes* (RFC 6455 §5.5; ws throws
 * a RangeError inside close() past it, and so does the simulated transport):
 * 64 such characters are ~200 bytes but below 123 UTF-16 units, so a reason
 * trimmed by string length is still too long, close() throws and the
 * connection is never closed. The adversary records the close code it got
 * (`closedWith`, null: none) after an `adversary` note, for promise 8's check
 * (harness/check/promises-close-reason.ts).
 */
import { PROTOCOL_VERSION } from '../../system/protocol/index.js';

/** Three-byte characters (U+6F22) in the type: 64 of them, as many as the coordinator echoes. */
const WIDE_TYPE = '\u6f22'.repeat(64);

/** A frame of an unknown type in multi-byte text. */
export function wideTypeFrame(): string {
  return JSON.stringify({ v: PROTOCOL_VERSION, type: WIDE_TYPE });
}
