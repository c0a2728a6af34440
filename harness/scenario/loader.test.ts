import { describe, expect, it } from 'vitest';
import { ScenarioError, loadScenario, parseScenario } from './loader.js';
import { faultTimeline, workerIds } from './schema.js';
import { resolvePartition, resolveTarget, workerBackoffs } from './targets.js';

const minimal = `name: tiny
description: smallest valid scenario
fleet:
  workers: 3
`;

function errorOf(text: string, file = 'scenarios/x.yaml'): ScenarioError {
  try {
    parseScenario(text, file);
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return err as ScenarioError;
  }
  throw new Error('expected a ScenarioError');
}

describe('loadScenario', () => {
  it('names a file it cannot read and where the scenarios are', async () => {
    await expect(loadScenario('scenarios/nope.yaml')).rejects.toThrow(/cannot read scenario file scenarios\/nope\.yaml: no such file \(the scenarios are scenarios\/\*\.yaml/);
  });
});

describe('parseScenario', () => {
  it('returns the validated scenario with defaults filled in', () => {
    const s = parseScenario(minimal, 'tiny.yaml');
    expect(s.seed).toBe(1);
    expect(s.fleet.concurrency).toBe(4);
    expect(s.fleet.backoff).toEqual({ strategy: 'full-jitter', initialMs: 100, maxMs: 10_000, multiplier: 2 });
    expect(s.coordinator.heartbeatTimeoutMs).toBe(3_000);
    expect(s.phases).toEqual({ faultsMs: 10_000, healMs: 30_000 });
    expect(s.checks.promises).toBe('all');
    expect(s.slo.maxLostCompletions).toBe(0);
    expect(workerIds(s.fleet)).toEqual(['w1', 'w2', 'w3']);
  });

  it('accepts an action by name and fills its defaults', () => {
    const s = parseScenario(`${minimal}faults:\n  - { at: 10, for: 100, target: w2, action: down }\n  - { at: 5, action: { type: latency, ms: 20 } }\n`, 'a.yaml');
    expect(s.faults[0]?.action).toEqual({ type: 'down' });
    expect(s.faults[1]?.action).toEqual({ type: 'latency', ms: 20, jitterMs: 0, stream: 'both', toxicity: 1 });
    expect(s.faults[1]?.target).toBe('all-workers');
    expect(faultTimeline(s.faults).map((f) => f.at)).toEqual([5, 10]);
  });

  it('names file, line, column, path and the closest action for a misspelt action', () => {
    const text = `${minimal}faults:\n  - at: 0\n    action: down\n  - at: 1\n    action: down\n  - at: 2\n    target: w1\n    action: latncy\n`;
    const err = errorOf(text);
    expect(err.message.split('\n')[0]).toMatch(/^scenarios\/x\.yaml:12:13: faults\[2\]\.action: unknown action "latncy" \(did you mean "latency"\?\)/);
    expect(err.issues[0]).toMatchObject({ line: 12, col: 13, path: 'faults[2].action' });
  });

  it('rejects unknown fields with a suggestion, pointing at the key', () => {
    const err = errorOf('name: t\ndescription: d\nfleet:\n  workers: 2\n  concurency: 3\n');
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]).toMatchObject({ line: 5, col: 3, path: 'fleet.concurency' });
    expect(err.issues[0]?.message).toContain('unknown field "concurency" (did you mean "concurrency"?)');
  });

  it('suggests enum values', () => {
    const err = errorOf(`${minimal}  backoff: { strategy: full-jiter }\n`);
    expect(err.message).toContain('fleet.backoff.strategy: unknown value "full-jiter" (did you mean "full-jitter"?)');
  });

  it('lists every problem, not only the first', () => {
    const err = errorOf('name: t\ndescription: d\nfleet:\n  workers: two\nphases: { faultsMs: -1 }\nbogus: 1\n');
    expect(err.issues.map((i) => i.path)).toEqual(['fleet.workers', 'phases.faultsMs', 'bogus']);
    expect(err.issues[0]?.message).toBe('expected number, got string "two"');
  });

  it('reports missing required fields', () => {
    const err = errorOf('name: t\nfleet: { workers: 1 }\n');
    expect(err.issues.map((i) => i.path)).toEqual(['description']);
    expect(err.issues[0]?.message).toMatch(/missing required field/);
  });

  it('reports YAML syntax errors with their position', () => {
    const err = errorOf('name: t\nfleet: { workers: 1\ndescription: d\n', 'bad.yaml');
    expect(err.issues[0]?.file).toBe('bad.yaml');
    expect(err.issues[0]?.message).toMatch(/^YAML: /);
    expect(err.message).toMatch(/^bad\.yaml:\d+:\d+: YAML: /);
  });

  it('rejects duplicate keys and empty files', () => {
    expect(errorOf('name: a\nname: b\n').message).toMatch(/YAML: .*[Mm]ap keys must be unique/);
    expect(errorOf('# nothing\n').message).toMatch(/x\.yaml:1:1: the file is empty/);
  });

  it('checks targets against the fleet and groups, with suggestions', () => {
    const text = `name: t\ndescription: d\nfleet:\n  workers: 4\n  groups: [{ name: east, count: 2 }, { name: west, from: 3, to: 4 }]\nfaults:\n  - { at: 0, target: eastt, action: down }\n  - { at: 0, target: w9, action: pause }\n  - { at: 0, target: "east<->coordinator", action: kill }\n  - { at: 0, action: { type: partition, groups: [east, [wset]] } }\n`;
    const err = errorOf(text);
    expect(err.issues.map((i) => `${i.line} ${i.path}`)).toEqual([
      '7 faults[0].target',
      '8 faults[1].target',
      '9 faults[2].target',
      '10 faults[3].action.groups[1][0]',
    ]);
    expect(err.issues[0]?.message).toContain('unknown target "eastt" (did you mean "east"?)');
    expect(err.issues[2]?.message).toContain('acts on processes, not links');
    expect(err.issues[3]?.message).toContain('(did you mean "west"?)');
  });

  it('keeps faults within the fault phase and groups within the fleet', () => {
    const text = `name: t\ndescription: d\nfleet:\n  workers: 4\n  groups: [{ name: a, count: 5 }]\nphases: { faultsMs: 1000 }\nfaults:\n  - { at: 1000, action: down }\n  - { at: 500, for: 600, action: down }\n  - { at: 0, for: 100, action: down, repeat: { everyMs: 300, count: 5 } }\n`;
    const err = errorOf(text);
    expect(err.issues.map((i) => i.path)).toEqual(['fleet.groups[0].count', 'faults[0].at', 'faults[1].for', 'faults[2].repeat']);
  });
});

describe('targets', () => {
  const s = parseScenario(
    'name: t\ndescription: d\nfleet:\n  workers: 6\n  groups: [{ name: a, count: 2 }, { name: b, ids: [w5] }, { name: c, count: 1 }]\n',
    't.yaml',
  );
  it('resolves groups, workers and links', () => {
    expect(resolveTarget(s.fleet, 'a')).toEqual({ kind: 'nodes', nodes: { coordinator: false, workers: ['w1', 'w2'] } });
    expect(resolveTarget(s.fleet, 'c')).toEqual({ kind: 'nodes', nodes: { coordinator: false, workers: ['w3'] } });
    expect(resolveTarget(s.fleet, 'w5<->coordinator')).toEqual({
      kind: 'link',
      a: { coordinator: false, workers: ['w5'] },
      b: { coordinator: true, workers: [] },
    });
    expect(() => resolveTarget(s.fleet, 'zz')).toThrow(/unknown target "zz"/);
  });
  it('puts the coordinator on side 0 of a partition unless named', () => {
    const sides = resolvePartition(s.fleet, { type: 'partition', groups: ['a', ['b', 'c']], oneWay: false });
    expect(sides).toEqual([
      { coordinator: true, workers: ['w1', 'w2'] },
      { coordinator: false, workers: ['w5', 'w3'] },
    ]);
  });
});

describe('group backoff', () => {
  it("gives a group's workers its own backoff over the fleet's", () => {
    const s = parseScenario(
      'name: t\ndescription: d\nfleet:\n  workers: 3\n  backoff: { initialMs: 20, maxMs: 300 }\n  groups: [{ name: d, from: 3, to: 3, backoff: { strategy: decorrelated-jitter } }]\n',
      't.yaml',
    );
    const { byWorker } = workerBackoffs(s.fleet);
    expect(byWorker.get('w1')).toEqual({ strategy: 'full-jitter', initialMs: 20, maxMs: 300, multiplier: 2 });
    expect(byWorker.get('w3')).toEqual({ strategy: 'decorrelated-jitter', initialMs: 20, maxMs: 300, multiplier: 2 });
  });
  it("refuses a worker in two groups that set a backoff, and a merged initialMs (the fleet's 100) above the group's maxMs", () => {
    const text = 'name: t\ndescription: d\nfleet:\n  workers: 3\n  groups: [{ name: a, count: 2, backoff: { maxMs: 50 } }, { name: b, ids: [w2], backoff: { initialMs: 40 } }]\n';
    const err = errorOf(text);
    expect(err.issues.map((i) => i.path)).toEqual(['fleet.groups[0].backoff.initialMs', 'fleet.groups[1].backoff']);
    expect(err.issues[0]?.message).toContain("must be <= the group's maxMs (50)");
    expect(err.issues[1]?.message).toContain('worker w2 is also in group "a"');
  });
});
