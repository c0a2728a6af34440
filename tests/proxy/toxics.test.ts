/**
 * Each toxic's effect on real loopback traffic through an echo upstream.
 * Timing checks are lower bounds only (with margin); nothing asserts speed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectClient, sleepMs, startRig, type Rig } from './helpers.js';

let rig: Rig;
beforeEach(async () => {
  rig = await startRig({ seed: 7, extensions: true });
});
afterEach(async () => {
  await rig.close();
});

const addToxic = async (body: object): Promise<void> => {
  const r = await rig.api('/proxies/echo/toxics', 'POST', body);
  expect(r.status, r.text).toBe(200);
};

function payload(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + 7) & 0xff;
  return b;
}

/** Writes and waits for the echo; returns elapsed ms and the bytes. */
async function echoOnce(size: number): Promise<{ ms: number; data: Buffer; chunks: number }> {
  const c = await connectClient(rig.port);
  const sent = payload(size);
  const t0 = performance.now();
  c.socket.write(sent);
  const data = await c.waitFor(size);
  const ms = performance.now() - t0;
  c.socket.destroy();
  return { ms, data, chunks: c.chunks.length };
}

describe('toxics on real traffic', () => {
  it('passes data unchanged with no toxics', async () => {
    const r = await echoOnce(100_000);
    expect(r.data.equals(payload(100_000))).toBe(true);
  });

  it('latency delays by at least latency (each direction adds up)', async () => {
    await addToxic({ type: 'latency', attributes: { latency: 60 } });
    await addToxic({ type: 'latency', stream: 'upstream', attributes: { latency: 40 } });
    const r = await echoOnce(64);
    expect(r.ms).toBeGreaterThanOrEqual(95);
  });

  it('latency with jitter keeps byte order', async () => {
    await addToxic({ type: 'latency', attributes: { latency: 20, jitter: 19 } });
    const c = await connectClient(rig.port);
    const parts = Array.from({ length: 20 }, (_, i) => Buffer.from(`<${i}>`));
    for (const p of parts) {
      c.socket.write(p);
      await sleepMs(2);
    }
    const all = Buffer.concat(parts);
    expect((await c.waitFor(all.length)).toString()).toBe(all.toString());
    c.socket.destroy();
  });

  it('bandwidth limits throughput', async () => {
    await addToxic({ type: 'bandwidth', attributes: { rate: 100 } }); // 100 KB/s
    const r = await echoOnce(30_000); // ≥ 300 ms at the rate
    expect(r.data.equals(payload(30_000))).toBe(true);
    expect(r.ms).toBeGreaterThanOrEqual(250);
  });

  it('timeout 0 holds all data; removing it closes the connection', async () => {
    await addToxic({ type: 'timeout', attributes: { timeout: 0 } });
    const c = await connectClient(rig.port);
    c.socket.write('hello');
    await sleepMs(150);
    expect(c.received().length).toBe(0);
    expect((await rig.api('/proxies/echo/toxics/timeout_downstream', 'DELETE')).status).toBe(204);
    await c.closed;
    expect(c.received().length).toBe(0);
  });

  it('timeout > 0 closes the connection after the timeout, with no data', async () => {
    await addToxic({ type: 'timeout', attributes: { timeout: 80 } });
    const c = await connectClient(rig.port);
    const t0 = performance.now();
    c.socket.write('hello');
    await c.closed;
    expect(performance.now() - t0).toBeGreaterThanOrEqual(60);
    expect(c.received().length).toBe(0);
  });

  it('reset_peer resets the connection (ECONNRESET)', async () => {
    await addToxic({ type: 'reset_peer', attributes: { timeout: 20 } });
    const c = await connectClient(rig.port);
    c.socket.write('hello');
    const { errorCode } = await c.closed;
    expect(errorCode).toBe('ECONNRESET');
    expect(c.received().length).toBe(0);
  });

  it('slicer splits data into several chunks without changing it', async () => {
    await addToxic({ type: 'slicer', attributes: { average_size: 100, size_variation: 20, delay: 3000 } });
    const r = await echoOnce(1000);
    expect(r.data.equals(payload(1000))).toBe(true);
    expect(r.chunks).toBeGreaterThanOrEqual(4);
  });

  it('limit_data passes exactly N bytes, then closes', async () => {
    await addToxic({ type: 'limit_data', attributes: { bytes: 10 } });
    const c = await connectClient(rig.port);
    c.socket.write(payload(100));
    await c.closed;
    expect(c.received().equals(payload(100).subarray(0, 10))).toBe(true);
  });

  it('slow_close holds the close back', async () => {
    await addToxic({ type: 'slow_close', attributes: { delay: 150 } });
    const c = await connectClient(rig.port);
    c.socket.write('bye');
    await c.waitFor(3);
    const t0 = performance.now();
    c.socket.end();
    await c.closed;
    expect(performance.now() - t0).toBeGreaterThanOrEqual(120);
    expect(c.received().toString()).toBe('bye');
  });

  it('corrupt flips bits, and the same seed flips the same bits', async () => {
    await addToxic({ type: 'corrupt', attributes: { probability: 0.01 } });
    const first = await echoOnce(5000);
    expect(first.data.length).toBe(5000);
    expect(first.data.equals(payload(5000))).toBe(false);
    // A second server with the same seed: its first connection repeats the flips.
    const again = await startRig({ seed: 7, extensions: true });
    try {
      await again.api('/proxies/echo/toxics', 'POST', { type: 'corrupt', attributes: { probability: 0.01 } });
      const c = await connectClient(again.port);
      c.socket.write(payload(5000));
      const data = await c.waitFor(5000);
      c.socket.destroy();
      expect(data.equals(first.data)).toBe(true);
    } finally {
      await again.close();
    }
  });

  it('toxicity 0 never applies', async () => {
    await addToxic({ type: 'timeout', toxicity: 0 });
    for (let i = 0; i < 5; i++) {
      const r = await echoOnce(32);
      expect(r.data.equals(payload(32))).toBe(true);
    }
  });

  it('toxicity is rolled per connection, and a seed repeats the rolls', async () => {
    // limit_data {bytes: 1}: a hit echoes 1 byte then closes; a miss echoes both bytes.
    const ending = async (r: Rig): Promise<string> => {
      await r.api('/proxies/echo/toxics', 'POST', { type: 'limit_data', toxicity: 0.5, attributes: { bytes: 1 } });
      let s = '';
      for (let i = 0; i < 16; i++) {
        const c = await connectClient(r.port);
        c.socket.write('xy');
        await Promise.race([c.closed, c.waitFor(2).catch(() => undefined)]);
        s += c.received().length === 1 ? 'T' : c.received().length === 2 ? 'F' : '?';
        c.socket.destroy();
      }
      return s;
    };
    const a = await ending(rig);
    expect(a).toContain('T');
    expect(a).toContain('F');
    const other = await startRig({ seed: 7 });
    try {
      expect(await ending(other)).toBe(a);
    } finally {
      await other.close();
    }
  });

  it('a disabled proxy closes live connections', async () => {
    const c = await connectClient(rig.port);
    c.socket.write('a');
    await c.waitFor(1);
    await rig.api('/proxies/echo', 'POST', { enabled: false });
    await c.closed;
    expect(c.socket.destroyed).toBe(true);
  });

  it('/reset clears toxics for new connections', async () => {
    await addToxic({ type: 'timeout', attributes: { timeout: 0 } });
    expect((await rig.api('/reset', 'POST')).status).toBe(204);
    const r = await echoOnce(64);
    expect(r.data.equals(payload(64))).toBe(true);
  });
});

describe('live toxic changes', () => {
  it('a toxic added to a live connection applies to new data; removing it loses nothing', async () => {
    const c = await connectClient(rig.port);
    c.socket.write('a');
    await c.waitFor(1);
    await addToxic({ type: 'latency', attributes: { latency: 80 } });
    const t0 = performance.now();
    c.socket.write('b');
    await c.waitFor(2);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(70);
    c.socket.write('c');
    await sleepMs(10);
    expect((await rig.api('/proxies/echo/toxics/latency_downstream', 'DELETE')).status).toBe(204);
    expect((await c.waitFor(3)).toString()).toBe('abc');
    c.socket.destroy();
  });

  it('an update reaches live connections', async () => {
    await addToxic({ type: 'latency', attributes: { latency: 0 } });
    const c = await connectClient(rig.port);
    c.socket.write('a');
    await c.waitFor(1);
    await rig.api('/proxies/echo/toxics/latency_downstream', 'PATCH', { attributes: { latency: 80 } });
    const t0 = performance.now();
    c.socket.write('b');
    await c.waitFor(2);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(70);
    c.socket.destroy();
  });
});
