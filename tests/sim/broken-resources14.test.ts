/**
 * Blind set 14's task-kind misses as broken variants, reported by promise 32
 * (resources) at seed 1 of task-resources, where the real kinds pass:
 *
 * - #16: the command kind's base environment spread after the task's `env`
 *   (the task can no longer set PATH or LANG), injected through the
 *   simulated spawn (SimWiring.resources);
 * - #17: a container killed at its own `timeoutMs` reported by its exit code
 *   (`task_failed`, "exited with code 137") instead of `timeout`, planted by
 *   wrapping the real container kind for one run (a switch, off by default).
 */
import { describe, expect, it, vi } from 'vitest';
import { ErrorCode, SquallError } from '../../system/core/errors.js';
import type * as Tasks from '../../system/tasks/index.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import { baseEnvOverTaskEnv } from './broken/resources-variants.js';
import { simVerdict } from './broken/verdict.js';

const plant = vi.hoisted(() => ({ timeoutAsExitCode: false }));

vi.mock('../../system/tasks/index.js', async (importOriginal) => {
  const real = await importOriginal<typeof Tasks>();
  return {
    ...real,
    containerKind: (opts?: Parameters<typeof real.containerKind>[0]) => {
      const kind = real.containerKind(opts);
      const run: typeof kind.run = async (params, ctx) => {
        try {
          return await kind.run(params, ctx);
        } catch (err) {
          // Broken: the exit code checked before the kind's own timeout.
          if (plant.timeoutAsExitCode && err instanceof SquallError && err.code === ErrorCode.Timeout) throw new SquallError(ErrorCode.TaskFailed, `container ${params.image} exited with code 137: `);
          throw err;
        }
      };
      return { ...kind, run };
    },
  };
});

const scenario = () => loadScenario('scenarios/task-resources.yaml');

describe('32 resources: the task env and a container\'s own timeout (set 14)', () => {
  it('a child whose base environment overrides the task\'s env is reported (set 14 #16); the real kind passes', { timeout: 60_000 }, async () => {
    expect((await simVerdict(await scenario())).text).toBe('');
    const broken = await simVerdict(await scenario(), { resources: { spawn: baseEnvOverTaskEnv } });
    expect(broken.promises).toEqual(['resources']);
    expect(broken.text).toMatch(/process \d+ \(execution \w+ attempt \d+ on w\d\) got LANG, PATH other than the task's env gave: the task's own env comes last and wins/);
  });

  it('a container killed at its own timeoutMs reported as its exit code is reported (set 14 #17)', { timeout: 60_000 }, async () => {
    plant.timeoutAsExitCode = true;
    try {
      const broken = await simVerdict(await scenario());
      expect(broken.promises).toEqual(['resources']);
      expect(broken.text).toMatch(/ended failed with \{"code":"task_failed","message":"container alpine:3.20 exited with code 137: "\}, but its final container w\d-c\d+ .* was killed at t=\d+ for outliving its own timeoutMs/);
    } finally {
      plant.timeoutAsExitCode = false;
    }
  });
});
