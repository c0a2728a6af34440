/**
 * Blind set 16's HTTP-edge misses (#12, #14, #26; promise 29, api-contract):
 * the simulated clients send in the shapes of real HTTP clients
 * (harness/scenario/client-shapes.ts) and the simulation's HTTP path runs
 * node's parser limits and the real server's request making
 * (harness/sim/http-wire.ts). Each broken variant is injected through a seam
 * and reported at seed 1 of the scenario that exercises it, where the real
 * system passes:
 *
 * - global-cap's client submits one connection per request, curl-like, with
 *   a quota of 24: a peer taken with its source port makes each connection a
 *   new client, and a batch is acknowledged past the quota (vi.mock of
 *   system/transport/ws-server.js httpRequestOf, off for the real run);
 * - adversarial-clients' token administrator and scope probes spell the
 *   Bearer scheme in every case: a case-sensitive match refuses a valid
 *   token 401 (SimWiring.wrapHttp);
 * - adversarial-clients' HTTP adversary sends 65 KiB of headers, past node's
 *   own parser cap: an overflow code that no longer matches answers 400
 *   malformed instead of 431 (vi.mock of system/transport/http-limits.js
 *   parserErrorAnswer).
 */
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import type * as Limits from '../../system/transport/http-limits.js';
import type * as Server from '../../system/transport/ws-server.js';
import { caseSensitiveScheme, misspelledOverflow, withPort } from './broken/http16-variants.js';
import { simVerdict } from './broken/verdict.js';

const planted = vi.hoisted(() => ({ withPort: false, misspelledOverflow: false }));
vi.mock('../../system/transport/ws-server.js', async (importOriginal) => {
  const real = await importOriginal<typeof Server>();
  return { ...real, httpRequestOf: (req: Parameters<typeof real.httpRequestOf>[0], body: string) => real.httpRequestOf(planted.withPort ? withPort(req) : req, body) };
});
vi.mock('../../system/transport/http-limits.js', async (importOriginal) => {
  const real = await importOriginal<typeof Limits>();
  return { ...real, parserErrorAnswer: (code: string | undefined) => (planted.misspelledOverflow ? misspelledOverflow(real.parserErrorAnswer) : real.parserErrorAnswer)(code) };
});

const scenario = (name: string) => loadScenario(join(import.meta.dirname, '..', '..', 'scenarios', `${name}.yaml`));

async function withPlanted<T>(key: keyof typeof planted, run: () => Promise<T>): Promise<T> {
  planted[key] = true;
  try {
    return await run();
  } finally {
    planted[key] = false;
  }
}

describe('api-contract: the shapes of real HTTP clients reach the documented answers (set 16)', () => {
  it('a client keyed by address and port is reported (global-cap: one connection per request, quota 24); the real server keys by address', { timeout: 60_000 }, async () => {
    const s = await scenario('global-cap');
    expect((await simVerdict(s)).text).toBe('');
    const broken = await withPlanted('withPort', () => simVerdict(s));
    expect(broken.promises).toEqual(['api-contract']);
    expect(broken.text).toMatch(/a submission of 6 executions \(a batch or graph counts each\) acknowledged at t=\d+ left the client with \d+ unfinished executions, past its quota of 24/);
  });

  it('a case-sensitive Bearer scheme is reported (adversarial-clients: every spelling of the scheme); the real gate takes any case', { timeout: 60_000 }, async () => {
    const s = await scenario('adversarial-clients');
    expect((await simVerdict(s)).text).toBe('');
    const broken = await simVerdict(s, { wrapHttp: caseSensitiveScheme });
    expect(broken.promises).toContain('api-contract');
    expect(broken.text).toMatch(/token administration at t=\d+: GET \/api\/v1\/tokens with an admin token was answered 401/);
  });

  it("headers past node's parser cap answered 400 are reported (adversarial-clients: 65 KiB probe); the real mapping answers 431", { timeout: 60_000 }, async () => {
    const s = await scenario('adversarial-clients');
    const broken = await withPlanted('misspelledOverflow', () => simVerdict(s));
    expect(broken.promises).toEqual(['api-contract']);
    expect(broken.text).toMatch(/a request whose header names and values are 66560 bytes was answered 400 malformed at t=\d+: the README allows at most 16384: it must be refused 431 headers_too_large/);
  });
});
