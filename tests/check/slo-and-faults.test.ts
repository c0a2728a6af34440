import { describe, expect, it } from 'vitest';
import { describeFault } from '../../harness/scenario/fault-details.js';
import { checkSlo, measureSlo } from '../../harness/check/slo.js';
import { percentile } from '../../system/core/stats.js';
import type { FaultAction } from '../../harness/scenario/faults.js';
import { type NetAction, toxicOf } from '../../harness/live/toxic-of.js';
import { ruleOf } from '../../harness/scenario/faults-sim.js';
import { netWorld } from '../sim/net-world.js';
import { parseScenario } from '../../harness/scenario/loader.js';
import { H } from './builder.js';

describe('SLO checks', () => {
  function run(): H {
    const h = new H().connect('w1').connect('w2').submit('x').submit('y').run('x', 'w1', 1, 'x1');
    const down = (w: string): void => void h.emit(w, { type: 'disconnected', workerId: w, code: 1006, reason: '' });
    h.at(100);
    down('w1');
    down('w2');
    h.at(400).connect('w1').at(1100).connect('w2').at(2000);
    down('w1');
    h.at(2200).connect('w1');
    return h.at(3000).phase('heal').at(4500).run('y', 'w2', 1, 'y1').at(5000).phase('end');
  }

  it('measures reconnect percentiles, time to done after heal, lost and duplicate completions', () => {
    const m = measureSlo(run().history());
    expect(m.reconnect).toEqual({ count: 3, p50Ms: 300, p99Ms: 1000, maxMs: 1000 });
    expect(m.allWorkDoneAfterHealMs).toBe(1500);
    expect(m.lostCompletions).toBe(0);
    expect(m.duplicateCompletions).toBe(0);
  });

  it('counts reconnect time from the end of the fault that kept the worker away', () => {
    const h = new H().connect('w1');
    const down = { id: 'f', action: 'down', target: 'w1', workers: ['w1'] };
    h.at(100).fault('start', down).emit('w1', { type: 'disconnected', workerId: 'w1', code: 1006, reason: '' });
    h.at(3000).fault('stop', down).at(3250).connect('w1');
    expect(measureSlo(h.history()).reconnect).toMatchObject({ count: 1, p50Ms: 250 });
  });

  it('fails limits that are exceeded and passes those that are met', () => {
    const r = checkSlo(run().history(), { reconnectP99Ms: 500, allWorkDoneWithinMs: 2000, maxLostCompletions: 0, maxDuplicateCompletions: 0 });
    expect(r.passed).toBe(false);
    expect(r.checks.filter((c) => !c.passed).map((c) => c.name)).toEqual(['reconnectP99Ms']);
    expect(checkSlo(run().history(), { reconnectP99Ms: 1000, maxLostCompletions: 0, maxDuplicateCompletions: 0 }).passed).toBe(true);
  });

  it('counts lost and duplicated completions', () => {
    const h = new H().connect('w1').submit('x').submit('y').run('x', 'w1', 1, 'x1').at(10).run('x', 'w1', 2, 'x2');
    const r = checkSlo(h.history(), { maxLostCompletions: 0, maxDuplicateCompletions: 0 });
    expect(r.measured).toMatchObject({ lostCompletions: 1, duplicateCompletions: 1, allWorkDoneAfterHealMs: null });
    expect(r.passed).toBe(false);
  });

  it('uses nearest-rank percentiles', () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([5, 1, 4, 2, 3], 99)).toBe(5);
    expect(percentile([], 50)).toBeNull();
  });
});

describe('describeFault and toxicOf', () => {
  const s = parseScenario(
    `name: t\ndescription: d\nfleet:\n  workers: 4\n  groups: [{ name: a, count: 2 }]\nfaults:\n  - { at: 0, target: a, action: { type: latency, ms: 30, jitterMs: 5 } }\n  - { at: 0, target: coordinator, action: { type: timeout } }\n  - { at: 0, action: { type: partition, groups: [coordinator, a], oneWay: true } }\n  - { at: 0, target: coordinator, action: kill }\n`,
    't.yaml',
  );
  it('resolves targets to workers and partitions to sides', () => {
    const [lat, blackhole, part, kill] = s.faults.map((f, i) => describeFault(s.fleet, f, `f${i}`));
    expect(lat).toMatchObject({ id: 'f0', action: 'latency', workers: ['w1', 'w2'], coordinator: false, params: { ms: 30, jitterMs: 5 } });
    expect(blackhole).toMatchObject({ action: 'timeout', workers: ['w1', 'w2', 'w3', 'w4'], coordinator: true });
    expect(part).toMatchObject({ workers: ['w1', 'w2'], params: { oneWay: true, sides: [{ coordinator: true, workers: [] }, { coordinator: false, workers: ['w1', 'w2'] }] } });
    expect(kill).toMatchObject({ action: 'kill', workers: [], coordinator: true });
  });
  it('maps link actions to Toxiproxy toxics with Toxiproxy attribute names', () => {
    const net = (a: FaultAction): NetAction => a as NetAction;
    expect(toxicOf(net(s.faults[0]!.action))).toEqual({ type: 'latency', attributes: { latency: 30, jitter: 5 } });
    expect(toxicOf(net(s.faults[1]!.action))).toEqual({ type: 'timeout', attributes: { timeout: 0 } });
  });
});

describe('bandwidth units: kbps means kilobits per second', () => {
  const action = { type: 'bandwidth' as const, kbps: 16, stream: 'both' as const, toxicity: 1 };
  it('becomes Toxiproxy\'s rate in KB/s (kbps / 8) for the proxy and the simulator alike', () => {
    expect(toxicOf(action)).toEqual({ type: 'bandwidth', attributes: { rate: 2 } });
    expect(ruleOf(action)).toEqual({ type: 'bandwidth', rate: 2, toxicity: 1 });
  });
  it('a 16 kbps link takes a second for 2000 bytes in simulation', async () => {
    const w = await netWorld();
    const { client, server } = await w.connect();
    w.sim.net.addRule('cli', 'srv', ruleOf(action));
    client.conn.send('x'.repeat(2000));
    await w.sim.runFor(990);
    expect(server.got).toEqual([]);
    await w.sim.runFor(20);
    expect(server.got).toHaveLength(1);
  });
});
