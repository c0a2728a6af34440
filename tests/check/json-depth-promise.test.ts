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
    expect(messages(probes(SHALLOW, SHALLOW))).toEqual([expect.stringMatching(/a JSON body nested 65 levels through objects \(the limit is 64\) was answered 400 invalid_argument \(path a\): a body nested deeper than 64 levels must be refused/)]);
  });

  it('reports a body at the limit refused for its depth (checked one level early)', () => {
    const early = { ...SHALLOW, path: DEEP.slice(2) };
    expect(messages(probes(early, { ...SHALLOW, path: DEEP }))).toEqual([expect.stringMatching(/a JSON body nested 64 levels through objects \(the limit is 64\) was answered .* not as the same shape's small body \(400 invalid_argument \(path a\)\): a body within the depth limit must pass the depth check/)]);
  });

  it('keeps a reference per shape: arrays nest with their own reference', () => {
    const h = probes(SHALLOW, { ...SHALLOW, path: DEEP });
    for (const [levels, path] of [[1, ''], [64, ''], [65, '']] as const) h.rec.recordInfo({ httpDepth: { shape: 'arrays', levels, limit: 64, status: 400, code: 'invalid_argument', path } }, HTTP_ADVERSARY);
    expect(messages(h)).toEqual([expect.stringMatching(/^a JSON body nested 65 levels through arrays \(the limit is 64\) was answered 400 invalid_argument \(path \): a body nested deeper/)]);
  });
});

describe('29 api-contract: JSON values at the limit and one past it, every shape (set 17 #16)', () => {
  const REF = { status: 400, code: 'invalid_argument', path: 'reason' };
  function counts(shape: string, at: object, over: object): H {
    const h = new H().at(10);
    for (const [values, answer] of [[8, REF], [100000, at], [100001, over]] as const) h.rec.recordInfo({ httpValues: { shape, values, limit: 100000, ...answer } }, HTTP_ADVERSARY);
    return h;
  }

  it('passes a body at the limit answered as its reference and one past it refused for its size', () => {
    expect(messages(counts('scalars', REF, { ...REF, path: '' }))).toEqual([]);
  });

  it('reports a body of scalars past the limit answered as the reference (only containers counted)', () => {
    expect(messages(counts('scalars', REF, REF))).toEqual([expect.stringMatching(/^a JSON body of scalars holding 100001 values \(the limit is 100000\) was answered 400 invalid_argument \(path reason\): a body holding more than 100000 JSON values, whatever their kind, must be refused/)]);
  });

  it('reports a body at the limit refused (counted one early) and one past it accepted', () => {
    expect(messages(counts('empty-containers', { ...REF, path: '' }, { ...REF, path: '' }))).toEqual([expect.stringMatching(/holding 100000 values .* not as the same shape's small body \(400 invalid_argument \(path reason\)\): a body within the value limit/)]);
    expect(messages(counts('generated', REF, { status: 404, code: 'not_found' }))).toEqual([expect.stringMatching(/of generated holding 100001 values .* answered 404 not_found: a body holding more than/)]);
  });
});
