/**
 * The scheduler's same-instant order (harness/sim/event-queue.ts), end to
 * end over the virtual network: six clients each send a frame every 10 ms
 * on their own clock, so deliveries and timers of different sources tie at
 * the same virtual millisecond all the time.
 *
 * - 'fifo' (default) keeps the schedule the @sinonjs/fake-timers clock had:
 *   the trace hash is pinned to the value the old scheduler produced
 *   (measured on c8dc05e, before the event queue), so a scheduler change
 *   that reorders anything fails here.
 * - 'seeded': the same seed gives the same trace; another seed, or fifo,
 *   another order of the same frames (ties exist, and they are broken by
 *   seed), while each connection still delivers in send order.
 */
import { describe, expect, it } from 'vitest';
import { Simulation, type TieBreak } from '../../harness/sim/index.js';
import type { Connection } from '../../system/core/transport.js';
import { CONNECT } from './net-world.js';

/** Hash measured with the fake-timers scheduler (commit c8dc05e) for fifo, seed 11. */
const FIFO_HASH_BEFORE_EVENT_QUEUE = '0bac8f3eb3fe195e9229cfb891164ef975221cb6b9e29ff84d1f21c40465db2e';

async function run(seed: number, tieBreak?: TieBreak): Promise<{ hash: string; lines: string[]; perConn: Map<string, string[]> }> {
  const sim = new Simulation({ seed, keepTrace: true, ...(tieBreak === undefined ? {} : { tieBreak }) });
  const srv = sim.host('srv');
  srv.boot();
  const perConn = new Map<string, string[]>();
  await sim.settle(
    srv.transport.listen({
      host: '0.0.0.0',
      port: 7000,
      maxPayloadBytes: 1 << 16,
      perMessageDeflate: false,
      onConnection: (conn) => conn.attach({ onMessage: (f) => conn.send(`echo:${f}`), onClose: () => {} }),
    }),
  );
  const clients: Connection[] = [];
  for (let i = 0; i < 6; i++) {
    const host = sim.host(`c${i}`);
    host.boot();
    const conn = await sim.settle(host.transport.connect('ws://srv:7000/ws', CONNECT));
    const got: string[] = [];
    perConn.set(host.name, got);
    conn.attach({ onMessage: (f) => got.push(f), onClose: () => {} });
    clients.push(conn);
    let n = 0;
    const tick = (): void => {
      conn.send(`${host.name}#${n++}`);
      if (n < 40) host.clock.setTimeout(tick, 10);
    };
    // All clients start their ticks at the same virtual instant.
    sim.time.setTimeout(tick, 50 - sim.simulatedMs);
  }
  await sim.runFor(2_000);
  return { hash: sim.traceHash(), lines: sim.trace.lines ?? [], perConn };
}

/** The trace lines of one virtual millisecond that has several frames, as a string. */
function framesOrder(lines: readonly string[]): string {
  return lines.filter((l) => l.includes('|frame|')).join('');
}

describe('same-instant event order', () => {
  it("fifo reproduces the old scheduler's trace hash exactly", async () => {
    const a = await run(11);
    expect(a.lines.filter((l) => l.includes('|frame|')).length).toBe(6 * 40 * 2);
    expect(a.hash).toBe(FIFO_HASH_BEFORE_EVENT_QUEUE);
    expect((await run(11, 'fifo')).hash).toBe(a.hash);
  });

  it('seeded: same seed same trace; another seed (or fifo) another order of the same frames', async () => {
    const a = await run(11, 'seeded');
    const b = await run(11, 'seeded');
    expect(b.lines).toEqual(a.lines);
    const fifo = await run(11, 'fifo');
    expect(framesOrder(a.lines)).not.toBe(framesOrder(fifo.lines));
    expect([...framesOrder(a.lines)].sort().join()).toBe([...framesOrder(fifo.lines)].sort().join());
    const other = await run(12, 'seeded');
    expect(other.hash).not.toBe(a.hash);
  });

  it('seeded ties never reorder one connection: each client gets its echoes in send order', async () => {
    for (const seed of [1, 2, 3]) {
      const { perConn } = await run(seed, 'seeded');
      for (const [name, got] of perConn) expect(got).toEqual(Array.from({ length: 40 }, (_, n) => `echo:${name}#${n}`));
    }
  });
});
