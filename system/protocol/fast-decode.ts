/**
 * Hand-written validation of the per-task hot messages, `started` and
 * `result` (two of the three frames every task costs; the heartbeat types
 * have their own fast path in codec.ts). zod stays the single source of the
 * schema: this checks exactly what Started and Result in messages.ts require
 * and shapes the value as zod returns it (known keys only, in schema order).
 * Anything not plainly valid returns undefined and goes to zod, which decides
 * and names the error; fast-decode.test.ts checks on random and mutated
 * frames (fixed seed) that both accept the same frames with the same value.
 *
 * Runs after codec.ts checked version, type and integrity, on the output of
 * JSON.parse: every value is therefore JSON, which is all `result: z.json()`
 * asks. A result holding a `__proto__` key is left to zod (JSON.parse makes
 * it an own property; zod's copy would not).
 */
import { type AnyMessage, PROTOCOL_VERSION } from './messages.js';

const OUTCOMES: ReadonlySet<unknown> = new Set(['completed', 'failed', 'cancelled', 'timeout', 'paused', 'revoked']);

export const isId = (x: unknown): x is string => typeof x === 'string' && x.length >= 1 && x.length <= 200;
export const isPositiveInt = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x > 0;
export const isNonNegativeInt = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

/** The unreliable envelope (v, ack?, sig?, crc?) in schema order, or undefined if not plainly valid. */
export function baseEnvelope(obj: Record<string, unknown>): Record<string, unknown> | undefined {
  const { ack, sig, crc } = obj;
  if (ack !== undefined && !isNonNegativeInt(ack)) return undefined;
  if (sig !== undefined && !(typeof sig === 'string' && sig.length <= 128)) return undefined;
  if (crc !== undefined && !(typeof crc === 'string' && crc.length === 8)) return undefined;
  const out: Record<string, unknown> = { v: obj.v };
  if (ack !== undefined) out.ack = ack;
  if (sig !== undefined) out.sig = sig;
  if (crc !== undefined) out.crc = crc;
  return out;
}

/** The envelope of a reliable message (v, ack?, sig?, crc?, seq) in schema order, or undefined if not plainly valid. */
export function envelope(obj: Record<string, unknown>): Record<string, unknown> | undefined {
  const { seq } = obj;
  if (!isPositiveInt(seq)) return undefined;
  const out = baseEnvelope(obj);
  if (out !== undefined) out.seq = seq;
  return out;
}

/** ErrorInfo ({code ≤ 100, message ≤ 4000}, other keys dropped), or undefined if not plainly valid. */
function errorInfo(e: unknown): { code: string; message: string } | undefined {
  if (typeof e !== 'object' || e === null || Array.isArray(e)) return undefined;
  const { code, message } = e as Record<string, unknown>;
  if (typeof code !== 'string' || code.length > 100 || typeof message !== 'string' || message.length > 4000) return undefined;
  return { code, message };
}

/** `started` or `result` validated by hand; undefined = let zod decide (other types, or anything doubtful). */
export function taskFastPath(obj: Record<string, unknown>, frame: string): AnyMessage | undefined {
  const type = obj.type;
  if ((type !== 'started' && type !== 'result') || obj.v !== PROTOCOL_VERSION) return undefined;
  const out = envelope(obj);
  if (out === undefined) return undefined;
  const { executionId, attempt, leaseToken } = obj;
  if (!isId(executionId) || !isPositiveInt(attempt) || !isId(leaseToken)) return undefined;
  out.type = type;
  out.executionId = executionId;
  out.attempt = attempt;
  out.leaseToken = leaseToken;
  if (type === 'started') return out as AnyMessage;
  const { outcome, result, error, durationMs, started } = obj;
  if (!OUTCOMES.has(outcome)) return undefined;
  if (typeof durationMs !== 'number' || !(durationMs >= 0) || !Number.isFinite(durationMs)) return undefined;
  out.outcome = outcome;
  if (typeof result === 'object' && result !== null && frame.includes('"__proto__":')) return undefined;
  if (result !== undefined) out.result = result;
  if (error !== undefined) {
    const e = errorInfo(error);
    if (e === undefined) return undefined;
    out.error = e;
  }
  out.durationMs = durationMs;
  if (started !== undefined) {
    if (started !== true) return undefined;
    out.started = true;
  }
  return out as AnyMessage;
}
