/**
 * `npm run bench:store`: CPU cost of the SQLite store's per-task writes alone,
 * the way the engine issues them (submit in batches, then claim, update to
 * running and complete per task, group-committed per event-loop turn), with
 * no network and no engine. Process CPU time per task is what it reports, so
 * the figure holds on a loaded machine; run it on two commits to see what a
 * store change is worth. Prints one JSON line. `--thread on` runs the
 * connection in the store's worker thread (SqliteStore option `thread`); the
 * main thread's share of the CPU is reported beside the process's.
 *
 * `--ids random` gives the executions random ids as the engine does (`ex_` +
 * 16 hex digits, taskId = executionId), so index inserts land at random
 * places in their B-trees; the default `ex_test_N` ids arrive nearly in order.
 *
 *   npm run bench:store -- [--tasks 30000] [--per-tick 70] [--synchronous full|normal] [--thread on|off] [--ids random]
 */
import { randomBytes } from 'node:crypto';
import { asExecutionId, asLeaseToken, asTaskId, asWorkerId } from '../system/core/ids.js';
import type { ExecutionRecord, ExecutionStatus } from '../system/core/model.js';
import { SqliteStore } from '../system/store/sqlite-store.js';
import { makeExecutionRecord } from '../system/store/testing.js';
import { argNumber, argString } from './lib/args.js';
import { mainThreadCpuMs, removeDir, tempDataDir } from './lib/cluster.js';

const tasks = argNumber('tasks', 30_000);
const perTick = argNumber('per-tick', 70);
const synchronous = argString('synchronous') === 'normal' ? 'normal' : 'full';
const thread = argString('thread') === 'on';
const randomIds = argString('ids') === 'random';

/** A record as the benchmark submits it: random ids like the engine's with --ids random. */
function record(i: number): ExecutionRecord {
  if (!randomIds) return makeExecutionRecord({ params: { value: i } });
  const id = `ex_${randomBytes(8).toString('hex')}`;
  return makeExecutionRecord({ params: { value: i }, executionId: asExecutionId(id), taskId: asTaskId(id) });
}
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
const cpuUs = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

function step(r: ExecutionRecord, to: ExecutionStatus, at: number): ExecutionRecord {
  r.statusHistory.push({ status: to, at, previous: r.status, attempt: r.attempts });
  r.status = to;
  return r;
}

/** Claim, running, completed for every record, perTick tasks' operations per event-loop turn. */
async function lifecycle(store: SqliteStore, records: ExecutionRecord[]): Promise<void> {
  for (let i = 0; i < records.length; i += perTick) {
    const slice = records.slice(i, i + perTick);
    const ops: Promise<void>[] = [];
    for (const r of slice) {
      r.attempts = 1;
      r.lease = { workerId: asWorkerId('w1'), token: asLeaseToken(`ls_${r.executionId}`), attempt: 1, expiresAt: 2e12 };
      ops.push(store.claim(step(r, 'preparing', 1)));
      r.startedAt = 2;
      ops.push(store.update([step(r, 'running', 2)]));
      r.result = { value: 1 };
      r.lease = undefined;
      r.completedAt = 3;
      ops.push(store.complete(step(r, 'completed', 3)));
    }
    await Promise.all(ops);
  }
}

async function main(): Promise<void> {
  const dir = tempDataDir('store-ops');
  const store = SqliteStore.open(`${dir}/squall.db`, { synchronous, thread });
  try {
    const records = Array.from({ length: tasks }, (_, i) => record(i));
    const t0 = cpuUs();
    for (let i = 0; i < tasks; i += 1000) {
      await store.submit(records.slice(i, i + 1000));
      await tick();
    }
    const t1 = cpuUs();
    const m1 = mainThreadCpuMs() ?? 0;
    await lifecycle(store, records);
    const t2 = cpuUs();
    const m2 = mainThreadCpuMs() ?? 0;
    const s = store.stats();
    console.log(JSON.stringify({ benchmark: 'store-ops', tasks, perTick, synchronous, submitUsPerTask: Math.round((t1 - t0) / tasks * 10) / 10, lifecycleUsPerTask: Math.round((t2 - t1) / tasks * 10) / 10, lifecycleMainThreadUsPerTask: Math.round((m2 - m1) * 1000 / tasks * 10) / 10, thread, ids: randomIds ? 'random' : 'sequential', commits: s.commits }));
  } finally {
    await store.close();
    removeDir(dir);
  }
}

void main();
