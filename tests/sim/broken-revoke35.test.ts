/**
 * Session 35 (gaps35b): the revoke_token fault's undo (an admin makes the
 * simulated client a new submit token through POST /api/v1/tokens) threw
 * unless the answer was 201 with a token: the fault's undo failed, was
 * noted, and the run went on and passed. Now the undo notes what it got
 * (`revokeUndo`, harness/scenario/sim-client.ts) and promise 29 reports any
 * other answer with the status seen (promises-api-created.ts). Broken
 * variants on adversarial-clients without its token administrator (which
 * judges its own creates), at seed 1 where the real system passes: the
 * create answered 200 (blind set 20 #13's class, wrapHttp), and answered
 * 500 internal with no token.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import type { Scenario } from '../../harness/scenario/schema.js';
import type { HttpHandler } from '../../system/core/index.js';
import { tokenCreated200 } from './broken/api20-variants.js';
import { simVerdict } from './broken/verdict.js';

/** POST /api/v1/tokens fails as an internal error: 500, no token. */
function tokenCreate500(handle: HttpHandler): HttpHandler {
  return async (req) => {
    const res = await handle(req);
    if (req.method !== 'POST' || req.path !== '/api/v1/tokens' || res.status !== 201) return res;
    return { ...res, status: 500, body: JSON.stringify({ error: { code: 'internal', message: 'internal error' } }) };
  };
}

const withoutTokenAdmin = async (): Promise<Scenario> => {
  const s = await loadScenario(join(import.meta.dirname, '..', '..', 'scenarios', 'adversarial-clients.yaml'));
  return { ...s, clientReads: s.clientReads.filter((r) => r.read !== 'tokens') };
};

describe('29 api-contract: the revoke_token undo\'s create answered other than 201 is a failed promise, not a failed undo', () => {
  it('adversarial-clients passes; its undo answered 200, or 500 without a token, fails promise 29 with the status seen', { timeout: 90_000 }, async () => {
    const s = await withoutTokenAdmin();
    expect((await simVerdict(s)).text).toBe('');
    const ok200 = await simVerdict(s, { wrapHttp: tokenCreated200 });
    expect(ok200.promises).toEqual(['api-contract']);
    expect(ok200.text).toMatch(/POST \/api\/v1\/tokens \(the revoke_token undo: an admin makes the client a new submit token\) was answered 200 at t=\d+ and made token [0-9a-f]{16}: a creation with a valid admin token is answered 201 Created/);
    const failed = await simVerdict(s, { wrapHttp: tokenCreate500 });
    expect(failed.promises).toContain('api-contract');
    expect(failed.text).toMatch(/was answered 500 at t=\d+ and showed no token \(internal\), so the client kept its revoked one/);
  });
});
