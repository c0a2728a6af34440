/**
 * zod's parse leaves out an object's `__proto__` member (records, z.json(),
 * objects with a catchall): its output is built by assignment, and
 * `out['__proto__'] = v` sets a prototype instead of a member. A client's
 * JSON may hold such a member as plain data (JSON.parse makes it an own
 * property), and params, metadata, results and checkpoint state are the
 * client's data: they must read back as they were sent. keepProtoMembers
 * puts every `__proto__` member the input had back into the parsed output,
 * as an own data property in its place among the members, at any depth the
 * output mirrors the input. safeParseKeeping is the one way system/ parses
 * client data with zod: the parse and the restore in one call.
 */
import type { z } from 'zod';

/** Deeper than any JSON the system accepts (json-limits.ts); a guard against cycles only. */
const MAX_DEPTH = 256;

/** `schema.safeParse(input)`, with the input's `__proto__` members restored in place in a success's data. */
export function safeParseKeeping<T>(schema: z.ZodType<T>, input: unknown): z.ZodSafeParseResult<T> {
  const r = schema.safeParse(input);
  if (r.success) restore(r.data, input, 0);
  return r;
}

function restore(out: unknown, input: unknown, depth: number): void {
  if (depth > MAX_DEPTH || out === input || typeof out !== 'object' || out === null || typeof input !== 'object' || input === null) return;
  if (Array.isArray(out) || Array.isArray(input)) {
    if (Array.isArray(out) && Array.isArray(input)) out.forEach((x, i) => restore(x, input[i], depth + 1));
    return;
  }
  const o = out as Record<string, unknown>;
  const inp = input as Record<string, unknown>;
  for (const k of Object.keys(o)) if (Object.hasOwn(inp, k)) restore(o[k], inp[k], depth + 1);
  if (!Object.hasOwn(inp, '__proto__') || Object.hasOwn(o, '__proto__')) return;
  // Rebuilt in the input's member order (then what zod added): the member goes back where it was.
  const kept = Object.keys(o).map((k) => [k, o[k]] as const);
  for (const [k] of kept) Reflect.deleteProperty(o, k);
  const values = new Map<string, unknown>(kept);
  values.set('__proto__', structuredClone(inp['__proto__']));
  const order = [...Object.keys(inp).filter((k) => values.has(k)), ...kept.map(([k]) => k).filter((k) => !Object.hasOwn(inp, k))];
  for (const k of order) Object.defineProperty(o, k, { value: values.get(k), enumerable: true, writable: true, configurable: true });
}
