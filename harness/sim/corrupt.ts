/**
 * Where a `corrupt` rule flips its bit, and what it hit. A frame is a JSON
 * object serialised compactly (system/protocol/codec.ts encode); the checker
 * wants to know which top-level member a flip landed in (a flipped "v" or
 * "type" must still read as an integrity failure, promise 8), and a rule may
 * aim its flips at named members (`fields`) so a short run reaches those
 * states at all: a random bit of a 200-byte frame lands in "v" 1 time in 200.
 */

/** A corrupted frame: the text the receiver gets and the member the flip hit ('' if none: braces, commas, an unparsable frame). */
export interface Corruption {
  text: string;
  field: string;
}

/** End (exclusive) of the JSON string starting at `i` (a '"'). */
function stringEnd(text: string, i: number): number {
  let j = i + 1;
  while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
  return j + 1;
}

/** End (exclusive) of the JSON value starting at `i`: up to the ',' or '}' that closes it at depth 0. */
function valueEnd(text: string, i: number): number {
  let depth = 0;
  let j = i;
  while (j < text.length) {
    const c = text[j];
    if (c === '"') {
      j = stringEnd(text, j);
      continue;
    }
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      if (depth === 0) return j;
      depth--;
    } else if (c === ',' && depth === 0) return j;
    j++;
  }
  return j;
}

/** Top-level members of a compact JSON object: name → [key start, value start, value end) in UTF-16 units. */
function memberSpans(text: string): Map<string, { key: number; start: number; end: number }> {
  const out = new Map<string, { key: number; start: number; end: number }>();
  if (!text.startsWith('{')) return out;
  let i = 1;
  while (i < text.length && text[i] === '"') {
    const keyEnd = stringEnd(text, i);
    const name = text.slice(i + 1, keyEnd - 1);
    if (text[keyEnd] !== ':') break;
    const end = valueEnd(text, keyEnd + 1);
    out.set(name, { key: i, start: keyEnd + 1, end });
    if (text[end] !== ',') break;
    i = end + 1;
  }
  return out;
}

/** The top-level member whose key or value holds UTF-16 unit `at` ('' if none). */
function memberAt(text: string, at: number): string {
  for (const [name, s] of memberSpans(text)) if (at >= s.key && at < s.end) return name;
  return '';
}

/** Byte range [from, to) of the values of the first of `fields` present in the frame (picked with `pick`), or the whole frame. */
function targetBytes(text: string, total: number, pick: (max: number) => number, fields: readonly string[] | undefined): [number, number] {
  if (fields === undefined || fields.length === 0) return [0, total];
  const spans = memberSpans(text);
  const present = fields.filter((f) => spans.has(f));
  if (present.length === 0) return [0, total];
  const s = spans.get(present[pick(present.length - 1)] ?? '');
  if (s === undefined || s.end <= s.start) return [0, total];
  return [Buffer.byteLength(text.slice(0, s.start)), Buffer.byteLength(text.slice(0, s.end))];
}

/**
 * Flips one bit of the frame's UTF-8 bytes (position from `pick`; within the
 * value of one of `fields` when the frame has one) and decodes the result as
 * the receiver would. Differs from the input for any non-empty frame (tries
 * the next bit if a flip decodes to the same text).
 */
export function corruptFrameIn(text: string, pick: (max: number) => number, fields?: readonly string[]): Corruption {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length === 0) return { text, field: '' };
  const [from, to] = targetBytes(text, bytes.length, pick, fields);
  const spanBits = (to - from) * 8;
  const first = pick(spanBits - 1);
  for (let i = 0; i < bytes.length * 8; i++) {
    const bit = from * 8 + ((first + i) % (bytes.length * 8));
    const at = bit >> 3 < bytes.length ? bit : bit - bytes.length * 8;
    const copy = Buffer.from(bytes);
    copy[at >> 3] = (copy[at >> 3] ?? 0) ^ (1 << (at & 7));
    const out = copy.toString('utf8');
    if (out !== text) return { text: out, field: memberAt(text, bytes.subarray(0, at >> 3).toString('utf8').length) };
  }
  return { text, field: '' };
}
