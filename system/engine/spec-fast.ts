/**
 * The fast path of normalizeSpec (spec.ts) for the common well-formed spec:
 * one walk that copies the input (what structuredClone gives for plain
 * data) and checks it against specSchema's rules by hand, without zod and
 * without structuredClone (together about two thirds of a spec's
 * validation: structuredClone alone ~0.9 µs of ~2 µs for an echo spec).
 *
 * It never reports an error: anything it is not sure of (a field out of
 * range, an unknown field, a class instance, a Proxy, a `__proto__` member,
 * an object reached twice, a sparse array, a value too large or too deep to
 * be sure of the JSON limits) returns undefined, and the caller takes the
 * slow path (checkJsonLimits, structuredClone, zod), whose errors are the
 * only ones a caller ever sees. What it returns is what the slow path's
 * parse gives for the same input (spec-fast.test.ts holds it to that on
 * random specs): every field the parse keeps, as copies. A getter in the
 * input is read once here, as structuredClone reads it once.
 */
import { types } from 'node:util';
import { RETRY_STRATEGIES } from '../core/model.js';
import { SPEC_LIMITS } from './spec-limits.js';

/** A spec as specSchema's parse gives it (spec.ts RawSpec; the fields normalizeSpec's finish reads). */
export interface FastSpec {
  kind: string;
  params?: unknown;
  taskId?: string | undefined;
  priority?: 'low' | 'medium' | 'high' | 'critical' | undefined;
  retry?: { strategy?: (typeof RETRY_STRATEGIES)[number] | undefined; maxRetries?: number | undefined; delayMs?: number | undefined; maxDelayMs?: number | undefined } | undefined;
  timeoutMs?: number | undefined;
  dependencies?: string[] | undefined;
  scheduledAt?: number | undefined;
  metadata?: Record<string, unknown> | undefined;
  idempotencyKey?: string | undefined;
}

/** Far inside the JSON limits (json-limits.ts: 64 levels, 100,000 values): a spec this small can't cross them. */
const MAX_NODES = 1000;
const MAX_DEPTH = 32;
/** Objects (and arrays) a fast copy holds at most: each is looked for among the ones met before (aliasing). */
const MAX_OBJECTS = 64;
const SPEC_KEYS: ReadonlySet<string> = new Set(['kind', 'params', 'taskId', 'priority', 'retry', 'timeoutMs', 'dependencies', 'scheduledAt', 'metadata', 'idempotencyKey']);
const RETRY_KEYS: ReadonlySet<string> = new Set(['strategy', 'maxRetries', 'delayMs', 'maxDelayMs']);
const PRIORITIES: ReadonlySet<unknown> = new Set(['low', 'medium', 'high', 'critical']);
const STRATEGIES: ReadonlySet<unknown> = new Set(RETRY_STRATEGIES);

/** Not copied here: the slow path decides. */
const SLOW = Symbol('slow');

/** One copy under way: values met so far, and the objects met (one met twice is aliased, which structuredClone keeps). */
class PlainCopy {
  private nodes = 0;
  private readonly seen: object[] = [];

  /** A copy of plain data (objects of Object.prototype or null, dense arrays without extra members, primitives), or SLOW. */
  copy(v: unknown, depth: number): unknown {
    if (++this.nodes > MAX_NODES) return SLOW;
    if (typeof v !== 'object') return typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint' ? SLOW : v;
    if (v === null) return v;
    if (depth >= MAX_DEPTH || this.seen.length >= MAX_OBJECTS || this.seen.includes(v) || types.isProxy(v)) return SLOW;
    this.seen.push(v);
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto === Array.prototype) return this.array(v as unknown[], depth);
    if (proto !== Object.prototype && proto !== null) return SLOW;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) {
      if (k === '__proto__') return SLOW;
      const c = this.copy((v as Record<string, unknown>)[k], depth + 1);
      if (c === SLOW) return SLOW;
      out[k] = c;
    }
    return out;
  }

  private array(a: unknown[], depth: number): unknown {
    if (Object.keys(a).length !== a.length) return SLOW;
    const out: unknown[] = [];
    for (let i = 0; i < a.length; i++) {
      const c = this.copy(a[i], depth + 1);
      if (c === SLOW) return SLOW;
      out.push(c);
    }
    return out;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown, max: number): boolean => typeof v === 'string' && v.length >= 1 && v.length <= max;
const isInt = (v: unknown, min: number, max: number): boolean => Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max;
const optional = (v: unknown, ok: (v: unknown) => boolean): boolean => v === undefined || ok(v);

function isRetry(v: unknown): boolean {
  if (!isRecord(v)) return false;
  for (const k in v) if (!RETRY_KEYS.has(k)) return false;
  const max = SPEC_LIMITS.maxRetryDelayMs;
  return (
    optional(v.strategy, (s) => STRATEGIES.has(s)) &&
    optional(v.maxRetries, (n) => isInt(n, 0, 1000)) &&
    optional(v.delayMs, (n) => isInt(n, 0, max)) &&
    optional(v.maxDelayMs, (n) => isInt(n, 0, max))
  );
}

const isDependencies = (v: unknown): boolean => Array.isArray(v) && v.length <= 10_000 && v.every((d) => isText(d, 256));

/** Whether the copy passes specSchema (every rule of spec.ts specShape). */
function isSpec(o: Record<string, unknown>): o is Record<string, unknown> & FastSpec {
  for (const k in o) if (!SPEC_KEYS.has(k)) return false;
  return (
    isText(o.kind, 100) &&
    optional(o.taskId, (s) => isText(s, 256)) &&
    optional(o.priority, (p) => PRIORITIES.has(p)) &&
    optional(o.retry, isRetry) &&
    optional(o.timeoutMs, (n) => isInt(n, 1, SPEC_LIMITS.maxTimeoutMs)) &&
    optional(o.dependencies, isDependencies) &&
    optional(o.scheduledAt, (n) => isInt(n, 0, SPEC_LIMITS.maxDateMs)) &&
    optional(o.metadata, isRecord) &&
    optional(o.idempotencyKey, (s) => isText(s, 256))
  );
}

/** The input copied and checked as the slow path would give it, or undefined: take the slow path (see the file header). */
export function fastSpec(input: unknown): FastSpec | undefined {
  try {
    const c = new PlainCopy().copy(input, 0);
    return isRecord(c) && isSpec(c) ? c : undefined;
  } catch {
    // A getter threw: the slow path reports it as it does.
    return undefined;
  }
}
