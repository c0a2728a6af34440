/**
 * Encoding and validation at the edge. decode() never throws: any bytes give
 * either a typed message or a DecodeError naming what was wrong, where, and
 * the close code to use. Nothing unvalidated gets past this file.
 */
import { crc32 } from 'node:zlib';
import type { z } from 'zod';
import { hmacHex, safeEqualHex } from '../core/crypto.js';
import { CloseCode } from './close-codes.js';
import { baseEnvelope, isNonNegativeInt, taskFastPath } from './fast-decode.js';
import { flowFastPath } from './fast-decode-flow.js';
import { handshakeFastPath } from './fast-decode-handshake.js';
import { safeParseKeeping } from '../core/own-keys.js';
import {
  PROTOCOL_VERSION,
  SUPPORTED_VERSIONS,
  TO_COORDINATOR_TYPES,
  TO_WORKER_TYPES,
  ToCoordinator,
  ToWorker,
  type AnyMessage,
} from './messages.js';

export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;

/** Types never signed (sent before the session key exists, or about its failure); they carry a crc. */
const UNSIGNED_TYPES: ReadonlySet<string> = new Set(['register', 'welcome', 'error']);

/**
 * The integrity trailer of a frame: `,"<name>":"<hex>"}` as its last member
 * (where encode() puts it), and the frame without it, which is what was
 * checksummed or signed. Checked on the raw text: no second serialisation.
 */
function trailer(frame: string, name: string, hexLength: number): { body: string; value: string } | undefined {
  const head = `,"${name}":"`;
  const start = frame.length - head.length - hexLength - 2;
  if (start < 1 || !frame.endsWith('"}') || !frame.startsWith(head, start)) return undefined;
  return { body: `${frame.slice(0, start)}}`, value: frame.slice(start + head.length, frame.length - 2) };
}

/** CRC-32 of a string as 8 hex digits. */
function crcHex(s: string): string {
  return crc32(s).toString(16).padStart(8, '0');
}

export interface DecodeError {
  ok: false;
  /** Stable error code sent in the `error` message. */
  code: 'malformed' | 'unknown_type' | 'unsupported_version' | 'too_large' | 'bad_signature';
  closeCode: CloseCode;
  message: string;
  /** Dotted path of the offending field, if any. */
  path?: string;
}
export type Decoded<T> = { ok: true; msg: T } | DecodeError;

function fail(code: DecodeError['code'], closeCode: CloseCode, message: string, path?: string): DecodeError {
  return path === undefined ? { ok: false, code, closeCode, message } : { ok: false, code, closeCode, message, path };
}

function zodPath(issue: z.core.$ZodIssue): string {
  return issue.path.map(String).join('.');
}

/**
 * ping, pong and ack are most of the traffic (both sides ping every
 * heartbeat): checked by hand against exactly what their zod schemas in
 * messages.ts require, and shaped as zod would return them (known keys only,
 * in schema order). Anything not plainly valid returns undefined and goes to
 * zod, which decides and names the error; codec.test.ts checks both agree.
 * Called after the version, type and integrity checks.
 */
export function heartbeatFastPath(obj: Record<string, unknown>): AnyMessage | undefined {
  const { type } = obj;
  if (type !== 'ping' && type !== 'pong' && type !== 'ack') return undefined;
  const out = baseEnvelope(obj);
  if (out === undefined) return undefined;
  out.type = type;
  if (type !== 'ack') {
    const { id, t } = obj;
    if (!isNonNegativeInt(id) || typeof t !== 'number' || !Number.isFinite(t)) return undefined;
    out.id = id;
    out.t = t;
  }
  return out as AnyMessage;
}

function decodeWith<T>(
  frame: string,
  schema: z.ZodType<T>,
  knownTypes: readonly string[],
  maxFrameBytes: number,
  verifyKey: string | undefined,
): Decoded<T> {
  const parsed = parseFrame(frame, maxFrameBytes);
  if (!parsed.ok) return parsed;
  const obj = parsed.obj;
  // Integrity first: a bit flipped in transit must never read as a wrong version or type (those
  // are fatal for the peer) or as a different seq, id or outcome. A frame with no trailer at all
  // may come from another protocol version, so its version is judged before "no trailer" is.
  const signed = verifyKey !== undefined && !(typeof obj.type === 'string' && UNSIGNED_TYPES.has(obj.type));
  const t = signed ? trailer(frame, 'sig', 64) : trailer(frame, 'crc', 8);
  const bad = (t === undefined ? crcInsteadOfSig(frame, obj, signed) : integrityFailure(obj, t, signed ? verifyKey : undefined)) ?? envelopeFailure(obj, knownTypes);
  if (bad !== undefined) return bad;
  if (t === undefined) {
    const type = String(obj.type);
    return signed
      ? fail('bad_signature', CloseCode.BadSignature, `message signature missing on "${type}": "sig" must be its last member`, 'sig')
      : fail('malformed', CloseCode.Malformed, `"${type}" frame has no integrity check: "crc" must be its last member`, 'crc');
  }
  const fast = heartbeatFastPath(obj) ?? taskFastPath(obj, frame) ?? flowFastPath(obj) ?? handshakeFastPath(obj);
  if (fast !== undefined) return { ok: true, msg: fast as T };
  // Params, results and checkpoint state are the client's data: kept as sent, `__proto__` members included (own-keys.ts).
  const checked = safeParseKeeping(schema, obj);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const path = issue ? zodPath(issue) : '';
    return fail('malformed', CloseCode.Malformed, `invalid "${String(obj.type)}" message: ${issue?.message ?? 'schema mismatch'} at "${path}"`, path);
  }
  return { ok: true, msg: checked.data };
}

/** The frame as a JSON object, within the size limit. */
function parseFrame(frame: string, maxFrameBytes: number): { ok: true; obj: Record<string, unknown> } | DecodeError {
  // UTF-8 needs at most 3 bytes per UTF-16 unit: short frames can't be too large, no need to count.
  const bytes = frame.length * 3 <= maxFrameBytes ? 0 : Buffer.byteLength(frame, 'utf8');
  if (bytes > maxFrameBytes) {
    return fail('too_large', CloseCode.TooLarge, `frame of ${bytes} bytes exceeds the limit of ${maxFrameBytes} bytes`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(frame);
  } catch (err) {
    return fail('malformed', CloseCode.Malformed, `frame is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return fail('malformed', CloseCode.Malformed, 'frame must be a JSON object');
  }
  return { ok: true, obj: raw as Record<string, unknown> };
}

/** The trailer's check: the signature with `verifyKey` (a signing session), else the crc. */
function integrityFailure(obj: Record<string, unknown>, t: { body: string; value: string }, verifyKey: string | undefined): DecodeError | undefined {
  const what = typeof obj.type === 'string' ? `"${obj.type.slice(0, 64)}"` : 'a';
  if (verifyKey !== undefined) {
    return safeEqualHex(t.value, hmacHex(verifyKey, t.body)) ? undefined : fail('bad_signature', CloseCode.BadSignature, `message signature invalid on ${what} frame`, 'sig');
  }
  return t.value === crcHex(t.body) ? undefined : fail('malformed', CloseCode.Malformed, `${what} frame failed its integrity check (crc): corrupted in transit`, 'crc');
}

/**
 * A frame a signing session expected signed that carries a crc instead: an
 * unsigned type (an `error`, say) whose "type" a flipped bit changed. Its crc
 * judges it first, so the damage reads as damage, not as an unknown type.
 */
function crcInsteadOfSig(frame: string, obj: Record<string, unknown>, signed: boolean): DecodeError | undefined {
  const c = signed ? trailer(frame, 'crc', 8) : undefined;
  return c === undefined ? undefined : integrityFailure(obj, c, undefined);
}

/** Version and type, judged after integrity. */
function envelopeFailure(obj: Record<string, unknown>, knownTypes: readonly string[]): DecodeError | undefined {
  if (obj.v !== PROTOCOL_VERSION) {
    return fail('unsupported_version', CloseCode.UnsupportedVersion, `protocol version ${JSON.stringify(obj.v)} is not supported; supported: ${SUPPORTED_VERSIONS.join(', ')}`, 'v');
  }
  if (typeof obj.type !== 'string') return fail('malformed', CloseCode.Malformed, 'field "type" must be a string', 'type');
  if (!knownTypes.includes(obj.type)) return fail('unknown_type', CloseCode.UnknownType, `unknown message type "${obj.type.slice(0, 64)}"`, 'type');
  return undefined;
}

/** Decodes a frame received by the coordinator. */
export function decodeToCoordinator(frame: string, maxFrameBytes = DEFAULT_MAX_FRAME_BYTES, verifyKey?: string): Decoded<ToCoordinator> {
  return decodeWith(frame, ToCoordinator, TO_COORDINATOR_TYPES, maxFrameBytes, verifyKey);
}

/** Decodes a frame received by a worker. */
export function decodeToWorker(frame: string, maxFrameBytes = DEFAULT_MAX_FRAME_BYTES, verifyKey?: string): Decoded<ToWorker> {
  return decodeWith(frame, ToWorker, TO_WORKER_TYPES, maxFrameBytes, verifyKey);
}

/**
 * Serialises a message. With a key, appends an HMAC signature over the rest
 * (integrity and authenticity); without, a CRC-32 (integrity: a frame
 * corrupted in transit is rejected at the edge instead of being acted on with
 * a flipped seq, id or outcome).
 */
export function encode(msg: AnyMessage, signKey?: string): string {
  const s = JSON.stringify(msg);
  if (signKey === undefined) return `${s.slice(0, -1)},"crc":"${crcHex(s)}"}`;
  return `${s.slice(0, -1)},"sig":"${hmacHex(signKey, s)}"}`;
}
