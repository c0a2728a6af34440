import { describe, expect, it } from 'vitest';
import { contextFromScenario } from './check-context.js';
import { parseScenario } from './loader.js';
import { coordinatorArgsConfig, coordinatorIntent, fleetCoordinatorUrl, workerArgsConfig, workerIntent } from './operator-args.js';

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

  it('reads the heartbeat, lease and breaker families with the command\'s defaults for the flags not given; boolean flags take no value', () => {
    expect(coordinatorIntent(['--no-adaptive-heartbeat'])).toEqual({ heartbeatMs: 1000, heartbeatTimeoutMs: 3000, adaptiveHeartbeat: false });
    expect(coordinatorIntent(['--heartbeat-ms', '500', '--lease-ms', '4000'])).toEqual({ heartbeatMs: 500, heartbeatTimeoutMs: 1500, adaptiveHeartbeat: true, leaseMs: 4000 });
    expect(coordinatorIntent(['--no-breaker', '--retain-count', '3'])).toEqual({ breaker: false, retention: { maxCount: 3 } });
    expect(coordinatorIntent(['--breaker-threshold', '2'])).toEqual({ breaker: { failureThreshold: 2, resetTimeoutMs: 30_000, halfOpenMaxCalls: 1 } });
    expect(coordinatorIntent(['--no-breaker', '--no-breaker'])).toMatch(/given twice/);
    expect(workerIntent(['--concurrency', '10000', '--no-adaptive-heartbeat'])).toEqual({ concurrency: 10_000, allowKinds: [], heartbeatMs: 1000, adaptiveHeartbeat: false });
    expect(workerIntent(['--heartbeat-timeout-ms', '0'])).toMatch(/positive integers/);
  });

  it('builds the families through the commands\' own functions, and leaves a family the flags do not touch to the scenario', () => {
    expect(coordinatorArgsConfig(['--no-adaptive-heartbeat', '--lease-ms', '4000'])).toMatchObject({ heartbeatMs: 1000, heartbeatTimeoutMs: 3000, adaptiveHeartbeat: false, leaseMs: 4000 });
    expect(coordinatorArgsConfig(['--retain-count', '5'])).not.toHaveProperty('leaseMs');
    expect(coordinatorArgsConfig(['--retain-count', '5']).engine).not.toHaveProperty('breaker');
    expect(coordinatorArgsConfig(['--no-breaker']).engine.breaker).toBe(false);
    expect(coordinatorArgsConfig(['--breaker-reset-ms', '1']).engine.breaker).toEqual({ resetTimeoutMs: 1 });
    expect(workerArgsConfig('w1', ['--concurrency', '10000', '--no-adaptive-heartbeat'])).toEqual({ concurrency: 10_000, allowKinds: [], heartbeatMs: 1000, adaptiveHeartbeat: false });
  });

  it('fills the fleet\'s heartbeat fields from fleet.args, and refuses the heartbeat flags in a restart\'s args', () => {
    const f = parseScenario(scenario("fleet: { workers: 2, args: [--no-adaptive-heartbeat, --heartbeat-timeout-ms, '2500'] }").replace('fleet: { workers: 2 }\n', ''), 't.yaml');
    expect([f.fleet.adaptiveHeartbeat, f.fleet.heartbeatTimeoutMs, f.fleet.heartbeatMs]).toEqual([false, 2500, 1000]);
    const c = parseScenario(scenario("coordinator: { leaseMs: 5000, args: [--lease-ms, '8000'] }"), 't.yaml');
    expect(c.coordinator.leaseMs).toBe(8000);
    expect(() => parseScenario(scenario("faults: [{ at: 100, target: w1, action: { type: restart, args: [--no-adaptive-heartbeat] } }]"), 't.yaml')).toThrow(/read fleet-wide by the checker/);
  });

  it('gives each side its own ceiling and k of the adaptive timeout: the workers keep their defaults unless fleet.args give theirs', () => {
    const s = parseScenario(scenario("coordinator: { args: [--rtt-factor, '1', --heartbeat-timeout-max-ms, '9000'] }"), 't.yaml');
    expect(contextFromScenario(s)).toMatchObject({ rttFactor: 1, workerRttFactor: 2, heartbeatTimeoutMaxMs: 9000, workerHeartbeatTimeoutMaxMs: 60_000 });
    const both = parseScenario(scenario("coordinator: { args: [--rtt-factor, '1'] }").replace('fleet: { workers: 2 }\n', "fleet: { workers: 2, args: [--rtt-factor, '3'] }\n"), 't.yaml');
    expect(contextFromScenario(both)).toMatchObject({ rttFactor: 1, workerRttFactor: 3 });
    expect(coordinatorIntent(['--rtt-factor', '0'])).toMatch(/must be a positive integer/);
  });

  it('takes the early-sync, store-thread, backoff and hand-back flags through the commands\' builders, and refuses the others with why', () => {
    expect(coordinatorArgsConfig(['--no-early-sync'])).toMatchObject({ earlySync: false });
    expect(coordinatorArgsConfig(['--retain-count', '5'])).not.toHaveProperty('earlySync');
    expect(workerIntent(['--backoff', 'equal-jitter', '--backoff-max-ms', '800'])).toEqual({ concurrency: 1, allowKinds: [], backoff: { strategy: 'equal-jitter', initialMs: 100, maxMs: 800, multiplier: 2 } });
    expect(workerIntent(['--hand-back-grace-ms', '0'])).toEqual({ concurrency: 1, allowKinds: [], handBackGraceMs: 0 });
    expect(workerIntent(['--backoff', 'linear'])).toMatch(/--backoff takes none, full-jitter/);
    expect(workerArgsConfig('w1', ['--backoff-initial-ms', '50', '--hand-back-grace-ms', '300'])).toEqual({ concurrency: 1, allowKinds: [], backoff: { strategy: 'full-jitter', initialMs: 50, maxMs: 10_000, multiplier: 2 }, handBackGraceMs: 300 });
    expect(coordinatorIntent(['--no-compression'])).toMatch(/cannot be given to the simulation: the simulated network carries each frame as sent/);
    expect(coordinatorIntent(['--api-auth', 'none'])).toMatch(/cannot be given to the simulation: the simulation's secret, signing, API tokens/);
    expect(workerIntent(['--drain-timeout-ms', '100'])).toMatch(/the `drain` fault, whose timeoutMs/);
    const f = parseScenario(scenario("fleet: { workers: 2, args: [--backoff-max-ms, '800', --hand-back-grace-ms, '300'] }").replace('fleet: { workers: 2 }\n', ''), 't.yaml');
    expect([f.fleet.backoff.maxMs, contextFromScenario(f).handBackGraceMs]).toEqual([800, 300]);
    expect(() => parseScenario(scenario('coordinator: { args: [--no-store-thread] }'), 't.yaml')).toThrow(/--no-store-thread .* needs coordinator\.store: sqlite/);
    expect(() => parseScenario(scenario("faults: [{ at: 100, target: w1, action: { type: restart, args: [--backoff-max-ms, '5'] } }]"), 't.yaml')).toThrow(/read fleet-wide by the checker/);
  });

  it('takes --no-zero-rtt on either side through the commands\' builders into the scenario\'s zeroRtt, and refuses it with a secret, as documented', () => {
    expect(coordinatorIntent(['--no-zero-rtt'])).toEqual({ zeroRtt: false });
    expect(coordinatorArgsConfig(['--no-zero-rtt'])).toMatchObject({ zeroRtt: false });
    expect(coordinatorArgsConfig(['--no-early-sync'])).not.toHaveProperty('zeroRtt');
    expect(workerIntent(['--no-zero-rtt'])).toEqual({ concurrency: 1, allowKinds: [], zeroRtt: false });
    expect(workerArgsConfig('w1', ['--no-zero-rtt'])).toMatchObject({ zeroRtt: false });
    expect(workerArgsConfig('w1', ['--concurrency', '2'])).not.toHaveProperty('zeroRtt');
    const both = parseScenario(scenario('coordinator: { args: [--no-zero-rtt] }').replace('fleet: { workers: 2 }', 'fleet: { workers: 2, args: [--no-zero-rtt] }'), 't.yaml');
    expect([both.coordinator.zeroRtt, both.fleet.zeroRtt]).toEqual([false, false]);
    expect(() => parseScenario(scenario('coordinator: { zeroRtt: true, args: [--no-zero-rtt] }'), 't.yaml')).toThrow(/contradicts coordinator\.args/);
    expect(() => parseScenario(scenario('fleet: { workers: 2, zeroRtt: true, args: [--no-zero-rtt] }').replace('fleet: { workers: 2 }\n', ''), 't.yaml')).toThrow(/fleet\.zeroRtt true contradicts fleet\.args/);
    expect(() => parseScenario(scenario('coordinator: { secret: s3cret, args: [--no-zero-rtt] }'), 't.yaml')).toThrow(/squall coordinator refuses these flags, as documented: --no-zero-rtt has no effect with a secret/);
    expect(() => parseScenario(scenario('coordinator: { secret: s3cret }').replace('fleet: { workers: 2 }', 'fleet: { workers: 2, args: [--no-zero-rtt] }'), 't.yaml')).toThrow(/squall worker refuses these flags, as documented: --no-zero-rtt has no effect with a secret/);
  });

  it('refuses at load a command line the documentation refuses (session 35: documented-flags.ts, not the system\'s parser)', () => {
    expect(() => parseScenario(scenario("coordinator: { args: [--retain-sweep, '250'] }"), 't.yaml')).toThrow(/squall coordinator refuses these flags, as documented: --retain-sweep has no effect without --retain-count or --retain-age/);
    expect(() => parseScenario(scenario("coordinator: { args: [--heartbeat-ms, '2000', --heartbeat-timeout-ms, '2000'] }"), 't.yaml')).toThrow(/squall coordinator refuses these flags, as documented: the heartbeat timeout \(2000\) must be greater than --heartbeat-ms \(2000\)/);
    expect(() => parseScenario(scenario("fleet: { workers: 2, args: [--no-adaptive-heartbeat, --rtt-factor, '3'] }").replace('fleet: { workers: 2 }\n', ''), 't.yaml')).toThrow(/squall worker refuses these flags, as documented: --rtt-factor has no effect with --no-adaptive-heartbeat/);
    expect(parseScenario(scenario("coordinator: { args: [--retain-count, '5', --retain-sweep, '250'] }"), 't.yaml').coordinator.retention).toMatchObject({ maxCount: 5, sweepMs: 250 });
  });

  it('gives each worker its coordinator URL, cycled, through `squall worker --coordinator` when the fleet runs with flags', () => {
    const f = { coordinatorUrls: ['ws://coordinator:8080/squall/ws', 'ws://coordinator:7000/'] };
    expect([0, 1, 2].map((i) => fleetCoordinatorUrl(f, `w${i + 1}`, i).coordinatorUrl)).toEqual(['ws://coordinator:8080/squall/ws', 'ws://coordinator:7000/', 'ws://coordinator:8080/squall/ws']);
    expect(fleetCoordinatorUrl({ ...f, args: ['--concurrency', '2'] }, 'w1', 0)).toEqual({ coordinatorUrl: 'ws://coordinator:8080/squall/ws' });
    expect(fleetCoordinatorUrl({}, 'w1', 0)).toEqual({});
  });
});
