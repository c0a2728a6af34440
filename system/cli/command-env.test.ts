import { afterEach, describe, expect, it, vi } from 'vitest';
import { coordinatorCommand } from './coordinator.js';
import { workerCommand } from './worker.js';
import { type Build, parseCommand as parse } from './testing.js';

/** The commands with the environment given as a parameter (what a probe passes), not the process's. */
const workerWith = (env: NodeJS.ProcessEnv): Build => (cmd, action) => workerCommand(cmd, action, env);
const coordinatorWith = (env: NodeJS.ProcessEnv): Build => (cmd, action) => coordinatorCommand(cmd, action, env);
const worker = ['--coordinator', 'ws://127.0.0.1:7070', '--id', 'w1'];

afterEach(() => vi.unstubAllEnvs());

describe('the start-up checks read the secret from the environment they are given, never from process.env behind it', () => {
  it('squall worker: an env without a secret refuses --allow-kinds, whatever process.env holds; one with a secret accepts it', async () => {
    vi.stubEnv('SQUALL_SECRET', 'in-process-env');
    vi.stubEnv('SQUALL_SECRET_FILE', '/nonexistent');
    const refused = await parse(workerWith({}), [...worker, '--allow-kinds', 'command']);
    expect(refused).toMatchObject({ ran: false, exitCode: 2 });
    expect(refused.err).toMatch(/--allow-kinds command needs a worker secret/);
    // --no-adaptive-heartbeat pairs read no env; --secret with --secret-file is inert either way: the env decides only the secret rules.
    vi.stubEnv('SQUALL_SECRET', '');
    vi.stubEnv('SQUALL_SECRET_FILE', '');
    expect(await parse(workerWith({ SQUALL_SECRET: 'from-param' }), [...worker, '--allow-kinds', 'command'])).toMatchObject({ ran: true });
  });

  it('squall coordinator: --sign-messages needs a secret in the env given, not in process.env', async () => {
    vi.stubEnv('SQUALL_SECRET', 'in-process-env');
    const refused = await parse(coordinatorWith({}), ['--store', 'memory', '--sign-messages']);
    expect(refused.err).toMatch(/--sign-messages needs a worker secret/);
    vi.stubEnv('SQUALL_SECRET', '');
    expect(await parse(coordinatorWith({ SQUALL_SECRET: 'from-param' }), ['--store', 'memory', '--sign-messages'])).toMatchObject({ ran: true });
  });

  it('by default (the commands as they run) the process environment is the one read', async () => {
    vi.stubEnv('SQUALL_SECRET', 'in-process-env');
    expect(await parse(workerCommand, [...worker, '--allow-kinds', 'command'])).toMatchObject({ ran: true });
  });
});
