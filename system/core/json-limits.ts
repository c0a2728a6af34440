/**
 * Structural limits on caller-supplied JSON (request bodies, params,
 * metadata, results): how deep it nests and how many values it holds. Checked
 * iteratively, before anything else touches the value, so a 3,000-level body
 * is a clear 400 naming where it got too deep, never a stack overflow in
 * JSON.stringify after an execution was already created.
 */
import { InvalidArgumentError } from './errors.js';

/** Deepest nesting accepted (objects and arrays); documented in README "Limits". */
export const MAX_JSON_DEPTH = 64;
/** Most values (of any type, at any depth) in one accepted document. */
export const MAX_JSON_NODES = 100_000;

function step(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

/** A value waiting to be checked; its path is built from the parents only for a message. */
interface Pending {
  v: unknown;
  depth: number;
  parent: Pending | undefined;
  key: string | number;
}

function pathOf(item: Pending, root: string): string {
  const keys: (string | number)[] = [];
  for (let it: Pending | undefined = item; it?.parent !== undefined; it = it.parent) keys.push(it.key);
  let path = root;
  for (let i = keys.length - 1; i >= 0; i--) path = step(path, keys[i] as string | number);
  return path;
}

/**
 * Throws InvalidArgumentError (path = where the limit was crossed, shortened
 * for very deep values) if `value` nests deeper than maxDepth or holds more
 * than maxNodes values. `root` names the value in messages ("params").
 * Paths are built only for the message: a string per value checked was
 * measurable garbage per submitted task and per result.
 */
export function checkJsonLimits(value: unknown, root = '', maxDepth = MAX_JSON_DEPTH, maxNodes = MAX_JSON_NODES): void {
  const stack: Pending[] = [{ v: value, depth: 0, parent: undefined, key: '' }];
  let nodes = 0;
  while (stack.length > 0) {
    const item = stack.pop() as Pending;
    if (++nodes > maxNodes) {
      throw new InvalidArgumentError(`${root || 'body'} holds more than ${maxNodes} JSON values; split it or pass a reference instead`, root || undefined);
    }
    const v = item.v;
    if (typeof v !== 'object' || v === null) continue;
    const depth = item.depth;
    if (depth >= maxDepth) {
      const path = pathOf(item, root);
      const shown = path.length > 200 ? `${path.slice(0, 200)}...` : path;
      throw new InvalidArgumentError(`${shown || 'body'} nests deeper than ${maxDepth} levels (the limit for JSON values); flatten it`, shown || undefined);
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push({ v: v[i] as unknown, depth: depth + 1, parent: item, key: i });
    } else {
      const keys = Object.keys(v);
      for (const k of keys) stack.push({ v: (v as Record<string, unknown>)[k], depth: depth + 1, parent: item, key: k });
    }
  }
}
