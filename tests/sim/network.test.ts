/** Semantics of the virtual network: ordering, latency, partitions, toxics, process faults. */
import { describe, expect, it } from 'vitest';
import { CONNECT, netWorld } from './net-world.js';

const frames = (n: number, prefix = 'm'): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('virtual network', () => {
  it('connect takes one round trip and frames arrive after the link latency', async () => {
    const w = await netWorld();
    w.sim.net.addRule('cli', 'srv', { type: 'latency', latency: 30 });
    w.sim.net.addRule('srv', 'cli', { type: 'latency', latency: 20 });
    const t0 = w.sim.simulatedMs;
    const { client, server } = await w.connect();
    expect(w.sim.simulatedMs - t0).toBe(50);
    const sentAt = w.sim.simulatedMs;
    client.conn.send('hello');
    server.conn.send('back');
    await w.sim.runFor(100);
    expect(server.got).toEqual([{ at: sentAt + 30, frame: 'hello' }]);
    expect(client.got).toEqual([{ at: sentAt + 20, frame: 'back' }]);
  });

  it('keeps per-direction order under jitter', async () => {
    const w = await netWorld(3);
    w.sim.net.addRuleBothWays('cli', 'srv', { type: 'latency', latency: 50, jitter: 45 });
    const { client, server } = await w.connect();
    for (const f of frames(200)) {
      client.conn.send(f);
      await w.sim.runFor(1);
    }
    await w.sim.runFor(500);
    expect(server.got.map((r) => r.frame)).toEqual(frames(200));
    const times = server.got.map((r) => r.at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // Jitter really varied the delay.
    expect(new Set(server.got.map((r, i) => r.at - i)).size).toBeGreaterThan(5);
  });

  it('a symmetric partition holds frames (half-open) and delivers them in order on heal', async () => {
    const w = await netWorld();
    const { client, server } = await w.connect();
    const cut = w.sim.net.partition(['cli'], ['srv']);
    for (const f of frames(5)) client.conn.send(f);
    for (const f of frames(3, 's')) server.conn.send(f);
    await w.sim.runFor(60_000);
    expect(server.got).toEqual([]);
    expect(client.got).toEqual([]);
    expect(client.closed).toEqual([]);
    expect(client.conn.bufferedAmount).toBeGreaterThan(0);
    // New connections across the partition time out.
    await expect(w.connect({ ...CONNECT, handshakeTimeoutMs: 2_000 })).rejects.toMatchObject({ code: 'timeout' });
    cut.remove();
    await w.sim.runFor(10);
    expect(server.got.map((r) => r.frame)).toEqual(frames(5));
    expect(client.got.map((r) => r.frame)).toEqual(frames(3, 's'));
    expect(client.conn.bufferedAmount).toBe(0);
  });

  it('a one-way partition cuts only one direction', async () => {
    const w = await netWorld();
    const { client, server } = await w.connect();
    const cut = w.sim.net.partition(['cli'], ['srv'], { oneWay: true });
    client.conn.send('up');
    server.conn.send('down');
    await w.sim.runFor(1_000);
    expect(server.got).toEqual([]);
    expect(client.got.map((r) => r.frame)).toEqual(['down']);
    cut.remove();
    await w.sim.runFor(1);
    expect(server.got.map((r) => r.frame)).toEqual(['up']);
  });

  it('blackhole (timeout 0): nothing gets through, nobody notices; terminate is seen only after removal', async () => {
    const w = await netWorld();
    const { client, server } = await w.connect();
    const hole = w.sim.net.addRuleBothWays('cli', 'srv', { type: 'timeout', timeout: 0 });
    client.conn.send('lost?');
    await w.sim.runFor(120_000);
    expect(server.got).toEqual([]);
    expect(server.closed).toEqual([]);
    client.conn.terminate();
    await w.sim.runFor(1);
    expect(client.closed.map((c) => c.code)).toEqual([1006]);
    await w.sim.runFor(60_000);
    expect(server.closed).toEqual([]);
    hole.remove();
    await w.sim.runFor(1);
    expect(server.closed.map((c) => c.code)).toEqual([1006]);
  });

  it('blackhole with timeout > 0 closes both ends after the timeout', async () => {
    const w = await netWorld();
    const { client, server } = await w.connect();
    const start = w.sim.simulatedMs;
    w.sim.net.addRule('cli', 'srv', { type: 'timeout', timeout: 3_000 });
    await w.sim.runFor(5_000);
    expect(client.closed).toEqual([{ at: start + 3_000, code: 1006, reason: '' }]);
    expect(server.closed).toEqual([{ at: start + 3_000, code: 1006, reason: '' }]);
  });

  it('timeout > 0 restarts on every frame: closes timeout ms after the last one, as Toxiproxy', async () => {
    const w = await netWorld();
    const { client, server } = await w.connect();
    w.sim.net.addRule('cli', 'srv', { type: 'timeout', timeout: 3_000 });
    for (let i = 0; i < 4; i++) {
      await w.sim.runFor(2_000); // less than the timeout between frames: never closes meanwhile
      client.conn.send(`f${i}`);
    }
    const last = w.sim.simulatedMs;
    expect(client.closed).toEqual([]);
    await w.sim.runFor(5_000);
    expect(client.closed).toEqual([{ at: last + 3_000, code: 1006, reason: '' }]);
    expect(server.got).toEqual([]);
  });

  it('reset_peer resets each connection its timeout after the first frame it sees, new ones too; idle ones never', async () => {
    const w = await netWorld();
    const first = await w.connect();
    const idle = await w.connect();
    const rule = w.sim.net.addRule('cli', 'srv', { type: 'reset_peer', timeout: 1_000 });
    await w.sim.runFor(300);
    first.client.conn.send('x');
    await w.sim.runFor(999);
    expect(first.client.closed).toEqual([]);
    await w.sim.runFor(2);
    expect(first.client.closed.map((c) => c.code)).toEqual([1006]);
    expect(first.server.closed.map((c) => c.code)).toEqual([1006]);
    const second = await w.connect();
    await w.sim.runFor(1_500);
    expect(second.client.closed).toEqual([]); // no data yet: not armed
    second.client.conn.send('y');
    await w.sim.runFor(1_001);
    expect(second.client.closed.map((c) => c.code)).toEqual([1006]);
    expect(idle.client.closed).toEqual([]);
    rule.remove();
    const third = await w.connect();
    third.client.conn.send('z');
    await w.sim.runFor(5_000);
    expect(third.client.closed).toEqual([]);
  });

  it('limit_data closes the connection once the byte budget is spent', async () => {
    const w = await netWorld();
    const { client, server } = await w.connect();
    w.sim.net.addRule('cli', 'srv', { type: 'limit_data', bytes: 25 });
    client.conn.send('0123456789');
    client.conn.send('0123456789');
    client.conn.send('0123456789');
    await w.sim.runFor(10);
    expect(server.got.map((r) => r.frame)).toEqual(['0123456789', '0123456789']);
    expect(server.closed.map((c) => c.code)).toEqual([1006]);
    expect(client.closed.map((c) => c.code)).toEqual([1006]);
    expect(client.conn.send('more')).toBe(false);
  });

  it('corrupt changes the frame text the receiver gets', async () => {
    const w = await netWorld(11);
    const { client, server } = await w.connect();
    w.sim.net.addRule('cli', 'srv', { type: 'corrupt', probability: 1 });
    const sent = frames(50).map((f) => JSON.stringify({ type: 'heartbeat', f }));
    for (const f of sent) client.conn.send(f);
    await w.sim.runFor(10);
    expect(server.got).toHaveLength(50);
    server.got.forEach((r, i) => expect(r.frame).not.toBe(sent[i]));
  });

  it('removing a rule through its handle restores the link', async () => {
    const w = await netWorld();
    const { client, server } = await w.connect();
    const slow = w.sim.net.addRule('cli', 'srv', { type: 'latency', latency: 1_000 });
    expect(w.sim.net.link('cli', 'srv').listRules()).toHaveLength(1);
    client.conn.send('slow');
    await w.sim.runFor(10);
    slow.remove();
    slow.remove();
    expect(w.sim.net.link('cli', 'srv').listRules()).toEqual([]);
    client.conn.send('fast');
    await w.sim.runFor(2_000);
    // Order is kept: 'fast' waits behind 'slow'.
    expect(server.got.map((r) => r.frame)).toEqual(['slow', 'fast']);
    client.conn.send('now');
    const at = w.sim.simulatedMs;
    await w.sim.runFor(5);
    expect(server.got[2]).toEqual({ at, frame: 'now' });
  });

  it('bandwidth delays frames by their size and bufferedAmount tracks what is in flight', async () => {
    const w = await netWorld();
    const { client, server } = await w.connect();
    w.sim.net.addRule('cli', 'srv', { type: 'bandwidth', rate: 1 });
    client.conn.send('x'.repeat(2048));
    expect(client.conn.bufferedAmount).toBe(2048);
    await w.sim.runFor(1_500);
    expect(server.got).toEqual([]);
    await w.sim.runFor(600);
    expect(server.got).toHaveLength(1);
    expect(client.conn.bufferedAmount).toBe(0);
  });

  it('down refuses connects and drops existing connections', async () => {
    const w = await netWorld();
    const { client, server } = await w.connect();
    const down = w.sim.net.addRule('srv', 'cli', { type: 'down' });
    await w.sim.runFor(1);
    expect(client.closed.map((c) => c.code)).toEqual([1006]);
    expect(server.closed.map((c) => c.code)).toEqual([1006]);
    await expect(w.connect()).rejects.toMatchObject({ code: 'unavailable' });
    down.remove();
    await expect(w.connect()).resolves.toBeDefined();
  });

  it('close handshake delivers the code and reason to both ends; send afterwards returns false', async () => {
    const w = await netWorld();
    w.sim.net.addRuleBothWays('cli', 'srv', { type: 'latency', latency: 10 });
    const { client, server } = await w.connect();
    const t = w.sim.simulatedMs;
    client.conn.close(4000, 'bye');
    expect(client.conn.send('late')).toBe(false);
    await w.sim.runFor(100);
    expect(server.closed).toEqual([{ at: t + 10, code: 4000, reason: 'bye' }]);
    expect(client.closed).toEqual([{ at: t + 20, code: 4000, reason: 'bye' }]);
    expect(server.got).toEqual([]);
  });

  it('slow_close delays the close frame', async () => {
    const w = await netWorld();
    const { client, server } = await w.connect();
    w.sim.net.addRule('cli', 'srv', { type: 'slow_close', delay: 700 });
    const t = w.sim.simulatedMs;
    client.conn.send('data is not delayed');
    client.conn.close(1000, 'done');
    await w.sim.runFor(1_000);
    expect(server.got[0]?.at).toBe(t);
    expect(server.closed).toEqual([{ at: t + 700, code: 1000, reason: 'done' }]);
  });

  it('a killed process: the peer sees 1006 if the link delivers the FIN (at most 5 s late), nothing across a partition', async () => {
    const w = await netWorld();
    const a = await w.connect();
    w.srv.kill();
    await w.sim.runFor(5_001);
    expect(a.client.closed.map((c) => c.code)).toEqual([1006]);
    w.srv.boot();
    await w.sim.settle(
      w.srv.transport.listen({ host: '0', port: 7000, maxPayloadBytes: 1 << 20, perMessageDeflate: false, onConnection: (c) => w.servers.push(w.track(c)) }),
    );
    const b = await w.connect();
    const cut = w.sim.net.partition(['srv'], ['cli']);
    w.srv.kill();
    await w.sim.runFor(30_000);
    expect(b.client.closed).toEqual([]);
    expect(b.client.conn.send('into the void')).toBe(true);
    cut.remove();
    await w.sim.runFor(5_001);
    expect(b.client.closed.map((c) => c.code)).toEqual([1006]);
  });

  it('connecting to a host with no listener is refused', async () => {
    const w = await netWorld();
    await expect(w.sim.settle(w.cli.transport.connect('ws://srv:7001/ws', CONNECT))).rejects.toMatchObject({ code: 'unavailable' });
    await expect(w.sim.settle(w.cli.transport.connect('ws://nowhere:7000/ws', CONNECT))).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('a paused receiver gets nothing until resumed, then everything in order', async () => {
    const w = await netWorld();
    const { client, server } = await w.connect();
    w.srv.pause();
    for (const f of frames(4)) client.conn.send(f);
    await w.sim.runFor(10_000);
    expect(server.got).toEqual([]);
    w.srv.resume();
    expect(server.got.map((r) => r.frame)).toEqual(frames(4));
  });

  it('a held link lets a waiting connect complete on release', async () => {
    const w = await netWorld();
    const hold = w.sim.net.setLinkState('cli', 'srv', 'hold');
    const pending = w.cli.transport.connect('ws://srv:7000/ws', CONNECT);
    await w.sim.runFor(1_000);
    hold.remove();
    await expect(w.sim.settle(pending)).resolves.toBeDefined();
  });

  it('aborting a connect rejects with the signal reason', async () => {
    const w = await netWorld();
    w.sim.net.partition(['cli'], ['srv']);
    const ac = new AbortController();
    const pending = w.cli.transport.connect('ws://srv:7000/ws', { ...CONNECT, signal: ac.signal });
    await w.sim.runFor(100);
    ac.abort(new Error('stop'));
    await expect(w.sim.settle(pending)).rejects.toThrow('stop');
  });
});
