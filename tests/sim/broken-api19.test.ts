/**
 * Blind set 19's "numbers and identities the API reports" (#05, #07, #11,
 * #14; promise 29, api-contract), each broken variant injected through a
 * seam (tests/sim/broken/api19-variants.ts) and reported at seed 1 of the
 * scenario that exercises it, where the real system passes:
 *
 * - client-quotas: two clients named by x-squall-client and one sending
 *   none, behind one address, against a per-client quota: a quota that
 *   never sees the header refuses bob for alice's work (promises-quota.ts);
 * - api-numbers: gauge reads while a slow link keeps claims preparing: rttMs
 *   in seconds (promises-reads-instant.ts), stats `running` counting the
 *   preparing (the same), and, with more completions than the duration
 *   window, a window that stops rolling (promises-reads-window.ts).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import { clientHeaderUnseen, frozenWindow, rttInSeconds, runningCountsLeases, workerLoadCached } from './broken/api19-variants.js';
import { simVerdict } from './broken/verdict.js';

const scenario = (name: string) => loadScenario(join(import.meta.dirname, '..', '..', 'scenarios', `${name}.yaml`));

describe('api-contract: the numbers and identities the API reports (set 19)', () => {
  it('#05 a quota blind to x-squall-client is reported (client-quotas); the real quota passes', { timeout: 60_000 }, async () => {
    const s = await scenario('client-quotas');
    expect((await simVerdict(s)).text).toBe('');
    const broken = await simVerdict(s, { wrapHttp: clientHeaderUnseen });
    expect(broken.promises).toEqual(['api-contract']);
    expect(broken.text).toMatch(/refused 429 rate_limited at t=\d+ though client "bob" \(x-squall-client\) held at most 0 unfinished or pending executions/);
  });

  it('#07 #14 #11 rttMs in seconds, running counting the preparing and a frozen duration window are reported (api-numbers); the real system passes', { timeout: 60_000 }, async () => {
    const s = await scenario('api-numbers');
    expect((await simVerdict(s)).text).toBe('');
    const rtt = await simVerdict(s, { wrapHttp: rttInSeconds });
    expect(rtt.promises).toEqual(['api-contract']);
    expect(rtt.text).toMatch(/GET \/api\/v1\/workers lists w1 with rttMs 0\.\d+, but the coordinator's last round trip to it is \d+(\.\d+)? ms/);
    const running = await simVerdict(s, { engineFactory: runningCountsLeases });
    expect(running.promises).toEqual(['api-contract']);
    expect(running.text).toMatch(/GET \/api\/v1\/stats says running \d+, but its byStatus counts \d+ running \(and [1-9]\d* preparing/);
    const load = await simVerdict(s, { wrapHttp: workerLoadCached });
    expect(load.promises).toEqual(['api-contract']);
    expect(load.text).toMatch(/GET \/api\/v1\/workers lists \d+ execution\(s\) running on its workers \(w1 \d+, w2 \d+, w3 \d+\), but GET \/api\/v1\/stats counts \d+ leases held \(inFlight\)/);
    const frozen = await simVerdict(s, { engineFactory: frozenWindow });
    expect(frozen.promises).toEqual(['api-contract']);
    expect(frozen.text).toMatch(/durationsMs\.p50 \d+, but the last 8 of 40 completions \(the window of recent work\) give \d+/);
  });
});
