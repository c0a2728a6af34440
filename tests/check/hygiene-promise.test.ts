/**
 * Promise 35 (hygiene) and promise 10's ping pace on synthetic histories:
 * each rule fires on a violating history and stays quiet on its good
 * neighbour (harness/check/promises-hygiene.ts, promises-ping-pace.ts).
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import { H, baseContext } from './builder.js';

const hygiene = (h: H): string[] => checkHistory(h.history(), ['hygiene'], baseContext).map((v) => v.message);

function idle(gauges: { intervals: number; bootIntervals: number; hubStreams: number; openStreams: number }): H {
  const h = new H().at(3000);
  h.rec.recordInfo({ idleCoordinator: gauges });
  return h;
}

describe('35 hygiene: process warnings', () => {
  it('reports a MaxListenersExceededWarning, and no warning is no violation', () => {
    const h = new H().at(1004);
    h.rec.recordInfo({ warning: 'MaxListenersExceededWarning', message: '11 abort listeners added to [AbortSignal]', where: ['at sleep (system/core/clock.ts:66)'] }, 'node');
    expect(hygiene(h)).toEqual([expect.stringMatching(/process warning at t=1004: MaxListenersExceededWarning: 11 abort listeners added to \[AbortSignal\] \(at sleep \(system\/core\/clock\.ts:66\)\)/)]);
    expect(hygiene(new H().at(1004))).toEqual([]);
  });

  it('does not judge an ExperimentalWarning (about Node, not the system)', () => {
    const h = new H().at(5);
    h.rec.recordInfo({ warning: 'ExperimentalWarning', message: 'SQLite is an experimental feature' }, 'node');
    expect(hygiene(h)).toEqual([]);
  });
});

describe('35 hygiene: idle gauges at the final read', () => {
  it('passes at baseline, and with one keep-alive while a stream is open', () => {
    expect(hygiene(idle({ intervals: 2, bootIntervals: 2, hubStreams: 0, openStreams: 0 }))).toEqual([]);
    expect(hygiene(idle({ intervals: 3, bootIntervals: 2, hubStreams: 1, openStreams: 1 }))).toEqual([]);
  });

  it('reports an interval left armed once every stream is closed', () => {
    expect(hygiene(idle({ intervals: 3, bootIntervals: 2, hubStreams: 0, openStreams: 0 }))).toEqual([expect.stringMatching(/has 3 interval\(s\) armed, but it had 2 when it started listening and no stream is open/)]);
    expect(hygiene(idle({ intervals: 4, bootIntervals: 2, hubStreams: 1, openStreams: 1 }))).toEqual([expect.stringMatching(/has 4 interval\(s\) armed.*plus one keep-alive while a stream is open/)]);
  });

  it('reports a closed stream still subscribed in the hub', () => {
    expect(hygiene(idle({ intervals: 3, bootIntervals: 2, hubStreams: 2, openStreams: 0 }))).toEqual([
      expect.stringMatching(/event hub holds 2 dashboard stream\(s\), but its clients hold 0 open/),
      expect.stringMatching(/has 3 interval\(s\) armed/),
    ]);
  });
});

describe('10 liveness: ping pace after a stall', () => {
  const ping = (h: H, id: number, t: number): H =>
    h.at(Math.max(h.now, t + 5)).emit('w1', { type: 'rtt_sampled', side: 'worker', workerId: 'w1', connectionId: 'c1', sampleMs: 5, rttvarMs: 2, timeoutMs: 2000, pingId: id, pingT: t });
  const liveness = (h: H): string[] => checkHistory(h.history(), ['liveness'], baseContext).map((v) => v.message).filter((m) => /pings/.test(m));

  it('passes pings an interval apart, one ping then an interval after a stall, and a late ping closely followed by the next on schedule', () => {
    const h = new H();
    for (const [id, t] of [[0, 500], [1, 1000], [2, 3200], [3, 3700], [4, 4180], [5, 4200], [6, 4700]] as const) ping(h, id, t);
    expect(liveness(h)).toEqual([]);
  });

  it('reports catch-up pings back to back after a stall (three within an interval)', () => {
    const h = new H();
    for (const [id, t] of [[0, 500], [1, 1000], [2, 3200], [3, 3200], [4, 3200], [5, 3500]] as const) ping(h, id, t);
    expect(liveness(h)).toEqual([
      expect.stringMatching(/w1 sent pings 2 and 4 on connection c1 0 ms apart .*three pings within its heartbeat interval of 500 ms/),
      expect.stringMatching(/w1 sent pings 3 and 5 on connection c1 300 ms apart/),
    ]);
  });
});
