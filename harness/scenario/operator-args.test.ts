import { describe, expect, it } from 'vitest';
import { parseScenario } from './loader.js';
import { coordinatorArgsConfig, coordinatorIntent, workerArgsConfig, workerIntent } from './operator-args.js';

const scenario = (extra: string): string => `name: t\ndescription: d\nfleet: { workers: 2 }\n${extra}\n`;

describe('operator command lines in scenarios', () => {
  it('reads the flags by their documented meaning: either retention limit alone is a policy, durations with units', () => {
    expect(coordinatorIntent(['--retain-age', '2s'])).toEqual({ retention: { maxAgeMs: 2000 } });
    expect(coordinatorIntent(['--retain-count', '5', '--retain-sweep', '250ms'])).toEqual({ retention: { maxCount: 5, sweepMs: 250 } });
    expect(coordinatorIntent(['--retain-sweep', '1s'])).toEqual({});
    expect(coordinatorIntent(['--port', '7070'])).toMatch(/"--port" is not a flag a scenario may give here/);
    expect(workerIntent([])).toEqual({ concurrency: 1, allowKinds: [] });
    expect(workerIntent(['--allow-kinds', 'command', '--concurrency', '3'])).toEqual({ concurrency: 3, allowKinds: ['command'] });
  });

  it("builds the config through the commands' own functions: a retention flag alone reaches the engine", () => {
    expect(coordinatorArgsConfig(['--retain-age', '2s']).engine.retention).toEqual({ maxAgeMs: 2000 });
    expect(coordinatorArgsConfig(['--retain-count', '5']).engine.retention).toEqual({ maxCount: 5 });
    expect(coordinatorArgsConfig(['--max-pending-per-client', '9'])).toMatchObject({ maxPendingPerClient: 9 });
    expect(workerArgsConfig('w1', ['--concurrency', '2', '--allow-kinds', 'command'])).toEqual({ concurrency: 2, allowKinds: ['command'] });
  });

  it('fills the scenario fields from the flags, and refuses a contradiction, an I/O flag and a restart of the coordinator with args', () => {
    const s = parseScenario(scenario("coordinator: { args: [--retain-count, '4'] }"), 't.yaml');
    expect(s.coordinator.retention).toEqual({ maxCount: 4 });
    const f = parseScenario(scenario("fleet: { workers: 2, args: [--concurrency, '2', --allow-kinds, command] }").replace('fleet: { workers: 2 }\n', ''), 't.yaml');
    expect([f.fleet.concurrency, f.fleet.allowKinds]).toEqual([2, { w1: ['command'], w2: ['command'] }]);
    expect(() => parseScenario(scenario("coordinator: { retention: { maxCount: 5 }, args: [--retain-count, '4'] }"), 't.yaml')).toThrow(/contradicts coordinator\.args/);
    expect(() => parseScenario(scenario('coordinator: { args: [--data-dir, x] }'), 't.yaml')).toThrow(/"--data-dir" is not a flag a scenario may give here/);
    expect(() => parseScenario(scenario("faults: [{ at: 100, target: coordinator, action: { type: restart, args: [--concurrency, '2'] } }]"), 't.yaml')).toThrow(/its target must be workers/);
  });
});
