/**
 * Session 33's harness gaps, each injected through a seam and caught by a
 * promise, while the real system passes at the same seed:
 * - an answer no client can read (set 18 #07's content-length in UTF-16
 *   units, writeAnswer wrapped) met by the adversary's and the dashboard's
 *   own probes -> promise 29: the probes record what they got (probeCall,
 *   harness/scenario/sim-client.ts: status 0 and the client's error) and
 *   the run goes on to be judged; before, the first probe's HttpWireError
 *   crashed the run (adversarial-clients at seed 1), the only signal.
 */
import { describe, expect, it, vi } from 'vitest';
import type * as WsServer from '../../system/transport/ws-server.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import { flagOn, simVerdict, withPlanted } from './broken/verdict.js';

const plant = vi.hoisted(() => ({ utf16Length: false }));

vi.mock('../../system/transport/ws-server.js', async (importOriginal) => {
  const real = await importOriginal<typeof WsServer>();
  return {
    ...real,
    writeAnswer: (response: Parameters<typeof real.writeAnswer>[0], res: Parameters<typeof real.writeAnswer>[1]): void => {
      if (!plant.utf16Length || response.stream !== undefined) return real.writeAnswer(response, res);
      // Broken (set 18 #07): content-length is the body's UTF-16 length.
      res.writeHead(response.status, { 'content-length': String(response.body.length), ...response.headers });
      res.end(Buffer.from(response.body, 'utf8'));
    },
  };
});

describe('session 33: harness gaps', () => {
  it('an answer the adversary\'s probes cannot read is judged by promise 29, not a crash of the run', { timeout: 120_000 }, async () => {
    const s = await loadScenario('scenarios/adversarial-clients.yaml');
    expect((await simVerdict(s)).text).toBe('');
    const broken = await withPlanted(flagOn(plant, 'utf16Length'), () => simVerdict(s));
    expect(broken.promises).toContain('api-contract');
    // The probes' own records: the dashboard browser's page read got no answer (status 0, the parser's code).
    expect(broken.text).toMatch(/GET \/ui\/\S* \(dashboard, t=\d+\) was answered 0 HPE_INVALID_CONSTANT/);
    expect(broken.text).toMatch(/HTTPParserError: Response does not match the HTTP\/1\.1 protocol/);
  });
});
