/** The virtual network's early frames: what arrives before a handler attaches is replayed at attach, as the production connection does. */
import { describe, expect, it } from 'vitest';
import type { Connection } from '../../system/core/transport.js';
import { CONNECT, netWorld } from './net-world.js';

describe('virtual network: early frames', () => {
  it('frames that arrive before the client attaches (a welcome behind the upgrade response) are replayed at attach, as ws-connection does (early-frames.ts)', async () => {
    const w = await netWorld();
    const greet = (conn: Connection): void => {
      conn.attach({ onMessage: () => {}, onClose: () => {} });
      conn.send('welcome');
      conn.send('second');
      conn.close(4000, 'done');
    };
    await w.sim.settle(w.srv.transport.listen({ host: '0.0.0.0', port: 7001, maxPayloadBytes: 1 << 20, perMessageDeflate: false, onConnection: greet }));
    const conn = await w.sim.settle(w.cli.transport.connect('ws://srv:7001/ws', CONNECT));
    await w.sim.runFor(100);
    const client = w.track(conn);
    expect(client.got.map((r) => r.frame)).toEqual(['welcome', 'second']);
    expect(client.closed.map((c) => c.code)).toEqual([4000]);
  });
});
