/**
 * `command` {argv, env?, cwd?}: runs a child process without a shell (argv[0]
 * is the program, no word splitting or expansion). Captures the last 64 KiB of
 * stdout and stderr; a non-zero exit is a failure carrying the exit code and
 * stderr tail. On abort: SIGTERM, then SIGKILL after 2 s if still alive.
 * An adapter (real processes, real time), so it may use raw timers.
 *
 * The child gets a clean environment, never the worker's: PATH, HOME, LANG
 * and TMPDIR-like basics, the names the worker allow-lists
 * (--command-env-allow), then what the task passes. The worker's secrets
 * (SQUALL_SECRET, SQUALL_TOKEN, ...) can never be allow-listed.
 */
import type { TimerHandle } from '../core/clock.js';
import { z } from 'zod';
import { ErrorCode, SquallError } from '../core/errors.js';
import { type CommandChild, defineTaskKind, type RawSpawn, type TaskContext, type TaskKind } from './kind.js';
// The output tail keeps the last 64 KiB of each stream, from a whole character on (tail.ts).
import { OutputTail as Tail, TAIL_BYTES } from './tail.js';

export const CommandParams = z.strictObject({
  argv: z.array(z.string().max(100_000)).min(1).max(10_000).describe('program and arguments, run without a shell; exit 0 completes with {exitCode, stdout, stderr}, anything else fails'),
  env: z.record(z.string().min(1).max(1000), z.string().max(100_000)).optional().describe('extra environment variables (on top of a clean PATH, HOME, LANG... and --command-env-allow)'),
  cwd: z.string().min(1).max(4096).optional().describe('working directory on the worker'),
});
export type CommandParams = z.infer<typeof CommandParams>;

/** Inherited from the worker so programs are found and behave: nothing secret. */
const COMMAND_BASE_ENV = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'USER', 'LOGNAME', 'SHELL'] as const;
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** Worker secrets: refused in an allow-list whatever the operator asks. */
const NEVER_INHERITED = /^SQUALL_(SECRET|TOKEN)(_FILE)?$/;

/** Checks an allow-list of variable names; throws naming the bad entry. */
export function checkEnvAllowList(names: readonly string[]): string[] {
  for (const [i, n] of names.entries()) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(n)) throw new SquallError(ErrorCode.InvalidArgument, `command env allow-list entry ${i} "${n.slice(0, 100)}" is not a variable name`, { path: `commandEnvAllow.${i}` });
    if (NEVER_INHERITED.test(n)) throw new SquallError(ErrorCode.InvalidArgument, `${n} is a worker secret and is never passed to commands`, { path: `commandEnvAllow.${i}` });
  }
  return [...names];
}

/** The child's environment: basics + allow-listed names from `from` + the task's own env. */
export function commandEnv(from: NodeJS.ProcessEnv, allow: readonly string[], task: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = { PATH: DEFAULT_PATH };
  for (const name of [...COMMAND_BASE_ENV, ...allow]) {
    const v = from[name];
    if (v !== undefined && !NEVER_INHERITED.test(name)) out[name] = v;
  }
  return { ...out, ...task };
}

export type { CommandChild } from './kind.js';

/** How the command kind starts a program: the seam a simulated process table plugs into (harness/sim/resources). */
export type SpawnCommand = (program: string, args: string[], options: { env: Record<string, string>; cwd?: string }) => CommandChild;

/** Production's start of a child through the attempt's raw start (TaskContext.spawn): no shell, stdin closed, stdout and stderr piped. */
export function productionSpawn(raw: RawSpawn): SpawnCommand {
  return (program, args, { env, cwd }) => raw(program, args, { shell: false, stdio: ['ignore', 'pipe', 'pipe'], env, ...(cwd === undefined ? {} : { cwd }) });
}

/** Options of the command kind (the worker's --command-env-allow). */
export interface CommandKindOptions {
  /** Names of worker environment variables passed through to commands. */
  envAllow?: readonly string[];
  /** How children are started (default: productionSpawn over the attempt's TaskContext.spawn). */
  spawn?: SpawnCommand;
  /** The worker's environment the child's is built from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

const KILL_GRACE_MS = 2000;

class CommandFailedError extends SquallError {
  constructor(
    message: string,
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(ErrorCode.TaskFailed, message);
  }
}

/** What a command task returns. */
interface CommandResult {
  exitCode: 0;
  stdout: string;
  stderr: string;
}

/** A closed child's result, or the error saying how it failed (with its stderr tail). */
function closeOutcome(program: string, code: number | null, signal: NodeJS.Signals | null, stdout: Tail, stderr: Tail): CommandResult | CommandFailedError {
  const err = stderr.text();
  if (code === 0) return { exitCode: 0, stdout: stdout.text(), stderr: err };
  const how = code === null ? `was killed by ${signal ?? 'a signal'}` : `exited with code ${code}`;
  const tail = err.trim().slice(-2000);
  return new CommandFailedError(`command ${JSON.stringify(program)} ${how}${tail ? `: ${tail}` : ''}`, code, err);
}

/** Spawns argv (no shell, clean env), keeps the output tails, SIGTERM then SIGKILL on abort. */
function runCommand({ argv, env, cwd }: CommandParams, ctx: TaskContext, allow: readonly string[], host: Pick<CommandKindOptions, 'spawn'> & Required<Pick<CommandKindOptions, 'env'>>): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    ctx.signal.throwIfAborted();
    const [program, ...args] = argv as [string, ...string[]];
    const child = (host.spawn ?? productionSpawn(ctx.spawn))(program, args, { env: commandEnv(host.env, allow, env), ...(cwd === undefined ? {} : { cwd }) });
    const stdout = new Tail(TAIL_BYTES);
    const stderr = new Tail(TAIL_BYTES);
    child.stdout.on('data', (b: Buffer) => stdout.push(b));
    child.stderr.on('data', (b: Buffer) => stderr.push(b));
    let killTimer: TimerHandle | undefined;
    const onAbort = (): void => {
      child.kill('SIGTERM');
      killTimer = ctx.clock.setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
    };
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      ctx.signal.removeEventListener('abort', onAbort);
      killTimer?.cancel();
      fn();
    };
    child.on('error', (err) =>
      finish(() =>
        reject(new CommandFailedError(`could not start ${JSON.stringify(program)}${cwd === undefined ? '' : ` in ${JSON.stringify(cwd)}`}: ${err.message}`, null, '')),
      ),
    );
    child.on('close', (code, signal) =>
      finish(() => {
        if (ctx.signal.aborted) return reject(ctx.signal.reason instanceof Error ? ctx.signal.reason : new Error('aborted'));
        const outcome = closeOutcome(program, code, signal, stdout, stderr);
        if (outcome instanceof CommandFailedError) reject(outcome);
        else resolve(outcome);
      }),
    );
  });
}

/** The command kind passing the allow-listed variables through (see the file comment). */
export function commandKindWith(opts: CommandKindOptions = {}): TaskKind<CommandParams> {
  const allow = checkEnvAllowList(opts.envAllow ?? []);
  const host = { ...(opts.spawn === undefined ? {} : { spawn: opts.spawn }), env: opts.env ?? process.env };
  return defineTaskKind<CommandParams>({
    name: 'command',
    description: 'Runs a program on the worker\'s host (dangerous: a worker runs it only with --allow-kinds command). Clean environment; never the worker\'s secrets.',
    params: CommandParams,
    run: (params, ctx) => runCommand(params, ctx, allow, host),
  });
}
