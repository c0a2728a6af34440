/**
 * An ended fail as its client reads it (task cover37, harness/check/promises-fail-kind.ts),
 * as broken variants: system/tasks/fail.ts's kind replaced by a module mock local to this
 * file. The plant that found the class (/work/defects-cover37/09) padded each failure's
 * message one character short of messageChars: outcomes were right, so no promise saw it.
 * scenarios/task-edges.yaml (fail executions ending failed with messageChars 300 and 4100)
 * passes on the real kind and fails under task-contract with each variant.
 */
import { describe, expect, it, vi } from 'vitest';
import type * as FailModule from '../../system/tasks/fail.js';
import { ErrorCode, SquallError } from '../../system/core/errors.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import { simVerdict, withPlanted } from './broken/verdict.js';

const state = vi.hoisted(() => ({ broken: 'none' as 'none' | 'short-pad' | 'unpadded' }));

vi.mock('../../system/tasks/fail.js', async (importOriginal) => {
  const real = await importOriginal<typeof FailModule>();
  const run: typeof real.failKind.run = (params, ctx) => {
    const { times, messageChars } = params;
    if (state.broken === 'none' || ctx.attempt > times) return real.failKind.run(params, ctx);
    const message = `failing on purpose: attempt ${ctx.attempt} of the first ${times} that fail`;
    // One short of what was asked (padEnd to messageChars - 1).
    if (state.broken === 'short-pad') return Promise.reject(new SquallError(ErrorCode.TaskFailed, messageChars === undefined ? message : `${message} `.padEnd(messageChars - 1, '.')));
    // messageChars ignored: every failure carries the bare message.
    return Promise.reject(new SquallError(ErrorCode.TaskFailed, message));
  };
  return { ...real, failKind: { ...real.failKind, run } };
});

/** The scenario's verdict with `broken` planted for the run. */
const verdict = (broken: typeof state.broken): ReturnType<typeof simVerdict> =>
  withPlanted(() => ((state.broken = broken), () => void (state.broken = 'none')), async () => simVerdict(await loadScenario('scenarios/task-edges.yaml')));

describe('an ended fail as its client reads it (cover37)', () => {
  it('task-edges passes on the real fail kind', { timeout: 60_000 }, async () => {
    expect((await verdict('none')).text).toBe('');
  });

  it('a failure message padded one short of messageChars is caught (task-contract)', { timeout: 60_000 }, async () => {
    const v = await verdict('short-pad');
    expect(v.passed).toBe(false);
    expect(v.promises).toContain('task-contract');
    expect(v.text).toMatch(/fail \{"times":3,"messageChars":300\}: ended failed with code "task_failed" and a message of 299 characters/);
  });

  it('a failure message never padded is caught, the one cut at 4000 too (task-contract)', { timeout: 60_000 }, async () => {
    const v = await verdict('unpadded');
    expect(v.passed).toBe(false);
    expect(v.promises).toContain('task-contract');
    expect(v.text).toMatch(/fail \{"times":1,"messageChars":4100\}: ended failed with code "task_failed" and a message of 54 characters, .* \(4000 characters\)/);
  });
});
