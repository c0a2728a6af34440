import { describe, expect, it } from 'vitest';
import { parseScenario } from '../scenario/loader.js';
import { perBitProbability, toxicOf } from './toxic-of.js';
import { planTopology, unitsFor } from './topology.js';

const scenario = (workers: number, extra = ''): ReturnType<typeof parseScenario> =>
  parseScenario(`name: t\ndescription: t\nfleet:\n  workers: ${workers}\n  groups:\n    - { name: east, count: ${Math.floor(workers / 2)} }\n${extra}`, 't.yaml');

describe('planTopology', () => {
  it('gives each worker its own host and proxy when a small fleet has worker process faults', () => {
    const s = scenario(4, 'faults:\n  - { at: 100, for: 100, target: w1, action: pause }\n');
    const t = planTopology(s, s.faults.map(({ repeat: _r, ...f }) => f));
    expect(t.hosts.map((h) => h.workers)).toEqual([['w1'], ['w2'], ['w3'], ['w4']]);
    expect(t.proxies).toHaveLength(4);
  });

  it('groups hosts by scenario group and shares proxies per host for large fleets', () => {
    const s = scenario(240);
    const t = planTopology(s, []);
    expect(t.hosts.map((h) => h.workers.length)).toEqual([100, 20, 100, 20]);
    expect(t.hosts[0]?.name).toBe('host-east-1');
    expect(t.proxies).toHaveLength(4);
    expect(new Set(t.proxyOf.values()).size).toBe(4);
    const part = unitsFor(['w1'], t.proxyOf, t.proxies);
    expect(part.names).toEqual(['link-host-east-1']);
    expect(part.overApproximated).toBe(true);
    expect(unitsFor(t.hosts[1]!.workers, t.hostOf, t.hosts).overApproximated).toBe(false);
  });
});

describe('fault mapping', () => {
  it('maps actions to Toxiproxy toxics and attribute names', () => {
    expect(toxicOf({ type: 'latency', ms: 50, jitterMs: 10, stream: 'both', toxicity: 1 })).toEqual({ type: 'latency', attributes: { latency: 50, jitter: 10 } });
    expect(toxicOf({ type: 'slicer', averageSize: 64, sizeVariation: 8, delayUs: 100, stream: 'both', toxicity: 1 }).attributes).toEqual({ average_size: 64, size_variation: 8, delay: 100 });
    expect(toxicOf({ type: 'bandwidth', kbps: 100, stream: 'both', toxicity: 1 })).toEqual({ type: 'bandwidth', attributes: { rate: 13 } }); // 100 kbit/s = 12.5 KB/s
    expect(toxicOf({ type: 'bandwidth', kbps: 4, stream: 'both', toxicity: 1 }).attributes.rate).toBe(1); // never 0 (unlimited)
  });

  it('turns a per-frame corruption probability into a per-bit one', () => {
    const p = perBitProbability(0.05);
    expect(p).toBeGreaterThan(0);
    expect(1 - Math.pow(1 - p, 1600)).toBeCloseTo(0.05, 6);
    expect(perBitProbability(1)).toBe(1);
  });
});
