/**
 * Blind set 19's wire and rollback defects (#12, #19, #20) as seams
 * (tests/sim/broken-wire19.test.ts): the production WsConnection fed text
 * frames decoded as Latin-1, an engine whose rollback keeps the dependents
 * lists; #20 (the codec's trailer search from the frame's start) is planted
 * by vi.mock in the test file with ./trailer-first.ts.
 */
import type { WebSocket } from 'ws';
import { WsConnection } from '../../../system/transport/index.js';
import { Engine } from '../../../system/engine/engine.js';
import type { ExecutionRecord } from '../../../system/core/model.js';
import { inboundSeam } from '../../../harness/sim/ws-inbound.js';
import { withPlanted } from './verdict.js';

/** The part of the simulated endpoint's ws shim a listener is added through. */
interface Listenable {
  on(event: string, fn: (...args: unknown[]) => void): unknown;
}

/** #19: every text frame's bytes decoded as Latin-1 before the connection reads them (both sides). */
export function withLatin1Text<T>(body: () => Promise<T>): Promise<T> {
  return withPlanted(() => {
    const original = inboundSeam.connection;
    inboundSeam.connection = (ws, id, remoteAddress) => {
      const shim = ws as unknown as Listenable;
      const latin = Object.create(shim) as Listenable;
      const decode = (data: unknown, isBinary: unknown): unknown => (isBinary !== true && Buffer.isBuffer(data) ? data.toString('latin1') : data);
      // Listeners run with the socket as `this` (EventEmitter's contract, which WsConnection's shared listeners rely on): latin, the one it was given.
      latin.on = (event, fn) => shim.on(event, event === 'message' ? (data, isBinary) => fn.call(latin, decode(data, isBinary), isBinary) : (...args: unknown[]) => fn.apply(latin, args));
      return new WsConnection(latin as unknown as WebSocket, id, remoteAddress);
    };
    return () => (inboundSeam.connection = original);
  }, body);
}

/** #12: a rolled-back submission is removed from every index but its dependencies' dependents lists. */
export class RollbackKeepsDependentsEngine extends Engine {
  private unindexing = false;

  protected override unindex(recs: readonly ExecutionRecord[]): void {
    this.unindexing = true;
    try {
      super.unindex(recs);
    } finally {
      this.unindexing = false;
    }
  }

  protected override forgetDependent(rec: ExecutionRecord): void {
    if (!this.unindexing) super.forgetDependent(rec);
  }
}
