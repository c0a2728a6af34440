/**
 * Blind set 18's data-shape misses, each as a broken variant
 * (./broken/data18-variants.ts) caught on scenario data-shapes.yaml, which
 * sends requests and task data in the shapes the README allows, at its
 * edges; the real system passes at the same seed.
 *
 * - #08 an idempotent repeat whose params or metadata differ only deep inside
 *   accepted as the key's execution: generated repeats, reordered or deeply
 *   changed (promise 22, harness/check/promises-engine.ts);
 * - #12 the command kind's child started with a shell: argv holding blanks,
 *   a glob, quotes, $NAME and `;` (promise 16, harness/check/promises-argv.ts;
 *   the simulated process table honours the spawn options production
 *   passes);
 * - #09 a graph past the 200-node limit answered whole: the simulated
 *   browser reads the widest fan-out's and the widest join's graphs
 *   (promise 29, harness/check/promises-ui-reads.ts);
 * - #18 task code throwing a plain Error or TypeError failing with the class
 *   name as its code: the probe kind throws Error, TypeError, RangeError,
 *   SyntaxError, a string and an object, and GET shows each execution's
 *   error and retry reasons (promise 16, harness/check/promises-thrown.ts).
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import type * as Errors from '../../system/core/errors.js';
import type * as Command from '../../system/tasks/command.js';
import type { TaskContext } from '../../system/tasks/kind.js';
import { KeyOrderStrictEngine, ShallowKeyCompareEngine, graphUnbounded } from './broken/data18-variants.js';
import { engineFactoryOf } from './broken/variants.js';
import { simVerdict } from './broken/verdict.js';

const state = vi.hoisted(() => ({ errorNames: false, shell: false }));

// #12: the command kind's child started with `shell: true` (node joins argv and hands it to /bin/sh), at the raw start (TaskContext.spawn).
vi.mock('../../system/tasks/command.js', async (importOriginal) => {
  const real = await importOriginal<typeof Command>();
  const commandKindWith: typeof real.commandKindWith = (opts) => {
    const kind = real.commandKindWith(opts);
    const shellSpawn = (ctx: TaskContext): TaskContext['spawn'] => (program, args, options) => ctx.spawn(program, args, { ...options, shell: true });
    const withShell = (ctx: TaskContext): TaskContext => Object.create(ctx, { spawn: { value: shellSpawn(ctx) } }) as TaskContext;
    return { ...kind, run: (params, ctx) => kind.run(params, state.shell ? withShell(ctx) : ctx) };
  };
  return { ...real, commandKindWith };
});

// #18: toErrorInfo gives a plain thrown Error its class name as code ("Error", "TypeError") instead of task_failed.
vi.mock('../../system/core/errors.js', async (importOriginal) => {
  const real = await importOriginal<typeof Errors>();
  const toErrorInfo: typeof real.toErrorInfo = (err) => {
    const info = real.toErrorInfo(err);
    return state.errorNames && err instanceof Error && !(err instanceof real.SquallError) && typeof (err as { code?: unknown }).code !== 'string' ? { ...info, code: err.name } : info;
  };
  return { ...real, toErrorInfo };
});

afterEach(() => {
  state.errorNames = false;
  state.shell = false;
});

const scenario = () => loadScenario(join(import.meta.dirname, '..', '..', 'scenarios', 'data-shapes.yaml'));

describe('data-shapes: requests and task data at the README\'s edges', () => {
  it('the real system passes', { timeout: 60_000 }, async () => {
    expect((await simVerdict(await scenario())).text).toBe('');
  });

  it('#09: a graph answered past 200 nodes is reported under api-contract', { timeout: 60_000 }, async () => {
    const v = await simVerdict(await scenario(), { wrapHttp: graphUnbounded });
    expect(v.promises).toEqual(['api-contract']);
    expect(v.text).toMatch(/GET \/ui\/graph\/\w+ \(t=\d+\) answered 2[0-9]{2} nodes: a graph shows at most 200 nodes, each once/);
  });

  it('#18: a thrown Error failing with its class name as code is reported under task-contract', { timeout: 60_000 }, async () => {
    state.errorNames = true;
    const v = await simVerdict(await scenario());
    expect(v.promises).toEqual(['task-contract']);
    expect(v.text).toMatch(/a probe throwing Error ended failed with error.code "Error": task code that throws anything but a SquallError fails with task_failed/);
    expect(v.text).toMatch(/a probe throwing TypeError was retried with the reason "attempt failed: TypeError; retry 1 of 1 in 100ms"/);
    expect(v.text).not.toMatch(/a probe throwing (string|object)/);
  });

  it('#08: a repeat changed deep inside params or metadata, accepted as the same execution, is reported under idempotency', { timeout: 60_000 }, async () => {
    const v = await simVerdict(await scenario(), { engineFactory: engineFactoryOf(ShallowKeyCompareEngine) });
    expect(v.promises).toEqual(['idempotency']);
    expect(v.text).toMatch(/idempotency key "idem-deep-k\d" of \w+ was reused for another task \(task\.(params\.value|metadata)\.[^ ]+ .* → .*\) and accepted at t=\d+ as the same execution/);
  });

  it('#08\'s neighbour: a repeat with its members in another order, refused as a conflict, is reported under idempotency', { timeout: 60_000 }, async () => {
    const v = await simVerdict(await scenario(), { engineFactory: engineFactoryOf(KeyOrderStrictEngine) });
    expect(v.promises).toEqual(['idempotency']);
    expect(v.text).toMatch(/a repeat of the acknowledged submission with idempotency key "idem-deep-k\d" \(the same task\) was refused as a conflict/);
  });

  it('#12: argv run through a shell is reported under task-contract', { timeout: 60_000 }, async () => {
    state.shell = true;
    const v = await simVerdict(await scenario());
    expect(v.promises).toEqual(['task-contract']);
    expect(v.text).toMatch(/command \["echo","two {2}spaces","\*","\$HOME\/x","\$\{PATH\}"\] completed printing "two spaces \* \/home\/[^"]*": argv runs without a shell/);
    expect(v.text).toMatch(/command \["echo","a; exit 3","\$\(id\)"\] failed: command "echo" exited with code 3/);
  });
});
