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

/**
 * Throws InvalidArgumentError (path = where the limit was crossed, shortened
 * for very deep values) if `value` nests deeper than maxDepth or holds more
 * than maxNodes values. `root` names the value in messages ("params").
 */
export function checkJsonLimits(value: unknown, root = '', maxDepth = MAX_JSON_DEPTH, maxNodes = MAX_JSON_NODES): void {
  const stack: { v: unknown; depth: number; path: string }[] = [{ v: value, depth: 0, path: root }];
  let nodes = 0;
  while (stack.length > 0) {
    const { v, depth, path } = stack.pop() as { v: unknown; depth: number; path: string };
    if (++nodes > maxNodes) {
      throw new InvalidArgumentError(`${root || 'body'} holds more than ${maxNodes} JSON values; split it or pass a reference instead`, root || undefined);
    }
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= maxDepth) {
      const shown = path.length > 200 ? `${path.slice(0, 200)}...` : path;
      throw new InvalidArgumentError(`${shown || 'body'} nests deeper than ${maxDepth} levels (the limit for JSON values); flatten it`, shown || undefined);
    }
    if (Array.isArray(v)) v.forEach((x, i) => stack.push({ v: x, depth: depth + 1, path: step(path, i) }));
    else for (const [k, x] of Object.entries(v)) stack.push({ v: x, depth: depth + 1, path: step(path, k) });
  }
}
