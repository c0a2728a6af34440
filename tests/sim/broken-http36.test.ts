/**
 * HEAD is GET without the body on every GET route (promise 29,
 * api-contract; harness/scenario/adversary-methods.ts probeHead, judged by
 * harness/check/promises-api-methods.ts). Each broken variant is injected
 * through SimWiring.wrapHttp and reported at seed 1 of adversarial-clients,
 * where the real system passes:
 *
 * - HEAD refused 405 (Allow: GET) where GET is served, as before session 36;
 * - HEAD answered the GET's status and headers but a Content-Length of the
 *   dropped body (0), which a client takes as the resource's length.
 *
 * A HEAD answered with the GET's body is not among them: node (and the
 * simulation's wire reader) writes no body to a HEAD whatever the handler
 * gave, and the length it sends is then the GET's: nothing a client sees
 * differs (the unit test, system/coordinator/http-head.test.ts, holds the
 * handler to an empty body).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import { headLengthOfNothing, headRefused } from './broken/http36-variants.js';
import { simVerdict } from './broken/verdict.js';

const scenario = () => loadScenario(join(import.meta.dirname, '..', '..', 'scenarios', 'adversarial-clients.yaml'));

describe('api-contract: HEAD wherever GET (session 36)', () => {
  it('the real system passes adversarial-clients at seed 1', { timeout: 60_000 }, async () => {
    expect((await simVerdict(await scenario())).text).toBe('');
  });

  it('HEAD refused 405 on a GET route is reported', { timeout: 60_000 }, async () => {
    const broken = await simVerdict(await scenario(), { wrapHttp: headRefused });
    expect(broken.promises).toEqual(['api-contract']);
    expect(broken.text).toMatch(/HEAD \/api\/v1\/stats with an admin token \(the README documents GET, so HEAD too, through the same gate\) was answered 405, the GET around it 200: HEAD is answered the status GET is/);
  });

  it('a HEAD naming Content-Length 0 for a GET body is reported', { timeout: 60_000 }, async () => {
    const broken = await simVerdict(await scenario(), { wrapHttp: headLengthOfNothing });
    expect(broken.promises).toEqual(['api-contract']);
    expect(broken.text).toMatch(/HEAD \/api\/v1\/executions\/\{id\} with an admin token \(the README documents GET, so HEAD too, through the same gate\) was answered Content-Length "0", the GET around it read \d+ bytes/);
  });
});
