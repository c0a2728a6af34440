/**
 * Session 36 (gaps37), synthetic histories: promise 29 holds the
 * revoke_token fault's revoke of the client's own token (note `revokeStep`,
 * harness/scenario/sim-client.ts) to 200 (promises-api-created.ts); any
 * other answer is reported with its status and code. The simulation shows it
 * caught (tests/sim/broken-gaps37.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import { H, baseContext } from './builder.js';

const messages = (note: Record<string, unknown>): string[] => {
  const h = new H();
  h.at(3000).rec.recordInfo(note);
  return checkHistory(h.history(), ['api-contract'], baseContext).map((v) => v.message);
};

describe('29 api-contract: the revoke_token fault revokes the client\'s token with 200', () => {
  it('passes 200; reports a 404 and a 500 with the status and code seen', () => {
    expect(messages({ revokeStep: { status: 200, tokenId: '0123456789abcdef' } })).toEqual([]);
    expect(messages({ revokeStep: { status: 404, tokenId: '0123456789abcdef', code: 'not_found' } })).toEqual([
      "POST /api/v1/tokens/0123456789abcdef/revoke (the revoke_token fault: an admin revokes the client's token) was answered 404 not_found at t=3000: a token the API created and nobody revoked is revoked with 200",
    ]);
    expect(messages({ revokeStep: { status: 500, tokenId: '0123456789abcdef' } })).toEqual([expect.stringMatching(/was answered 500 at t=3000: a token the API created/)]);
  });
});
