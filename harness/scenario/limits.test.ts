import { describe, expect, it } from 'vitest';
import { FIELD_LIMITS, TOTAL_LIMITS } from './limits.js';
import { ScenarioError, parseScenario } from './loader.js';

const minimal = `name: tiny
description: smallest valid scenario
fleet:
  workers: 3
`;

function errorOf(text: string): ScenarioError {
  try {
    parseScenario(text, 'x.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return err as ScenarioError;
  }
  throw new Error('expected a ScenarioError');
}

describe('scenario size limits (refused at load time, before anything is allocated)', () => {
  it('refuses workers: 1e9 at fleet.workers, naming the limit and where it is documented', () => {
    const err = errorOf(minimal.replace('workers: 3', 'workers: 1e9'));
    expect(err.message).toMatch(/fleet\.workers: 1000000000 is above the limit 2000 for fleet\.workers .*limits\.ts/);
    expect(err.code).toBe('invalid_argument');
  });

  it('refuses swarm.ratePerMin: 1e12 at swarm.ratePerMin', () => {
    const err = errorOf(`${minimal}swarm: { ratePerMin: 1e12 }\n`);
    expect(err.issues.map((i) => i.path)).toContain('swarm.ratePerMin');
    expect(err.message).toMatch(/above the limit 6000/);
  });

  it('refuses each element past its limit at its own index', () => {
    const err = errorOf(`${minimal}workload:\n  items:\n    - { kind: echo, count: 10 }\n    - { kind: echo, count: 1000000 }\n`);
    expect(err.issues.map((i) => i.path)).toContain('workload.items[1].count');
  });

  it('refuses totals: many items each under the limit but too many executions together', () => {
    const item = '    - { kind: echo, count: 90000 }\n';
    const err = errorOf(`${minimal}workload:\n  items:\n${item}${item}${item}`);
    expect(err.message).toMatch(new RegExp(`270000 executions in total, above the limit ${TOTAL_LIMITS.executions}`));
  });

  it('accepts every size at its limit (the limits are maxima, not exclusive)', () => {
    const s = parseScenario(minimal.replace('workers: 3', 'workers: 2000'), 'x.yaml');
    expect(s.fleet.workers).toBe(2000);
  });

  it('documents a reason for each limit', () => {
    for (const l of FIELD_LIMITS) expect(l.why.length, l.path).toBeGreaterThan(10);
  });
});

describe('task kinds (refused at load time with a did-you-mean)', () => {
  it('refuses kind: ehco and suggests echo', () => {
    const err = errorOf(`${minimal}workload:\n  items:\n    - { kind: ehco, count: 3 }\n`);
    expect(err.issues[0]).toMatchObject({ path: 'workload.items[0].kind' });
    expect(err.message).toMatch(/unknown task kind "ehco" \(did you mean "echo"\?\); known kinds: sleep, echo, fail, cpu/);
  });

  it('refuses a fleet.kinds typo and a workload kind no worker of the fleet accepts', () => {
    const err = errorOf(`${minimal.replace('workers: 3', 'workers: 3\n  kinds: [slep]')}workload:\n  items:\n    - { kind: echo, count: 3 }\n`);
    const paths = err.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['fleet.kinds[0]', 'workload.items[0].kind']));
    expect(err.message).toMatch(/no worker accepts kind "echo": fleet\.kinds is \[slep\]/);
  });
});
