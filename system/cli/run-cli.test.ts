import { Command, InvalidArgumentError } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from './run-cli.js';

/** Runs a one-command program whose action throws `err`; returns what reached stderr and the exit code. */
async function run(err: Error): Promise<{ stderr: string; code: number | string | undefined }> {
  const program = new Command().exitOverride().configureOutput({ writeErr: () => undefined });
  program.command('go').action(() => { throw err; });
  const writes: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => { writes.push(String(chunk)); return true; });
  await runCli(program, ['node', 'squall', 'go']);
  return { stderr: writes.join(''), code: process.exitCode };
}

describe('runCli', () => {
  afterEach(() => { vi.restoreAllMocks(); process.exitCode = undefined; });

  it('prints an InvalidArgumentError an action throws and exits 2 (commander prints only its parsers\' own)', async () => {
    const r = await run(new InvalidArgumentError('--max-ms (10) must be >= --initial-ms (100)'));
    expect(r.stderr).toBe('squall: --max-ms (10) must be >= --initial-ms (100)\n');
    expect(r.code).toBe(2);
  });

  it('keeps a programming error\'s stack: it is rethrown, not printed as a user error', async () => {
    await expect(run(new TypeError('x is undefined'))).rejects.toThrow(TypeError);
  });
});
