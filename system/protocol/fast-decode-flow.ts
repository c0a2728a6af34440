/**
 * Hand-written validation of the other per-task frames: `assign` (to the
 * worker), `progress` and `checkpoint` (to the coordinator). With the
 * heartbeat types (codec.ts) and started/result (fast-decode.ts) these are
 * nearly every frame a running fleet exchanges. Same contract as
 * fast-decode.ts: zod (messages.ts) stays the single source of the schema;
 * this checks exactly what Assign, Progress and Checkpoint require and shapes
 * the value as zod returns it (known keys only, in schema order); anything
 * not plainly valid returns undefined and zod decides and names the error.
 * fast-decode-flow.test.ts compares both on random and mutated frames.
 *
 * Runs on the output of JSON.parse, after codec.ts checked version, type and
 * integrity. `z.json()` (params, checkpoint state) still rejects what JSON
 * text can hold but zod cannot: numbers that overflow to Infinity, and a
 * `__proto__` key (JSON.parse makes it an own property, zod's copy drops
 * it); plainJson() leaves both to zod.
 */
import { baseEnvelope, envelope, isId, isNonNegativeInt, isPositiveInt } from './fast-decode.js';
import { type AnyMessage, PROTOCOL_VERSION } from './messages.js';


/** JSON.parse output that z.json() accepts unchanged: finite numbers, no `__proto__` key, bounded depth. */
function plainJson(x: unknown, depth = 0): boolean {
  if (typeof x === 'number') return Number.isFinite(x);
  if (typeof x !== 'object' || x === null) return x !== undefined;
  if (depth > 64) return false;
  if (Array.isArray(x)) {
    for (const item of x) if (!plainJson(item, depth + 1)) return false;
    return true;
  }
  const o = x as Record<string, unknown>;
  for (const k in o) {
    if (k === '__proto__' || !plainJson(o[k], depth + 1)) return false;
  }
  return true;
}

/** CheckpointPayload ({seq ≥ 0 int, state: json}, other keys dropped), or undefined if not plainly valid. */
function checkpointPayload(c: unknown): { seq: number; state: unknown } | undefined {
  if (typeof c !== 'object' || c === null || Array.isArray(c)) return undefined;
  const { seq, state } = c as Record<string, unknown>;
  if (!isNonNegativeInt(seq) || !plainJson(state)) return undefined;
  return { seq, state };
}

function progress(obj: Record<string, unknown>): AnyMessage | undefined {
  const out = baseEnvelope(obj);
  const { executionId, leaseToken, fraction, message } = obj;
  if (out === undefined || !isId(executionId) || !isId(leaseToken)) return undefined;
  if (typeof fraction !== 'number' || !(fraction >= 0 && fraction <= 1)) return undefined;
  if (message !== undefined && !(typeof message === 'string' && message.length <= 1000)) return undefined;
  out.type = 'progress';
  out.executionId = executionId;
  out.leaseToken = leaseToken;
  out.fraction = fraction;
  if (message !== undefined) out.message = message;
  return out as AnyMessage;
}

function checkpoint(obj: Record<string, unknown>): AnyMessage | undefined {
  const out = envelope(obj);
  const { executionId, attempt, leaseToken } = obj;
  if (out === undefined || !isId(executionId) || !isPositiveInt(attempt) || !isId(leaseToken)) return undefined;
  const payload = checkpointPayload(obj.checkpoint);
  if (payload === undefined) return undefined;
  out.type = 'checkpoint';
  out.executionId = executionId;
  out.attempt = attempt;
  out.leaseToken = leaseToken;
  out.checkpoint = payload;
  return out as AnyMessage;
}

function assign(obj: Record<string, unknown>): AnyMessage | undefined {
  const out = envelope(obj);
  const { executionId, attempt, leaseToken, kind, params, timeoutMs, checkpoint: cp } = obj;
  if (out === undefined || !isId(executionId) || !isPositiveInt(attempt) || !isId(leaseToken)) return undefined;
  if (typeof kind !== 'string' || kind.length < 1 || kind.length > 100 || !plainJson(params)) return undefined;
  if (timeoutMs !== undefined && !isPositiveInt(timeoutMs)) return undefined;
  const payload = cp === undefined ? undefined : checkpointPayload(cp);
  if (cp !== undefined && payload === undefined) return undefined;
  out.type = 'assign';
  out.executionId = executionId;
  out.attempt = attempt;
  out.leaseToken = leaseToken;
  out.kind = kind;
  out.params = params;
  if (timeoutMs !== undefined) out.timeoutMs = timeoutMs;
  if (payload !== undefined) out.checkpoint = payload;
  return out as AnyMessage;
}

/**
 * `assign`, `progress` or `checkpoint` validated by hand; undefined = let zod
 * decide (other types, or anything doubtful). The caller checked that the
 * type belongs to the receiving side.
 */
export function flowFastPath(obj: Record<string, unknown>): AnyMessage | undefined {
  if (obj.v !== PROTOCOL_VERSION) return undefined;
  switch (obj.type) {
    case 'progress':
      return progress(obj);
    case 'checkpoint':
      return checkpoint(obj);
    case 'assign':
      return assign(obj);
    default:
      return undefined;
  }
}
