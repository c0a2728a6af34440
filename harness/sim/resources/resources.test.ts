/**
 * The simulated Docker engine and process table on their own: the real
 * container and command kinds run against them on virtual time, so what they
 * record (and what the kinds get back) is what a real engine and OS would
 * give: output, exit codes, kills, a missing image, a crash of the worker.
 */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../system/core/index.js';
import { TaskAbortedError, type TaskContext } from '../../../system/tasks/index.js';
import { Simulation } from '../simulation.js';
import { virtualCpu } from '../virtual-cpu.js';
import type { ResourceRecord } from './records.js';
import { noRealProcess } from './sim-resources.js';
import { parseCommand, shellLine } from './script.js';

/** A simulation with one worker host and its kinds, recording what its engine and process table do. */
function world(secret?: string) {
  const sim = new Simulation({ seed: 1 });
  const records: ResourceRecord[] = [];
  sim.resources.onRecord = (r) => records.push(r);
  const host = sim.host('w1');
  host.boot();
  const kinds = sim.resources.kindsFor(host, secret);
  const controller = new AbortController();
  const ctx: TaskContext = {
    executionId: 'e1',
    workerId: 'w1',
    attempt: 1,
    signal: controller.signal,
    clock: host.clock,
    random: sim.random.fork('t'),
    cpu: virtualCpu(host.clock),
    spawn: noRealProcess,
    logger: silentLogger,
    resumeFrom: undefined,
    checkpoint: () => Promise.resolve(),
    progress: () => {},
  };
  /** Starts an attempt (its value, or its error, when it settles); the caller moves time. */
  const start = (kind: 'container' | 'command', params: unknown): Promise<unknown> => (kinds.get(kind)?.run(params, ctx) ?? Promise.reject(new Error(kind))).catch((e: unknown) => e);
  const run = (kind: 'container' | 'command', params: unknown): Promise<unknown> => sim.settle(start(kind, params));
  const ops = (): string[] => records.map((r) => `${r.resource} ${r.op}`);
  return { sim, host, records, start, run, ops, abort: (reason: 'cancel' | 'timeout') => controller.abort(new TaskAbortedError(reason)) };
}

describe('script interpreter', () => {
  it('parses sh -c statements, a bare program, and refuses unknown programs', () => {
    expect(parseCommand(['sh', '-c', "echo a b; echo e >&2; trap '' TERM; sleep 0.5; exit 3"])).toEqual([
      { do: 'echo', text: 'a b\n', fd: 1 },
      { do: 'echo', text: 'e\n', fd: 2 },
      { do: 'trap-term' },
      { do: 'sleep', ms: 500 },
      { do: 'exit', code: 3 },
    ]);
    expect(parseCommand(['sleep', '2'])).toEqual([{ do: 'sleep', ms: 2000 }]);
    expect(parseCommand(['nope'])).toBeNull();
    expect(parseCommand(['sh', '-c', 'nope'])).toEqual([{ do: 'echo', text: 'sh: 1: nope: not found\n', fd: 2 }, { do: 'status', code: 127 }]);
  });

  it('prints seq [FIRST] LAST a number a line, to stderr after >&2, and refuses bad arguments', () => {
    expect(parseCommand(['seq', '3'])).toEqual([{ do: 'echo', text: '1\n2\n3\n', fd: 1 }]);
    expect(parseCommand(['sh', '-c', 'seq 9 11 >&2; seq 2 1'])).toEqual([{ do: 'echo', text: '9\n10\n11\n', fd: 2 }, { do: 'echo', text: '', fd: 1 }]);
    expect(parseCommand(['seq', 'x'])).toEqual([{ do: 'status', code: 1 }]);
  });

  it('printf writes its format with escapes, each %s the next argument as given, to stderr after >&2', () => {
    expect(parseCommand(['sh', '-c', "printf 'a\\t%s %s%%\\n' 'b \"c\"' 'd\\e' >&2"])).toEqual([{ do: 'echo', text: 'a\tb "c" d\\e%\n', fd: 2 }]);
    expect(parseCommand(['printf', '%s|%s|%d', 'x'])).toEqual([{ do: 'echo', text: 'x||%d', fd: 1 }]);
  });
});

describe('simulated Docker engine', () => {
  it('runs a container, gives its exit code and logs, and the kind removes it', async () => {
    const w = world();
    await expect(w.run('container', { image: 'busybox:1.36', cmd: ['sh', '-c', 'echo out; echo err >&2; sleep 0.2'] })).resolves.toEqual({ exitCode: 0, stdout: 'out\n', stderr: 'err\n' });
    expect(w.ops()).toEqual(['container create', 'container start', 'container exit', 'container logs', 'container remove']);
    expect(w.records[0]).toMatchObject({ host: 'w1', execution: 'e1', attempt: 1, label: 'e1', leaked: [] });
    expect(w.records[2]).toMatchObject({ code: 0, stdout: 'out\n', stderr: 'err\n' });
    expect(w.sim.simulatedMs).toBeGreaterThanOrEqual(200);
  });

  it('refuses a missing image without pulling it', async () => {
    const w = world();
    const err = await w.run('container', { image: 'squall/absent:1', cmd: ['true'] });
    expect(String(err)).toMatch(/image squall\/absent:1 not present locally; squall never pulls/);
    // The engine's 404 is recorded (promise 32 holds the failure to not_found); nothing pulled or created.
    expect(w.ops()).toEqual(['container answered']);
    expect(w.records[0]).toMatchObject({ call: 'inspect', status: 404, image: 'squall/absent:1' });
  });

  it('kills a container at once when its attempt is cancelled, and keeps a container whose worker crashed', async () => {
    const w = world();
    const pending = w.start('container', { image: 'busybox:1.36', cmd: ['sleep', '5'] });
    await w.sim.runFor(100);
    w.abort('cancel');
    await w.sim.settle(pending);
    expect(w.ops()).toEqual(['container create', 'container start', 'container kill', 'container exit', 'container logs', 'container remove']);
    const x = world();
    void x.start('container', { image: 'busybox:1.36', cmd: ['sleep', '0.5'] });
    await x.sim.runFor(100);
    x.host.kill();
    await x.sim.runFor(1000);
    expect(x.ops()).toEqual(['container create', 'container start', 'container exit']);
  });
});

describe('simulated process table', () => {
  it('runs a child with a clean environment, never the worker\'s secrets', async () => {
    const w = world('the-worker-secret');
    await expect(w.run('command', { argv: ['sh', '-c', 'echo hi; exit 0'], env: { MINE: 'x' } })).resolves.toEqual({ exitCode: 0, stdout: 'hi\n', stderr: '' });
    expect(w.records[0]).toMatchObject({ op: 'spawn', envNames: ['HOME', 'LANG', 'MINE', 'PATH', 'TZ', 'USER'], leaked: [] });
    // Every base variable the worker has, none of its others (SQUALL_COORDINATOR_URL): nothing to report.
    expect(w.records[0]).not.toHaveProperty('baseMissing');
    expect(w.records[0]).not.toHaveProperty('workerEnvLeaked');
    const leak = await w.run('command', { argv: ['true'], env: { COPY: 'has the-worker-secret in it' } });
    expect(leak).toMatchObject({ exitCode: 0 });
    expect(w.records.at(-2)).toMatchObject({ op: 'spawn', leaked: ['SQUALL_SECRET'] });
  });

  it('runs argv literally without a shell, the production spawn\'s options reaching the table; with shell: true, as /bin/sh reads the joined line', async () => {
    const w = world();
    const argv = ['echo', 'two  spaces', '*', '$HOME/x', 'a; exit 3'];
    await expect(w.run('command', { argv })).resolves.toEqual({ exitCode: 0, stdout: 'two  spaces * $HOME/x a; exit 3\n', stderr: '' });
    expect(w.records[0]).toMatchObject({ op: 'spawn', argv });
    expect(w.records[0]).not.toHaveProperty('shell');
    // The table on its own, given node's shell option: the line joined, split, expanded, and what follows `;` run.
    const raw = w.sim.resources['tableOf'](w.host).spawnFor(w.host, { execution: 'e2', attempt: 1 }, {});
    const child = raw('echo', argv.slice(1), { env: { HOME: '/home/u' }, shell: true });
    await w.sim.settle(new Promise((resolve) => child.on('close', resolve)));
    expect(w.records.at(-1)).toMatchObject({ op: 'exit', code: 3, stdout: 'two spaces * /home/u/x a\n' });
    expect(w.records.find((r) => r.op === 'spawn' && r.execution === 'e2')).toMatchObject({ argv: ['/bin/sh', '-c', 'echo two  spaces * $HOME/x a; exit 3'], shell: '/bin/sh' });
    expect(shellLine("echo it's", {})).toEqual([{ do: 'echo', text: 'sh: 1: Syntax error: Unterminated quoted string\n', fd: 2 }, { do: 'exit', code: 2 }]);
  });

  it('a child that ignores SIGTERM is killed 2 s after an abort; one that cannot start fails', async () => {
    const w = world();
    const pending = w.start('command', { argv: ['sh', '-c', "trap '' TERM; sleep 10"] });
    await w.sim.runFor(100);
    w.abort('timeout');
    const err = await w.sim.settle(pending);
    expect(err).toBeInstanceOf(TaskAbortedError);
    expect((err as TaskAbortedError).reason).toBe('timeout');
    expect(w.records.map((r) => `${r.op}${r.signal === undefined || r.signal === null ? '' : ` ${String(r.signal)}`}`)).toEqual(['spawn', 'signal SIGTERM', 'signal SIGKILL', 'exit SIGKILL']);
    expect(w.sim.simulatedMs).toBeGreaterThanOrEqual(2100);
    expect(String(await world().run('command', { argv: ['no-such-program'] }))).toMatch(/could not start "no-such-program": spawn no-such-program ENOENT/);
  });

  it('a child that dies by its own signal fails the command, the error naming the signal (kill -SEGV $$, kill -9 $$)', async () => {
    const w = world();
    expect(String(await w.run('command', { argv: ['sh', '-c', 'echo partial; echo core dumped >&2; kill -SEGV $$; echo never'] }))).toMatch(/command "sh" was killed by SIGSEGV: core dumped/);
    expect(w.records.at(-1)).toMatchObject({ op: 'exit', code: null, signal: 'SIGSEGV', stdout: 'partial\n' });
    expect(String(await w.run('command', { argv: ['sh', '-c', 'kill -9 $$'] }))).toMatch(/was killed by SIGKILL/);
    expect(parseCommand(['sh', '-c', 'kill -HUP $$; kill -9 1'])).toEqual([{ do: 'status', code: 1 }, { do: 'status', code: 1 }]);
    const c = await w.run('container', { image: 'busybox:1.36', cmd: ['sh', '-c', 'kill -SEGV $$'] });
    expect(String(c)).toMatch(/exited with code 139/);
  });

  it('a worker crash kills its children', async () => {
    const w = world();
    void w.start('command', { argv: ['sleep', '5'] });
    await w.sim.runFor(50);
    w.host.kill();
    expect(w.records.at(-1)).toMatchObject({ op: 'exit', signal: 'SIGKILL', cause: 'owner-crash' });
  });
});
