/**
 * Leases across a store failure and the reload after it (committed.ts
 * settleLeases, core-leases.ts loseLease, engine-attempts.ts renewLeases and
 * syncHeldTasks). The simulation found work stuck for good when every worker
 * restarted while the store was failing (scenarios/disk-fault-restart.yaml):
 * the restarted workers' sync could not commit the loss, the reload brought
 * the leases back with a fresh lease period, and the new processes'
 * heartbeats (same worker ids) renewed leases they did not hold, forever.
 */
import { describe, expect, it } from 'vitest';
import { asWorkerId } from '../core/ids.js';
import { seededRandom } from '../core/random.js';
import { FaultyStore } from '../store/faulty-store.js';
import { MemoryStore } from '../store/memory-store.js';
import { claimFor, fakeClock, reportFor, startEngine, type FakeClock } from './testing.js';

const W1 = asWorkerId('w1');
const LEASE_MS = 2000;
const SWEEP_MS = 500;

async function setup() {
  const time = fakeClock();
  const disk = new FaultyStore(new MemoryStore(), time.clock, seededRandom(7));
  const t = await startEngine({ store: disk, time, config: { leaseMs: LEASE_MS, leaseSweepMs: SWEEP_MS } });
  const { executionId } = await t.engine.scheduleTask({ kind: 'echo' });
  const a = claimFor(t.engine, W1);
  await time.settle();
  /** Makes one commit fail (the store goes 'failing'), then lets the disk heal and a probe recover it. */
  const failOnce = async (during: () => Promise<unknown> | void = () => t.engine.scheduleTask({ kind: 'echo' })): Promise<void> => {
    disk.setMode({ type: 'disk_error', probability: 1 });
    await Promise.resolve(during()).catch(() => {});
    await time.settle();
    expect(t.engine.storeHealth().ok).toBe(false);
    disk.setMode({ type: 'ok' });
    await time.tickAsync(200);
    expect(t.engine.storeHealth().ok).toBe(true);
  };
  return { ...t, disk, executionId, a, failOnce };
}

/** Heartbeats of worker w1 (whatever process it is now) every 500 ms for `ms`. */
async function heartbeats(engine: { renewLeases(w: typeof W1): void }, time: FakeClock, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 500) {
    engine.renewLeases(W1);
    await time.tickAsync(500);
  }
}

describe('Engine: leases after the store recovered', () => {
  it('a sync that did not report a lease while the store was failing still loses it, whatever heartbeats follow', async () => {
    const { engine, time, executionId, a, disk } = await setup();
    disk.setMode({ type: 'disk_error', probability: 1 });
    await engine.scheduleTask({ kind: 'echo' }).catch(() => {});
    // w1 restarted: its new process holds nothing.
    expect(engine.syncHeldTasks(W1, [])).toEqual({ confirm: [], revoke: [] });
    disk.setMode({ type: 'ok' });
    await heartbeats(engine, time, 3 * LEASE_MS);
    const rec = engine.getExecution(executionId);
    expect(rec?.lease?.token === a.leaseToken).toBe(false);
    expect(rec?.status).not.toBe('running');
  });

  it('a reload keeps the expiry the holder earned: a silent holder loses its lease one lease period after it went quiet', async () => {
    const { engine, time, executionId, a, failOnce } = await setup();
    await time.tickAsync(LEASE_MS - 300);
    await failOnce();
    await time.tickAsync(SWEEP_MS + 100);
    expect(engine.getExecution(executionId)?.lease?.token === a.leaseToken).toBe(false);
  });

  it('a loss rolled back by a failed commit is redone after recovery, with one abort, and a sync does not confirm it', async () => {
    const { engine, time, executionId, a, dispatcher, failOnce } = await setup();
    await failOnce(() => {
      engine.syncHeldTasks(W1, []);
    });
    // The same worker, on a resumed session, still reports the lease before it read the abort.
    const held = { executionId, attempt: a.attempt, leaseToken: a.leaseToken, state: 'running' as const };
    expect(engine.syncHeldTasks(W1, [held]).confirm).toEqual([]);
    await heartbeats(engine, time, LEASE_MS + SWEEP_MS);
    expect(engine.getExecution(executionId)?.lease?.token === a.leaseToken).toBe(false);
    expect(dispatcher.aborts.filter((x) => x.leaseToken === a.leaseToken)).toHaveLength(1);
  });

  it('a lease whose result failed to commit comes back unconfirmed: heartbeats alone do not keep it', async () => {
    const { engine, time, executionId, a, failOnce } = await setup();
    await failOnce(() => engine.onResult(reportFor(a, 'completed')));
    expect(engine.getExecution(executionId)?.lease?.token).toBe(a.leaseToken);
    await heartbeats(engine, time, LEASE_MS + SWEEP_MS);
    expect(engine.getExecution(executionId)?.lease?.token === a.leaseToken).toBe(false);
  });

  it('a live holder (syncing, heartbeating) keeps its lease across a reload, and its result is recorded', async () => {
    const { engine, time, executionId, a, failOnce } = await setup();
    await failOnce();
    const held = { executionId, attempt: a.attempt, leaseToken: a.leaseToken, state: 'running' as const };
    for (let t = 0; t < 3 * LEASE_MS; t += 500) {
      engine.syncHeldTasks(W1, [held]);
      engine.renewLeases(W1);
      await time.tickAsync(500);
    }
    expect(engine.getExecution(executionId)?.lease?.token).toBe(a.leaseToken);
    expect(engine.getExecution(executionId)?.status).toBe('preparing');
    expect(await engine.onResult(reportFor(a, 'completed'))).toBe('recorded');
  });
});
