import { describe, expect, it } from 'vitest';
import { parseScenario } from './loader.js';
import { refuseSimOnlyFields } from './run-extras.js';

const bad = `name: bad
description: x
fleet: { workers: 2 }
workload:
  items:
    - { kind: echo, count: 2, idempotency: { keys: 1 }, graph: { shape: chain, size: 2 }, control: [{ op: cancel, afterMs: 1, node: 5 }] }
    - { kind: echo, count: 3, batch: true, ratePerSec: 2, graph: { shape: chain, size: 2 } }
triggers:
  - { on: { event: result-sentt, worker: w9 }, target: w3, action: kill }
adversaries:
  - { at: 0, victim: w7 }
`;

describe('engine-feature scenario fields', () => {
  it('refuses what cannot run, naming each field and what would be right', () => {
    let message = '';
    try {
      parseScenario(bad, 'bad.yaml');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/workload\.items\[0\]\.idempotency: idempotency keys apply to single submissions/);
    expect(message).toMatch(/control\[0\]\.node: node 5 does not exist/);
    expect(message).toMatch(/items\[1\]\.batch: a batch is of single tasks; remove graph or batch/);
    expect(message).toMatch(/items\[1\]\.ratePerSec: a batch is one request at `at`; remove ratePerSec or batch/);
    expect(message).toMatch(/triggers\[0\]\.on\.event: unknown trigger event "result-sentt" \(did you mean "result-sent"\?\)/);
    expect(message).toMatch(/triggers\[0\]\.on\.worker: unknown worker "w9"/);
    expect(message).toMatch(/triggers\[0\]\.target: unknown target "w3"/);
    expect(message).toMatch(/adversaries\[0\]: adversaries need coordinator\.secret/);
    expect(message).toMatch(/adversaries\[0\]\.victim: unknown victim "w7"/);
  });
  it('accepts the same fields when they fit', () => {
    const s = parseScenario(
      `name: good
description: x
fleet: { workers: 2 }
coordinator: { secret: s, commitDelayMs: 200 }
workload:
  items:
    - { kind: echo, count: 2, idempotency: { keys: 1 }, control: [{ op: cancel, afterMs: 1 }] }
triggers:
  - { on: { event: result-sent, worker: w2, nth: 2, delayMs: 1 }, target: coordinator, action: restart }
adversaries:
  - { at: 0, victim: w1, attacks: [no-mac] }
`,
      'good.yaml',
    );
    expect(s.triggers[0]?.on).toEqual({ event: 'result-sent', worker: 'w2', nth: 2, delayMs: 1 });
    expect(s.coordinator.commitDelayMs).toBe(200);
  });
  it('refuses a dependsOn that names no earlier item, a later one or a missing node, and accepts one that fits', () => {
    const items = (deps: string) => `name: d
description: x
fleet: { workers: 1 }
workload:
  items:
    - { name: roots, kind: echo, count: 2, at: 100 }
    - { name: late, kind: echo, count: 1, at: 50, dependsOn: ${deps} }
`;
    expect(() => parseScenario(items('{ item: rots }'), 'd.yaml')).toThrow(/dependsOn\.item: unknown item "rots" \(did you mean "roots"\?\)/);
    expect(() => parseScenario(items('{ item: roots }'), 'd.yaml')).toThrow(/item "roots" starts at 100 ms, after this one \(50 ms\)/);
    expect(() => parseScenario(items('{ item: roots, node: 1 }'), 'd.yaml')).toThrow(/dependsOn\.node: node 1 does not exist/);
    const ok = parseScenario(items('{ item: roots }').replace('at: 100', 'at: 0'), 'd.yaml');
    expect(ok.workload.items[1]?.dependsOn).toEqual([{ item: 'roots', node: 0 }]);
  });
  it('takes a list of dependencies, each judged on its own', () => {
    const items = (deps: string) => `name: d
description: x
fleet: { workers: 1 }
workload:
  items:
    - { name: roots, kind: echo, count: 2, at: 0 }
    - { name: long, kind: sleep, count: 1, at: 0, params: { durationMs: 100 } }
    - { name: late, kind: echo, count: 1, at: 50, dependsOn: ${deps} }
`;
    expect(() => parseScenario(items('[{ item: roots }, { item: lung }]'), 'd.yaml')).toThrow(/dependsOn\[1\]\.item: unknown item "lung" \(did you mean "long"\?\)/);
    expect(() => parseScenario(items('[{ item: roots }, { item: roots }]'), 'd.yaml')).toThrow(/dependsOn\[1\]\.item: item "roots" node 0 is named twice/);
    expect(() => parseScenario(items('[]'), 'd.yaml')).toThrow(/dependsOn/);
    const ok = parseScenario(items('[{ item: roots }, { item: long }]'), 'd.yaml');
    expect(ok.workload.items[2]?.dependsOn).toEqual([
      { item: 'roots', node: 0 },
      { item: 'long', node: 0 },
    ]);
  });
  it('refuses a shareWith that names no earlier item, links a non-plain item or another retry policy', () => {
    const items = (share: string, extra = '') => `name: k
description: x
fleet: { workers: 1 }
workload:
  items:
    - { name: idem, kind: echo, count: 2, at: 0, idempotency: { keys: 1 } }
    - { name: clash, kind: echo, count: 1, at: 50, priority: high, idempotency: { keys: 1, shareWith: ${share} }${extra} }
`;
    expect(() => parseScenario(items('idme'), 'k.yaml')).toThrow(/idempotency\.shareWith: unknown item "idme" \(did you mean "idem"\?\)/);
    expect(() => parseScenario(items('idem', ', startAfterMs: 100'), 'k.yaml')).toThrow(/shareWith links plain single tasks/);
    expect(() => parseScenario(items('idem', ', retry: { maxRetries: 1 }'), 'k.yaml')).toThrow(/item "idem" has another retry policy/);
    expect(parseScenario(items('idem'), 'k.yaml').workload.items[1]?.idempotency).toEqual({ keys: 1, concurrent: false, shareWith: 'idem' });
  });
  it('refuses a live run of fields only the simulation runs, and passes plain scenarios', () => {
    const s = parseScenario(`name: t
description: x
fleet: { workers: 1 }
coordinator: { secret: s }
adversaries: [{ at: 0, victim: w1 }]
`, 't.yaml');
    expect(() => refuseSimOnlyFields(s, 'live')).toThrow(/uses adversaries, which only the simulation runs so far; run it with `squall sim`/);
    expect(() => refuseSimOnlyFields(parseScenario('name: p\ndescription: x\nfleet: { workers: 1 }\n', 'p.yaml'), 'live')).not.toThrow();
  });
});
