/**
 * Hand-written validation of the handshake frames: `welcome`, `registered`
 * and `sync_result` (to the worker), `register` and `sync` (to the
 * coordinator), and `error` (both ways; admission control refuses a herd's
 * surplus connects with one). One of each per connection, so they are most of
 * what a herd of reconnecting workers decodes besides heartbeats (issue 14:
 * zod on them was 2-4% of a thundering-herd simulation). Same contract as fast-decode.ts:
 * zod (messages.ts) stays the single source of the schema; this checks
 * exactly what the schemas require and shapes the value as zod returns it
 * (known keys only, in schema order, nested objects and arrays copied);
 * anything not plainly valid returns undefined and zod decides and names the
 * error. fast-decode-handshake.test.ts compares both on random and mutated
 * frames.
 *
 * Runs on the output of JSON.parse, after codec.ts checked version, type and
 * integrity. No field here is free-form JSON, so a `__proto__` member is an
 * unknown key, dropped by both.
 */
import { baseEnvelope, envelope, isId, isNonNegativeInt, isPositiveInt } from './fast-decode.js';
import { type AnyMessage, PROTOCOL_VERSION } from './messages.js';

type Obj = Record<string, unknown>;

const isObject = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const isInt = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x);
const isString = (x: unknown, min: number, max: number): x is string => typeof x === 'string' && x.length >= min && x.length <= max;

/** `xs.map(item)` if `xs` is an array of at most `max` items all of which `item` accepts; undefined otherwise. */
function arrayOf<T>(xs: unknown, max: number, item: (x: unknown) => T | undefined): T[] | undefined {
  if (!Array.isArray(xs) || xs.length > max) return undefined;
  const out: T[] = [];
  for (const x of xs) {
    const v = item(x);
    if (v === undefined) return undefined;
    out.push(v);
  }
  return out;
}

const intItem = (x: unknown): number | undefined => (isInt(x) ? x : undefined);
const idItem = (x: unknown): string | undefined => (isId(x) ? x : undefined);
const kindItem = (x: unknown): string | undefined => (isString(x, 1, 100) ? x : undefined);

function welcome(obj: Obj): AnyMessage | undefined {
  const out = baseEnvelope(obj);
  const { serverVersion, nonce, authRequired, signMessages, heartbeatMs, heartbeatTimeoutMs, maxFrameBytes, compression, earlySync, helloAccepted } = obj;
  const protocolVersions = arrayOf(obj.protocolVersions, Infinity, intItem);
  if (out === undefined || typeof serverVersion !== 'string' || protocolVersions === undefined || !isString(nonce, 16, 128)) return undefined;
  if (typeof authRequired !== 'boolean' || typeof signMessages !== 'boolean' || typeof compression !== 'boolean') return undefined;
  if (!isPositiveInt(heartbeatMs) || !isPositiveInt(heartbeatTimeoutMs) || !isPositiveInt(maxFrameBytes)) return undefined;
  if (earlySync !== undefined && typeof earlySync !== 'boolean') return undefined;
  if (helloAccepted !== undefined && helloAccepted !== true) return undefined;
  Object.assign(out, { type: 'welcome', serverVersion, protocolVersions, nonce, authRequired, signMessages, heartbeatMs, heartbeatTimeoutMs, maxFrameBytes, compression });
  if (earlySync !== undefined) out.earlySync = earlySync;
  if (helloAccepted !== undefined) out.helloAccepted = helloAccepted;
  return out as AnyMessage;
}

function registered(obj: Obj): AnyMessage | undefined {
  const out = baseEnvelope(obj);
  const { workerId, sessionId, resumed, lastSeq, leaseMs, proof } = obj;
  if (out === undefined || !isId(workerId) || !isId(sessionId) || typeof resumed !== 'boolean') return undefined;
  if (!isNonNegativeInt(lastSeq) || !isPositiveInt(leaseMs)) return undefined;
  if (proof !== undefined && !isString(proof, 64, 64)) return undefined;
  Object.assign(out, { type: 'registered', workerId, sessionId, resumed, lastSeq, leaseMs });
  if (proof !== undefined) out.proof = proof;
  return out as AnyMessage;
}

const revokeItem = (x: unknown): { executionId: string; reason: string } | undefined =>
  isObject(x) && isId(x.executionId) && isString(x.reason, 0, 200) ? { executionId: x.executionId, reason: x.reason } : undefined;

function syncResult(obj: Obj): AnyMessage | undefined {
  const out = envelope(obj);
  const confirm = arrayOf(obj.confirm, Infinity, idItem);
  const revoke = arrayOf(obj.revoke, Infinity, revokeItem);
  if (out === undefined || confirm === undefined || revoke === undefined) return undefined;
  Object.assign(out, { type: 'sync_result', confirm, revoke });
  return out as AnyMessage;
}

/** Register's nested objects (capabilities, auth, resume), each with its known keys only; undefined if not plainly valid. */
function registerParts(obj: Obj): Obj | undefined {
  const { capabilities: c, auth, resume } = obj;
  if (!isObject(c)) return undefined;
  const kinds = arrayOf(c.kinds, 100, kindItem);
  const { concurrency } = c;
  if (kinds === undefined || !isPositiveInt(concurrency) || concurrency > 10_000) return undefined;
  const parts: Obj = { capabilities: { kinds, concurrency } };
  if (auth !== undefined) {
    if (!isObject(auth) || !isString(auth.mac, 64, 64)) return undefined;
    parts.auth = { mac: auth.mac };
  }
  if (resume !== undefined) {
    if (!isObject(resume) || !isId(resume.sessionId) || !isNonNegativeInt(resume.lastSeq)) return undefined;
    parts.resume = { sessionId: resume.sessionId, lastSeq: resume.lastSeq };
  }
  return parts;
}

function register(obj: Obj): AnyMessage | undefined {
  const out = baseEnvelope(obj);
  const { protocolVersion, workerId, clientNonce } = obj;
  if (out === undefined || !isInt(protocolVersion) || !isId(workerId)) return undefined;
  const parts = registerParts(obj);
  if (parts === undefined || !isString(clientNonce, 32, 128)) return undefined;
  Object.assign(out, { type: 'register', protocolVersion, workerId, capabilities: parts.capabilities, clientNonce });
  if (parts.auth !== undefined) out.auth = parts.auth;
  if (parts.resume !== undefined) out.resume = parts.resume;
  return out as AnyMessage;
}

const HELD_STATES: ReadonlySet<unknown> = new Set(['running', 'finished']);

const heldItem = (x: unknown): Obj | undefined =>
  isObject(x) && isId(x.executionId) && isPositiveInt(x.attempt) && isId(x.leaseToken) && HELD_STATES.has(x.state)
    ? { executionId: x.executionId, attempt: x.attempt, leaseToken: x.leaseToken, state: x.state }
    : undefined;

function sync(obj: Obj): AnyMessage | undefined {
  const out = baseEnvelope(obj);
  const { seq } = obj;
  const tasks = arrayOf(obj.tasks, 10_000, heldItem);
  if (out === undefined || (seq !== undefined && !isPositiveInt(seq)) || tasks === undefined) return undefined;
  if (seq !== undefined) out.seq = seq;
  out.type = 'sync';
  out.tasks = tasks;
  return out as AnyMessage;
}

function error(obj: Obj): AnyMessage | undefined {
  const out = baseEnvelope(obj);
  const { code, message, path } = obj;
  if (out === undefined || typeof code !== 'string' || typeof message !== 'string' || (path !== undefined && typeof path !== 'string')) return undefined;
  Object.assign(out, { type: 'error', code, message });
  if (path !== undefined) out.path = path;
  return out as AnyMessage;
}

/**
 * `welcome`, `registered`, `sync_result`, `register`, `sync` or `error` validated by
 * hand; undefined = let zod decide (other types, or anything doubtful). The
 * caller checked that the type belongs to the receiving side.
 */
export function handshakeFastPath(obj: Obj): AnyMessage | undefined {
  if (obj.v !== PROTOCOL_VERSION) return undefined;
  switch (obj.type) {
    case 'welcome':
      return welcome(obj);
    case 'registered':
      return registered(obj);
    case 'sync_result':
      return syncResult(obj);
    case 'register':
      return register(obj);
    case 'sync':
      return sync(obj);
    case 'error':
      return error(obj);
    default:
      return undefined;
  }
}
