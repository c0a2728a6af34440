/**
 * Deliberately broken coordinator connections (tests/sim/broken-out-of-session.test.ts).
 * The handler is built inside the coordinator, so the defect is planted on its
 * prototype for one run and taken out again (`withBrokenReplace`).
 */
import { CoordinatorConnection } from '../../../system/coordinator/connection-handler.js';
import { WorkerRegistry } from '../../../system/coordinator/registry.js';
import { CloseCode } from '../../../system/protocol/index.js';

interface Closable {
  conn: { close(code: number, reason: string): void };
}

/**
 * 4409 without fencing: the replaced connection is told and closed, but the
 * handler is left registered, so frames still arriving on it (a delayed copy
 * of what the worker re-sends on its new connection) are acted on.
 */
function replaceWithoutFencing(this: CoordinatorConnection, newConnectionId: string): void {
  (this as unknown as Closable).conn.close(CloseCode.Replaced, `replaced by ${newConnectionId}`);
}

/** Runs `body` with every replaced connection left acting on its frames; restores the real replaceBy after. */
export async function withBrokenReplace<T>(body: () => Promise<T>): Promise<T> {
  const original = CoordinatorConnection.prototype.replaceBy;
  CoordinatorConnection.prototype.replaceBy = replaceWithoutFencing;
  try {
    return await body();
  } finally {
    CoordinatorConnection.prototype.replaceBy = original;
  }
}

/**
 * A refused connection detached only at its close event (blind set 9 #15):
 * the handler's `fail` (protocol error: error frame, close) no longer calls
 * onClose itself, so until the close event arrives the worker still looks
 * attached and an assignment pass can claim work for it.
 */
export async function withDetachAtCloseOnly<T>(body: () => Promise<T>): Promise<T> {
  const proto = CoordinatorConnection.prototype;
  const fail: unknown = Reflect.get(proto, 'fail');
  const onClose = proto.onClose;
  let failing = false;
  Reflect.set(proto, 'fail', function failDetachLater(this: CoordinatorConnection, ...args: unknown[]): void {
    failing = true;
    try {
      (fail as (...a: unknown[]) => void).apply(this, args);
    } finally {
      failing = false;
    }
  });
  proto.onClose = function onCloseOnlyFromEvent(this: CoordinatorConnection, code: number, reason: string): void {
    if (!failing) onClose.call(this, code, reason);
  };
  try {
    return await body();
  } finally {
    Reflect.set(proto, 'fail', fail);
    proto.onClose = onClose;
  }
}

/**
 * The registry records a worker's disconnect time only at its first
 * disconnect (`disconnectedAt ??= now`, blind set 11 #15): after a second
 * disconnect the worker counts as gone since the first one, so the monitor
 * declares it lost at its next tick. Planted on WorkerRegistry's prototype
 * for one run.
 */
export async function withFirstDisconnectKept<T>(run: () => Promise<T>): Promise<T> {
  const detach = WorkerRegistry.prototype.detach;
  WorkerRegistry.prototype.detach = function (this: WorkerRegistry, ...args: Parameters<WorkerRegistry['detach']>): boolean {
    const entry = this.all().find((e) => e.workerId === args[0]);
    const first = entry?.disconnectedAt;
    const changed = detach.apply(this, args);
    if (changed && entry !== undefined && first !== undefined) entry.disconnectedAt = first;
    return changed;
  };
  try {
    return await run();
  } finally {
    WorkerRegistry.prototype.detach = detach;
  }
}
