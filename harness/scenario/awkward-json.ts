/**
 * Hostile and awkward JSON for a workload item's `awkwardJson` (promise 33,
 * harness/check/promises-reload.ts): keys that are JavaScript object
 * machinery (`__proto__`, `constructor`, `toString`, `hasOwnProperty`), the
 * empty key, unicode keys, numbers at the edges of a double, nested empty
 * objects and arrays, escapes and a long string. Built with JSON.parse, so
 * `__proto__` is an own member as a client's JSON body makes it (an object
 * literal would set the prototype instead). Besides the fixed part, two
 * generated ones (json-shapes.ts): `placed`, every machinery key as a member
 * of objects inside arrays, arrays of arrays and objects in arrays in
 * objects (blind set 17 #17: `__proto__` members dropped inside arrays), and
 * `generated`, JSON values fast-check draws from a fixed seed per value
 * (scalars, empty and nested containers, machinery keys at any depth).
 * And `envelope` (envelope-json.ts): members named like the frame's own
 * fields and trailers (`crc`, `sig`, `v`, `seq`, `ack`, `type`) at every
 * depth and position (blind set 19 #20).
 */
import { envelopeText } from './envelope-json.js';
import { machineryPlacements, sampleJson } from './json-shapes.js';

const TEXT = `{
  "__proto__": { "polluted": true, "__proto__": [1, { "__proto__": null }] },
  "constructor": { "prototype": { "x": 1 }, "name": "Object" },
  "toString": "not a function",
  "hasOwnProperty": 0,
  "valueOf": [],
  "": "the empty key",
  "ключ": "значение",
  "🔑": "emoji 🎉 and 𝄞",
  "e\\u0301": "combining accent",
  "nums": [0, -1, 1.5, 9007199254740991, -9007199254740991, 1e308, -1.7976931348623157e308, 5e-324, 2.2250738585072014e-308, 123456789012345680000],
  "empties": { "o": {}, "a": [], "nested": [[], [{}], { "x": {}, "y": [[]] }], "s": "" },
  "flags": { "n": null, "t": true, "f": false },
  "escapes": "\\"\\\\/\\b\\f\\n\\r\\t\\u0000\\u001f\\u2028\\u2029"
}`;

/** Seeds of the generated part: `seed` picks one of these many draws (a handful of values each), so values differ between executions. */
const DRAWS = 16;
const drawn = new Map<number, string>();

/** The generated part for `seed`, as JSON text (drawn once per process). */
function generatedText(seed: number): string {
  const key = seed % DRAWS;
  let text = drawn.get(key);
  if (text === undefined) {
    text = `[${sampleJson(4, 17_000 + key, 12).map((v) => v.text).join(',')}]`;
    drawn.set(key, text);
  }
  return text;
}

const PLACED = `[${machineryPlacements().map((v) => v.text).join(',')}]`;
const ENVELOPE = envelopeText();

/** A fresh copy of the awkward value, with a long string of `longBytes` characters, and the generated values of draw `seed`. */
export function awkwardJson(longBytes = 4096, seed = 0): Record<string, unknown> {
  const v = JSON.parse(TEXT) as Record<string, unknown>;
  v.long = 'ab€'.repeat(Math.ceil(longBytes / 3)).slice(0, longBytes);
  v.placed = JSON.parse(PLACED) as unknown;
  v.generated = JSON.parse(generatedText(seed)) as unknown;
  v.envelope = JSON.parse(ENVELOPE) as unknown;
  return v;
}
