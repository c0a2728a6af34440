/**
 * Toxic behaviours on a virtual clock: what each emits, when, and what an
 * interrupt hands back. No sockets, no real time.
 */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../system/core/random.js';
import { bandwidthToxic } from './bandwidth.js';
import { latencyToxic } from './latency.js';
import { limitDataToxic } from './limit-data.js';
import { resetPeerToxic } from './reset-peer.js';
import { slowCloseToxic } from './slow-close.js';
import { timeoutToxic } from './timeout.js';
import type { Chunk, StageContext, ToxicDefinition } from './types.js';

/** A StageContext on a manual clock that records what the behaviour did. */
function harness(def: ToxicDefinition, attrs: Record<string, number>) {
  let now = 0;
  const timers: { at: number; fn: () => void; dead: boolean }[] = [];
  const log: string[] = [];
  const out: { at: number; data: string }[] = [];
  const ctx: StageContext = {
    push: (c) => out.push({ at: now, data: c.data.toString() }),
    close: () => log.push(`close@${now}`),
    reset: () => log.push(`reset@${now}`),
    discard: (n) => log.push(`discard ${n}`),
    setTimer: (fn, ms) => {
      const t = { at: now + Math.max(0, ms), fn, dead: false };
      timers.push(t);
      return { cancel: () => (t.dead = true) };
    },
    now: () => now,
    random: seededRandom(1),
    state: {},
  };
  const b = def.run(ctx, attrs);
  const advance = (to: number): void => {
    for (;;) {
      const due = timers.filter((t) => !t.dead && t.at <= to).sort((a, z) => a.at - z.at)[0];
      if (due === undefined) break;
      due.dead = true;
      now = due.at;
      due.fn();
    }
    now = to;
  };
  const chunk = (s: string): Chunk => ({ data: Buffer.from(s), ts: now });
  return { b, out, log, advance, chunk };
}

describe('toxic behaviours (virtual time)', () => {
  it('latency delays from arrival, keeps order, and does not accumulate across queued chunks', () => {
    const h = harness(latencyToxic, { latency: 100, jitter: 0 });
    h.b.write(h.chunk('a'));
    h.advance(10);
    h.b.write(h.chunk('b'));
    h.b.end();
    h.advance(1000);
    expect(h.out).toEqual([
      { at: 100, data: 'a' },
      { at: 110, data: 'b' },
    ]);
    expect(h.log).toEqual(['close@110']);
  });

  it('latency hands back what it holds when interrupted', () => {
    const h = harness(latencyToxic, { latency: 100, jitter: 0 });
    h.b.write(h.chunk('a'));
    h.b.write(h.chunk('b'));
    h.b.end();
    const held = h.b.interrupt();
    expect(held.chunks.map((c) => c.data.toString())).toEqual(['a', 'b']);
    expect(held.ended).toBe(true);
  });

  it('bandwidth spaces data by size / rate', () => {
    const h = harness(bandwidthToxic, { rate: 1 }); // 1 KB/s = 1 byte/ms
    h.b.write(h.chunk('x'.repeat(50)));
    h.b.write(h.chunk('y'.repeat(50)));
    h.advance(1000);
    expect(h.out.map((o) => o.at)).toEqual([50, 100]);
  });

  it('bandwidth slices big chunks every 100 ms', () => {
    const h = harness(bandwidthToxic, { rate: 1 });
    h.b.write(h.chunk('z'.repeat(250)));
    h.advance(1000);
    expect(h.out.map((o) => [o.at, o.data.length])).toEqual([
      [100, 100],
      [200, 100],
      [250, 50],
    ]);
  });

  it('slow_close passes data and delays only the close', () => {
    const h = harness(slowCloseToxic, { delay: 70 });
    h.b.write(h.chunk('a'));
    h.b.end();
    expect(h.out).toEqual([{ at: 0, data: 'a' }]);
    h.advance(69);
    expect(h.log).toEqual([]);
    h.advance(70);
    expect(h.log).toEqual(['close@70']);
  });

  it('timeout drops data and closes after the timeout; 0 never closes', () => {
    const h = harness(timeoutToxic, { timeout: 40 });
    h.b.write(h.chunk('abc'));
    h.advance(100);
    expect(h.out).toEqual([]);
    expect(h.log).toEqual(['discard 3', 'close@40']);
    const forever = harness(timeoutToxic, { timeout: 0 });
    forever.b.write(forever.chunk('abc'));
    forever.advance(1e9);
    expect(forever.log).toEqual(['discard 3']);
  });

  it('limit_data truncates at the limit and closes', () => {
    const h = harness(limitDataToxic, { bytes: 5 });
    h.b.write(h.chunk('abc'));
    h.b.write(h.chunk('defg'));
    expect(h.out.map((o) => o.data)).toEqual(['abc', 'de']);
    expect(h.log).toEqual(['discard 2', 'close@0']);
  });

  it('reset_peer resets after the timeout once data arrives', () => {
    const h = harness(resetPeerToxic, { timeout: 30 });
    h.advance(500);
    expect(h.log).toEqual([]);
    h.b.write(h.chunk('a'));
    h.advance(529);
    expect(h.log).toEqual(['discard 1']);
    h.advance(530);
    // The stage closes; whether that is a RST or a FIN is the connection's linger (see tests/proxy and the conformance suite).
    expect(h.log).toEqual(['discard 1', 'close@530']);
  });

  it('timeout restarts its timer on every chunk and closes timeout ms after the last data (Toxiproxy)', () => {
    const h = harness(timeoutToxic, { timeout: 40 });
    h.advance(30);
    h.b.write(h.chunk('a')); // t=30: timer now due at 70, not 40
    h.advance(60);
    h.b.write(h.chunk('b')); // t=60: due at 100
    h.advance(99);
    expect(h.log).toEqual(['discard 1', 'discard 1']);
    h.advance(100);
    expect(h.log).toEqual(['discard 1', 'discard 1', 'close@100']);
  });
});
