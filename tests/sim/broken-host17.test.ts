/**
 * Blind set 17's host faults (a child killed by a signal, the store's SQLite
 * thread dying), each as a broken variant injected through a seam and
 * reported at seed 1 of its scenario, where the real system passes.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import { withDeadThreadRequestsKept } from './broken/host17-variants.js';
import { signalDeathReadAsSuccess } from './broken/resources-variants.js';
import { simVerdict } from './broken/verdict.js';

describe('blind set 17: the host underneath fails', () => {
  it('host-signals: a command killed by a signal completing with exit code 0 (set 17 #27) is reported (resources)', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario('scenarios/host-signals.yaml');
    expect((await simVerdict(scenario)).text).toBe('');
    const broken = await simVerdict(scenario, { resources: { spawn: signalDeathReadAsSuccess } });
    expect(broken.promises).toEqual(['resources']);
    expect(broken.text).toMatch(/attempt \d+ of execution \w+ on w\d completed at t=\d+, but its child process \d+ was killed by SIGSEGV at t=\d+: exit 0 alone completes a command/);
    expect(broken.text).toMatch(/attempt 1 of execution \w+ on w\d completed at t=\d+, but its child process \d+ was killed by SIGKILL/);
  });

  it('store-thread-death: the requests a dead SQLite thread had outstanding never settled (set 17 #25) are reported (api-contract, store-health)', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario('scenarios/store-thread-death.yaml');
    expect((await simVerdict(scenario)).text).toBe('');
    const broken = await withDeadThreadRequestsKept(() => simVerdict(scenario));
    expect(broken.promises).toEqual(expect.arrayContaining(['api-contract', 'store-health']));
    expect(broken.text).toMatch(/a submission \(\S+\) sent at t=\d+ got no answer until its coordinator died at t=1400, \d+ ms later: the coordinator answers a submission once its store write settles/);
    expect(broken.text).toMatch(/a \w+ staged at t=\d+ was neither committed nor failed when the coordinator crashed at t=1400/);
  });
});
