/**
 * Broken variants for blind set 17's host faults (tests/sim/broken-host17.test.ts):
 * the store's SQLite thread client keeping the requests a dead thread had
 * outstanding (set 17 #25), planted on the production client's prototype
 * for the body's duration, as the simulated thread runs under it.
 */
import { SqliteThread } from '../../../system/store/index.js';

/** What the client's private fail() touches. */
interface Failing {
  gone: Error | undefined;
  worker: { unref(): void };
  fail(err: Error): void;
}

/** The thread's death fails only later requests: the outstanding ones are never settled (set 17 #25). */
export async function withDeadThreadRequestsKept<T>(body: () => Promise<T>): Promise<T> {
  const proto = SqliteThread.prototype as unknown as Failing;
  const original = proto.fail;
  proto.fail = function (this: Failing, err: Error) {
    this.gone ??= err;
    this.worker.unref();
  };
  try {
    return await body();
  } finally {
    proto.fail = original;
  }
}
