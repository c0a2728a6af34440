import { describe, expect, it } from 'vitest';
import { ENVELOPE_KEYS, envelopeText } from './envelope-json.js';
import { awkwardJson } from './awkward-json.js';

/** Every key path of a JSON value, with its position among its object's members. */
function placements(v: unknown, out: { key: string; first: boolean; last: boolean }[] = []): typeof out {
  if (Array.isArray(v)) for (const x of v) placements(x, out);
  else if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v);
    keys.forEach((key, i) => {
      out.push({ key, first: i === 0, last: i === keys.length - 1 });
      placements((v as Record<string, unknown>)[key], out);
    });
  }
  return out;
}

describe('envelope-shaped user data', () => {
  it('places every frame field and trailer name first, in the middle and last of an object', () => {
    const seen = placements(JSON.parse(envelopeText()));
    for (const key of ENVELOPE_KEYS) {
      const at = seen.filter((p) => p.key === key);
      expect(at.some((p) => p.first), key).toBe(true);
      expect(at.some((p) => p.last && !p.first), key).toBe(true);
      expect(at.some((p) => !p.first && !p.last), key).toBe(true);
    }
  });

  it('holds a trailer-shaped member after another one (what a codec searching from the start would take for the trailer)', () => {
    const text = envelopeText();
    expect(text).toContain(',"crc":"0badc0de"');
    expect(text).toMatch(/,"sig":"[0-9a-f]{64}"/);
  });

  it('is part of every awkward value and reads back as written', () => {
    const v = awkwardJson(16, 1);
    expect(JSON.stringify(v.envelope)).toBe(envelopeText());
  });
});
