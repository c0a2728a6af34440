import { beforeAll, describe, expect, it } from 'vitest';
import { coordinatorCommand } from './coordinator.js';
import { submitCommand } from './submit.js';
import { workerCommand } from './worker.js';
import { type Build, parseCommand as parse } from './testing.js';

const submitBuild: Build = (cmd, action) => submitCommand(cmd).action(action);

const coordinator = (argv: string[]) => parse(coordinatorCommand as Build, ['--store', 'memory', ...argv]);
const worker = (argv: string[]) => parse(workerCommand as Build, ['--coordinator', 'ws://127.0.0.1:7070', '--id', 'w1', ...argv]);

beforeAll(() => {
  for (const k of ['SQUALL_SECRET', 'SQUALL_SECRET_FILE']) delete process.env[k];
});

describe('a flag that would have no effect is refused, naming the flag that decides (exit 2)', () => {
  it('squall coordinator', async () => {
    const sweep = await coordinator(['--retain-sweep', '5s']);
    expect(sweep).toMatchObject({ ran: false, exitCode: 2 });
    expect(sweep.err).toMatch(/^error: --retain-sweep has no effect without --retain-count or --retain-age/m);
    expect((await coordinator(['--retain-sweep', '5s', '--retain-age', '7d'])).ran).toBe(true);
    expect((await coordinator(['--compression-threshold', '64', '--no-compression'])).err).toMatch(/--compression-threshold has no effect with --no-compression/);
    expect((await coordinator(['--breaker-threshold', '3', '--breaker-reset-ms', '10', '--no-breaker'])).err).toMatch(/--breaker-threshold and --breaker-reset-ms have no effect with --no-breaker/);
    expect((await coordinator(['--rtt-factor', '3', '--no-adaptive-heartbeat'])).err).toMatch(/--rtt-factor has no effect with --no-adaptive-heartbeat/);
    expect((await coordinator(['--no-store-thread'])).err).toMatch(/--no-store-thread has no effect with --store memory/);
    expect((await coordinator(['--api-auth', 'none', '--metrics-auth', 'none'])).err).toMatch(/--metrics-auth has no effect with --api-auth none/);
    expect((await coordinator(['--no-sign-messages'])).err).toMatch(/--no-sign-messages has no effect without a worker secret/);
    expect((await coordinator(['--metrics-auth', 'none'])).ran).toBe(true);
  });

  it('squall worker', async () => {
    expect((await worker(['--heartbeat-timeout-max-ms', '9000', '--no-adaptive-heartbeat'])).err).toMatch(/^error: --heartbeat-timeout-max-ms has no effect with --no-adaptive-heartbeat/m);
    expect((await worker(['--command-env-allow', 'PATH'])).err).toMatch(/--command-env-allow has no effect without --allow-kinds command/);
    expect((await worker(['--tls-ca', 'ca.pem'])).err).toMatch(/--tls-ca has no effect without a wss:\/\/ --coordinator/);
    expect((await worker(['--backoff', 'none', '--backoff-multiplier', '3'])).err).toMatch(/--backoff-multiplier has no effect with --backoff none/);
    expect((await worker(['--backoff', 'none', '--backoff-initial-ms', '300'])).ran).toBe(true);
  });

  it('squall submit', async () => {
    const poll = await parse(submitBuild, ['--kind', 'echo', '--poll-ms', '500']);
    expect(poll).toMatchObject({ ran: false, exitCode: 2 });
    expect(poll.err).toMatch(/^error: --poll-ms has no effect without --wait/m);
    expect((await parse(submitBuild, ['--file', 'f.json', '--priority', 'high'])).err).toMatch(/--priority has no effect without --kind/);
    expect((await parse(submitBuild, ['--graph', 'g.json', '--kind', 'echo'])).err).toMatch(/--kind has no effect with --graph/);
    expect((await parse(submitBuild, ['--file', 'f.json', '--kind', 'echo'])).err).toMatch(/--kind has no effect with --file/);
    expect((await parse(submitBuild, ['--kind', 'echo', '--wait', '--poll-ms', '500', '--priority', 'high'])).ran).toBe(true);
  });
});
