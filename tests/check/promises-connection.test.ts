/**
 * Promises 9 (backoff) and 10 (liveness) on hand-built histories: the clean
 * run passes, and each way a reconnect or a detection can go wrong is reported.
 */
import { describe, expect, it } from 'vitest';
import { H, baseContext } from './builder.js';
import { blackholeW2, check } from './clean-run.js';

describe('9 backoff', () => {
  const backoff = (h: H, w: string, attempt: number, delayMs: number, capMs = 2000, floorMs = 0) =>
    h.emit(w, { type: 'backoff', workerId: w, attempt, delayMs, strategy: 'full-jitter', capMs, floorMs });
  it('reports a delay outside [floor, cap] and a cap above the configured maximum', () => {
    const h = new H().connect('w1').at(10).emit('w1', { type: 'disconnected', workerId: 'w1', code: 1006, reason: '' });
    backoff(h, 'w1', 1, 150, 100).at(160).emit('w1', { type: 'connecting', workerId: 'w1', attempt: 1 });
    backoff(h, 'w1', 2, 100, 5000).at(260).emit('w1', { type: 'connecting', workerId: 'w1', attempt: 2 }).connect('w1');
    expect(check(h, 'backoff').map((v) => v.message)).toEqual([
      'delay 150 ms outside [0, 100] (attempt 1)',
      'cap 5000 ms above the configured maximum 2000 ms (attempt 2)',
    ]);
  });
  it('reports an attempt counter that goes backwards (overflow, reset)', () => {
    const h = new H().connect('w1').at(10).emit('w1', { type: 'disconnected', workerId: 'w1', code: 1006, reason: '' });
    backoff(h, 'w1', 5, 50).at(60).emit('w1', { type: 'connecting', workerId: 'w1', attempt: 5 });
    backoff(h, 'w1', 2, 50).at(110).emit('w1', { type: 'connecting', workerId: 'w1', attempt: 2 }).connect('w1');
    expect(check(h, 'backoff').map((v) => v.message)).toContainEqual(expect.stringMatching(/attempt counter went from 5 to 2/));
  });
  it('lets a restarted worker count attempts afresh (mixed-chaos seed 18)', () => {
    const restart = { id: 'r', action: 'restart', target: 'w1', workers: ['w1'], coordinator: false };
    const run = (restarted: boolean): string[] => {
      const h = new H().connect('w1').at(10).emit('w1', { type: 'disconnected', workerId: 'w1', code: 1006, reason: '' });
      backoff(h, 'w1', 1, 50).at(60).emit('w1', { type: 'connecting', workerId: 'w1', attempt: 1 });
      if (restarted) h.at(100).fault('start', restart).fault('stop', restart);
      backoff(h.at(200), 'w1', 1, 50).at(250).emit('w1', { type: 'connecting', workerId: 'w1', attempt: 1 }).connect('w1');
      return check(h, 'backoff').map((v) => v.message);
    };
    expect(run(false)).toContainEqual(expect.stringMatching(/attempt counter went from 1 to 1/));
    expect(run(true).filter((m) => /attempt counter/.test(m))).toEqual([]);
  });
  it('reports a worker that stops retrying, and one not back within the bound after heal', () => {
    const h = new H().connect('w1').at(10).emit('w1', { type: 'disconnected', workerId: 'w1', code: 1006, reason: '' });
    backoff(h, 'w1', 1, 50).at(1000).phase('heal').at(20_000).phase('end');
    const msgs = check(h, 'backoff').map((v) => v.message);
    expect(msgs).toContainEqual(expect.stringMatching(/backoff of 50 ms at t=10 but no further connection attempt: stopped retrying/));
    expect(msgs).toContainEqual(expect.stringMatching(/disconnected at heal .* never connected again/));
  });
  it('does not blame a killed worker for not retrying', () => {
    const h = new H().connect('w1').at(10).fault('start', { id: 'k', action: 'kill', target: 'w1', workers: ['w1'] });
    h.emit('w1', { type: 'disconnected', workerId: 'w1', code: 1006, reason: '' });
    backoff(h, 'w1', 1, 50).at(500).fault('stop', { id: 'k', action: 'kill', target: 'w1' }).connect('w1');
    expect(check(h, 'backoff')).toEqual([]);
  });
  it('reports workers at the cap retrying in lockstep, and accepts spread ones', () => {
    const run = (delay: (i: number) => number): H => {
      const h = new H();
      for (let i = 0; i < 30; i++) {
        const w = `w${i}`;
        h.connect(w).emit(w, { type: 'disconnected', workerId: w, code: 1006, reason: '' });
        // Attempt 1 of an outage, drawn at the cap (each outage counts its tries from 1).
        backoff(h, w, 1, delay(i)).emit(w, { type: 'connecting', workerId: w, attempt: 1 });
      }
      return h;
    };
    const lockstep = check(run(() => 2000), 'backoff', { ...baseContext, toleranceMs: 10_000 });
    // The spread rule reports it; the uniformity test (harness/check/lockstep.ts) only judges what the spread rule lets through: one defect, one violation.
    expect(lockstep.map((v) => v.message)).toEqual([expect.stringMatching(/30 backoff delays at the cap are bunched .* lockstep/)]);
    expect(check(run((i) => (i * 67) % 2000), 'backoff', { ...baseContext, toleranceMs: 10_000 })).toEqual([]);
  });
});

describe('10 liveness', () => {
  it('reports a half-open connection the coordinator never detects', () => {
    const h = new H().connect('w1').at(1000).fault('start', { ...blackholeW2, target: 'w1', workers: ['w1'] });
    h.at(3200).emit('w1', { type: 'heartbeat_timeout', side: 'worker', workerId: 'w1', connectionId: 'c', silentForMs: 2001 });
    h.emit('w1', { type: 'disconnected', workerId: 'w1', code: 4408, reason: 'timeout' });
    h.at(9000).fault('stop', { ...blackholeW2, target: 'w1' });
    const v = check(h, 'liveness');
    expect(v.map((x) => x.message)).toEqual([expect.stringMatching(/made w1's connection half-open; the coordinator side did not detect it within 2600 ms/)]);
    expect(v[0]?.workerId).toBe('w1');
  });
  it('does not require a paused or killed worker to detect anything (mixed-chaos seeds 2 and 19)', () => {
    const pause = { id: 'p', action: 'pause', target: 'w1', workers: ['w1'], coordinator: false };
    const run = (paused: boolean): string[] => {
      const h = new H().connect('w1').at(1000).fault('start', { ...blackholeW2, target: 'w1', workers: ['w1'] });
      if (paused) h.at(1500).fault('start', pause);
      h.at(3200).emit('coordinator', { type: 'heartbeat_timeout', side: 'coordinator', workerId: 'w1', connectionId: 'c', silentForMs: 2001 });
      h.at(9000).fault('stop', { ...blackholeW2, target: 'w1' });
      if (paused) h.fault('stop', pause);
      return check(h, 'liveness').map((x) => x.message);
    };
    expect(run(false)).toEqual([expect.stringMatching(/the worker side did not detect it/)]);
    expect(run(true)).toEqual([]);
  });
  it('requires detection only on the side that stops hearing (one-way partition) and only for long faults', () => {
    const sides = [{ coordinator: true, workers: [] }, { coordinator: false, workers: ['w1'] }];
    const part = { id: 'p', action: 'partition', target: 'all-workers', workers: ['w1'], params: { sides, oneWay: true } };
    const h = new H().connect('w1').at(1000).fault('start', part).at(9000).fault('stop', part);
    expect(check(h, 'liveness').map((v) => v.message)).toEqual([expect.stringMatching(/the worker side did not detect/)]);
    const short = new H().connect('w1').at(1000).fault('start', part).at(2000).fault('stop', part);
    expect(check(short, 'liveness')).toEqual([]);
  });
});

describe('10 liveness: dead processes are not half-open links', () => {
  it('requires no detection for a worker that was killed before the partition', () => {
    const kill = { id: 'k', action: 'kill', target: 'w1', workers: ['w1'] };
    const sides = [{ coordinator: true, workers: [] }, { coordinator: false, workers: ['w1'] }];
    const part = { id: 'p', action: 'partition', target: 'all-workers', workers: ['w1'], params: { sides } };
    const h = new H().connect('w1').at(500).fault('start', kill).at(1000).fault('start', part).at(9000).fault('stop', part).fault('stop', kill);
    expect(check(h, 'liveness')).toEqual([]);
  });
});

describe('10 liveness: no false detections', () => {
  const timeoutAt = (h: H, t: number): H =>
    h.at(t).emit('coordinator', { type: 'heartbeat_timeout', side: 'coordinator', workerId: 'w1', connectionId: 'c', silentForMs: 2001 });
  it('reports a heartbeat timeout on a healthy link (e.g. heartbeat clock not reset on reconnect)', () => {
    const v = check(timeoutAt(new H().connect('w1'), 5000), 'liveness');
    expect(v.map((x) => x.message)).toEqual([expect.stringMatching(/declared w1's connection dead at t=5000 though no fault touched it/)]);
  });
  it('accepts one during or just after a fault on that link, but not one excused only by clock skew', () => {
    const down = { id: 'd', action: 'latency', target: 'w1', workers: ['w1'] };
    const h = new H().connect('w1').at(1000).fault('start', down).at(2000).fault('stop', down);
    expect(check(timeoutAt(h, 3000), 'liveness')).toEqual([]);
    const skew = { id: 's', action: 'clock_skew', target: 'w1', workers: ['w1'], params: { ms: 5000 } };
    const k = new H().connect('w1').at(1000).fault('start', skew);
    expect(check(timeoutAt(k, 3000), 'liveness')).toHaveLength(1);
  });
});

describe('9 backoff: every worker of the fleet shows up', () => {
  it('reports fleet workers that never register (identity collision)', () => {
    const h = new H().connect('w1').at(6000).phase('end');
    const v = check(h, 'backoff', { ...baseContext, workerIds: ['w1', 'w2'] });
    expect(v.map((x) => x.message)).toEqual([expect.stringMatching(/^w2 never registered during the run/)]);
  });
});

describe('9 backoff: one connection at a time', () => {
  it('reports a worker connected twice without a disconnection (reconnect race)', () => {
    const h = new H().connect('w1').at(100).connect('w1');
    expect(check(h, 'backoff').map((v) => v.message)).toEqual([expect.stringMatching(/connected again at t=100 without a disconnection/)]);
  });
});


describe('9 backoff: decorrelated jitter judged from the previous delay', () => {
  const ctx = { ...baseContext, backoffIsFleetWide: true, backoffByWorker: { w1: { strategy: 'decorrelated-jitter', initialMs: 100, maxMs: 2000, multiplier: 2 } } };
  const run = (draws: [number, number][]): string[] => {
    const h = new H().connect('w1').at(10).emit('w1', { type: 'disconnected', workerId: 'w1', code: 1006, reason: '' });
    draws.forEach(([delayMs, capMs], i) => {
      h.emit('w1', { type: 'backoff', workerId: 'w1', attempt: i + 1, delayMs, strategy: 'decorrelated-jitter', floorMs: 100, capMs });
      h.at(h.now + delayMs).emit('w1', { type: 'connecting', workerId: 'w1', attempt: i + 1 });
    });
    return check(h.connect('w1'), 'backoff', ctx).map((v) => v.message);
  };
  it('accepts [initialMs, min(maxMs, 3 * previous)], reports a cap past maxMs and a range not from the previous delay', () => {
    expect(run([[250, 300], [600, 750], [1800, 1800], [150, 2000], [300, 450]])).toEqual([]);
    expect(run([[250, 300], [600, 750], [1800, 1800], [4000, 5400]])).toEqual([
      'cap 5400 ms above the configured maximum 2000 ms (attempt 4)',
      'attempt 4 drew from [100, 5400] ms; decorrelated-jitter with initialMs 100, multiplier 2, maxMs 2000, after a delay of 1800 ms asks for [100, 2000]',
    ]);
    expect(run([[250, 300], [600, 900]])).toEqual([expect.stringMatching(/attempt 2 drew from \[100, 900\] ms; .* after a delay of 250 ms asks for \[100, 750\]/)]);
  });
});

describe('13 and 10: the adaptive heartbeat timeout stays within [floor, ceiling]', () => {
  // baseContext: floor 2000, ceiling max(2000, min(60000, leaseMs 3000 - heartbeat 500)) = 2500 on both sides.
  const adapted = (side: 'coordinator' | 'worker', timeoutMs: number): H =>
    new H().connect('w1').at(100).emit(side === 'coordinator' ? 'coordinator' : 'w1', { type: 'heartbeat_adapted', side, workerId: 'w1', connectionId: 'c', srttMs: 900, rttvarMs: 300, timeoutMs });
  it('accepts the floor and the ceiling on either side', () => {
    for (const side of ['coordinator', 'worker'] as const) {
      for (const t of [2000, 2500]) expect([...check(adapted(side, t), 'lease-expiry'), ...check(adapted(side, t), 'liveness')]).toEqual([]);
    }
  });
  it('reports a timeout above leaseMs - heartbeatMs under lease-expiry, and one below the floor under liveness', () => {
    expect(check(adapted('coordinator', 3500), 'lease-expiry').map((v) => v.message)).toEqual([
      expect.stringMatching(/^coordinator heartbeat timeout for w1 adapted to 3500 ms at t=100 \(srtt 900 ms\), above its ceiling 2500 ms/),
    ]);
    expect(check(adapted('worker', 2600), 'lease-expiry')).toHaveLength(1);
    expect(check(adapted('worker', 1500), 'liveness').map((v) => v.message)).toEqual([expect.stringMatching(/below its floor heartbeatTimeoutMs 2000 ms/)]);
  });
});

describe('10: the timeout in force is honoured', () => {
  // baseContext: floor 2000 ms on both sides. Faults excuse nothing here: the link is slow, not dead.
  const slow = { id: 'slow', action: 'latency', target: 'w1', workers: ['w1'], coordinator: false };
  const run = (silentForMs: number, reportedMs?: number, reportedOn = 'c'): string[] => {
    const h = new H().connect('w1').at(1000).fault('start', slow);
    if (reportedMs !== undefined) h.at(1100).emit('coordinator', { type: 'heartbeat_adapted', side: 'coordinator', workerId: 'w1', connectionId: reportedOn, srttMs: 1500, rttvarMs: 400, timeoutMs: reportedMs });
    h.at(5000).emit('coordinator', { type: 'heartbeat_timeout', side: 'coordinator', workerId: 'w1', connectionId: 'c', silentForMs });
    h.at(9000).fault('stop', slow);
    return check(h, 'liveness').map((x) => x.message);
  };
  it('accepts a detection after the adapted timeout (within the 10% reporting step) or, without one, after the floor', () => {
    expect(run(2000)).toEqual([]);
    expect(run(4500, 5000)).toEqual([]);
    expect(run(2500, 5000, 'an-older-connection')).toEqual([]);
  });
  it('reports a detection before the adapted timeout, or before the floor', () => {
    expect(run(3000, 5000)).toEqual([
      "the coordinator side declared w1's connection c dead at t=5000 after 3000 ms of silence, though the timeout in force was at least 4500 ms (floor 2000 ms, its last heartbeat_adapted said 5000 ms): a healthy slow link dropped early",
    ]);
    expect(run(1500)).toEqual([expect.stringMatching(/after 1500 ms of silence, though the timeout in force was at least 2000 ms \(floor 2000 ms, no adaptation reported on it\)/)]);
  });
  it('does not count the coordinator\'s own pause as the worker\'s silence (it skips a round after a stall)', () => {
    const pause = { id: 'p', action: 'pause', target: 'coordinator', workers: [], coordinator: true };
    const h = new H().connect('w1').at(1000).fault('start', pause).at(3000).fault('stop', pause);
    h.at(3100).emit('coordinator', { type: 'heartbeat_timeout', side: 'coordinator', workerId: 'w1', connectionId: 'c', silentForMs: 3000 });
    expect(check(h, 'liveness').map((x) => x.message)).toEqual([expect.stringMatching(/after 3000 ms of silence, though the timeout in force was at least 2000 ms \(floor 2000 ms, no adaptation reported on it; it was itself paused 2000 ms of that silence\)/)]);
  });
});
