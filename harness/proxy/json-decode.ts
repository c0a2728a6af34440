/**
 * Decoding request bodies the way Go's encoding/json does for Toxiproxy's
 * structs: keys match case-insensitively (an exact match wins), `null` and
 * absent leave the default, a wrong type is a 400 "bad request body: json: ...",
 * and integer fields reject any number literal with a fraction or exponent
 * (`1.0`, `1e3`), as Go does. Unknown keys are ignored. Like json.Decoder,
 * only the first JSON value of a body is read: text after it is ignored.
 */
import { apiErrors } from './api-error.js';

/** A decoded JSON object. */
export type JsonObject = Record<string, unknown>;

/** A number written with a fraction or exponent (`1.0`, `1e3`): Go refuses it for an int field even when whole. */
class RawNumber {
  constructor(
    readonly value: number,
    readonly raw: string,
  ) {}
}

const MARK = '\u0000num:';

/**
 * The first JSON value of `text` (json.Decoder reads one value and leaves the
 * rest), with every non-integer number literal turned into a marked string the
 * reviver makes a RawNumber of. Returns undefined when no value ends.
 */
function firstValue(text: string): string | undefined {
  let out = '';
  let depth = 0;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    const rest = text.slice(i);
    let token: string | undefined;
    if (ch === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      token = text.slice(i, j + 1);
      out += token;
    } else if (/[-0-9]/.test(ch)) {
      const m = /^-?\d+(\.\d+)?([eE][-+]?\d+)?/.exec(rest);
      token = m?.[0] ?? ch;
      out += m?.[1] !== undefined || m?.[2] !== undefined ? JSON.stringify(MARK + token) : token;
    } else if (/[a-z]/i.test(ch)) {
      token = /^[a-z]+/i.exec(rest)?.[0] ?? ch;
      out += token;
    }
    if (token !== undefined) {
      i += token.length;
      if (depth === 0) return out;
      continue;
    }
    out += ch;
    i++;
    if (ch === '{' || ch === '[') depth++;
    else if ((ch === '}' || ch === ']') && --depth <= 0) return out;
  }
  return undefined;
}

/** Parses a body's first JSON value; an empty body is Go's `EOF`. */
export function parseBody(text: string): unknown {
  if (text.trim().length === 0) throw apiErrors.badRequestBody('EOF');
  const first = firstValue(text) ?? text;
  try {
    return JSON.parse(first, (_k, v: unknown) => (typeof v === 'string' && v.startsWith(MARK) ? new RawNumber(Number(v.slice(MARK.length)), v.slice(MARK.length)) : v)) as unknown;
  } catch (err) {
    throw apiErrors.badRequestBody(err instanceof Error ? err.message : String(err));
  }
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (v instanceof RawNumber) return 'number';
  return typeof v === 'object' ? 'object' : typeof v;
}

function mismatch(v: unknown, goType: string, where: string): Error {
  return apiErrors.badRequestBody(`json: cannot unmarshal ${jsonKind(v)} into Go ${where} of type ${goType}`);
}

/** The body as an object; `null` decodes to no fields, anything else not an object is a type error. */
export function asObject(v: unknown, goType: string, where = 'value'): JsonObject {
  if (v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v) || v instanceof RawNumber) throw mismatch(v, goType, where);
  return v as JsonObject;
}

/** Looks a key up like Go: exact first, then case-insensitive. */
export function lookup(obj: JsonObject, key: string): unknown {
  if (Object.hasOwn(obj, key)) return obj[key];
  const lower = key.toLowerCase();
  for (const k of Object.keys(obj)) if (k.toLowerCase() === lower) return obj[k];
  return undefined;
}

/** A string field, or undefined when absent/null. */
export function stringField(obj: JsonObject, key: string, where: string): string | undefined {
  const v = lookup(obj, key);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw mismatch(v, 'string', `struct field ${where}.${key}`);
  return v;
}

/** A bool field, or undefined when absent/null. */
export function boolField(obj: JsonObject, key: string, where: string): boolean | undefined {
  const v = lookup(obj, key);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw mismatch(v, 'bool', `struct field ${where}.${key}`);
  return v;
}

/** A float field (Go float32/float64), or undefined when absent/null. */
export function floatField(obj: JsonObject, key: string, where: string, goType = 'float32'): number | undefined {
  const raw = lookup(obj, key);
  if (raw === undefined || raw === null) return undefined;
  const v = raw instanceof RawNumber ? raw.value : raw;
  if (typeof v !== 'number') throw mismatch(v, goType, `struct field ${where}.${key}`);
  return goType === 'float32' ? float32(v) : v;
}

/**
 * Rounds to float32 and back to the shortest decimal that names the same
 * float32, so 0.1 stays 0.1 in responses (Go prints float32 that way).
 */
export function float32(v: number): number {
  const f = Math.fround(v);
  if (!Number.isFinite(f)) return f;
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(f.toPrecision(p));
    if (Math.fround(candidate) === f) return candidate;
  }
  return f;
}

/** An integer field (Go int64), or undefined when absent/null; a fraction is a type error. */
export function intField(obj: JsonObject, key: string, where: string): number | undefined {
  const v = lookup(obj, key);
  if (v === undefined || v === null) return undefined;
  if (v instanceof RawNumber || (typeof v === 'number' && !Number.isInteger(v))) {
    throw apiErrors.badRequestBody(`json: cannot unmarshal number ${v instanceof RawNumber ? v.raw : v} into Go struct field ${where}.${key} of type int64`);
  }
  if (typeof v !== 'number') throw mismatch(v, 'int64', `struct field ${where}.${key}`);
  return v;
}
