/**
 * JSON of every shape, generated, for the limit probes (promise 29,
 * adversary-json-values.ts, adversary-depth.ts) and the data a client must
 * read back unchanged (promise 33, awkward-json.ts): scalars of each kind,
 * empty containers, nesting through arrays and objects, and object keys that
 * are JavaScript machinery (`__proto__`, `constructor`, ...) at any depth,
 * inside arrays included. Values are built as JSON text from a tree of
 * entries, never as object literals, so a `__proto__` key is an own member
 * once parsed, as a client's body makes it. Generation is by fast-check with
 * a fixed seed: the same seed gives the same values on every run.
 */
import fc from 'fast-check';

/** A JSON value as text, with its count of values (itself and everything inside it). */
export interface JsonText {
  text: string;
  values: number;
}

/** Keys a JavaScript object treats as its own machinery, then ordinary and awkward ones. */
export const MACHINERY_KEYS = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'prototype'] as const;
const KEYS = [...MACHINERY_KEYS, '', 'a', 'b', 'ключ', '🔑'];

const scalar: fc.Arbitrary<JsonText> = fc
  .oneof(fc.integer({ min: -99, max: 99 }).map(String), fc.constantFrom('null', 'true', 'false', '""', '-0', '5e-324', '1e308'), fc.string({ maxLength: 3, unit: 'grapheme' }).map((s) => JSON.stringify(s)))
  .map((text) => ({ text, values: 1 }));

function arrayOf(items: JsonText[]): JsonText {
  return { text: `[${items.map((i) => i.text).join(',')}]`, values: 1 + items.reduce((n, i) => n + i.values, 0) };
}

function objectOf(entries: [string, JsonText][]): JsonText {
  return { text: `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v.text}`).join(',')}}`, values: 1 + entries.reduce((n, [, v]) => n + v.values, 0) };
}

/** Any JSON value up to `depth` containers deep, with at most 4 members per container, keys drawn from KEYS (machinery ones often). */
function jsonArbitrary(depth: number): fc.Arbitrary<JsonText> {
  const { value } = fc.letrec<{ value: JsonText }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', maxDepth: depth, depthIdentifier: 'json' },
      scalar,
      fc.array(tie('value'), { maxLength: 4, depthIdentifier: 'json' }).map(arrayOf),
      fc.uniqueArray(fc.tuple(fc.constantFrom(...KEYS), tie('value')), { maxLength: 4, selector: ([k]) => k, depthIdentifier: 'json' }).map(objectOf),
    ),
  }));
  return value;
}

/** `n` values of the arbitrary, from `seed`. */
export function sampleJson(depth: number, seed: number, n: number): JsonText[] {
  return fc.sample(jsonArbitrary(depth), { seed, numRuns: n });
}

/**
 * Every machinery key placed in every way a container can reach it: as a
 * member of an object inside an array, of an array of arrays, of an object
 * inside an array inside an object, and nested in itself, each holding an
 * object, an array and a scalar. Systematic, so each placement is there
 * whatever the sampler drew.
 */
export function machineryPlacements(): JsonText[] {
  const out: JsonText[] = [];
  const leaf = objectOf([['x', { text: '1', values: 1 }]]);
  for (const key of MACHINERY_KEYS) {
    const member = (v: JsonText): JsonText => objectOf([[key, v], ['b', { text: '2', values: 1 }]]);
    for (const held of [leaf, arrayOf([leaf]), { text: 'null', values: 1 }]) {
      out.push(arrayOf([member(held)]));
      out.push(arrayOf([arrayOf([member(held)])]));
      out.push(objectOf([['a', arrayOf([objectOf([['c', arrayOf([member(held)])]])])]]));
      out.push(member(arrayOf([member(held)])));
    }
  }
  return out;
}

/** How many JSON values `v` holds, itself included: the harness's own count, independent of system/core/json-limits.ts. */
export function countJsonValues(v: unknown): number {
  let n = 0;
  const stack: unknown[] = [v];
  while (stack.length > 0) {
    const x = stack.pop();
    n++;
    if (Array.isArray(x)) stack.push(...(x as unknown[]));
    else if (typeof x === 'object' && x !== null) stack.push(...Object.values(x));
  }
  return n;
}

/** The shapes a value-count probe fills its array with: scalars of every kind, empty containers, small ones, nested arrays, generated values. */
export const VALUE_SHAPES = ['scalars', 'empty-containers', 'small-containers', 'nested-arrays', 'generated'] as const;
export type ValueShape = (typeof VALUE_SHAPES)[number];

const unit = (text: string, values: number): JsonText => ({ text, values });

/** The items a shape repeats (cycling through them). */
function itemsOf(shape: ValueShape, seed: number): JsonText[] {
  switch (shape) {
    case 'scalars':
      return ['0', '"s"', 'null', '-1.5', '""', 'true', '"é"', 'false'].map((t) => unit(t, 1));
    case 'empty-containers':
      return [unit('[]', 1), unit('{}', 1)];
    case 'small-containers':
      return [unit('{"k":0}', 2), unit('["a",null]', 3)];
    case 'nested-arrays':
      return [unit('[[0]]', 3), unit('[[[]]]', 3)];
    case 'generated':
      return sampleJson(3, seed, 64);
  }
}

/**
 * The JSON text of an array holding exactly `values` values (itself
 * included) of `shape`: its items repeated while they fit, the rest filled
 * with `0` (a shape of containers only needs none).
 */
export function arrayOfValues(shape: ValueShape, values: number, seed: number): string {
  const items = itemsOf(shape, seed);
  const parts: string[] = [];
  let left = values - 1;
  for (let i = 0, misses = 0; left > 0 && misses < items.length; i++) {
    const item = items[i % items.length] as JsonText;
    if (item.values > left) {
      misses++;
      continue;
    }
    misses = 0;
    parts.push(item.text);
    left -= item.values;
  }
  for (; left > 0; left--) parts.push('0');
  return `[${parts.join(',')}]`;
}
