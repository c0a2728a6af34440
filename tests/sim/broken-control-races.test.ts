/**
 * Client controls racing an attempt's end (promise 24): scenarios/control-races.yaml
 * passes on the real system at seeds 1-3, and a paused execution whose failing
 * attempt is retried anyway (./broken/control-variants.ts) is caught; so is
 * a pause answered 200 while it still waits for the worker (promise 29), and
 * a delay queue that fires an execution by a stale entry of an earlier wait
 * (promise 5). Its pause-on-arrival pauses an attempt in the turn it starts,
 * while its start is held: a worker that reports that start twice
 * (./broken/dedupe-variants.ts, blind set 10 #24) is caught under promise 11.
 * A pause of a waiting execution that leaves it in the queues (blind set 11
 * #05) is caught by the final stats read (promise 29), and one that lets a
 * queued execution be claimed anyway by promise 24. A cancel that frees a
 * slot of the saturated worker while work waits and asks for no wake (blind
 * set 11 #08) is caught by promise 26's work-conserving dispatch. A pause
 * and a cancel while w1's session is detached reach it at the resume: an
 * abort dropped instead of queued (blind set 11 #14) is caught by promise 24.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import { pausePreparingAnswered200 } from './broken/api-variants.js';
import {
  PauseLeavesQueuesEngine,
  PauseLostOnFailureEngine,
  PauseLostWithLeaseEngine,
  PauseQueuedAsPendingEngine,
  ReleaseWithoutWakeEngine,
  StaleDelayEntryEngine,
  withAbortDroppedWhileDetached,
} from './broken/control-variants.js';
import { startFoldedAndSent, startSentTwice } from './broken/dedupe-variants.js';
import { engineFactoryOf } from './broken/variants.js';
import { simVerdict } from './broken/verdict.js';

const FILE = 'scenarios/control-races.yaml';

describe('control-races: pause and cancel while a failing attempt reports', () => {
  it.each([1, 2, 3])('passes on the real system (seed %i)', async (seed) => {
    const v = await simVerdict(await loadScenario(FILE), undefined, seed);
    expect(v.text).toBe('');
  });

  it.each([
    ['forgotten when the attempt fails: the retry runs while paused', PauseLostOnFailureEngine],
    ['forgotten when the lease is lost while the worker is down: re-queued and claimed while paused', PauseLostWithLeaseEngine],
    ['of a queued execution (its worker saturated) that lets it be claimed anyway', PauseQueuedAsPendingEngine],
  ])('catches a pause %s', async (_name, engine) => {
    const v = await simVerdict(await loadScenario(FILE), { engineFactory: engineFactoryOf(engine) });
    expect(v.promises).toEqual(['client-control']);
    expect(v.text).toMatch(/claimed at t=\d+ though a pause was answered at t=\d+ and resume was requested only at t=\d+: a paused execution waits for resume/);
  });

  it.each([
    ['a held start released before a checkpoint is sent again, folded into the result', startSentTwice],
    ['a start folded into a short attempt\'s result is also sent alone', startFoldedAndSent],
  ])('catches a worker that reports a start twice: %s', async (_name, onWorker) => {
    const v = await simVerdict(await loadScenario(FILE), { onWorker });
    expect(v.promises).toEqual(['delivery']);
    expect(v.text).toMatch(/w1 reported the start of lease \S+ \(\S+\) twice: .* an attempt's start is reported once/);
  });

  it('catches a pause of a claimed, not yet started execution answered 200 as if done (blind set 10 #17)', async () => {
    const v = await simVerdict(await loadScenario(FILE), { wrapHttp: pausePreparingAnswered200 });
    expect(v.promises).toEqual(['api-contract']);
    expect(v.text).toMatch(/a pause request for \S+ was answered 200 with status "preparing" at t=\d+: a pause still waiting for the worker to stop the attempt is answered 202/);
  });

  it('catches a delay queue whose stale entry (a retry delay the pause cut short) fires the next wait early (blind set 10 #04)', async () => {
    const v = await simVerdict(await loadScenario(FILE), { engineFactory: engineFactoryOf(StaleDelayEntryEngine) });
    expect(v.promises).toEqual(['retries']);
    expect(v.text).toMatch(/retried \d+ ms after failure 2; strategy fixed \(delay 3000, cap 60000\) asks for 3000 ms/);
  });

  it('catches a pause that leaves a waiting execution in the delay queue: counted by the stats read after the pause (blind set 11 #05)', async () => {
    const v = await simVerdict(await loadScenario(FILE), { engineFactory: engineFactoryOf(PauseLeavesQueuesEngine) });
    expect(v.promises).toEqual(['api-contract']);
    expect(v.text).toMatch(/GET \/api\/v1\/stats read right after the client's pause \S+ at t=\d+ counts \d+ ready and \d+ delayed executions, but only \d+ waiting to run/);
  });

  it('catches a released lease that asks for no wake: the cancelled slot idles until the worker\'s result (blind set 11 #08)', async () => {
    const v = await simVerdict(await loadScenario(FILE), { engineFactory: engineFactoryOf(ReleaseWithoutWakeEngine) });
    expect(v.promises).toEqual(['capacity']);
    expect(v.text).toMatch(/w1 released lease \S+ \(cancelled\) at t=\d+, leaving 3 of 4 slots held, while \S+ was ready \(since t=\d+\); the next claim came only at t=\d+: a freed slot is offered to the ready work within 5 ms/);
  });

  it('catches aborts dropped while the holder\'s session is detached: the pause never arrives, the cancel is revoked by the sync (blind set 11 #14)', async () => {
    const v = await withAbortDroppedWhileDetached(async () => simVerdict(await loadScenario(FILE)));
    expect(v.promises).toEqual(['client-control']);
    expect(v.text).toMatch(/cancel at t=\d+ of the attempt running on w1 while its session was detached; the session resumed at t=\d+ and the worker aborted it as "revoked" at t=\d+/);
    expect(v.text).toMatch(/pause at t=\d+ of the attempt running on w1 while its session was detached; the session resumed at t=\d+ and the worker ran it to its end at t=\d+/);
  });
});
