/**
 * The worker's session framing (channel.ts) on a fake connection and a manual
 * clock: what each frame carries (seq, ack, signature), when an explicit ack
 * goes out and when another frame already carried it, backpressure at the
 * high-water mark and its retry, and what each worker state may send.
 * Written for survivors of the mutation run (docs/MUTATION.md round 3).
 */
import { describe, expect, it } from 'vitest';
import type { Clock, TimerHandle } from '../core/clock.js';
import { silentLogger } from '../core/logger.js';
import type { Connection } from '../core/transport.js';
import { Channel, sendableIn } from './channel.js';
import { Outbox, OutPriority } from './outbox.js';

/** One-shot timers that fire only when the test advances time; counts the live ones. */
function manual(): Clock & { advance(ms: number): void; armed(): number } {
  let now = 0;
  const timers: { at: number; fn: () => void; live: boolean }[] = [];
  return {
    now: () => now,
    monotonic: () => now,
    setTimeout(fn, ms): TimerHandle {
      const t = { at: now + ms, fn, live: true };
      timers.push(t);
      return { cancel: () => (t.live = false) };
    },
    setInterval() {
      throw new Error('not used');
    },
    armed: () => timers.filter((t) => t.live).length,
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = timers.filter((t) => t.live && t.at <= end).sort((a, b) => a.at - b.at)[0];
        if (due === undefined) break;
        now = due.at;
        due.live = false;
        due.fn();
      }
      now = end;
    },
  };
}

type Frame = Record<string, unknown>;

function setup(extraAckMs?: () => number) {
  const clock = manual();
  const outbox = new Outbox(10);
  const channel = new Channel(clock, outbox, 4, silentLogger, extraAckMs === undefined ? undefined : { fires: () => false, extraMs: extraAckMs });
  const frames: Frame[] = [];
  const conn = {
    id: 'c1',
    remoteAddress: 'test',
    bufferedAmount: 0,
    send: (f: string): boolean => (frames.push(JSON.parse(f) as Frame), true),
    close: () => {},
    terminate: () => {},
    attach: () => {},
  } satisfies Connection;
  channel.bind(conn);
  const types = (): unknown[] => frames.map((f) => f.type);
  return { clock, outbox, channel, frames, conn, types };
}

describe('worker channel framing', () => {
  it('stamps seq and the current ack on what it sends, but no ack on register and no signature on register or error', () => {
    const { channel, frames } = setup();
    channel.admit(1);
    channel.admit(2);
    channel.setSignKey('k'.repeat(64));
    channel.sendNow({ type: 'register', protocolVersion: 2, workerId: 'w', clientNonce: 'c'.repeat(32), capabilities: { kinds: ['echo'], concurrency: 1 } });
    channel.sendNow({ type: 'error', code: 'coordinator_auth_failed', message: 'x' });
    channel.sendNow({ type: 'started', executionId: 'ex_1', attempt: 1, leaseToken: 'ls_1' }, 7);
    const [register, error, started] = frames;
    expect(register).not.toHaveProperty('ack');
    expect(register).not.toHaveProperty('sig');
    expect(register).not.toHaveProperty('seq');
    expect(error).toMatchObject({ ack: 2 });
    expect(error).not.toHaveProperty('sig');
    expect(started).toMatchObject({ seq: 7, ack: 2 });
    expect(started).toHaveProperty('sig');
  });

  it('sendNow without a connection sends nothing and says so', () => {
    const { channel, frames } = setup();
    channel.unbind();
    expect(channel.sendNow({ type: 'ack' })).toBe(false);
    expect(frames).toEqual([]);
  });

  it('admits each coordinator seq once', () => {
    const { channel } = setup();
    expect(channel.admit(1)).toBe('new');
    expect(channel.admit(1)).toBe('duplicate');
    expect(channel.admit(3)).toBe('new'); // a gap is logged, not refused
    expect(channel.inSeq).toBe(3);
    expect(channel.admit(2)).toBe('duplicate');
  });
});

describe('worker channel acks', () => {
  it('sends one explicit ack after the ack delay for several admitted seqs', () => {
    const { clock, channel, frames } = setup();
    channel.admit(1);
    clock.advance(2);
    channel.admit(2);
    expect(clock.armed()).toBe(1); // one ack timer, not one per seq
    clock.advance(1);
    expect(frames).toEqual([]);
    clock.advance(1);
    expect(frames).toEqual([expect.objectContaining({ type: 'ack', ack: 2 })]);
    clock.advance(100);
    expect(frames).toHaveLength(1);
  });

  it('sends no explicit ack when another frame already carried it', () => {
    const { clock, channel, frames } = setup();
    channel.admit(1);
    channel.sendNow({ type: 'pong', id: 1, t: 0 });
    clock.advance(100);
    expect(frames.map((f) => f.type)).toEqual(['pong']);
    expect(frames[0]).toMatchObject({ ack: 1 });
  });

  it('adds the extra ack delay it is given', () => {
    const { clock, channel, frames } = setup(() => 3);
    channel.admit(1);
    clock.advance(6);
    expect(frames).toEqual([]);
    clock.advance(1);
    expect(frames).toEqual([expect.objectContaining({ type: 'ack', ack: 1 })]);
  });
});

describe('worker channel flushing', () => {
  it('holds everything back at the high-water mark, retries shortly, and leaves no timer once drained', () => {
    const { clock, channel, conn, frames, types } = setup();
    conn.bufferedAmount = 1024 * 1024;
    channel.enqueue({ type: 'progress', executionId: 'ex_1', leaseToken: 'ls_1', fraction: 0.5 });
    channel.allow(OutPriority.data);
    channel.enqueue({ type: 'progress', executionId: 'ex_2', leaseToken: 'ls_2', fraction: 0.5 });
    expect(frames).toEqual([]);
    expect(clock.armed()).toBe(1); // one retry timer, not one per message
    conn.bufferedAmount = 0;
    clock.advance(4);
    expect(frames).toEqual([]);
    clock.advance(1);
    expect(types()).toEqual(['progress', 'progress']);
    expect(clock.armed()).toBe(0);
  });

  it('tells its tracer about reliable messages with their seq, not about unreliable ones', () => {
    const { channel } = setup();
    const first: [string, number][] = [];
    channel.tracer = { firstSent: (m, seq) => first.push([m.type, seq]) };
    channel.enqueue({ type: 'ping', id: 1, t: 0 });
    channel.enqueue({ type: 'started', executionId: 'ex_1', attempt: 1, leaseToken: 'ls_1' });
    channel.allow(OutPriority.data);
    expect(first).toEqual([['started', 1]]);
  });

  it('tells its tracer about each progress report that goes out', () => {
    const { channel } = setup();
    const sent: [string, number][] = [];
    channel.tracer = { firstSent: () => undefined, progressSent: (m) => sent.push([m.executionId, m.fraction]) };
    channel.enqueue({ type: 'progress', executionId: 'ex_1', leaseToken: 'ls_1', fraction: 0.5 });
    channel.enqueue({ type: 'progress', executionId: 'ex_2', leaseToken: 'ls_2', fraction: 0.25 });
    channel.enqueue({ type: 'progress', executionId: 'ex_1', leaseToken: 'ls_1', fraction: 1 });
    expect(sent).toEqual([]);
    channel.allow(OutPriority.data);
    expect(sent).toEqual([
      ['ex_1', 1],
      ['ex_2', 0.25],
    ]);
  });

  it('sends only what the state allows', () => {
    const { channel, types } = setup();
    channel.enqueue({ type: 'started', executionId: 'ex_1', attempt: 1, leaseToken: 'ls_1' });
    channel.enqueue({ type: 'ping', id: 1, t: 0 });
    expect(types()).toEqual([]);
    channel.allow(sendableIn('syncing'));
    expect(types()).toEqual(['ping']);
    channel.allow(sendableIn('ready'));
    expect(types()).toEqual(['ping', 'started']);
  });

  it('maps worker states to what they may send', () => {
    expect(sendableIn('ready')).toBe(OutPriority.data);
    expect(sendableIn('draining')).toBe(OutPriority.data);
    expect(sendableIn('syncing')).toBe(OutPriority.control);
    for (const s of ['connecting', 'handshaking', 'disconnected', 'stopped']) expect(sendableIn(s)).toBeUndefined();
  });
});
