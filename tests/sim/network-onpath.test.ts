/**
 * The virtual network's on-path primitives (used by harness/scenario/adversary-onpath.ts):
 * a tamper rewrites frames in flight until removed; a redirect hands a
 * host's connects to another host until removed; a corrupted frame is
 * reported (connection, direction, frame index) just before a live receiver
 * reads it, and not at all once the receiver has closed.
 */
import { describe, expect, it } from 'vitest';
import type { CorruptDelivery } from '../../harness/sim/types.js';
import { netWorld } from './net-world.js';

describe('on-path primitives', () => {
  it('a tamper rewrites frames of one direction until removed', async () => {
    const w = await netWorld();
    const { client, server } = await w.connect();
    const tamper = w.sim.net.link('cli', 'srv').addTamper((t) => (t === 'a' ? 'A' : t));
    client.conn.send('a');
    client.conn.send('b');
    server.conn.send('a');
    await w.sim.runFor(10);
    tamper.remove();
    client.conn.send('a');
    await w.sim.runFor(10);
    expect(server.got.map((r) => r.frame)).toEqual(['A', 'b', 'a']);
    expect(client.got.map((r) => r.frame)).toEqual(['a']);
  });

  it('a redirect hands new connects to another host, and removing it restores the route', async () => {
    const w = await netWorld();
    const evil = w.sim.host('evil');
    evil.boot();
    let answered = 0;
    await w.sim.settle(evil.transport.listen({ host: 'evil', port: 7000, maxPayloadBytes: 1 << 20, perMessageDeflate: false, onConnection: () => answered++ }));
    const route = w.sim.net.redirect('cli', 'srv', 'evil');
    await w.connect().catch(() => undefined); // the real server never sees it
    expect(answered).toBe(1);
    expect(w.servers).toHaveLength(0);
    route.remove();
    await w.connect();
    expect(w.servers).toHaveLength(1);
    expect(answered).toBe(1);
  });

  it('reports a corrupted frame before a live receiver reads it, by connection, direction and index', async () => {
    const w = await netWorld();
    const seen: CorruptDelivery[] = [];
    w.sim.net.onCorruptDelivered = (c) => seen.push(c);
    const { client, server } = await w.connect();
    client.conn.send('first');
    await w.sim.runFor(5);
    w.sim.net.addRule('cli', 'srv', { type: 'corrupt', probability: 1 });
    client.conn.send('second');
    await w.sim.runFor(5);
    expect(seen).toEqual([{ connection: 'c1', from: 'cli', to: 'srv', frame: 2, field: '' }]); // not JSON: no member hit
    expect(server.got).toHaveLength(2);
    server.conn.close(4400, 'corrupted');
    client.conn.send('third'); // reaches a closing endpoint: read by nobody, not reported
    await w.sim.runFor(5);
    expect(seen).toHaveLength(1);
  });
});
