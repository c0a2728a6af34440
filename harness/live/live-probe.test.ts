/**
 * Each live probe, met by a fake misbehaving system, fails the promise it
 * names (a `liveProbe` note the checker reports), instead of crashing the
 * run: workers that never sync (10), a coordinator that does not come back
 * healthy after a restart or a kill (7), end-of-run reads that get no answer
 * (29). A well-behaved fake leaves no note.
 */
import { describe, expect, it } from 'vitest';
import { HistoryRecorder } from '../check/history.js';
import { checkHistory } from '../check/invariants.js';
import type { CheckContext } from '../check/context.js';
import { loadScenario } from '../scenario/loader.js';
import type { CoordinatorHttp, HttpCall } from '../scenario/http-client.js';
import type { ScheduledFault } from '../scenario/swarm.js';
import { applyLiveFault, type LiveFaultContext } from './live-faults.js';
import { liveFinalStatuses } from './live-run.js';
import { awaitSynced } from './live-probe.js';
import type { LiveSystem } from './live-system.js';
import { TimelineBuffer } from './timeline-buffer.js';

const ctx: CheckContext = { heartbeatMs: 500, heartbeatTimeoutMs: 2000, leaseMs: 3000, healMs: 10_000, backoff: { strategy: 'full-jitter', initialMs: 100, maxMs: 2000, multiplier: 2 }, toleranceMs: 100, minCapSpread: 0.5 };

/** The notes a probe left, as a history, and the checker's messages for `promise` over it. */
function judged(notes: Record<string, unknown>[], promise: 'liveness' | 'durability' | 'api-contract'): string[] {
  const rec = new HistoryRecorder({ now: () => 1000 });
  for (const n of notes) rec.recordInfo(n);
  return checkHistory(rec.history(), [promise], ctx).map((v) => v.message);
}

describe('fleet-ready: workers that never sync fail promise 10, not the run', () => {
  it('notes the workers still unsynced at the deadline and returns them', async () => {
    let now = 0;
    const notes: Record<string, unknown>[] = [];
    const late = await awaitSynced(() => ['w2', 'w3'], 3, 500, () => now, async (ms) => void (now += ms), (v) => notes.push(v));
    expect(late).toEqual(['w2', 'w3']);
    expect(judged(notes, 'liveness')).toEqual([expect.stringMatching(/^the live probe fleet-ready at t=1000 met a misbehaving system: 2 of 3 workers never synced with the coordinator after starting \(w2, w3\)/)]);
  });

  it('leaves no note when the fleet syncs before the deadline', async () => {
    let now = 0;
    const notes: Record<string, unknown>[] = [];
    const late = await awaitSynced(() => (now < 200 ? ['w1'] : []), 1, 500, () => now, async (ms) => void (now += ms), (v) => notes.push(v));
    expect([late, notes]).toEqual([[], []]);
  });
});

describe('coordinator-restart: a coordinator that does not come back fails promise 7, not the run', () => {
  const fault = (type: 'restart' | 'kill'): ScheduledFault => ({ at: 0, target: 'coordinator', action: { type } }) as unknown as ScheduledFault;
  /** A fault context whose coordinator never answers /healthz again (start rejects as waitHealthy does). */
  async function faultCtx(notes: Record<string, unknown>[]): Promise<LiveFaultContext> {
    const unhealthy = (): Promise<void> => Promise.reject(new Error('no healthy answer from http://127.0.0.1:1/healthz within 60000 ms (last: ECONNREFUSED) (exited with 1)'));
    const coordinator = { running: false, restart: unhealthy, start: unhealthy, kill9: async () => undefined };
    return { scenario: await loadScenario('scenarios/coordinator-crash-restart.yaml'), coordinator, note: (v: Record<string, unknown>) => notes.push(v) } as unknown as LiveFaultContext;
  }

  it('notes a restart whose coordinator never gets healthy, and the run goes on', async () => {
    const notes: Record<string, unknown>[] = [];
    await expect(applyLiveFault(await faultCtx(notes), fault('restart'), 'f1')).resolves.toBeTypeOf('function');
    expect(judged(notes, 'durability')).toEqual([expect.stringMatching(/the live probe coordinator-restart at t=1000 met a misbehaving system: the coordinator did not come back after a restart \(kill -9, start\): no healthy answer .* \(exited with 1\)$/)]);
  });

  it('notes a kill whose undo cannot start the coordinator again', async () => {
    const notes: Record<string, unknown>[] = [];
    const undo = await applyLiveFault(await faultCtx(notes), fault('kill'), 'f1');
    expect(notes).toEqual([]);
    await expect(undo()).resolves.toBeUndefined();
    expect(judged(notes, 'durability')).toEqual([expect.stringMatching(/the coordinator did not come back after its kill -9: no healthy answer/)]);
  });
});

describe('final-read: end-of-run reads with no readable answer fail promise 29', () => {
  it('notes the failed read instead of a note nothing judges', async () => {
    const buffer = new TimelineBuffer(0);
    const sys = { buffer, coordinator: { token: 'tok' }, pollEvents: () => undefined } as unknown as LiveSystem;
    const http = { listExecutions: () => Promise.reject(new Error('GET /api/v1/executions answered 500 internal')), workers: () => Promise.resolve([]) } as unknown as CoordinatorHttp;
    const call: HttpCall = () => Promise.reject(new Error('unreachable'));
    const statuses = await liveFinalStatuses(sys, http, call, { t0: 0, executions: [], workers: [] }, ['e1']);
    expect(statuses).toEqual({ e1: null });
    const notes = buffer.history().filter((r) => r.f === 'note').map((r) => r.value);
    expect(judged(notes, 'api-contract')).toEqual([expect.stringMatching(/the live probe final-read at t=1000 met a misbehaving system: the end-of-run HTTP reads \(listing, stats, workers\) failed: Error: GET \/api\/v1\/executions answered 500 internal/)]);
  });
});
