/**
 * Session 35 (gaps35b), synthetic histories: promise 29 holds the
 * revoke_token undo's create (note `revokeUndo`, harness/scenario/
 * sim-client.ts) to 201 with a token (promises-api-created.ts). The
 * simulation shows it caught (tests/sim/broken-revoke35.test.ts).
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
