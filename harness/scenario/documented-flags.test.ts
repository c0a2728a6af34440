import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandRefusal } from './command-accepts.js';
import { Register } from '../../system/protocol/index.js';
import { documentedCoordinatorRefusal, documentedWorkerRefusal, RELATIONS, WORKER_BOUNDS, WORKER_PROTOCOL_BOUNDS } from './documented-flags.js';
import { loadScenario } from './loader.js';

const documented = (command: 'coordinator' | 'worker', args: readonly string[]): string | undefined => (command === 'coordinator' ? documentedCoordinatorRefusal(args) : documentedWorkerRefusal(args));

/** Command lines the documentation refuses (README "Flag combinations", "Flags with no effect", the numeric grammar, --help ranges), each with what the message says. */
const REFUSED: readonly [command: 'coordinator' | 'worker', args: string[], why: RegExp][] = [
  ['coordinator', ['--retain-sweep', '250'], /--retain-sweep has no effect without --retain-count or --retain-age/],
  ['coordinator', ['--no-breaker', '--breaker-threshold', '3'], /--breaker-threshold has no effect with --no-breaker/],
  ['coordinator', ['--no-adaptive-heartbeat', '--rtt-factor', '3'], /--rtt-factor has no effect with --no-adaptive-heartbeat/],
  ['coordinator', ['--heartbeat-timeout-max-ms', '14500'], /--heartbeat-timeout-max-ms has no effect above --lease-ms less one --heartbeat-ms \(14000\)/],
  ['coordinator', ['--heartbeat-ms', '2000', '--heartbeat-timeout-ms', '2000'], /heartbeat timeout \(2000\) must be greater than --heartbeat-ms \(2000\)/],
  ['coordinator', ['--heartbeat-ms', '40000000'], /longer than a day/],
  ['coordinator', ['--heartbeat-timeout-max-ms', '2000'], /below the heartbeat timeout in force \(3000\)/],
  ['coordinator', ['--lease-ms', '99'], /--lease-ms must be between 100 and 86400000/],
  ['coordinator', ['--max-pending', '1e3'], /--max-pending takes plain decimal digits/],
  ['coordinator', ['--retain-count', '2', '--retain-age', '7w'], /--retain-age takes digits and one optional unit/],
  ['worker', ['--concurrency', '10001'], /--concurrency must be between 1 and 10000/],
  ['worker', ['--heartbeat-ms', '9'], /--heartbeat-ms must be at least 10/],
  ['worker', ['--no-adaptive-heartbeat', '--heartbeat-timeout-max-ms', '5000'], /--heartbeat-timeout-max-ms has no effect with --no-adaptive-heartbeat/],
  ['worker', ['--backoff', 'none', '--backoff-multiplier', '3'], /--backoff-multiplier has no effect with --backoff none/],
  ['worker', ['--heartbeat-timeout-ms', '900'], /--heartbeat-timeout-ms \(900\) must be greater than --heartbeat-ms \(1000\)/],
  ['worker', ['--heartbeat-timeout-ms', '5000', '--heartbeat-timeout-max-ms', '4000'], /below --heartbeat-timeout-ms \(5000\)/],
  ['worker', ['--backoff-initial-ms', '20000'], /--backoff-max-ms \(10000\) is below --backoff-initial-ms \(20000\)/],
  ['worker', ['--rtt-factor', '0.5'], /--rtt-factor must be between 1 and 100/],
];

/** Their accepted neighbours. */
const ACCEPTED: readonly [command: 'coordinator' | 'worker', args: string[]][] = [
  ['coordinator', ['--retain-count', '2', '--retain-sweep', '250']],
  ['coordinator', ['--breaker-threshold', '3']],
  ['coordinator', ['--heartbeat-timeout-max-ms', '14000']],
  ['coordinator', ['--heartbeat-ms', '2000', '--heartbeat-timeout-ms', '2001']],
  ['coordinator', ['--heartbeat-ms', '28800000']],
  ['coordinator', ['--heartbeat-timeout-ms', '90000', '--lease-ms', '200000']],
  ['coordinator', ['--retain-age', '30d', '--retain-sweep', '1ms', '--rtt-factor', '2.5']],
  ['worker', ['--concurrency', '10000', '--backoff-initial-ms', '20000', '--backoff-max-ms', '20000']],
  ['worker', ['--heartbeat-timeout-ms', '90000']],
  ['worker', ['--backoff', 'none', '--backoff-initial-ms', '300', '--hand-back-grace-ms', '0']],
];

/** Every command line the scenario files give (coordinator.args, fleet.args, restarts' args). */
async function scenarioCommandLines(): Promise<[string, 'coordinator' | 'worker', readonly string[]][]> {
  const out: [string, 'coordinator' | 'worker', readonly string[]][] = [];
  for (const f of readdirSync('scenarios').filter((x) => /\.ya?ml$/.test(x)).sort()) {
    const s = await loadScenario(join('scenarios', f));
    if (s.coordinator.args !== undefined) out.push([f, 'coordinator', s.coordinator.args]);
    if (s.fleet.args !== undefined) out.push([f, 'worker', s.fleet.args]);
    for (const x of s.faults) if (x.action.type === 'restart' && x.action.args !== undefined) out.push([f, 'worker', x.action.args]);
  }
  return out;
}

describe('the documented flag table (what the scenario loader refuses) and the real commands agree', () => {
  it('refuses each documented refusal, as the real command does', () => {
    for (const [command, args, why] of REFUSED) {
      expect(documented(command, args), `${command} ${args.join(' ')}`).toMatch(why);
      expect(commandRefusal(command, args), `the real ${command} ${args.join(' ')}`).toBeDefined();
    }
  });

  it('accepts their neighbours, as the real command does', () => {
    for (const [command, args] of ACCEPTED) {
      expect(documented(command, args), `${command} ${args.join(' ')}`).toBeUndefined();
      expect(commandRefusal(command, args), `the real ${command} ${args.join(' ')}`).toBeUndefined();
    }
  });

  it("accepts every scenario's command lines, and so does the real command", async () => {
    const lines = await scenarioCommandLines();
    expect(lines.length).toBeGreaterThan(10);
    for (const [file, command, args] of lines) {
      expect(documented(command, args), `${file}: ${command} ${args.join(' ')}`).toBeUndefined();
      expect(commandRefusal(command, args), `${file}: the real ${command} ${args.join(' ')}`).toBeUndefined();
    }
  });

  it('holds each relation at its boundary: the last value accepted, one step past refused (the table and the real command)', () => {
    expect(RELATIONS.length).toBeGreaterThanOrEqual(8);
    for (const r of RELATIONS) {
      const at = [...r.fixed, r.moved, r.at];
      const past = [...r.fixed, r.moved, r.past];
      expect(documented(r.command, at), `${r.command} ${at.join(' ')}`).toBeUndefined();
      expect(documented(r.command, past), `${r.command} ${past.join(' ')}`).toBeDefined();
      expect(commandRefusal(r.command, at), `the real ${r.command} ${at.join(' ')}`).toBeUndefined();
      expect(commandRefusal(r.command, past), `the real ${r.command} ${past.join(' ')}`).toMatch(new RegExp(r.moved));
    }
  });

  it("takes the bounds of the flags that become protocol fields from the protocol's schema", () => {
    expect(WORKER_PROTOCOL_BOUNDS['--id']).toMatchObject({ min: 1, max: Register.shape.workerId.maxLength });
    expect(WORKER_BOUNDS['--concurrency']?.max).toBe(Register.shape.capabilities.shape.concurrency.maxValue);
    expect(documentedWorkerRefusal(['--id', 'w'.repeat(200)])).toBeUndefined();
    expect(documentedWorkerRefusal(['--id', 'w'.repeat(201)])).toMatch(/--id must be between 1 and 200/);
  });
});
