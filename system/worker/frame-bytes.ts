/**
 * What task values cost on the wire (task-runner.ts): a JSON-safe copy of a
 * result or checkpoint, and the serialised size of a message with its envelope.
 */
import type { OutMessage } from './outbox.js';

/** JSON-safe copy of a value (undefined stays undefined); throws on values JSON cannot carry. */
export function toJson(v: unknown): unknown {
  if (v === undefined) return undefined;
  const s = JSON.stringify(v);
  if (s === undefined) throw new TypeError(`value of type ${typeof v} cannot be sent as JSON`);
  return JSON.parse(s) as unknown;
}

/** Room for the envelope the session adds (v, seq, ack, sig). */
const ENVELOPE_BYTES = 256;

/** Serialised size of a message plus its envelope. */
export function frameBytes(msg: OutMessage): number {
  return Buffer.byteLength(JSON.stringify(msg), 'utf8') + ENVELOPE_BYTES;
}
