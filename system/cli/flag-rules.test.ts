import { describe, expect, it } from 'vitest';
import { coordinatorCommand } from './coordinator.js';
import { workerCommand } from './worker.js';
import { parseCommand as parse } from './testing.js';


const noEnvSecret = (): void => {
  delete process.env.SQUALL_SECRET;
  delete process.env.SQUALL_SECRET_FILE;
};

describe('squall coordinator refuses flag pairs its process would refuse, before it opens anything', () => {
  it('--heartbeat-timeout-max-ms below the timeout (given or 3x the heartbeat), naming both flags, exit 2', async () => {
    const low = await parse(coordinatorCommand, ['--store', 'memory', '--heartbeat-timeout-max-ms', '20']);
    expect(low).toMatchObject({ ran: false, exitCode: 2 });
    expect(low.err).toMatch(/error: --heartbeat-timeout-max-ms \(20\) must be >= --heartbeat-timeout-ms \(3000\) \(--heartbeat-timeout-ms not given: its default is 3x --heartbeat-ms/);
    const given = await parse(coordinatorCommand, ['--store', 'memory', '--heartbeat-timeout-ms', '5000', '--heartbeat-timeout-max-ms', '4000']);
    expect(given.err).toMatch(/--heartbeat-timeout-max-ms \(4000\) must be >= --heartbeat-timeout-ms \(5000\)\n/);
    expect((await parse(coordinatorCommand, ['--store', 'memory', '--heartbeat-timeout-ms', '5000', '--heartbeat-timeout-max-ms', '5000'])).ran).toBe(true);
  });

  it('the timeout at or below the interval, a default timeout above a day, durations above a day, a bad --rtt-factor', async () => {
    expect((await parse(coordinatorCommand, ['--heartbeat-ms', '2000', '--heartbeat-timeout-ms', '2000'])).err).toMatch(/--heartbeat-timeout-ms \(2000\) must be greater than --heartbeat-ms \(2000\)/);
    expect((await parse(coordinatorCommand, ['--heartbeat-ms', '40000000'])).err).toMatch(/--heartbeat-timeout-ms must be at most 86400000 ms \(1 day\), got 120000000 \(--heartbeat-timeout-ms not given: its default is 3x --heartbeat-ms; give --heartbeat-timeout-ms or change --heartbeat-ms\)/);
    expect((await parse(coordinatorCommand, ['--lease-ms', '86400001'])).err).toMatch(/--lease-ms must be an integer between 100 and 86400000/);
    expect((await parse(coordinatorCommand, ['--rtt-factor', 'abc'])).err).toMatch(/--rtt-factor takes a plain decimal number like 2 or 2.5 \(a number between 1 and 100\), got "abc"/);
    expect((await parse(coordinatorCommand, ['--host', ''])).err).toMatch(/--host must be 1 to 253 characters/);
  });

  it('--sign-messages without a secret, a reachable --host without auth, --data-dir with --store memory', async () => {
    noEnvSecret();
    expect((await parse(coordinatorCommand, ['--sign-messages'])).err).toMatch(/--sign-messages needs a worker secret \(--secret-file/);
    expect((await parse(coordinatorCommand, ['--host', '0.0.0.0', '--api-auth', 'none'])).err).toMatch(/--host 0\.0\.0\.0 is reachable from other machines: it needs a worker secret .* and --api-auth token .*, or --insecure/);
    expect((await parse(coordinatorCommand, ['--host', '0.0.0.0', '--api-auth', 'none', '--insecure'])).ran).toBe(true);
    expect((await parse(coordinatorCommand, ['--store', 'memory', '--data-dir', 'd'])).err).toMatch(/--data-dir and --store memory exclude each other/);
  });
});

describe('squall worker refuses flag pairs its process would refuse', () => {
  const base = ['--coordinator', 'ws://127.0.0.1:7070', '--id', 'w1'];

  it('--backoff-max-ms below --backoff-initial-ms (its default 10000 too), naming both, exit 2', async () => {
    const r = await parse(workerCommand, [...base, '--backoff-initial-ms', '20000']);
    expect(r).toMatchObject({ ran: false, exitCode: 2 });
    expect(r.err).toMatch(/error: --backoff-max-ms must be >= --backoff-initial-ms \(got --backoff-max-ms 10000 < --backoff-initial-ms 20000\) \(--backoff-max-ms not given: its default is 10000/);
    expect((await parse(workerCommand, [...base, '--backoff-initial-ms', '20000', '--backoff-max-ms', '20000'])).ran).toBe(true);
  });

  it('the heartbeat pairs, a bad multiplier or URL or id, a non-loopback coordinator or --allow-kinds without a secret', async () => {
    noEnvSecret();
    expect((await parse(workerCommand, [...base, '--heartbeat-timeout-ms', '900', '--heartbeat-ms', '1000'])).err).toMatch(/--heartbeat-timeout-ms must be greater than --heartbeat-ms \(1000\); got 900/);
    expect((await parse(workerCommand, [...base, '--heartbeat-timeout-ms', '5000', '--heartbeat-timeout-max-ms', '4000'])).err).toMatch(/--heartbeat-timeout-max-ms must be >= --heartbeat-timeout-ms \(5000\); got 4000/);
    expect((await parse(workerCommand, [...base, '--backoff-multiplier', '0.5'])).err).toMatch(/--backoff-multiplier must be a number >= 1, got "0.5"/);
    expect((await parse(workerCommand, ['--coordinator', 'http://x', '--id', 'w1'])).err).toMatch(/--coordinator must use ws:\/\/ or wss:\/\//);
    expect((await parse(workerCommand, ['--coordinator', 'ws://127.0.0.1:1', '--id', ''])).err).toMatch(/--id must be 1 to 200 characters/);
    expect((await parse(workerCommand, ['--coordinator', 'ws://192.0.2.1:1', '--id', 'w1'])).err).toMatch(/--coordinator ws:\/\/192\.0\.2\.1:1 is not a loopback address: .* or --insecure/);
    expect((await parse(workerCommand, [...base, '--allow-kinds', 'command'])).err).toMatch(/--allow-kinds command needs a worker secret/);
    expect((await parse(workerCommand, [...base, '--allow-kinds', 'shell'])).err).toMatch(/--allow-kinds takes command, container/);
    expect((await parse(workerCommand, [...base, '--command-env-allow', 'SQUALL_SECRET'])).err).toMatch(/--command-env-allow: SQUALL_SECRET is a worker secret/);
  });
});
