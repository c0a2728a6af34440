/**
 * The SQLite store's worker thread (started by sqlite-thread-client.ts):
 * owns the better-sqlite3 connection. It opens the database (lock,
 * migration) and answers on the open port, waking the main thread that
 * blocks in SqliteStore.open(); then it runs each request from the main
 * thread in arrival order with the same executor the in-process store uses
 * (sqlite-exec.ts) and answers each one: a group's per-operation outcomes
 * or its failure, the rows for loadAll, or "closed" after closing the
 * database. Every answer is posted after the commit returned, so the main
 * thread acknowledges nothing before it is durable.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { SqliteExecutor } from './sqlite-exec.js';
import { encodeError, encodeGroup, type ThreadAnswer, type ThreadInit, type ThreadRequest } from './sqlite-wire.js';

const init = workerData as ThreadInit;

/** Opens the database; the answer goes out on the open port whatever happens (a load failure included). */
async function open(): Promise<SqliteExecutor | undefined> {
  try {
    const { createExecutor, openStoreDb } = await import('./sqlite-exec.js');
    const executor = createExecutor(openStoreDb(init.path, init.options));
    init.port.postMessage({ ok: true });
    return executor;
  } catch (err) {
    init.port.postMessage({ ok: false, err: encodeError(err) });
    return undefined;
  } finally {
    init.port.close();
    Atomics.store(init.signal, 0, 1);
    Atomics.notify(init.signal, 0);
  }
}

/** Answers one request. */
function answer(executor: SqliteExecutor, req: ThreadRequest): ThreadAnswer {
  switch (req.type) {
    case 'group':
      return encodeGroup(executor.runGroup(req.ops));
    case 'load':
      return { type: 'load', rows: executor.loadAll() };
    case 'close':
      executor.close();
      return { type: 'close' };
  }
}

const executor = await open();
if (executor !== undefined && parentPort !== null) {
  const port = parentPort;
  port.on('message', (req: ThreadRequest) => {
    let a: ThreadAnswer;
    try {
      a = answer(executor, req);
    } catch (err) {
      a = { type: 'failed', err: encodeError(err) };
    }
    port.postMessage(a);
    if (a.type === 'close') port.close();
  });
}
