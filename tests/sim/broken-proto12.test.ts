/**
 * Worker protocol handling per attempt (blind set 12 #22, #23; variants in
 * ./broken/proto12-variants.ts). #23: control-races' pause-on-arrival pauses
 * an attempt in the turn it starts, while its start is held; a worker whose
 * checkpoint does not send the held start first is caught by promise 11's
 * attempt order (harness/check/promises-outbox.ts checkAttemptOrder). #22:
 * lone-worker's own work comes back to it while the old attempts settle; a
 * worker that ignores an assign for an execution it is running, whatever the
 * lease, is caught by promise 11's assigns acted on
 * (harness/check/promises-assign-acted.ts).
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import { assignForRunningIgnored, checkpointBeforeHeldStart } from './broken/proto12-variants.js';
import { simVerdict } from './broken/verdict.js';

describe('an attempt sends its start before anything else (set 12 #23)', () => {
  it('control-races passes, and a checkpoint sent before the held start is caught', async () => {
    const scenario = await loadScenario('scenarios/control-races.yaml');
    expect((await simVerdict(scenario)).text).toBe('');
    const v = await simVerdict(scenario, { onWorker: checkpointBeforeHeldStart });
    expect(v.promises).toEqual(['delivery']);
    expect(v.text).toMatch(/sent checkpoint 1 of lease \S+ \(seq \d+\) at t=\d+ before that attempt's started/);
  });
});

describe('an assign is run or refused, never dropped (set 12 #22)', () => {
  it('lone-worker passes, and an assign for a running execution ignored whatever its lease is caught', async () => {
    const scenario = await loadScenario('scenarios/lone-worker.yaml');
    expect((await simVerdict(scenario)).text).toBe('');
    const v = await simVerdict(scenario, { onWorker: assignForRunningIgnored });
    expect(v.promises).toEqual(['delivery']);
    expect(v.text).toMatch(/w1 was handed the assign of lease \S+ \(\S+, seq \d+\) at t=\d+ and neither started it nor refused it with a result/);
  });
});
