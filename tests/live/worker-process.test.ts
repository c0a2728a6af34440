/**
 * A worker as its own CLI process (`bin/squall.js worker --events-file`):
 * its events are tailed with their monotonic stamps, and after a kill -9 and
 * a restart under the same id it registers and syncs again.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CoordinatorHttp, fetchCall } from '../../harness/scenario/http-client.js';
import { CoordinatorProcess } from '../../harness/live/coordinator-process.js';
import { delay } from '../../harness/proc/index.js';
import type { StampedEvent } from '../../harness/live/swarm-host-process.js';
import { WorkerProcess } from '../../harness/live/worker-process.js';

async function until(cond: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return true;
    await delay(50);
  }
  return false;
}

describe('live: worker CLI process', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  });

  it('the coordinator logs its dashboard URL beside "coordinator listening"', async () => {
    const coordinator = new CoordinatorProcess({ logLevel: 'info' });
    cleanups.push(() => coordinator.stop());
    await coordinator.start();
    const line = (): string | undefined => coordinator.outputTail().split('\n').find((l) => l.includes('coordinator listening') && l.includes('"http"'));
    expect(await until(() => line() !== undefined, 10_000)).toBe(true);
    expect(JSON.parse(line() ?? '{}')).toMatchObject({ ui: `${coordinator.httpUrl}/ui` });
  }, 30_000);

  it('streams stamped events and re-registers after kill -9 and restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'squall-live-worker-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const coordinator = new CoordinatorProcess({ heartbeatMs: 200 });
    cleanups.push(() => coordinator.stop());
    await coordinator.start();
    const events: StampedEvent[] = [];
    const worker = new WorkerProcess({ id: 'cli-w1', coordinatorUrl: coordinator.wsUrl, eventsFile: join(dir, 'w1.jsonl'), heartbeatMs: 200 }, (e) => events.push(e));
    cleanups.push(() => worker.stop());
    worker.start();
    const synced = (): number => events.filter((e) => e.event.type === 'synced').length;
    expect(await until(() => synced() === 1, 20_000)).toBe(true);
    expect(events.every((e) => Number.isFinite(e.mono))).toBe(true);

    await worker.kill9();
    worker.start();
    expect(await until(() => synced() === 2, 20_000)).toBe(true);
    const http = new CoordinatorHttp(fetchCall(() => coordinator.httpUrl), () => coordinator.token);
    expect(await until(async () => (await http.workers()).some((w) => w.id === 'cli-w1' && w.state === 'connected'), 10_000)).toBe(true);
  }, 60_000);
});
