/**
 * copyData: the deep copy the in-memory store makes of what it is given and
 * what it hands out (so a caller can never alias stored state). Records are
 * plain data (JSON values, plus `undefined`), and for plain data a walk in
 * JavaScript is several times cheaper than structuredClone's serialise and
 * deserialise round trip (structuredClone was ~5% of a simulation's CPU).
 * A CompactHistory (an engine record's statusHistory) is copied as the
 * array of entries it stands for. Anything else that is not plain data (a Date, a Map, a class instance, a
 * function, a cycle or a structure deeper than MAX_DEPTH) goes through
 * structuredClone as before, so the semantics, errors included, are
 * structuredClone's.
 */

import { CompactHistory } from '../core/status-history.js';

/** Nesting beyond which the walk hands the whole value to structuredClone (cycles end up here). */
const MAX_DEPTH = 64;

/** Thrown inside the walk to fall back to structuredClone for the whole value. */
const NOT_PLAIN = Symbol('not plain data');

/** A deep copy of `value` with structuredClone's semantics, fast for plain data. */
export function copyData<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return typeof value === 'function' || typeof value === 'symbol' ? structuredClone(value) : value;
  try {
    return walk(value, 0) as T;
  } catch (err) {
    if (err === NOT_PLAIN) return structuredClone(value);
    throw err;
  }
}

function walk(v: unknown, depth: number): unknown {
  if (typeof v !== 'object' || v === null) {
    if (typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint') throw NOT_PLAIN;
    return v;
  }
  if (depth > MAX_DEPTH) throw NOT_PLAIN;
  // An engine record's compact status history: copied as the plain entries it stands for (fresh objects).
  if (v instanceof CompactHistory) return v.slice();
  if (Array.isArray(v)) {
    if (Object.getPrototypeOf(v) !== Array.prototype) throw NOT_PLAIN;
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) {
      if (!(i in v)) throw NOT_PLAIN; // holes: structuredClone keeps them
      out[i] = walk(v[i], depth + 1);
    }
    return out;
  }
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) throw NOT_PLAIN;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    const x = walk((v as Record<string, unknown>)[k], depth + 1);
    if (k === '__proto__') Object.defineProperty(out, k, { value: x, enumerable: true, writable: true, configurable: true });
    else out[k] = x;
  }
  return out;
}
