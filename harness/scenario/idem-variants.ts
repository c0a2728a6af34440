/**
 * Generated repeats of an idempotency key (workload `idempotency.vary`): the
 * key's first submission carries nested params (an echo's value) and
 * metadata drawn from the run's seed, and each later submission with the key
 * sends them back either with every object's members in another order (the
 * same request: answered 200 with the key's execution) or with one member
 * changed deep inside (a leaf's value, a member added or removed, an array
 * element): another request, refused 409 conflict naming params or metadata
 * (README, HTTP API; promise 22, harness/check/promises-engine.ts). Blind set
 * 18 #08: a comparison that looked only at top-level members took every deep
 * change for a repeat.
 */
import type { Random } from '../../system/core/index.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const KEYS = ['a', 'b', 'config', 'limits', 'env', 'tags', 'x', 'y', 'deep', 'opts'];

/** A nested JSON object `depth` levels deep, every level holding several members (objects, arrays, scalars). */
export function nestedJson(random: Random, depth: number): { [k: string]: Json } {
  const out: { [k: string]: Json } = {};
  const n = random.int(2, 4);
  for (let i = 0; i < n; i++) {
    const key = `${KEYS[random.int(0, KEYS.length - 1)]}${i}`;
    // The first member of a level above the last is an object: every value has something below its top level to change.
    const pick = depth <= 0 ? random.int(2, 3) : i === 0 ? 0 : random.int(0, 3);
    out[key] = pick === 0 ? nestedJson(random, depth - 1) : pick === 1 ? [random.int(0, 9), nestedJson(random, depth - 1)] : pick === 2 ? random.int(0, 1000) : `v${random.int(0, 99)}`;
  }
  return out;
}

/** `v` with every object's members in another order (reversed, then rotated by a drawn amount), at every depth. */
export function reordered(v: Json, random: Random): Json {
  if (Array.isArray(v)) return v.map((x) => reordered(x, random));
  if (v === null || typeof v !== 'object') return v;
  const entries = Object.entries(v).reverse();
  const r = entries.length === 0 ? 0 : random.int(0, entries.length - 1);
  return Object.fromEntries([...entries.slice(r), ...entries.slice(0, r)].map(([k, x]) => [k, reordered(x, random)]));
}

/** The containers of `v` below its top level: the places a deep change goes. */
function innerContainers(v: Json, depth = 0, out: (Json[] | { [k: string]: Json })[] = []): (Json[] | { [k: string]: Json })[] {
  if (v === null || typeof v !== 'object') return out;
  if (depth > 0) out.push(v);
  for (const x of Array.isArray(v) ? v : Object.values(v)) innerContainers(x, depth + 1, out);
  return out;
}

/** A copy of `v` with one change inside a container below its top level (or a new nested member when it has none). */
export function deeplyChanged(v: { [k: string]: Json }, random: Random): { [k: string]: Json } {
  const copy = structuredClone(v);
  const inner = innerContainers(copy);
  const at = inner[random.int(0, Math.max(0, inner.length - 1))];
  if (at === undefined) return { ...copy, added: { deep: 1 } };
  if (Array.isArray(at)) {
    at.push('added');
    return copy;
  }
  const keys = Object.keys(at);
  const k = keys[random.int(0, Math.max(0, keys.length - 1))];
  const how = random.int(0, 2);
  if (k === undefined || how === 0) at[`added${random.int(0, 9)}`] = 'new';
  else if (how === 1 && keys.length > 1) delete at[k];
  else at[k] = typeof at[k] === 'number' ? (at[k] as number) + 1 : 'changed';
  return copy;
}

/** The key's first params and metadata, and what a repeat sends: the same reordered, or one of them deeply changed. */
export interface VariedPayload {
  params: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

/**
 * What submission `n` of a varying item sends under its key: the key's own
 * payload the first time (drawn once per key and kept in `firsts`), then a
 * reordered copy or a deep change of params (an echo's value) or metadata.
 */
export function variedPayload(firsts: Map<string, VariedPayload>, key: string, params: Record<string, unknown>, echo: boolean, random: Random): VariedPayload {
  const first = firsts.get(key);
  if (first === undefined) {
    const made = { params: echo ? { ...params, value: nestedJson(random, 3) } : params, metadata: nestedJson(random, 3) };
    firsts.set(key, made);
    return made;
  }
  const way = random.int(0, echo ? 2 : 1);
  if (way === 0) return { params: reordered(first.params as Json, random) as Record<string, unknown>, metadata: reordered(first.metadata as Json, random) as Record<string, unknown> };
  if (way === 1) return { params: first.params, metadata: deeplyChanged(first.metadata as { [k: string]: Json }, random) };
  return { params: { ...first.params, value: deeplyChanged(first.params.value as { [k: string]: Json }, random) }, metadata: first.metadata };
}
