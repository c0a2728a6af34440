import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeClock } from '../../tests/worker/helpers/fake-clock.js';
import { type Clock, systemClock } from '../core/clock.js';
import { realCpu } from '../core/cpu.js';
import { silentLogger } from '../core/logger.js';
import { seededRandom } from '../core/random.js';
import { TaskAbortedError } from './abort.js';
import { nodeSpawn } from './child-spawn.js';
import type { TaskContext } from './kind.js';
import { builtinTaskKinds } from './registry.js';

function ctx(clock: Clock, o: { attempt?: number; resumeFrom?: unknown } = {}) {
  const controller = new AbortController();
  const checkpoints: unknown[] = [];
  const progress: number[] = [];
  const c: TaskContext = {
    executionId: 'ex1',
    workerId: 'w1',
    attempt: o.attempt ?? 1,
    signal: controller.signal,
    clock,
    random: seededRandom(1),
    cpu: realCpu,
    spawn: nodeSpawn,
    logger: silentLogger,
    resumeFrom: o.resumeFrom,
    checkpoint: (s) => {
      checkpoints.push(s);
      return Promise.resolve();
    },
    progress: (f) => progress.push(f),
  };
  return { c, controller, checkpoints, progress };
}

const kinds = builtinTaskKinds();
const kind = (name: string) => {
  const k = kinds.get(name);
  if (!k) throw new Error(`no kind ${name}`);
  return k;
};

describe('built-in task kinds', () => {
  it('registers all six with strict params schemas', () => {
    expect([...kinds.keys()].sort()).toEqual(['command', 'container', 'cpu', 'echo', 'fail', 'sleep']);
    expect(kind('sleep').params.safeParse({ durationMs: 10, extra: 1 }).success).toBe(false);
    expect(kind('sleep').params.safeParse({ durationMs: -1 }).success).toBe(false);
    expect(kind('command').params.safeParse({ argv: [] }).success).toBe(false);
    expect(kind('fail').params.safeParse({ times: 2 }).success).toBe(true);
  });

  it('sleep checkpoints every checkpointEveryMs on the injected clock', async () => {
    const fc = fakeClock();
    const t = ctx(fc.clock);
    let done: unknown;
    void kind('sleep')
      .run({ durationMs: 3000, checkpointEveryMs: 1000 }, t.c)
      .then((r) => (done = r));
    await fc.tick(2999);
    expect(done).toBeUndefined();
    expect(t.checkpoints).toEqual([{ elapsedMs: 1000 }, { elapsedMs: 2000 }]);
    await fc.tick(1);
    expect(done).toEqual({ sleptMs: 3000, elapsedMs: 3000, resumedFromMs: 0 });
    expect(t.progress.at(-1)).toBe(1);
  });

  it('sleep resumes from its checkpoint', async () => {
    const fc = fakeClock();
    const t = ctx(fc.clock, { resumeFrom: { elapsedMs: 2500 } });
    let done: unknown;
    void kind('sleep')
      .run({ durationMs: 3000, checkpointEveryMs: 1000 }, t.c)
      .then((r) => (done = r));
    await fc.tick(499);
    expect(done).toBeUndefined();
    await fc.tick(1);
    expect(done).toEqual({ sleptMs: 500, elapsedMs: 3000, resumedFromMs: 2500 });
  });

  it('sleep checkpoints its progress on pause, and stops on cancel', async () => {
    const fc = fakeClock();
    const paused = ctx(fc.clock);
    const p = kind('sleep').run({ durationMs: 3000, checkpointEveryMs: 1000 }, paused.c);
    await fc.tick(1700);
    paused.controller.abort(new TaskAbortedError('pause'));
    await expect(p).resolves.toEqual({ paused: true, elapsedMs: 1700 });
    expect(paused.checkpoints.at(-1)).toEqual({ elapsedMs: 1700 });

    const cancelled = ctx(fc.clock);
    const q = kind('sleep').run({ durationMs: 3000 }, cancelled.c);
    await fc.tick(100);
    cancelled.controller.abort(new TaskAbortedError('cancel'));
    await expect(q).rejects.toThrow(/aborted: cancel/);
    expect(cancelled.checkpoints).toEqual([]);
  });

  it('echo returns its value; fail fails the first N attempts', async () => {
    const fc = fakeClock();
    await expect(kind('echo').run({ value: { a: [1, 2] } }, ctx(fc.clock).c)).resolves.toEqual({ a: [1, 2] });
    await expect(kind('fail').run({ times: 2 }, ctx(fc.clock, { attempt: 1 }).c)).rejects.toThrow(/attempt 1 of the first 2/);
    await expect(kind('fail').run({ times: 2 }, ctx(fc.clock, { attempt: 2 }).c)).rejects.toMatchObject({ code: 'task_failed' });
    await expect(kind('fail').run({ times: 2 }, ctx(fc.clock, { attempt: 3 }).c)).resolves.toEqual({ attempt: 3 });
  });

  it('command runs a real child process without a shell and captures output', async () => {
    const t = ctx(systemClock);
    const r = await kind('command').run(
      { argv: [process.execPath, '-e', 'process.stdout.write(process.env.GREETING + " $HOME"); console.error("warn")'], env: { GREETING: 'hi' } },
      t.c,
    );
    expect(r).toEqual({ exitCode: 0, stdout: 'hi $HOME', stderr: 'warn\n' });
  });

  it('command reports a non-zero exit with its code and stderr', async () => {
    const t = ctx(systemClock);
    await expect(kind('command').run({ argv: [process.execPath, '-e', 'console.error("bad input"); process.exit(3)'] }, t.c)).rejects.toMatchObject({
      code: 'task_failed',
      exitCode: 3,
      message: expect.stringMatching(/exited with code 3: bad input/),
    });
    await expect(kind('command').run({ argv: ['/nonexistent/program'] }, ctx(systemClock).c)).rejects.toThrow(/could not start/);
  });

  it('command is killed on abort (SIGTERM, then SIGKILL if it ignores it)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'squall-cmd-'));
    const alive = (pid: number): boolean => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    // `setup` runs before the pid file appears, so the abort always finds it in place.
    const run = async (setup: string): Promise<{ pid: number; ms: number }> => {
      const pidFile = join(dir, `${Math.random()}.pid`);
      const t = ctx(systemClock);
      const started = Date.now();
      const p = kind('command').run({ argv: [process.execPath, '-e', `${setup}; setInterval(() => {}, 1000); require("fs").writeFileSync(${JSON.stringify(pidFile)}, String(process.pid))`] }, t.c);
      while (!existsSync(pidFile) || readFileSync(pidFile, 'utf8') === '') await new Promise((r) => setTimeout(r, 20));
      t.controller.abort(new TaskAbortedError('cancel'));
      await expect(p).rejects.toThrow(/aborted: cancel/);
      return { pid: Number(readFileSync(pidFile, 'utf8')), ms: Date.now() - started };
    };
    const polite = await run('');
    expect(alive(polite.pid)).toBe(false);
    const stubborn = await run('process.on("SIGTERM", () => {})');
    expect(alive(stubborn.pid)).toBe(false);
    expect(stubborn.ms).toBeGreaterThanOrEqual(2000); // it took the SIGKILL fallback
    rmSync(dir, { recursive: true, force: true });
  }, 15_000);
});
