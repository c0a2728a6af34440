/**
 * Session 35 (gaps35b), synthetic histories: promise 29 holds the
 * revoke_token undo's create (note `revokeUndo`, harness/scenario/
 * sim-client.ts) to 201 with a token (promises-api-created.ts); promise 8
 * holds a token whose tokens.json entry is malformed to a 401 and its entry
 * to a report at load (promises-token-file.ts). The simulation shows them
 * caught (tests/sim/broken-revoke35.test.ts, broken-tokenfile35.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import { H, baseContext } from './builder.js';

const messages = (note: Record<string, unknown>): string[] => {
  const h = new H();
  h.at(2000).rec.recordInfo(note);
  return checkHistory(h.history(), ['api-contract'], baseContext).map((v) => v.message);
};

describe('29 api-contract: the revoke_token undo gets its token with 201', () => {
  it('passes 201 with a token; reports 200 with one and 500 without, with the status seen', () => {
    expect(messages({ revokeUndo: { status: 201, created: '0123456789abcdef' } })).toEqual([]);
    expect(messages({ revokeUndo: { status: 200, created: '0123456789abcdef' } })).toEqual([expect.stringMatching(/^POST \/api\/v1\/tokens \(the revoke_token undo: an admin makes the client a new submit token\) was answered 200 at t=2000 and made token 0123456789abcdef: a creation with a valid admin token is answered 201 Created with the token$/)]);
    expect(messages({ revokeUndo: { status: 500, code: 'internal' } })).toEqual([expect.stringMatching(/was answered 500 at t=2000 and showed no token \(internal\), so the client kept its revoked one/)]);
    expect(messages({ revokeUndo: { status: 201 } })).toEqual([expect.stringMatching(/was answered 201 at t=2000 and showed no token \(no error code\)/)]);
  });
});

describe('8 auth: a token whose stored entry is malformed is refused 401, its entry reported at load', () => {
  const probe = (status: number, reported: boolean, code?: string): string[] => {
    const h = new H();
    if (reported) h.at(1000).rec.recordInfo({ tokenFileBad: { index: 4, id: 'aaaaaaaaaaaaaaaa', problem: 'hash: a SHA-256 hash is 64 lowercase hex digits' } }, 'coordinator');
    h.at(1001).rec.recordInfo({ tokenFileProbe: { written: 999, entries: [{ id: 'aaaaaaaaaaaaaaaa', variant: 'truncated', status, ...(code === undefined ? {} : { code }) }] } });
    return checkHistory(h.history(), ['auth'], baseContext).map((v) => v.message);
  };

  it('passes a 401 with the entry reported; reports an acceptance, a 500 and a silent load', () => {
    expect(probe(401, true, 'invalid_token')).toEqual([]);
    expect(probe(200, true)).toEqual([expect.stringMatching(/^token aaaaaaaaaaaaaaaa, whose tokens.json entry has a truncated hash \(written at t=999\), was accepted \(200\)/)]);
    expect(probe(500, true, 'internal')).toEqual([expect.stringMatching(/was answered 500 internal: it is refused 401 as an unknown token, never a 500/)]);
    expect(probe(401, false)).toEqual([expect.stringMatching(/was never reported by the coordinator at the token file's load/)]);
  });
});
