/**
 * The worker's heartbeat watchdog (heartbeat.ts) on a manual clock: when pings
 * go out, exactly when silence is judged, that any frame resets the silence
 * clock, and that a stopped heartbeat does nothing. Written for the survivors
 * of the mutation run (docs/MUTATION.md round 3).
 */
import { describe, expect, it } from 'vitest';
import type { Clock, TimerHandle } from '../core/clock.js';
import type { HeartbeatTimeoutPolicy } from '../core/rtt.js';
import { Heartbeat, type HeartbeatHooks } from './heartbeat.js';

interface Timer {
  at: number;
  every: number | undefined;
  fn: () => void;
  live: boolean;
}

/** Timers (one-shot and interval) that fire only when the test advances time, in time order. */
function steppedClock(): Clock & { advance(ms: number): void; armed(): number } {
  let now = 0;
  const timers: Timer[] = [];
  const add = (fn: () => void, ms: number, every: number | undefined): TimerHandle => {
    const t: Timer = { at: now + ms, every, fn, live: true };
    timers.push(t);
    return { cancel: () => (t.live = false) };
  };
  return {
    now: () => 1_000_000 + now,
    monotonic: () => now,
    setTimeout: (fn, ms) => add(fn, ms, undefined),
    setInterval: (fn, ms) => add(fn, ms, ms),
    armed: () => timers.filter((t) => t.live).length,
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = timers.filter((t) => t.live && t.at <= end).sort((a, b) => a.at - b.at)[0];
        if (due === undefined) break;
        now = due.at;
        if (due.every === undefined) due.live = false;
        else due.at += due.every;
        due.fn();
      }
      now = end;
    },
  };
}

const FIXED: HeartbeatTimeoutPolicy = { adaptive: false, intervalMs: 30, minMs: 100, maxMs: 400, factor: 2 };

function setup(policy: HeartbeatTimeoutPolicy = FIXED, late?: () => number) {
  const clock = steppedClock();
  const pings: { id: number; t: number }[] = [];
  const timeouts: number[] = [];
  const adapted: number[] = [];
  const hooks: HeartbeatHooks = {
    sendPing: (id, t) => pings.push({ id, t }),
    onTimeout: (silent) => timeouts.push(silent),
    onAdapt: (_rtt, ms) => adapted.push(ms),
    ...(late === undefined ? {} : { lateMs: late }),
  };
  const hb = new Heartbeat(clock, policy, hooks);
  return { clock, hb, pings, timeouts, adapted };
}

describe('worker heartbeat', () => {
  it('pings every interval with ids from 0 and the send time', () => {
    const { clock, hb, pings } = setup();
    hb.start();
    clock.advance(29);
    expect(pings).toEqual([]);
    clock.advance(1);
    clock.advance(60);
    expect(pings).toEqual([
      { id: 0, t: 30 },
      { id: 1, t: 60 },
      { id: 2, t: 90 },
    ]);
  });

  it('judges a silent link exactly at the timeout, once, and stops pinging', () => {
    const { clock, hb, pings, timeouts } = setup();
    hb.start();
    clock.advance(99);
    expect(timeouts).toEqual([]);
    clock.advance(1);
    expect(timeouts).toEqual([100]);
    const sent = pings.length;
    clock.advance(1000);
    expect(timeouts).toEqual([100]);
    expect(pings).toHaveLength(sent);
    expect(clock.armed()).toBe(0);
  });

  it('any frame received restarts the silence clock (the watchdog re-arms for the rest)', () => {
    const { clock, hb, timeouts } = setup();
    hb.start();
    clock.advance(60);
    hb.received();
    clock.advance(99);
    expect(timeouts).toEqual([]);
    clock.advance(1);
    expect(timeouts).toEqual([100]);
  });

  it('the silence clock starts at start(), not at construction', () => {
    const { clock, hb, timeouts } = setup();
    clock.advance(50);
    hb.start();
    clock.advance(99);
    expect(timeouts).toEqual([]);
    clock.advance(1);
    expect(timeouts).toEqual([100]);
  });

  it('stop() ends pings and the watchdog', () => {
    const { clock, hb, pings, timeouts } = setup();
    hb.start();
    clock.advance(30);
    hb.stop();
    expect(clock.armed()).toBe(0); // no timer of a dead connection left behind
    clock.advance(1000);
    expect(pings).toHaveLength(1);
    expect(timeouts).toEqual([]);
  });

  it('a late ping goes out after its delay, and not at all if stopped meanwhile', () => {
    const { clock, hb, pings } = setup(FIXED, () => 7);
    hb.start();
    clock.advance(30);
    expect(pings).toEqual([]);
    clock.advance(7);
    expect(pings).toEqual([{ id: 0, t: 37 }]);
    clock.advance(25);
    hb.stop();
    clock.advance(50);
    expect(pings).toHaveLength(1);
  });

  it('records the round trip of a pong and adapts the timeout, reporting changes of 10% or more', () => {
    const adaptive: HeartbeatTimeoutPolicy = { ...FIXED, adaptive: true, maxMs: 200 };
    const { clock, hb, adapted, timeouts } = setup(adaptive);
    expect(hb.rttMs).toBeUndefined();
    expect(hb.timeoutMs).toBe(100);
    hb.start();
    clock.advance(40);
    hb.pong(10);
    expect(hb.rttMs).toBe(30);
    // 30 + 2 * (30 + 4 * 15) = 210, capped at 200
    expect(hb.timeoutMs).toBe(200);
    expect(adapted).toEqual([200]);
    hb.sample(31);
    expect(hb.rttMs).toBe(31);
    // 30 + 2 * (30.125 + 4 * 11.5) = 182.25 -> 183: under 10% off what was reported
    expect(hb.timeoutMs).toBe(183);
    expect(adapted).toEqual([200]);
    // The watchdog judges against the adapted budget: silent since 40, judged at 40 + 183.
    hb.received();
    clock.advance(182);
    expect(timeouts).toEqual([]);
    clock.advance(1);
    expect(timeouts).toEqual([183]);
  });

  it('a fixed policy keeps the configured timeout whatever the round trip', () => {
    const { hb, adapted } = setup();
    hb.sample(500);
    expect(hb.rttMs).toBe(500);
    expect(hb.timeoutMs).toBe(100);
    hb.sample(5);
    expect(adapted).toEqual([100]);
  });
});
