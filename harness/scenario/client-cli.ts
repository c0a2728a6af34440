/**
 * The CLI as a client during a simulated run (scenario `cli`,
 * schema-cli.ts): each step runs one real command of system/cli (submit,
 * executions get/list/watch/cancel/pause/resume, workers) in-process,
 * through commander as `squall` parses it, with a CliIo whose HTTP exchange
 * reaches the simulated coordinator's handler (cli-http-sim.ts) and whose
 * sleep is a virtual-time timer. Commands run side by side with the run
 * (a step starts one and does not wait for it), under its weather: a
 * coordinator that is down answers nothing (exit 3), a quota refuses (429),
 * a forged or read-scope token is refused (401/403). When a command ends its
 * record is noted (`cliRun`: arguments, each request with its times and
 * answer, the event-stream pushes it received, what it printed, its exit
 * code); one still running when the run ends is interrupted and noted
 * without an exit code, and one that asks for more requests than a command
 * may make, or the same request over and over with no sleep between
 * (cli-http-sim.ts), is stopped there and noted
 * `capped`, so a looping command is a hang, never a run that spins
 * forever. harness/check/promises-cli.ts judges them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { type CliIo, exitCodeOf, processIoOf, type ProcessLike, registerExecutionsCommand, registerKindsCommand, registerSubmitCommand, registerTokensCommand, registerWorkersCommand } from '../../system/cli/index.js';
import { isTerminal, type Random } from '../../system/core/index.js';
import { type CliRun, cliCommand } from '../check/cli-runs.js';
import type { HistoryRecorder } from '../check/history.js';
import type { CliWiring, Simulation } from '../sim/index.js';
import { SimCliHttp } from './cli-http-sim.js';
import { type CliObserver, cliOps } from './cli-ops.js';
import type { CliStep } from './schema-cli.js';
import type { SimClient } from './sim-client.js';

/** The id `$unknown` stands for: no execution has it. */
const UNKNOWN_ID = 'ex_no_such_execution';

/** The token id `$unknown-token` stands for: no token has it (ids are 16 hex digits). */
const UNKNOWN_TOKEN = '0000000000000000';

/** How a token file ends, by turns: echo's newline, a Windows editor's CRLF, printf's nothing. */
const LINE_ENDS = ['\n', '\r\n', ''] as const;

/** A non-terminal stdout, by turns: `squall ... | jq` and `squall ... > out.json`. */
const STDOUTS = ['pipe', 'file'] as const;

/** Stdout kept per command (a longer print is cut and not judged). */
const MAX_OUT = 64_000;

interface Running {
  run: CliRun;
  http: SimCliHttp;
  stop: AbortController;
}

/** `executions watch` (every event) prints each pushed event: the events it was pushed, to judge its lines by (CliRun.streamed). */
function streamedOf(r: Running): Pick<CliRun, 'streamed'> {
  const cmd = cliCommand(r.run.args);
  return cmd.name === 'executions watch' && cmd.id === undefined ? { streamed: structuredClone(r.http.streamed) } : {};
}

/** A virtual-time sleep: ms on the simulation's clock, or less if the signal aborts. */
function simSleep(sim: Simulation, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = sim.time.setTimeout(done, ms);
    function done(): void {
      timer.cancel();
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The CLI client of one simulation run. */
export class CliClient {
  /** Executions the workload got acknowledged, in order. */
  private readonly acked: string[] = [];
  private readonly running = new Set<Running>();
  /** Every command's exchange, in start order (for `$last`). */
  private readonly exchanges: SimCliHttp[] = [];
  /** Records the CLI's submissions and controls as client operations. */
  private readonly ops: CliObserver;
  /** The ids of the tokens the CLI's `tokens create` made, in order (for `$token`). */
  private readonly madeTokens: string[] = [];
  /** The token bytes of `tokens create`: one stream of its own for the run, so the run's draws are untouched. */
  private tokenRandom: Random | undefined;
  /** Where the tokens are handed over (--token-file, as the README recommends), made at the first command. */
  private tokenDir: string | undefined;

  constructor(
    private readonly steps: readonly CliStep[],
    private readonly recorder: HistoryRecorder,
    private readonly wiring: CliWiring | undefined,
  ) {
    this.ops = cliOps(recorder, (id) => this.submitted.push(id));
  }

  /** Executions the CLI's own submissions created (acknowledged): the run waits for them and reads them at the end too. */
  readonly submitted: string[] = [];

  accepted(ids: readonly string[]): void {
    this.acked.push(...ids);
  }

  /** Timed steps for the runner's schedule: each starts its command and returns at once. */
  timed(sim: Simulation, client: SimClient): { at: number; run: () => Promise<void> }[] {
    return this.steps.flatMap((s) => Array.from({ length: s.count }, (_, i) => ({ at: s.at + i * s.everyMs, run: () => Promise.resolve(this.start(sim, client, s)) })));
  }

  /** The run is ending: every command still running is noted unended, then interrupted. */
  finish(): void {
    for (const r of [...this.running]) this.interrupt(r);
    if (this.tokenDir !== undefined) rmSync(this.tokenDir, { recursive: true, force: true });
    this.tokenDir = undefined;
  }

  private start(sim: Simulation, client: SimClient, step: CliStep): void {
    const args = step.args.map((a) => (a === '$file' ? this.specFile(step) : this.resolve(sim, a)));
    const files = step.args.includes('$file') ? { files: Object.fromEntries(args.filter((a, i) => step.args[i] === '$file').map((a) => [a, step.file ?? null])) } : {};
    const stop = new AbortController();
    // At the request cap the command is recorded as hung and never answered again: it cannot spin the run.
    const http = new SimCliHttp(sim, this.ops, (made, same) => this.interrupt(entry, { made, ...(same === undefined ? {} : { same }) }));
    this.exchanges.push(http);
    const tokens = args[0] === 'tokens' ? this.tokensOf(client) : undefined;
    const run: CliRun = { args, token: step.token, startedAt: sim.simulatedMs, out: '', requests: [], pushes: [], ...files, ...(step.tty ? { tty: true, printed: [] } : { stdout: STDOUTS[this.exchanges.length % STDOUTS.length] as 'pipe' | 'file' }), ...(tokens === undefined ? {} : { tokensBefore: tokens }), ...(step.budgetMs === undefined ? {} : { budgetMs: step.budgetMs }) };
    const proc = this.process(sim, run, step.tty, stop.signal);
    // The command's io is the production one (processIoOf) over the simulated process, with the simulation's clock, HTTP and sleep.
    const base: CliIo = { ...processIoOf(proc), now: () => sim.time.now(), http, sleep: (ms, signal) => (http.slept(), simSleep(sim, ms, signal)) };
    const io = this.wiring?.io?.(base) ?? base;
    const program = new Command().exitOverride().configureOutput({ writeOut: (t) => io.out(t), writeErr: () => {} });
    registerSubmitCommand(program, io);
    registerExecutionsCommand(program, io);
    registerWorkersCommand(program, io);
    registerTokensCommand(program, io, (this.tokenRandom ??= sim.random.fork('cli-tokens')));
    registerKindsCommand(program, io);
    this.wiring?.program?.(program, io);
    const entry: Running = { run, http, stop };
    this.running.add(entry);
    // `squall tokens` works on the token file of the coordinator's data dir (SimClient.tokenDir), not over HTTP.
    // `squall kinds` reads no coordinator: no --url, no token.
    const argv = tokens !== undefined ? [...args, '--data-dir', client.tokenDir ?? this.scratch()] : args[0] === 'kinds' ? args : [...args, '--url', 'http://coordinator', ...this.tokenArgs(client, step.token)];
    void program.parseAsync(argv, { from: 'user' }).then(
      () => this.ended(sim, entry, Number(proc.exitCode ?? 0)),
      (err: unknown) => this.ended(sim, entry, ...this.exitOf(err)),
    );
  }

  /**
   * The process a command runs in, as node gives it: stdout a terminal
   * (`isTTY` true) or, by turns, a pipe or a file (`isTTY` absent, as node
   * leaves it: never false), writing to the run's record; SIGINT is the
   * run's interruption; the exit code is read when the command ends.
   */
  private process(sim: Simulation, run: CliRun, tty: boolean, interrupted: AbortSignal): ProcessLike {
    const write = (t: string): boolean => {
      if (run.out.length >= MAX_OUT) return true;
      run.out += t;
      run.printed?.push([sim.time.now(), t]);
      return true;
    };
    return {
      stdout: tty ? { isTTY: true, write } : { write },
      stderr: { write: () => true },
      exitCode: undefined,
      once: (_event, listener) => (interrupted.aborted ? queueMicrotask(listener) : interrupted.addEventListener('abort', listener, { once: true })),
    };
  }

  /** Notes a command unended (`capped`: stopped at the request cap) and interrupts it. */
  private interrupt(r: Running, capped?: CliRun['capped']): void {
    if (!this.running.delete(r)) return;
    this.note({ ...r.run, ...(capped === undefined ? {} : { capped }), requests: structuredClone(r.http.requests), pushes: structuredClone(r.http.pushes), ...streamedOf(r) });
    r.stop.abort();
  }

  /** The exit code and error line of a command's failure, as `squall` (system/cli/run-cli.ts) ends it. */
  private exitOf(err: unknown): [number, string] {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof CommanderError) return [err.exitCode === 0 ? 0 : 2, message];
    const code = this.wiring?.exitCodeOf === undefined ? exitCodeOf(err) : this.wiring.exitCodeOf(err);
    return code === undefined ? [-1, `a bug, not an exit code: ${message}`] : [code, message];
  }

  private ended(sim: Simulation, entry: Running, exitCode: number, error?: string): void {
    if (!this.running.delete(entry)) return;
    const made = entry.run.args[0] === 'tokens' && entry.run.args[1] === 'create' ? /^sqt_([0-9a-f]{16})_/.exec(entry.run.out)?.[1] : undefined;
    if (made !== undefined) this.madeTokens.push(made);
    this.note({ ...entry.run, endedAt: sim.simulatedMs, exitCode, ...(error === undefined ? {} : { error }), requests: entry.http.requests, pushes: entry.http.pushes, ...streamedOf(entry) });
  }

  private note(run: CliRun): void {
    this.recorder.recordInfo({ cliRun: run.out.length >= MAX_OUT ? { ...run, outCut: true } : run }, 'cli');
  }

  /**
   * --token-file with the step's token written in it as shells and editors
   * write files, by turns: `echo tok > f` (a newline), a Windows editor
   * (CRLF), `printf tok > f` (none); the CLI trims it (README: tokens from
   * --token-file). The submit token is read at each command: a
   * revoke_token fault replaces it.
   */
  private tokenArgs(client: SimClient, token: CliStep['token']): string[] {
    if (token === 'none') return [];
    const n = this.exchanges.length;
    const file = join(this.scratch(), `${n}-${token}.token`);
    writeFileSync(file, (token === 'submit' ? client.token : token === 'read' ? client.probe.read : client.probe.forged) + (LINE_ENDS[n % LINE_ENDS.length] as string));
    return ['--token-file', file];
  }

  /** The temp dir of token and spec files, made at the first command that needs one. */
  private scratch(): string {
    this.tokenDir ??= mkdtempSync(join(tmpdir(), 'squall-sim-cli-'));
    return this.tokenDir;
  }

  /** The step's `file` written as JSON (UTF-8) for --file / --graph. */
  private specFile(step: CliStep): string {
    const file = join(this.scratch(), `${this.exchanges.length}-spec.json`);
    writeFileSync(file, `${JSON.stringify(step.file ?? null, null, 2)}\n`);
    return file;
  }

  /** The tokens in the coordinator's token file now: [id, revoked]. */
  private tokensOf(client: SimClient): [string, boolean][] {
    return client.tokens.list().map((t): [string, boolean] => [t.id, t.revokedAt !== undefined]);
  }

  /** The id of the token the CLI's latest `tokens create` printed. */
  private lastToken(): string | undefined {
    return this.madeTokens.at(-1);
  }

  /** A placeholder's id at this instant (schema-cli.ts). */
  private resolve(sim: Simulation, arg: string): string {
    const nth = /^\$last#(\d+)$/.exec(arg)?.[1];
    if (nth !== undefined) return this.lastSubmitted(Number(nth) - 1) ?? this.acked.at(-1) ?? UNKNOWN_ID;
    const acked = this.acked.at(-1) ?? UNKNOWN_ID;
    const ended = (id: string): boolean | undefined => {
      const s = sim.coordinator.instance?.engine.getExecution(id)?.status;
      return s === undefined ? undefined : isTerminal(s);
    };
    switch (arg) {
      case '$unknown':
        return UNKNOWN_ID;
      case '$acked':
        return acked;
      case '$live':
        return this.acked.find((id) => ended(id) === false) ?? acked;
      case '$ended':
        return this.acked.find((id) => ended(id) === true) ?? acked;
      case '$last':
        return this.lastSubmitted() ?? acked;
      case '$cursor':
        return this.lastCursor() ?? '';
      case '$token':
        return this.lastToken() ?? UNKNOWN_TOKEN;
      case '$unknown-token':
        return UNKNOWN_TOKEN;
      default:
        return arg;
    }
  }

  /** The nextCursor the CLI's latest listing answered (not null). */
  private lastCursor(): string | undefined {
    for (const http of [...this.exchanges].reverse()) for (const r of [...http.requests].reverse()) if (typeof r.nextCursor === 'string') return r.nextCursor;
    return undefined;
  }

  /** The i-th execution (0: the first) the CLI's latest answered submission (one, a batch, a graph) created. */
  private lastSubmitted(i = 0): string | undefined {
    const submit = (p: string): boolean => p === '/api/v1/executions' || p === '/api/v1/executions/batch' || p === '/api/v1/graphs';
    for (const http of [...this.exchanges].reverse()) {
      for (const r of [...http.requests].reverse()) if (r.method === 'POST' && submit(r.path) && r.status !== undefined && r.status < 300 && r.seen?.[i] !== undefined) return r.seen[i][0];
    }
    return undefined;
  }
}
