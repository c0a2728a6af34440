/**
 * Promise 29, the JSON depth probes (harness/check/promises-json-depth.ts),
 * on synthetic histories: a body at the limit answered as the one-level
 * reference and one past it refused with a deep path pass; the deeper one
 * answered like the reference (a check one level late), or the one at the
 * limit refused for depth (a level early), are reported.
 */
import { describe, expect, it } from 'vitest';
import { HTTP_ADVERSARY } from '../../harness/check/api-scopes.js';
import { checkHistory } from '../../harness/check/invariants.js';
import { H, baseContext } from './builder.js';

const DEEP = Array.from({ length: 64 }, () => 'a').join('.');
const SHALLOW = { status: 400, code: 'invalid_argument', path: 'a' };

function probes(at: object, over: object): H {
  const h = new H().at(10);
  for (const [levels, answer] of [[1, SHALLOW], [64, at], [65, over]] as const) h.rec.recordInfo({ httpDepth: { levels, limit: 64, ...answer } }, HTTP_ADVERSARY);
  return h;
}

const messages = (h: H): string[] => checkHistory(h.history(), ['api-contract'], baseContext).map((v) => v.message);

describe('29 api-contract: JSON depth at the limit and one past it', () => {
  it('passes a body at the limit answered as the reference and one past it refused naming the deep path', () => {
    expect(messages(probes(SHALLOW, { ...SHALLOW, path: DEEP }))).toEqual([]);
  });

  it('reports a body past the limit answered as the reference (checked one level late)', () => {
    expect(messages(probes(SHALLOW, SHALLOW))).toEqual([expect.stringMatching(/a JSON body nested 65 levels \(the limit is 64\) was answered 400 invalid_argument \(path a\): a body nested deeper than 64 levels must be refused/)]);
  });

  it('reports a body at the limit refused for its depth (checked one level early)', () => {
    const early = { ...SHALLOW, path: DEEP.slice(2) };
    expect(messages(probes(early, { ...SHALLOW, path: DEEP }))).toEqual([expect.stringMatching(/a JSON body nested 64 levels \(the limit is 64\) was answered .* not as the same body one level deep \(400 invalid_argument \(path a\)\): a body within the depth limit must pass the depth check/)]);
  });
});
