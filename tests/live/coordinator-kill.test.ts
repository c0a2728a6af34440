/**
 * Issue 2/3 acceptance, live: kill -9 of a real coordinator process (SQLite
 * store) while submissions stream in, restart on the same data dir: every
 * submission it acknowledged (201) is still there, and a real worker then
 * completes each exactly once.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CoordinatorHttp, fetchCall, TERMINAL, terminalEntries } from '../../harness/scenario/http-client.js';
import { CoordinatorProcess } from '../../harness/live/coordinator-process.js';
import { delay } from '../../harness/proc/index.js';
import { SwarmHostProcess } from '../../harness/live/swarm-host-process.js';

describe('live: kill -9 of the coordinator', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  });

  it('loses no acknowledged submission and completes each exactly once after restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'squall-live-kill-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const coordinator = new CoordinatorProcess({ dataDir: join(dir, 'data'), heartbeatMs: 200, leaseMs: 1000 });
    cleanups.push(() => coordinator.stop());
    await coordinator.start();
    const http = new CoordinatorHttp(fetchCall(() => coordinator.httpUrl), () => coordinator.token);

    // Submit in a stream; kill -9 in the middle of it.
    const acked: string[] = [];
    const stream = (async () => {
      for (let i = 0; i < 400 && (acked.length < 60 || coordinator.running); i++) {
        const r = await http.submit({ kind: 'echo', params: { value: i } });
        if (r.ok) acked.push(...r.executionIds);
        if (!coordinator.running) break;
      }
    })();
    while (acked.length < 30) await delay(5);
    await coordinator.kill9();
    await stream;
    expect(acked.length).toBeGreaterThanOrEqual(30);
    await coordinator.start();

    const byId = new Map((await http.listExecutions()).map((e) => [e.executionId, e]));
    const missing = acked.filter((id) => !byId.has(id));
    expect(missing).toEqual([]);

    // A real worker finishes all of it.
    const host = new SwarmHostProcess('kill-test', () => undefined);
    cleanups.push(() => host.stop());
    await host.start();
    await host.spawnWorkers([{ id: 'w1', coordinatorUrl: coordinator.wsUrl, concurrency: 8 }]);
    const deadline = Date.now() + 20_000;
    let views = await http.listExecutions();
    while (Date.now() < deadline && !acked.every((id) => TERMINAL.has(views.find((e) => e.executionId === id)?.status ?? ''))) {
      await delay(200);
      views = await http.listExecutions();
    }
    for (const id of acked) {
      const e = views.find((x) => x.executionId === id);
      expect(e?.status, `execution ${id}`).toBe('completed');
      expect(terminalEntries(e?.statusHistory ?? []).length, `terminal entries of ${id}`).toBe(1);
    }
  }, 90_000);
});
