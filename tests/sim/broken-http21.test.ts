/**
 * Blind set 21's HTTP misses (#14, #16; promise 29, api-contract), closed by
 * class in the HTTP adversary (harness/scenario/adversary-methods.ts,
 * judged by harness/check/promises-api-methods.ts). Each broken variant is
 * injected through a seam and reported at seed 1 of adversarial-clients,
 * where the real system passes:
 *
 * - a JSON media-type test comparing the whole header (SimWiring
 *   coordinatorPolicies.acceptsBody): the adversary's bodies typed
 *   `application/json; charset=utf-8` (and the simulated client's, whose
 *   shapes spell JSON that way too) refused 415;
 * - a revoke route serving every method (SimWiring.wrapHttp): the method
 *   matrix's GET on the adversary's own token's revoke route answered 200
 *   and the token revoked.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import { revokeAnyMethod, wholeHeaderMediaType } from './broken/http21-variants.js';
import { simVerdict } from './broken/verdict.js';

const scenario = () => loadScenario(join(import.meta.dirname, '..', '..', 'scenarios', 'adversarial-clients.yaml'));

describe('api-contract: media types and the method matrix (set 21)', () => {
  it('the real system passes adversarial-clients at seed 1', { timeout: 60_000 }, async () => {
    expect((await simVerdict(await scenario())).text).toBe('');
  });

  it('a media-type test comparing the whole Content-Type is reported (#14)', { timeout: 60_000 }, async () => {
    const broken = await simVerdict(await scenario(), { coordinatorPolicies: wholeHeaderMediaType });
    expect(broken.promises).toContain('api-contract');
    expect(broken.text).toMatch(/POST \/api\/v1\/executions with Content-Type "application\/json; charset=utf-8" and a body was answered 415 unsupported_media_type: its media type is application\/json/);
  });

  it('a revoke route serving every method is reported, with its effect (#16)', { timeout: 60_000 }, async () => {
    const broken = await simVerdict(await scenario(), { wrapHttp: revokeAnyMethod });
    expect(broken.promises).toEqual(['api-contract']);
    expect(broken.text).toMatch(/GET \/api\/v1\/tokens\/\{id\}\/revoke \(the README documents POST\) was answered 200: a method the route does not serve must be refused 405/);
    expect(broken.text).toMatch(/GET \/api\/v1\/tokens\/\{id\}\/revoke \(the README documents POST\) changed what the adversary reads: before token revokedAt null answering 200; .*, after token revokedAt \d+ answering 401/);
  });
});
