/**
 * Flags with documented choices refuse anything else as they parse, naming
 * the flag and the allowed values (exit 2, nothing sent): `squall submit
 * --priority`, `squall executions list --status`. And `squall worker
 * --drain-timeout-ms` is checked like the other numeric flags: by its
 * parser, then by the worker's own config resolver (worker/config.ts).
 */
import { Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { EXECUTION_STATUSES } from '../core/model.js';
import { workerConfigWithDefaults } from '../worker/config.js';
import type { CliIo } from './cli-io.js';
import { registerExecutionsCommand } from './executions.js';
import { submitCommand } from './submit.js';
import { type Build, parseCommand } from './testing.js';
import { workerCommand, workerConfig, type WorkerFlags } from './worker.js';

/** A CLI io whose every request is recorded and refused (a parse refusal must send none). */
function io(sent: string[]): CliIo {
  const refuse = (what: string): Promise<never> => (sent.push(what), Promise.reject(Object.assign(new Error('no coordinator here'), { code: 'ECONNREFUSED' })));
  return { out: () => {}, err: () => {}, now: () => 0, isTTY: false, setExitCode: () => {}, interrupted: () => new AbortController().signal, http: { request: (r) => refuse(r.url.href), stream: () => refuse('stream') } };
}

/** Parses `squall executions list ...`; the refusal's exit code and message, or that it ran. */
async function listWith(argv: string[], sent: string[]): Promise<{ exitCode?: number; err: string }> {
  let err = '';
  const program = new Command('squall').exitOverride().configureOutput({ writeErr: (s) => void (err += s), writeOut: () => {} });
  registerExecutionsCommand(program, io(sent));
  try {
    await program.parseAsync(['executions', 'list', '--url', 'http://c', ...argv], { from: 'user' });
    return { err };
  } catch (e) {
    if (!(e instanceof CommanderError)) return { err };
    return { exitCode: e.exitCode, err };
  }
}

describe('choice flags refuse values outside their documented choices', () => {
  it('submit --priority: anything but low, medium, high, critical is refused naming the flag and the choices', async () => {
    const sent: string[] = [];
    for (const bad of ['urgent', 'HIGH', '', '3']) {
      const r = await parseCommand((cmd) => submitCommand(cmd, io(sent)), ['--url', 'http://c', '--kind', 'echo', '--params', '{"value":1}', '--priority', bad]);
      expect([bad, r.ran, r.exitCode]).toEqual([bad, false, 1]);
      expect(r.err).toContain(`error: option '--priority <p>' argument '${bad}' is invalid. --priority must be one of low, medium, high, critical, got "${bad}"`);
    }
    expect(sent).toEqual([]);
    const ok = await parseCommand((cmd, action) => submitCommand(cmd, io(sent)).action(action), ['--url', 'http://c', '--kind', 'echo', '--priority', 'critical']);
    expect(ok).toMatchObject({ ran: true, err: '' });
  });

  it('executions list --status: anything but an execution status is refused naming the flag and every status', async () => {
    const sent: string[] = [];
    for (const bad of ['done', 'Completed', 'timed_out']) {
      const r = await listWith(['--status', bad], sent);
      expect(r.exitCode).toBe(1);
      expect(r.err).toContain(`--status must be one of ${EXECUTION_STATUSES.join(', ')}, got "${bad}"`);
    }
    expect(sent).toEqual([]);
    await listWith(['--status', 'timeout'], sent);
    expect(sent).toEqual(['http://c/api/v1/executions?limit=50&status=timeout']);
  });
});

describe('worker --drain-timeout-ms goes through the numeric flags’ resolvers', () => {
  const worker = ['--coordinator', 'ws://127.0.0.1:1', '--id', 'w'];
  /** The worker command with --drain-timeout-ms's own value check lifted: the value, read as a number, reaches the worker's config resolver. */
  const lifted: Build = (cmd, action) => {
    const c = workerCommand(cmd, action);
    c.options.find((o) => o.long === '--drain-timeout-ms')?.argParser((v: string) => Number(v));
    return c;
  };

  it('past the flag’s own check, the worker resolver refuses what the flag would (an integer >= 0, in ms), naming the flag', async () => {
    for (const bad of ['-1', '1.5', 'ten']) {
      const r = await parseCommand(lifted, [...worker, '--drain-timeout-ms', bad]);
      expect([bad, r.ran, r.exitCode]).toEqual([bad, false, 2]);
      expect(r.err).toContain(`error: --drain-timeout-ms must be an integer >= 0 (ms); got ${Number(bad)}`);
    }
    expect((await parseCommand(lifted, [...worker, '--drain-timeout-ms', '0'])).ran).toBe(true);
    const parsed = await parseCommand(workerCommand, [...worker, '--drain-timeout-ms', '-1']);
    expect(parsed.err).toContain('--drain-timeout-ms takes plain decimal digits (an integer between 0 and 9007199254740991), got "-1"');
  });

  it('the worker resolver checks and defaults it (the embedding API and the CLI alike), and the flag sets it', async () => {
    const base = { id: 'w', coordinatorUrl: 'ws://127.0.0.1:1' };
    expect(workerConfigWithDefaults(base).drainTimeoutMs).toBe(30_000);
    expect(workerConfigWithDefaults({ ...base, drainTimeoutMs: 0 }).drainTimeoutMs).toBe(0);
    for (const bad of [-1, 1.5, Number.NaN, Infinity, 2 ** 60]) {
      expect(() => workerConfigWithDefaults({ ...base, drainTimeoutMs: bad }), String(bad)).toThrow(`drainTimeoutMs must be an integer >= 0 (ms); got ${bad}`);
    }
    let flags: WorkerFlags | undefined;
    await parseCommand((cmd) => workerCommand(cmd, (f) => void (flags = f)), [...worker, '--drain-timeout-ms', '500']);
    expect(workerConfigWithDefaults(workerConfig(flags as WorkerFlags, undefined, undefined)).drainTimeoutMs).toBe(500);
  });
});
